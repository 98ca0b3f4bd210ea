//===- GPTQTest.cpp - Tests for GPTQ ---------------------------------------===//
//
// GPTQ against brute force and against RTN: equal to RTN when H = I without
// dampening; exhaustive search <= GPTQ <= RTN on small random problems;
// act-order with groups keeps the original groups; static groups use the RTN
// scales; blocking does not change the result; a plain unblocked
// implementation in double agrees; dead columns; determinism; errors.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Rounding.h"

#include "RoundingTestUtil.h"

#include "gtest/gtest.h"

#include <cmath>
#include <functional>
#include <limits>
#include <numeric>
#include <random>

using namespace qforge;
using namespace qforge::testing;

namespace {

std::vector<double> identity(int64_t k, double v = 1.0) {
  std::vector<double> h(k * k, 0.0);
  for (int64_t i = 0; i < k; ++i)
    h[i * k + i] = v;
  return h;
}

double objective(const Problem &p, const QuantizedTensor &q) {
  return *layerObjective(p.w, dequantize(q), p.h, p.n, p.k);
}

RoundingResult gptq(const Problem &p, const TensorDesc &d,
                    const GPTQOptions &o = {}) {
  std::string err;
  std::optional<RoundingResult> r = roundGPTQ(p.w, d, p.h, o, &err);
  EXPECT_TRUE(r) << err;
  return r ? *r : RoundingResult();
}

RoundingResult rtn(const Problem &p, const TensorDesc &d) {
  return *roundToNearest(p.w, d, p.h);
}

TEST(GPTQTest, UpperCholeskyOfInverse) {
  std::mt19937 rng(1);
  for (int64_t k : {1, 7, 150}) { // 150: several blocks of the inversion
    Problem p = randomProblem(1, k, rng);
    std::optional<std::vector<double>> u = upperCholeskyOfInverse(p.h, k);
    ASSERT_TRUE(u);
    double maxErr = 0;
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < k; ++j) {
        if (i > j) {
          EXPECT_EQ((*u)[i * k + j], 0.0);
        }
        // (U^T U H)_ij should be the identity.
        double v = 0;
        for (int64_t a = 0; a < k; ++a) {
          double uta = 0; // (U^T U)_ia
          for (int64_t b = 0; b <= std::min(i, a); ++b)
            uta += (*u)[b * k + i] * (*u)[b * k + a];
          v += uta * p.h[a * k + j];
        }
        maxErr = std::max(maxErr, std::fabs(v - (i == j ? 1.0 : 0.0)));
      }
    EXPECT_LT(maxErr, 1e-8) << "k = " << k;
    for (int64_t i = 0; i < k; ++i)
      EXPECT_GT((*u)[i * k + i], 0.0);
  }
  std::string err;
  EXPECT_FALSE(upperCholeskyOfInverse({1, 2, 2, 1}, 2, &err));
  EXPECT_NE(err.find("positive definite"), std::string::npos);
  EXPECT_FALSE(upperCholeskyOfInverse({1, 0, 0}, 2, &err));
}

TEST(GPTQTest, EqualsRTNWithIdentityHessianAndNoDampening) {
  std::mt19937 rng(2);
  std::vector<Scheme> schemes = {
      intScheme(ElementFormat::SInt, 4, false, 0),
      intScheme(ElementFormat::UInt, 3, true, 0),
      intScheme(ElementFormat::SInt, 3, false, 1, 4),
      intScheme(ElementFormat::UInt, 2, true, 1, 8),
      intScheme(ElementFormat::SInt, 8, false, -1),
  };
  for (const Scheme &s : schemes)
    for (bool actOrder : {false, true})
      for (int64_t block : {int64_t(3), int64_t(128)}) {
        Problem p = randomProblem(5, 16, rng);
        p.h = identity(16);
        TensorDesc d = desc2D(5, 16, s);
        GPTQOptions o;
        o.dampening = 0;
        o.actOrder = actOrder;
        o.blockSize = block;
        RoundingResult g = gptq(p, d, o), r = rtn(p, d);
        EXPECT_EQ(g.tensor.codes, r.tensor.codes);
        EXPECT_EQ(g.tensor.scales, r.tensor.scales);
        EXPECT_EQ(g.tensor.zeroPoints, r.tensor.zeroPoints);
        EXPECT_EQ(g.objective, r.objective);
      }
}

/// On problems small enough for exhaustive search, GPTQ (with the RTN
/// scales) lies between the optimum and RTN. GPTQ is greedy, so on K = 4..6
/// inputs it loses to RTN on some instances (about 10% without act-order
/// and 2% with it, measured over 400 random problems per setting): it must
/// win on most of them and in total, and on every instance once K = 32
/// (0 losses in 2400 measured instances at 2, 3 and 4 bits).
TEST(GPTQTest, ExhaustiveBelowGPTQBelowRTN) {
  std::mt19937 rng(3);
  int notWorse = 0, cases = 0;
  double totalGPTQ = 0, totalRTN = 0;
  for (int seed = 0; seed < 24; ++seed) {
    int64_t n = 3 + seed % 2, k = 4 + seed % 3;
    unsigned bits = 2 + (seed / 3) % 2;
    Problem p = randomProblem(n, k, rng);
    std::vector<Scheme> schemes = {
        intScheme(ElementFormat::SInt, bits, false, 0),
        intScheme(ElementFormat::UInt, bits, true, 0)};
    if (k % 2 == 0)
      schemes.push_back(intScheme(ElementFormat::SInt, bits, false, 1, 2));
    for (const Scheme &s : schemes)
      for (bool actOrder : {false, true}) {
        TensorDesc d = desc2D(n, k, s);
        GPTQOptions o;
        o.actOrder = actOrder;
        o.staticGroups = true; // the same scales as RTN
        RoundingResult g = gptq(p, d, o), r = rtn(p, d);
        ASSERT_EQ(g.tensor.scales, r.tensor.scales);
        double best = exhaustive(p, g.tensor);
        EXPECT_LE(best, g.objective * (1 + 1e-9)) << "seed " << seed;
        EXPECT_LE(best, r.objective * (1 + 1e-9)) << "seed " << seed;
        notWorse += g.objective <= r.objective * (1 + 1e-9);
        totalGPTQ += g.objective / r.objective;
        totalRTN += 1;
        ++cases;
      }
  }
  EXPECT_GE(notWorse, cases * 8 / 10) << notWorse << " of " << cases;
  EXPECT_LT(totalGPTQ, 0.8 * totalRTN); // mean ratio to RTN

  for (int seed = 0; seed < 12; ++seed) {
    Problem p = randomProblem(8, 32, rng);
    unsigned bits = 2 + seed % 3;
    for (const Scheme &s : {intScheme(ElementFormat::SInt, bits, false, 0),
                            intScheme(ElementFormat::UInt, bits, true, 1, 8)})
      for (bool actOrder : {false, true}) {
        TensorDesc d = desc2D(8, 32, s);
        GPTQOptions o;
        o.actOrder = actOrder;
        EXPECT_LE(gptq(p, d, o).objective, rtn(p, d).objective)
            << "seed " << seed << " bits " << bits << " act-order "
            << actOrder << " axis " << s.axis;
      }
  }
}

/// With a diagonal H there is no error feedback, so the processing order
/// cannot matter: act-order with groups must give the same values as the
/// plain order, with the groups of the original column order.
TEST(GPTQTest, ActOrderKeepsGroupsWithDiagonalHessian) {
  std::mt19937 rng(4);
  std::uniform_real_distribution<double> uniform(0.5, 4.0);
  for (bool equalDiagonal : {true, false})
    for (bool staticGroups : {false, true}) {
      Problem p = randomProblem(6, 24, rng);
      p.h = identity(24, 2.5);
      if (!equalDiagonal) // distinct entries: a non-trivial permutation
        for (int64_t i = 0; i < 24; ++i)
          p.h[i * 25] = uniform(rng);
      TensorDesc d = desc2D(6, 24, intScheme(ElementFormat::SInt, 3, false, 1, 8));
      GPTQOptions plain, act;
      plain.staticGroups = act.staticGroups = staticGroups;
      act.actOrder = true;
      act.blockSize = plain.blockSize = 5;
      RoundingResult a = gptq(p, d, plain), b = gptq(p, d, act);
      EXPECT_EQ(dequantize(a.tensor), dequantize(b.tensor));
      EXPECT_EQ(a.tensor.scales, b.tensor.scales);
      EXPECT_EQ(a.tensor.scales, rtn(p, d).tensor.scales);
    }
}

TEST(GPTQTest, StaticGroupsUseRTNScales) {
  std::mt19937 rng(5);
  Problem p = randomProblem(4, 32, rng);
  TensorDesc d = desc2D(4, 32, intScheme(ElementFormat::UInt, 3, true, 1, 8));
  RoundingResult r = rtn(p, d);
  GPTQOptions o;
  o.actOrder = true;
  o.staticGroups = true;
  RoundingResult g = gptq(p, d, o);
  EXPECT_EQ(g.tensor.scales, r.tensor.scales);
  EXPECT_EQ(g.tensor.zeroPoints, r.tensor.zeroPoints);
  // Without static groups, the first group (no feedback yet) has the RTN
  // scales and later groups see the updated weights.
  o.actOrder = false;
  o.staticGroups = false;
  RoundingResult lazy = gptq(p, d, o);
  for (int64_t row = 0; row < 4; ++row)
    EXPECT_EQ(lazy.tensor.scales[row * 4], r.tensor.scales[row * 4]);
  EXPECT_NE(lazy.tensor.scales, r.tensor.scales);
  EXPECT_LE(lazy.objective, r.objective);
  EXPECT_LE(g.objective, r.objective);
}

/// GPTQ written plainly: unblocked, in double, each group's scales taken
/// at its first column in processing order from the updated weights.
QuantizedTensor naiveGPTQ(const Problem &p, const TensorDesc &d,
                          bool actOrder) {
  const int64_t n = p.n, k = p.k, gs = d.scheme.groupSize;
  const Scheme &s = d.scheme;
  std::vector<double> h = p.h, w(p.w.begin(), p.w.end());
  double mean = 0;
  for (int64_t i = 0; i < k; ++i)
    mean += h[i * k + i] / k;
  std::vector<int64_t> perm(k);
  std::iota(perm.begin(), perm.end(), 0);
  if (actOrder)
    std::stable_sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
      return h[a * k + a] > h[b * k + b];
    });
  std::vector<double> hp(k * k);
  for (int64_t i = 0; i < k; ++i)
    for (int64_t j = 0; j < k; ++j)
      hp[i * k + j] = h[perm[i] * k + perm[j]] + (i == j ? 0.01 * mean : 0.0);
  std::vector<double> u = *upperCholeskyOfInverse(hp, k);
  QuantizedTensor q;
  q.desc = d;
  q.codes.assign(n * k, 0);
  q.scales.assign(n * (k / gs), 0.0f);
  std::vector<bool> ready(k / gs, false);
  for (int64_t i = 0; i < k; ++i) {
    int64_t col = perm[i], g = col / gs;
    for (int64_t r = 0; r < n; ++r) {
      if (!ready[g]) {
        std::vector<float> vals(w.begin() + r * k + g * gs,
                                w.begin() + r * k + (g + 1) * gs);
        q.scales[r * (k / gs) + g] =
            searchBlockScale(vals.data(), nullptr, gs, s, ClipSearch::none())
                .scale;
      }
      float scale = q.scales[r * (k / gs) + g];
      int32_t code = quantizeValue(float(w[r * k + col]), scale, 0, s);
      q.codes[r * k + col] = code;
      double e = (w[r * k + col] - dequantizeValue(code, scale, 0, s)) /
                 u[i * k + i];
      for (int64_t j = i + 1; j < k; ++j)
        w[r * k + perm[j]] -= e * u[i * k + j];
    }
    ready[g] = true;
  }
  return q;
}

TEST(GPTQTest, BlockingMatchesPlainImplementation) {
  std::mt19937 rng(6);
  Problem p = randomProblem(8, 24, rng);
  TensorDesc d = desc2D(8, 24, intScheme(ElementFormat::SInt, 3, false, 1, 6));
  for (bool actOrder : {false, true}) {
    QuantizedTensor naive = naiveGPTQ(p, d, actOrder);
    double naiveObj = objective(p, naive);
    for (int64_t block : {1, 4, 5, 128}) {
      GPTQOptions o;
      o.actOrder = actOrder;
      o.blockSize = block;
      RoundingResult g = gptq(p, d, o);
      // f32 updates against double: allow a rare code on a rounding edge.
      int64_t same = 0;
      for (size_t i = 0; i < naive.codes.size(); ++i)
        same += g.tensor.codes[i] == naive.codes[i];
      EXPECT_GE(same, int64_t(naive.codes.size()) - 2)
          << "block " << block << " act-order " << actOrder;
      EXPECT_NEAR(g.objective, naiveObj, 0.02 * naiveObj);
    }
  }
}

TEST(GPTQTest, DeadColumns) {
  std::mt19937 rng(7);
  Problem p = randomProblem(4, 8, rng);
  for (int64_t j = 0; j < 8; ++j) // input 3 is never active
    p.h[3 * 8 + j] = p.h[j * 8 + 3] = 0;
  TensorDesc d = desc2D(4, 8, intScheme(ElementFormat::SInt, 4, false, 0));
  GPTQOptions o;
  o.actOrder = true;
  RoundingResult g = gptq(p, d, o);
  std::vector<float> deq = dequantize(g.tensor);
  for (int64_t r = 0; r < 4; ++r)
    EXPECT_EQ(deq[r * 8 + 3], 0.0f);
  EXPECT_TRUE(std::isfinite(g.objective));
  EXPECT_LE(g.objective, rtn(p, d).objective);
}

TEST(GPTQTest, DeterministicAndPackable) {
  std::mt19937 rng(8);
  Problem p = randomProblem(16, 64, rng);
  TensorDesc d = desc2D(16, 64, intScheme(ElementFormat::UInt, 4, true, 1, 16));
  d.layout.tile = {4, 8};
  GPTQOptions o;
  o.actOrder = true;
  o.blockSize = 24;
  o.clip = ClipSearch::mse();
  RoundingResult a = gptq(p, d, o), b = gptq(p, d, o);
  EXPECT_EQ(a.tensor.codes, b.tensor.codes);
  EXPECT_EQ(a.tensor.scales, b.tensor.scales);
  EXPECT_EQ(a.tensor.zeroPoints, b.tensor.zeroPoints);
  EXPECT_EQ(a.objective, b.objective);
  std::vector<uint8_t> blob = packBlob(a.tensor);
  std::string err;
  std::optional<QuantizedTensor> back =
      unpackBlob(blob.data(), int64_t(blob.size()), d, &err);
  ASSERT_TRUE(back) << err;
  EXPECT_EQ(back->codes, a.tensor.codes);
  EXPECT_EQ(dequantize(*back), dequantize(a.tensor));
}

void expectRejected(const Problem &p, const TensorDesc &d,
                    const std::string &what, GPTQOptions o = {}) {
  std::string err;
  EXPECT_FALSE(roundGPTQ(p.w, d, p.h, o, &err)) << what;
  EXPECT_NE(err.find(what), std::string::npos) << "got: " << err;
}

TEST(GPTQTest, RejectsBadInputs) {
  std::mt19937 rng(9);
  Problem p = randomProblem(3, 6, rng);
  TensorDesc d = desc2D(3, 6, intScheme(ElementFormat::SInt, 4, false, 0));
  Problem noH = p;
  noH.h.clear();
  expectRejected(noH, d, "6 x 6 Hessian");
  Problem bad = p;
  bad.w.pop_back();
  expectRejected(bad, d, "expected 18 weights");
  bad = p;
  bad.w[4] = std::numeric_limits<float>::quiet_NaN();
  expectRejected(bad, d, "weight [0, 4] is nan");
  bad = p;
  bad.h[7] = std::numeric_limits<double>::quiet_NaN();
  expectRejected(bad, d, "Hessian entry [1, 1]");
  expectRejected(p, desc2D(3, 6, intScheme(ElementFormat::SInt, 4, false, 1, 4)),
                 "group size 4 does not divide dimension 1 (6)");
  expectRejected(p, desc2D(3, 6, intScheme(ElementFormat::SInt, 4, false, 1)),
                 "per-axis scales on axis 1");
  expectRejected(p, desc2D(3, 6, intScheme(ElementFormat::SInt, 4, false, 0, 3)),
                 "groups along axis 0");
  GPTQOptions o;
  o.blockSize = 0;
  expectRejected(p, d, "block size", o);
  o = {};
  o.dampening = -0.1;
  expectRejected(p, d, "dampening", o);
  // Indefinite H with a positive diagonal: Cholesky fails.
  Problem indefinite = p;
  indefinite.h = identity(6);
  indefinite.h[1] = indefinite.h[6] = 2.0;
  o = {};
  o.dampening = 0;
  expectRejected(indefinite, d, "not positive definite", o);
}

} // namespace
