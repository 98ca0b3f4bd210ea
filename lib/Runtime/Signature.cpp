//===- Signature.cpp - Entry-point signatures of compiled modules ---------===//
//
// Reads tensor signatures before lowering, records them on the lowered
// LLVM functions, and counts the matmul work a function does (for GOPS).
//
//===----------------------------------------------------------------------===//

#include "qforge/Runtime/Signature.h"

#include "qforge/Dialect/QF/IR/QFTypes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/SymbolTable.h"

using namespace mlir;
using namespace qforge;

namespace {

constexpr const char *kCIfacePrefix = "_mlir_ciface_";

std::string typeToString(Type type) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << type;
  return s;
}

/// Maps an MLIR element type to the runtime's; false if unsupported.
bool toElementType(Type type, ElementType &out) {
  if (type.isF32())
    out = ElementType::F32;
  else if (type.isF16())
    out = ElementType::F16;
  else if (type.isBF16())
    out = ElementType::BF16;
  else if (type.isF64())
    out = ElementType::F64;
  else if (type.isSignlessInteger(8))
    out = ElementType::I8;
  else if (type.isSignlessInteger(16))
    out = ElementType::I16;
  else if (type.isSignlessInteger(32))
    out = ElementType::I32;
  else if (type.isSignlessInteger(64))
    out = ElementType::I64;
  else if (type.isSignlessInteger(1))
    out = ElementType::I1;
  else
    return false;
  return true;
}

Type toMLIRType(MLIRContext *ctx, ElementType type) {
  Builder b(ctx);
  switch (type) {
  case ElementType::F32:
    return b.getF32Type();
  case ElementType::F16:
    return b.getF16Type();
  case ElementType::BF16:
    return b.getBF16Type();
  case ElementType::F64:
    return b.getF64Type();
  case ElementType::I8:
    return b.getI8Type();
  case ElementType::I16:
    return b.getI16Type();
  case ElementType::I32:
    return b.getI32Type();
  case ElementType::I64:
    return b.getI64Type();
  case ElementType::I1:
    return b.getI1Type();
  }
  return b.getF32Type();
}

/// Converts `type` (argument or result `what` of @`func`) to a TensorSpec,
/// or explains in `why` why it cannot cross the runtime boundary.
bool toTensorSpec(Type type, const std::string &what, TensorSpec &spec,
                  std::string &why) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  if (!tensor || tensor.getEncoding()) {
    why = what + " has type " + typeToString(type) +
          ": only ranked tensors with static shapes are supported";
    return false;
  }
  if (!tensor.hasStaticShape()) {
    why = what + " has type " + typeToString(type) +
          ": dynamic shapes are not supported";
    return false;
  }
  if (!toElementType(tensor.getElementType(), spec.elementType)) {
    why = what + " has type " + typeToString(type) + ": element type " +
          typeToString(tensor.getElementType()) +
          " is not supported (supported: f32, f16, bf16, f64, i8, i16, i32, "
          "i64, i1)";
    return false;
  }
  // Buffers are allocated on the host: refuse sizes that overflow.
  int64_t bytes = static_cast<int64_t>(elementTypeSize(spec.elementType));
  for (int64_t d : tensor.getShape()) {
    if (__builtin_mul_overflow(bytes, d, &bytes) ||
        bytes > (int64_t(1) << 48)) {
      why = what + " has type " + typeToString(type) + ": it is too large";
      return false;
    }
  }
  spec.shape.assign(tensor.getShape().begin(), tensor.getShape().end());
  return true;
}

/// Fills inputs / results of `sig` from `type`, or sets `unsupported`.
void fillFromFunctionType(FunctionType type, FunctionSignature &sig) {
  for (auto [i, t] : llvm::enumerate(type.getInputs())) {
    TensorSpec spec;
    std::string what = "argument " + std::to_string(i) + " of @" + sig.name;
    if (!toTensorSpec(t, what, spec, sig.unsupported))
      return;
    sig.inputs.push_back(spec);
  }
  for (auto [i, t] : llvm::enumerate(type.getResults())) {
    TensorSpec spec;
    std::string what = "result " + std::to_string(i) + " of @" + sig.name;
    if (!toTensorSpec(t, what, spec, sig.unsupported))
      return;
    sig.results.push_back(spec);
  }
}

/// `a * b`, or -1 once either is -1 or the product overflows.
int64_t mulOrInvalid(int64_t a, int64_t b) {
  int64_t r;
  if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &r))
    return -1;
  return r;
}

/// 2*M*N*K of one op, or 0 if it is not matmul-like or its sizes are not
/// static: linalg contractions (matmul, batch_matmul, their transposed
/// forms, matvec, ...) and qf.matmul / qf.batch_matmul.
int64_t opsOf(Operation *op) {
  if (auto linalgOp = dyn_cast<linalg::LinalgOp>(op)) {
    if (!linalg::isaContractionOpInterface(linalgOp))
      return 0;
    int64_t n = 2;
    for (int64_t range : linalgOp.getStaticLoopRanges())
      n = ShapedType::isDynamic(range) ? -1 : mulOrInvalid(n, range);
    return std::max<int64_t>(n, 0);
  }
  StringRef name = op->getName().getStringRef();
  if ((name != "qf.matmul" && name != "qf.batch_matmul") ||
      op->getNumOperands() != 2 || op->getNumResults() != 1)
    return 0;
  auto result = dyn_cast<RankedTensorType>(op->getResult(0).getType());
  auto rhs = dyn_cast<qf::QTensorType>(op->getOperand(1).getType());
  if (!result || !result.hasStaticShape() || !rhs || rhs.getRank() < 2)
    return 0;
  ArrayRef<int64_t> shape = rhs.getShape();
  int64_t k =
      op->hasAttr("transpose_rhs") ? shape.back() : shape[shape.size() - 2];
  return std::max<int64_t>(
      mulOrInvalid(mulOrInvalid(2, result.getNumElements()), k), 0);
}

/// Sums opsOf over `func` and, per call site, its callees.
int64_t countMatmulOps(func::FuncOp func, SymbolTable &symbols, int depth) {
  if (depth > 16) // recursion: count what is statically visible
    return 0;
  int64_t total = 0;
  func.walk([&](Operation *op) {
    int64_t n = opsOf(op);
    if (auto call = dyn_cast<func::CallOp>(op)) {
      auto callee = symbols.lookup<func::FuncOp>(call.getCallee());
      if (callee && !callee.isExternal())
        n = countMatmulOps(callee, symbols, depth + 1);
    }
    total = std::max<int64_t>(total + n, total); // saturate on overflow
  });
  return total;
}

} // namespace

const char *qforge::elementTypeName(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return "f32";
  case ElementType::F16:
    return "f16";
  case ElementType::BF16:
    return "bf16";
  case ElementType::F64:
    return "f64";
  case ElementType::I8:
    return "i8";
  case ElementType::I16:
    return "i16";
  case ElementType::I32:
    return "i32";
  case ElementType::I64:
    return "i64";
  case ElementType::I1:
    return "i1";
  }
  return "?";
}

size_t qforge::elementTypeSize(ElementType type) {
  switch (type) {
  case ElementType::F64:
  case ElementType::I64:
    return 8;
  case ElementType::F32:
  case ElementType::I32:
    return 4;
  case ElementType::F16:
  case ElementType::BF16:
  case ElementType::I16:
    return 2;
  case ElementType::I8:
  case ElementType::I1:
    return 1;
  }
  return 1;
}

int64_t TensorSpec::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string TensorSpec::str() const {
  std::string s = "tensor<";
  for (int64_t d : shape)
    s += std::to_string(d) + "x";
  return s + elementTypeName(elementType) + ">";
}

bool qforge::isLLVMDialectModule(ModuleOp module) {
  return module.getOps<func::FuncOp>().empty() &&
         !module.getOps<LLVM::LLVMFuncOp>().empty();
}

std::vector<FunctionSignature> qforge::readSignatures(ModuleOp module) {
  std::vector<FunctionSignature> signatures;
  if (isLLVMDialectModule(module)) {
    for (auto func : module.getOps<LLVM::LLVMFuncOp>()) {
      auto type = func->getAttrOfType<TypeAttr>(kSignatureAttrName);
      StringRef name = func.getSymName();
      if (!type || !name.starts_with(kCIfacePrefix))
        continue;
      FunctionSignature sig;
      sig.name = name.drop_front(StringRef(kCIfacePrefix).size()).str();
      if (auto fnType = dyn_cast<FunctionType>(type.getValue()))
        fillFromFunctionType(fnType, sig);
      else
        sig.unsupported = "@" + name.str() + " has a malformed " +
                          kSignatureAttrName + " attribute";
      if (auto ops = func->getAttrOfType<IntegerAttr>(kMatmulOpsAttrName))
        sig.matmulOps = std::max<int64_t>(ops.getInt(), 0);
      signatures.push_back(std::move(sig));
    }
    return signatures;
  }

  SymbolTable symbols(module);
  for (auto func : module.getOps<func::FuncOp>()) {
    if (!func.isPublic() || func.isExternal())
      continue;
    FunctionSignature sig;
    sig.name = func.getSymName().str();
    fillFromFunctionType(func.getFunctionType(), sig);
    sig.matmulOps = countMatmulOps(func, symbols, 0);
    signatures.push_back(std::move(sig));
  }
  return signatures;
}

LogicalResult
qforge::recordSignatures(ModuleOp module,
                         const std::vector<FunctionSignature> &signatures,
                         std::string &error) {
  MLIRContext *ctx = module.getContext();
  for (const FunctionSignature &sig : signatures) {
    if (!sig.unsupported.empty())
      continue;
    auto func = module.lookupSymbol<LLVM::LLVMFuncOp>(kCIfacePrefix + sig.name);
    if (!func) {
      error = "lowering produced no C interface @" +
              std::string(kCIfacePrefix) + sig.name + " for @" + sig.name;
      return failure();
    }
    // The runner and the C header call (input descriptor pointers...,
    // result descriptor pointers...) -> void.
    LLVM::LLVMFunctionType type = func.getFunctionType();
    size_t expected = sig.inputs.size() + sig.results.size();
    bool pointersOnly = llvm::all_of(
        type.getParams(), [](Type t) { return isa<LLVM::LLVMPointerType>(t); });
    // A memref result left as a result shows as a leading pointer of the C
    // interface; the function itself then returns a descriptor.
    auto body = module.lookupSymbol<LLVM::LLVMFuncOp>(sig.name);
    bool returnsValue = body && !isa<LLVM::LLVMVoidType>(
                                    body.getFunctionType().getReturnType());
    if (!isa<LLVM::LLVMVoidType>(type.getReturnType()) || returnsValue ||
        type.getNumParams() != expected || !pointersOnly) {
      std::string got;
      llvm::raw_string_ostream os(got);
      os << "@" << kCIfacePrefix << sig.name << " has type " << type;
      if (returnsValue)
        os << " and @" << sig.name << " returns "
           << body.getFunctionType().getReturnType();
      error = "lowering did not turn the results of @" + sig.name +
              " into out-parameters: " + got + ", expected " +
              std::to_string(expected) +
              " descriptor pointers (inputs, then results) and no result";
      return failure();
    }
    auto toTypes = [&](const std::vector<TensorSpec> &specs) {
      SmallVector<Type> types;
      for (const TensorSpec &s : specs)
        types.push_back(
            RankedTensorType::get(s.shape, toMLIRType(ctx, s.elementType)));
      return types;
    };
    func->setAttr(kSignatureAttrName,
                  TypeAttr::get(FunctionType::get(ctx, toTypes(sig.inputs),
                                                  toTypes(sig.results))));
    func->setAttr(kMatmulOpsAttrName,
                  IntegerAttr::get(IntegerType::get(ctx, 64), sig.matmulOps));
  }
  return success();
}
