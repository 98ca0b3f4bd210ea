//===- AllocationTest.cpp - The bit-allocation solver ---------------------===//
//
// The branch and bound against exhaustive search on random small instances
// (with and without tied layers), infeasible budgets, malformed input, and a
// larger instance that must finish.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Allocation.h"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>

using namespace qforge;

namespace {

/// The best error over all allocations within the budget (tied layers equal).
double exhaustive(const std::vector<std::vector<Candidate>> &layers,
                  double budget, const std::vector<int> &tied) {
  double best = INFINITY;
  std::vector<int> choice(layers.size());
  std::function<void(size_t)> rec = [&](size_t i) {
    if (i == layers.size()) {
      double cost = 0, err = 0;
      for (size_t j = 0; j < layers.size(); ++j) {
        for (size_t k = 0; k < j; ++k)
          if (!tied.empty() && tied[j] >= 0 && tied[j] == tied[k] &&
              choice[j] != choice[k])
            return;
        cost += layers[j][size_t(choice[j])].cost;
        err += layers[j][size_t(choice[j])].error;
      }
      if (cost <= budget + 1e-9)
        best = std::min(best, err);
      return;
    }
    for (size_t c = 0; c < layers[i].size(); ++c) {
      choice[i] = int(c);
      rec(i + 1);
    }
  };
  rec(0);
  return best;
}

std::vector<std::vector<Candidate>> randomInstance(std::mt19937 &rng,
                                                   size_t nLayers,
                                                   size_t nCands) {
  std::uniform_real_distribution<double> u(0.0, 1.0);
  std::vector<std::vector<Candidate>> layers(nLayers);
  for (auto &l : layers) {
    double size = 100 + 1000 * u(rng);
    double sensitivity = std::exp(6 * u(rng));
    for (size_t c = 0; c < nCands; ++c) {
      double bits = 1 + double(c) * 1.5 + u(rng);
      // Mostly decreasing error with bits, with noise (not always convex).
      l.push_back({size * bits, sensitivity * std::exp2(-2 * bits) *
                                    (0.5 + u(rng))});
    }
  }
  return layers;
}

TEST(Allocation, MatchesExhaustiveSearch) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 300; ++trial) {
    size_t nLayers = 1 + trial % 6, nCands = 1 + trial % 4;
    auto layers = randomInstance(rng, nLayers, nCands);
    double minCost = 0, maxCost = 0;
    for (auto &l : layers) {
      double lo = INFINITY, hi = 0;
      for (auto &c : l) {
        lo = std::min(lo, c.cost);
        hi = std::max(hi, c.cost);
      }
      minCost += lo;
      maxCost += hi;
    }
    double budget = minCost + (maxCost - minCost) *
                                  std::uniform_real_distribution<>(0, 1)(rng);
    std::string err;
    auto a = allocateBits(layers, budget, {}, &err);
    ASSERT_TRUE(a) << err;
    EXPECT_LE(a->cost, budget + 1e-6);
    EXPECT_NEAR(a->error, exhaustive(layers, budget, {}), 1e-9 * (1 + a->error))
        << "trial " << trial;
  }
}

TEST(Allocation, TiedLayersShareTheChoice) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 200; ++trial) {
    auto layers = randomInstance(rng, 5, 3);
    std::vector<int> tied = {0, -1, 0, 1, 1};
    double budget = 0;
    for (auto &l : layers)
      budget += l[1].cost;
    std::string err;
    auto a = allocateBits(layers, budget, tied, &err);
    ASSERT_TRUE(a) << err;
    EXPECT_EQ(a->choice[0], a->choice[2]);
    EXPECT_EQ(a->choice[3], a->choice[4]);
    EXPECT_NEAR(a->error, exhaustive(layers, budget, tied),
                1e-9 * (1 + a->error));
  }
}

TEST(Allocation, BudgetEdges) {
  std::vector<std::vector<Candidate>> layers = {{{10, 5}, {20, 1}},
                                                {{10, 7}, {40, 0}}};
  std::string err;
  // Exactly the cheapest allocation.
  auto a = allocateBits(layers, 20, {}, &err);
  ASSERT_TRUE(a) << err;
  EXPECT_EQ(a->choice, (std::vector<int>{0, 0}));
  EXPECT_EQ(a->error, 12);
  // Below it: a clear error naming both numbers.
  EXPECT_FALSE(allocateBits(layers, 19.5, {}, &err));
  EXPECT_NE(err.find("budget 19.5"), std::string::npos) << err;
  EXPECT_NE(err.find("cheapest allocation (20"), std::string::npos) << err;
  // Everything affordable: the best candidate everywhere.
  a = allocateBits(layers, 1000, {}, &err);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->choice, (std::vector<int>{1, 1}));
  // Among equal errors, the cheaper one.
  a = allocateBits({{{5, 1}, {3, 1}}}, 10, {}, &err);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->choice[0], 1);
}

TEST(Allocation, MalformedInput) {
  std::string err;
  EXPECT_FALSE(allocateBits({{}}, 10, {}, &err));
  EXPECT_EQ(err, "layer 0 has no candidates");
  EXPECT_FALSE(allocateBits({{{1, -1}}}, 10, {}, &err));
  EXPECT_EQ(err, "candidate 0 of layer 0 has a negative or non-finite cost or error");
  EXPECT_FALSE(allocateBits({{{1, 1}}, {{1, 1}, {2, 0}}}, 10, {3, 3}, &err));
  EXPECT_EQ(err, "tied layers 0 and 1 have different numbers of candidates");
  EXPECT_FALSE(allocateBits({{{1, 1}}}, 10, {0, 1}, &err));
  EXPECT_FALSE(allocateBits({{{1, 1}}}, NAN, {}, &err));
}

TEST(Allocation, LargeInstanceFinishes) {
  std::mt19937 rng(3);
  auto layers = randomInstance(rng, 60, 8);
  double budget = 0;
  for (auto &l : layers)
    budget += 0.5 * (l.front().cost + l.back().cost);
  std::string err;
  auto a = allocateBits(layers, budget, {}, &err);
  ASSERT_TRUE(a) << err;
  EXPECT_LE(a->cost, budget + 1e-6);
}

} // namespace

// Spearman's rank correlation against the definition on small series: the
// Pearson correlation of the ranks (ties at their mean rank), by brute force.
TEST(RankCorrelationTest, AgainstPearsonOfRanks) {
  std::mt19937 rng(11);
  std::uniform_int_distribution<int> value(0, 5);
  for (int trial = 0; trial < 200; ++trial) {
    size_t n = 2 + trial % 7;
    std::vector<double> a(n), b(n);
    for (size_t i = 0; i < n; ++i) {
      a[i] = value(rng);
      b[i] = value(rng);
    }
    auto ranks = [](const std::vector<double> &v) {
      std::vector<double> r(v.size());
      for (size_t i = 0; i < v.size(); ++i) {
        double below = 0, equal = 0;
        for (double w : v) {
          below += w < v[i];
          equal += w == v[i];
        }
        r[i] = below + (equal - 1) / 2;
      }
      return r;
    };
    std::vector<double> ra = ranks(a), rb = ranks(b);
    double ma = 0, mb = 0;
    for (size_t i = 0; i < n; ++i) {
      ma += ra[i] / n;
      mb += rb[i] / n;
    }
    double cov = 0, va = 0, vb = 0;
    for (size_t i = 0; i < n; ++i) {
      cov += (ra[i] - ma) * (rb[i] - mb);
      va += (ra[i] - ma) * (ra[i] - ma);
      vb += (rb[i] - mb) * (rb[i] - mb);
    }
    double expected = va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : 0.0;
    EXPECT_NEAR(rankCorrelation(a, b), expected, 1e-12) << "trial " << trial;
  }
  EXPECT_DOUBLE_EQ(rankCorrelation({1, 2, 3, 4}, {10, 20, 30, 40}), 1.0);
  EXPECT_DOUBLE_EQ(rankCorrelation({1, 2, 3, 4}, {4, 3, 2, 1}), -1.0);
  EXPECT_DOUBLE_EQ(rankCorrelation({1}, {1}), 0.0);
  EXPECT_DOUBLE_EQ(rankCorrelation({1, 2}, {1, 2, 3}), 0.0);
}
