//===- Signature.h - Entry-point signatures of compiled modules -*- C++ -*-===//
//
// What a caller of a compiled qforge function must pass: the static shape and
// element type of every tensor argument and result, read from the module
// BEFORE lowering (after lowering, tensors are opaque memref descriptors).
// Lowering records the signature on the LLVM function as `qforge.signature`
// so that an already lowered module can be run too.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_RUNTIME_SIGNATURE_H
#define QFORGE_RUNTIME_SIGNATURE_H

#include "mlir/IR/BuiltinOps.h"

#include <cstdint>
#include <string>
#include <vector>

namespace qforge {

/// Element types of tensors that can cross the runtime boundary.
enum class ElementType { F32, F16, BF16, F64, I8, I16, I32, I64, I1 };

/// "f32", "bf16", "i1", ...
const char *elementTypeName(ElementType type);
/// Bytes per element in memory (i1 takes one byte).
size_t elementTypeSize(ElementType type);

/// A ranked tensor with a static shape.
struct TensorSpec {
  ElementType elementType = ElementType::F32;
  std::vector<int64_t> shape;

  int64_t numElements() const;
  size_t byteSize() const {
    return numElements() * elementTypeSize(elementType);
  }
  /// "tensor<4x8xf32>".
  std::string str() const;
};

/// The C-callable signature of one public function.
struct FunctionSignature {
  std::string name;
  std::vector<TensorSpec> inputs;
  std::vector<TensorSpec> results;
  /// 2*M*N*K summed over the matmul-like ops the function executes (its
  /// callees included), counted before lowering; 0 when there are none.
  int64_t matmulOps = 0;
  /// Empty when every argument and result is supported; otherwise why not,
  /// naming the offending argument or result.
  std::string unsupported;
};

/// Name of the attribute that records a function's tensor signature (a
/// FunctionType) on its lowered `_mlir_ciface_` LLVM function.
constexpr const char *kSignatureAttrName = "qforge.signature";
/// Name of the attribute that records FunctionSignature::matmulOps there.
constexpr const char *kMatmulOpsAttrName = "qforge.matmul_ops";

/// True when the module is already in the LLVM dialect (it has LLVM
/// functions and no func.func).
bool isLLVMDialectModule(mlir::ModuleOp module);

/// Reads the signature of every public function with a body: from func.func
/// ops before lowering, or from `qforge.signature` attributes of an LLVM
/// dialect module. Functions with unsupported types are listed with
/// `unsupported` set.
std::vector<FunctionSignature> readSignatures(mlir::ModuleOp module);

/// Records `signatures` on the `_mlir_ciface_<name>` functions of the
/// lowered `module`. Fails (naming the function) when one is missing.
mlir::LogicalResult
recordSignatures(mlir::ModuleOp module,
                 const std::vector<FunctionSignature> &signatures,
                 std::string &error);

} // namespace qforge

#endif // QFORGE_RUNTIME_SIGNATURE_H
