//===- qforge-opt.cpp - mlir-opt with qforge's dialects and passes --------===//
//
// One default differs from mlir-opt: a failing pass does not print the whole
// module after its error (--mlir-print-op-on-diagnostic=false), which for an
// imported model is megabytes of IR. Pass the flag to get the op back.
//
//===----------------------------------------------------------------------===//

#include "qforge/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "llvm/Support/CommandLine.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  qforge::registerAllDialects(registry);
  qforge::registerAllPasses();
  // Registering the context options here (MlirOptMain registers them again,
  // which is harmless) lets us change a default before parsing.
  mlir::registerMLIRContextCLOptions();
  auto &options = llvm::cl::getRegisteredOptions();
  if (auto *printOp = static_cast<llvm::cl::opt<bool> *>(
          options.lookup("mlir-print-op-on-diagnostic")))
    printOp->setInitialValue(false);
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "qforge optimizer: the qf dialect and qforge passes\n",
      registry));
}
