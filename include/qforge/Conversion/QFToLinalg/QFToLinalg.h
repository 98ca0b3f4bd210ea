//===- QFToLinalg.h - qf -> linalg (reference lowering) ---------*- C++ -*-===//

#ifndef QFORGE_CONVERSION_QFTOLINALG_QFTOLINALG_H
#define QFORGE_CONVERSION_QFTOLINALG_QFTOLINALG_H

#include "mlir/Pass/Pass.h"

namespace mlir::qf {

#define GEN_PASS_DECL_CONVERTQFTOLINALGPASS
#include "qforge/Conversion/Passes.h.inc"

} // namespace mlir::qf

#endif // QFORGE_CONVERSION_QFTOLINALG_QFTOLINALG_H
