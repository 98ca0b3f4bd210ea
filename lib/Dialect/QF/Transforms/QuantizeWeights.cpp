//===- QuantizeWeights.cpp - qf-quantize-weights --------------------------===//
//
// Turns float linalg.matmul ops with constant weights into weight-only
// quantized qf.matmul ops. The weights are only marked for quantization (a
// qf.quantize of the constant); rounding is left to folding or qf-round.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Transforms/Calibration.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace mlir::qf {
#define GEN_PASS_DEF_QFQUANTIZEWEIGHTSPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;

namespace {

/// Whether `v` is a linalg.fill of +0.0.
bool isZeroFill(Value v) {
  auto fill = v.getDefiningOp<linalg::FillOp>();
  if (!fill)
    return false;
  return matchPattern(fill.getInputs()[0], m_PosZeroFloat());
}

struct QuantizeMatmulWeights : OpRewritePattern<linalg::MatmulOp> {
  QuantizeMatmulWeights(MLIRContext *ctx, unsigned bits, int64_t group)
      : OpRewritePattern(ctx), bits(bits), group(group) {}

  LogicalResult matchAndRewrite(linalg::MatmulOp op,
                                PatternRewriter &rewriter) const override {
    if (op.hasUserDefinedMaps())
      return rewriter.notifyMatchFailure(op, "user-defined indexing maps");
    if (op.getInputs().size() != 2 || op.getOutputs().size() != 1 ||
        op->getNumResults() != 1)
      return rewriter.notifyMatchFailure(op, "not a tensor matmul");
    Value lhs = op.getInputs()[0], rhs = op.getInputs()[1];
    auto lhsType = dyn_cast<RankedTensorType>(lhs.getType());
    auto rhsType = dyn_cast<RankedTensorType>(rhs.getType());
    auto resultType = dyn_cast<RankedTensorType>(op->getResult(0).getType());
    if (!lhsType || !rhsType || !resultType || !rhsType.hasStaticShape() ||
        !lhsType.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "needs static ranked tensors");
    Type elem = rhsType.getElementType();
    if (!(elem.isF32() || elem.isF16() || elem.isBF16()) ||
        lhsType.getElementType() != elem || resultType.getElementType() != elem)
      return rewriter.notifyMatchFailure(op, "needs one f32/f16/bf16 type");
    if (!matchPattern(rhs, m_Constant()))
      return rewriter.notifyMatchFailure(op, "weights are not a constant");
    if (!isZeroFill(op.getOutputs()[0]))
      return rewriter.notifyMatchFailure(op, "init is not a fill of +0.0");

    // qf-mark-quantizable's choice: excluded layers stay in float, selected
    // ones may override the width and group size.
    unsigned bits = this->bits;
    int64_t group = this->group;
    bool fixedBits = false;
    if (Attribute mark = op->getAttr(kQuantizableAttrName)) {
      if (auto keep = dyn_cast<BoolAttr>(mark); keep && !keep.getValue())
        return rewriter.notifyMatchFailure(op, "excluded from quantization");
      if (auto dict = dyn_cast<DictionaryAttr>(mark)) {
        if (auto b = dict.getAs<IntegerAttr>("bits")) {
          bits = unsigned(b.getInt());
          fixedBits = true;
        }
        if (auto g = dict.getAs<IntegerAttr>("group"))
          group = g.getInt();
      }
    }
    int64_t k = rhsType.getDimSize(0);
    qforge::Scheme scheme;
    scheme.bits = bits;
    scheme.axis = 1; // one scale per output column
    if (group > 0) {
      if (k % group == 0) {
        scheme.axis = 0;
        scheme.groupSize = group;
      } else {
        op.emitWarning() << "qf-quantize-weights: K = " << k
                         << " is not a multiple of group = " << group
                         << "; using one scale per output column";
      }
    }
    SchemeAttr schemeAttr = SchemeAttr::fromScheme(getContext(), scheme);
    if (!schemeAttr)
      return rewriter.notifyMatchFailure(op, "invalid scheme");
    auto qType = QTensorType::get(getContext(), rhsType.getShape(), elem,
                                  schemeAttr, LayoutAttr());
    Location loc = op.getLoc();
    auto quantize = QuantizeOp::create(rewriter, loc, qType, rhs, Value(),
                                       Value(), /*tensor_scale=*/Value());
    // A width the recipe fixed is not for -qf-allocate-bits to change.
    if (fixedBits)
      quantize->setAttr(kFixedWidthAttrName, rewriter.getUnitAttr());
    Value q = quantize;
    Value y = MatmulOp::create(rewriter, loc, resultType, lhs, q,
                               TypeAttr::get(rewriter.getF32Type()),
                               /*transpose_rhs=*/UnitAttr());
    rewriter.replaceOp(op, y);
    return success();
  }

  unsigned bits;
  int64_t group;
};

struct QuantizeWeightsPass
    : qf::impl::QFQuantizeWeightsPassBase<QuantizeWeightsPass> {
  using Base::Base;

  void runOnOperation() override {
    if (bits < 1 || bits > qforge::kMaxBits) {
      getOperation().emitError() << "qf-quantize-weights: bits must be 1.."
                                 << qforge::kMaxBits << ", got " << unsigned(bits);
      return signalPassFailure();
    }
    if (group < 0) {
      getOperation().emitError()
          << "qf-quantize-weights: group must be >= 0, got " << int64_t(group);
      return signalPassFailure();
    }
    RewritePatternSet patterns(&getContext());
    patterns.add<QuantizeMatmulWeights>(&getContext(), bits, group);
    // Only the matched ops change: no folding of the rest of the module.
    GreedyRewriteConfig config;
    config.enableFolding(false);
    config.setStrictness(GreedyRewriteStrictness::ExistingOps);
    if (failed(applyPatternsGreedily(getOperation(), std::move(patterns),
                                     config)))
      return signalPassFailure();
  }
};
} // namespace
