//===- CalibrationTest.cpp - Histograms and range methods -----------------===//
//
// Known answers: min/max and percentiles of known samples, the MSE-optimal
// clipping of a Gaussian (about 2.5 sigma at 4 bits, as ACIQ derives) and its
// optimality against a direct simulation of the quantizer, the entropy
// method ignoring outliers, exact merging, NaN and infinity handling.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Calibration.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

using namespace qforge;

namespace {

std::vector<float> gaussian(size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0.0f, 1.0f);
  std::vector<float> v(n);
  for (float &x : v)
    x = d(rng);
  return v;
}

AbsHistogram histogramOf(const std::vector<float> &v, unsigned bins = 2048) {
  double upper = 0;
  for (float x : v)
    if (std::isfinite(x))
      upper = std::max(upper, double(std::fabs(x)));
  AbsHistogram h(bins, upper * (1 + 1e-9) + 1e-30);
  h.add(v.data(), int64_t(v.size()));
  return h;
}

/// Mean squared error of symmetric quantization with threshold t and qmax
/// positive levels, simulated on the samples.
double simulatedMSE(const std::vector<float> &v, double t, unsigned qmax) {
  double step = t / qmax, err = 0;
  for (float x : v) {
    double c = std::max(-t, std::min(t, double(x)));
    double q = std::nearbyint(c / step) * step;
    err += (double(x) - q) * (double(x) - q);
  }
  return err / double(v.size());
}

TEST(Calibration, MinMaxAndPercentile) {
  std::vector<float> v;
  for (int i = 1; i <= 1000; ++i)
    v.push_back(float(i) / 1000.0f * (i % 2 ? 1 : -1));
  AbsHistogram h = histogramOf(v, 1000);
  EXPECT_EQ(thresholdMinMax(h), 1.0);
  EXPECT_EQ(h.total(), 1000u);
  // 99% of |x| lie at or below 0.99 (one bin is 0.001 wide).
  EXPECT_NEAR(thresholdPercentile(h, 0.99), 0.99, 0.0011);
  EXPECT_NEAR(thresholdPercentile(h, 0.5), 0.5, 0.0011);
  EXPECT_EQ(thresholdPercentile(h, 1.0), 1.0);
}

TEST(Calibration, MSEOptimalGaussianClipping) {
  std::vector<float> v = gaussian(200000, 1);
  AbsHistogram h = histogramOf(v);
  for (unsigned bits : {3u, 4u, 8u}) {
    unsigned qmax = (1u << (bits - 1)) - 1;
    double t = thresholdMSE(h, qmax);
    // Known: clipping beats min/max for a Gaussian, more so at few bits
    // (ACIQ: about 2.15 sigma at 3 bits, 2.55 at 4; ours uses qmax levels,
    // slightly coarser, so slightly lower).
    if (bits == 3) {
      EXPECT_NEAR(t, 2.0, 0.35) << bits;
    } else if (bits == 4) {
      EXPECT_NEAR(t, 2.45, 0.35) << bits;
    } else {
      EXPECT_GT(t, 3.5) << bits;
    }
    EXPECT_LT(t, thresholdMinMax(h));
    // Against a direct simulation over a grid of thresholds: the choice is
    // within 3% of the best simulated error.
    double best = INFINITY;
    for (double c = 1.0; c <= thresholdMinMax(h); c += 0.01)
      best = std::min(best, simulatedMSE(v, c, qmax));
    EXPECT_LE(simulatedMSE(v, t, qmax), best * 1.03) << bits;
  }
}

TEST(Calibration, MSEDoesNotClipUniform) {
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(100000);
  for (float &x : v)
    x = d(rng);
  AbsHistogram h = histogramOf(v);
  // With no tails to cut, the optimum keeps (nearly) the whole range.
  EXPECT_GT(thresholdMSE(h, 127), 0.97 * thresholdMinMax(h));
}

TEST(Calibration, EntropyIgnoresOutliers) {
  std::vector<float> v = gaussian(100000, 2);
  v.push_back(60.0f); // one huge outlier stretches the histogram
  AbsHistogram h = histogramOf(v);
  double t = thresholdEntropy(h, 128);
  EXPECT_EQ(thresholdMinMax(h), 60.0);
  EXPECT_LT(t, 8.0);
  EXPECT_GT(t, 2.5);
  // Without the outlier, the threshold is still well inside the range.
  std::vector<float> g = gaussian(100000, 2);
  double tg = thresholdEntropy(histogramOf(g), 128);
  EXPECT_GT(tg, 2.5);
  EXPECT_LE(tg, thresholdMinMax(histogramOf(g)) + 1e-9);
}

TEST(Calibration, MergeIsExact) {
  std::vector<float> v = gaussian(10000, 4);
  AbsHistogram whole(512, 6.0);
  whole.add(v.data(), int64_t(v.size()));
  AbsHistogram a(512, 6.0), b(512, 6.0);
  a.add(v.data(), 3000);
  b.add(v.data() + 3000, int64_t(v.size()) - 3000);
  AbsHistogram ba = b;
  ASSERT_TRUE(ba.merge(a));
  EXPECT_EQ(ba.getCounts(), whole.getCounts());
  EXPECT_EQ(ba.total(), whole.total());
  EXPECT_EQ(ba.absMax(), whole.absMax());
  AbsHistogram other(256, 6.0);
  EXPECT_FALSE(a.merge(other));
}

TEST(Calibration, SpecialValues) {
  float nan = std::nanf(""), inf = INFINITY;
  std::vector<float> v = {0.5f, -1.5f, nan, inf, -inf, 2.0f};
  AbsHistogram h(8, 4.0);
  h.add(v.data(), int64_t(v.size()));
  EXPECT_EQ(h.nans(), 1u);
  EXPECT_EQ(h.total(), 5u);            // infinities land in the last bin
  EXPECT_EQ(h.getCounts().back(), 2u);
  EXPECT_EQ(h.absMax(), 2.0);          // finite values only
  AbsHistogram empty(16, 1.0);
  EXPECT_EQ(thresholdMSE(empty, 7), 0.0);
  EXPECT_EQ(thresholdPercentile(empty, 0.9), 0.0);
  EXPECT_EQ(*parseRangeMethod("entropy"), RangeMethod::Entropy);
  EXPECT_FALSE(parseRangeMethod("kl").has_value());
}

} // namespace

//===----------------------------------------------------------------------===//
// TensorStats
//===----------------------------------------------------------------------===//

namespace {

std::vector<float> statsRows(int64_t rows, int64_t k, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<float> x(size_t(rows * k));
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = normal(rng) * float(1 + (i % k)); // channel c has scale c + 1
  return x;
}

} // namespace

TEST(TensorStats, MatchesDirectComputation) {
  const int64_t rows = 300, k = 5;
  std::vector<float> x = statsRows(rows, k, 3);
  qforge::TensorStats s(k, /*hessian=*/true);
  s.addRows(x.data(), rows);
  EXPECT_EQ(s.rows(), rows);
  double mn = x[0], mx = x[0], amax = 0;
  std::vector<double> sumAbs(k), sumSq(k), gram(k * k);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < k; ++i) {
      double v = x[r * k + i];
      mn = std::min(mn, v);
      mx = std::max(mx, v);
      amax = std::max(amax, std::fabs(v));
      sumAbs[i] += std::fabs(v);
      sumSq[i] += v * v;
      for (int64_t j = 0; j < k; ++j)
        gram[i * k + j] += v * double(x[r * k + j]);
    }
  EXPECT_EQ(s.min(), mn);
  EXPECT_EQ(s.max(), mx);
  EXPECT_EQ(s.absMax(), amax);
  for (int64_t i = 0; i < k; ++i) {
    EXPECT_NEAR(s.sumAbs()[i], sumAbs[i], 1e-9 * sumAbs[i]);
    EXPECT_NEAR(s.sumSquares()[i], sumSq[i], 1e-9 * sumSq[i]);
    for (int64_t j = 0; j < k; ++j) {
      EXPECT_NEAR(s.gram()[i * k + j], gram[i * k + j],
                  1e-9 * (1 + std::fabs(gram[i * k + j])));
      EXPECT_EQ(s.gram()[i * k + j], s.gram()[j * k + i]);
    }
  }
  // The histogram: the smallest power of two above max |x|, and the same
  // counts as one pass over that range.
  double upper = s.histogramUpper();
  EXPECT_GT(upper, amax);
  EXPECT_LE(upper / 2, amax);
  EXPECT_EQ(upper, std::ldexp(1.0, std::ilogb(upper)));
  qforge::AbsHistogram direct(qforge::TensorStats::kBins, upper);
  direct.add(x.data(), rows * k);
  EXPECT_EQ(s.histogramCounts(), direct.getCounts());
  EXPECT_EQ(s.histogram().total(), uint64_t(rows * k));
  EXPECT_EQ(qforge::thresholdMinMax(s.histogram()), amax);
}

TEST(TensorStats, IndependentOfHowRowsAreSplit) {
  const int64_t rows = 257, k = 7;
  std::vector<float> x = statsRows(rows, k, 9);
  // Values growing over the rows make the histogram range double often.
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t i = 0; i < k; ++i)
      x[r * k + i] *= float(1 + r);
  qforge::TensorStats once(k, true), split(k, true);
  once.addRows(x.data(), rows);
  for (int64_t r = 0; r < rows;) {
    int64_t n = std::min<int64_t>(rows - r, 1 + r % 13);
    split.addRows(x.data() + r * k, n);
    r += n;
  }
  EXPECT_EQ(once.histogramCounts(), split.histogramCounts());
  EXPECT_EQ(once.histogramUpper(), split.histogramUpper());
  EXPECT_EQ(once.gram(), split.gram());
  EXPECT_EQ(once.sumAbs(), split.sumAbs());
  EXPECT_EQ(once.sumSquares(), split.sumSquares());
}

TEST(TensorStats, NaNsAndInfinities) {
  float x[4] = {1.0f, std::nanf(""), INFINITY, -2.0f};
  qforge::TensorStats s(2, false);
  s.addRows(x, 2);
  EXPECT_EQ(s.nans(), 1u);
  EXPECT_EQ(s.min(), -2.0);
  EXPECT_EQ(s.max(), INFINITY);
  EXPECT_EQ(s.absMax(), 2.0);
  EXPECT_EQ(s.histogramCounts().back(), 1u); // the infinity
  EXPECT_TRUE(s.gram().empty());
}

// KL(softmax(a) || softmax(b)) against a direct evaluation (probabilities
// first, in long double) on random logits, rows summed.
TEST(SoftmaxKLDivergence, MatchesDirectComputation) {
  std::mt19937 rng(7);
  std::normal_distribution<float> dist(0.0f, 2.0f);
  const int64_t rows = 5, classes = 7;
  std::vector<float> a(rows * classes), b(rows * classes);
  for (size_t i = 0; i < a.size(); ++i) {
    a[i] = dist(rng);
    b[i] = a[i] + 0.3f * dist(rng);
  }
  long double expected = 0;
  for (int64_t r = 0; r < rows; ++r) {
    long double za = 0, zb = 0;
    for (int64_t c = 0; c < classes; ++c) {
      za += std::exp((long double)a[r * classes + c]);
      zb += std::exp((long double)b[r * classes + c]);
    }
    for (int64_t c = 0; c < classes; ++c) {
      long double p = std::exp((long double)a[r * classes + c]) / za;
      long double q = std::exp((long double)b[r * classes + c]) / zb;
      expected += p * std::log(p / q);
    }
  }
  double kl = qforge::softmaxKLDivergence(a, b, classes);
  EXPECT_GT(kl, 0.01);
  EXPECT_NEAR(kl, double(expected), 1e-9 * double(expected));
}

// Zero for equal distributions (including logits shifted by a constant,
// which softmax ignores); finite for logits whose exp overflows a float; two
// classes against the closed form; a trailing partial row is ignored.
TEST(SoftmaxKLDivergence, EdgeCases) {
  std::vector<float> a = {1.0f, 2.0f, 3.0f}, shifted = {11.0f, 12.0f, 13.0f};
  EXPECT_NEAR(qforge::softmaxKLDivergence(a, a, 3), 0.0, 1e-15);
  EXPECT_NEAR(qforge::softmaxKLDivergence(a, shifted, 3), 0.0, 1e-12);
  std::vector<float> big = {1000.0f, 0.0f}, big2 = {0.0f, 1000.0f};
  double kl = qforge::softmaxKLDivergence(big, big2, 2);
  EXPECT_TRUE(std::isfinite(kl));
  EXPECT_NEAR(kl, 1000.0, 1e-6);
  // p = (1/2, 1/2), q = softmax(0, ln 3) = (1/4, 3/4).
  std::vector<float> p = {0.0f, 0.0f, 9.0f}, q = {0.0f, std::log(3.0f), 9.0f};
  double expected = 0.5 * std::log(0.5 / 0.25) + 0.5 * std::log(0.5 / 0.75);
  EXPECT_NEAR(qforge::softmaxKLDivergence(p, q, 2), expected, 1e-7);
  EXPECT_EQ(qforge::softmaxKLDivergence(p, q, 0), 0.0);
}
