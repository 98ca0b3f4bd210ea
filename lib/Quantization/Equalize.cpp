//===- Equalize.cpp - Equivalence scaling ---------------------------------===//

#include "qforge/Quantization/Equalize.h"

#include <algorithm>
#include <cmath>

using namespace qforge;

void qforge::scaleColumns(std::vector<float> &weights, int64_t rows,
                          int64_t cols, const std::vector<float> &scales) {
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      weights[size_t(r * cols + c)] *= scales[size_t(c)];
}

std::optional<std::vector<float>>
qforge::smoothQuantScales(const std::vector<float> &actAbsMax,
                          const std::vector<float> &weights, int64_t rows,
                          int64_t cols, double alpha, std::string *error) {
  auto fail = [&](const std::string &msg) -> std::optional<std::vector<float>> {
    if (error)
      *error = msg;
    return std::nullopt;
  };
  if (int64_t(actAbsMax.size()) != cols ||
      int64_t(weights.size()) != rows * cols)
    return fail("expected " + std::to_string(cols) + " activation maxima and " +
                std::to_string(rows * cols) + " weights");
  if (!(alpha >= 0 && alpha <= 1))
    return fail("alpha must lie in [0, 1]");
  std::vector<float> s(size_t(cols), 1.0f);
  for (int64_t c = 0; c < cols; ++c) {
    double wmax = 0;
    for (int64_t r = 0; r < rows; ++r)
      wmax = std::max(wmax, double(std::fabs(weights[size_t(r * cols + c)])));
    double amax = std::fabs(double(actAbsMax[size_t(c)]));
    if (amax > 0 && wmax > 0 && std::isfinite(amax) && std::isfinite(wmax))
      s[size_t(c)] = float(std::pow(amax, alpha) / std::pow(wmax, 1 - alpha));
  }
  return s;
}

std::optional<AWQResult> qforge::awqSearch(const std::vector<float> &weights,
                                           const TensorDesc &desc,
                                           const std::vector<double> &hessian,
                                           const std::vector<float> &actMeanAbs,
                                           unsigned grid, std::string *error) {
  auto fail = [&](const std::string &msg) -> std::optional<AWQResult> {
    if (error)
      *error = msg;
    return std::nullopt;
  };
  std::string err = verifyLayer(weights, desc, hessian, /*requireHessian=*/true);
  if (!err.empty())
    return fail(err);
  int64_t rows = desc.shape[0], cols = desc.shape[1];
  if (int64_t(actMeanAbs.size()) != cols)
    return fail("expected " + std::to_string(cols) +
                " activation magnitudes, got " +
                std::to_string(actMeanAbs.size()));
  if (grid == 0)
    grid = 1;
  RTNOptions rtn;
  rtn.computeObjective = false;
  std::optional<AWQResult> best;
  for (unsigned g = 0; g <= grid; ++g) {
    double alpha = double(g) / grid;
    // s = mean|x|^alpha, normalized by sqrt(max * min) so that neither the
    // weights nor the activations drift in magnitude.
    std::vector<float> s(size_t(cols), 1.0f);
    double lo = INFINITY, hi = 0;
    for (int64_t c = 0; c < cols; ++c) {
      double m = std::max(double(actMeanAbs[size_t(c)]), 1e-8);
      double v = std::pow(m, alpha);
      s[size_t(c)] = float(v);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    double norm = std::sqrt(lo * hi);
    for (float &v : s)
      v = float(double(v) / norm);
    std::vector<float> scaled = weights;
    scaleColumns(scaled, rows, cols, s);
    std::optional<RoundingResult> r =
        roundToNearest(scaled, desc, /*hessian=*/{}, rtn, &err);
    if (!r)
      return fail(err);
    // Back to the original space: Ŵ = dequantize(Q(W diag s)) diag(1/s).
    std::vector<float> deq = dequantize(r->tensor);
    std::vector<float> inv(s.size());
    for (size_t c = 0; c < s.size(); ++c)
      inv[c] = 1.0f / s[c];
    scaleColumns(deq, rows, cols, inv);
    std::optional<double> obj =
        layerObjective(weights, deq, hessian, rows, cols, &err);
    if (!obj)
      return fail(err);
    if (g == 0 || *obj < best->objective) {
      double rtnObjective = g == 0 ? *obj : best->rtnObjective;
      best = AWQResult{alpha, s, r->tensor, *obj, rtnObjective};
    }
  }
  return best;
}
