//===- Passes.h - qf transformations ----------------------------*- C++ -*-===//

#ifndef QFORGE_DIALECT_QF_TRANSFORMS_PASSES_H
#define QFORGE_DIALECT_QF_TRANSFORMS_PASSES_H

#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/Pass/Pass.h"

namespace mlir::qf {

#define GEN_PASS_DECL
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"

/// Whether `text` is a valid entry of qf-allocate-bits' `candidates` (e.g.
/// "4", "4g128", "3o:f16", "binary", "nvfp4"), for tools that check their
/// options before running the pass.
bool isAllocationCandidate(llvm::StringRef text);

} // namespace mlir::qf

#endif // QFORGE_DIALECT_QF_TRANSFORMS_PASSES_H
