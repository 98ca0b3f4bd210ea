//===- QFToQuant.h - qf -> quant --------------------------------*- C++ -*-===//

#ifndef QFORGE_CONVERSION_QFTOQUANT_QFTOQUANT_H
#define QFORGE_CONVERSION_QFTOQUANT_QFTOQUANT_H

#include "mlir/Pass/Pass.h"

namespace mlir::qf {

#define GEN_PASS_DECL_CONVERTQFTOQUANTPASS
#include "qforge/Conversion/Passes.h.inc"

} // namespace mlir::qf

#endif // QFORGE_CONVERSION_QFTOQUANT_QFTOQUANT_H
