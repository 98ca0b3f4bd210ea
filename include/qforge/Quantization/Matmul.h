//===- Matmul.h - Reference quantized matrix multiplication -----*- C++ -*-===//
//
// The bit-exact reference for qf.matmul / qf.batch_matmul (docs/Semantics.md,
// "Matrix multiplication"): the order of every floating-point operation is
// fixed, so the lowering reproduces these results exactly. Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_QUANTIZATION_MATMUL_H
#define QFORGE_QUANTIZATION_MATMUL_H

#include "qforge/Quantization/Reference.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qforge {

/// Floating-point types in which sums are accumulated and results stored.
enum class FloatKind { F16, BF16, F32, F64 };

/// `v` rounded to `kind` (nearest, ties to even), returned as double.
double roundToKind(double v, FloatKind kind);

/// Shapes of a (batch) matmul: lhs [B?, M, K], rhs [B?, K, N] or, with
/// `transposeRhs`, [B?, N, K]. A rank-2 rhs with a rank-3 lhs is shared by
/// every batch.
struct MatmulShape {
  int64_t batch = 1, m = 0, n = 0, k = 0;
  bool lhsBatched = false, rhsBatched = false, transposeRhs = false;
};

/// Derives the shape from the operand shapes; nullopt (with `error`) if they
/// do not fit.
std::optional<MatmulShape> matmulShape(const std::vector<int64_t> &lhs,
                                       const std::vector<int64_t> &rhs,
                                       bool transposeRhs,
                                       std::string *error = nullptr);

/// Weight-only matmul: y = x . dequantize(rhs). The dequantized weights are
/// rounded to `valueKind` (the expressed type), both operands are converted
/// to `accKind`, products and sums are rounded to `accKind` in increasing k,
/// and the sum is rounded to `valueKind`. `x` is row-major [B?, M, K].
std::vector<double> matmulWeightOnly(const std::vector<float> &x,
                                     const QuantizedTensor &rhs,
                                     const MatmulShape &shape,
                                     FloatKind valueKind, FloatKind accKind);

/// Result of a matmul with quantized activations.
struct QuantizedMatmulResult {
  int64_t groups = 1; ///< K-groups of the rhs scales (1 unless grouped on K)
  /// Integer codes: exact sums of (a - za) * (w - zw) per K-group,
  /// row-major [B, M, N, groups].
  std::vector<int64_t> intAcc;
  /// fp8 codes: f32 sums of decoded products per K-group (same layout).
  std::vector<float> floatAcc;
  /// y = sa[m] * sum_g (sw_eff[g, n] * float(acc[g])), in f32, g increasing;
  /// row-major [B, M, N].
  std::vector<float> y;
};

/// Matmul of quantized lhs and rhs (schemes as the qf verifier allows:
/// lhs per tensor or per row, rhs per tensor, per column or grouped on K).
QuantizedMatmulResult matmulQuantized(const QuantizedTensor &lhs,
                                      const QuantizedTensor &rhs,
                                      const MatmulShape &shape);

} // namespace qforge

#endif // QFORGE_QUANTIZATION_MATMUL_H
