//===- AllocateBits.cpp - qf-allocate-bits --------------------------------===//
//
// Chooses a code width for every eligible constant weight under a budget in
// average bits per weight. The solver (qforge::allocateBits) and the rounding
// that measures each candidate's error (qforge::roundToNearest) are plain C++;
// this pass collects the candidates from the IR and writes the choice back as
// the quantize op's result type.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "qforge/Dialect/QF/IR/QFBlob.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Quantization/Allocation.h"
#include "qforge/Quantization/Rounding.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"

#include <cmath>
#include <cstdio>

namespace mlir::qf {
#define GEN_PASS_DEF_QFALLOCATEBITSPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;

namespace {

/// Bits stored by a tensor of `shape` quantized with `scheme`: codes, scales,
/// zero points and the tensor scale, without the blob's alignment padding.
double storedBits(const qforge::Scheme &scheme,
                  const std::vector<int64_t> &shape) {
  double elements = 1, scales = 1;
  for (int64_t d : shape)
    elements *= double(d);
  for (int64_t d : qforge::scaleShape(scheme, shape))
    scales *= double(d);
  double perScale = 8.0 * qforge::scaleBytes(scheme.scaleFormat) +
                    (scheme.asymmetric ? 8.0 : 0.0);
  return elements * scheme.bits + scales * perScale +
         (scheme.tensorScale ? 32.0 : 0.0);
}

/// A number as %g prints it (diagnostics print doubles in exponent form).
std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

/// Whether every use of `v` accepts a change of its scheme's width.
bool widthIsFree(Value v) {
  for (Operation *user : v.getUsers())
    if (!isa<MatmulOp, BatchMatmulOp, DequantizeOp>(user))
      return false;
  return true;
}

struct AllocateBitsPass : qf::impl::QFAllocateBitsPassBase<AllocateBitsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (objective == "propagated") {
      module.emitError() << "qf-allocate-bits: objective=propagated needs "
                            "calibration data and is not implemented yet; "
                            "use objective=local";
      return signalPassFailure();
    }
    if (objective != "local") {
      module.emitError() << "qf-allocate-bits: objective must be local or "
                            "propagated, got '"
                         << objective << "'";
      return signalPassFailure();
    }
    if (!(budget > 0) || !std::isfinite(budget)) {
      module.emitError() << "qf-allocate-bits: budget must be a positive "
                            "number of bits per weight, got "
                         << num(budget);
      return signalPassFailure();
    }
    SmallVector<unsigned> widths(candidates.begin(), candidates.end());
    if (widths.empty())
      widths = {2, 3, 4, 8};
    for (unsigned w : widths)
      if (w < 1 || w > qforge::kMaxBits) {
        module.emitError() << "qf-allocate-bits: candidate widths are 1.."
                           << qforge::kMaxBits << ", got " << w;
        return signalPassFailure();
      }

    // Collect the eligible quantize ops and their weights.
    struct Layer {
      QuantizeOp op;
      std::vector<float> weights;
    };
    std::vector<Layer> layers;
    module.walk([&](QuantizeOp op) {
      QTensorType type = op.getResult().getType();
      qforge::Scheme scheme = type.getScheme().toScheme();
      if (op.getScales() || type.getRank() != 2 || !scheme.isInteger() ||
          scheme.tensorScale || type.getNumElements() > kMaxExpandedElements ||
          !widthIsFree(op.getResult()))
        return;
      std::optional<std::vector<float>> weights =
          getFloatValues(getConstantAttr(op.getInput()));
      if (weights)
        layers.push_back({op, std::move(*weights)});
    });
    if (layers.empty())
      return;

    // Every candidate's cost and local error; ties by the constant input.
    std::vector<std::vector<qforge::Candidate>> problem;
    std::vector<std::vector<qforge::Scheme>> schemes;
    std::vector<int> tied;
    llvm::DenseMap<Value, int> groupOf;
    double totalWeights = 0;
    qforge::RTNOptions options;
    options.clip = qforge::ClipSearch::mse();
    for (Layer &layer : layers) {
      qforge::TensorDesc desc = layer.op.getResult().getType().getDesc();
      totalWeights += double(layer.weights.size());
      std::vector<qforge::Candidate> row;
      std::vector<qforge::Scheme> rowSchemes;
      for (unsigned w : widths) {
        qforge::TensorDesc candidate = desc;
        candidate.scheme.bits = w;
        if (!candidate.scheme.verify().empty())
          continue; // e.g. a width the format family lacks
        std::string error;
        std::optional<qforge::RoundingResult> rounded = qforge::roundToNearest(
            layer.weights, candidate, /*hessian=*/{}, options, &error);
        if (!rounded) {
          layer.op.emitError() << "qf-allocate-bits: " << error;
          return signalPassFailure();
        }
        row.push_back({storedBits(candidate.scheme, candidate.shape),
                       rounded->objective});
        rowSchemes.push_back(candidate.scheme);
      }
      if (row.empty()) {
        layer.op.emitError() << "qf-allocate-bits: none of the candidate "
                                "widths is valid for this scheme";
        return signalPassFailure();
      }
      Value input = layer.op.getInput();
      auto [it, inserted] = groupOf.try_emplace(input, int(groupOf.size()));
      (void)inserted;
      tied.push_back(it->second);
      problem.push_back(std::move(row));
      schemes.push_back(std::move(rowSchemes));
    }

    std::string error;
    std::optional<qforge::Allocation> allocation = qforge::allocateBits(
        problem, budget * totalWeights, tied, &error);
    if (!allocation) {
      module.emitError() << "qf-allocate-bits: a budget of " << num(budget)
                         << " bits per weight (" << num(budget * totalWeights)
                         << " bits for " << num(totalWeights)
                         << " weights) cannot be met: " << error;
      return signalPassFailure();
    }

    Builder b(&getContext());
    for (size_t i = 0; i < layers.size(); ++i) {
      QuantizeOp op = layers[i].op;
      int c = allocation->choice[i];
      QTensorType type = op.getResult().getType();
      op.getResult().setType(type.withScheme(
          SchemeAttr::fromScheme(&getContext(), schemes[i][c])));
      op->setAttr("qf.alloc_bits", b.getF64FloatAttr(problem[i][c].cost));
      op->setAttr("qf.alloc_error", b.getF64FloatAttr(problem[i][c].error));
    }
  }
};
} // namespace
