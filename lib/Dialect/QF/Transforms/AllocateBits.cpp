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
#include "qforge/Dialect/QF/Transforms/Calibration.h"
#include "qforge/Quantization/Reference.h"

#include "qforge/Dialect/QF/IR/QFBlob.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Quantization/Allocation.h"
#include "qforge/Quantization/Rounding.h"

#include "qforge/Support/FileIO.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/JSON.h"

#include <cmath>
#include <cstdio>

namespace mlir::qf {
#define GEN_PASS_DEF_QFALLOCATEBITSPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;

namespace {

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

/// Whether every use of `v` takes float-format weights: dequantize, or a
/// weight-only matmul (float left operand).
bool acceptsFloatFormats(Value v) {
  for (Operation *user : v.getUsers()) {
    if (isa<DequantizeOp>(user))
      continue;
    Value lhs;
    if (auto mm = dyn_cast<MatmulOp>(user))
      lhs = mm.getLhs();
    else if (auto bmm = dyn_cast<BatchMatmulOp>(user))
      lhs = bmm.getLhs();
    if (!lhs || !isa<RankedTensorType>(lhs.getType()))
      return false;
  }
  return true;
}

/// The contraction axis of `v` when every use is a qf.matmul that accepts
/// scales grouped along it (same transpose_rhs, float result), else -1.
int64_t groupableAxis(Value v) {
  int64_t axis = -1;
  for (Operation *user : v.getUsers()) {
    auto matmul = dyn_cast<MatmulOp>(user);
    if (!matmul || matmul.getRhs() != v ||
        !isa<FloatType>(matmul.getResult().getType().getElementType()))
      return -1;
    int64_t k = matmul.getTransposeRhs() ? 1 : 0;
    if (axis >= 0 && axis != k)
      return -1;
    axis = k;
  }
  return axis;
}

/// One entry of the `candidates` option: "4" (the width, the op's own scale
/// granularity), "4g128" (the width, groups of 128 along K), or a float
/// format: "fp8" (e4m3, the op's own scale granularity), "mxfp4" (e2m1, an
/// e8m0 scale per 32 along K), "nvfp4" (e2m1, an e4m3 scale per 16 along K
/// times an f32 tensor scale).
/// An integer candidate may end in ":f16" or ":bf16" (or ":f32"): its
/// scales are stored in that format (cheaper: 16 bits instead of 32 per
/// scale).
struct CandidateSpec {
  unsigned bits = 0;
  int64_t group = 0;
  enum Kind { Int, FP8, MXFP4, NVFP4 } kind = Int;
  std::optional<qforge::ScaleFormat> scaleFormat;
  /// "binary" (i1, odd grid), "ternary" (i2, narrow grid), or a width
  /// followed by "o" (odd grid, e.g. 2o: {-3, -1, 1, 3}) or "n" (narrow).
  qforge::IntegerGrid grid = qforge::IntegerGrid::Full;
  /// A trailing "t" (e.g. 3t, 2ot): one scale for the whole tensor.
  bool perTensor = false;
};

std::optional<CandidateSpec> parseCandidate(StringRef text) {
  CandidateSpec spec;
  StringRef t = text.trim();
  if (auto [head, scale] = t.split(':'); t.contains(':')) {
    if (scale == "f16")
      spec.scaleFormat = qforge::ScaleFormat::F16;
    else if (scale == "bf16")
      spec.scaleFormat = qforge::ScaleFormat::BF16;
    else if (scale == "f32")
      spec.scaleFormat = qforge::ScaleFormat::F32;
    else
      return std::nullopt;
    t = head;
    text = head;
  }
  if (spec.scaleFormat && (t == "fp8" || t == "f8" || t == "mxfp4" ||
                           t == "nvfp4"))
    return std::nullopt; // float formats come with their own scales
  if (t == "fp8" || t == "f8") {
    spec.kind = CandidateSpec::FP8;
    spec.bits = 8;
    return spec;
  }
  if (t == "mxfp4" || t == "nvfp4") {
    spec.kind = t == "mxfp4" ? CandidateSpec::MXFP4 : CandidateSpec::NVFP4;
    spec.bits = 4;
    spec.group = t == "mxfp4" ? 32 : 16;
    return spec;
  }
  if (t == "binary" || t == "ternary") {
    spec.bits = t == "binary" ? 1 : 2;
    spec.grid = t == "binary" ? qforge::IntegerGrid::Odd
                              : qforge::IntegerGrid::Narrow;
    return spec;
  }
  auto [width, group] = text.trim().split('g');
  if (width.consume_back("t")) {
    if (text.contains('g'))
      return std::nullopt; // one scale per tensor or per group, not both
    spec.perTensor = true;
  }
  if (width.consume_back("o"))
    spec.grid = qforge::IntegerGrid::Odd;
  else if (width.consume_back("n"))
    spec.grid = qforge::IntegerGrid::Narrow;
  if (width.getAsInteger(10, spec.bits) || spec.bits < 1 ||
      spec.bits > qforge::kMaxBits ||
      (spec.grid == qforge::IntegerGrid::Narrow && spec.bits < 2))
    return std::nullopt;
  if (text.contains('g') &&
      (group.getAsInteger(10, spec.group) || spec.group <= 0))
    return std::nullopt;
  return spec;
}

struct AllocateBitsPass : qf::impl::QFAllocateBitsPassBase<AllocateBitsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool propagated = objective == "propagated";
    bool measured = objective == "measured";
    // objective=measured: the table of measured output errors, per layer
    // name and candidate.
    llvm::json::Value table = nullptr;
    const llvm::json::Object *tableLayers = nullptr;
    if (measured) {
      std::string text, problem;
      if (errors.empty()) {
        module.emitError() << "qf-allocate-bits: objective=measured needs "
                              "errors=FILE (the measured output error of "
                              "every layer and candidate)";
        return signalPassFailure();
      }
      if (!qforge::readFileBytes(errors, text, problem)) {
        module.emitError() << "qf-allocate-bits: " << problem;
        return signalPassFailure();
      }
      llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
      if (!parsed) {
        module.emitError() << "qf-allocate-bits: " << errors
                           << ": not JSON: "
                           << llvm::toString(parsed.takeError());
        return signalPassFailure();
      }
      table = std::move(*parsed);
      const llvm::json::Object *root = table.getAsObject();
      tableLayers = root ? root->getObject("layers") : nullptr;
      if (!tableLayers) {
        module.emitError() << "qf-allocate-bits: " << errors
                           << ": expected {\"layers\": {NAME: {CANDIDATE: "
                              "error, ...}, ...}}";
        return signalPassFailure();
      }
    }
    if (rounding != "rtn" && rounding != "gptq") {
      module.emitError() << "qf-allocate-bits: rounding must be rtn or gptq, "
                            "got '"
                         << rounding << "'";
      return signalPassFailure();
    }
    if (rounding == "gptq" && !propagated) {
      module.emitError() << "qf-allocate-bits: rounding=gptq needs "
                            "objective=propagated (GPTQ needs the Hessian)";
      return signalPassFailure();
    }
    if (metric != "mse" && metric != "kl") {
      module.emitError() << "qf-allocate-bits: metric must be mse or kl, got '"
                         << metric << "'";
      return signalPassFailure();
    }
    if (objective != "local" && !propagated && !measured) {
      module.emitError() << "qf-allocate-bits: objective must be local, "
                            "propagated or measured, got '"
                         << objective << "'";
      return signalPassFailure();
    }
    if (!(budget > 0) || !std::isfinite(budget)) {
      module.emitError() << "qf-allocate-bits: budget must be a positive "
                            "number of bits per weight, got "
                         << num(budget);
      return signalPassFailure();
    }
    SmallVector<CandidateSpec> specs;
    SmallVector<std::string> candidateTexts;
    for (const std::string &text : candidates) {
      std::optional<CandidateSpec> spec = parseCandidate(text);
      if (!spec) {
        module.emitError()
            << "qf-allocate-bits: bad candidate '" << text
            << "': expected a width 1.." << qforge::kMaxBits
            << " (a suffix o for the odd grid, n for the narrow one), "
               "optionally followed by t for one scale per tensor (e.g. "
               "3t) or by g and a group size (e.g. 4g128), and by :f16 or "
               ":bf16 for 16-bit scales (e.g. 3:f16); binary, ternary; or "
               "fp8, mxfp4, nvfp4";
        return signalPassFailure();
      }
      specs.push_back(*spec);
      candidateTexts.push_back(StringRef(text).trim().str());
    }
    if (specs.empty()) {
      specs = {{2, 0}, {3, 0}, {4, 0}, {8, 0}};
      candidateTexts = {"2", "3", "4", "8"};
    }

    // Collect the eligible quantize ops and their weights.
    struct Layer {
      QuantizeOp op;
      std::vector<float> weights;
      /// objective=measured: this layer's row of the table, and its name.
      const llvm::json::Object *measuredErrors = nullptr;
      std::string name;
      /// objective=propagated: the gains (additive noise, for integer
      /// candidates; multiplicative, for float formats, < 0 when not
      /// measured) and H of the observed input, and whether the matmul
      /// transposes the weights.
      double gain = 1, gainMult = -1;
      std::vector<double> hessian;
      bool transposeRhs = false;
    };
    std::vector<Layer> layers;
    module.walk([&](QuantizeOp op) {
      QTensorType type = op.getResult().getType();
      qforge::Scheme scheme = type.getScheme().toScheme();
      if (op.getScales() || type.getRank() != 2 || !scheme.isInteger() ||
          scheme.tensorScale || type.getNumElements() > kMaxExpandedElements ||
          !widthIsFree(op.getResult()) || op->hasAttr(kFixedWidthAttrName))
        return;
      std::optional<std::vector<float>> weights =
          getFloatValues(getConstantAttr(op.getInput()));
      if (weights)
        layers.push_back({op, std::move(*weights)});
    });
    if (layers.empty())
      return;
    if (measured) {
      unsigned unnamed = 0;
      for (Layer &layer : layers) {
        std::string name = weightLayerName(layer.op, unnamed);
        layer.name = name;
        layer.measuredErrors = tableLayers->getObject(name);
        if (!layer.measuredErrors) {
          layer.op.emitError() << "qf-allocate-bits: " << errors
                               << " has no measured errors for layer '"
                               << name << "'";
          return signalPassFailure();
        }
      }
    }
    // objective=propagated: each layer's error is gain x tr(ΔW H ΔWᵀ), with
    // the gain and H = gram / rows that -qf-attach-calibration attached to
    // the observed input of its matmul (qforge-run --calibrate
    // --sensitivity).
    if (propagated) {
      for (Layer &layer : layers) {
        ObserveOp observe;
        for (Operation *user : layer.op.getResult().getUsers())
          if (auto mm = dyn_cast<MatmulOp>(user))
            if (mm.getRhs() == layer.op.getResult())
              if (auto o = mm.getLhs().getDefiningOp<ObserveOp>()) {
                observe = o;
                layer.transposeRhs = mm.getTransposeRhs();
              }
        std::string error;
        std::optional<qforge::CalibrationRecord> r =
            observe ? attachedCalibration(observe, error) : std::nullopt;
        if (!r || r->gain < 0 || r->gram.empty()) {
          layer.op.emitError()
              << "qf-allocate-bits: objective=propagated needs the gain and "
                 "Hessian of this weight's observed input"
              << (error.empty() ? "" : " (" + error + ")")
              << ": calibrate with --sensitivity, then -qf-instrument and "
                 "-qf-attach-calibration before -qf-quantize-weights";
          return signalPassFailure();
        }
        bool kl = metric == "kl";
        if (kl && r->gainKL < 0) {
          layer.op.emitError()
              << "qf-allocate-bits: metric=kl needs the KL gain of this "
                 "weight's observed input: calibrate again with "
                 "--sensitivity (the calibration file predates KL gains)";
          return signalPassFailure();
        }
        layer.gain = kl ? r->gainKL : r->gain;
        layer.gainMult = kl ? r->gainMultKL : r->gainMult;
        if (r->gainMult < 0)
          layer.gainMult = -1;
        layer.hessian = r->gram;
        for (double &e : layer.hessian)
          e /= double(r->rows);
      }
    }

    // Every candidate's cost and local error; ties by constant and scheme.
    std::vector<std::vector<qforge::Candidate>> problem;
    std::vector<std::vector<qforge::Scheme>> schemes;
    std::vector<int> tied;
    // Tied: quantizes of the same constant to the same scheme whose users
    // offer the same candidates.
    llvm::DenseMap<std::tuple<Value, Attribute, int64_t>, int> groupOf;
    double totalWeights = 0;
    bool warnedMult = false;
    qforge::RTNOptions options;
    options.clip = qforge::ClipSearch::mse();
    for (Layer &layer : layers) {
      qforge::TensorDesc desc = layer.op.getResult().getType().getDesc();
      totalWeights += double(layer.weights.size());
      std::vector<qforge::Candidate> row;
      std::vector<qforge::Scheme> rowSchemes;
      int64_t kAxis = groupableAxis(layer.op.getResult());
      for (size_t specIndex = 0; specIndex < specs.size(); ++specIndex) {
        const CandidateSpec &spec = specs[specIndex];
        qforge::TensorDesc candidate = desc;
        candidate.scheme.bits = spec.bits;
        if (spec.group > 0) {
          if (kAxis < 0)
            continue; // a user that cannot take groups along K
          candidate.scheme.axis = kAxis;
          candidate.scheme.groupSize = spec.group;
        }
        if (spec.perTensor) {
          candidate.scheme.axis = -1;
          candidate.scheme.groupSize = 0;
        }
        if (spec.scaleFormat)
          candidate.scheme.scaleFormat = *spec.scaleFormat;
        if (spec.grid != qforge::IntegerGrid::Full) {
          // Narrow and odd grids are symmetric signed codes.
          if (candidate.scheme.format != qforge::ElementFormat::SInt ||
              layer.op.getResult().getType().getLayout())
            continue;
          candidate.scheme.grid = spec.grid;
          candidate.scheme.asymmetric = false;
        }
        if (spec.kind != CandidateSpec::Int &&
            !acceptsFloatFormats(layer.op.getResult()))
          continue; // an integer-activation matmul needs integer weights
        if (spec.kind != CandidateSpec::Int) {
          // Float element formats: symmetric, the rounding of the format.
          candidate.scheme.asymmetric = false;
          candidate.scheme.rounding = qforge::RoundingMode::NearestEven;
          candidate.scheme.format = spec.kind == CandidateSpec::FP8
                                        ? qforge::ElementFormat::F8E4M3FN
                                        : qforge::ElementFormat::F4E2M1FN;
          if (spec.kind == CandidateSpec::MXFP4)
            candidate.scheme.scaleFormat = qforge::ScaleFormat::E8M0;
          if (spec.kind == CandidateSpec::NVFP4) {
            candidate.scheme.scaleFormat = qforge::ScaleFormat::E4M3;
            candidate.scheme.tensorScale = true;
          }
        }
        if (!candidate.scheme.verify().empty() ||
            !candidate.verify(/*requireDivisibleGroups=*/true).empty())
          continue; // e.g. a group that does not divide K
        std::string error;
        // Float formats: the reference quantization (what folding gives).
        std::optional<qforge::RoundingResult> rounded =
            qforge::roundToNearestAnyFormat(layer.weights, candidate, options,
                                            &error);
        if (!rounded) {
          layer.op.emitError() << "qf-allocate-bits: " << error;
          return signalPassFailure();
        }
        double candidateError = rounded->objective;
        if (measured) {
          std::optional<double> e =
              layer.measuredErrors->getNumber(candidateTexts[specIndex]);
          if (!e || !(*e >= 0) || !std::isfinite(*e)) {
            layer.op.emitError()
                << "qf-allocate-bits: " << errors
                << " has no measured error (a number >= 0) for candidate '"
                << candidateTexts[specIndex] << "' of layer '"
                << layer.name << "'";
            return signalPassFailure();
          }
          candidateError = *e;
        } else if (propagated && rounding == "gptq" &&
            spec.kind == CandidateSpec::Int) {
          // GPTQ on N x K (K: the contraction), as -qf-round rounds; its
          // objective is tr(ΔW H ΔWᵀ).
          qforge::TensorDesc nk = candidate;
          std::vector<float> w = layer.weights;
          if (!layer.transposeRhs) {
            nk.shape = {candidate.shape[1], candidate.shape[0]};
            if (nk.scheme.axis >= 0)
              nk.scheme.axis = 1 - nk.scheme.axis;
            w = qforge::transposeMatrix(w, candidate.shape[0],
                                        candidate.shape[1]);
          }
          qforge::GPTQOptions gptq;
          gptq.clip = qforge::ClipSearch::mse();
          std::optional<qforge::RoundingResult> g =
              qforge::roundGPTQ(w, nk, layer.hessian, gptq, &error);
          if (!g) {
            layer.op.emitError() << "qf-allocate-bits: " << error;
            return signalPassFailure();
          }
          candidateError = layer.gain * g->objective;
        } else if (propagated) {
          // tr(ΔW H ΔWᵀ) in the N x K layout (K: the contraction).
          int64_t rows = candidate.shape[0], cols = candidate.shape[1];
          std::vector<float> w = layer.weights;
          std::vector<float> q = qforge::dequantize(rounded->tensor);
          if (!layer.transposeRhs) {
            w = qforge::transposeMatrix(w, rows, cols);
            q = qforge::transposeMatrix(q, rows, cols);
            std::swap(rows, cols);
          }
          std::optional<double> objective =
              qforge::layerObjective(w, q, layer.hessian, rows, cols, &error);
          if (!objective) {
            layer.op.emitError() << "qf-allocate-bits: " << error;
            return signalPassFailure();
          }
          double gain = layer.gain;
          if (spec.kind != CandidateSpec::Int) {
            if (layer.gainMult >= 0)
              gain = layer.gainMult;
            else if (!warnedMult) {
              layer.op.emitWarning()
                  << "qf-allocate-bits: float-format candidates are priced "
                     "with the additive-noise gain: the calibration has no "
                     "multiplicative (fp4 probe) gain; calibrate with "
                     "--sensitivity-float";
              warnedMult = true;
            }
          }
          candidateError = gain * *objective;
        }
        row.push_back({qforge::storedBits(candidate.scheme, candidate.shape),
                       candidateError});
        rowSchemes.push_back(candidate.scheme);
      }
      if (row.empty()) {
        layer.op.emitError() << "qf-allocate-bits: none of the candidates "
                                "fits this weight (each group must divide "
                                "K; widths must suit the format)";
        return signalPassFailure();
      }
      Value input = layer.op.getInput();
      auto [it, inserted] = groupOf.try_emplace(
          std::make_tuple(input,
                          Attribute(layer.op.getResult().getType().getScheme()),
                          kAxis),
          int(groupOf.size()));
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
      op->setAttr("qf.alloc_objective", b.getStringAttr(objective));
    }
  }
};
} // namespace

bool mlir::qf::isAllocationCandidate(llvm::StringRef text) {
  return parseCandidate(text).has_value();
}
