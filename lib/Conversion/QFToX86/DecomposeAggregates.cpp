//===- DecomposeAggregates.cpp - qf-decompose-aggregates ------------------===//
//
// linalg ops such as linalg.softmax implement AggregatedOpInterface: they
// stand for several structured ops and have no direct lowering to loops.
// This pass replaces each by its decomposition (for softmax: max, sub + exp,
// sum, div), which the rest of the x86 pipeline lowers.
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QFToX86/QFToX86.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/PatternMatch.h"

namespace mlir::qf {
#define GEN_PASS_DEF_QFDECOMPOSEAGGREGATESPASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;

namespace {
struct DecomposeAggregatesPass
    : qf::impl::QFDecomposeAggregatesPassBase<DecomposeAggregatesPass> {
  void runOnOperation() override {
    SmallVector<linalg::AggregatedOpInterface> ops;
    getOperation().walk(
        [&](linalg::AggregatedOpInterface op) { ops.push_back(op); });
    IRRewriter rewriter(&getContext());
    for (linalg::AggregatedOpInterface op : ops) {
      rewriter.setInsertionPoint(op);
      FailureOr<SmallVector<Value>> parts = op.decomposeOperation(rewriter);
      if (failed(parts)) {
        op->emitError() << "cannot be decomposed into structured ops";
        return signalPassFailure();
      }
      rewriter.replaceOp(op, *parts);
    }
  }
};
} // namespace
