//===- RTN.cpp - Round to nearest with a clipping search ------------------===//
//
// The pieces every rounding algorithm shares: the per-block scale rule of
// computeScales with a clip ratio, the clipping search, the checks of a
// layer's inputs and the layer objective; and round to nearest itself.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Rounding.h"

#include "FloatUtil.h"

#include <Eigen/Core>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <limits>

using namespace qforge;
using qforge::detail::roundHalfEven;
using qforge::detail::toFloatSaturating;

namespace {

/// Index of the scale of element (row, col) of an N x K tensor: the same
/// as scaleIndexOf(desc, row * K + col), without its per-call set-up.
int64_t scaleIndex2D(const Scheme &s, int64_t k, int64_t row, int64_t col) {
  if (s.axis < 0)
    return 0;
  if (s.groupSize == 0)
    return s.axis == 0 ? row : col;
  if (s.axis == 0)
    return (row / s.groupSize) * k + col;
  return row * (k / s.groupSize) + col / s.groupSize;
}

std::string fmt(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", v);
  return buf;
}

/// Weighted squared error of one block with the scale of `ratio`.
double errorAtRatio(const float *values, const double *weights, int64_t count,
                    double lo, double hi, double ratio, const Scheme &scheme,
                    BlockScale &bs) {
  bs = blockScaleForRange(lo * ratio, hi * ratio, scheme);
  return blockError(values, weights, count, bs, scheme);
}

} // namespace

//===----------------------------------------------------------------------===//
// Scale blocks
//===----------------------------------------------------------------------===//

BlockScale qforge::blockScaleForRange(double lo, double hi,
                                      const Scheme &scheme) {
  lo = std::min(lo, 0.0);
  hi = std::max(hi, 0.0);
  double den = scheme.asymmetric
                   ? double(scheme.qmax()) - double(scheme.qmin())
                   : scheme.maxMagnitude();
  double num = scheme.asymmetric ? hi - lo
               : scheme.format == ElementFormat::UInt ? hi
                                                      : std::max(hi, -lo);
  BlockScale bs;
  float raw = toFloatSaturating(num / den);
  if (!std::isfinite(raw) || !(raw > 0))
    return bs; // scale 1, zero point 0, as computeScales
  bs.scale = roundScale(raw, scheme.scaleFormat);
  if (scheme.asymmetric) {
    double zp = roundHalfEven(double(scheme.qmin()) - lo / double(bs.scale));
    zp = std::min(std::max(zp, double(scheme.qmin())), double(scheme.qmax()));
    bs.zeroPoint = int32_t(zp);
  }
  return bs;
}

double qforge::blockError(const float *values, const double *weights,
                          int64_t count, BlockScale bs, const Scheme &scheme) {
  double err = 0;
  for (int64_t i = 0; i < count; ++i) {
    int32_t code = quantizeValue(values[i], bs.scale, bs.zeroPoint, scheme);
    double d = double(values[i]) -
               double(dequantizeValue(code, bs.scale, bs.zeroPoint, scheme));
    err += (weights ? weights[i] : 1.0) * d * d;
  }
  return err;
}

BlockScale qforge::searchBlockScale(const float *values, const double *weights,
                                    int64_t count, const Scheme &scheme,
                                    const ClipSearch &clip, double *errorOut) {
  float lo = 0.0f, hi = 0.0f;
  for (int64_t i = 0; i < count; ++i) {
    lo = std::min(lo, values[i]);
    hi = std::max(hi, values[i]);
  }
  BlockScale best;
  if (!clip.enabled() && !errorOut)
    return blockScaleForRange(lo, hi, scheme);
  double bestErr =
      errorAtRatio(values, weights, count, lo, hi, 1.0, scheme, best);
  if (clip.enabled()) {
    BlockScale last = best;
    for (unsigned i = 1; i <= clip.steps; ++i) {
      double ratio = 1.0 - double(i) * (1.0 - clip.minRatio) / clip.steps;
      BlockScale cand = blockScaleForRange(double(lo) * ratio,
                                           double(hi) * ratio, scheme);
      if (cand == last) // coarse scale formats repeat scales: skip
        continue;
      last = cand;
      double err = blockError(values, weights, count, cand, scheme);
      if (err < bestErr) {
        bestErr = err;
        best = cand;
      }
    }
    // Narrow and odd grids (ternary, binary) want scales far below the
    // clipping grid's (binary: the mean |x|): Lloyd iterations from the
    // best so far, each the least-squares scale of the current codes,
    // sum w x q / sum w q^2, kept while the error decreases.
    if (scheme.grid != IntegerGrid::Full && !scheme.tensorScale &&
        !scheme.asymmetric) {
      BlockScale cur = best;
      for (int iter = 0; iter < 32; ++iter) {
        double num = 0, den = 0;
        for (int64_t i = 0; i < count; ++i) {
          if (std::isnan(values[i]))
            continue;
          double q = quantizeValue(values[i], cur.scale, 0, scheme);
          double w = weights ? weights[i] : 1.0;
          num += w * double(values[i]) * q;
          den += w * q * q;
        }
        float raw = den > 0 ? toFloatSaturating(num / den) : 0.0f;
        if (!std::isfinite(raw) || !(raw > 0))
          break;
        BlockScale next;
        next.scale = roundScale(raw, scheme.scaleFormat);
        if (next == cur)
          break;
        double err = blockError(values, weights, count, next, scheme);
        if (!(err < bestErr))
          break;
        bestErr = err;
        best = cur = next;
      }
    }
  }
  if (errorOut)
    *errorOut = bestErr;
  return best;
}

//===----------------------------------------------------------------------===//
// Layers
//===----------------------------------------------------------------------===//

std::string qforge::verifyLayer(const std::vector<float> &weights,
                                const TensorDesc &desc,
                                const std::vector<double> &hessian,
                                bool requireHessian) {
  if (desc.shape.size() != 2)
    return "weights must have rank 2 (N x K), got rank " +
           std::to_string(desc.shape.size());
  std::string err = desc.verify(/*requireDivisibleGroups=*/true);
  if (!err.empty())
    return err;
  const Scheme &s = desc.scheme;
  if (!s.isInteger())
    return std::string("rounding needs an integer element format, got ") +
           toString(s.format);
  if (s.tensorScale)
    return "rounding does not support two-level (tensor) scales";
  int64_t n = desc.shape[0], k = desc.shape[1];
  if (int64_t(weights.size()) != n * k)
    return "expected " + std::to_string(n * k) + " weights (" +
           std::to_string(n) + " x " + std::to_string(k) + "), got " +
           std::to_string(weights.size());
  for (int64_t i = 0; i < n * k; ++i)
    if (!std::isfinite(weights[i]))
      return "weight [" + std::to_string(i / k) + ", " + std::to_string(i % k) +
             "] is " + fmt(weights[i]) + ", not finite";
  if (hessian.empty() && !requireHessian)
    return "";
  int64_t kk = 0;
  if (__builtin_mul_overflow(k, k, &kk))
    return "a " + std::to_string(k) + " x " + std::to_string(k) +
           " Hessian is too large";
  if (int64_t(hessian.size()) != kk)
    return "expected a " + std::to_string(k) + " x " + std::to_string(k) +
           " Hessian (" + std::to_string(k * k) + " values), got " +
           std::to_string(hessian.size()) + " values";
  double maxDiag = 0;
  for (int64_t i = 0; i < k * k; ++i)
    if (!std::isfinite(hessian[i]))
      return "Hessian entry [" + std::to_string(i / k) + ", " +
             std::to_string(i % k) + "] is " + fmt(hessian[i]) +
             ", not finite";
  for (int64_t i = 0; i < k; ++i) {
    if (hessian[i * k + i] < 0)
      return "Hessian diagonal entry " + std::to_string(i) + " is " +
             fmt(hessian[i * k + i]) + ", negative";
    maxDiag = std::max(maxDiag, hessian[i * k + i]);
  }
  double tol = 1e-6 * maxDiag;
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < i; ++j)
      if (std::fabs(hessian[i * k + j] - hessian[j * k + i]) > tol)
        return "Hessian is not symmetric: [" + std::to_string(i) + ", " +
               std::to_string(j) + "] is " + fmt(hessian[i * k + j]) +
               ", [" + std::to_string(j) + ", " + std::to_string(i) +
               "] is " + fmt(hessian[j * k + i]);
  return "";
}

std::optional<double> qforge::layerObjective(
    const std::vector<float> &weights, const std::vector<float> &quantized,
    const std::vector<double> &hessian, int64_t rows, int64_t cols,
    std::string *error) {
  auto fail = [&](const std::string &msg) -> std::optional<double> {
    if (error)
      *error = msg;
    return std::nullopt;
  };
  int64_t count = 0, hcount = 0;
  if (rows < 0 || cols < 0 || __builtin_mul_overflow(rows, cols, &count) ||
      __builtin_mul_overflow(cols, cols, &hcount))
    return fail("invalid shape " + std::to_string(rows) + " x " +
                std::to_string(cols));
  if (int64_t(weights.size()) != count || quantized.size() != weights.size())
    return fail("expected " + std::to_string(count) +
                " weights and quantized weights, got " +
                std::to_string(weights.size()) + " and " +
                std::to_string(quantized.size()));
  if (!hessian.empty() && int64_t(hessian.size()) != hcount)
    return fail("expected " + std::to_string(hcount) +
                " Hessian values, got " + std::to_string(hessian.size()));
  using RowMajorD =
      Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  using RowMajorF =
      Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
  Eigen::Map<const RowMajorF> w(weights.data(), rows, cols);
  Eigen::Map<const RowMajorF> q(quantized.data(), rows, cols);
  RowMajorD delta = w.cast<double>() - q.cast<double>();
  if (hessian.empty())
    return delta.squaredNorm();
  Eigen::Map<const RowMajorD> h(hessian.data(), cols, cols);
  RowMajorD dh = delta * h;
  return dh.cwiseProduct(delta).sum();
}

std::optional<RoundingResult>
qforge::roundToNearest(const std::vector<float> &weights,
                       const TensorDesc &desc,
                       const std::vector<double> &hessian,
                       const RTNOptions &options, std::string *error) {
  auto fail = [&](const std::string &msg) -> std::optional<RoundingResult> {
    if (error)
      *error = msg;
    return std::nullopt;
  };
  std::string err = verifyLayer(weights, desc, hessian, false);
  if (err.empty() && options.clip.enabled() && !(options.clip.minRatio > 0))
    err = "clip ratio " + fmt(options.clip.minRatio) + " must be positive";
  if (!err.empty())
    return fail(err);
  const Scheme &s = desc.scheme;
  int64_t n = desc.shape[0], k = desc.shape[1];
  int64_t numScales = *checkedNumElements(scaleShape(s, desc.shape));

  // Bucket the elements by scale block (counting sort, row-major order
  // inside each block), then choose each block's scale.
  std::vector<int64_t> start(numScales + 1, 0), blockOf(n * k);
  for (int64_t i = 0; i < n * k; ++i) {
    blockOf[i] = scaleIndex2D(s, k, i / k, i % k);
    ++start[blockOf[i] + 1];
  }
  for (int64_t b = 0; b < numScales; ++b)
    start[b + 1] += start[b];
  std::vector<int64_t> members(n * k), fill(start.begin(), start.end() - 1);
  for (int64_t i = 0; i < n * k; ++i)
    members[fill[blockOf[i]]++] = i;

  std::vector<float> scales(numScales), values;
  std::vector<int32_t> zeroPoints(s.asymmetric ? numScales : 0);
  std::vector<double> w;
  for (int64_t b = 0; b < numScales; ++b) {
    values.clear();
    w.clear();
    for (int64_t m = start[b]; m < start[b + 1]; ++m) {
      values.push_back(weights[members[m]]);
      if (!hessian.empty()) {
        int64_t col = members[m] % k;
        w.push_back(hessian[col * k + col]);
      }
    }
    BlockScale bs =
        searchBlockScale(values.data(), hessian.empty() ? nullptr : w.data(),
                         int64_t(values.size()), s, options.clip);
    scales[b] = bs.scale;
    if (s.asymmetric)
      zeroPoints[b] = bs.zeroPoint;
  }

  std::optional<QuantizedTensor> q =
      quantizeWithScales(weights, desc, scales, zeroPoints, 1.0f, &err);
  if (!q)
    return fail(err);
  RoundingResult result;
  result.tensor = std::move(*q);
  result.objective = std::numeric_limits<double>::quiet_NaN();
  if (options.computeObjective)
    result.objective =
        *layerObjective(weights, dequantize(result.tensor), hessian, n, k);
  return result;
}

std::optional<RoundingResult>
qforge::roundToNearestAnyFormat(const std::vector<float> &weights,
                                const TensorDesc &desc,
                                const RTNOptions &options,
                                std::string *error) {
  if (desc.scheme.isInteger() && !desc.scheme.tensorScale)
    return roundToNearest(weights, desc, /*hessian=*/{}, options, error);
  std::string problem = desc.verify();
  if (problem.empty() &&
      std::optional<int64_t>(int64_t(weights.size())) !=
          checkedNumElements(desc.shape))
    problem = "expected " + std::to_string(*checkedNumElements(desc.shape)) +
              " weights, got " + std::to_string(weights.size());
  if (!problem.empty()) {
    if (error)
      *error = problem;
    return std::nullopt;
  }
  RoundingResult r;
  r.tensor = quantize(weights, desc);
  std::vector<float> deq = dequantize(r.tensor);
  r.objective = 0;
  for (size_t i = 0; i < deq.size(); ++i) {
    double d = double(weights[i]) - double(deq[i]);
    r.objective += d * d;
  }
  return r;
}
