//===- ONNXImporter.h - ONNX models to MLIR on tensors ----------*- C++ -*-===//
//
// Reads an ONNX model (a serialized onnx.ModelProto) and builds a module
// with one func.func @main on tensors (linalg, tensor, arith, math): the
// graph inputs are its arguments, the graph outputs its results, and the
// initializers become dense_resource constants. Every op carries the name
// of the ONNX node it comes from as a NameLoc around the file location.
//
// The importer checks everything itself (ONNX's checker throws, and this
// project is built without exceptions): a file that does not parse, an
// unsupported operator, opset domain, data type or dynamic shape gives an
// error message and no module.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_FRONTEND_ONNXIMPORTER_H
#define QFORGE_FRONTEND_ONNXIMPORTER_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/StringRef.h"

#include <cstdint>
#include <string>

namespace qforge {

/// Options of the ONNX importer.
struct ONNXImportOptions {
  /// When positive, replaces the first dimension of every graph input and
  /// output whose first dimension is symbolic (a batch dimension).
  int64_t batch = 0;
  /// Lower Conv nodes with constant weights and group = 1 to an im2col
  /// gather and a linalg.matmul with the reshaped weights, the form the
  /// weight quantization passes (and calibration) handle.
  bool convAsMatmul = false;
};

/// Registers (loads) the dialects the importer produces in `context`.
void loadONNXImportDialects(mlir::MLIRContext &context);

/// Imports the serialized ONNX model `bytes`; `fileName` names it in
/// locations and messages. Returns the module, or null with `error` set to
/// a message (possibly of several lines, one per offending node).
mlir::OwningOpRef<mlir::ModuleOp>
importONNXModel(mlir::MLIRContext &context, llvm::StringRef bytes,
                llvm::StringRef fileName, const ONNXImportOptions &options,
                std::string &error);

/// Reads the file `path` and imports it as importONNXModel does.
mlir::OwningOpRef<mlir::ModuleOp>
importONNXFile(mlir::MLIRContext &context, llvm::StringRef path,
               const ONNXImportOptions &options, std::string &error);

/// Imports the model at `inputPath` and writes the module as MLIR text to
/// `outputPath` ("-": stdout), through a temporary file renamed into place,
/// so that a failure never leaves a partial output. `debugInfo` prints the
/// locations (the node names). Returns false with `error` set on failure.
bool importONNXToFile(llvm::StringRef inputPath, llvm::StringRef outputPath,
                      const ONNXImportOptions &options, bool debugInfo,
                      std::string &error);

} // namespace qforge

#endif // QFORGE_FRONTEND_ONNXIMPORTER_H
