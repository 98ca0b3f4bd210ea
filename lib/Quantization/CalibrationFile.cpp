//===- CalibrationFile.cpp - Calibration statistics on disk ---------------===//

#include "qforge/Quantization/CalibrationFile.h"

#include "qforge/Support/SafeTensors.h"

#include <cmath>
#include <cstdio>
#include <cstring>

using namespace qforge;

namespace {

constexpr int64_t kStatsFields = 6;

NpyArray f64Array(std::vector<int64_t> shape, const std::vector<double> &v) {
  NpyArray a;
  a.dtype = NpyDType::F64;
  a.shape = std::move(shape);
  a.data.resize(v.size() * sizeof(double));
  std::memcpy(a.data.data(), v.data(), a.data.size());
  return a;
}

std::vector<double> f64Values(const NpyArray &a) {
  std::vector<double> v(a.data.size() / sizeof(double));
  std::memcpy(v.data(), a.data.data(), v.size() * sizeof(double));
  return v;
}

} // namespace

uint64_t qforge::fnv1a64(const void *bytes, size_t size, uint64_t state) {
  const uint8_t *p = static_cast<const uint8_t *>(bytes);
  for (size_t i = 0; i < size; ++i) {
    state ^= p[i];
    state *= 0x100000001b3ull;
  }
  return state;
}

std::string qforge::hashHex(uint64_t hash) {
  char buf[17];
  std::snprintf(buf, sizeof(buf), "%016llx", (unsigned long long)hash);
  return buf;
}

CalibrationRecord CalibrationRecord::fromStats(const std::string &name,
                                               const TensorStats &stats) {
  CalibrationRecord r;
  r.name = name;
  r.channels = stats.channels();
  r.rows = stats.rows();
  r.min = stats.min();
  r.max = stats.max();
  r.absMax = stats.absMax();
  r.histogramUpper = stats.histogramUpper();
  r.nans = stats.nans();
  r.histogram = stats.histogramCounts();
  double rows = double(std::max<int64_t>(stats.rows(), 1));
  for (double s : stats.sumAbs())
    r.meanAbs.push_back(s / rows);
  for (double s : stats.sumSquares())
    r.meanSquare.push_back(s / rows);
  r.channelAbsMax = stats.channelAbsMax();
  r.gram = stats.gram();
  return r;
}

AbsHistogram CalibrationRecord::absHistogram() const {
  return AbsHistogram::fromCounts(histogram, histogramUpper, absMax, nans);
}

const std::string *
CalibrationFile::findMetadata(const std::string &key) const {
  for (const auto &[k, v] : metadata)
    if (k == key)
      return &v;
  return nullptr;
}

const CalibrationRecord *CalibrationFile::find(const std::string &name) const {
  for (const CalibrationRecord &r : records)
    if (r.name == name)
      return &r;
  return nullptr;
}

bool qforge::writeCalibrationFile(const std::string &path,
                                  const CalibrationFile &file,
                                  std::string &error) {
  SafeTensors st;
  st.metadata = file.metadata;
  for (const CalibrationRecord &r : file.records) {
    int64_t k = r.channels;
    st.tensors.emplace_back(
        r.name + ".stats",
        f64Array({kStatsFields}, {double(r.rows), r.min, r.max, r.absMax,
                                  r.histogramUpper, double(r.nans)}));
    NpyArray h;
    h.dtype = NpyDType::I64;
    h.shape = {int64_t(r.histogram.size())};
    h.data.resize(r.histogram.size() * 8);
    std::memcpy(h.data.data(), r.histogram.data(), h.data.size());
    st.tensors.emplace_back(r.name + ".histogram", std::move(h));
    st.tensors.emplace_back(r.name + ".mean_abs", f64Array({k}, r.meanAbs));
    st.tensors.emplace_back(r.name + ".mean_sq", f64Array({k}, r.meanSquare));
    st.tensors.emplace_back(r.name + ".max_abs",
                            f64Array({k}, r.channelAbsMax));
    if (!r.gram.empty())
      st.tensors.emplace_back(r.name + ".gram", f64Array({k, k}, r.gram));
    if (r.gain >= 0 && r.gainKL < 0 && r.gainMult < 0)
      st.tensors.emplace_back(
          r.name + ".gain",
          f64Array({3}, {r.gain, r.gainProbe, double(r.gainBits)}));
    else if (r.gain >= 0)
      st.tensors.emplace_back(
          r.name + ".gain",
          f64Array({7}, {r.gain, r.gainProbe, double(r.gainBits), r.gainKL,
                         r.gainMult, r.gainMultKL, r.gainMultProbe}));
  }
  return writeSafeTensorsFile(path, st, error);
}

bool qforge::readCalibrationFile(const std::string &path,
                                 CalibrationFile &file, std::string &error) {
  SafeTensors st;
  if (!readSafeTensorsFile(path, st, error))
    return false;
  auto fail = [&](const std::string &msg) {
    error = path + ": " + msg;
    return false;
  };
  const std::string *format = st.findMetadata("format");
  if (!format || *format != kCalibrationFormat)
    return fail("not a qforge calibration file (metadata 'format' is not "
                "'qforge-calibration')");
  const std::string *version = st.findMetadata("format_version");
  if (!version || *version != kCalibrationFormatVersion)
    return fail("unsupported calibration format version '" +
                (version ? *version : std::string("none")) + "' (expected " +
                kCalibrationFormatVersion + ")");
  file = CalibrationFile();
  file.metadata = st.metadata;
  const std::string *observed = st.findMetadata("observed");
  if (!observed)
    return fail("metadata 'observed' (the observed tensors) is missing");
  std::vector<std::string> names;
  size_t start = 0;
  while (start <= observed->size() && !observed->empty()) {
    size_t comma = observed->find('\n', start);
    names.push_back(observed->substr(start, comma == std::string::npos
                                                ? std::string::npos
                                                : comma - start));
    if (comma == std::string::npos)
      break;
    start = comma + 1;
  }
  size_t used = 0;
  for (const std::string &name : names) {
    auto need = [&](const char *suffix, NpyDType dtype,
                    const NpyArray *&out) -> bool {
      out = st.find(name + suffix);
      if (!out)
        return fail("tensor '" + name + suffix + "' is missing");
      if (out->dtype != dtype)
        return fail("tensor '" + name + suffix + "' has dtype " +
                    safeTensorsDTypeName(out->dtype) + ", expected " +
                    safeTensorsDTypeName(dtype));
      ++used;
      return true;
    };
    const NpyArray *stats, *hist, *meanAbs, *meanSq, *maxAbs;
    if (!need(".stats", NpyDType::F64, stats) ||
        !need(".histogram", NpyDType::I64, hist) ||
        !need(".mean_abs", NpyDType::F64, meanAbs) ||
        !need(".mean_sq", NpyDType::F64, meanSq) ||
        !need(".max_abs", NpyDType::F64, maxAbs))
      return false;
    CalibrationRecord r;
    r.name = name;
    if (stats->shape != std::vector<int64_t>{kStatsFields})
      return fail("tensor '" + name + ".stats' must have 6 values");
    std::vector<double> s = f64Values(*stats);
    if (!(s[0] >= 1 && s[0] < 9e15 && s[0] == std::floor(s[0])) ||
        !(s[5] >= 0 && s[5] == std::floor(s[5])))
      return fail("tensor '" + name + ".stats': bad row or NaN count");
    r.rows = int64_t(s[0]);
    r.min = s[1];
    r.max = s[2];
    r.absMax = s[3];
    r.histogramUpper = s[4];
    r.nans = uint64_t(s[5]);
    if (!(r.histogramUpper > 0) || !std::isfinite(r.histogramUpper) ||
        !(r.absMax >= 0) || !(r.absMax < r.histogramUpper) || std::isnan(r.min) ||
        std::isnan(r.max))
      return fail("tensor '" + name + ".stats': inconsistent range");
    if (hist->shape.size() != 1 || hist->shape[0] < 1)
      return fail("tensor '" + name + ".histogram' must be 1-D, non-empty");
    r.histogram.resize(size_t(hist->shape[0]));
    std::memcpy(r.histogram.data(), hist->data.data(), hist->data.size());
    if (meanAbs->shape.size() != 1 || meanAbs->shape != meanSq->shape ||
        meanAbs->shape != maxAbs->shape)
      return fail("tensors '" + name + ".mean_abs', '" + name +
                  ".mean_sq' and '" + name +
                  ".max_abs' must be 1-D of the same size");
    r.channels = meanAbs->shape[0];
    r.meanAbs = f64Values(*meanAbs);
    r.meanSquare = f64Values(*meanSq);
    r.channelAbsMax = f64Values(*maxAbs);
    if (const NpyArray *g = st.find(name + ".gram")) {
      ++used;
      if (g->dtype != NpyDType::F64 ||
          g->shape != std::vector<int64_t>{r.channels, r.channels})
        return fail("tensor '" + name + ".gram' must be F64 [" +
                    std::to_string(r.channels) + ", " +
                    std::to_string(r.channels) + "]");
      r.gram = f64Values(*g);
    }
    if (const NpyArray *g = st.find(name + ".gain")) {
      ++used;
      if (g->dtype != NpyDType::F64 ||
          (g->shape != std::vector<int64_t>{3} &&
           g->shape != std::vector<int64_t>{7}))
        return fail("tensor '" + name + ".gain' must be F64 [3] or [7]");
      std::vector<double> v = f64Values(*g);
      if (!(v[0] >= 0) || !std::isfinite(v[0]) || !(v[2] >= 1 && v[2] <= 8))
        return fail("tensor '" + name + ".gain' holds an invalid gain");
      for (size_t i = 3; i < v.size(); ++i)
        if (!std::isfinite(v[i]))
          return fail("tensor '" + name + ".gain' holds a non-finite value");
      r.gain = v[0];
      r.gainProbe = v[1];
      r.gainBits = unsigned(v[2]);
      if (v.size() == 7) {
        r.gainKL = v[3];
        r.gainMult = v[4];
        r.gainMultKL = v[5];
        r.gainMultProbe = v[6];
      }
    }
    file.records.push_back(std::move(r));
  }
  if (used != st.tensors.size())
    return fail(std::to_string(st.tensors.size() - used) +
                " tensors belong to no observed name of the metadata");
  return true;
}
