//===- RTNTest.cpp - Tests for round to nearest and the clipping search ---===//
//
// RTN without a search is the reference quantizer; the per-block scale rule
// is computeScales's; the clipping search never increases a block's error
// and helps on a block with an outlier; the layer objective matches
// ||(W - Ŵ) X^T||^2 computed from X; bad inputs give errors.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Rounding.h"

#include "RoundingTestUtil.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>
#include <random>

using namespace qforge;
using namespace qforge::testing;

namespace {

std::vector<float> randomValues(int64_t count, std::mt19937 &rng,
                                float sigma = 1.0f) {
  std::normal_distribution<float> normal(0.0f, sigma);
  std::vector<float> v(count);
  for (float &x : v)
    x = normal(rng);
  return v;
}

/// Every scheme shape RTN supports on a 6 x 8 tensor.
std::vector<Scheme> rtnSchemes() {
  std::vector<Scheme> out = {
      intScheme(ElementFormat::SInt, 4, false, 0),
      intScheme(ElementFormat::UInt, 3, true, 0),
      intScheme(ElementFormat::SInt, 3, false, 1, 4),
      intScheme(ElementFormat::SInt, 2, true, 1, 2),
      intScheme(ElementFormat::SInt, 8, false, -1),
      intScheme(ElementFormat::UInt, 4, false, 0),
      intScheme(ElementFormat::SInt, 4, false, 1),
      intScheme(ElementFormat::UInt, 4, true, 0, 3),
      intScheme(ElementFormat::SInt, 1, false, 0),
  };
  Scheme f16 = intScheme(ElementFormat::SInt, 4, true, 1, 4);
  f16.scaleFormat = ScaleFormat::F16;
  out.push_back(f16);
  Scheme e8m0 = intScheme(ElementFormat::SInt, 4, false, 0);
  e8m0.scaleFormat = ScaleFormat::E8M0;
  e8m0.rounding = RoundingMode::NearestAway;
  out.push_back(e8m0);
  return out;
}

TEST(RTNTest, WithoutSearchEqualsReferenceQuantize) {
  std::mt19937 rng(1);
  for (const Scheme &s : rtnSchemes()) {
    TensorDesc d = desc2D(6, 12, s);
    std::vector<float> w = randomValues(6 * 12, rng);
    std::string err;
    std::optional<RoundingResult> r = roundToNearest(w, d, {}, {}, &err);
    ASSERT_TRUE(r) << err;
    QuantizedTensor ref = quantize(w, d);
    EXPECT_EQ(r->tensor.codes, ref.codes) << toString(s.format) << s.bits;
    EXPECT_EQ(r->tensor.scales, ref.scales);
    EXPECT_EQ(r->tensor.zeroPoints, ref.zeroPoints);
    std::vector<float> deq = dequantize(ref);
    EXPECT_DOUBLE_EQ(r->objective, *layerObjective(w, deq, {}, 6, 12));
  }
}

TEST(RTNTest, BlockScaleForRangeIsComputeScales) {
  std::mt19937 rng(2);
  std::uniform_real_distribution<float> shift(-2.0f, 2.0f);
  for (const Scheme &base : rtnSchemes()) {
    Scheme s = base;
    s.axis = -1;
    s.groupSize = 0;
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<float> v = randomValues(16, rng, 0.3f);
      float off = trial % 3 == 0 ? shift(rng) : 0.0f; // one-sided blocks too
      for (float &x : v)
        x += off;
      std::vector<float> scales;
      std::vector<int32_t> zps;
      float ts = 1.0f;
      computeScales(v, desc2D(4, 4, s), scales, zps, ts);
      float lo = 0, hi = 0;
      for (float x : v) {
        lo = std::min(lo, x);
        hi = std::max(hi, x);
      }
      BlockScale bs = blockScaleForRange(lo, hi, s);
      ASSERT_EQ(scales.size(), 1u);
      EXPECT_EQ(bs.scale, scales[0]);
      EXPECT_EQ(bs.zeroPoint, s.asymmetric ? zps[0] : 0);
    }
  }
  // All-zero blocks keep scale 1, as computeScales.
  EXPECT_EQ(blockScaleForRange(0, 0, intScheme(ElementFormat::SInt, 4, true, 0)),
            (BlockScale{1.0f, 0}));
}

TEST(RTNTest, SearchNeverIncreasesBlockError) {
  std::mt19937 rng(3);
  std::exponential_distribution<float> heavy(1.0f);
  std::uniform_real_distribution<double> weight(0.0, 3.0);
  int improved = 0, blocks = 0;
  for (const Scheme &base : rtnSchemes()) {
    Scheme s = base;
    s.axis = -1;
    s.groupSize = 0;
    for (int trial = 0; trial < 30; ++trial) {
      int64_t count = 4 + trial;
      std::vector<float> v = randomValues(count, rng);
      if (trial % 2) // heavy tails: clipping often pays
        for (float &x : v)
          x *= heavy(rng);
      std::vector<double> wts(count);
      for (double &x : wts)
        x = weight(rng);
      for (const double *wp : std::vector<const double *>{nullptr, wts.data()}) {
        float lo = 0, hi = 0;
        for (float x : v) {
          lo = std::min(lo, x);
          hi = std::max(hi, x);
        }
        double plain =
            blockError(v.data(), wp, count, blockScaleForRange(lo, hi, s), s);
        double searched = 0;
        BlockScale bs = searchBlockScale(v.data(), wp, count, s,
                                         ClipSearch::mse(), &searched);
        EXPECT_LE(searched, plain);
        EXPECT_DOUBLE_EQ(searched, blockError(v.data(), wp, count, bs, s));
        improved += searched < plain;
        ++blocks;
      }
    }
  }
  EXPECT_GT(improved, blocks / 4); // the search does something
}

/// 1000 values spread evenly over [-1, 1] and one at 4: at 3 bits the plain
/// scale 4/3 rounds most values to 0; clipping to about half the range
/// sacrifices the outlier and wins overall.
TEST(RTNTest, SearchClipsAnOutlier) {
  std::vector<float> v;
  for (int i = 0; i < 1000; ++i)
    v.push_back(-1.0f + 2.0f * float(i) / 999.0f);
  v.push_back(4.0f);
  Scheme s = intScheme(ElementFormat::SInt, 3, false, -1);
  BlockScale plainScale = blockScaleForRange(-1.0, 4.0, s);
  EXPECT_EQ(plainScale.scale, 4.0f / 3.0f);
  double plain = blockError(v.data(), nullptr, int64_t(v.size()), plainScale, s);
  double searched = 0;
  BlockScale bs = searchBlockScale(v.data(), nullptr, int64_t(v.size()), s,
                                   ClipSearch::mse(), &searched);
  EXPECT_LT(searched, 0.5 * plain);
  EXPECT_LT(bs.scale, 0.8f * plainScale.scale);
  EXPECT_GE(bs.scale, 0.5f * plainScale.scale);

  // The outlier's column dominates the Hessian diagonal: keep its range.
  std::vector<double> wts(v.size(), 1.0);
  wts.back() = 1e6;
  EXPECT_EQ(searchBlockScale(v.data(), wts.data(), int64_t(v.size()), s,
                             ClipSearch::mse()),
            plainScale);

  // The same block as a row of a layer.
  TensorDesc d = desc2D(1, int64_t(v.size()), s);
  d.scheme.axis = 0;
  RTNOptions search;
  search.clip = ClipSearch::mse();
  std::optional<RoundingResult> a = roundToNearest(v, d, {});
  std::optional<RoundingResult> b = roundToNearest(v, d, {}, search);
  ASSERT_TRUE(a && b);
  EXPECT_NEAR(a->objective, plain, 1e-12 * plain);
  EXPECT_NEAR(b->objective, searched, 1e-12 * searched);
  EXPECT_EQ(b->tensor.scales[0], bs.scale);
}

TEST(RTNTest, SearchNeverWorseOnLayers) {
  std::mt19937 rng(4);
  for (const Scheme &s : rtnSchemes()) {
    TensorDesc d = desc2D(6, 12, s);
    std::vector<float> w = randomValues(6 * 12, rng);
    w[5] = 6.0f; // an outlier in row 0 / group 1
    std::vector<double> h(12 * 12, 0.0);
    for (int64_t i = 0; i < 12; ++i)
      h[i * 13] = 0.5 + double(i);
    RTNOptions search;
    search.clip = ClipSearch::mse();
    for (const std::vector<double> &hess : {std::vector<double>{}, h}) {
      std::optional<RoundingResult> plain = roundToNearest(w, d, hess);
      std::optional<RoundingResult> best = roundToNearest(w, d, hess, search);
      ASSERT_TRUE(plain && best);
      // With a diagonal H the objective is the sum of the blocks' errors.
      EXPECT_LE(best->objective, plain->objective * (1 + 1e-12));
    }
  }
}

TEST(RTNTest, LayerObjectiveIsReconstructionError) {
  std::mt19937 rng(5);
  const int64_t n = 5, k = 7, m = 11;
  std::vector<float> w = randomValues(n * k, rng), q = randomValues(n * k, rng);
  std::vector<float> x = randomValues(m * k, rng);
  std::vector<double> h(k * k, 0.0);
  for (int64_t r = 0; r < m; ++r)
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < k; ++j)
        h[i * k + j] += double(x[r * k + i]) * x[r * k + j];
  double direct = 0, plain = 0;
  for (int64_t r = 0; r < m; ++r)
    for (int64_t o = 0; o < n; ++o) {
      double y = 0;
      for (int64_t i = 0; i < k; ++i)
        y += (double(w[o * k + i]) - q[o * k + i]) * x[r * k + i];
      direct += y * y;
    }
  for (int64_t i = 0; i < n * k; ++i)
    plain += (double(w[i]) - q[i]) * (double(w[i]) - q[i]);
  EXPECT_NEAR(*layerObjective(w, q, h, n, k), direct, 1e-9 * direct);
  EXPECT_NEAR(*layerObjective(w, q, {}, n, k), plain, 1e-12 * plain);
  EXPECT_EQ(*layerObjective(w, w, h, n, k), 0.0);

  std::string err;
  EXPECT_FALSE(layerObjective(w, q, h, n + 1, k, &err));
  EXPECT_NE(err.find("expected"), std::string::npos) << err;
  EXPECT_FALSE(layerObjective(w, {1.0f}, h, n, k, &err));
  EXPECT_FALSE(layerObjective(w, q, {1.0}, n, k, &err));
  EXPECT_NE(err.find("Hessian"), std::string::npos) << err;
}

/// Each bad input gives an error message containing `what`.
void expectRejected(const std::vector<float> &w, const TensorDesc &d,
                    const std::vector<double> &h, const std::string &what,
                    RTNOptions opts = {}) {
  std::string err;
  EXPECT_FALSE(roundToNearest(w, d, h, opts, &err)) << what;
  EXPECT_NE(err.find(what), std::string::npos) << "got: " << err;
}

TEST(RTNTest, RejectsBadInputs) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  Scheme s = intScheme(ElementFormat::SInt, 4, false, 0);
  TensorDesc d = desc2D(2, 4, s);
  std::vector<float> w(8, 0.5f);
  std::vector<double> h(16, 0.0);
  for (int i = 0; i < 4; ++i)
    h[i * 5] = 1.0;

  expectRejected(std::vector<float>(7, 0.5f), d, h, "expected 8 weights");
  expectRejected(w, d, std::vector<double>(15, 0.0), "4 x 4 Hessian");
  std::vector<float> bad = w;
  bad[5] = nan;
  expectRejected(bad, d, h, "weight [1, 1] is nan");
  bad[5] = -inf;
  expectRejected(bad, d, h, "not finite");
  std::vector<double> badH = h;
  badH[1] = std::numeric_limits<double>::infinity();
  expectRejected(w, d, badH, "Hessian entry [0, 1]");
  badH = h;
  badH[1] = 0.5; // [0, 1] != [1, 0]
  expectRejected(w, d, badH, "not symmetric");
  badH = h;
  badH[5] = -1.0;
  expectRejected(w, d, badH, "negative");
  expectRejected(w, desc2D(2, 4, intScheme(ElementFormat::SInt, 4, false, 1, 3)),
                 h, "group size 3 does not divide dimension 1 (4)");
  TensorDesc rank3 = d;
  rank3.shape = {2, 2, 2};
  expectRejected(w, rank3, h, "rank 2");
  TensorDesc fp8 = d;
  fp8.scheme.format = ElementFormat::F8E4M3FN;
  fp8.scheme.bits = 8;
  expectRejected(w, fp8, h, "integer element format");
  TensorDesc twoLevel = desc2D(2, 4, intScheme(ElementFormat::SInt, 4, false, 1, 2));
  twoLevel.scheme.tensorScale = true;
  expectRejected(w, twoLevel, h, "two-level");
  RTNOptions zeroRatio;
  zeroRatio.clip = {0.0, 10};
  expectRejected(w, d, h, "clip ratio", zeroRatio);
}

} // namespace

// The odd grid rounds to the nearest odd value (ties to the even code),
// saturating at +-(2^b - 1); binary is the sign, 0 (a tie) to code 0 (-1),
// NaN to +1.
TEST(RTNTest, OddGridRoundsToNearestOddValue) {
  Scheme s;
  s.bits = 2;
  s.grid = IntegerGrid::Odd;
  // Grid {-3, -1, 1, 3}: midpoints -2, 0, 2 tie to the even codes 0 and 2
  // (values -3 and 1).
  const std::pair<float, int32_t> cases[] = {
      {-5.0f, -3}, {-2.5f, -3}, {-2.0f, -3}, {-1.5f, -1}, {-0.1f, -1},
      {0.0f, 1},   {0.9f, 1},   {1.9f, 1},   {2.0f, 1},   {2.1f, 3},
      {100.0f, 3}};
  for (auto [x, want] : cases)
    EXPECT_EQ(quantizeValue(x, 1.0f, 0, s), want) << x;
  s.bits = 1;
  EXPECT_EQ(quantizeValue(-0.001f, 0.5f, 0, s), -1);
  EXPECT_EQ(quantizeValue(0.0f, 0.5f, 0, s), -1);
  EXPECT_EQ(quantizeValue(0.001f, 0.5f, 0, s), 1);
  EXPECT_EQ(quantizeValue(-7.0f, 0.5f, 0, s), -1);
  EXPECT_EQ(quantizeValue(std::nanf(""), 0.5f, 0, s), 1);
  EXPECT_EQ(dequantizeValue(-1, 0.5f, 0, s), -0.5f);
}

// Binary and ternary scales from the search against brute force over a
// fine grid of scales: binary reaches the optimum, mean |x| (weighted), up
// to f32 rounding; ternary's Lloyd iterations come within 1% of it.
TEST(RTNTest, BinaryAndTernaryScalesAgainstBruteForce) {
  std::mt19937 rng(11);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<double> weight(0.2, 2.0);
  for (int trial = 0; trial < 20; ++trial) {
    int64_t count = 64 + 16 * trial;
    std::vector<float> v(count);
    for (float &x : v)
      x = normal(rng);
    std::vector<double> wts(count);
    for (double &w : wts)
      w = weight(rng);
    float absMax = 0;
    for (float x : v)
      absMax = std::max(absMax, std::abs(x));
    for (int kind = 0; kind < 2; ++kind) {
      Scheme s;
      s.bits = kind == 0 ? 1 : 2;
      s.grid = kind == 0 ? IntegerGrid::Odd : IntegerGrid::Narrow;
      double best = std::numeric_limits<double>::infinity();
      for (int i = 1; i <= 4000; ++i) {
        BlockScale bs;
        bs.scale = absMax * float(i) / 4000.0f;
        best = std::min(best, blockError(v.data(), wts.data(), count, bs, s));
      }
      double searched = 0;
      searchBlockScale(v.data(), wts.data(), count, s, ClipSearch::mse(),
                       &searched);
      EXPECT_LE(searched, best * (kind == 0 ? 1.0 + 1e-6 : 1.01))
          << "trial " << trial << " kind " << kind;
    }
  }
  // Binary: the optimum is sum w |x| / sum w.
  std::vector<float> v = {0.5f, -1.5f, 2.0f, -0.25f};
  std::vector<double> w = {1, 2, 1, 4};
  Scheme binary;
  binary.bits = 1;
  binary.grid = IntegerGrid::Odd;
  BlockScale bs =
      searchBlockScale(v.data(), w.data(), 4, binary, ClipSearch::mse());
  EXPECT_FLOAT_EQ(bs.scale, float((0.5 + 3.0 + 2.0 + 1.0) / 8.0));
}
