//===- Calibration.h - Histograms and range methods (plain C++) -*- C++ -*-===//
//
// Statistics of a tensor seen on calibration data, and the ways to turn them
// into a quantization range: min/max, percentile, MSE-optimal clipping and
// the entropy (KL-divergence) method popularized by TensorRT. Plain C++; the
// calibration runner (issue 5) feeds these from qf.observe probes.
//
// Ranges here are symmetric clipping thresholds T > 0 on |x|: values are
// clipped to [-T, T] and quantized with scale T / qmax.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_QUANTIZATION_CALIBRATION_H
#define QFORGE_QUANTIZATION_CALIBRATION_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qforge {

/// A histogram of |x| over [0, upper) with equal bins, plus the exact
/// extremes and counts. NaNs are counted apart and otherwise ignored;
/// values at or above `upper` (infinities included) go to the last bin.
class AbsHistogram {
public:
  /// `bins` >= 1 bins over [0, upper), upper > 0 and finite.
  AbsHistogram(unsigned bins, double upper);

  void add(const float *values, int64_t count);
  /// Adds another histogram with the same bins and upper bound (false
  /// otherwise, nothing added). Addition of counts is exact, so merging in
  /// any order gives the same histogram.
  bool merge(const AbsHistogram &other);

  unsigned bins() const { return counts.size(); }
  double upper() const { return upperBound; }
  double binWidth() const { return upperBound / counts.size(); }
  const std::vector<uint64_t> &getCounts() const { return counts; }
  uint64_t total() const { return seen; }
  uint64_t nans() const { return nanCount; }
  /// Largest finite |x| seen (0 when none).
  double absMax() const { return maxAbs; }

  /// A histogram with the given state (e.g. read back from a calibration
  /// file). `counts` must not be empty; `upper` as for the constructor.
  static AbsHistogram fromCounts(std::vector<uint64_t> counts, double upper,
                                 double absMax, uint64_t nans);

private:
  std::vector<uint64_t> counts;
  double upperBound;
  uint64_t seen = 0, nanCount = 0;
  double maxAbs = 0;
};

/// How a clipping threshold is chosen from a histogram.
/// Running statistics of an observed tensor whose last dimension holds
/// `channels` channels, fed row by row: min / max, a histogram of |x|, the
/// per-channel sums of |x| and x^2 and, optionally, X^T X. Everything is
/// accumulated in double in the order the rows come, so the same rows in
/// the same order give the same bits (whatever ran the model). Also the
/// per-channel largest |x|.
///
/// The histogram has kBins bins over [0, U) with U the smallest power of
/// two above the largest finite |x| (at least 2^-20): when a larger value
/// arrives U doubles and pairs of bins merge, which gives exactly the
/// counts one pass with the final U would give. Infinities count in the
/// last bin, NaNs apart.
class TensorStats {
public:
  static constexpr unsigned kBins = 2048;

  TensorStats(int64_t channels, bool hessian);

  /// Adds `rows` rows of `channels` values each.
  void addRows(const float *x, int64_t rows);

  int64_t channels() const { return k; }
  int64_t rows() const { return numRows; }
  /// Smallest and largest value (NaNs ignored; 0, 0 before any value).
  double min() const { return minValue; }
  double max() const { return maxValue; }
  double histogramUpper() const { return upper; }
  /// The counts, infinities in the last bin.
  std::vector<uint64_t> histogramCounts() const;
  uint64_t nans() const { return nanCount; }
  double absMax() const { return maxAbs; }
  /// The histogram as an AbsHistogram (for the range methods).
  AbsHistogram histogram() const;
  /// Per-channel sums of |x| and x^2 (divide by rows() for the means).
  const std::vector<double> &sumAbs() const { return sumAbsValues; }
  const std::vector<double> &sumSquares() const { return sumSqValues; }
  /// Per-channel largest finite |x|.
  const std::vector<double> &channelAbsMax() const { return maxAbsValues; }
  /// X^T X (channels x channels, row-major, symmetric); empty when not
  /// requested. Non-finite inputs make it non-finite.
  const std::vector<double> &gram() const { return gramValues; }

private:
  void grow(double absValue);

  int64_t k, numRows = 0;
  double minValue = 0, maxValue = 0, maxAbs = 0, upper;
  bool any = false;
  uint64_t nanCount = 0, infCount = 0;
  std::vector<uint64_t> counts;
  std::vector<double> sumAbsValues, sumSqValues, maxAbsValues, gramValues;
};

enum class RangeMethod { MinMax, Percentile, MSE, Entropy };

/// Parses "minmax", "percentile", "mse" or "entropy".
std::optional<RangeMethod> parseRangeMethod(const std::string &name);

/// The largest |x|: no clipping.
double thresholdMinMax(const AbsHistogram &h);

/// The smallest bin edge below which at least `fraction` (in (0, 1]) of the
/// values lie.
double thresholdPercentile(const AbsHistogram &h, double fraction);

/// The threshold (a bin edge) minimizing the expected squared error of
/// symmetric quantization to `qmax` positive levels (e.g. 127 for int8, 7
/// for int4): values below T are rounded to the grid of step T / qmax
/// (error step^2 / 12 per value, uniform within a step), values above are
/// clipped to T (error (|x| - T)^2 at the bin centre).
double thresholdMSE(const AbsHistogram &h, unsigned qmax);

/// The entropy method: for each candidate threshold (bin edges from
/// `levels` bins up), the distribution P of |x| clipped to it (outliers
/// added to the last bin) is compared with Q, P merged into `levels` equal
/// groups of bins and spread back over each group's non-empty bins; the
/// threshold with the smallest KL(P || Q) wins. `levels` is the number of
/// positive quantization levels (128 for int8).
double thresholdEntropy(const AbsHistogram &h, unsigned levels);

/// Dispatches on `method` (`param`: the percentile fraction, or qmax /
/// levels for MSE / entropy).
double threshold(const AbsHistogram &h, RangeMethod method, double param);

/// The sum over rows of KL(softmax(a_row) || softmax(b_row)), in nats: `a`
/// and `b` hold the same number of rows of `classes` logits each (a
/// trailing partial row is ignored). Computed in double with the
/// log-sum-exp shift, so large logits do not overflow; each row's term is
/// clamped at 0 against rounding. The sensitivity measurement's output
/// error under `metric=kl`.
double softmaxKLDivergence(const std::vector<float> &a,
                           const std::vector<float> &b, int64_t classes);

} // namespace qforge

#endif // QFORGE_QUANTIZATION_CALIBRATION_H
