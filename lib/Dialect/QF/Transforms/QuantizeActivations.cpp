//===- QuantizeActivations.cpp - qf-quantize-activations ------------------===//
//
// Static per-tensor int8 activations for matmuls with integer weights: the
// scale comes from a clipping threshold chosen on a histogram of the
// calibration activations (qforge::threshold, plain C++ in Calibration.h).
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "CalibrationData.h"
#include "qforge/Dialect/QF/Transforms/Calibration.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Quantization/Calibration.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/StringMap.h"

#include <cmath>

namespace mlir::qf {
#define GEN_PASS_DEF_QFQUANTIZEACTIVATIONSPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;

namespace {

constexpr unsigned kHistogramBins = 2048;

/// Whether an integer matmul takes weights of `type` (as its verifier
/// requires for a quantized lhs with a float result).
bool acceptsQuantizedLhs(MatmulOp op) {
  qforge::Scheme ws = op.getRhs().getType().getScheme().toScheme();
  if (!ws.isInteger() || ws.tensorScale ||
      !isa<FloatType>(op.getResult().getType().getElementType()))
    return false;
  int64_t kAxis = op.getTransposeRhs() ? 1 : 0;
  int64_t nAxis = 1 - kAxis;
  return ws.isPerTensor() || (ws.isPerAxis() && ws.axis == nAxis) ||
         (ws.isPerGroup() && ws.axis == kAxis);
}

struct QuantizeActivationsPass
    : qf::impl::QFQuantizeActivationsPassBase<QuantizeActivationsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (method == "dynamic")
      return quantizeDynamically(module);
    std::optional<qforge::RangeMethod> rangeMethod =
        qforge::parseRangeMethod(method);
    if (!rangeMethod) {
      module.emitError() << "qf-quantize-activations: method must be minmax, "
                            "percentile, mse, entropy or dynamic, got '"
                         << method << "'";
      return signalPassFailure();
    }
    if (!(percentile > 0 && percentile <= 1)) {
      module.emitError() << "qf-quantize-activations: percentile must be in "
                            "(0, 1]";
      return signalPassFailure();
    }
    double param = *rangeMethod == qforge::RangeMethod::Percentile ? percentile
                   : *rangeMethod == qforge::RangeMethod::Entropy  ? 128.0
                                                                   : 127.0;

    SmallVector<MatmulOp> matmuls;
    module.walk([&](MatmulOp op) {
      if (isa<RankedTensorType>(op.getLhs().getType()) &&
          op.getLhs().getDefiningOp<ObserveOp>() && acceptsQuantizedLhs(op))
        matmuls.push_back(op);
    });
    llvm::StringMap<float> scales;
    for (MatmulOp op : matmuls) {
      auto observe = op.getLhs().getDefiningOp<ObserveOp>();
      auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
      if (!lhsType.getElementType().isF32())
        continue;
      std::string name = observe.getName().str();
      auto it = scales.find(name);
      if (it == scales.end()) {
        // Statistics attached by -qf-attach-calibration, else the
        // activations in the calibration directory.
        std::string error;
        std::optional<qforge::CalibrationRecord> record =
            attachedCalibration(observe, error);
        if (!error.empty()) {
          op.emitError() << "qf-quantize-activations: " << error;
          return signalPassFailure();
        }
        double absMax = 0;
        std::optional<qforge::AbsHistogram> h;
        if (record) {
          absMax = record->absMax;
          if (!record->histogram.empty()) {
            h = record->absHistogram();
          } else if (*rangeMethod != qforge::RangeMethod::MinMax) {
            op.emitError()
                << "qf-quantize-activations: the statistics of '" << name
                << "' have no histogram (they were transformed by "
                   "-qf-equalize); use method=minmax, or calibrate the "
                   "equalized model";
            return signalPassFailure();
          }
        } else if (calibration.empty()) {
          op.emitError() << "qf-quantize-activations: no statistics for '"
                         << name
                         << "': run -qf-attach-calibration first, or give "
                            "calibration=<dir> with the observed activations "
                            "(<name>.npy)";
          return signalPassFailure();
        } else {
          std::optional<Activations> x = readActivations(
              calibration, name, lhsType.getShape().back(), error);
          if (!x) {
            op.emitError() << "qf-quantize-activations: activations of '"
                           << name << "': " << error;
            return signalPassFailure();
          }
          for (float v : x->values)
            if (std::isfinite(v))
              absMax = std::max(absMax, double(std::fabs(v)));
          if (absMax > 0) {
            h.emplace(kHistogramBins, absMax);
            h->add(x->values.data(), static_cast<int64_t>(x->values.size()));
          }
        }
        if (!(absMax > 0)) {
          op.emitError() << "qf-quantize-activations: activations of '"
                         << name << "' are all zero (or not finite): no scale";
          return signalPassFailure();
        }
        double t = h ? qforge::threshold(*h, *rangeMethod, param) : absMax;
        if (!(t > 0))
          t = absMax;
        it = scales.try_emplace(name, float(t / 127.0)).first;
      }
      OpBuilder b(op);
      Location loc = op.getLoc();
      auto scaleType = RankedTensorType::get({}, b.getF32Type());
      Value scale = arith::ConstantOp::create(
          b, loc, DenseElementsAttr::get(scaleType, it->second));
      qforge::Scheme scheme; // signed 8-bit, one scale
      auto qType = QTensorType::get(
          &getContext(), lhsType.getShape(), lhsType.getElementType(),
          SchemeAttr::fromScheme(&getContext(), scheme), LayoutAttr());
      Value qx = QuantizeOp::create(b, loc, qType, op.getLhs(), scale,
                                    Value(), Value());
      op.getLhsMutable().assign(qx);
      op.setAccTypeAttr(TypeAttr::get(b.getI32Type()));
      // E.g. an i32 accumulator too narrow for a very long K.
      if (failed(op.verifyInvariants()))
        return signalPassFailure();
      op->setAttr("qf.activation_scale", b.getF32FloatAttr(it->second));
    }
  }

  /// method=dynamic: every eligible float left operand is quantized at run
  /// time with one scale per row (qf.quantize without static scales), so no
  /// calibration is needed.
  void quantizeDynamically(ModuleOp module) {
    SmallVector<MatmulOp> matmuls;
    module.walk([&](MatmulOp op) {
      auto lhs = dyn_cast<RankedTensorType>(op.getLhs().getType());
      if (lhs && lhs.getElementType().isF32() && acceptsQuantizedLhs(op))
        matmuls.push_back(op);
    });
    for (MatmulOp op : matmuls) {
      auto lhsType = cast<RankedTensorType>(op.getLhs().getType());
      OpBuilder b(op);
      qforge::Scheme scheme; // signed 8-bit
      scheme.axis = 0;       // one scale per row, from the data
      auto qType = QTensorType::get(
          &getContext(), lhsType.getShape(), lhsType.getElementType(),
          SchemeAttr::fromScheme(&getContext(), scheme), LayoutAttr());
      Value qx = QuantizeOp::create(b, op.getLoc(), qType, op.getLhs(),
                                    Value(), Value(), Value());
      op.getLhsMutable().assign(qx);
      op.setAccTypeAttr(TypeAttr::get(b.getI32Type()));
      if (failed(op.verifyInvariants()))
        return signalPassFailure();
    }
  }
};
} // namespace
