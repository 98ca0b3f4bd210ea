//===- CalibrationFile.h - Calibration statistics on disk -------*- C++ -*-===//
//
// A calibration file is a .safetensors file. For every observed tensor NAME
// (a qf.observe name, e.g. "fc1.input") with K channels it holds
//
//   NAME.stats      F64 [6]     rows, min, max, max |x|, histogram upper
//                               bound, NaN count
//   NAME.histogram  I64 [2048]  counts of |x| over [0, upper)
//   NAME.mean_abs   F64 [K]     per-channel mean |x|
//   NAME.mean_sq    F64 [K]     per-channel mean x^2
//   NAME.max_abs    F64 [K]     per-channel largest |x|
//   NAME.gain       F64 [3|7]   optional: gain, probe objective, probe bits;
//                               [7] adds the KL gain of that probe, and the
//                               MSE gain, KL gain and objective of a
//                               float-format (e2m1) probe (-1: not measured)
//   NAME.gram       F64 [K, K]  X^T X summed over all rows (the layer
//                               Hessian is gram / rows)
//
// and string metadata: format ("qforge-calibration"), format_version,
// qforge_version, model (a fingerprint of the model), data (a hash of the
// calibration data), samples, method, observed (the names, one per
// line). Plain C++.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_QUANTIZATION_CALIBRATIONFILE_H
#define QFORGE_QUANTIZATION_CALIBRATIONFILE_H

#include "qforge/Quantization/Calibration.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace qforge {

/// The statistics of one observed tensor, as stored.
struct CalibrationRecord {
  std::string name;
  int64_t channels = 0, rows = 0;
  double min = 0, max = 0, absMax = 0, histogramUpper = 1;
  uint64_t nans = 0;
  /// Empty when the statistics were transformed (qf-equalize) and no
  /// longer determine it.
  std::vector<uint64_t> histogram;
  std::vector<double> meanAbs, meanSquare, channelAbsMax;
  /// X^T X, channels x channels row-major; the Hessian is gram / rows.
  std::vector<double> gram;
  /// The layer's sensitivity (calibration with --sensitivity): the increase
  /// of the model's output error (sum of squared output differences per
  /// sample) per unit of the layer objective tr(ΔW H ΔWᵀ), measured with the
  /// weights rounded to nearest at `gainBits` bits; and that probe's
  /// objective. Absent (gain < 0) when not measured.
  double gain = -1, gainProbe = 0;
  unsigned gainBits = 0;
  /// The same probe's increase of the KL divergence of the model's output
  /// distribution (softmax over the last dimension, in nats per sample) per
  /// unit of the layer objective: a measure closer to the task loss of a
  /// classifier or language model. < 0 when not measured.
  double gainKL = -1;
  /// The multiplicative noise model: the gains (MSE, KL) of a probe that
  /// rounds the weights to a floating-point format (fp4 e2m1, one f32 scale
  /// per output column), whose error is proportional to each weight's
  /// magnitude; and that probe's objective. < 0 when not measured.
  double gainMult = -1, gainMultKL = -1, gainMultProbe = 0;

  static CalibrationRecord fromStats(const std::string &name,
                                     const TensorStats &stats);
  AbsHistogram absHistogram() const;
};

struct CalibrationFile {
  /// Provenance, in the order written.
  std::vector<std::pair<std::string, std::string>> metadata;
  std::vector<CalibrationRecord> records;

  const std::string *findMetadata(const std::string &key) const;
  const CalibrationRecord *find(const std::string &name) const;
};

/// The format name and version written to the metadata.
constexpr const char *kCalibrationFormat = "qforge-calibration";
constexpr const char *kCalibrationFormatVersion = "1";

/// FNV-1a 64-bit hash of `bytes`, continuing `state`; hashHex formats a
/// hash as 16 hex digits.
uint64_t fnv1a64(const void *bytes, size_t size,
                 uint64_t state = 0xcbf29ce484222325ull);
std::string hashHex(uint64_t hash);

/// Writes `file` atomically. Deterministic: the same contents give the same
/// bytes.
bool writeCalibrationFile(const std::string &path, const CalibrationFile &file,
                          std::string &error);

/// Reads a calibration file and checks it: format, every record complete
/// with consistent shapes and values. Errors name the file and the tensor.
bool readCalibrationFile(const std::string &path, CalibrationFile &file,
                         std::string &error);

} // namespace qforge

#endif // QFORGE_QUANTIZATION_CALIBRATIONFILE_H
