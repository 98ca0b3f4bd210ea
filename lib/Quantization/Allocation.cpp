//===- Allocation.cpp - Exact multiple-choice knapsack --------------------===//
//
// Branch and bound over the layers (tied layers merged into one unit), with
// the classic LP bound of the multiple-choice knapsack: on each unit's lower
// convex hull of (cost, error), start from the cheapest point and take the
// hull segments in order of decreasing error saved per unit of cost, the
// last one fractionally. The bound never exceeds the true optimum of the
// remaining units, so pruning keeps the search exact.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Allocation.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>

using namespace qforge;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// A segment of a unit's lower hull: moving up it costs `cost` more and
/// saves `saved` error.
struct Segment {
  double cost, saved;
  size_t unit = 0;
  double efficiency() const { return saved / cost; }
};

struct Unit {
  std::vector<int> layers;            ///< members
  std::vector<Candidate> candidates;  ///< summed over members
  std::vector<int> byError;           ///< candidate indices, error ascending
  double minCost = kInf, minCostError = kInf;
  std::vector<Segment> hull;
};

/// The lower convex hull of a unit's (cost, error) points, as segments.
void buildHull(Unit &u) {
  std::vector<Candidate> pts = u.candidates;
  std::sort(pts.begin(), pts.end(), [](const Candidate &a, const Candidate &b) {
    return a.cost < b.cost || (a.cost == b.cost && a.error < b.error);
  });
  // Pareto front: strictly decreasing error as cost grows.
  std::vector<Candidate> front;
  for (const Candidate &c : pts)
    if (front.empty() || c.error < front.back().error) {
      if (!front.empty() && c.cost == front.back().cost)
        front.back() = c;
      else
        front.push_back(c);
    }
  // Lower convex hull (slopes increasing, i.e. savings per cost decreasing).
  std::vector<Candidate> hull;
  for (const Candidate &c : front) {
    while (hull.size() >= 2) {
      const Candidate &a = hull[hull.size() - 2], &b = hull.back();
      // b is above the segment a-c: drop it.
      double cross = (b.cost - a.cost) * (c.error - a.error) -
                     (b.error - a.error) * (c.cost - a.cost);
      if (cross <= 0)
        hull.pop_back();
      else
        break;
    }
    hull.push_back(c);
  }
  u.minCost = hull.front().cost;
  u.minCostError = hull.front().error;
  for (size_t i = 1; i < hull.size(); ++i)
    u.hull.push_back({hull[i].cost - hull[i - 1].cost,
                      hull[i - 1].error - hull[i].error});
}

class Solver {
public:
  Solver(std::vector<Unit> units, double budget)
      : units(std::move(units)), budget(budget) {
    size_t n = this->units.size();
    suffixMinCost.assign(n + 1, 0);
    suffixMinCostError.assign(n + 1, 0);
    for (size_t i = n; i-- > 0;) {
      suffixMinCost[i] = suffixMinCost[i + 1] + this->units[i].minCost;
      suffixMinCostError[i] =
          suffixMinCostError[i + 1] + this->units[i].minCostError;
      for (Segment s : this->units[i].hull) {
        s.unit = i;
        segments.push_back(s);
      }
    }
    // Sorted once: a bound scans them, skipping the units already decided.
    std::stable_sort(segments.begin(), segments.end(),
                     [](const Segment &a, const Segment &b) {
                       return a.efficiency() > b.efficiency();
                     });
  }

  /// The LP bound on the error of units [from, end) with `room` cost left;
  /// infinity when even their cheapest points do not fit.
  double bound(size_t from, double room) const {
    if (suffixMinCost[from] > room + tolerance())
      return kInf;
    double err = suffixMinCostError[from];
    room -= suffixMinCost[from];
    for (const Segment &s : segments) {
      if (room <= 0)
        break;
      if (s.unit < from)
        continue;
      double take = std::min(1.0, room / s.cost);
      err -= take * s.saved;
      room -= take * s.cost;
    }
    return err;
  }

  Allocation solve() {
    choice.assign(units.size(), -1);
    search(0, 0, 0);
    Allocation a;
    a.choice = best;
    a.cost = bestCost;
    a.error = bestError;
    return a;
  }

private:
  double tolerance() const { return 1e-9 * std::max(1.0, std::fabs(budget)); }

  void search(size_t depth, double cost, double err) {
    if (depth == units.size()) {
      if (err < bestError || (err == bestError && cost < bestCost)) {
        bestError = err;
        bestCost = cost;
        best = choice;
      }
      return;
    }
    const Unit &u = units[depth];
    for (int c : u.byError) {
      const Candidate &cand = u.candidates[size_t(c)];
      double newCost = cost + cand.cost;
      if (newCost + suffixMinCost[depth + 1] > budget + tolerance())
        continue;
      double b = err + cand.error + bound(depth + 1, budget - newCost);
      // Exact: keep exploring on equal bounds only for a cheaper tie.
      if (b > bestError)
        continue;
      choice[depth] = c;
      search(depth + 1, newCost, err + cand.error);
    }
  }

  std::vector<Unit> units;
  double budget;
  std::vector<double> suffixMinCost, suffixMinCostError;
  std::vector<Segment> segments;
  std::vector<int> choice, best;
  double bestError = kInf, bestCost = kInf;
};

} // namespace

std::optional<Allocation>
qforge::allocateBits(const std::vector<std::vector<Candidate>> &layers,
                     double budget, const std::vector<int> &tiedGroup,
                     std::string *error) {
  auto fail = [&](const std::string &msg) -> std::optional<Allocation> {
    if (error)
      *error = msg;
    return std::nullopt;
  };
  if (!std::isfinite(budget))
    return fail("budget is not finite");
  if (!tiedGroup.empty() && tiedGroup.size() != layers.size())
    return fail("tied groups given for " + std::to_string(tiedGroup.size()) +
                " layers, expected " + std::to_string(layers.size()));
  for (size_t i = 0; i < layers.size(); ++i) {
    if (layers[i].empty())
      return fail("layer " + std::to_string(i) + " has no candidates");
    for (size_t c = 0; c < layers[i].size(); ++c) {
      const Candidate &cand = layers[i][c];
      if (!std::isfinite(cand.cost) || cand.cost < 0 ||
          !std::isfinite(cand.error) || cand.error < 0)
        return fail("candidate " + std::to_string(c) + " of layer " +
                    std::to_string(i) +
                    " has a negative or non-finite cost or error");
    }
  }

  // Units: tied layers merged, candidate by candidate.
  std::vector<Unit> units;
  std::map<int, size_t> unitOfGroup;
  for (size_t i = 0; i < layers.size(); ++i) {
    int group = tiedGroup.empty() ? -1 : tiedGroup[i];
    if (group >= 0) {
      auto it = unitOfGroup.find(group);
      if (it != unitOfGroup.end()) {
        Unit &u = units[it->second];
        if (u.candidates.size() != layers[i].size())
          return fail("tied layers " + std::to_string(u.layers.front()) +
                      " and " + std::to_string(i) +
                      " have different numbers of candidates");
        for (size_t c = 0; c < layers[i].size(); ++c) {
          u.candidates[c].cost += layers[i][c].cost;
          u.candidates[c].error += layers[i][c].error;
        }
        u.layers.push_back(int(i));
        continue;
      }
      unitOfGroup[group] = units.size();
    }
    Unit u;
    u.layers.push_back(int(i));
    u.candidates = layers[i];
    units.push_back(std::move(u));
  }
  double cheapest = 0;
  for (Unit &u : units) {
    buildHull(u);
    cheapest += u.minCost;
    u.byError.resize(u.candidates.size());
    for (size_t c = 0; c < u.byError.size(); ++c)
      u.byError[c] = int(c);
    std::stable_sort(u.byError.begin(), u.byError.end(), [&](int a, int b) {
      const Candidate &x = u.candidates[size_t(a)], &y = u.candidates[size_t(b)];
      return x.error < y.error || (x.error == y.error && x.cost < y.cost);
    });
  }
  if (cheapest > budget + 1e-9 * std::max(1.0, std::fabs(budget)))
    return fail("budget " + std::to_string(budget) +
                " is below the cheapest allocation (" +
                std::to_string(cheapest) + ")");

  Solver solver(units, budget);
  Allocation unitAlloc = solver.solve();
  Allocation a;
  a.choice.assign(layers.size(), -1);
  for (size_t u = 0; u < units.size(); ++u)
    for (int layer : units[u].layers)
      a.choice[size_t(layer)] = unitAlloc.choice[u];
  for (size_t i = 0; i < layers.size(); ++i) {
    a.cost += layers[i][size_t(a.choice[i])].cost;
    a.error += layers[i][size_t(a.choice[i])].error;
  }
  return a;
}

double qforge::rankCorrelation(const std::vector<double> &a,
                       const std::vector<double> &b) {
  auto ranks = [](const std::vector<double> &v) {
    std::vector<size_t> order(v.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(),
              [&](size_t x, size_t y) { return v[x] < v[y]; });
    std::vector<double> r(v.size());
    for (size_t i = 0; i < order.size();) {
      size_t j = i;
      while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]])
        ++j;
      for (size_t t = i; t <= j; ++t)
        r[order[t]] = (double(i) + double(j)) / 2;
      i = j + 1;
    }
    return r;
  };
  if (a.size() != b.size() || a.size() < 2)
    return 0.0;
  std::vector<double> ra = ranks(a), rb = ranks(b);
  double n = double(a.size()), ma = (n - 1) / 2, cov = 0, va = 0, vb = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    cov += (ra[i] - ma) * (rb[i] - ma);
    va += (ra[i] - ma) * (ra[i] - ma);
    vb += (rb[i] - ma) * (rb[i] - ma);
  }
  return va > 0 && vb > 0 ? cov / std::sqrt(va * vb) : 0.0;
}
