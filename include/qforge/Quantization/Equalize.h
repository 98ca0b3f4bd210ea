//===- Equalize.h - Equivalence scaling (plain C++) -------------*- C++ -*-===//
//
// Per-input-channel scales s that move quantization difficulty between a
// layer's activations X and weights W without changing the float function:
// X W^T = (X diag(1/s)) (W diag(s))^T. SmoothQuant picks s from the ranges
// of both (for W8A8); AWQ searches s = mean|X|^alpha over a grid of alpha
// for the scaling whose quantized weights minimize the layer objective
// (weight-only). The qf-equalize pass applies them: it scales the weights
// and multiplies X by 1/s before the matmul.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_QUANTIZATION_EQUALIZE_H
#define QFORGE_QUANTIZATION_EQUALIZE_H

#include "qforge/Quantization/Rounding.h"

#include <optional>
#include <string>
#include <vector>

namespace qforge {

/// W (N x K, row-major) times diag(s): column k multiplied by s[k].
void scaleColumns(std::vector<float> &weights, int64_t rows, int64_t cols,
                  const std::vector<float> &scales);

/// SmoothQuant: s_k = max|X_k|^alpha / max_n |W_nk|^(1 - alpha) (alpha = 0.5
/// by default), from the per-channel activation maxima `actAbsMax` (K) and
/// W (N x K). Channels where either maximum is 0 get s_k = 1. nullopt with
/// `error` on mismatched sizes or alpha outside [0, 1].
std::optional<std::vector<float>>
smoothQuantScales(const std::vector<float> &actAbsMax,
                  const std::vector<float> &weights, int64_t rows,
                  int64_t cols, double alpha = 0.5,
                  std::string *error = nullptr);

/// What awqSearch found.
struct AWQResult {
  double alpha = 0;
  /// s (K), normalized so that max(s) * min(s) = 1.
  std::vector<float> scales;
  /// The weights W diag(s), quantized by roundToNearest with `desc`.
  QuantizedTensor tensor;
  /// tr((W - Ŵ) H (W - Ŵ)^T) with Ŵ = dequantize(tensor) diag(1/s): the
  /// error of the scaled layer in the original space.
  double objective = 0;
  /// The same objective without scaling (alpha = 0): plain RTN.
  double rtnObjective = 0;
};

/// AWQ: for alpha in {0, 1/grid, ..., 1}, s = meanAbs(X)^alpha (`actMeanAbs`,
/// K values), quantizes W diag(s) with round-to-nearest and keeps the alpha
/// with the smallest objective (alpha = 0, plain RTN, is always a
/// candidate, so the result is never worse than RTN). `hessian` is X^T X
/// (K x K). nullopt with `error` on invalid input.
std::optional<AWQResult> awqSearch(const std::vector<float> &weights,
                                   const TensorDesc &desc,
                                   const std::vector<double> &hessian,
                                   const std::vector<float> &actMeanAbs,
                                   unsigned grid = 20,
                                   std::string *error = nullptr);

} // namespace qforge

#endif // QFORGE_QUANTIZATION_EQUALIZE_H
