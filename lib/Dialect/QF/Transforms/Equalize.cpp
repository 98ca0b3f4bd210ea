//===- Equalize.cpp - AWQ / SmoothQuant equivalence scaling ---------------===//
//
// -qf-equalize: per-input-channel scales s for every observed matmul input
// X with attached statistics; X W becomes (X diag(1/s)) (diag(s) W). The
// scales come from qforge/Quantization/Equalize.h (plain C++).
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "qforge/Dialect/QF/IR/QFBlob.h"
#include "qforge/Dialect/QF/Transforms/Calibration.h"
#include "qforge/Quantization/Equalize.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Dialect/Linalg/Transforms/Transforms.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <cmath>

namespace mlir::qf {
#define GEN_PASS_DEF_QFEQUALIZEPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;

namespace {

/// Marks the scaling ops this pass inserts until they are fused.
constexpr const char *kScaleOpAttr = "qf.equalize_scale";

/// A float constant of `type` holding `values` (a resource blob when large).
Value floatConstant(OpBuilder &b, Location loc, RankedTensorType type,
                    const std::vector<float> &values, StringRef key) {
  if (values.size() <= 8)
    return arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, ArrayRef<float>(values)));
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<float>(values));
  return arith::ConstantOp::create(
      b, loc, type, DenseResourceElementsAttr::get(type, key, std::move(blob)));
}

struct EqualizePass : qf::impl::QFEqualizePassBase<EqualizePass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fail = [&](Operation *op, const Twine &msg) {
      op->emitError() << "qf-equalize: " << msg;
      signalPassFailure();
    };
    if (method != "awq" && method != "smoothquant")
      return fail(module, "method must be awq or smoothquant, got '" +
                              method + "'");
    if (!(alpha >= 0 && alpha <= 1))
      return fail(module, "alpha must be in [0, 1]");
    if (bits < 1 || bits > qforge::kMaxBits)
      return fail(module, "bits must be 1.." + Twine(qforge::kMaxBits));
    if (group < 0)
      return fail(module, "group must be >= 0");

    SmallVector<ObserveOp> observes;
    module.walk([&](ObserveOp op) {
      if (op->hasAttr(kCalibrationAttrName) &&
          !op->hasAttr("qf.equalized"))
        observes.push_back(op);
    });
    unsigned changed = 0;
    for (ObserveOp observe : observes) {
      auto xType = dyn_cast<RankedTensorType>(observe.getType());
      if (!xType || xType.getRank() < 1 || !xType.getElementType().isF32())
        continue;
      int64_t k = xType.getShape().back();
      // Every user must be a matmul with constant f32 weights [K, N].
      SmallVector<linalg::MatmulOp> users;
      SmallVector<std::vector<float>> weights;
      bool eligible = !observe->use_empty();
      for (Operation *user : observe->getUsers()) {
        auto mm = dyn_cast<linalg::MatmulOp>(user);
        if (!mm || mm.hasUserDefinedMaps() || mm.getInputs().size() != 2 ||
            mm.getInputs()[0] != observe.getResult()) {
          eligible = false;
          break;
        }
        auto w = getFloatValues(getConstantAttr(mm.getInputs()[1]));
        auto wType = dyn_cast<RankedTensorType>(mm.getInputs()[1].getType());
        if (!w || !wType || wType.getRank() != 2 || wType.getDimSize(0) != k) {
          eligible = false;
          break;
        }
        users.push_back(mm);
        weights.push_back(std::move(*w));
      }
      if (!eligible)
        continue;
      std::string error;
      std::optional<qforge::CalibrationRecord> stats =
          attachedCalibration(observe, error);
      if (!stats)
        return fail(observe, error);
      if (stats->channels != k || stats->gram.size() != size_t(k * k))
        return fail(observe, "the statistics of '" + observe.getName() +
                                 "' have no " + Twine(k) + "x" + Twine(k) +
                                 " gram matrix");
      // Stack the users' weights as N_total x K (rows: output channels).
      int64_t rows = 0;
      for (linalg::MatmulOp mm : users)
        rows += cast<RankedTensorType>(mm.getInputs()[1].getType())
                    .getDimSize(1);
      std::vector<float> stacked(size_t(rows * k));
      int64_t row0 = 0;
      for (auto [mm, w] : llvm::zip(users, weights)) {
        int64_t n = cast<RankedTensorType>(mm.getInputs()[1].getType())
                        .getDimSize(1);
        for (int64_t kk = 0; kk < k; ++kk)
          for (int64_t j = 0; j < n; ++j)
            stacked[size_t((row0 + j) * k + kk)] = w[size_t(kk * n + j)];
        row0 += n;
      }
      std::vector<float> s;
      double chosenAlpha = alpha;
      if (method == "awq") {
        qforge::TensorDesc desc;
        desc.shape = {rows, k};
        desc.scheme.bits = bits;
        if (group > 0 && k % group == 0) {
          desc.scheme.axis = 1;
          desc.scheme.groupSize = group;
        } else {
          desc.scheme.axis = 0;
        }
        std::vector<double> h = stats->gram;
        for (double &e : h)
          e /= double(stats->rows);
        std::vector<float> meanAbs(stats->meanAbs.begin(),
                                   stats->meanAbs.end());
        auto r = qforge::awqSearch(stacked, desc, h, meanAbs, grid, &error);
        if (!r)
          return fail(observe, "'" + observe.getName() + "': " + error);
        s = r->scales;
        chosenAlpha = r->alpha;
      } else {
        std::vector<float> actMax(stats->channelAbsMax.begin(),
                                  stats->channelAbsMax.end());
        auto r = qforge::smoothQuantScales(actMax, stacked, rows, k, alpha,
                                           &error);
        if (!r)
          return fail(observe, "'" + observe.getName() + "': " + error);
        s = *r;
      }
      bool identity = llvm::all_of(s, [](float v) { return v == 1.0f; });
      OpBuilder b(observe);
      observe->setAttr("qf.equalized",
                       b.getDictionaryAttr(
                           {b.getNamedAttr("method", b.getStringAttr(method)),
                            b.getNamedAttr("alpha",
                                           b.getF64FloatAttr(chosenAlpha))}));
      if (identity)
        continue;
      for (float v : s)
        if (!(v > 0) || !std::isfinite(v))
          return fail(observe, "non-positive or non-finite scale for '" +
                                   observe.getName() + "'");
      ++changed;
      // The users' weights: row k of W times s_k.
      for (auto [mm, w] : llvm::zip(users, weights)) {
        auto wType = cast<RankedTensorType>(mm.getInputs()[1].getType());
        int64_t n = wType.getDimSize(1);
        std::vector<float> scaled = w;
        for (int64_t kk = 0; kk < k; ++kk)
          for (int64_t j = 0; j < n; ++j)
            scaled[size_t(kk * n + j)] *= s[size_t(kk)];
        OpBuilder wb(mm);
        std::string key = layerName(mm.getLoc()) + ".equalized";
        if (key == ".equalized")
          key = "equalized";
        Value c = floatConstant(wb, mm.getLoc(), wType, scaled, key);
        mm->setOperand(1, c);
      }
      // X / s before the observe.
      Location loc = observe.getLoc();
      std::vector<float> inv(s.size());
      for (size_t i = 0; i < s.size(); ++i)
        inv[i] = 1.0f / s[i];
      auto invType = RankedTensorType::get({k}, b.getF32Type());
      Value invValue = floatConstant(b, loc, invType, inv,
                                     (observe.getName() + ".inv_scale").str());
      unsigned rank = xType.getRank();
      SmallVector<AffineMap> maps = {
          AffineMap::getMultiDimIdentityMap(rank, &getContext()),
          AffineMap::get(rank, 0, {getAffineDimExpr(rank - 1, &getContext())},
                         &getContext()),
          AffineMap::getMultiDimIdentityMap(rank, &getContext())};
      SmallVector<utils::IteratorType> iters(rank,
                                             utils::IteratorType::parallel);
      Value init = tensor::EmptyOp::create(b, loc, xType.getShape(),
                                           xType.getElementType());
      Value scaledX =
          linalg::GenericOp::create(
              b, loc, TypeRange{xType},
              ValueRange{observe.getInput(), invValue}, ValueRange{init}, maps,
              iters,
              [](OpBuilder &nb, Location nl, ValueRange args) {
                linalg::YieldOp::create(
                    nb, nl,
                    Value(arith::MulFOp::create(nb, nl, args[0], args[1])));
              })
              ->getResult(0);
      scaledX.getDefiningOp()->setAttr(kScaleOpAttr, b.getUnitAttr());
      observe->setOperand(0, scaledX);
      // The statistics of X / s.
      qforge::CalibrationRecord r = *stats;
      double absMax = 0;
      for (int64_t i = 0; i < k; ++i) {
        double si = s[size_t(i)];
        r.meanAbs[size_t(i)] /= si;
        r.meanSquare[size_t(i)] /= si * si;
        r.channelAbsMax[size_t(i)] /= si;
        absMax = std::max(absMax, r.channelAbsMax[size_t(i)]);
        for (int64_t j = 0; j < k; ++j)
          r.gram[size_t(i * k + j)] /= si * double(s[size_t(j)]);
      }
      r.absMax = absMax;
      r.min = -absMax;
      r.max = absMax;
      r.histogram.clear();
      r.histogramUpper = 1;
      while (r.histogramUpper <= absMax)
        r.histogramUpper *= 2;
      observe->setAttr(kCalibrationAttrName,
                       encodeCalibration(&getContext(), r));
    }
    if (changed == 0)
      return;
    // Fold each X * (1/s) into the elementwise op that produces X, when it
    // has no other user (a ReLU, GELU or LayerNorm output, a bias add):
    // linalg's producer-consumer fusion of elementwise generics, limited
    // to the scaling ops inserted above.
    RewritePatternSet patterns(&getContext());
    linalg::populateElementwiseOpsFusionPatterns(
        patterns, [](OpOperand *operand) {
          Operation *producer = operand->get().getDefiningOp();
          return operand->getOwner()->hasAttr(kScaleOpAttr) && producer &&
                 producer->hasOneUse();
        });
    GreedyRewriteConfig config;
    config.enableFolding(false);
    if (failed(applyPatternsGreedily(module, std::move(patterns), config)))
      return signalPassFailure();
    module.walk([](linalg::GenericOp op) { op->removeAttr(kScaleOpAttr); });
  }
};

} // namespace
