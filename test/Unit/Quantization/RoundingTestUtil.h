//===- RoundingTestUtil.h - Shared helpers of the rounding tests -*- C++ -*-===//
//
// Schemes, random layer problems with correlated calibration data, and the
// exhaustive optimum that GPTQ, AdaRound and RTN are tested against.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_TEST_UNIT_QUANTIZATION_ROUNDINGTESTUTIL_H
#define QFORGE_TEST_UNIT_QUANTIZATION_ROUNDINGTESTUTIL_H

#include "qforge/Quantization/Reference.h"
#include "qforge/Quantization/Scheme.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <random>
#include <vector>

namespace qforge::testing {

inline Scheme intScheme(ElementFormat f, unsigned bits, bool asym,
                        int64_t axis, int64_t group = 0) {
  Scheme s;
  s.format = f;
  s.bits = bits;
  s.asymmetric = asym;
  s.axis = axis;
  s.groupSize = group;
  return s;
}

inline TensorDesc desc2D(int64_t n, int64_t k, Scheme s) {
  TensorDesc d;
  d.shape = {n, k};
  d.scheme = s;
  return d;
}

/// Random weights and H = X^T X for 2K + 3 correlated calibration rows whose
/// features have different magnitudes.
struct Problem {
  int64_t n, k;
  std::vector<float> w;
  std::vector<double> h;
};

inline Problem randomProblem(int64_t n, int64_t k, std::mt19937 &rng) {
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(-1.0, 1.0);
  Problem p{n, k, std::vector<float>(n * k), std::vector<double>(k * k, 0.0)};
  for (float &x : p.w)
    x = float(normal(rng));
  std::vector<double> mix(k * k), mag(k);
  for (int64_t i = 0; i < k * k; ++i)
    mix[i] = (i % (k + 1) == 0 ? 1.0 : 0.0) + 0.7 * normal(rng);
  for (double &m : mag)
    m = std::exp(uniform(rng));
  int64_t rows = 2 * k + 3;
  std::vector<double> z(k), x(k);
  for (int64_t r = 0; r < rows; ++r) {
    for (double &v : z)
      v = normal(rng);
    for (int64_t j = 0; j < k; ++j) {
      x[j] = 0;
      for (int64_t i = 0; i < k; ++i)
        x[j] += z[i] * mix[i * k + j];
      x[j] *= mag[j];
    }
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < k; ++j)
        p.h[i * k + j] += x[i] * x[j];
  }
  return p;
}

/// The smallest objective over every code assignment with q's scales and
/// zero points (rows are independent: depth-first over each row's codes).
inline double exhaustive(const Problem &p, const QuantizedTensor &q) {
  const Scheme &s = q.desc.scheme;
  const int64_t k = p.k;
  double total = 0;
  std::vector<double> delta(k);
  for (int64_t r = 0; r < p.n; ++r) {
    double best = std::numeric_limits<double>::infinity();
    std::function<void(int64_t, double)> visit = [&](int64_t c, double acc) {
      if (c == k) {
        best = std::min(best, acc);
        return;
      }
      int64_t b = scaleIndexOf(q.desc, r * k + c);
      int32_t zp = s.asymmetric ? q.zeroPoints[b] : 0;
      for (int32_t code = s.qmin(); code <= s.qmax(); ++code) {
        delta[c] = double(p.w[r * k + c]) -
                   dequantizeValue(code, q.scales[b], zp, s);
        double add = p.h[c * k + c] * delta[c] * delta[c];
        for (int64_t j = 0; j < c; ++j)
          add += 2 * p.h[c * k + j] * delta[j] * delta[c];
        visit(c + 1, acc + add);
      }
    };
    visit(0, 0.0);
    total += best;
  }
  return total;
}

} // namespace qforge::testing

#endif // QFORGE_TEST_UNIT_QUANTIZATION_ROUNDINGTESTUTIL_H
