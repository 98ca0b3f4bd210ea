//===- Round.cpp - qf-round -----------------------------------------------===//
//
// Quantizes constant weights with qforge::roundToNearest (clipping search);
// the algorithm is plain C++ (Rounding.h), this pass only reads and writes IR.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "qforge/Dialect/QF/IR/QFBlob.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Quantization/Rounding.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::qf {
#define GEN_PASS_DEF_QFROUNDPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;

namespace {
struct RoundPass : qf::impl::QFRoundPassBase<RoundPass> {
  using Base::Base;

  void runOnOperation() override {
    qforge::RTNOptions options;
    if (clip == "mse") {
      options.clip = qforge::ClipSearch::mse();
    } else if (clip != "none") {
      getOperation().emitError()
          << "qf-round: clip must be mse or none, got '" << clip << "'";
      return signalPassFailure();
    }
    SmallVector<QuantizeOp> candidates;
    getOperation().walk([&](QuantizeOp op) { candidates.push_back(op); });
    for (QuantizeOp op : candidates) {
      QTensorType type = op.getResult().getType();
      qforge::Scheme scheme = type.getScheme().toScheme();
      // Only what roundToNearest handles; the rest is left to folding.
      if (op.getScales() || type.getRank() != 2 || !scheme.isInteger() ||
          scheme.tensorScale ||
          type.getNumElements() > kMaxExpandedElements)
        continue;
      std::optional<std::vector<float>> weights =
          getFloatValues(getConstantAttr(op.getInput()));
      if (!weights)
        continue;
      std::string error;
      std::optional<qforge::RoundingResult> result = qforge::roundToNearest(
          *weights, type.getDesc(), /*hessian=*/{}, options, &error);
      if (!result) {
        op.emitError() << "qf-round: " << error;
        return signalPassFailure();
      }
      OpBuilder b(op);
      auto constant = ConstantOp::create(
          b, op.getLoc(), type,
          makeBlobAttr(&getContext(), qforge::packBlob(result->tensor)));
      constant->setAttr("qf.round_error",
                        b.getF64FloatAttr(result->objective));
      op.replaceAllUsesWith(constant.getResult());
      op.erase();
    }
  }
};
} // namespace
