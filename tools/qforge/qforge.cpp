//===- qforge.cpp - The qforge driver -------------------------------------===//
//
// `qforge COMMAND ...`: the user-facing driver. Each command is an LLVM
// command-line subcommand with its own options (`qforge COMMAND --help`).
//
//   qforge import MODEL.onnx -o OUT.mlir [--batch N] [--conv-as-matmul]
//       ONNX -> MLIR on tensors, node names kept as locations (the same
//       importer as qforge-import).
//
// The quantization steps are qforge-opt passes and qforge-run for now
// (docs/Tools.md); `quantize`, `calibrate` and `eval` commands are planned.
//
//===----------------------------------------------------------------------===//

#include "qforge/Frontend/ONNXImporter.h"

#include "llvm/Support/CommandLine.h"
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

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(
      argc, argv,
      "qforge: quantize ONNX models for x86, CUDA and Vulkan\n\n"
      "  qforge import MODEL.onnx -o OUT.mlir [--batch N] "
      "[--conv-as-matmul]\n\n"
      "Run `qforge COMMAND --help` for the options of a command.\n");
  if (importCmd)
    return runImport();
  llvm::errs() << "qforge: error: no command given (run `qforge --help`)\n";
  return 1;
}
