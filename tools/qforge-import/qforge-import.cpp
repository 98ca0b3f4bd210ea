//===- qforge-import.cpp - Import an ONNX model as MLIR -------------------===//
//
// qforge-import MODEL.onnx [-o OUT.mlir] [--batch N]: converts an ONNX model
// to a module with func.func @main on tensors (qforge/Frontend). On any
// error it prints one message, exits 1 and writes no output file; the
// output is written to a temporary file and renamed into place.
//
//===----------------------------------------------------------------------===//

#include "qforge/Frontend/ONNXImporter.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OperationSupport.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
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

/// Prints `msg` as qforge-import's error and returns the exit code 1.
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
  mlir::MLIRContext context;
  qforge::ONNXImportOptions options;
  options.batch = batch;
  std::string error;
  auto module = qforge::importONNXFile(context, inputFile, options, error);
  if (!module)
    return fail(error);
  if (outputFile == "-") {
    module->print(llvm::outs(), mlir::OpPrintingFlags());
    return 0;
  }
  // Write next to the destination, then rename: never a partial output.
  llvm::SmallString<128> tmp;
  int fd;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(
          outputFile + ".tmp-%%%%%%", fd, tmp))
    return fail("cannot create '" + tmp + "': " + ec.message());
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    module->print(os, mlir::OpPrintingFlags());
    os.close();
    if (os.has_error()) {
      os.clear_error();
      llvm::sys::fs::remove(tmp);
      return fail("cannot write '" + outputFile + "'");
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmp, outputFile)) {
    llvm::sys::fs::remove(tmp);
    return fail("cannot write '" + outputFile + "': " + ec.message());
  }
  return 0;
}
