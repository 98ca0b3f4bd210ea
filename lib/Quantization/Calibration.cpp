//===- Calibration.cpp - Histograms and range methods ---------------------===//

#include "qforge/Quantization/Calibration.h"

#include <algorithm>
#include <cmath>
#include <limits>

using namespace qforge;

AbsHistogram::AbsHistogram(unsigned bins, double upper)
    : counts(std::max(1u, bins), 0),
      upperBound(std::isfinite(upper) && upper > 0 ? upper : 1.0) {}

void AbsHistogram::add(const float *values, int64_t count) {
  double width = binWidth();
  int64_t last = int64_t(counts.size()) - 1;
  for (int64_t i = 0; i < count; ++i) {
    float v = values[i];
    if (std::isnan(v)) {
      ++nanCount;
      continue;
    }
    double a = std::fabs(double(v));
    if (std::isfinite(a))
      maxAbs = std::max(maxAbs, a);
    int64_t bin = a >= upperBound ? last : int64_t(a / width);
    ++counts[size_t(std::min(bin, last))];
    ++seen;
  }
}

AbsHistogram AbsHistogram::fromCounts(std::vector<uint64_t> counts,
                                      double upper, double absMax,
                                      uint64_t nans) {
  AbsHistogram h(unsigned(std::max<size_t>(counts.size(), 1)), upper);
  if (!counts.empty())
    h.counts = std::move(counts);
  h.seen = 0;
  for (uint64_t c : h.counts)
    h.seen += c;
  h.nanCount = nans;
  h.maxAbs = absMax;
  return h;
}

TensorStats::TensorStats(int64_t channels, bool hessian)
    : k(std::max<int64_t>(channels, 1)), upper(std::ldexp(1.0, -20)),
      counts(kBins, 0), sumAbsValues(size_t(k), 0.0),
      sumSqValues(size_t(k), 0.0), maxAbsValues(size_t(k), 0.0) {
  if (hessian)
    gramValues.assign(size_t(k * k), 0.0);
}

void TensorStats::grow(double a) {
  while (a >= upper && upper < 1e300) {
    // Double the range: bin j of the new histogram is bins 2j and 2j + 1.
    for (unsigned j = 0; j < kBins / 2; ++j)
      counts[j] = counts[2 * j] + counts[2 * j + 1];
    std::fill(counts.begin() + kBins / 2, counts.end(), 0);
    upper *= 2;
  }
}

void TensorStats::addRows(const float *x, int64_t rows) {
  for (int64_t r = 0; r < rows; ++r) {
    const float *row = x + r * k;
    for (int64_t c = 0; c < k; ++c) {
      float v = row[c];
      if (std::isnan(v)) {
        ++nanCount;
        continue;
      }
      double d = v, a = std::fabs(d);
      if (!any) {
        minValue = maxValue = d;
        any = true;
      }
      minValue = std::min(minValue, d);
      maxValue = std::max(maxValue, d);
      if (std::isfinite(a)) {
        maxAbs = std::max(maxAbs, a);
        grow(a);
        ++counts[size_t(std::min<double>(a / upper * kBins, kBins - 1))];
      } else {
        ++infCount; // kept apart: merging bins would move it
      }
      sumAbsValues[c] += a;
      sumSqValues[c] += d * d;
      if (std::isfinite(a))
        maxAbsValues[c] = std::max(maxAbsValues[c], a);
    }
    if (gramValues.empty())
      continue;
    // Upper triangle of row^T row, mirrored at the end of each row batch.
    for (int64_t i = 0; i < k; ++i) {
      double xi = row[i];
      if (xi == 0.0)
        continue;
      double *g = gramValues.data() + i * k;
      for (int64_t j = i; j < k; ++j)
        g[j] += xi * double(row[j]);
    }
  }
  numRows += rows;
  if (!gramValues.empty())
    for (int64_t i = 0; i < k; ++i)
      for (int64_t j = 0; j < i; ++j)
        gramValues[size_t(i * k + j)] = gramValues[size_t(j * k + i)];
}

std::vector<uint64_t> TensorStats::histogramCounts() const {
  std::vector<uint64_t> c = counts;
  c.back() += infCount;
  return c;
}

AbsHistogram TensorStats::histogram() const {
  return AbsHistogram::fromCounts(histogramCounts(), upper, maxAbs, nanCount);
}

bool AbsHistogram::merge(const AbsHistogram &other) {
  if (other.counts.size() != counts.size() || other.upperBound != upperBound)
    return false;
  for (size_t i = 0; i < counts.size(); ++i)
    counts[i] += other.counts[i];
  seen += other.seen;
  nanCount += other.nanCount;
  maxAbs = std::max(maxAbs, other.maxAbs);
  return true;
}

std::optional<RangeMethod> qforge::parseRangeMethod(const std::string &name) {
  if (name == "minmax")
    return RangeMethod::MinMax;
  if (name == "percentile")
    return RangeMethod::Percentile;
  if (name == "mse")
    return RangeMethod::MSE;
  if (name == "entropy")
    return RangeMethod::Entropy;
  return std::nullopt;
}

double qforge::thresholdMinMax(const AbsHistogram &h) { return h.absMax(); }

double qforge::thresholdPercentile(const AbsHistogram &h, double fraction) {
  if (h.total() == 0)
    return 0;
  fraction = std::min(1.0, std::max(fraction, 0.0));
  double target = std::ceil(fraction * double(h.total()));
  uint64_t cumulative = 0;
  const std::vector<uint64_t> &c = h.getCounts();
  for (size_t i = 0; i < c.size(); ++i) {
    cumulative += c[i];
    if (double(cumulative) >= target)
      return std::min(double(i + 1) * h.binWidth(), h.absMax());
  }
  return h.absMax();
}

double qforge::thresholdMSE(const AbsHistogram &h, unsigned qmax) {
  const std::vector<uint64_t> &c = h.getCounts();
  size_t bins = c.size();
  if (h.total() == 0 || qmax == 0)
    return thresholdMinMax(h);
  double width = h.binWidth();
  // Suffix sums over bins j >= i of c_j, c_j m_j, c_j m_j^2 (m_j: centre).
  std::vector<double> s0(bins + 1, 0), s1(bins + 1, 0), s2(bins + 1, 0);
  for (size_t j = bins; j-- > 0;) {
    double m = (double(j) + 0.5) * width;
    s0[j] = s0[j + 1] + double(c[j]);
    s1[j] = s1[j + 1] + double(c[j]) * m;
    s2[j] = s2[j + 1] + double(c[j]) * m * m;
  }
  double bestT = double(bins) * width, bestErr = INFINITY;
  for (size_t i = 1; i <= bins; ++i) {
    double t = double(i) * width;
    double step = t / qmax;
    double below = s0[0] - s0[i];
    double clipped = s2[i] - 2 * t * s1[i] + t * t * s0[i];
    double err = below * step * step / 12 + clipped;
    if (err < bestErr) {
      bestErr = err;
      bestT = t;
    }
  }
  return std::min(bestT, std::max(h.absMax(), width));
}

double qforge::thresholdEntropy(const AbsHistogram &h, unsigned levels) {
  const std::vector<uint64_t> &c = h.getCounts();
  size_t bins = c.size();
  if (h.total() == 0 || levels == 0 || bins <= levels)
    return thresholdMinMax(h);
  double width = h.binWidth();
  double bestT = double(bins) * width,
         bestKL = std::numeric_limits<double>::infinity();
  std::vector<double> p, q;
  for (size_t i = levels; i <= bins; ++i) {
    // P: the first i bins, the outliers folded into the last one.
    p.assign(c.begin(), c.begin() + i);
    for (size_t j = i; j < bins; ++j)
      p[i - 1] += double(c[j]);
    // Q: the first i bins (outliers not included) merged into `levels`
    // groups, each group's mass spread evenly over its non-empty bins.
    q.assign(i, 0.0);
    for (size_t g = 0; g < levels; ++g) {
      size_t begin = g * i / levels, end = (g + 1) * i / levels;
      double mass = 0;
      size_t nonEmpty = 0;
      for (size_t j = begin; j < end; ++j) {
        mass += double(c[j]);
        nonEmpty += c[j] != 0;
      }
      for (size_t j = begin; j < end; ++j)
        if (c[j] != 0)
          q[j] = mass / double(nonEmpty);
    }
    double sp = 0, sq = 0;
    for (size_t j = 0; j < i; ++j) {
      sp += p[j];
      sq += q[j];
    }
    if (sp == 0 || sq == 0)
      continue;
    // KL(P || Q); a bin that P has and Q lacks (the outlier bin) gets a
    // small floor, as in the usual smoothing.
    double kl = 0;
    for (size_t j = 0; j < i; ++j) {
      if (p[j] == 0)
        continue;
      double pj = p[j] / sp;
      double qj = std::max(q[j] / sq, 1e-12);
      kl += pj * std::log(pj / qj);
    }
    if (kl < bestKL) {
      bestKL = kl;
      bestT = double(i) * width;
    }
  }
  return std::min(bestT, std::max(h.absMax(), width));
}

double qforge::threshold(const AbsHistogram &h, RangeMethod method,
                         double param) {
  switch (method) {
  case RangeMethod::MinMax:
    return thresholdMinMax(h);
  case RangeMethod::Percentile:
    return thresholdPercentile(h, param);
  case RangeMethod::MSE:
    return thresholdMSE(h, unsigned(param));
  case RangeMethod::Entropy:
    return thresholdEntropy(h, unsigned(param));
  }
  return thresholdMinMax(h);
}

double qforge::softmaxKLDivergence(const std::vector<float> &a,
                                   const std::vector<float> &b,
                                   int64_t classes) {
  if (classes < 1)
    return 0;
  size_t n = size_t(classes), size = std::min(a.size(), b.size());
  double total = 0;
  std::vector<double> la(n), lb(n);
  for (size_t row = 0; row + n <= size; row += n) {
    double ma = -std::numeric_limits<double>::infinity(), mb = ma;
    for (size_t c = 0; c < n; ++c) {
      la[c] = a[row + c];
      lb[c] = b[row + c];
      ma = std::max(ma, la[c]);
      mb = std::max(mb, lb[c]);
    }
    double za = 0, zb = 0;
    for (size_t c = 0; c < n; ++c) {
      za += std::exp(la[c] - ma);
      zb += std::exp(lb[c] - mb);
    }
    // log p = x - (max + log sum exp(x - max)).
    double lza = ma + std::log(za), lzb = mb + std::log(zb), kl = 0;
    for (size_t c = 0; c < n; ++c) {
      double lpa = la[c] - lza, lpb = lb[c] - lzb;
      kl += std::exp(lpa) * (lpa - lpb);
    }
    total += std::max(kl, 0.0);
  }
  return total;
}
