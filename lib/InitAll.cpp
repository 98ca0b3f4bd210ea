//===- InitAll.cpp - Register every qforge dialect and pass ---------------===//

#include "qforge/InitAll.h"

#include "qforge/Conversion/Passes.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Transforms/Passes.h"

void qforge::registerAllDialects(mlir::DialectRegistry &registry) {
  registry.insert<mlir::qf::QFDialect, mlir::arith::ArithDialect,
                  mlir::bufferization::BufferizationDialect,
                  mlir::func::FuncDialect, mlir::linalg::LinalgDialect,
                  mlir::math::MathDialect, mlir::memref::MemRefDialect,
                  mlir::quant::QuantDialect, mlir::tensor::TensorDialect>();
}

void qforge::registerAllPasses() {
  mlir::registerTransformsPasses();
  mlir::qf::registerQFConversionPasses();
}
