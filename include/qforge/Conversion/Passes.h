//===- Passes.h - qforge conversion passes ----------------------*- C++ -*-===//

#ifndef QFORGE_CONVERSION_PASSES_H
#define QFORGE_CONVERSION_PASSES_H

#include "qforge/Conversion/QFToLinalg/QFToLinalg.h"
#include "qforge/Conversion/QFToNVVM/QFToNVVM.h"
#include "qforge/Conversion/QFToSPIRV/QFToSPIRV.h"
#include "qforge/Conversion/QFToQuant/QFToQuant.h"
#include "qforge/Conversion/QFToX86/QFToX86.h"
#include "qforge/Conversion/QuantToQF/QuantToQF.h"

namespace mlir::qf {

#define GEN_PASS_REGISTRATION
#include "qforge/Conversion/Passes.h.inc"

} // namespace mlir::qf

#endif // QFORGE_CONVERSION_PASSES_H
