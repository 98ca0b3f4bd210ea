//===- QuantToQF.h - quant -> qf --------------------------------*- C++ -*-===//

#ifndef QFORGE_CONVERSION_QUANTTOQF_QUANTTOQF_H
#define QFORGE_CONVERSION_QUANTTOQF_QUANTTOQF_H

#include "mlir/Pass/Pass.h"

namespace mlir::qf {

#define GEN_PASS_DECL_CONVERTQUANTTOQFPASS
#include "qforge/Conversion/Passes.h.inc"

} // namespace mlir::qf

#endif // QFORGE_CONVERSION_QUANTTOQF_QUANTTOQF_H
