//===- AdaRound.cpp - AdaRound weight rounding (Hessian form) -------------===//
//
// AdaRound (Nagel, Amjad, van Baalen, Louizos, Blankevoort: "Up or Down?
// Adaptive Rounding for Post-Training Quantization", 2020) on the layer
// objective tr(ΔW H ΔW^T): each weight that can round either way gets a
// variable V; the soft rounding h(V) in [0, 1] (rectified sigmoid) moves
// the weight between its two neighbouring codes, and a regularizer whose
// exponent beta anneals from 20 to 2 pushes h to 0 or 1. The scales are the
// RTN scales and stay fixed. See AdaRoundOptions for the loss.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Rounding.h"

#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace qforge;

namespace {

using RowMajorF =
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

constexpr double kZeta = 1.1, kGamma = -0.1;
constexpr double kAdamBeta1 = 0.9, kAdamBeta2 = 0.999, kAdamEps = 1e-8;

/// One weight that can round down (code lo) or up (code lo + 1).
struct FreeWeight {
  int64_t index;    ///< row-major element index
  int32_t lo;       ///< code when rounding down
  float scale;      ///< effective scale
  double floorStep; ///< floor(W / s) as a value: code lo - zero point
};

double sigmoid(double v) { return 1.0 / (1.0 + std::exp(-v)); }

/// The rectified sigmoid h(V) and dh/dV (0 where h is clamped).
void softRound(double v, double &h, double &dh) {
  double sg = sigmoid(v);
  double t = sg * (kZeta - kGamma) + kGamma;
  h = std::min(std::max(t, 0.0), 1.0);
  dh = (t > 0 && t < 1) ? (kZeta - kGamma) * sg * (1 - sg) : 0.0;
}

} // namespace

std::optional<RoundingResult>
qforge::roundAdaRound(const std::vector<float> &weights, const TensorDesc &desc,
                      const std::vector<double> &hessian,
                      const AdaRoundOptions &options, std::string *error) {
  auto fail = [&](const std::string &msg) -> std::optional<RoundingResult> {
    if (error)
      *error = msg;
    return std::nullopt;
  };
  std::string err = verifyLayer(weights, desc, hessian, true);
  if (!err.empty())
    return fail(err);
  if (desc.scheme.grid == IntegerGrid::Odd)
    return fail("AdaRound rounds between neighbouring integers; the odd "
                "grid (binary) steps by 2: use GPTQ or round to nearest");
  const AdaRoundOptions &o = options;
  if (o.iterations < 1)
    return fail("AdaRound needs at least one iteration");
  if (!(o.learningRate > 0) || !std::isfinite(o.learningRate))
    return fail("learning rate " + std::to_string(o.learningRate) +
                " must be finite and positive");
  if (!(o.regularization >= 0) || !std::isfinite(o.regularization))
    return fail("regularization " + std::to_string(o.regularization) +
                " must be finite and non-negative");
  if (!(o.betaEnd >= 1) || !(o.betaStart >= o.betaEnd) ||
      !std::isfinite(o.betaStart))
    return fail("beta must anneal from betaStart >= betaEnd >= 1, got " +
                std::to_string(o.betaStart) + " to " +
                std::to_string(o.betaEnd));
  if (!(o.warmup >= 0 && o.warmup < 1))
    return fail("warm-up fraction " + std::to_string(o.warmup) +
                " must be in [0, 1)");

  // RTN scales (no codes needed), then the weights that can move.
  RTNOptions rtnOptions;
  rtnOptions.clip = o.clip;
  rtnOptions.computeObjective = false;
  std::optional<RoundingResult> rtn =
      roundToNearest(weights, desc, hessian, rtnOptions, &err);
  if (!rtn)
    return fail(err);
  QuantizedTensor q = std::move(rtn->tensor);
  const Scheme &s = desc.scheme;
  const int64_t n = desc.shape[0], k = desc.shape[1];
  std::vector<FreeWeight> free;
  std::vector<double> v; // the variables V, one per free weight
  double z = 0;          // sum_e s_e^2 H_kk
  RowMajorF base(n, k);  // Ŵ with every free weight rounded down
  for (int64_t e = 0; e < n * k; ++e) {
    int64_t b = scaleIndexOf(desc, e);
    float scale = q.scales[b];
    int32_t zp = s.asymmetric ? q.zeroPoints[b] : 0;
    float x = weights[e] / scale; // the reference's f32 division
    double fl = std::floor(double(x));
    double lo = fl + zp;
    z += double(scale) * scale * hessian[(e % k) * (k + 1)];
    if (lo < s.qmin() || lo >= s.qmax()) { // both neighbours clamp alike
      base.data()[e] = dequantizeValue(q.codes[e], scale, zp, s);
      continue;
    }
    free.push_back({e, int32_t(lo), scale, fl});
    base.data()[e] = float(fl * scale);
    // Start where h(V) is the fractional part of W / s.
    double p = (double(x) - fl - kGamma) / (kZeta - kGamma);
    v.push_back(std::log(p / (1 - p)));
  }
  if (!(z > 0))
    z = 1;

  const int64_t m = int64_t(free.size());
  RowMajorF hf(k, k);
  for (int64_t i = 0; i < k * k; ++i)
    hf.data()[i] = float(hessian[i]);
  Eigen::Map<const RowMajorF> w(weights.data(), n, k);
  RowMajorF what(n, k), grad(n, k);
  std::vector<double> h(m), dh(m), adamM(m, 0.0), adamV(m, 0.0);
  const int64_t warm = int64_t(o.warmup * o.iterations);
  double beta1t = 1, beta2t = 1;
  for (unsigned t = 0; t < o.iterations && m > 0; ++t) {
    what = base;
    for (int64_t f = 0; f < m; ++f) {
      softRound(v[f], h[f], dh[f]);
      what.data()[free[f].index] = float((free[f].floorStep + h[f]) *
                                         double(free[f].scale));
    }
    // d/dŴ of tr(ΔW H ΔW^T) / Z is 2 ΔW H / Z.
    grad.noalias() = (what - w) * hf;
    double lambda = 0, beta = o.betaStart;
    if (int64_t(t) >= warm) {
      lambda = o.regularization / double(m);
      double rel = double(int64_t(t) - warm) / double(o.iterations - warm);
      beta = o.betaEnd + (o.betaStart - o.betaEnd) * (1 - rel);
    }
    beta1t *= kAdamBeta1;
    beta2t *= kAdamBeta2;
    for (int64_t f = 0; f < m; ++f) {
      double gh = 2.0 * double(grad.data()[free[f].index]) *
                  double(free[f].scale) / z;
      if (lambda > 0) {
        double a = 2 * h[f] - 1;
        double pw = std::pow(std::fabs(a), beta - 1);
        gh -= lambda * beta * pw * (a < 0 ? -2.0 : 2.0);
      }
      double g = gh * dh[f];
      adamM[f] = kAdamBeta1 * adamM[f] + (1 - kAdamBeta1) * g;
      adamV[f] = kAdamBeta2 * adamV[f] + (1 - kAdamBeta2) * g * g;
      double mh = adamM[f] / (1 - beta1t), vh = adamV[f] / (1 - beta2t);
      v[f] -= o.learningRate * mh / (std::sqrt(vh) + kAdamEps);
    }
  }

  // Hard rounding: up where h(V) >= 0.5.
  for (int64_t f = 0; f < m; ++f) {
    double hv, unused;
    softRound(v[f], hv, unused);
    q.codes[free[f].index] = free[f].lo + (hv >= 0.5 ? 1 : 0);
  }
  RoundingResult result;
  result.tensor = std::move(q);
  result.objective = std::numeric_limits<double>::quiet_NaN();
  if (o.computeObjective)
    result.objective =
        *layerObjective(weights, dequantize(result.tensor), hessian, n, k);
  return result;
}
