//===- Rounding.h - Calibration-aware weight rounding (plain C++) -*- C++ -*-===//
//
// The rounding algorithms of qf-round as plain C++ over arrays: round to
// nearest with an MSE clipping search (RTN), GPTQ (Frantar et al., 2022) and
// AdaRound in its Hessian form (Nagel et al., 2020). Each one quantizes the
// weights W of one linear layer, an N x K row-major matrix (N output
// channels, K inputs, y = W x), and returns a QuantizedTensor that packBlob
// can store. The calibration data enters as the K x K Hessian H = X^T X of the
// layer's inputs X (one calibration row per row of X), in double.
//
// Every method minimizes, or is judged by, the layer objective
//   ||(W - Ŵ) X^T||^2 = tr((W - Ŵ) H (W - Ŵ)^T)        (layerObjective)
// where Ŵ = dequantize(result). Codes and scales follow the reference
// semantics (docs/Semantics.md): codes are quantizeValue of some value with
// the stored scale, and dequantize() of the result gives exactly the Ŵ the
// algorithm used. The choices each algorithm makes are documented below.
//
// Supported schemes: integer element formats (signed or unsigned, symmetric
// or asymmetric, any scale format and rounding mode) without two-level
// scales. GPTQ supports per-tensor, per-output-channel (axis 0) and grouped
// along K (axis 1, group size dividing K) scales; RTN and AdaRound support
// every granularity of a rank-2 tensor.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_QUANTIZATION_ROUNDING_H
#define QFORGE_QUANTIZATION_ROUNDING_H

#include "qforge/Quantization/Reference.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qforge {

//===----------------------------------------------------------------------===//
// Scale blocks and the clipping search
//===----------------------------------------------------------------------===//

/// The grid of clip ratios tried for each scale block: the block's range
/// (absmax, or [min, max] for asymmetric schemes) is multiplied by
///   r_i = 1 - i * (1 - minRatio) / steps,  i = 0 .. steps,
/// and the ratio whose scale gives the smallest block error wins (the
/// largest ratio on ties, so r = 1 unless clipping strictly helps).
/// minRatio = 1 (the default) is plain RTN: the scale of computeScales.
struct ClipSearch {
  double minRatio = 1.0;
  unsigned steps = 50;

  /// No search: ratio 1 only.
  static ClipSearch none() { return {}; }
  /// The usual MSE grid: 1.00, 0.99, ..., 0.50.
  static ClipSearch mse() { return {0.5, 50}; }
  bool enabled() const { return minRatio < 1.0 && steps > 0; }
};

/// The scale of one block and its zero point (0 for symmetric schemes).
struct BlockScale {
  float scale = 1.0f;
  int32_t zeroPoint = 0;
  bool operator==(const BlockScale &o) const {
    return scale == o.scale && zeroPoint == o.zeroPoint;
  }
};

/// computeScales's rule for one block whose values span [lo, hi] (the range
/// is widened to contain 0): the raw scale n / d in double rounded once to
/// f32, then roundScale; the zero point from the rounded scale. A raw scale
/// that is zero or not finite gives scale 1 and zero point 0. With the
/// block's true min / max this is exactly computeScales's result; the
/// clipping search calls it with lo and hi multiplied by a ratio.
BlockScale blockScaleForRange(double lo, double hi, const Scheme &scheme);

/// Weighted squared error of a block quantized with `bs`:
///   sum_i w_i * (x_i - dequantize(quantize(x_i)))^2   (w_i = 1 if null).
double blockError(const float *values, const double *weights, int64_t count,
                  BlockScale bs, const Scheme &scheme);

/// Chooses a block's scale over the clip grid (blockScaleForRange of the
/// range times each ratio), minimizing blockError. `errorOut`, if non-null,
/// receives the chosen scale's error.
BlockScale searchBlockScale(const float *values, const double *weights,
                            int64_t count, const Scheme &scheme,
                            const ClipSearch &clip,
                            double *errorOut = nullptr);

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

/// A rounded layer: the quantized weights (desc as given by the caller,
/// shape {N, K}) and the layer objective of dequantize(tensor).
struct RoundingResult {
  QuantizedTensor tensor;
  /// tr((W - Ŵ) H (W - Ŵ)^T), or ||W - Ŵ||^2 when no Hessian was given;
  /// NaN when the options asked not to compute it (it costs N K^2).
  double objective = 0;
};

/// Checks one layer before rounding: `desc` is a valid rank-2 description
/// with divisible groups, an integer scheme without two-level scales;
/// `weights` holds N * K finite values; `hessian` holds K * K finite values,
/// is symmetric (to 1e-6 of its largest diagonal entry) with a non-negative
/// diagonal, or is empty when `requireHessian` is false. Returns an error
/// message naming the offending value, or "".
std::string verifyLayer(const std::vector<float> &weights,
                        const TensorDesc &desc,
                        const std::vector<double> &hessian,
                        bool requireHessian);

/// tr((W - Ŵ) H (W - Ŵ)^T) = sum_n (w_n - ŵ_n)^T H (w_n - ŵ_n), in double,
/// for N x K row-major W and Ŵ and a K x K row-major H. An empty H stands
/// for the identity. Returns nullopt (with `error`) on mismatched sizes.
std::optional<double> layerObjective(const std::vector<float> &weights,
                                     const std::vector<float> &quantized,
                                     const std::vector<double> &hessian,
                                     int64_t rows, int64_t cols,
                                     std::string *error = nullptr);

/// Round to nearest.
struct RTNOptions {
  /// Per-block clipping search. When a Hessian is given, the block error is
  /// weighted by H's diagonal (the element in column k has weight H_kk: the
  /// objective's diagonal part, restricted to the block); otherwise it is
  /// the plain squared error.
  ClipSearch clip;
  bool computeObjective = true;
};

/// Quantizes each weight to the nearest code of its block's scale
/// (quantizeWithScales with the scales of searchBlockScale). Without a
/// search the result equals quantize(weights, desc). `hessian` may be empty.
std::optional<RoundingResult>
roundToNearest(const std::vector<float> &weights, const TensorDesc &desc,
               const std::vector<double> &hessian,
               const RTNOptions &options = {}, std::string *error = nullptr);

/// Round to nearest in any element format: roundToNearest for integer
/// schemes (two-level scales excluded), the reference quantize (dynamic
/// scales, the format's own rounding) for float formats. `objective` is the
/// squared error ||W - Ŵ||².
std::optional<RoundingResult>
roundToNearestAnyFormat(const std::vector<float> &weights,
                        const TensorDesc &desc, const RTNOptions &options = {},
                        std::string *error = nullptr);

/// GPTQ: quantizes the columns one at a time and spreads each column's
/// rounding error over the columns not yet quantized (optimal brain
/// surgeon updates with the upper Cholesky factor of H^-1), with lazy
/// block updates.
struct GPTQOptions {
  /// Added to H's diagonal: dampening * mean(diag H) (after dead columns,
  /// H_kk == 0, are set to H_kk = 1 and their weights to 0).
  double dampening = 0.01;
  /// Columns per lazy block update (results do not depend on it beyond
  /// float rounding).
  int64_t blockSize = 128;
  /// Quantize columns in order of decreasing H_kk (stable on ties). Codes,
  /// scales and groups stay in the original column order.
  bool actOrder = false;
  /// Grouped schemes: compute every group's scales before the loop from the
  /// weights as given (the RTN scales). Otherwise a group's scales are
  /// computed when the first of its columns is about to be quantized, from
  /// the group's weights at that moment (with the error feedback received
  /// so far) -- the GPTQ reference's rule without act-order, and its natural
  /// extension with act-order. Either way a group is the G consecutive
  /// columns of the original order.
  bool staticGroups = false;
  /// Clipping search for each scale (weighted by H's diagonal).
  ClipSearch clip;
  bool computeObjective = true;
};

std::optional<RoundingResult>
roundGPTQ(const std::vector<float> &weights, const TensorDesc &desc,
          const std::vector<double> &hessian, const GPTQOptions &options = {},
          std::string *error = nullptr);

/// The upper-triangular U with U^T U = H^-1 for a symmetric positive
/// definite K x K row-major H (GPTQ's "Cholesky of the inverse"), computed as
/// the inverse of the reverse-order Cholesky factor of H. nullopt (with
/// `error`) if H is not positive definite.
std::optional<std::vector<double>>
upperCholeskyOfInverse(const std::vector<double> &hessian, int64_t k,
                       std::string *error = nullptr);

/// AdaRound: learns, for each weight, whether to round down or up (the two
/// codes next to W / s, with the RTN scales), minimizing
///   L(V) = tr(ΔW H ΔW^T) / Z + (lambda / M) sum_e (1 - |2 h(V_e) - 1|^beta)
/// where ΔW = s (floor(W/s) + h(V)) - W, h(V) = clamp(sigmoid(V) (zeta -
/// gamma) + gamma, 0, 1) with zeta = 1.1, gamma = -0.1, M the number of
/// weights that can round either way and Z = sum_e s_e^2 H_kk (so that the
/// reconstruction term is in units of squared steps). V starts where h(V)
/// is the fractional part of W / s. Full-batch Adam steps; no random
/// numbers, so two runs give identical results. Finally each weight rounds
/// up where h(V) >= 0.5. The scheme's rounding mode does not apply: the
/// choice between the two neighbours is what AdaRound learns. Weights whose
/// two neighbours clamp to the same code keep RTN's code.
struct AdaRoundOptions {
  /// Clipping search for the RTN scales (weighted by H's diagonal).
  ClipSearch clip;
  unsigned iterations = 1000;
  double learningRate = 0.01;
  /// lambda, the regularizer's weight. With the normalization above the
  /// reconstruction term of RTN is about 1/12 and the regularizer's mean is
  /// at most 1; on random problems (K = 6..32, 2..4 bits) lambda from 1 to
  /// 100 gives nearly the same objectives and 0.01..0.1 clearly worse ones
  /// (soft values left near 0.5).
  double regularization = 10.0;
  /// beta decays linearly from betaStart to betaEnd after the warm-up.
  double betaStart = 20.0;
  double betaEnd = 2.0;
  /// Fraction of the iterations run without the regularizer.
  double warmup = 0.2;
  bool computeObjective = true;
};

std::optional<RoundingResult>
roundAdaRound(const std::vector<float> &weights, const TensorDesc &desc,
              const std::vector<double> &hessian,
              const AdaRoundOptions &options = {},
              std::string *error = nullptr);

} // namespace qforge

#endif // QFORGE_QUANTIZATION_ROUNDING_H
