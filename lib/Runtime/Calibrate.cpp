//===- Calibrate.cpp - Calibration runs -----------------------------------===//
//
// Instruments the float model, JIT-compiles it with the observed tensors as
// extra results, runs it over the calibration data batch by batch, and
// accumulates every observed tensor's statistics (TensorStats) in sample
// order. The statistics do not depend on the batch size or on the number
// of threads the kernels use, so the file is byte-identical for both.
//
//===----------------------------------------------------------------------===//

#include "qforge/Runtime/Drivers.h"

#include "qforge/Dialect/QF/Transforms/Calibration.h"
#include "qforge/Dialect/QF/Transforms/Passes.h"
#include "qforge/Quantization/CalibrationFile.h"
#include "qforge/Runtime/CPURunner.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <chrono>
#include <cstring>
#include <unistd.h>

#ifndef QFORGE_VERSION
#define QFORGE_VERSION "unknown"
#endif

using namespace qforge;

int qforge::calibrateModule(const CalibrateOptions &options,
                            llvm::raw_ostream &out, llvm::raw_ostream &err) {
  auto fail = [&](const std::string &message) {
    out.flush();
    err << options.tool << ": error: " << message << "\n";
    return 1;
  };
  auto failWith = [&](llvm::Error error) {
    return fail(llvm::toString(std::move(error)));
  };
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
  // Observe the matmul inputs (unless the module observes something
  // already), fingerprint the model, then return the observed values.
  bool observes = false;
  (*module)->getModule().walk([&](mlir::qf::ObserveOp) { observes = true; });
  if (!observes)
    if (llvm::Error e = (*module)->transform([](mlir::OpPassManager &pm) {
          pm.addPass(mlir::qf::createQFInstrumentPass());
        }))
      return failWith(std::move(e));
  std::string fingerprint =
      mlir::qf::calibrationFingerprint((*module)->getModule());
  if (llvm::Error e = (*module)->transform([](mlir::OpPassManager &pm) {
        pm.addPass(mlir::qf::createQFExposeObservedPass());
      }))
    return failWith(std::move(e));

  // The observed results and their names.
  auto func = (*module)->getModule().lookupSymbol<mlir::func::FuncOp>(
      options.entry);
  if (!func || func.isExternal())
    return fail(options.module + ": no function @" + options.entry);
  std::vector<std::pair<unsigned, std::string>> observed;
  for (unsigned i = 0, e = func.getNumResults(); i < e; ++i)
    if (auto name = func.getResultAttrOfType<mlir::StringAttr>(i, "qf.name"))
      observed.emplace_back(i, name.str());
  if (observed.empty())
    return fail(options.module + ": @" + options.entry +
                " has no matmul with constant weights to observe");
  auto entry = (*module)->lookupEntry(options.entry, /*explicitName=*/true);
  if (!entry)
    return failWith(entry.takeError());
  FunctionSignature sig = **entry;

  // The data: one array per argument, N samples each.
  if (options.data.size() != sig.inputs.size())
    return fail("@" + sig.name + " has " + std::to_string(sig.inputs.size()) +
                " argument(s), but " + std::to_string(options.data.size()) +
                " data file(s) were given");
  std::vector<NpyArray> data(options.data.size());
  std::string error;
  int64_t samples = -1, batch = -1;
  uint64_t dataHash = fnv1a64("qforge-data", 11);
  for (size_t i = 0; i < data.size(); ++i) {
    if (!readNpyFile(options.data[i], data[i], error))
      return fail(error);
    const TensorSpec &spec = sig.inputs[i];
    const NpyArray &a = data[i];
    bool dtypeOk = a.dtype == npyDTypeFor(spec.elementType) ||
                   (spec.elementType == ElementType::I8 &&
                    a.dtype == NpyDType::U8);
    bool shapeOk = !spec.shape.empty() && a.shape.size() == spec.shape.size();
    for (size_t d = 1; shapeOk && d < spec.shape.size(); ++d)
      shapeOk = a.shape[d] == spec.shape[d];
    if (!dtypeOk || !shapeOk || a.shape[0] < 1) {
      std::vector<int64_t> want = spec.shape;
      if (!want.empty())
        want[0] = -1;
      return fail(options.data[i] + ": argument " + std::to_string(i) +
                  " of @" + sig.name + " is " + spec.str() +
                  ", so the data must be N x " +
                  formatNpyShape(std::vector<int64_t>(spec.shape.begin() +
                                                          (spec.shape.empty()
                                                               ? 0
                                                               : 1),
                                                      spec.shape.end())) +
                  " " + npyDTypeName(npyDTypeFor(spec.elementType)) +
                  " samples, got " + a.describe());
    }
    if (samples >= 0 && a.shape[0] != samples)
      return fail(options.data[i] + ": " + std::to_string(a.shape[0]) +
                  " samples, but " + options.data[0] + " has " +
                  std::to_string(samples));
    samples = a.shape[0];
    batch = spec.shape[0];
    std::vector<int64_t> shape = a.shape;
    dataHash = fnv1a64(shape.data(), shape.size() * sizeof(int64_t), dataHash);
    dataHash = fnv1a64(a.data.data(), a.data.size(), dataHash);
  }

  auto cpu = resolveCPU(options.cpu);
  if (!cpu)
    return failWith(cpu.takeError());
  if (llvm::Error e = (*module)->lower(*cpu, options.threads))
    return failWith(std::move(e));
  auto runner = CPURunner::create(**module, sig, *cpu, options.threads);
  if (!runner)
    return failWith(runner.takeError());
  std::vector<HostTensor> inputs;
  for (const TensorSpec &spec : sig.inputs)
    inputs.emplace_back(spec);
  std::vector<HostTensor> results = (*runner)->allocateResults();
  for (const HostTensor &t : inputs)
    if (!t.data())
      return fail("cannot allocate the inputs of @" + sig.name);
  for (const HostTensor &t : results)
    if (!t.data())
      return fail("cannot allocate the results of @" + sig.name);
  auto call = (*runner)->bind(inputs, results);
  if (!call)
    return failWith(call.takeError());

  std::vector<TensorStats> stats;
  for (auto &[index, name] : observed) {
    const TensorSpec &spec = sig.results[index];
    if (spec.elementType != ElementType::F32 || spec.shape.empty())
      return fail("observed tensor '" + name + "' is " + spec.str() +
                  ", not a float tensor");
    int64_t k = spec.shape.back();
    int64_t rows = k ? spec.numElements() / k : 0;
    if (k < 1 || rows % batch)
      return fail("observed tensor '" + name + "' (" + spec.str() +
                  ") does not have a whole number of rows per sample of a "
                  "batch of " + std::to_string(batch));
    // X^T X is the Hessian of the weights a matmul input meets; outputs
    // (-qf-instrument{outputs}) need only ranges and channel statistics.
    bool isOutput = llvm::StringRef(name).contains(".output");
    stats.emplace_back(k, /*hessian=*/!isOutput);
  }

  bool progress = options.progress == "on" ||
                  (options.progress == "auto" && ::isatty(2));
  int64_t batches = (samples + batch - 1) / batch;
  for (int64_t b = 0; b < batches; ++b) {
    int64_t first = b * batch, valid = std::min(batch, samples - first);
    for (size_t i = 0; i < inputs.size(); ++i) {
      size_t sampleBytes = data[i].data.size() / size_t(samples);
      uint8_t *dst = static_cast<uint8_t *>(inputs[i].data());
      std::memcpy(dst, data[i].data.data() + first * sampleBytes,
                  size_t(valid) * sampleBytes);
      // Pad a last partial batch with zeros; its rows are not counted.
      std::memset(dst + valid * sampleBytes, 0,
                  size_t(batch - valid) * sampleBytes);
    }
    call->invoke();
    for (size_t o = 0; o < observed.size(); ++o) {
      const HostTensor &t = results[observed[o].first];
      int64_t k = stats[o].channels();
      int64_t rowsPerSample = t.getSpec().numElements() / k / batch;
      stats[o].addRows(static_cast<const float *>(t.data()),
                       valid * rowsPerSample);
    }
    if (progress) {
      err << "\rcalibrating: batch " << (b + 1) << "/" << batches << " ("
          << (first + valid) << "/" << samples << " samples)";
      err.flush();
    }
  }
  if (progress)
    err << "\n";

  CalibrationFile file;
  std::string names;
  for (auto &[index, name] : observed)
    names += (names.empty() ? "" : "\n") + name;
  file.metadata = {
      {"format", kCalibrationFormat},
      {"format_version", kCalibrationFormatVersion},
      {"qforge_version", QFORGE_VERSION},
      {"model", fingerprint},
      {"data", hashHex(dataHash)},
      {"samples", std::to_string(samples)},
      {"method", "min/max, 2048-bin |x| histogram, per-channel mean |x| and "
                 "x^2, X^T X in fp64"},
      {"observed", names},
  };
  for (size_t o = 0; o < observed.size(); ++o)
    file.records.push_back(
        CalibrationRecord::fromStats(observed[o].second, stats[o]));
  if (!writeCalibrationFile(options.output, file, error))
    return fail(error);
  double seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - started)
                       .count();
  out << "calibrated " << samples << " samples in " << batches
      << " batch(es) of " << batch << ": " << observed.size()
      << " observed tensors -> " << options.output << " ("
      << llvm::format("%.2f", seconds) << " s)\n";
  return 0;
}
