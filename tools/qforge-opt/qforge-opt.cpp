//===- qforge-opt.cpp - mlir-opt with qforge's dialects and passes --------===//

#include "qforge/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  qforge::registerAllDialects(registry);
  qforge::registerAllPasses();
  return mlir::asMainReturnCode(mlir::MlirOptMain(
      argc, argv, "qforge optimizer: the qf dialect and qforge passes\n",
      registry));
}
