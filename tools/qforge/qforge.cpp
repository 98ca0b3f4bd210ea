//===- qforge.cpp - The qforge driver -------------------------------------===//
//
// `qforge COMMAND ...`: the user-facing driver. Each command is an LLVM
// command-line subcommand with its own options (`qforge COMMAND --help`).
//
//   qforge import MODEL.onnx -o OUT.mlir [--batch N] [--conv-as-matmul]
//       ONNX -> MLIR on tensors, node names kept as locations (the same
//       importer as qforge-import).
//   qforge calibrate MODEL.onnx|MODEL.mlir --calib DATA.npy -o CAL.safetensors
//       a calibration run (as qforge-run --calibrate), importing an ONNX
//       model first.
//   qforge round MODEL.onnx|MODEL.mlir --calib DATA.npy -o OUT.mlir
//       GPTQ or AdaRound of every layer with calibration Hessians, from the
//       float model or --sequential (each layer after the earlier ones are
//       quantized).
//
//   qforge quantize MODEL.onnx --calib DATA.npy -o OUTDIR
//       the whole flow: calibration, allocation, rounding, a report, the
//       model compiled for --target x86|vulkan|cuda.
//   qforge eval OUTDIR|MODEL --data X.npy [--labels Y.npy]
//       accuracy or bits per token, and latency, on --target.
//
//===----------------------------------------------------------------------===//

#include "qforge/Frontend/ONNXImporter.h"
#include "qforge/Runtime/Drivers.h"

#include "qforge/Support/Npy.h"

#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

static cl::SubCommand importCmd("import",
                                "Import an ONNX model as MLIR on tensors");
static cl::opt<std::string> importInput(cl::Positional, cl::Required,
                                        cl::desc("<model .onnx>"),
                                        cl::sub(importCmd));
static cl::opt<std::string> importOutput("o", cl::Required,
                                         cl::desc("Output .mlir ('-' for "
                                                  "stdout)"),
                                         cl::value_desc("file"),
                                         cl::sub(importCmd));
static cl::opt<int64_t>
    importBatch("batch", cl::init(0),
                cl::desc("Size of a symbolic first dimension of the graph "
                         "inputs and outputs (0, the default: none)"),
                cl::sub(importCmd));

static cl::opt<bool> importConvAsMatmul(
    "conv-as-matmul",
    cl::desc("Lower Conv nodes with constant weights (group 1) to im2col + "
             "linalg.matmul, so that weight quantization applies to them"),
    cl::sub(importCmd));

static cl::SubCommand calibrateCmd(
    "calibrate", "Run a float model over calibration data and write the "
                 "statistics of its matmul inputs to a calibration file");
static cl::opt<std::string> calibrateModel(cl::Positional, cl::Required,
                                           cl::desc("<model .onnx or .mlir>"),
                                           cl::sub(calibrateCmd));
static cl::list<std::string>
    calibrateData("calib", cl::OneOrMore, cl::CommaSeparated,
                  cl::desc("Calibration data: one .npy per model input, N "
                           "samples along the first dimension"),
                  cl::sub(calibrateCmd));
static cl::opt<std::string> calibrateOutput(
    "o", cl::Required, cl::desc("Calibration file to write (.safetensors)"),
    cl::value_desc("file"), cl::sub(calibrateCmd));
static cl::opt<int64_t> calibrateBatch(
    "batch", cl::init(64),
    cl::desc("Batch size of the calibration run for an ONNX model with a "
             "symbolic batch dimension (default 64); the statistics do not "
             "depend on it"),
    cl::sub(calibrateCmd));
static cl::opt<unsigned>
    calibrateThreads("threads", cl::init(1),
                     cl::desc("Threads of the kernels (default 1); the "
                              "statistics do not depend on it"),
                     cl::sub(calibrateCmd));
static cl::opt<bool> calibrateConvAsMatmul(
    "conv-as-matmul",
    cl::desc("Import convolutions as im2col + matmul, so that they are "
             "observed (use the same flag when quantizing)"),
    cl::sub(calibrateCmd));
static cl::opt<bool> calibrateSensitivity(
    "sensitivity",
    cl::desc("Also measure each layer's gain, for "
             "-qf-allocate-bits{objective=propagated} (one more run per "
             "layer)"),
    cl::sub(calibrateCmd));
static cl::opt<bool> calibrateSensitivityFloat(
    "sensitivity-float",
    cl::desc("With --sensitivity: also measure each layer's gain under "
             "fp4 e2m1 rounding (multiplicative noise), for float-format "
             "candidates (one more run per layer)"),
    cl::sub(calibrateCmd));
static cl::opt<bool> calibrateQuiet("quiet",
                                    cl::desc("No progress and no summary"),
                                    cl::sub(calibrateCmd));

static cl::SubCommand roundCmd(
    "round", "Quantize a model's weights with GPTQ or AdaRound, with "
             "Hessians measured on calibration data");
static cl::opt<std::string> roundModelPath(cl::Positional, cl::Required,
                                           cl::desc("<model .onnx or .mlir>"),
                                           cl::sub(roundCmd));
static cl::list<std::string>
    roundData("calib", cl::OneOrMore, cl::CommaSeparated,
              cl::desc("Calibration data: one .npy per model input, N "
                       "samples along the first dimension"),
              cl::sub(roundCmd));
static cl::opt<std::string> roundOutput("o", cl::Required,
                                        cl::desc("Quantized module (.mlir)"),
                                        cl::value_desc("file"),
                                        cl::sub(roundCmd));
static cl::opt<unsigned> roundBits("bits", cl::init(4),
                                   cl::desc("Code width (default 4)"),
                                   cl::sub(roundCmd));
static cl::opt<int64_t>
    roundGroup("group", cl::init(0),
               cl::desc("Group size along K (default 0: one scale per "
                        "output channel)"),
               cl::sub(roundCmd));
static cl::opt<std::string>
    roundMethod("method", cl::init("gptq"),
                cl::desc("gptq (default) or adaround"), cl::sub(roundCmd));
static cl::opt<bool> roundSequential(
    "sequential",
    cl::desc("Measure each layer's Hessian on the model whose earlier "
             "layers are already quantized (one calibration run per layer)"),
    cl::sub(roundCmd));
static cl::opt<int64_t> roundBatch(
    "batch", cl::init(0),
    cl::desc("For an ONNX model: the batch size of the imported module "
             "(default: the number of calibration samples, capped at 256)"),
    cl::sub(roundCmd));
static cl::opt<bool> roundConvAsMatmul(
    "conv-as-matmul",
    cl::desc("Import convolutions as im2col + matmul, so that they are "
             "quantized too"),
    cl::sub(roundCmd));
static cl::opt<unsigned> roundThreads("threads", cl::init(1),
                                      cl::desc("Threads of the kernels"),
                                      cl::sub(roundCmd));
static cl::opt<bool> roundQuiet("quiet", cl::desc("No progress or summary"),
                                cl::sub(roundCmd));

static cl::SubCommand quantizeCmd(
    "quantize", "Quantize a model: calibration, bit allocation or a uniform "
                "width, rounding, a report; into a new directory");
static cl::opt<std::string> quantizeModelPath(cl::Positional, cl::Required,
                                              cl::desc("<model .onnx or .mlir>"),
                                              cl::sub(quantizeCmd));
static cl::list<std::string>
    quantizeCalib("calib", cl::OneOrMore, cl::CommaSeparated,
                  cl::desc("Calibration data: one .npy per model input, N "
                           "samples along the first dimension"),
                  cl::sub(quantizeCmd));
static cl::opt<std::string> quantizeOut(
    "o", cl::Required,
    cl::desc("Output directory (new): model.mlir, model.o (per --target), "
             "model.h, calibration.safetensors, report.json, report.html"),
    cl::value_desc("dir"), cl::sub(quantizeCmd));
static cl::opt<unsigned> quantizeBits("bits", cl::init(4),
                                      cl::desc("Uniform code width (default "
                                               "4), unless --budget"),
                                      cl::sub(quantizeCmd));
static cl::opt<double> quantizeBudget(
    "budget", cl::init(0),
    cl::desc("Average bits per weight, scales included: a width per layer "
             "chosen by predicted output error (measures layer gains)"),
    cl::sub(quantizeCmd));
static cl::list<std::string> quantizeCandidates(
    "candidates", cl::CommaSeparated,
    cl::desc("Allocation candidates (default 2,3,4,8; also e.g. 4g64, 3:f16 "
             "(16-bit scales), 3t (one scale per tensor), 2o (odd grid "
             "{-3,-1,1,3}), binary, ternary, "
             "fp8, nvfp4; with --alloc-objective measured, "
             "2,3,4,8,binary:f16,2o:f16,3o:f16,4o:f16,8:f16,3t,2ot beats "
             "uniform 3 bits at --budget 3 on all three example models; "
             "odd-grid layers run on the reference lowering)"),
    cl::sub(quantizeCmd));
static cl::opt<int64_t> quantizeGroup(
    "group", cl::init(0),
    cl::desc("Group size along K (default 0: one scale per output channel)"),
    cl::sub(quantizeCmd));
static cl::opt<std::string>
    quantizeMethod("method", cl::init("gptq"),
                   cl::desc("Rounding: gptq (default), adaround or rtn"),
                   cl::sub(quantizeCmd));
static cl::opt<std::string> quantizeActivations(
    "activations", cl::init("none"),
    cl::desc("none (default, weight-only) or int8 (static ranges)"),
    cl::sub(quantizeCmd));
static cl::opt<int64_t>
    quantizeBatch("batch", cl::init(64),
                  cl::desc("Batch size of the quantized module for an ONNX "
                           "model (default 64)"),
                  cl::sub(quantizeCmd));
static cl::opt<unsigned> quantizeThreads("threads", cl::init(1),
                                         cl::desc("Threads of the kernels"),
                                         cl::sub(quantizeCmd));
static cl::opt<bool> quantizeQuiet("quiet", cl::desc("No progress or summary"),
                                   cl::sub(quantizeCmd));
static cl::opt<bool>
    quantizeVerbose("verbose",
                    cl::desc("Announce every step on stderr, with timings"),
                    cl::sub(quantizeCmd));
static cl::opt<std::string> quantizeTarget(
    "target", cl::init("x86"),
    cl::desc("Targets to compile for, comma-separated: x86 (default; "
             "model.o), vulkan (model-vulkan.o, SPIR-V embedded and in "
             "kernels/; link with QForgeRuntimeVulkan) or cuda "
             "(model-cuda.o, cubin embedded, needs ptxas; link with "
             "QForgeRuntimeCUDA)"),
    cl::sub(quantizeCmd));
static cl::opt<std::string> quantizeAllocRounding(
    "alloc-rounding", cl::init("rtn"),
    cl::desc("With --budget, how each candidate width is priced: rtn (its "
             "round-to-nearest error, default) or gptq (the error GPTQ "
             "leaves; one GPTQ run per layer and candidate)"),
    cl::sub(quantizeCmd));
static cl::opt<std::string> quantizeAllocObjective(
    "alloc-objective", cl::init("propagated"),
    cl::desc("With --budget, how each candidate's error is predicted: "
             "propagated (layer gain x weight error, default) or measured "
             "(the model's output error with each layer alone quantized at "
             "each candidate: one quantization per candidate and one run per "
             "layer and candidate; the table goes to measured-errors.json)"),
    cl::sub(quantizeCmd));
static cl::opt<std::string> quantizeAllocMetric(
    "alloc-metric", cl::init("mse"),
    cl::desc("With --budget, the output error the layer gains measure: mse "
             "(squared error of the model's output, default) or kl (KL "
             "divergence of its softmax over the last dimension: closer to "
             "the loss of a classifier or language model)"),
    cl::sub(quantizeCmd));
static cl::opt<std::string> quantizeMeasure(
    "measure", cl::init("layers"),
    cl::desc("Measured output error in the report: layers (default: the "
             "quantized model and each layer alone, one run each over the "
             "calibration data), total, or none"),
    cl::sub(quantizeCmd));
static cl::list<std::string> quantizeEvalData(
    "eval-data", cl::CommaSeparated,
    cl::desc("Labelled evaluation data (one .npy per model input): the "
             "float and quantized models' quality go into the report"),
    cl::sub(quantizeCmd));
static cl::opt<std::string>
    quantizeEvalLabels("eval-labels",
                       cl::desc("Integer labels of --eval-data"),
                       cl::sub(quantizeCmd));
static cl::list<std::string> quantizeCurve(
    "curve", cl::CommaSeparated,
    cl::desc("More models to quantize and evaluate for the report's "
             "quality-against-bits plot: B (a budget in bits per weight), "
             "local:B (the same with objective=local), uN (uniform N "
             "bits) or u and an allocation candidate (that candidate "
             "everywhere, e.g. u3o:f16), e.g. 2.5,3,local:3,u2,u3,u4"),
    cl::sub(quantizeCmd));
static cl::opt<std::string>
    quantizeChip("chip", cl::init("sm_90"),
                 cl::desc("GPU architecture for --target cuda"),
                 cl::sub(quantizeCmd));

static cl::SubCommand evalCmd("eval", "Run a model over data and print its "
                                      "accuracy or bits per token, and "
                                      "latency");
static cl::opt<std::string> evalModelPath(
    cl::Positional, cl::Required,
    cl::desc("<qforge quantize directory, model .mlir or .onnx>"),
    cl::sub(evalCmd));
static cl::list<std::string>
    evalData("data", cl::OneOrMore, cl::CommaSeparated,
             cl::desc("Input data: one .npy per model input"),
             cl::sub(evalCmd));
static cl::opt<std::string>
    evalLabels("labels",
               cl::desc("Integer labels: [N] (top-1 accuracy) or [N, T] "
                        "(next-token bits per token)"),
               cl::sub(evalCmd));
static cl::opt<int64_t> evalBatch("batch", cl::init(64),
                                  cl::desc("Batch size for an ONNX model "
                                           "(default 64)"),
                                  cl::sub(evalCmd));
static cl::opt<unsigned> evalThreads("threads", cl::init(1),
                                     cl::desc("Threads of the kernels"),
                                     cl::sub(evalCmd));
static cl::opt<std::string> evalTarget(
    "target", cl::init("x86"),
    cl::desc("Where the matmuls run: x86 (default), vulkan (this machine's "
             "Vulkan device; QFORGE_VULKAN_DEVICE picks one) or cuda"),
    cl::sub(evalCmd));
static cl::opt<std::string> evalChip("chip", cl::init("sm_90"),
                                     cl::desc("GPU architecture for --target "
                                              "cuda"),
                                     cl::sub(evalCmd));

static int fail(llvm::StringRef command, const llvm::Twine &msg) {
  llvm::errs() << "qforge " << command << ": error: " << msg << "\n";
  return 1;
}

static int runImport() {
  if (importBatch < 0)
    return fail("import", "--batch must be a positive size (or 0 to leave "
                          "symbolic dimensions unset), got " +
                              llvm::Twine(int64_t(importBatch)));
  qforge::ONNXImportOptions options;
  options.batch = importBatch;
  options.convAsMatmul = importConvAsMatmul;
  std::string error;
  if (!qforge::importONNXToFile(importInput, importOutput, options,
                                /*debugInfo=*/true, error))
    return fail("import", error);
  return 0;
}

/// For an ONNX model, imports it into a temporary file (removed by the
/// caller) at batch size `batch`; returns the module path to use.
static std::optional<std::string>
importIfONNX(llvm::StringRef command, const std::string &path, int64_t batch,
             bool convAsMatmul, llvm::SmallString<128> &imported) {
  if (!llvm::StringRef(path).ends_with(".onnx"))
    return path;
  int fd;
  if (std::error_code ec = llvm::sys::fs::createTemporaryFile(
          "qforge-import", "mlir", fd, imported)) {
    fail(command, "cannot create a temporary file: " + ec.message());
    return std::nullopt;
  }
  llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  qforge::ONNXImportOptions options;
  options.batch = batch;
  options.convAsMatmul = convAsMatmul;
  std::string error;
  if (!qforge::importONNXToFile(path, imported, options, /*debugInfo=*/true,
                                error)) {
    fail(command, error);
    return std::nullopt;
  }
  return imported.str().str();
}

static int runCalibrate() {
  if (calibrateBatch < 1)
    return fail("calibrate", "--batch must be at least 1");
  llvm::SmallString<128> imported;
  auto module = importIfONNX("calibrate", calibrateModel, calibrateBatch,
                             calibrateConvAsMatmul, imported);
  auto cleanup = llvm::make_scope_exit([&] {
    if (!imported.empty())
      llvm::sys::fs::remove(imported);
  });
  if (!module)
    return 1;
  qforge::CalibrateOptions options;
  options.module = *module;
  options.data = calibrateData;
  options.output = calibrateOutput;
  options.threads = calibrateThreads;
  options.progress = calibrateQuiet ? "off" : "auto";
  options.tool = "qforge calibrate";
  options.sensitivity = calibrateSensitivity;
  options.sensitivityFloat = calibrateSensitivityFloat;
  if (calibrateSensitivityFloat && !calibrateSensitivity)
    return fail("calibrate", "--sensitivity-float needs --sensitivity");
  std::string summary;
  llvm::raw_string_ostream out(summary);
  int rc = qforge::calibrateModule(options, out, llvm::errs());
  if (rc == 0 && !calibrateQuiet)
    llvm::outs() << summary;
  return rc;
}

static int runRound() {
  int64_t batch = roundBatch;
  if (batch < 0)
    return fail("round", "--batch must be >= 1");
  if (batch == 0) {
    // The number of samples (capped): one batch holds all calibration data.
    qforge::NpyArray first;
    std::string error;
    batch = 64;
    if (qforge::readNpyFile(roundData.front(), first, error) &&
        !first.shape.empty() && first.shape[0] > 0)
      batch = std::min<int64_t>(first.shape[0], 256);
  }
  llvm::SmallString<128> imported;
  auto module = importIfONNX("round", roundModelPath, batch,
                             roundConvAsMatmul, imported);
  auto cleanup = llvm::make_scope_exit([&] {
    if (!imported.empty())
      llvm::sys::fs::remove(imported);
  });
  if (!module)
    return 1;
  qforge::RoundModelOptions options;
  options.module = *module;
  options.data = roundData;
  options.output = roundOutput;
  options.bits = roundBits;
  options.group = roundGroup;
  options.method = roundMethod;
  options.sequential = roundSequential;
  options.threads = roundThreads;
  options.progress = roundQuiet ? "off" : "auto";
  std::string summary;
  llvm::raw_string_ostream out(summary);
  int rc = qforge::roundModel(options, out, llvm::errs());
  if (rc == 0 && !roundQuiet)
    llvm::outs() << summary;
  return rc;
}

static int runQuantize() {
  if (quantizeBatch < 1)
    return fail("quantize", "--batch must be at least 1");
  llvm::SmallString<128> imported;
  auto module = importIfONNX("quantize", quantizeModelPath, quantizeBatch,
                             /*convAsMatmul=*/true, imported);
  auto cleanup = llvm::make_scope_exit([&] {
    if (!imported.empty())
      llvm::sys::fs::remove(imported);
  });
  if (!module)
    return 1;
  qforge::QuantizeOptions options;
  options.module = *module;
  options.calib = quantizeCalib;
  options.outdir = quantizeOut;
  options.bits = quantizeBits;
  options.budget = quantizeBudget;
  options.candidates = quantizeCandidates;
  options.group = quantizeGroup;
  options.method = quantizeMethod;
  options.activations = quantizeActivations;
  options.target = quantizeTarget;
  options.chip = quantizeChip;
  options.measure = quantizeMeasure;
  options.allocRounding = quantizeAllocRounding;
  options.allocMetric = quantizeAllocMetric;
  options.allocObjective = quantizeAllocObjective;
  options.evalData = quantizeEvalData;
  options.evalLabels = quantizeEvalLabels;
  options.curve = quantizeCurve;
  options.source = quantizeModelPath;
  options.verbose = quantizeVerbose;
  if (quantizeVerbose && quantizeQuiet)
    return fail("quantize", "--verbose and --quiet exclude each other");
  options.threads = quantizeThreads;
  options.progress = quantizeQuiet ? "off" : "auto";
  std::string summary;
  llvm::raw_string_ostream out(summary);
  int rc = qforge::quantizeModel(options, out, llvm::errs());
  if (rc == 0 && !quantizeQuiet)
    llvm::outs() << summary;
  return rc;
}

static int runEval() {
  if (evalBatch < 1)
    return fail("eval", "--batch must be at least 1");
  llvm::SmallString<128> imported;
  auto module = importIfONNX("eval", evalModelPath, evalBatch,
                             /*convAsMatmul=*/false, imported);
  auto cleanup = llvm::make_scope_exit([&] {
    if (!imported.empty())
      llvm::sys::fs::remove(imported);
  });
  if (!module)
    return 1;
  qforge::EvalOptions options;
  options.model = *module;
  options.data = evalData;
  options.labels = evalLabels;
  options.target = evalTarget;
  options.chip = evalChip;
  options.threads = evalThreads;
  return qforge::evaluateModel(options, llvm::outs(), llvm::errs());
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "qforge: quantize ONNX models for x86, CUDA and Vulkan\n\n"
      "  qforge import MODEL.onnx -o OUT.mlir [--batch N] "
      "[--conv-as-matmul]\n"
      "  qforge calibrate MODEL.onnx|MODEL.mlir --calib DATA.npy -o "
      "CAL.safetensors [--batch N] [--threads N]\n"
      "  qforge round MODEL.onnx|MODEL.mlir --calib DATA.npy -o OUT.mlir "
      "[--bits N] [--group G] [--method gptq|adaround] [--sequential]\n"
      "  qforge quantize MODEL.onnx --calib DATA.npy -o OUTDIR [--bits N | "
      "--budget B] [--method gptq|adaround|rtn] [--activations none|int8] "
      "[--target x86|vulkan|cuda]\n"
      "  qforge eval OUTDIR|MODEL --data X.npy [--labels Y.npy] "
      "[--target x86|vulkan|cuda]\n\n"
      "Run `qforge COMMAND --help` for the options of a command.\n");
  if (importCmd)
    return runImport();
  if (calibrateCmd)
    return runCalibrate();
  if (roundCmd)
    return runRound();
  if (quantizeCmd)
    return runQuantize();
  if (evalCmd)
    return runEval();
  llvm::errs() << "qforge: error: no command given (run `qforge --help`)\n";
  return 1;
}
