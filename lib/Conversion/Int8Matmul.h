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

/// The kernel an eligible int8 qf.matmul is lowered to. CUDAMMA uses tensor
/// cores where the shape allows (M >= 16, K % 16 == 0) and dp4a elsewhere.
enum class Int8Kernel { X86VNNI, CUDADP4A, CUDAMMA };

/// The CUDA kernel variants (the last entry of a `qf.cuda_kernel` shape).
enum class CUDAKernelVariant : int64_t {
  DP4A = 0,  ///< one thread per output, W as N x K int8 rows
  MMAW8 = 1, ///< mma.sync m16n8k32, W as N x K int8 rows
  MMAW4 = 2, ///< mma.sync m16n8k32, W as N x K/2 nibble-packed rows
  /// f16 activations (W4A16): mma.sync m16n8k16, W in the layout of
  /// packF16W4ForMMA, f32 scales, f16 results; the shape's fourth entry is
  /// the scale group size along K (0: one scale per column).
  F16W4 = 3,
  /// F16W4 whose scales are all exact f16 values: dequantized in f16.
  F16W4HalfScales = 4,
};

/// Nibble-packed weight layout of CUDAKernelVariant::MMAW4: row n holds
/// roundUp(K, 32) / 2 bytes; byte 16 c + 4 t + j has the code of k =
/// 32 c + 4 t + j in its low nibble and of k + 16 in its high nibble (t in
/// 0..3, j in 0..3), so one 32-bit word unpacks into the two registers of an
/// mma.sync m16n8k32 B fragment. Codes past K are 0.
std::vector<int8_t> packNibblesForMMA(const std::vector<int8_t> &rowsNxK,
                                      int64_t n, int64_t k);

/// Weight layout of CUDAKernelVariant::F16W4: row n holds roundUp(K, 32) / 2
/// bytes; the 32-bit word 4 c + t (little-endian) holds the codes plus 8 of
/// 8 values of k: pair p (0..3) is k = 32 c + 16 (p / 2) + 8 (p % 2) + 2t
/// in nibble p and that k + 1 in nibble p + 4, so one shift and mask put a
/// pair in the two f16 halves of a register. One word gives thread t the B
/// registers of two mma.sync m16n8k16 steps. Codes must lie in [-8, 7];
/// codes past K are 0.
std::vector<int8_t> packF16W4ForMMA(const std::vector<int8_t> &rowsNxK,
                                    int64_t n, int64_t k);

/// Adds the pattern that lowers weight-only qf.matmul with f16 activations,
/// constant symmetric signed weights of at most 4 bits stored N x K (per
/// tensor, per column, or in groups of a multiple of 64 along K), acc(f32),
/// K % 8 == 0 and N even to a CUDA tensor-core kernel (W4A16, QFToNVVM).
void populateW4A16MatmulKernelPatterns(const TypeConverter &converter,
                                       RewritePatternSet &patterns,
                                       PatternBenefit benefit);

/// Adds the pattern that lowers qf.matmul with 8-bit integer activations
/// and constant symmetric integer weights (K % 4 == 0, N % 16 == 0,
/// acc(i32); i8 for x86, values that fit i8 for CUDA) to a `kind` kernel
/// call and an epilogue (Int8Matmul.cpp).
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
