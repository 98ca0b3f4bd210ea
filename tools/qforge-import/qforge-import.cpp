//===- qforge-import.cpp - Import an ONNX model as MLIR -------------------===//
//
// qforge-import MODEL.onnx [-o OUT.mlir] [--batch N] [--conv-as-matmul]: converts an ONNX model
// to a module with func.func @main on tensors (qforge/Frontend). On any
// error it prints one message, exits 1 and writes no output file; the
// output is written to a temporary file and renamed into place. The same
// as `qforge import`, which always keeps the node names as locations.
//
//===----------------------------------------------------------------------===//

#include "qforge/Frontend/ONNXImporter.h"

#include "mlir/IR/AsmState.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

static cl::opt<std::string> inputFile(cl::Positional, cl::Required,
                                      cl::desc("<model .onnx, or - for stdin>"));
static cl::opt<std::string> outputFile("o", cl::init("-"),
                                       cl::desc("Output .mlir (default stdout)"),
                                       cl::value_desc("file"));
static cl::opt<int64_t>
    batch("batch", cl::init(0),
          cl::desc("Size of a symbolic first dimension of the graph inputs "
                   "and outputs (0, the default: none)"));

static cl::opt<bool> convAsMatmul(
    "conv-as-matmul",
    cl::desc("Lower Conv nodes with constant weights (group 1) to im2col + "
             "linalg.matmul, so that weight quantization applies to them"));

static int fail(const llvm::Twine &msg) {
  llvm::errs() << "qforge-import: error: " << msg << "\n";
  return 1;
}

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  // --mlir-print-debuginfo shows the node names kept as locations.
  mlir::registerAsmPrinterCLOptions();
  cl::ParseCommandLineOptions(argc, argv, "qforge ONNX importer\n");
  if (batch < 0)
    return fail("--batch must be a positive size (or 0, the default, to "
                "leave symbolic dimensions unset), got " +
                llvm::Twine(int64_t(batch)));
  qforge::ONNXImportOptions options;
  options.batch = batch;
  options.convAsMatmul = convAsMatmul;
  std::string error;
  if (!qforge::importONNXToFile(inputFile, outputFile, options,
                                /*debugInfo=*/false, error))
    return fail(error);
  return 0;
}
