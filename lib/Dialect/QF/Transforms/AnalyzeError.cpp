//===- AnalyzeError.cpp - Per-layer quantization error report -------------===//
//
// -qf-analyze-error{report=FILE}: the error of every weight quantization
// (round to nearest at its scheme) and, with calibration statistics, its
// layer objective, gain and predicted share of the model's output error.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "qforge/Dialect/QF/IR/QFBlob.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Transforms/Calibration.h"
#include "qforge/Quantization/Reference.h"
#include "qforge/Quantization/Rounding.h"
#include "qforge/Support/FileIO.h"

#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir::qf {
#define GEN_PASS_DEF_QFANALYZEERRORPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;

namespace {

struct AnalyzeErrorPass : qf::impl::QFAnalyzeErrorPassBase<AnalyzeErrorPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    llvm::json::Array layers;
    double totalWeights = 0, totalBits = 0, predicted = 0;
    bool allPredicted = true;
    unsigned unnamed = 0;
    bool failedAny = false;
    module.walk([&](QuantizeOp op) {
      if (failedAny)
        return;
      QTensorType type = op.getResult().getType();
      qforge::Scheme scheme = type.getScheme().toScheme();
      if (op.getScales() || type.getRank() != 2 ||
          type.getNumElements() > kMaxExpandedElements)
        return;
      std::optional<std::vector<float>> weights =
          getFloatValues(getConstantAttr(op.getInput()));
      if (!weights)
        return;
      qforge::TensorDesc desc = type.getDesc();
      // The matmul using the weight, and its observed input.
      MatmulOp use;
      for (Operation *user : op.getResult().getUsers())
        if (auto mm = dyn_cast<MatmulOp>(user))
          if (mm.getRhs() == op.getResult())
            use = mm;
      std::string name = weightLayerName(op, unnamed);
      qforge::RTNOptions options;
      options.clip = qforge::ClipSearch::mse();
      std::string error;
      std::optional<qforge::RoundingResult> rounded =
          qforge::roundToNearestAnyFormat(*weights, desc, options, &error);
      if (!rounded) {
        op.emitError() << "qf-analyze-error: " << error;
        failedAny = true;
        return;
      }
      std::vector<float> deq = qforge::dequantize(rounded->tensor);
      double local = 0;
      for (size_t i = 0; i < deq.size(); ++i) {
        double d = double((*weights)[i]) - double(deq[i]);
        local += d * d;
      }
      double elements = double(weights->size());
      double bits = qforge::storedBits(scheme, desc.shape);
      totalWeights += elements;
      totalBits += bits;
      std::string schemeText;
      llvm::raw_string_ostream os(schemeText);
      os << type.getScheme();
      llvm::json::Object entry{
          {"layer", name},
          {"shape", llvm::json::Array{desc.shape[0], desc.shape[1]}},
          {"scheme", schemeText},
          {"bits_per_weight", bits / elements},
          {"local_error", local},
      };
      std::optional<qforge::CalibrationRecord> stats;
      if (use)
        if (auto observe = use.getLhs().getDefiningOp<ObserveOp>())
          stats = attachedCalibration(observe, error);
      std::string remark;
      llvm::raw_string_ostream rs(remark);
      rs << "qf-analyze-error: " << name << ": " << schemeText << ", "
         << llvm::format("%.3f", bits / elements)
         << " bits/weight, ||W - Ŵ||² = " << llvm::format("%.4g", local);
      if (stats && !stats->gram.empty()) {
        int64_t rows = desc.shape[0], cols = desc.shape[1];
        std::vector<float> w = *weights, q = deq;
        if (!use.getTransposeRhs()) {
          w = qforge::transposeMatrix(w, rows, cols);
          q = qforge::transposeMatrix(q, rows, cols);
          std::swap(rows, cols);
        }
        std::vector<double> h = stats->gram;
        for (double &e : h)
          e /= double(stats->rows);
        std::optional<double> objective =
            qforge::layerObjective(w, q, h, rows, cols, &error);
        if (objective) {
          entry["objective"] = *objective;
          rs << ", tr(ΔW H ΔWᵀ) = " << llvm::format("%.4g", *objective);
          // The noise model of the format, as qf-allocate-bits prices it:
          // float formats take the multiplicative (fp4 probe) gain when
          // the calibration measured one.
          double gain = !scheme.isInteger() && stats->gainMult >= 0
                            ? stats->gainMult
                            : stats->gain;
          if (stats->gain >= 0) {
            double contribution = gain * *objective;
            entry["gain"] = gain;
            entry["predicted_output_error"] = contribution;
            predicted += contribution;
            rs << ", gain " << llvm::format("%.4g", gain)
               << ", predicted output error "
               << llvm::format("%.4g", contribution);
          } else {
            allPredicted = false;
          }
        }
      } else {
        allPredicted = false;
      }
      // What qf-allocate-bits predicted for its choice, and how.
      if (auto a = op->getAttrOfType<FloatAttr>("qf.alloc_error"))
        entry["alloc_error"] = a.getValueAsDouble();
      if (auto a = op->getAttrOfType<StringAttr>("qf.alloc_objective"))
        entry["alloc_objective"] = a.getValue().str();
      (use ? use.getOperation() : op.getOperation())->emitRemark() << remark;
      layers.push_back(std::move(entry));
    });
    if (failedAny)
      return signalPassFailure();
    llvm::json::Object total{
        {"weights", totalWeights},
        {"bits", totalBits},
        {"average_bits_per_weight",
         totalWeights > 0 ? totalBits / totalWeights : 0.0},
    };
    if (allPredicted && !layers.empty())
      total["predicted_output_error"] = predicted;
    if (report.empty())
      return;
    llvm::json::Object root{{"layers", std::move(layers)},
                            {"total", std::move(total)}};
    std::string text;
    llvm::raw_string_ostream os(text);
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
    std::string error;
    if (!qforge::writeFileAtomically(report, text, error)) {
      module.emitError() << "qf-analyze-error: " << error;
      return signalPassFailure();
    }
  }
};

} // namespace
