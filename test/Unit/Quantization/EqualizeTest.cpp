//===- EqualizeTest.cpp - Equivalence scaling -----------------------------===//
//
// The float function is preserved by the scaling; SmoothQuant's scales have
// their closed form; AWQ is never worse than RTN and clearly better when a
// few input channels carry large activations.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Equalize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

using namespace qforge;

namespace {

struct Layer {
  int64_t n, k, rows;
  std::vector<float> w, x;    // N x K, rows x K
  std::vector<double> h;      // K x K
  std::vector<float> meanAbs, maxAbs;
};

/// Random layer whose activations have a few salient channels.
Layer makeLayer(unsigned seed, int64_t n, int64_t k, int64_t rows) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> d(0, 1);
  Layer l{n, k, rows, {}, {}, {}, {}, {}};
  l.w.resize(size_t(n * k));
  for (float &v : l.w)
    v = d(rng) * 0.1f;
  l.x.resize(size_t(rows * k));
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < k; ++c)
      l.x[size_t(r * k + c)] = d(rng) * (c % 8 == 0 ? 20.0f : 1.0f);
  l.h.assign(size_t(k * k), 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t a = 0; a < k; ++a)
      for (int64_t b = 0; b < k; ++b)
        l.h[size_t(a * k + b)] +=
            double(l.x[size_t(r * k + a)]) * l.x[size_t(r * k + b)];
  l.meanAbs.assign(size_t(k), 0);
  l.maxAbs.assign(size_t(k), 0);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < k; ++c) {
      float a = std::fabs(l.x[size_t(r * k + c)]);
      l.meanAbs[size_t(c)] += a / float(rows);
      l.maxAbs[size_t(c)] = std::max(l.maxAbs[size_t(c)], a);
    }
  return l;
}

TEST(Equalize, ScalingPreservesTheFunction) {
  Layer l = makeLayer(1, 6, 16, 10);
  std::string err;
  auto s = smoothQuantScales(l.maxAbs, l.w, l.n, l.k, 0.5, &err);
  ASSERT_TRUE(s) << err;
  std::vector<float> w2 = l.w;
  scaleColumns(w2, l.n, l.k, *s);
  for (int64_t r = 0; r < l.rows; ++r)
    for (int64_t o = 0; o < l.n; ++o) {
      double y = 0, y2 = 0, mag = 0;
      for (int64_t c = 0; c < l.k; ++c) {
        y += double(l.x[size_t(r * l.k + c)]) * l.w[size_t(o * l.k + c)];
        y2 += double(l.x[size_t(r * l.k + c)] / (*s)[size_t(c)]) *
              w2[size_t(o * l.k + c)];
        mag += std::fabs(double(l.x[size_t(r * l.k + c)]) *
                         l.w[size_t(o * l.k + c)]);
      }
      EXPECT_NEAR(y, y2, 1e-5 * mag + 1e-7);
    }
}

TEST(Equalize, SmoothQuantClosedForm) {
  // K = 2, N = 1: s_k = sqrt(amax_k / wmax_k).
  std::string err;
  auto s = smoothQuantScales({4.0f, 0.0f}, {1.0f, 2.0f}, 1, 2, 0.5, &err);
  ASSERT_TRUE(s) << err;
  EXPECT_FLOAT_EQ((*s)[0], 2.0f);
  EXPECT_FLOAT_EQ((*s)[1], 1.0f); // zero activation range: unscaled
  EXPECT_FALSE(smoothQuantScales({1.0f}, {1.0f, 2.0f}, 1, 2, 0.5, &err));
  EXPECT_FALSE(smoothQuantScales({1.0f, 1.0f}, {1.0f, 2.0f}, 1, 2, 1.5, &err));
}

TEST(Equalize, AWQNeverWorseAndHelpsSalientChannels) {
  for (unsigned seed : {1u, 2u, 3u}) {
    Layer l = makeLayer(seed, 8, 32, 64);
    TensorDesc desc{{l.n, l.k}, {}, {}};
    desc.scheme.bits = 3;
    desc.scheme.axis = 0;
    std::string err;
    auto r = awqSearch(l.w, desc, l.h, l.meanAbs, 20, &err);
    ASSERT_TRUE(r) << err;
    EXPECT_LE(r->objective, r->rtnObjective);
    // Salient channels (20x activations): protecting them pays off.
    EXPECT_LT(r->objective, 0.9 * r->rtnObjective) << seed;
    EXPECT_GT(r->alpha, 0.0);
  }
}

TEST(Equalize, AWQInvalidInput) {
  Layer l = makeLayer(1, 4, 8, 8);
  TensorDesc desc{{l.n, l.k}, {}, {}};
  desc.scheme.axis = 0;
  std::string err;
  EXPECT_FALSE(awqSearch(l.w, desc, l.h, {1.0f}, 20, &err));
  EXPECT_EQ(err, "expected 8 activation magnitudes, got 1");
  EXPECT_FALSE(awqSearch(l.w, desc, {}, l.meanAbs, 20, &err));
}

} // namespace
