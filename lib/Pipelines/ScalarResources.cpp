//===- ScalarResources.cpp - 0-d dense_resource globals as dense literals -===//
//
// Upstream's memref-to-LLVM lowering turns a rank-0 `memref.global` into an
// LLVM global of the element type and takes its initializer with
// `ElementsAttr::getSplatValue`, which a `dense_resource` attribute does not
// support: without assertions this aborts the compiler ("ElementsAttr does
// not provide iteration facilities"). Globals of rank >= 1 keep their
// resource (the LLVM translation reads its bytes and checks their size).
//
// This rewrite, run on the buffers before they are lowered to LLVM, replaces
// the `dense_resource` initial value of every rank-0 `memref.global` by the
// equivalent `dense` literal read from the blob, and reports a missing blob,
// a blob of the wrong size or an element type it cannot read as an error at
// the global instead.
//
//===----------------------------------------------------------------------===//

#include "qforge/Pipelines/Pipelines.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/Pass/Pass.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"

using namespace mlir;

namespace {

/// The scalar of element type `elementType` stored in `bytes` (host byte
/// order, as resource blobs are), or failure with `error` set.
FailureOr<Attribute> readScalar(Type elementType, ArrayRef<char> bytes,
                                std::string &error) {
  unsigned bits = 0;
  if (auto intType = dyn_cast<IntegerType>(elementType))
    bits = intType.getWidth();
  else if (auto floatType = dyn_cast<FloatType>(elementType))
    bits = floatType.getWidth();
  else if (isa<IndexType>(elementType))
    bits = IndexType::kInternalStorageBitWidth;
  else {
    error = "has an element type that a scalar resource cannot hold";
    return failure();
  }
  // Whole bytes per element (one for an i1, any non-zero byte is true).
  size_t byteWidth = llvm::divideCeil(bits, 8);
  if (bytes.size() != byteWidth) {
    error = "holds " + std::to_string(bytes.size()) +
            " bytes, but its type "
            "needs " +
            std::to_string(byteWidth);
    return failure();
  }
  llvm::APInt value(byteWidth * 8, 0);
  llvm::LoadIntFromMemory(
      value, reinterpret_cast<const uint8_t *>(bytes.data()), byteWidth);
  if (auto floatType = dyn_cast<FloatType>(elementType))
    return Attribute(
        FloatAttr::get(floatType, llvm::APFloat(floatType.getFloatSemantics(),
                                                value.trunc(bits))));
  if (bits == 1)
    return Attribute(
        IntegerAttr::get(elementType, llvm::APInt(1, !value.isZero())));
  return Attribute(IntegerAttr::get(elementType, value.trunc(bits)));
}

struct MaterializeScalarResourcesPass
    : public PassWrapper<MaterializeScalarResourcesPass,
                         OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(MaterializeScalarResourcesPass)

  StringRef getArgument() const final {
    return "qf-materialize-scalar-resources";
  }
  StringRef getDescription() const final {
    return "Replace the dense_resource initial value of rank-0 memref.globals "
           "by a dense literal";
  }

  void runOnOperation() override {
    bool anyFailed = false;
    getOperation().walk([&](memref::GlobalOp global) {
      if (global.getType().getRank() != 0 || !global.getInitialValue())
        return;
      auto resource =
          dyn_cast<DenseResourceElementsAttr>(*global.getInitialValue());
      if (!resource)
        return;
      DenseResourceElementsHandle handle = resource.getRawHandle();
      auto fail = [&](const Twine &what) {
        global.emitError() << "scalar constant dense_resource<"
                           << handle.getKey() << "> : " << resource.getType()
                           << " " << what;
        anyFailed = true;
      };
      const AsmResourceBlob *blob = handle.getBlob();
      if (!blob)
        return fail("has no data (the resource is missing from the module's "
                    "dialect_resources)");
      std::string error;
      FailureOr<Attribute> value =
          readScalar(resource.getElementType(), blob->getData(), error);
      if (failed(value))
        return fail(error);
      global.setInitialValueAttr(
          DenseElementsAttr::get(resource.getType(), *value));
    });
    if (anyFailed)
      signalPassFailure();
  }
};

} // namespace

std::unique_ptr<Pass> qforge::createMaterializeScalarResourcesPass() {
  return std::make_unique<MaterializeScalarResourcesPass>();
}
