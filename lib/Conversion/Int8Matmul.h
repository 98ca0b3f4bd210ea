//===- Int8Matmul.h - int8 qf.matmul to target kernels ----------*- C++ -*-===//

#ifndef QFORGE_LIB_CONVERSION_INT8MATMUL_H
#define QFORGE_LIB_CONVERSION_INT8MATMUL_H

#include "qforge/Quantization/Reference.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::qf {
class MatmulOp;
} // namespace mlir::qf

namespace mlir::qf::detail {

/// The constant weights of `op` (a qf.constant blob) unpacked, or a match
/// failure saying why not.
FailureOr<qforge::QuantizedTensor>
constantWeights(MatmulOp op, ConversionPatternRewriter &rewriter);

/// The kernel an eligible int8 qf.matmul is lowered to.
enum class Int8Kernel { X86VNNI, CUDADP4A };

/// Adds the pattern that lowers qf.matmul with 8-bit integer activations
/// and constant symmetric i8 weights (K % 4 == 0, N % 16 == 0, acc(i32)) to
/// a `kind` kernel call and an epilogue (Int8Matmul.cpp).
void populateInt8MatmulKernelPatterns(const TypeConverter &converter,
                                      RewritePatternSet &patterns,
                                      Int8Kernel kind, PatternBenefit benefit);

/// Declares (once per name) a private kernel on memrefs whose body a
/// qf-define-*-kernels pass emits after bufferization from the attribute
/// `attr` = `shape`.
func::FuncOp getOrDeclareKernel(ModuleOp module, StringRef name,
                                ArrayRef<Type> argTypes, StringRef attr,
                                ArrayRef<int64_t> shape);

} // namespace mlir::qf::detail

#endif // QFORGE_LIB_CONVERSION_INT8MATMUL_H
