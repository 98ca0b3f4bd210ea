//===- qforge-run.cpp - Run a function of an MLIR module on this CPU ------===//
//
// Lowers a module with qf-lower-to-x86, JIT-compiles it and calls one
// function on .npy inputs (or random ones); writes, compares, prints or
// times the results. The logic lives in qforge/Runtime/Drivers.h.
//
//===----------------------------------------------------------------------===//

#include "qforge/Runtime/Drivers.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

static cl::opt<std::string> moduleFile(cl::Positional, cl::Required,
                                       cl::desc("<module .mlir or .mlirbc>"));
static cl::opt<std::string>
    entry("entry", cl::init("main"),
          cl::desc("Function to run (default: main, or the module's only "
                   "public function)"));
static cl::list<std::string>
    inputs("input", cl::CommaSeparated,
           cl::desc("One .npy file per argument, in order (repeat the flag "
                    "or separate with commas)"));
static cl::opt<uint64_t>
    seed("seed", cl::desc("Seed of the random inputs used without --input "
                          "(default 0)"));
static cl::list<std::string>
    outputs("output", cl::CommaSeparated,
            cl::desc("One .npy file per result to write"));
static cl::list<std::string>
    compares("compare", cl::CommaSeparated,
             cl::desc("One reference .npy file per result; exit 1 unless "
                      "every result is close to its reference"));
static cl::opt<double> relTol("rtol", cl::init(1e-5),
                              cl::desc("Relative tolerance of --compare"));
static cl::opt<double> absTol("atol", cl::init(1e-8),
                              cl::desc("Absolute tolerance of --compare"));
static cl::opt<unsigned>
    bench("bench", cl::init(0),
          cl::desc("Warm up, then time N runs; print median / min ms and "
                   "GOPS of the matmuls"));
static cl::opt<std::string>
    cpu("cpu", cl::init("host"),
        cl::desc("CPU to generate code for (default: host)"));
static cl::opt<unsigned>
    threads("num-threads", cl::init(1),
            cl::desc("OpenMP threads for the kernels' outer loops (default "
                     "1; more needs libomp-22-dev)"));
static cl::opt<std::string>
    target("target", cl::init("x86"),
           cl::desc("x86; cuda: int8 matmuls with constant weights on "
                    "this machine's GPU (needs a CUDA driver and ptxas); "
                    "vulkan: integer matmuls with constant weights on this "
                    "machine's Vulkan device (QFORGE_VULKAN_DEVICE picks "
                    "one)"));
static cl::opt<std::string> chip("chip", cl::init("sm_90"),
                                 cl::desc("GPU for --target=cuda"));
static cl::opt<std::string> targetEnv(
    "target-env", cl::init("auto"),
    cl::desc("SPIR-V target environment for --target=vulkan: auto (the "
             "richest the device supports), vulkan-dot, vulkan-int8, "
             "vulkan-basic or a #spirv.target_env<...> attribute"));
static cl::opt<std::string> calibrate(
    "calibrate",
    cl::desc("Calibration run: run the float model over the --input data "
             "(N samples each, in batches of the module's batch size) and "
             "write the statistics of its observed tensors to this "
             ".safetensors file"),
    cl::value_desc("file"));
static cl::opt<bool> sensitivity(
    "sensitivity",
    cl::desc("With --calibrate: also measure each layer's gain (one more "
             "run per layer, its weights rounded to nearest)"));
static cl::opt<unsigned> sensitivityBits(
    "sensitivity-bits", cl::init(4),
    cl::desc("Width of the rounding that probes each layer (default 4)"));
static cl::opt<bool> sensitivityFloat(
    "sensitivity-float",
    cl::desc("With --sensitivity: also probe each layer with fp4 e2m1 "
             "rounding (one more run per layer), for the multiplicative-noise "
             "gains that float-format allocation candidates use"));
static cl::opt<std::string>
    progress("progress", cl::init("auto"),
             cl::desc("Progress of --calibrate on stderr: auto (on a "
                      "terminal), on, off"));
static cl::opt<bool>
    printIR("print-ir",
            cl::desc("Print the lowered module (which qforge-run can run "
                     "again) instead of the results"));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  qforge::hideOptionsExcept({"entry", "input", "seed", "output", "compare",
                             "rtol", "atol", "bench", "cpu", "num-threads",
                             "target", "chip", "target-env", "print-ir", "calibrate",
                             "progress", "sensitivity", "sensitivity-bits",
                             "sensitivity-float"});
  cl::ParseCommandLineOptions(
      argc, argv, "qforge-run: run a function of an MLIR module on this CPU (and its "
      "matmuls on a GPU with --target)\n");
  if (calibrate.getNumOccurrences()) {
    auto conflict = [&](bool given, const char *flag) {
      if (given)
        llvm::errs() << "qforge-run: error: --calibrate cannot be combined "
                        "with "
                     << flag << "\n";
      return given;
    };
    if (conflict(outputs.getNumOccurrences(), "--output") ||
        conflict(compares.getNumOccurrences(), "--compare") ||
        conflict(bench.getNumOccurrences(), "--bench") ||
        conflict(seed.getNumOccurrences(), "--seed") ||
        conflict(target != "x86", "--target") ||
        conflict(printIR, "--print-ir"))
      return 1;
    qforge::CalibrateOptions options;
    options.module = moduleFile;
    options.entry = entry;
    options.data = inputs;
    options.output = calibrate;
    options.cpu = cpu;
    options.threads = threads;
    options.progress = progress;
    options.sensitivity = sensitivity;
    options.sensitivityBits = sensitivityBits;
    options.sensitivityFloat = sensitivityFloat;
    if (sensitivityFloat && !sensitivity) {
      llvm::errs() << "qforge-run: error: --sensitivity-float needs "
                      "--sensitivity\n";
      return 1;
    }
    if (sensitivityBits < 1 || sensitivityBits > 8) {
      llvm::errs() << "qforge-run: error: --sensitivity-bits must be 1..8\n";
      return 1;
    }
    return qforge::calibrateModule(options, llvm::outs(), llvm::errs());
  }
  qforge::RunOptions options;
  options.module = moduleFile;
  options.entry = entry;
  options.entryGiven = entry.getNumOccurrences() > 0;
  options.threads = threads;
  options.target = target;
  options.chip = chip;
  options.targetEnv = targetEnv;
  options.inputs = inputs;
  if (seed.getNumOccurrences())
    options.seed = seed;
  options.outputs = outputs;
  options.compares = compares;
  options.rtol = relTol;
  options.atol = absTol;
  options.bench = bench;
  options.cpu = cpu;
  options.printIR = printIR;
  return qforge::runModuleOnCPU(options, llvm::outs(), llvm::errs());
}
