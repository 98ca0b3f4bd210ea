//===- Drivers.h - The logic of qforge-run and qforge-translate -*- C++ -*-===//
//
// The tools' mains only parse options into these structs and call the
// drivers, which report every failure as one clear message and return the
// process exit code (0 or 1).
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_RUNTIME_DRIVERS_H
#define QFORGE_RUNTIME_DRIVERS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace qforge {

/// Options of qforge-run.
struct RunOptions {
  std::string module;
  /// The function to run; unless `entryGiven`, the module's only public
  /// function is run when there is no `entry`.
  std::string entry = "main";
  bool entryGiven = false;
  /// One .npy file per argument; random inputs from `seed` when empty.
  std::vector<std::string> inputs;
  std::optional<uint64_t> seed;
  /// One .npy file per result, written atomically.
  std::vector<std::string> outputs;
  /// One reference .npy file per result.
  std::vector<std::string> compares;
  double rtol = 1e-5;
  double atol = 1e-8;
  /// Timed runs after a warm-up; 0 runs once without timing.
  unsigned bench = 0;
  std::string cpu = "host";
  /// OpenMP threads of the kernels (1: none).
  unsigned threads = 1;
  /// "x86"; "cuda": int8 matmuls on the GPU of this machine (`chip`);
  /// "vulkan": integer matmuls on this machine's Vulkan device.
  std::string target = "x86";
  std::string chip = "sm_90";
  /// SPIR-V target environment for "vulkan" (see qf-lower-to-spirv); "auto"
  /// picks the richest preset the device supports.
  std::string targetEnv = "auto";
  /// Print the lowered (LLVM dialect) module, which qforge-run can run
  /// again, instead of the results.
  bool printIR = false;
};

/// Runs qforge-run: results, comparisons and timings go to `out`, errors to
/// `err`. Returns 0, or 1 on any error or mismatch.
int runModuleOnCPU(const RunOptions &options, llvm::raw_ostream &out,
                   llvm::raw_ostream &err);

/// Options of a calibration run (`qforge-run --calibrate`).
struct CalibrateOptions {
  /// The float model (e.g. from qforge-import), at any batch size B; it is
  /// instrumented (-qf-instrument) unless it already observes tensors.
  std::string module;
  std::string entry = "main";
  /// One .npy per argument, all with the same leading (sample) dimension N,
  /// the other dimensions those of the argument. Run in batches of B.
  std::vector<std::string> data;
  /// The calibration file to write (.safetensors, atomically).
  std::string output;
  std::string cpu = "host";
  unsigned threads = 1;
  /// Progress on the error stream: "auto" (when it is a terminal), "on",
  /// "off".
  std::string progress = "auto";
  /// The name errors start with.
  std::string tool = "qforge-run";
  /// Also measure each layer's sensitivity (gain): the model is run once
  /// more per layer, with that layer's weights rounded to nearest at
  /// `sensitivityBits` bits (per output column).
  bool sensitivity = false;
  unsigned sensitivityBits = 4;
  /// With `sensitivity`: one more run per layer, with its weights rounded
  /// to fp4 e2m1 (one f32 scale per output column), for the gains of the
  /// multiplicative noise model that float-format candidates use.
  bool sensitivityFloat = false;
};

/// Runs the model over the data and writes the statistics of every observed
/// tensor (qforge/Quantization/CalibrationFile.h). Returns 0, or 1 after
/// printing an error to `err`; a summary goes to `out`.
int calibrateModule(const CalibrateOptions &options, llvm::raw_ostream &out,
                    llvm::raw_ostream &err);

/// Options of calibration-aware rounding of a whole model (`qforge round`).
struct RoundModelOptions {
  /// The float model (instrumented here unless it observes something).
  std::string module;
  std::string entry = "main";
  /// Calibration data, as for CalibrateOptions.
  std::vector<std::string> data;
  /// The quantized module (MLIR text, written atomically).
  std::string output;
  unsigned bits = 4;
  int64_t group = 0;
  /// "gptq" or "adaround".
  std::string method = "gptq";
  /// Each layer's Hessian from the model whose earlier layers are already
  /// quantized (one calibration run per layer), instead of all from the
  /// float model (one run).
  bool sequential = false;
  double damp = 0.01;
  unsigned iterations = 1000;
  std::string cpu = "host";
  unsigned threads = 1;
  std::string progress = "auto";
  std::string tool = "qforge round";
};

/// Quantizes the weights of every observed matmul with constant weights
/// (qf-quantize-weights{bits, group}, then qf-round{method}) with Hessians
/// measured on the calibration data. Returns 0, or 1 after printing an
/// error to `err`; a summary goes to `out`.
int roundModel(const RoundModelOptions &options, llvm::raw_ostream &out,
               llvm::raw_ostream &err);

/// Options of `qforge quantize`: calibration, (allocation,) rounding and a
/// report, into a new directory.
struct QuantizeOptions {
  /// The float model (MLIR, e.g. imported from ONNX).
  std::string module;
  std::vector<std::string> calib;
  /// The output directory; it must not exist. It gets model.mlir (the
  /// quantized module), model.o and model.h (compiled for x86-64-v3, as
  /// qforge-translate does), calibration.safetensors, report.json and
  /// report.html, or nothing on failure.
  std::string outdir;
  /// Uniform width, unless `budget` (average bits per weight) is set: then
  /// qf-allocate-bits{objective=propagated} chooses per layer.
  unsigned bits = 4;
  double budget = 0;
  int64_t group = 0;
  /// Allocation candidates (empty: the pass's default).
  std::vector<std::string> candidates;
  /// "rtn", "gptq" or "adaround".
  std::string method = "gptq";
  /// How the allocation prices each candidate width: "rtn" (round to
  /// nearest) or "gptq" (GPTQ with the layer's Hessian; slower).
  std::string allocRounding = "rtn";
  /// The output error the allocation's gains measure: "mse" (squared error
  /// of the first result) or "kl" (KL divergence of its softmax).
  std::string allocMetric = "mse";
  /// How the allocation predicts each candidate's error: "propagated"
  /// (gain x layer objective) or "measured" (the output error measured with
  /// each layer alone at each candidate: one quantization per candidate and
  /// one run per layer and candidate; written to measured-errors.json).
  std::string allocObjective = "propagated";
  /// "none" or "int8" (static per-tensor, min/max ranges).
  std::string activations = "none";
  /// Targets to compile for, comma-separated: "x86" (model.o), "vulkan"
  /// (model-vulkan.o with the SPIR-V embedded, also written to kernels/;
  /// link with QForgeRuntimeVulkan) or "cuda" (model-cuda.o with the cubin
  /// embedded; needs ptxas; link with QForgeRuntimeCUDA).
  std::string target = "x86";
  std::string chip = "sm_90";
  /// Measured output error (sum of squared differences to the float
  /// model's outputs per calibration sample) in the report: "layers" (the
  /// whole model and each layer alone), "total" or "none".
  std::string measure = "layers";
  /// Labelled evaluation data: the float and quantized models' accuracy or
  /// bits per token go into the report, with one more point per `curve`
  /// entry (each a full allocation and rounding): "B" (a budget,
  /// objective=propagated), "local:B" (objective=local) or "uN" (uniform N
  /// bits).
  std::vector<std::string> evalData;
  std::string evalLabels;
  std::vector<std::string> curve;
  /// The model as the user named it (for the report).
  std::string source;
  /// Announce every step on stderr, with timings.
  bool verbose = false;
  unsigned threads = 1;
  std::string progress = "auto";
  std::string tool = "qforge quantize";
};

/// Runs `qforge quantize`. Returns 0, or 1 after printing an error to
/// `err` (and removing everything it wrote).
int quantizeModel(const QuantizeOptions &options, llvm::raw_ostream &out,
                  llvm::raw_ostream &err);

/// Options of `qforge eval`.
struct EvalOptions {
  /// A module (.mlir) or a `qforge quantize` directory (its model.mlir).
  std::string model;
  std::vector<std::string> data;
  /// Integer labels: [N] for classification logits [B, C] (top-1
  /// accuracy), [N, T] for next-token logits [B, T, V] (bits per token).
  std::string labels;
  /// Where the matmuls run: "x86", "vulkan" or "cuda" (this machine's
  /// device).
  std::string target = "x86";
  std::string chip = "sm_90";
  unsigned threads = 1;
  std::string progress = "auto";
  std::string tool = "qforge eval";
};

/// Runs the model over the data and prints its quality and latency.
int evaluateModel(const EvalOptions &options, llvm::raw_ostream &out,
                  llvm::raw_ostream &err);

/// Options of qforge-translate.
struct TranslateOptions {
  std::string module;
  /// "llvm-ir", "object" or "header".
  std::string emit;
  std::string cpu = "host";
  /// "x86"; "cuda": int8 matmuls as CUDA kernels (cubin embedded for
  /// `chip`), the rest on the host, link with QForgeRuntimeCUDA; "vulkan":
  /// integer matmuls as SPIR-V kernels for `targetEnv` ("auto":
  /// vulkan-dot), link with QForgeRuntimeVulkan.
  std::string target = "x86";
  std::string chip = "sm_90";
  std::string targetEnv = "auto";
  /// For "vulkan": also write the SPIR-V modules to this directory.
  std::string spirvDir;
  /// "-" for stdout.
  std::string output = "-";
};

/// Runs qforge-translate; the output file is written atomically. Returns 0,
/// or 1 after printing an error to `err`.
int translateModule(const TranslateOptions &options, llvm::raw_ostream &err);

/// Hides every registered command-line option (LLVM's own included) but
/// `keep` and help/version from --help, so the tools list only their options.
void hideOptionsExcept(llvm::ArrayRef<llvm::StringRef> keep);

} // namespace qforge

#endif // QFORGE_RUNTIME_DRIVERS_H
