//===- Round.cpp - qf-round -----------------------------------------------===//
//
// Quantizes constant weights with qforge::roundToNearest (clipping search)
// or qforge::roundGPTQ (with the Hessian of the calibration activations that
// enter the weight's matmul); the algorithms are plain C++ (Rounding.h), this
// pass only reads and writes IR and the activation files.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "CalibrationData.h"
#include "qforge/Dialect/QF/Transforms/Calibration.h"

#include "qforge/Dialect/QF/IR/QFBlob.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Quantization/Reference.h"
#include "qforge/Quantization/Rounding.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

#include <cmath>

namespace mlir::qf {
#define GEN_PASS_DEF_QFROUNDPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;

namespace {

/// A matmul that consumes a weight with observed activations.
struct ObservedUse {
  ObserveOp observe;
  std::string name;
  bool transposeRhs;
};

/// The matmul that consumes weight `w` with observed activations, or
/// nullopt if there is none.
std::optional<ObservedUse> observedUse(Value w) {
  for (Operation *user : w.getUsers()) {
    auto mm = dyn_cast<MatmulOp>(user);
    if (!mm || mm.getRhs() != w)
      continue;
    if (auto observe = mm.getLhs().getDefiningOp<ObserveOp>())
      return ObservedUse{observe, observe.getName().str(),
                         mm.getTransposeRhs()};
  }
  return std::nullopt;
}

/// H = gram / rows from the statistics -qf-attach-calibration put on
/// `observe`; nullopt (without error) when there are none.
std::optional<std::vector<double>> attachedHessian(ObserveOp observe,
                                                   int64_t k,
                                                   std::string &error) {
  std::optional<qforge::CalibrationRecord> r =
      attachedCalibration(observe, error);
  if (!r)
    return std::nullopt;
  if (r->channels != k || r->gram.size() != size_t(k * k)) {
    error = "its attached statistics have no " + std::to_string(k) + "x" +
            std::to_string(k) + " gram matrix";
    return std::nullopt;
  }
  std::vector<double> h = r->gram;
  for (double &e : h) {
    e /= double(r->rows);
    if (!std::isfinite(e)) {
      error = "its attached gram matrix is not finite";
      return std::nullopt;
    }
  }
  return h;
}

/// H = X^T X / rows (K x K, row-major, double) of the activations in
/// `<dir>/<name>.npy`, summed in a fixed order (deterministic).
std::optional<std::vector<double>> readHessian(const std::string &dir,
                                               const std::string &name,
                                               int64_t k, std::string &error) {
  std::optional<Activations> x = readActivations(dir, name, k, error);
  if (!x)
    return std::nullopt;
  std::vector<double> h(static_cast<size_t>(k * k), 0.0);
  for (int64_t r = 0; r < x->rows; ++r) {
    const float *row = x->values.data() + r * k;
    for (int64_t i = 0; i < k; ++i) {
      double xi = row[i];
      if (xi == 0.0)
        continue;
      double *hi = h.data() + i * k;
      for (int64_t j = i; j < k; ++j)
        hi[j] += xi * double(row[j]);
    }
  }
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = i; j < k; ++j) {
      h[i * k + j] /= double(x->rows);
      h[j * k + i] = h[i * k + j];
    }
  for (double e : h)
    if (!std::isfinite(e)) {
      error = name + ".npy: activations are not finite";
      return std::nullopt;
    }
  return h;
}

struct RoundPass : qf::impl::QFRoundPassBase<RoundPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    qforge::ClipSearch clipSearch;
    if (clip == "mse") {
      clipSearch = qforge::ClipSearch::mse();
    } else if (clip != "none") {
      module.emitError() << "qf-round: clip must be mse or none, got '"
                         << clip << "'";
      return signalPassFailure();
    }
    if (method != "rtn" && method != "gptq" && method != "adaround") {
      module.emitError() << "qf-round: method must be rtn, gptq or adaround, "
                            "got '"
                         << method << "'";
      return signalPassFailure();
    }
    // Both calibration-aware methods take the layer's Hessian.
    bool calibrated = method != "rtn";
    if (!(damp >= 0) || !std::isfinite(damp)) {
      module.emitError() << "qf-round: damp must be >= 0";
      return signalPassFailure();
    }

    SmallVector<QuantizeOp> candidates;
    module.walk([&](QuantizeOp op) { candidates.push_back(op); });
    llvm::StringMap<std::vector<double>> hessians;
    for (QuantizeOp op : candidates) {
      QTensorType type = op.getResult().getType();
      qforge::Scheme scheme = type.getScheme().toScheme();
      // Only what the algorithms handle; the rest is left to folding.
      if (op.getScales() || type.getRank() != 2 || !scheme.isInteger() ||
          scheme.tensorScale ||
          type.getNumElements() > kMaxExpandedElements)
        continue;
      std::optional<std::vector<float>> weights =
          getFloatValues(getConstantAttr(op.getInput()));
      if (!weights)
        continue;
      qforge::TensorDesc desc = type.getDesc();
      std::string error;
      std::optional<qforge::RoundingResult> result;
      std::optional<double> baseline;
      std::optional<ObservedUse> use =
          calibrated ? observedUse(op.getResult()) : std::nullopt;
      if (calibrated && !use)
        op.emitWarning() << "qf-round: no observed matmul uses this weight "
                            "(run -qf-instrument before calibrating); "
                            "rounding it to nearest";
      else if (calibrated && !desc.layout.isPacked()) {
        op.emitWarning() << "qf-round: method=" << method
                         << " needs a packed layout; rounding this weight to "
                            "nearest";
        use.reset();
      }
      if (use) {
        std::string name = use->name;
        bool transposeRhs = use->transposeRhs;
        // GPTQ and AdaRound work on N x K (output rows, contraction
        // columns).
        int64_t k = transposeRhs ? desc.shape[1] : desc.shape[0];
        auto it = hessians.find(name);
        if (it == hessians.end()) {
          // Statistics attached by -qf-attach-calibration, else the
          // activations in the calibration directory.
          std::optional<std::vector<double>> h =
              attachedHessian(use->observe, k, error);
          if (!h && error.empty() && calibration.empty()) {
            op.emitError() << "qf-round: method=" << method
                           << " needs the Hessian of '" << name
                           << "': run -qf-attach-calibration first, or give "
                              "calibration=<dir> with the observed "
                              "activations (<name>.npy)";
            return signalPassFailure();
          }
          if (!h && error.empty())
            h = readHessian(calibration, name, k, error);
          if (!h) {
            op.emitError() << "qf-round: activations of '" << name
                           << "': " << error;
            return signalPassFailure();
          }
          it = hessians.try_emplace(name, std::move(*h)).first;
        }
        qforge::TensorDesc nk = desc;
        std::vector<float> w = *weights;
        if (!transposeRhs) {
          nk.shape = {desc.shape[1], desc.shape[0]};
          if (nk.scheme.axis >= 0)
            nk.scheme.axis = 1 - nk.scheme.axis;
          w = qforge::transposeMatrix(*weights, desc.shape[0], desc.shape[1]);
        }
        if (method == "gptq") {
          qforge::GPTQOptions options;
          options.clip = clipSearch;
          options.dampening = damp;
          result = qforge::roundGPTQ(w, nk, it->second, options, &error);
        } else {
          qforge::AdaRoundOptions options;
          options.clip = clipSearch;
          options.iterations = iterations;
          result = qforge::roundAdaRound(w, nk, it->second, options, &error);
        }
        // The baseline: what method=rtn gives, measured by the same
        // objective tr((W - Ŵ) H (W - Ŵ)ᵀ), recorded next to the result.
        if (result) {
          qforge::RTNOptions rtnOptions;
          rtnOptions.clip = clipSearch;
          std::optional<qforge::RoundingResult> rtn = qforge::roundToNearest(
              w, nk, /*hessian=*/{}, rtnOptions, &error);
          std::optional<double> rtnObjective;
          if (rtn)
            rtnObjective = qforge::layerObjective(
                w, qforge::dequantize(rtn->tensor), it->second, nk.shape[0],
                nk.shape[1], &error);
          if (!rtnObjective) {
            op.emitError() << "qf-round: " << error;
            return signalPassFailure();
          }
          baseline = *rtnObjective;
        }
        if (result && !transposeRhs) {
          std::optional<qforge::QuantizedTensor> t =
              qforge::transpose2D(result->tensor, &error);
          if (!t)
            result.reset();
          else
            result->tensor = std::move(*t);
        }
      } else {
        qforge::RTNOptions options;
        options.clip = clipSearch;
        result = qforge::roundToNearest(*weights, desc, /*hessian=*/{},
                                        options, &error);
      }
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
      if (baseline)
        constant->setAttr("qf.rtn_error", b.getF64FloatAttr(*baseline));
      op.replaceAllUsesWith(constant.getResult());
      op.erase();
    }
  }
};
} // namespace
