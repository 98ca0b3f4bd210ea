//===- Drivers.cpp - The logic of qforge-run and qforge-translate ---------===//

#include "qforge/Runtime/Drivers.h"

#include "llvm/Support/CommandLine.h"

#include "qforge/Runtime/AOT.h"
#include "qforge/Runtime/CPURunner.h"
#include "qforge/Runtime/VulkanRuntime.h"

#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <algorithm>
#include <chrono>

using namespace qforge;

namespace {

std::string plural(size_t n, const char *word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

/// Reads the --input files into tensors of the entry's argument types.
bool readInputs(const RunOptions &options, const FunctionSignature &sig,
                std::vector<HostTensor> &inputs, std::string &error) {
  for (size_t i = 0; i < options.inputs.size(); ++i) {
    NpyArray array;
    if (!readNpyFile(options.inputs[i], array, error))
      return false;
    HostTensor tensor;
    std::string problem;
    if (!HostTensor::fromNpy(array, sig.inputs[i], tensor, problem)) {
      error = options.inputs[i] + ": wrong input for argument " +
              std::to_string(i) + " of @" + sig.name + ": " + problem;
      return false;
    }
    inputs.push_back(std::move(tensor));
  }
  return true;
}

/// Reads the --compare files, checking their shapes against the results.
bool readReferences(const RunOptions &options, const FunctionSignature &sig,
                    std::vector<NpyArray> &references, std::string &error) {
  for (size_t i = 0; i < options.compares.size(); ++i) {
    NpyArray array;
    if (!readNpyFile(options.compares[i], array, error))
      return false;
    if (array.shape != sig.results[i].shape) {
      error = options.compares[i] + ": wrong reference for result " +
              std::to_string(i) + " of @" + sig.name + ": expected shape " +
              formatNpyShape(sig.results[i].shape) + " (" +
              sig.results[i].str() + "), got " + array.describe();
      return false;
    }
    references.push_back(std::move(array));
  }
  return true;
}

/// Warm-up, then `runs` timed calls; prints median / min and GOPS.
void benchmark(const BoundCall &call, unsigned runs,
               const FunctionSignature &sig, bool vulkanKernels,
               llvm::raw_ostream &out) {
  unsigned warmup = std::clamp(runs / 10, 1u, 10u);
  for (unsigned i = 0; i < warmup; ++i)
    call.invoke();
  if (vulkanKernels)
    vulkan::resetKernelTime();
  std::vector<double> ms;
  for (unsigned i = 0; i < runs; ++i) {
    auto start = std::chrono::steady_clock::now();
    call.invoke();
    auto end = std::chrono::steady_clock::now();
    ms.push_back(
        std::chrono::duration<double, std::milli>(end - start).count());
  }
  std::sort(ms.begin(), ms.end());
  double median =
      runs % 2 ? ms[runs / 2] : (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
  out << "bench @" << sig.name << ": " << plural(runs, "timed run") << " after "
      << plural(warmup, "warm-up run") << "\n"
      << "  median: " << llvm::format("%.4g", median) << " ms\n"
      << "  min: " << llvm::format("%.4g", ms.front()) << " ms\n";
  if (sig.matmulOps == 0)
    out << "  GOPS: n/a (no matmul ops counted)\n";
  else if (median <= 0)
    out << "  GOPS: n/a (too fast to time)\n";
  else
    out << "  GOPS: "
        << llvm::format("%.4g", sig.matmulOps / (median * 1e-3) / 1e9) << " ("
        << sig.matmulOps << " matmul ops per run, at the median)\n";
  if (vulkanKernels) {
    uint64_t dispatches = vulkan::dispatchCount();
    out << "  vulkan kernels: " << dispatches / runs
        << (dispatches / runs == 1 ? " dispatch" : " dispatches")
        << " per run, "
        << llvm::format("%.4g", vulkan::kernelTimeMs() / runs)
        << " ms per run (device timestamps, mean) on "
        << vulkan::deviceName() << "\n";
  }
}

} // namespace

int qforge::runModuleOnCPU(const RunOptions &options, llvm::raw_ostream &out,
                           llvm::raw_ostream &err) {
  auto fail = [&](const std::string &message) {
    out.flush();
    err << "qforge-run: error: " << message << "\n";
    return 1;
  };
  auto failWith = [&](llvm::Error error) {
    return fail(llvm::toString(std::move(error)));
  };

  auto module = LoadedModule::load(options.module);
  if (!module)
    return failWith(module.takeError());
  auto entry = (*module)->lookupEntry(options.entry, options.entryGiven);
  if (!entry)
    return failWith(entry.takeError());
  const FunctionSignature &sig = **entry;

  auto checkCount = [&](size_t given, size_t expected, const char *flag,
                        const char *what) {
    if (given == 0 || given == expected)
      return std::string();
    return "@" + sig.name + " has " + plural(expected, what) + ", but " +
           std::to_string(given) + " " + flag +
           (given == 1 ? " file was" : " files were") + " given";
  };
  for (const std::string &problem :
       {checkCount(options.inputs.size(), sig.inputs.size(), "--input",
                   "argument"),
        checkCount(options.outputs.size(), sig.results.size(), "--output",
                   "result"),
        checkCount(options.compares.size(), sig.results.size(), "--compare",
                   "result")})
    if (!problem.empty())
      return fail(problem);
  if (!options.inputs.empty() && options.seed)
    return fail("--seed makes random inputs; it cannot be combined with "
                "--input");

  // Read every file before compiling, so that a typo fails fast.
  std::vector<HostTensor> inputs;
  std::vector<NpyArray> references;
  std::string error;
  if (!readInputs(options, sig, inputs, error) ||
      !readReferences(options, sig, references, error))
    return fail(error);
  if (options.inputs.empty())
    for (size_t i = 0; i < sig.inputs.size(); ++i)
      inputs.push_back(
          HostTensor::random(sig.inputs[i], options.seed.value_or(0), i));
  for (size_t i = 0; i < inputs.size(); ++i)
    if (!inputs[i].data())
      return fail(
          "cannot allocate " + std::to_string(sig.inputs[i].byteSize()) +
          " bytes for argument " + std::to_string(i) + " of @" + sig.name);

  auto cpu = resolveCPU(options.cpu);
  if (!cpu)
    return failWith(cpu.takeError());
  if (options.threads == 0)
    return fail("--num-threads must be at least 1");
  std::string chip = options.target == "cuda" ? options.chip : "";
  TargetOptions target;
  target.target = options.target;
  target.cpu = *cpu;
  target.threads = options.threads;
  target.chip = options.chip;
  target.targetEnv = options.targetEnv;
  // Without a device, fail before compiling, unless the lowered module is
  // wanted (--print-ir works anywhere; running it then fails).
  if (llvm::Error e =
          lowerForTarget(**module, target, /*needDevice=*/!options.printIR))
    return failWith(std::move(e));
  if (options.printIR) {
    (*module)->getModule()->print(out);
    out << "\n";
  }
  auto runner =
      CPURunner::create(**module, sig, *cpu, options.threads, chip);
  if (!runner)
    return failWith(runner.takeError());
  std::vector<HostTensor> results = (*runner)->allocateResults();
  for (size_t i = 0; i < results.size(); ++i)
    if (!results[i].data())
      return fail(
          "cannot allocate " + std::to_string(sig.results[i].byteSize()) +
          " bytes for result " + std::to_string(i) + " of @" + sig.name);
  auto call = (*runner)->bind(inputs, results);
  if (!call)
    return failWith(call.takeError());

  if (options.bench > 0)
    benchmark(*call, options.bench, sig,
              (*module)->usesVulkanRuntime(), out);
  else
    call->invoke();

  for (size_t i = 0; i < options.outputs.size(); ++i)
    if (!writeNpyFile(options.outputs[i], results[i].toNpy(), error))
      return fail(error);

  bool mismatch = false;
  for (size_t i = 0; i < references.size(); ++i) {
    std::string report;
    std::string what = "result " + std::to_string(i) + " of @" + sig.name;
    if (compareWithReference(results[i], references[i], options.rtol,
                             options.atol, report)) {
      out << what << " matches " << options.compares[i] << ": " << report
          << "\n";
    } else {
      fail(what + " differs from " + options.compares[i] + ": " + report);
      mismatch = true;
    }
  }

  if (options.outputs.empty() && options.compares.empty() && !options.bench &&
      !options.printIR)
    for (size_t i = 0; i < results.size(); ++i) {
      out << "result " << i << ": " << results[i].getSpec().str() << "\n";
      printTensor(out, results[i]);
    }
  out.flush();
  return mismatch ? 1 : 0;
}

int qforge::translateModule(const TranslateOptions &options,
                            llvm::raw_ostream &err) {
  auto failWith = [&](llvm::Error error) {
    err << "qforge-translate: error: " << llvm::toString(std::move(error))
        << "\n";
    return 1;
  };
  // Written to a temporary file renamed into place: complete or absent.
  auto writeOutput = [&](llvm::ArrayRef<char> bytes) {
    llvm::Error e =
        llvm::writeToOutput(options.output, [&](llvm::raw_ostream &file) {
          file.write(bytes.data(), bytes.size());
          return llvm::Error::success();
        });
    if (!e)
      return 0;
    std::error_code ec = llvm::errorToErrorCode(std::move(e));
    err << "qforge-translate: error: " << options.output
        << ": cannot write: " << ec.message() << "\n";
    return 1;
  };
  if (options.emit != "llvm-ir" && options.emit != "object" &&
      options.emit != "header")
    return failWith(llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "--emit must be llvm-ir, object or header, not '" + options.emit +
            "'"));
  auto module = LoadedModule::load(options.module);
  if (!module)
    return failWith(module.takeError());
  auto cpu = resolveCPU(options.cpu);
  if (!cpu)
    return failWith(cpu.takeError());

  // The header declares the original signatures: no lowering needed.
  if (options.emit == "header") {
    std::string text;
    llvm::raw_string_ostream os(text);
    if (llvm::Error e = emitCHeader((*module)->getSignatures(),
                                    headerGuardFor(options.output),
                                    options.module, *cpu, os))
      return failWith(std::move(e));
    return writeOutput(llvm::ArrayRef<char>(text.data(), text.size()));
  }

  TargetOptions target;
  target.target = options.target;
  target.cpu = *cpu;
  target.chip = options.chip;
  target.targetEnv = options.targetEnv;
  target.spirvDir = options.spirvDir;
  if (llvm::Error e = lowerForTarget(**module, target, /*needDevice=*/false))
    return failWith(std::move(e));
  auto tm = createX86TargetMachine(*cpu);
  if (!tm)
    return failWith(tm.takeError());
  llvm::LLVMContext llvmContext;
  auto llvmModule =
      (*module)->translateToLLVMIR(llvmContext, **tm, /*optimize=*/true);
  if (!llvmModule)
    return failWith(llvmModule.takeError());

  llvm::SmallVector<char, 0> bytes;
  if (options.emit == "object") {
    auto object = emitObjectFile(**llvmModule, **tm);
    if (!object)
      return failWith(object.takeError());
    bytes = std::move(*object);
    // Strided copies call MLIR's runtime; say so, the header cannot.
    if (llvm::Function *f = (*llvmModule)->getFunction("memrefCopy"))
      if (f->isDeclaration() && !f->use_empty())
        err << "qforge-translate: note: the object calls memrefCopy: link it "
               "with libmlir_c_runner_utils\n";
  } else {
    llvm::raw_svector_ostream os(bytes);
    (*llvmModule)->print(os, nullptr);
  }
  return writeOutput(bytes);
}

void qforge::hideOptionsExcept(llvm::ArrayRef<llvm::StringRef> keep) {
  for (auto &entry : llvm::cl::getRegisteredOptions()) {
    llvm::StringRef name = entry.first;
    if (llvm::is_contained(keep, name) || name == "help" ||
        name == "version")
      continue;
    entry.second->setHiddenFlag(llvm::cl::ReallyHidden);
  }
}
