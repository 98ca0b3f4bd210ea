//===- Calibrate.cpp - Calibration runs and calibrated rounding -----------===//
//
// Instruments the float model, JIT-compiles it with the observed tensors as
// extra results, runs it over the calibration data batch by batch, and
// accumulates every observed tensor's statistics (TensorStats) in sample
// order. The statistics do not depend on the batch size or on the number
// of threads the kernels use, so the file is byte-identical for both.
//
// roundModel uses the same measurement to quantize a model's weights with
// GPTQ or AdaRound, once (all Hessians from the float model) or
// sequentially (each layer's Hessian from the model whose earlier layers
// are already quantized).
//
//===----------------------------------------------------------------------===//

#include "qforge/Runtime/Drivers.h"

#include "qforge/Dialect/QF/Transforms/Calibration.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Quantization/Allocation.h"
#include "qforge/Quantization/CalibrationFile.h"
#include "qforge/Quantization/Reference.h"
#include "qforge/Quantization/Rounding.h"
#include "qforge/Quantization/Scheme.h"
#include "qforge/Dialect/QF/IR/QFBlob.h"
#include "qforge/Runtime/CPURunner.h"
#include "qforge/Runtime/Report.h"
#include "qforge/Support/FileIO.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Matchers.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <chrono>
#include <map>
#include <cmath>
#include <cstring>
#include <numeric>
#include <unistd.h>

#ifndef QFORGE_VERSION
#define QFORGE_VERSION "unknown"
#endif

using namespace qforge;

namespace {

/// The calibration data: one array per argument of the entry function.
struct CalibrationData {
  std::vector<NpyArray> arrays;
  std::vector<std::string> paths;
  int64_t samples = 0;
  uint64_t hash = 0;
};

bool readData(const std::vector<std::string> &paths, CalibrationData &data,
              std::string &error) {
  data.paths = paths;
  data.arrays.resize(paths.size());
  data.hash = fnv1a64("qforge-data", 11);
  data.samples = -1;
  for (size_t i = 0; i < paths.size(); ++i) {
    NpyArray &a = data.arrays[i];
    if (!readNpyFile(paths[i], a, error))
      return false;
    if (a.shape.empty() || a.shape[0] < 1) {
      error = paths[i] + ": expected N samples along the first dimension, "
                         "got " + a.describe();
      return false;
    }
    if (data.samples >= 0 && a.shape[0] != data.samples) {
      error = paths[i] + ": " + std::to_string(a.shape[0]) +
              " samples, but " + paths[0] + " has " +
              std::to_string(data.samples);
      return false;
    }
    data.samples = a.shape[0];
    data.hash = fnv1a64(a.shape.data(), a.shape.size() * sizeof(int64_t),
                        data.hash);
    data.hash = fnv1a64(a.data.data(), a.data.size(), data.hash);
  }
  return true;
}

/// How to run the measurement.
struct MeasureOptions {
  std::string entry = "main";
  std::string cpu = "host";
  /// Where the matmuls run (qforge eval --target).
  std::string target = "x86";
  std::string chip = "sm_90";
  unsigned threads = 1;
  bool progress = false;
  /// Only these observed names (all when empty).
  llvm::StringSet<> only;
  /// No statistics: only collect the first result (for `firstResult`).
  bool outputsOnly = false;
  std::string label = "calibrating";
};

/// Runs the instrumented (not yet lowered) `module` over `data` and returns
/// the statistics of its observed tensors in result order. Lowers the
/// module.
llvm::Expected<std::vector<CalibrationRecord>>
measure(LoadedModule &module, const CalibrationData &data,
        const MeasureOptions &options, llvm::raw_ostream &err,
        int64_t *batchOut = nullptr,
        std::vector<float> *firstResult = nullptr,
        double *runSeconds = nullptr,
        std::vector<int64_t> *firstResultShape = nullptr) {
  auto error = [](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
  };
  if (!options.outputsOnly)
    if (llvm::Error e = module.transform([](mlir::OpPassManager &pm) {
          pm.addPass(mlir::qf::createQFExposeObservedPass());
        }))
      return std::move(e);
  // The observed tensors are results named qf.name (none are wanted with
  // outputsOnly, which may also run a module that is already lowered).
  std::vector<std::pair<unsigned, std::string>> observed;
  if (!options.outputsOnly) {
    auto func =
        module.getModule().lookupSymbol<mlir::func::FuncOp>(options.entry);
    if (!func || func.isExternal())
      return error(module.getPath() + ": no function @" + options.entry);
    for (unsigned i = 0, e = func.getNumResults(); i < e; ++i)
      if (auto name =
              func.getResultAttrOfType<mlir::StringAttr>(i, "qf.name"))
        if (options.only.empty() || options.only.contains(name.getValue()))
          observed.emplace_back(i, name.str());
  }
  if (!options.outputsOnly && observed.empty())
    return error(module.getPath() + ": @" + options.entry +
                 " has no matmul with constant weights to observe");
  auto entry = module.lookupEntry(options.entry, /*explicitName=*/true);
  if (!entry)
    return entry.takeError();
  FunctionSignature sig = **entry;

  if (data.arrays.size() != sig.inputs.size())
    return error("@" + sig.name + " has " +
                 llvm::Twine(sig.inputs.size()) + " argument(s), but " +
                 llvm::Twine(data.arrays.size()) + " data file(s) were given");
  int64_t batch = -1;
  for (size_t i = 0; i < data.arrays.size(); ++i) {
    const TensorSpec &spec = sig.inputs[i];
    const NpyArray &a = data.arrays[i];
    bool dtypeOk = a.dtype == npyDTypeFor(spec.elementType) ||
                   (spec.elementType == ElementType::I8 &&
                    a.dtype == NpyDType::U8);
    bool shapeOk = !spec.shape.empty() && a.shape.size() == spec.shape.size();
    for (size_t d = 1; shapeOk && d < spec.shape.size(); ++d)
      shapeOk = a.shape[d] == spec.shape[d];
    if (!dtypeOk || !shapeOk)
      return error(
          data.paths[i] + ": argument " + llvm::Twine(i) + " of @" +
          sig.name + " is " + spec.str() + ", so the data must be N x " +
          formatNpyShape(std::vector<int64_t>(
              spec.shape.begin() + (spec.shape.empty() ? 0 : 1),
              spec.shape.end())) +
          " " + npyDTypeName(npyDTypeFor(spec.elementType)) +
          " samples, got " + a.describe());
    batch = spec.shape[0];
  }
  if (batchOut)
    *batchOut = batch;

  auto cpu = resolveCPU(options.cpu);
  if (!cpu)
    return cpu.takeError();
  TargetOptions target;
  target.target = options.target;
  target.cpu = *cpu;
  target.threads = options.threads;
  target.chip = options.chip;
  if (llvm::Error e = lowerForTarget(module, target, /*needDevice=*/true))
    return std::move(e);
  auto runner = CPURunner::create(module, sig, *cpu, options.threads,
                                  options.target == "cuda" ? options.chip
                                                           : "");
  if (!runner)
    return runner.takeError();
  std::vector<HostTensor> inputs;
  for (const TensorSpec &spec : sig.inputs)
    inputs.emplace_back(spec);
  std::vector<HostTensor> results = (*runner)->allocateResults();
  for (const HostTensor &t : inputs)
    if (!t.data())
      return error("cannot allocate the inputs of @" + sig.name);
  for (const HostTensor &t : results)
    if (!t.data())
      return error("cannot allocate the results of @" + sig.name);
  auto call = (*runner)->bind(inputs, results);
  if (!call)
    return call.takeError();

  std::vector<TensorStats> stats;
  for (auto &[index, name] : observed) {
    const TensorSpec &spec = sig.results[index];
    if (spec.elementType != ElementType::F32 || spec.shape.empty())
      return error("observed tensor '" + name + "' is " + spec.str() +
                   ", not a float tensor");
    int64_t k = spec.shape.back();
    int64_t rows = k ? spec.numElements() / k : 0;
    if (k < 1 || rows % batch)
      return error("observed tensor '" + name + "' (" + spec.str() +
                   ") does not have a whole number of rows per sample of a "
                   "batch of " + llvm::Twine(batch));
    // X^T X is the Hessian of the weights a matmul input meets; outputs
    // (-qf-instrument{outputs}) need only ranges and channel statistics.
    bool isOutput = llvm::StringRef(name).contains(".output");
    stats.emplace_back(k, /*hessian=*/!isOutput);
  }

  if (firstResultShape && !results.empty())
    *firstResultShape = results[0].getSpec().shape;
  int64_t samples = data.samples;
  int64_t batches = (samples + batch - 1) / batch;
  auto loopStart = std::chrono::steady_clock::now();
  for (int64_t b = 0; b < batches; ++b) {
    int64_t first = b * batch, valid = std::min(batch, samples - first);
    for (size_t i = 0; i < inputs.size(); ++i) {
      size_t sampleBytes = data.arrays[i].data.size() / size_t(samples);
      uint8_t *dst = static_cast<uint8_t *>(inputs[i].data());
      std::memcpy(dst, data.arrays[i].data.data() + first * sampleBytes,
                  size_t(valid) * sampleBytes);
      // Pad a last partial batch with zeros; its rows are not counted.
      std::memset(dst + valid * sampleBytes, 0,
                  size_t(batch - valid) * sampleBytes);
    }
    call->invoke();
    if (firstResult && !results.empty() &&
        results[0].getSpec().elementType == ElementType::F32) {
      const float *y = static_cast<const float *>(results[0].data());
      int64_t perSample = results[0].getSpec().numElements() / batch;
      firstResult->insert(firstResult->end(), y, y + valid * perSample);
    }
    for (size_t o = 0; o < observed.size(); ++o) {
      const HostTensor &t = results[observed[o].first];
      int64_t k = stats[o].channels();
      int64_t rowsPerSample = t.getSpec().numElements() / k / batch;
      stats[o].addRows(static_cast<const float *>(t.data()),
                       valid * rowsPerSample);
    }
    if (options.progress) {
      err << "\r" << options.label << ": batch " << (b + 1) << "/" << batches
          << " (" << (first + valid) << "/" << samples << " samples)";
      err.flush();
    }
  }
  if (runSeconds)
    *runSeconds = std::chrono::duration<double>(
                      std::chrono::steady_clock::now() - loopStart)
                      .count();
  if (options.progress)
    err << "\n";
  std::vector<CalibrationRecord> records;
  for (size_t o = 0; o < observed.size(); ++o)
    records.push_back(
        CalibrationRecord::fromStats(observed[o].second, stats[o]));
  return records;
}

/// Observes the matmul inputs of `module` unless it observes something.
llvm::Error instrument(LoadedModule &module) {
  bool observes = false;
  module.getModule().walk([&](mlir::qf::ObserveOp) { observes = true; });
  if (observes)
    return llvm::Error::success();
  return module.transform([](mlir::OpPassManager &pm) {
    pm.addPass(mlir::qf::createQFInstrumentPass());
  });
}

bool progressWanted(const std::string &progress) {
  return progress == "on" || (progress == "auto" && ::isatty(2));
}

/// The gains of every layer (record with a gram matrix): the model in
/// `stateText` is run again with that layer's weights rounded to nearest
/// at `options.sensitivityBits` bits (additive noise) and, with
/// `options.sensitivityFloat`, to fp4 e2m1 (multiplicative noise), one scale
/// per output column; gain = (the output error per sample: the sum of
/// squared differences of the first result from `baseline`, or the KL
/// divergence of its softmax over the last dimension) / tr(ΔW H ΔWᵀ).
llvm::Error measureGains(const std::string &stateText,
                         const CalibrationData &data, MeasureOptions mo,
                         const CalibrateOptions &options,
                         const std::vector<float> &baseline,
                         int64_t classes,
                         std::vector<CalibrationRecord> &records,
                         llvm::raw_ostream &err) {
  auto error = [](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
  };
  if (baseline.empty() || classes < 1)
    return error("--sensitivity needs a float first result of the model");
  llvm::SmallString<128> tmp;
  int fd;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "qforge-sensitivity", "mlir", fd, tmp))
    return error("cannot create a temporary file: " + ec.message());
  ::close(fd);
  auto cleanup = llvm::make_scope_exit([&] { llvm::sys::fs::remove(tmp); });
  std::string problem;
  if (!writeFileAtomically(tmp.str().str(), stateText, problem))
    return error(problem);
  mo.outputsOnly = true;
  size_t done = 0, total = 0;
  int probes = options.sensitivityFloat ? 2 : 1;
  for (const CalibrationRecord &r : records)
    total += r.gram.empty() ? 0 : probes;
  struct Gain {
    double mse = 0, kl = 0, objective = 0;
  };
  // One probe: `record`'s layer rounded with `scheme`, the model run.
  auto probe = [&](const CalibrationRecord &r,
                   const Scheme &scheme) -> llvm::Expected<std::optional<Gain>> {
    auto copy = LoadedModule::load(tmp);
    if (!copy)
      return copy.takeError();
    // The layer's matmul and its weights [K, N].
    mlir::linalg::MatmulOp layer;
    (*copy)->getModule().walk([&](mlir::linalg::MatmulOp mm) {
      auto o = mm.getInputs()[0].getDefiningOp<mlir::qf::ObserveOp>();
      if (o && o.getName() == r.name && mm.getInputs().size() == 2)
        layer = mm;
    });
    if (!layer)
      return std::nullopt;
    auto wType =
        mlir::dyn_cast<mlir::RankedTensorType>(layer.getInputs()[1].getType());
    std::optional<std::vector<float>> w = mlir::qf::getFloatValues(
        mlir::qf::getConstantAttr(layer.getInputs()[1]));
    if (!w || !wType || wType.getRank() != 2)
      return std::nullopt;
    int64_t k = wType.getDimSize(0), n = wType.getDimSize(1);
    TensorDesc desc;
    desc.shape = {k, n};
    desc.scheme = scheme;
    std::string rtnError;
    std::optional<RoundingResult> rounded =
        roundToNearestAnyFormat(*w, desc, {}, &rtnError);
    if (!rounded)
      return error("sensitivity of '" + r.name + "': " + rtnError);
    std::vector<float> probe = dequantize(rounded->tensor);
    // tr(ΔW H ΔWᵀ) in the N x K layout, H = gram / rows.
    std::vector<double> h = r.gram;
    for (double &e : h)
      e /= double(r.rows);
    std::optional<double> objective =
        layerObjective(transposeMatrix(*w, k, n), transposeMatrix(probe, k, n),
                       h, n, k, &rtnError);
    if (!objective)
      return error("sensitivity of '" + r.name + "': " + rtnError);
    mlir::OpBuilder b(layer);
    auto attr = mlir::DenseElementsAttr::get(wType,
                                             llvm::ArrayRef<float>(probe));
    layer->setOperand(1, mlir::arith::ConstantOp::create(b, layer.getLoc(),
                                                         wType, attr));
    mo.label = "sensitivity " + std::to_string(++done) + "/" +
               std::to_string(total) + " " + r.name;
    std::vector<float> perturbed;
    auto run = measure(**copy, data, mo, err, nullptr, &perturbed);
    if (!run)
      return run.takeError();
    if (perturbed.size() != baseline.size())
      return error("sensitivity of '" + r.name + "': the outputs changed size");
    double sum = 0;
    for (size_t i = 0; i < baseline.size(); ++i) {
      double d = double(perturbed[i]) - double(baseline[i]);
      sum += d * d;
    }
    double samples = double(data.samples);
    double kl = softmaxKLDivergence(baseline, perturbed, classes) / samples;
    Gain g;
    g.objective = *objective;
    g.mse = *objective > 0 ? sum / samples / *objective : 0.0;
    g.kl = *objective > 0 ? kl / *objective : 0.0;
    return g;
  };
  for (CalibrationRecord &r : records) {
    if (r.gram.empty())
      continue;
    Scheme additive;
    additive.bits = options.sensitivityBits;
    additive.axis = 1;
    auto g = probe(r, additive);
    if (!g)
      return g.takeError();
    if (!*g)
      continue;
    r.gainProbe = (*g)->objective;
    r.gainBits = options.sensitivityBits;
    r.gain = (*g)->mse;
    r.gainKL = (*g)->kl;
    if (!options.sensitivityFloat)
      continue;
    Scheme multiplicative;
    multiplicative.format = ElementFormat::F4E2M1FN;
    multiplicative.bits = 4;
    multiplicative.axis = 1;
    auto m = probe(r, multiplicative);
    if (!m)
      return m.takeError();
    if (!*m)
      continue;
    r.gainMult = (*m)->mse;
    r.gainMultKL = (*m)->kl;
    r.gainMultProbe = (*m)->objective;
  }
  return llvm::Error::success();
}

/// Reads integer labels for `samples` samples.
bool readLabels(const std::string &path, int64_t samples, NpyArray &labels,
                std::string &error) {
  if (!readNpyFile(path, labels, error))
    return false;
  if (labels.dtype != NpyDType::I64 && labels.dtype != NpyDType::I32) {
    error = path + ": labels must be int64 or int32, got " + labels.describe();
    return false;
  }
  if (labels.shape.empty() || labels.shape[0] != samples) {
    error = path + ": " + labels.describe() + " for " +
            std::to_string(samples) + " samples";
    return false;
  }
  return true;
}

/// A model's quality on labelled data.
struct Score {
  std::string metric; ///< "accuracy" or "bits_per_token"
  double value = 0;
};

/// Top-1 accuracy of [B, C] outputs against [N] labels, or bits per token
/// of [B, T, V] next-token logits against [N, T] labels.
llvm::Expected<Score> scoreOutputs(const std::vector<float> &outputs,
                                   const std::vector<int64_t> &shape,
                                   const NpyArray &labels,
                                   const std::string &labelsPath,
                                   int64_t samples) {
  auto error = [](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
  };
  auto label = [&](int64_t i) -> int64_t {
    if (labels.dtype == NpyDType::I64) {
      int64_t v;
      std::memcpy(&v, labels.data.data() + i * 8, 8);
      return v;
    }
    int32_t v;
    std::memcpy(&v, labels.data.data() + i * 4, 4);
    return v;
  };
  if (shape.size() == 2 && labels.shape.size() == 1) {
    int64_t classes = shape[1], correct = 0;
    for (int64_t n = 0; n < samples; ++n) {
      const float *row = outputs.data() + n * classes;
      int64_t best = std::max_element(row, row + classes) - row;
      correct += best == label(n);
    }
    return Score{"accuracy", double(correct) / double(samples)};
  }
  if (shape.size() == 3 && labels.shape.size() == 2 &&
      labels.shape[1] == shape[1]) {
    int64_t positions = shape[1], vocab = shape[2];
    double total = 0;
    for (int64_t p = 0; p < samples * positions; ++p) {
      const float *row = outputs.data() + p * vocab;
      double mx = *std::max_element(row, row + vocab), sum = 0;
      for (int64_t v = 0; v < vocab; ++v)
        sum += std::exp(double(row[v]) - mx);
      int64_t y = label(p);
      if (y < 0 || y >= vocab)
        return error(labelsPath + ": label " + llvm::Twine(y) +
                     " out of range for " + llvm::Twine(vocab) + " classes");
      total += (std::log(sum) + mx - double(row[y])) / std::log(2.0);
    }
    return Score{"bits_per_token", total / double(samples * positions)};
  }
  return error(labelsPath + ": labels " + labels.describe() +
               " do not fit outputs of shape " + formatNpyShape(shape) +
               " (expected [N] for [B, C] or [N, T] for [B, T, V])");
}

/// A budget as the user wrote it: 2.5, 3.
std::string budgetText(double budget) {
  std::string text = llvm::formatv("{0:f3}", budget).str();
  while (!text.empty() && text.back() == '0')
    text.pop_back();
  if (!text.empty() && text.back() == '.')
    text.pop_back();
  return text;
}

/// Sum of squared differences per sample.
double outputError(const std::vector<float> &a, const std::vector<float> &b,
                   int64_t samples) {
  double sum = 0;
  for (size_t i = 0; i < a.size() && i < b.size(); ++i) {
    double d = double(a[i]) - double(b[i]);
    sum += d * d;
  }
  return sum / double(samples);
}

/// The dequantized constant weights of every qf.matmul of `module`, in op
/// order, as [K, N] row-major matrices.
struct LayerWeights {
  int64_t k = 0, n = 0;
  std::vector<float> values;
};
std::vector<LayerWeights> quantizedLayerWeights(mlir::ModuleOp module) {
  std::vector<LayerWeights> layers;
  module.walk([&](mlir::qf::MatmulOp mm) {
    auto cst = mm.getRhs().getDefiningOp<mlir::qf::ConstantOp>();
    if (!cst)
      return;
    std::optional<std::vector<uint8_t>> bytes =
        mlir::qf::getBlobBytes(cst.getValue());
    mlir::qf::QTensorType type = mm.getRhs().getType();
    if (!bytes || type.getRank() != 2)
      return;
    std::optional<QuantizedTensor> q =
        unpackBlob(bytes->data(), bytes->size(), type.getDesc());
    if (!q)
      return;
    std::vector<float> w = dequantize(*q);
    int64_t rows = type.getShape()[0], cols = type.getShape()[1];
    LayerWeights l;
    if (mm.getTransposeRhs()) {
      l.k = cols;
      l.n = rows;
      l.values = transposeMatrix(w, rows, cols);
    } else {
      l.k = rows;
      l.n = cols;
      l.values = std::move(w);
    }
    layers.push_back(std::move(l));
  });
  return layers;
}

/// The output error (against `baseline`, the float model's outputs on
/// `cal`) of the float model in `floatModule` with the weights of one layer
/// replaced by `weights[i]`, for each i in order, as far as the layers can
/// be matched: float matmuls and quantized layers are matched in op order
/// (quantization rewrites in place) and by shape. One run per layer.
llvm::Expected<std::vector<double>>
measureEachLayerAlone(const std::string &floatModule,
                      const std::vector<LayerWeights> &weights,
                      const CalibrationData &cal,
                      const std::vector<float> &baseline, MeasureOptions mo,
                      llvm::raw_ostream &err) {
  std::vector<double> errors;
  size_t next = 0;
  for (size_t i = 0; i < weights.size(); ++i) {
    auto copy = LoadedModule::load(floatModule);
    if (!copy)
      return copy.takeError();
    llvm::SmallVector<mlir::linalg::MatmulOp> candidates;
    (*copy)->getModule().walk([&](mlir::linalg::MatmulOp mm) {
      if (mm.getInputs().size() == 2 &&
          mlir::qf::getConstantAttr(mm.getInputs()[1]))
        candidates.push_back(mm);
    });
    mlir::linalg::MatmulOp layer;
    for (; next < candidates.size() && !layer; ++next) {
      auto type = mlir::dyn_cast<mlir::RankedTensorType>(
          candidates[next].getInputs()[1].getType());
      if (type && type.getElementType().isF32() && type.getRank() == 2 &&
          type.getDimSize(0) == weights[i].k &&
          type.getDimSize(1) == weights[i].n)
        layer = candidates[next];
    }
    if (!layer)
      break;
    auto type =
        mlir::cast<mlir::RankedTensorType>(layer.getInputs()[1].getType());
    mlir::OpBuilder b(layer);
    layer->setOperand(
        1, mlir::arith::ConstantOp::create(
               b, layer.getLoc(), type,
               mlir::DenseElementsAttr::get(
                   type, llvm::ArrayRef<float>(weights[i].values))));
    std::vector<float> alone;
    mo.outputsOnly = true;
    mo.label = "measuring: layer " + std::to_string(i + 1) + "/" +
               std::to_string(weights.size());
    auto records = measure(**copy, cal, mo, err, nullptr, &alone);
    if (!records)
      return records.takeError();
    errors.push_back(outputError(alone, baseline, cal.samples));
  }
  return errors;
}


/// Reports one error as "<tool>: error: <message>" (after flushing `out`)
/// and gives the exit code 1.
struct Failure {
  llvm::raw_ostream &out, &err;
  const std::string &tool;
  int operator()(const std::string &message) const {
    out.flush();
    err << tool << ": error: " << message << "\n";
    return 1;
  }
  int operator()(llvm::Error error) const {
    return (*this)(llvm::toString(std::move(error)));
  }
};

} // namespace

int qforge::calibrateModule(const CalibrateOptions &options,
                            llvm::raw_ostream &out, llvm::raw_ostream &err) {
  Failure fail{out, err, options.tool};
  auto failWith = [&](llvm::Error error) { return fail(std::move(error)); };
  if (options.output.empty())
    return fail("--calibrate needs an output file");
  if (options.threads == 0)
    return fail("--num-threads must be at least 1");
  if (options.progress != "auto" && options.progress != "on" &&
      options.progress != "off")
    return fail("--progress must be auto, on or off");
  auto started = std::chrono::steady_clock::now();

  auto module = LoadedModule::load(options.module);
  if (!module)
    return failWith(module.takeError());
  if (llvm::Error e = instrument(**module))
    return failWith(std::move(e));
  std::string fingerprint =
      mlir::qf::calibrationFingerprint((*module)->getModule());
  CalibrationData data;
  std::string error;
  if (!readData(options.data, data, error))
    return fail(error);
  MeasureOptions mo;
  mo.entry = options.entry;
  mo.cpu = options.cpu;
  mo.threads = options.threads;
  mo.progress = progressWanted(options.progress);
  int64_t batch = 0;
  // The float model as it is measured, for the sensitivity runs.
  std::string stateText;
  if (options.sensitivity) {
    llvm::raw_string_ostream os(stateText);
    (*module)->getModule().print(os);
  }
  std::vector<float> baseline;
  std::vector<int64_t> outputShape;
  auto records = measure(**module, data, mo, err, &batch,
                         options.sensitivity ? &baseline : nullptr, nullptr,
                         &outputShape);
  if (!records)
    return failWith(records.takeError());
  if (options.sensitivity)
    if (llvm::Error e = measureGains(
            stateText, data, mo, options, baseline,
            outputShape.empty() ? 0 : outputShape.back(), *records, err))
      return failWith(std::move(e));

  CalibrationFile file;
  std::string names;
  for (const CalibrationRecord &r : *records)
    names += (names.empty() ? "" : "\n") + r.name;
  file.metadata = {
      {"format", kCalibrationFormat},
      {"format_version", kCalibrationFormatVersion},
      {"qforge_version", QFORGE_VERSION},
      {"model", fingerprint},
      {"data", hashHex(data.hash)},
      {"samples", std::to_string(data.samples)},
      {"method", std::string("min/max, 2048-bin |x| histogram, per-channel "
                             "mean |x|, x^2 and max |x|, X^T X in fp64") +
                     (options.sensitivity
                          ? "; gains (MSE and KL) with " +
                                std::to_string(options.sensitivityBits) +
                                "-bit RTN probes" +
                                (options.sensitivityFloat
                                     ? " and fp4 e2m1 probes"
                                     : "")
                          : "")},
      {"observed", names},
  };
  file.records = std::move(*records);
  if (!writeCalibrationFile(options.output, file, error))
    return fail(error);
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - started)
                       .count();
  int64_t batches = (data.samples + batch - 1) / batch;
  out << "calibrated " << data.samples << " samples in " << batches
      << " batch(es) of " << batch << ": " << file.records.size()
      << " observed tensors -> " << options.output << " ("
      << llvm::format("%.2f", seconds) << " s)\n";
  return 0;
}

int qforge::roundModel(const RoundModelOptions &options,
                       llvm::raw_ostream &out, llvm::raw_ostream &err) {
  Failure fail{out, err, options.tool};
  auto failWith = [&](llvm::Error error) { return fail(std::move(error)); };
  if (options.output.empty())
    return fail("an output file is required");
  if (options.method != "gptq" && options.method != "adaround")
    return fail("--method must be gptq or adaround, got '" + options.method +
                "'");
  if (options.bits < 1 || options.bits > kMaxBits)
    return fail("--bits must be 1.." + std::to_string(kMaxBits));
  if (options.group < 0)
    return fail("--group must be >= 0");
  if (options.threads == 0)
    return fail("--threads must be at least 1");
  auto started = std::chrono::steady_clock::now();
  auto state = LoadedModule::load(options.module);
  if (!state)
    return failWith(state.takeError());
  if (llvm::Error e = instrument(**state))
    return failWith(std::move(e));
  CalibrationData data;
  std::string error;
  if (!readData(options.data, data, error))
    return fail(error);

  // The layers, in program order: observed inputs of float matmuls with
  // constant weights.
  mlir::ModuleOp module = (*state)->getModule();
  std::vector<std::string> layers;
  module.walk([&](mlir::linalg::MatmulOp mm) {
    if (mm.getInputs().size() != 2 ||
        !mlir::matchPattern(mm.getInputs()[1], mlir::m_Constant()))
      return;
    auto mark = mm->getAttrOfType<mlir::BoolAttr>(mlir::qf::kQuantizableAttrName);
    if (mark && !mark.getValue())
      return;
    if (auto o = mm.getInputs()[0].getDefiningOp<mlir::qf::ObserveOp>())
      layers.push_back(o.getName().str());
  });
  if (layers.empty())
    return fail(options.module + ": no matmul with constant weights to "
                                 "quantize");

  llvm::SmallString<128> tmp;
  {
    int fd;
    if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
            "qforge-round", "mlir", fd, tmp))
      return fail("cannot create a temporary file: " + ec.message());
    ::close(fd);
  }
  auto cleanup = llvm::make_scope_exit([&] { llvm::sys::fs::remove(tmp); });
  // Measures the current state (only `only`, or everything).
  auto measureState =
      [&](const llvm::StringSet<> &only,
          const std::string &label) -> llvm::Expected<std::vector<CalibrationRecord>> {
    std::string text;
    llvm::raw_string_ostream os(text);
    module.print(os);
    std::string writeError;
    if (!writeFileAtomically(tmp.str().str(), text, writeError))
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     writeError);
    auto copy = LoadedModule::load(tmp);
    if (!copy)
      return copy.takeError();
    MeasureOptions mo;
    mo.entry = options.entry;
    mo.cpu = options.cpu;
    mo.threads = options.threads;
    mo.progress = progressWanted(options.progress);
    mo.only = only;
    mo.label = label;
    return measure(**copy, data, mo, err);
  };
  auto attach = [&](const std::vector<CalibrationRecord> &records) {
    module.walk([&](mlir::qf::ObserveOp o) {
      for (const CalibrationRecord &r : records)
        if (r.name == o.getName())
          o->setAttr(mlir::qf::kCalibrationAttrName,
                     mlir::qf::encodeCalibration(module.getContext(), r));
    });
  };
  auto quantizeAndRound = [&]() {
    return (*state)->transform([&](mlir::OpPassManager &pm) {
      mlir::qf::QFQuantizeWeightsPassOptions qw;
      qw.bits = options.bits;
      qw.group = options.group;
      pm.addPass(mlir::qf::createQFQuantizeWeightsPass(qw));
      mlir::qf::QFRoundPassOptions round;
      round.method = options.method;
      round.damp = options.damp;
      round.iterations = options.iterations;
      pm.addPass(mlir::qf::createQFRoundPass(round));
    });
  };

  unsigned runs = 0;
  if (!options.sequential) {
    auto records = measureState({}, "calibrating");
    if (!records)
      return failWith(records.takeError());
    ++runs;
    attach(*records);
    if (llvm::Error e = quantizeAndRound())
      return failWith(std::move(e));
  } else {
    for (auto [i, name] : llvm::enumerate(layers)) {
      llvm::StringSet<> only;
      only.insert(name);
      auto records = measureState(
          only, "layer " + std::to_string(i + 1) + "/" +
                    std::to_string(layers.size()) + " " + name);
      if (!records)
        return failWith(records.takeError());
      ++runs;
      attach(*records);
      // Quantize this layer only: the later float layers are excluded for
      // this step.
      // (A mark of qf-mark-quantizable is kept aside and put back.)
      std::vector<std::pair<mlir::Operation *, mlir::Attribute>> held;
      module.walk([&](mlir::linalg::MatmulOp mm) {
        auto o = mm.getInputs()[0].getDefiningOp<mlir::qf::ObserveOp>();
        if (o && o.getName() == name)
          return;
        held.push_back({mm, mm->getAttr(mlir::qf::kQuantizableAttrName)});
        mm->setAttr(mlir::qf::kQuantizableAttrName,
                    mlir::BoolAttr::get(module.getContext(), false));
      });
      if (llvm::Error e = quantizeAndRound())
        return failWith(std::move(e));
      for (auto &[op, mark] : held) {
        if (mark)
          op->setAttr(mlir::qf::kQuantizableAttrName, mark);
        else
          op->removeAttr(mlir::qf::kQuantizableAttrName);
      }
    }
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os);
  if (!writeFileAtomically(options.output, text, error))
    return fail(error);
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - started)
                       .count();
  out << "rounded " << layers.size() << " layers to " << options.bits
      << " bits with " << options.method
      << (options.sequential ? " (sequential)" : "") << " from "
      << data.samples << " samples, " << runs << " calibration run(s) -> "
      << options.output << " (" << llvm::format("%.2f", seconds) << " s)\n";
  return 0;
}

namespace {

/// Quantizes the float model with a uniform width `bits`, or under
/// `budget` with `objective` and the allocation candidates `candidates`
/// (empty: the command's), writing the analysis to `report`.
using QuantizeFn = llvm::function_ref<llvm::Expected<std::unique_ptr<
    LoadedModule>>(unsigned bits, double budget, const std::string &objective,
                   llvm::ArrayRef<std::string> candidates,
                   const std::string &report)>;

/// The objective tr((W - Ŵ) H (W - Ŵ)ᵀ) that qf-round recorded for every
/// quantized layer of `module` (qf.round_error), in op order; empty unless
/// every layer has one.
std::vector<double> roundedObjectives(mlir::ModuleOp module) {
  std::vector<double> objectives;
  bool all = true;
  module.walk([&](mlir::qf::MatmulOp mm) {
    auto cst = mm.getRhs().getDefiningOp<mlir::qf::ConstantOp>();
    if (!cst)
      return;
    auto attr = cst->getAttrOfType<mlir::FloatAttr>("qf.round_error");
    if (!attr) {
      all = false;
      return;
    }
    objectives.push_back(attr.getValueAsDouble());
  });
  if (!all)
    objectives.clear();
  return objectives;
}

/// --alloc-objective measured: the output error of each layer alone, by
/// layer name and scheme (as reports print it).
using MeasuredErrors = std::map<std::pair<std::string, std::string>, double>;

/// The output error predicted from the rounding actually done: per layer
/// the error the allocation measured for its choice ("alloc_error" with
/// objective=measured: the output error of that layer alone, rounded that
/// way), else gain x qf.round_error (with method=rtn the report's
/// prediction already is that), added to `layers` as
/// "predicted_rounded_output_error"; a layer measured at its scheme
/// (`measured`) is predicted by that measurement. Returns the sum, or
/// nullopt when a layer has no gain or the layers do not match.
std::optional<double> predictRounded(const std::string &method,
                                     mlir::ModuleOp module,
                                     llvm::json::Array *layers,
                                     const MeasuredErrors &measured) {
  if (!layers)
    return std::nullopt;
  std::vector<double> objectives = roundedObjectives(module);
  if (method != "rtn" && objectives.size() != layers->size())
    return std::nullopt;
  double sum = 0;
  for (size_t i = 0; i < layers->size(); ++i) {
    llvm::json::Object *entry = (*layers)[i].getAsObject();
    if (!entry)
      return std::nullopt;
    std::optional<double> value =
        method == "rtn" ? entry->getNumber("predicted_output_error")
                        : std::optional<double>();
    if (method != "rtn")
      if (std::optional<double> gain = entry->getNumber("gain"))
        value = *gain * objectives[i];
    if (entry->getString("alloc_objective") == llvm::StringRef("measured"))
      value = entry->getNumber("alloc_error");
    std::optional<llvm::StringRef> name = entry->getString("layer"),
                                   scheme = entry->getString("scheme");
    if (name && scheme) {
      auto it = measured.find({name->str(), scheme->str()});
      if (it != measured.end())
        value = it->second;
    }
    if (!value)
      return std::nullopt;
    (*entry)["predicted_rounded_output_error"] = *value;
    sum += *value;
  }
  return sum;
}

/// One more model for the quality-against-bits curve: `B` (a budget,
/// objective=propagated), `local:B` (a budget, objective=local) or `uN`
/// (uniform N bits).
struct CurvePoint {
  std::string label;
  unsigned bits = 0;
  double budget = 0;
  std::string objective = "propagated";
  /// `u` and an allocation candidate other than a plain width (e.g.
  /// u3o:f16): that candidate for every layer.
  std::string candidate;
};

/// A budget no candidate reaches (bits per weight): a single candidate is
/// then taken everywhere.
constexpr double kUnboundedBudget = 1000;

std::optional<CurvePoint> parseCurvePoint(llvm::StringRef text) {
  CurvePoint p;
  p.label = text.str();
  llvm::StringRef rest = text.trim();
  if (rest.consume_front("u")) {
    if (!rest.empty() && !rest.getAsInteger(10, p.bits)) {
      if (p.bits < 1 || p.bits > 8)
        return std::nullopt;
      p.label = "uniform " + std::to_string(p.bits);
      return p;
    }
    // Any other allocation candidate.
    if (!mlir::qf::isAllocationCandidate(rest))
      return std::nullopt;
    p.candidate = rest.str();
    p.budget = kUnboundedBudget;
    p.objective = "local";
    p.label = "uniform " + rest.str();
    return p;
  }
  if (rest.consume_front("local:"))
    p.objective = "local";
  if (rest.getAsDouble(p.budget) || !(p.budget > 0) ||
      !std::isfinite(p.budget))
    return std::nullopt;
  p.label = (p.objective == "local" ? "local " : "budget ") +
            budgetText(p.budget);
  return p;
}

/// --alloc-objective measured: for every allocation candidate, the model
/// with that candidate everywhere (rounded as the command rounds), then the
/// output error on the calibration data of each layer alone at it; written
/// to `tablePath` as {"layers": {NAME: {CANDIDATE: error}}} for
/// qf-allocate-bits{objective=measured}. `scratch` holds each candidate's
/// analysis (the layer names).
llvm::Error measureCandidateErrors(const QuantizeOptions &options,
                                   QuantizeFn quantizeWith,
                                   const std::string &tablePath,
                                   const std::string &scratch,
                                   MeasuredErrors &bySchemes,
                                   llvm::raw_ostream &err) {
  auto error = [](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
  };
  std::vector<std::string> candidates = options.candidates;
  if (candidates.empty())
    candidates = {"2", "3", "4", "8"};
  std::string problem;
  CalibrationData cal;
  if (!readData(options.calib, cal, problem))
    return error(problem);
  MeasureOptions mo;
  mo.threads = options.threads;
  mo.progress = progressWanted(options.progress);
  mo.outputsOnly = true;
  mo.label = "measuring: float";
  std::vector<float> baseline;
  {
    auto floatModel = LoadedModule::load(options.module);
    if (!floatModel)
      return floatModel.takeError();
    auto run = measure(**floatModel, cal, mo, err, nullptr, &baseline);
    if (!run)
      return run.takeError();
    if (baseline.empty())
      return error("the model's first result is not a float tensor");
  }
  llvm::json::Object layers;
  for (const std::string &candidate : candidates) {
    auto model = quantizeWith(0, kUnboundedBudget, "local",
                              llvm::ArrayRef<std::string>(candidate), scratch);
    if (!model)
      return error("--alloc-objective measured: candidate " + candidate +
                   ": " + llvm::toString(model.takeError()));
    std::string text;
    if (!readFileBytes(scratch, text, problem))
      return error(problem);
    llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
    if (!parsed)
      return parsed.takeError();
    const llvm::json::Array *names =
        parsed->getAsObject() ? parsed->getAsObject()->getArray("layers")
                              : nullptr;
    std::vector<LayerWeights> weights =
        quantizedLayerWeights((*model)->getModule());
    auto alone = measureEachLayerAlone(options.module, weights, cal, baseline,
                                       mo, err);
    if (!alone)
      return alone.takeError();
    if (!names || names->size() != alone->size())
      return error("--alloc-objective measured: candidate " + candidate +
                   ": the quantized layers do not match the float model's "
                   "matmuls");
    for (size_t i = 0; i < alone->size(); ++i) {
      const llvm::json::Object *entry = (*names)[i].getAsObject();
      std::optional<llvm::StringRef> name =
          entry ? entry->getString("layer") : std::nullopt;
      if (!name)
        return error("--alloc-objective measured: a layer without a name");
      // Owned keys: `parsed` goes away with this iteration.
      std::string key = name->str();
      llvm::json::Object *row = layers.getObject(key);
      if (!row) {
        layers[key] = llvm::json::Object();
        row = layers.getObject(key);
      }
      (*row)[std::string(candidate)] = (*alone)[i];
      if (std::optional<llvm::StringRef> scheme = entry->getString("scheme"))
        bySchemes[{key, scheme->str()}] = (*alone)[i];
    }
  }
  llvm::sys::fs::remove(scratch);
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::formatv("{0:2}", llvm::json::Value(llvm::json::Object{
                                   {"layers", std::move(layers)}}))
     << "\n";
  if (!writeFileAtomically(tablePath, text, problem))
    return error(problem);
  return llvm::Error::success();
}

/// Adds to the report of `qforge quantize` (report.json, written by
/// qf-analyze-error) what running the models measures: the output error of
/// the quantized model and of each layer alone against the float model on
/// the calibration data, and with evaluation data the quality of the float
/// and quantized models (and of the --curve budgets). Writes report.json and
/// report.html into `dir`. Predictions use the errors `measured` for a
/// layer and scheme where there is one (--alloc-objective measured).
llvm::Error analyzeQuantized(const QuantizeOptions &options,
                             mlir::ModuleOp quantized,
                             const std::string &modelPath,
                             const std::string &reportPath,
                             const std::string &dir, QuantizeFn quantizeWith,
                             const MeasuredErrors &measured,
                             llvm::raw_ostream &err) {
  auto error = [](const llvm::Twine &msg) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
  };
  std::string text, problem;
  if (!readFileBytes(reportPath, text, problem))
    return error(problem);
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(text);
  if (!parsed)
    return parsed.takeError();
  llvm::json::Object *root = parsed->getAsObject();
  if (!root)
    return error(reportPath + ": not a JSON object");
  llvm::json::Array *layers = root->getArray("layers");
  llvm::json::Object *total = root->getObject("total");

  MeasureOptions mo;
  mo.threads = options.threads;
  mo.progress = progressWanted(options.progress);
  mo.outputsOnly = true;
  // The first result of `module` over `data`.
  auto run = [&](LoadedModule &module, const CalibrationData &data,
                 const std::string &label, std::vector<float> &outputs,
                 std::vector<int64_t> *shape = nullptr,
                 double *seconds = nullptr) -> llvm::Error {
    mo.label = label;
    auto records =
        measure(module, data, mo, err, nullptr, &outputs, seconds, shape);
    if (!records)
      return records.takeError();
    if (outputs.empty())
      return error("the model's first result is not a float tensor");
    return llvm::Error::success();
  };

  std::optional<double> predictedRounded =
      predictRounded(options.method, quantized, layers, measured);
  if (total && predictedRounded)
    (*total)["predicted_rounded_output_error"] = *predictedRounded;

  // The float and the quantized model, each loaded and lowered once for all
  // the runs below.
  std::unique_ptr<LoadedModule> floatModel, quantModel;
  auto loadOnce = [](std::unique_ptr<LoadedModule> &slot,
                     const std::string &path) -> llvm::Error {
    if (slot)
      return llvm::Error::success();
    auto loaded = LoadedModule::load(path);
    if (!loaded)
      return loaded.takeError();
    slot = std::move(*loaded);
    return llvm::Error::success();
  };

  // The float model's outputs on the calibration data: what measured errors
  // are measured against.
  CalibrationData cal;
  std::vector<float> baseline;
  if (options.measure != "none") {
    if (!readData(options.calib, cal, problem))
      return error(problem);
    if (llvm::Error e = loadOnce(floatModel, options.module))
      return e;
    if (llvm::Error e = run(*floatModel, cal, "measuring: float", baseline))
      return e;
    std::vector<float> outputs;
    if (llvm::Error e = loadOnce(quantModel, modelPath))
      return e;
    if (llvm::Error e = run(*quantModel, cal, "measuring: quantized", outputs))
      return e;
    llvm::json::Object measured{
        {"data", "calibration"},
        {"samples", cal.samples},
        {"output_error", outputError(outputs, baseline, cal.samples)}};
    std::vector<LayerWeights> weights = quantizedLayerWeights(quantized);
    if (options.measure == "layers" && layers &&
        layers->size() == weights.size()) {
      auto alone = measureEachLayerAlone(options.module, weights, cal,
                                         baseline, mo, err);
      if (!alone)
        return alone.takeError();
      for (size_t i = 0; i < alone->size(); ++i)
        if (auto *entry = (*layers)[i].getAsObject())
          (*entry)["measured_output_error"] = (*alone)[i];
    }
    (*root)["measured"] = std::move(measured);
  }

  if (!options.evalData.empty()) {
    CalibrationData ev;
    NpyArray labels;
    if (!readData(options.evalData, ev, problem) ||
        !readLabels(options.evalLabels, ev.samples, labels, problem))
      return error(problem);
    llvm::json::Array points;
    std::string metric;
    auto addPoint = [&](LoadedModule &module, const std::string &label,
                        double bits, std::optional<double> predicted = {},
                        std::optional<double> measuredError = {})
        -> llvm::Error {
      std::vector<float> outputs;
      std::vector<int64_t> shape;
      double seconds = 0;
      if (llvm::Error e = run(module, ev, "evaluating: " + label, outputs,
                              &shape, &seconds))
        return e;
      auto score = scoreOutputs(outputs, shape, labels, options.evalLabels,
                                ev.samples);
      if (!score)
        return score.takeError();
      metric = score->metric;
      llvm::json::Object point{{"label", label},
                               {"average_bits", bits},
                               {"value", score->value},
                               {"seconds", seconds}};
      if (predicted)
        point["predicted_output_error"] = *predicted;
      if (measuredError)
        point["measured_output_error"] = *measuredError;
      points.push_back(std::move(point));
      return llvm::Error::success();
    };
    if (llvm::Error e = loadOnce(floatModel, options.module))
      return e;
    if (llvm::Error e = addPoint(*floatModel, "fp32", 32.0))
      return e;
    if (llvm::Error e = loadOnce(quantModel, modelPath))
      return e;
    double bits =
        total ? total->getNumber("average_bits_per_weight").value_or(0) : 0;
    std::optional<double> quantMeasured;
    if (const llvm::json::Object *m = root->getObject("measured"))
      quantMeasured = m->getNumber("output_error");
    if (llvm::Error e = addPoint(*quantModel, "quantized", bits,
                                 predictedRounded, quantMeasured))
      return e;
    for (const std::string &text : options.curve) {
      std::optional<CurvePoint> point = parseCurvePoint(text);
      if (!point)
        return error("--curve: '" + text +
                     "' is not a budget (B), local:B or uniform (uN, N = "
                     "1..8, or u and a candidate, e.g. u3o:f16)");
      std::string curveReport = dir + "/curve.json";
      std::vector<std::string> candidates;
      if (!point->candidate.empty())
        candidates.push_back(point->candidate);
      // Budgets use the command's objective (propagated or measured).
      std::string objective = point->objective == "propagated"
                                  ? options.allocObjective
                                  : point->objective;
      auto model = quantizeWith(point->bits, point->budget, objective,
                                candidates, curveReport);
      if (!model)
        return error("--curve " + text + ": " +
                     llvm::toString(model.takeError()));
      std::string curveText;
      if (!readFileBytes(curveReport, curveText, problem))
        return error(problem);
      llvm::sys::fs::remove(curveReport);
      double curveBits = 0;
      llvm::Expected<llvm::json::Value> v = llvm::json::parse(curveText);
      if (!v)
        return v.takeError();
      std::optional<double> curvePredicted, curveMeasured;
      if (auto *o = v->getAsObject()) {
        if (auto *t = o->getObject("total"))
          curveBits = t->getNumber("average_bits_per_weight").value_or(0);
        curvePredicted = predictRounded(options.method,
                                        (*model)->getModule(),
                                        o->getArray("layers"), measured);
      }
      if (!baseline.empty()) {
        std::vector<float> outputs;
        if (llvm::Error e = run(**model, cal, "measuring: " + point->label,
                                outputs))
          return e;
        curveMeasured = outputError(outputs, baseline, cal.samples);
      }
      if (llvm::Error e = addPoint(**model, point->label, curveBits,
                                   curvePredicted, curveMeasured))
        return e;
    }
    // How well the rounded prediction tracks the measured error across the
    // quantized models.
    std::vector<double> predictedSeries, measuredSeries;
    double worst = 1;
    for (const llvm::json::Value &p : points)
      if (const llvm::json::Object *o = p.getAsObject()) {
        auto pr = o->getNumber("predicted_output_error");
        auto me = o->getNumber("measured_output_error");
        if (pr && me && *pr > 0 && *me > 0) {
          predictedSeries.push_back(*pr);
          measuredSeries.push_back(*me);
          worst = std::max({worst, *pr / *me, *me / *pr});
        }
      }
    llvm::json::Object evaluation{{"metric", metric},
                                  {"data", options.evalData.front()},
                                  {"samples", ev.samples},
                                  {"points", std::move(points)}};
    if (predictedSeries.size() >= 2)
      evaluation["prediction"] = llvm::json::Object{
          {"models", int64_t(predictedSeries.size())},
          {"rank_correlation",
           qforge::rankCorrelation(predictedSeries, measuredSeries)},
          {"worst_ratio", worst}};
    (*root)["evaluation"] = std::move(evaluation);
  }

  llvm::json::Object settings{{"model", options.source.empty()
                                            ? options.module
                                            : options.source},
                              {"method", options.method},
                              {"activations", options.activations},
                              {"target", options.target}};
  if (options.budget > 0)
    settings["budget"] = options.budget;
  else
    settings["bits"] = int64_t(options.bits);
  if (options.group > 0)
    settings["group"] = options.group;
  (*root)["settings"] = std::move(settings);

  std::string json;
  {
    llvm::raw_string_ostream os(json);
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(*parsed)));
    os << "\n";
  }
  if (!writeFileAtomically(reportPath, json, problem))
    return error(problem);
  llvm::Expected<llvm::json::Value> final = llvm::json::parse(json);
  if (!final)
    return final.takeError();
  std::string html = renderReportHTML(*final->getAsObject());
  if (!writeFileAtomically(dir + "/report.html", html, problem))
    return error(problem);
  return llvm::Error::success();
}

} // namespace

int qforge::quantizeModel(const QuantizeOptions &options,
                          llvm::raw_ostream &out, llvm::raw_ostream &err) {
  Failure fail{out, err, options.tool};
  auto failWith = [&](llvm::Error error) { return fail(std::move(error)); };
  if (options.outdir.empty())
    return fail("an output directory is required (-o)");
  if (llvm::sys::fs::exists(options.outdir))
    return fail(options.outdir + " exists; give a new directory");
  if (options.method != "rtn" && options.method != "gptq" &&
      options.method != "adaround")
    return fail("--method must be rtn, gptq or adaround, got '" +
                options.method + "'");
  if (options.activations != "none" && options.activations != "int8")
    return fail("--activations must be none or int8, got '" +
                options.activations + "'");
  if (options.budget == 0 && (options.bits < 1 || options.bits > kMaxBits))
    return fail("--bits must be 1.." + std::to_string(kMaxBits));
  if (options.budget < 0 || !std::isfinite(options.budget))
    return fail("--budget must be a positive number of bits per weight");
  llvm::SmallVector<std::string> targets;
  for (llvm::StringRef t : llvm::split(options.target, ',')) {
    if (t != "x86" && t != "vulkan" && t != "cuda")
      return fail("--target must be x86, vulkan or cuda (or a list of them), "
                  "got '" + t.str() + "'");
    if (!llvm::is_contained(targets, t))
      targets.push_back(t.str());
  }
  if (options.allocRounding != "rtn" && options.allocRounding != "gptq")
    return fail("--alloc-rounding must be rtn or gptq, got '" +
                options.allocRounding + "'");
  if (options.allocObjective != "propagated" &&
      options.allocObjective != "measured")
    return fail("--alloc-objective must be propagated or measured, got '" +
                options.allocObjective + "'");
  if (options.allocMetric != "mse" && options.allocMetric != "kl")
    return fail("--alloc-metric must be mse or kl, got '" +
                options.allocMetric + "'");
  if (options.measure != "layers" && options.measure != "total" &&
      options.measure != "none")
    return fail("--measure must be layers, total or none, got '" +
                options.measure + "'");
  if (options.evalData.empty() != options.evalLabels.empty())
    return fail("--eval-data and --eval-labels go together");
  if (!options.curve.empty() && options.evalData.empty())
    return fail("--curve needs --eval-data and --eval-labels");
  for (const std::string &c : options.candidates)
    if (!mlir::qf::isAllocationCandidate(c))
      return fail("--candidates: '" + c +
                  "' is not a candidate (a width 1..8 with an optional o or "
                  "n grid suffix, g and a group size, :f16 or :bf16; "
                  "binary, ternary; fp8, mxfp4, nvfp4)");
  for (const std::string &c : options.curve)
    if (!parseCurvePoint(c))
      return fail("--curve: '" + c + "' is not a budget (B), local:B or "
                  "uniform (uN, N = 1..8, or u and a candidate, e.g. u3o:f16)");
  auto started = std::chrono::steady_clock::now();

  // Everything goes to a temporary directory next to OUTDIR, renamed into
  // place at the end: a failure leaves nothing behind.
  llvm::SmallString<128> tmp;
  if (std::error_code ec = llvm::sys::fs::createUniqueDirectory(
          options.outdir + ".tmp", tmp))
    return fail("cannot create a directory next to " + options.outdir + ": " +
                ec.message());
  bool done = false;
  auto cleanup = llvm::make_scope_exit([&] {
    if (!done)
      llvm::sys::fs::remove_directories(tmp);
  });
  std::string calibration = (tmp + "/calibration.safetensors").str();
  std::string report = (tmp + "/report.json").str();
  std::string model = (tmp + "/model.mlir").str();

  // --verbose: every step as it starts, with the time since the start.
  auto step = [&](const llvm::Twine &what) {
    if (!options.verbose)
      return;
    err << options.tool << ": "
        << llvm::format("[%6.1f s] ",
                        std::chrono::duration<double>(
                            std::chrono::steady_clock::now() - started)
                            .count())
        << what << "\n";
  };
  step("calibrating on " + llvm::join(options.calib, ", ") +
       (options.budget > 0 ? " (with the gain of every layer)" : ""));
  CalibrateOptions co;
  co.module = options.module;
  co.data = options.calib;
  co.output = calibration;
  co.threads = options.threads;
  co.progress = options.progress;
  co.tool = options.tool;
  co.sensitivity = options.budget > 0;
  // Float-format candidates are priced with the multiplicative-noise gain.
  co.sensitivityFloat =
      co.sensitivity &&
      llvm::any_of(options.candidates, [](const std::string &c) {
        llvm::StringRef t = llvm::StringRef(c).trim();
        return t == "fp8" || t == "f8" || t == "mxfp4" || t == "nvfp4";
      });
  std::string summary;
  llvm::raw_string_ostream calOut(summary);
  if (calibrateModule(co, calOut, err) != 0)
    return 1;

  // --alloc-objective measured: the table of measured errors, and the same
  // by layer and scheme for the report's predictions.
  std::string measuredTable = (tmp + "/measured-errors.json").str();
  MeasuredErrors measuredErrors;
  // The float model, quantized with a uniform width or under a budget.
  auto quantizeWith = [&](unsigned bits, double budget,
                          const std::string &objective,
                          llvm::ArrayRef<std::string> candidates,
                          const std::string &reportPath)
      -> llvm::Expected<std::unique_ptr<LoadedModule>> {
    auto loaded = LoadedModule::load(options.module);
    if (!loaded)
      return loaded.takeError();
    if (llvm::Error e = (*loaded)->transform([&](mlir::OpPassManager &pm) {
          pm.addPass(mlir::qf::createQFInstrumentPass());
          mlir::qf::QFAttachCalibrationPassOptions attach;
          attach.file = calibration;
          pm.addPass(mlir::qf::createQFAttachCalibrationPass(attach));
          mlir::qf::QFQuantizeWeightsPassOptions qw;
          qw.bits = budget > 0 ? 8 : bits;
          qw.group = options.group;
          pm.addPass(mlir::qf::createQFQuantizeWeightsPass(qw));
          if (budget > 0) {
            mlir::qf::QFAllocateBitsPassOptions alloc;
            alloc.budget = budget;
            alloc.objective = objective;
            if (objective == "measured")
              alloc.errors = measuredTable;
            alloc.rounding = objective == "propagated" &&
                                     options.allocRounding == "gptq"
                                 ? "gptq"
                                 : "rtn";
            alloc.metric = options.allocMetric;
            if (candidates.empty())
              candidates = options.candidates;
            alloc.candidates.assign(candidates.begin(), candidates.end());
            pm.addPass(mlir::qf::createQFAllocateBitsPass(alloc));
          }
          if (options.activations == "int8")
            pm.addPass(mlir::qf::createQFQuantizeActivationsPass());
          mlir::qf::QFAnalyzeErrorPassOptions analyze;
          analyze.report = reportPath;
          pm.addPass(mlir::qf::createQFAnalyzeErrorPass(analyze));
          mlir::qf::QFRoundPassOptions round;
          round.method = options.method;
          pm.addPass(mlir::qf::createQFRoundPass(round));
        }))
      return std::move(e);
    return std::move(*loaded);
  };
  step(options.budget > 0
           ? "allocating widths for " + budgetText(options.budget) +
                 " bits per weight, rounding with " + options.method
           : "rounding to " + std::to_string(options.bits) + " bits with " +
                 options.method);
  if (options.budget > 0 && options.allocObjective == "measured") {
    step("measuring the output error of every layer alone at every "
         "candidate");
    if (llvm::Error e =
            measureCandidateErrors(options, quantizeWith, measuredTable,
                                   (tmp + "/candidate.json").str(),
                                   measuredErrors, err))
      return failWith(std::move(e));
  }
  auto loaded = quantizeWith(options.bits, options.budget,
                             options.allocObjective, {}, report);
  if (!loaded)
    return failWith(loaded.takeError());
  // The statistics have served their purpose (they stay in
  // calibration.safetensors): drop them from the module.
  (*loaded)->getModule().walk([](mlir::qf::ObserveOp o) {
    o->removeAttr(mlir::qf::kCalibrationAttrName);
  });
  // The float weights that rounding replaced are no longer used.
  llvm::SmallVector<mlir::Operation *> dead;
  (*loaded)->getModule().walk([&](mlir::arith::ConstantOp c) {
    if (c->use_empty())
      dead.push_back(c);
  });
  for (mlir::Operation *op : dead)
    op->erase();
  std::string text;
  {
    llvm::raw_string_ostream os(text);
    mlir::OpPrintingFlags flags;
    flags.enableDebugInfo();
    (*loaded)->getModule()->print(os, flags);
  }
  std::string error;
  if (!writeFileAtomically(model, text, error))
    return fail(error);
  // The compiled artifacts for this machine's CPU family (x86-64-v3, so
  // that the objects also run elsewhere), one per target (model.o for x86,
  // model-vulkan.o, model-cuda.o), and their C header.
  step("compiling for " + options.target);
  {
    TranslateOptions to;
    to.module = model;
    to.emit = "header";
    to.cpu = "x86-64-v3";
    to.output = (tmp + "/model.h").str();
    if (translateModule(to, err) != 0)
      return fail("writing the C header failed (see above)");
  }
  for (const std::string &target : targets) {
    TranslateOptions to;
    to.module = model;
    to.emit = "object";
    to.cpu = "x86-64-v3";
    to.target = target;
    to.chip = options.chip;
    if (target == "vulkan")
      to.spirvDir = (tmp + "/kernels").str();
    to.output = (tmp + (target == "x86" ? "/model.o"
                                        : "/model-" + target + ".o"))
                    .str();
    if (translateModule(to, err) != 0)
      return fail("compiling the quantized model for --target " + target +
                  " failed (see above)");
  }
  step("measuring and evaluating for the report");
  if (llvm::Error e = analyzeQuantized(options, (*loaded)->getModule(), model,
                                       report, tmp.str().str(), quantizeWith,
                                       measuredErrors, err))
    return failWith(std::move(e));
  if (std::error_code ec = llvm::sys::fs::rename(tmp, options.outdir))
    return fail("cannot rename " + tmp.str().str() + " to " + options.outdir +
                ": " + ec.message());
  done = true;

  // The summary, from the report.
  std::string json;
  if (!readFileBytes(options.outdir + "/report.json", json, error))
    return fail(error);
  llvm::Expected<llvm::json::Value> parsed = llvm::json::parse(json);
  if (!parsed)
    return failWith(parsed.takeError());
  const llvm::json::Object *root = parsed->getAsObject();
  // The calibration summary names the temporary directory.
  for (size_t at; (at = summary.find(tmp.str().str())) != std::string::npos;)
    summary.replace(at, tmp.size(), options.outdir);
  out << summary;
  out << llvm::format("  %-28s %-46s %8s %12s\n", "layer", "scheme",
                      "bits/w", "pred. error");
  if (const llvm::json::Array *layers =
          root ? root->getArray("layers") : nullptr)
    for (const llvm::json::Value &l : *layers) {
      const llvm::json::Object *o = l.getAsObject();
      if (!o)
        continue;
      std::optional<double> pred = o->getNumber("predicted_output_error");
      out << llvm::format("  %-28s %-46s %8.3f %12s\n",
                          o->getString("layer").value_or("").str().c_str(),
                          o->getString("scheme").value_or("").str().c_str(),
                          o->getNumber("bits_per_weight").value_or(0),
                          pred ? llvm::formatv("{0:g4}", *pred).str().c_str()
                               : "-");
    }
  const llvm::json::Object *total = root ? root->getObject("total") : nullptr;
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - started)
                       .count();
  out << llvm::format("  %.3f bits per weight on average", total ? total->getNumber("average_bits_per_weight").value_or(0) : 0.0)
      << ", weights rounded with " << options.method
      << (options.activations == "int8" ? ", int8 activations" : "")
      << " -> " << options.outdir << " (" << llvm::format("%.1f", seconds)
      << " s)\n";
  if (const llvm::json::Object *measured =
          root ? root->getObject("measured") : nullptr)
  {
    std::optional<double> predicted =
        total ? total->getNumber("predicted_output_error") : std::nullopt;
    std::optional<double> rounded =
        total ? total->getNumber("predicted_rounded_output_error")
              : std::nullopt;
    out << llvm::format("  measured output error %.4g",
                        measured->getNumber("output_error").value_or(0));
    if (rounded)
      out << llvm::format(" (predicted %.4g for the rounding done", *rounded);
    if (predicted)
      out << llvm::format("%s%.4g for rounding to nearest", rounded ? ", " : " (predicted ", *predicted);
    if (rounded || predicted)
      out << ")";
    out << " on " << measured->getInteger("samples").value_or(0)
        << " calibration samples\n";
  }
  if (const llvm::json::Object *evaluation =
          root ? root->getObject("evaluation") : nullptr)
    if (const llvm::json::Array *points = evaluation->getArray("points"))
      for (const llvm::json::Value &p : *points)
        if (const llvm::json::Object *o = p.getAsObject())
          out << llvm::format("  %-12s %6.3f bits/weight  %s %.4f\n",
                              o->getString("label").value_or("").str().c_str(),
                              o->getNumber("average_bits").value_or(0),
                              evaluation->getString("metric")
                                  .value_or("")
                                  .str()
                                  .c_str(),
                              o->getNumber("value").value_or(0));
  if (const llvm::json::Object *evaluation =
          root ? root->getObject("evaluation") : nullptr)
    if (const llvm::json::Object *prediction =
            evaluation->getObject("prediction"))
      out << llvm::format("  predicted against measured output error over "
                          "%lld models: rank correlation %.3f, worst ratio "
                          "%.2f\n",
                          (long long)prediction->getInteger("models")
                              .value_or(0),
                          prediction->getNumber("rank_correlation")
                              .value_or(0),
                          prediction->getNumber("worst_ratio").value_or(0));
  out << "  objects:";
  for (const std::string &target : targets)
    out << " " << (target == "x86" ? "model.o" : "model-" + target + ".o")
        << " (" << target << ")";
  out << ", header model.h; report: " << options.outdir << "/report.html\n";
  return 0;
}

int qforge::evaluateModel(const EvalOptions &options, llvm::raw_ostream &out,
                          llvm::raw_ostream &err) {
  Failure fail{out, err, options.tool};
  auto failWith = [&](llvm::Error error) { return fail(std::move(error)); };
  std::string path = options.model;
  if (llvm::sys::fs::is_directory(path))
    path += "/model.mlir";
  auto module = LoadedModule::load(path);
  if (!module)
    return failWith(module.takeError());
  CalibrationData data;
  std::string error;
  if (!readData(options.data, data, error))
    return fail(error);
  NpyArray labels;
  if (!options.labels.empty() &&
      !readLabels(options.labels, data.samples, labels, error))
    return fail(error);
  MeasureOptions mo;
  mo.threads = options.threads;
  mo.progress = progressWanted(options.progress);
  mo.outputsOnly = true;
  mo.label = "evaluating";
  mo.target = options.target;
  mo.chip = options.chip;
  std::vector<float> outputs;
  std::vector<int64_t> shape;
  double seconds = 0;
  int64_t batch = 0;
  auto run = measure(**module, data, mo, err, &batch, &outputs, &seconds,
                     &shape);
  if (!run)
    return failWith(run.takeError());
  if (outputs.empty())
    return fail("the model's first result is not a float tensor");
  if (!options.labels.empty()) {
    auto score =
        scoreOutputs(outputs, shape, labels, options.labels, data.samples);
    if (!score)
      return failWith(score.takeError());
    out << score->metric << llvm::format(": %.4f\n", score->value);
  }
  int64_t batches = (data.samples + batch - 1) / batch;
  out << llvm::format("latency: %.2f ms per batch of %lld (%.1f us per "
                      "sample), %lld samples\n",
                      1e3 * seconds / double(batches), (long long)batch,
                      1e6 * seconds / double(batches * batch),
                      (long long)data.samples);
  return 0;
}
