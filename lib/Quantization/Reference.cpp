//===- Reference.cpp - Reference quantize / dequantize / pack --------------===//
//
// The bit-exact reference semantics (docs/Semantics.md, docs/BlobLayout.md):
// scale rounding and encoding, per-value quantization for integer and
// minifloat element formats, dynamic scales, and blob packing. Minifloat
// conversions go through llvm::APFloat.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Reference.h"

#include "FloatUtil.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/APInt.h"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

using namespace qforge;
using qforge::detail::roundHalfEven;
using qforge::detail::toFloatSaturating;
using llvm::APFloat;
using llvm::APInt;

namespace {

//===----------------------------------------------------------------------===//
// Float helpers
//===----------------------------------------------------------------------===//

/// Exact conversion of an APFloat whose semantics fit in f32 (f16, bf16,
/// fp8, fp4) to float.
float apToFloat(APFloat a) {
  bool losesInfo = false;
  a.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &losesInfo);
  return a.convertToFloat();
}

/// `x` rounded to `sem` (ties to even), as an APFloat of that semantics.
APFloat apFromFloat(float x, const llvm::fltSemantics &sem) {
  APFloat a(x);
  bool losesInfo = false;
  a.convert(sem, APFloat::rmNearestTiesToEven, &losesInfo);
  return a;
}

/// Semantics of the APFloat-backed scale formats (not f32, not E8M0).
const llvm::fltSemantics &scaleSemantics(ScaleFormat f) {
  switch (f) {
  case ScaleFormat::F16:
    return APFloat::IEEEhalf();
  case ScaleFormat::BF16:
    return APFloat::BFloat();
  case ScaleFormat::E4M3:
    return APFloat::Float8E4M3FN();
  default:
    return APFloat::IEEEsingle();
  }
}

/// Semantics of a float element format.
const llvm::fltSemantics &elementSemantics(ElementFormat f) {
  switch (f) {
  case ElementFormat::F8E5M2:
    return APFloat::Float8E5M2();
  case ElementFormat::F4E2M1FN:
    return APFloat::Float4E2M1FN();
  default:
    return APFloat::Float8E4M3FN();
  }
}

/// Largest finite value of a scale format.
float maxFiniteScale(ScaleFormat f) {
  switch (f) {
  case ScaleFormat::F32:
    return FLT_MAX;
  case ScaleFormat::E8M0:
    return std::ldexp(1.0f, 127);
  default:
    return apToFloat(APFloat::getLargest(scaleSemantics(f)));
  }
}

/// Smallest positive value of a scale format (denormals included).
float minPositiveScale(ScaleFormat f) {
  switch (f) {
  case ScaleFormat::F32:
    return std::numeric_limits<float>::denorm_min();
  case ScaleFormat::E8M0:
    return std::ldexp(1.0f, -127);
  default:
    return apToFloat(APFloat::getSmallest(scaleSemantics(f)));
  }
}

std::string fmtFloat(float f) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.9g", double(f));
  return buf;
}

void storeLE(uint64_t v, unsigned bytes, uint8_t *out) {
  for (unsigned i = 0; i < bytes; ++i)
    out[i] = uint8_t(v >> (8 * i));
}

uint64_t loadLE(const uint8_t *in, unsigned bytes) {
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes; ++i)
    v |= uint64_t(in[i]) << (8 * i);
  return v;
}

uint32_t floatBits(float f) {
  uint32_t b;
  std::memcpy(&b, &f, 4);
  return b;
}

float bitsFloat(uint32_t b) {
  float f;
  std::memcpy(&f, &b, 4);
  return f;
}

//===----------------------------------------------------------------------===//
// Index maps
//===----------------------------------------------------------------------===//

/// Maps a row-major element index to the row-major index of its scale block.
/// Assumes a verified description.
struct BlockMap {
  enum Kind { PerTensor, PerAxis, PerGroup } kind = PerTensor;
  int64_t inner = 1;   ///< product of the dims after `axis`
  int64_t dim = 1;     ///< shape[axis]
  int64_t group = 1;   ///< group size (per-group)
  int64_t numGroups = 1;
  int64_t numScales = 1;

  explicit BlockMap(const TensorDesc &desc) {
    const Scheme &s = desc.scheme;
    numScales = checkedNumElements(scaleShape(s, desc.shape)).value_or(0);
    if (s.axis < 0 || s.axis >= int64_t(desc.shape.size()))
      return;
    kind = s.groupSize > 0 ? PerGroup : PerAxis;
    dim = desc.shape[s.axis];
    for (size_t i = s.axis + 1; i < desc.shape.size(); ++i)
      inner *= desc.shape[i];
    if (kind == PerGroup) {
      group = s.groupSize;
      numGroups = dim / group + (dim % group != 0 ? 1 : 0);
    }
  }

  int64_t operator()(int64_t linear) const {
    if (kind == PerTensor)
      return 0;
    int64_t along = (linear / inner) % dim;
    if (kind == PerAxis)
      return along;
    int64_t outer = linear / (dim * inner);
    return (outer * numGroups + along / group) * inner + linear % inner;
  }
};

/// Geometry of a tiled layout: leading index, rows and columns of the last
/// two dimensions, cut into t0 x t1 tiles.
struct TileGeometry {
  int64_t leading = 1, rows = 1, cols = 1, t0 = 1, t1 = 1;
  int64_t tilesPerRow = 1, tilesPerCol = 1;

  explicit TileGeometry(const TensorDesc &desc) {
    size_t rank = desc.shape.size();
    for (size_t i = 0; i + 2 < rank; ++i)
      leading *= desc.shape[i];
    rows = desc.shape[rank - 2];
    cols = desc.shape[rank - 1];
    t0 = desc.layout.tile[0];
    t1 = desc.layout.tile[1];
    tilesPerRow = cols / t1 + (cols % t1 != 0 ? 1 : 0);
    tilesPerCol = rows / t0 + (rows % t0 != 0 ? 1 : 0);
  }

  int64_t paddedRows() const { return tilesPerCol * t0; }
  int64_t paddedCols() const { return tilesPerRow * t1; }

  /// Stored position of (l, r, c); r and c may be padding coordinates.
  int64_t slot(int64_t l, int64_t r, int64_t c) const {
    int64_t tr = r / t0, tc = c / t1;
    return l * (tilesPerCol * t0 * tilesPerRow * t1) +
           (tr * tilesPerRow + tc) * (t0 * t1) + (r % t0) * t1 + (c % t1);
  }
};

/// Whether a description has a usable tiled layout (else it is treated as
/// packed).
bool isTiled(const TensorDesc &desc) {
  return desc.layout.tile.size() == 2 && desc.layout.tile[0] > 0 &&
         desc.layout.tile[1] > 0 && desc.shape.size() >= 2;
}

/// scales[b] * tensorScale in f32 for two-level schemes, else scales[b].
float effectiveScale(const Scheme &s, float blockScale, float tensorScale) {
  return s.tensorScale ? blockScale * tensorScale : blockScale;
}

/// Quantizes every element with validated, already rounded scales.
QuantizedTensor quantizeUnchecked(const std::vector<float> &x,
                                  const TensorDesc &desc,
                                  std::vector<float> scales,
                                  std::vector<int32_t> zeroPoints,
                                  float tensorScale) {
  QuantizedTensor q;
  q.desc = desc;
  const Scheme &s = desc.scheme;
  BlockMap blocks(desc);
  q.codes.resize(x.size());
  for (size_t i = 0; i < x.size(); ++i) {
    int64_t b = blocks(int64_t(i));
    q.codes[i] =
        quantizeValue(x[i], effectiveScale(s, scales[b], tensorScale),
                      s.asymmetric ? zeroPoints[b] : 0, s);
  }
  q.scales = std::move(scales);
  q.zeroPoints = std::move(zeroPoints);
  q.tensorScale = s.tensorScale ? tensorScale : 1.0f;
  return q;
}

} // namespace

//===----------------------------------------------------------------------===//
// Scales
//===----------------------------------------------------------------------===//

float qforge::roundScale(float s, ScaleFormat f) {
  if (std::isnan(s))
    return s;
  float lo = minPositiveScale(f), hi = maxFiniteScale(f);
  if (!(s > 0))
    return lo;
  if (s >= hi)
    return hi;
  switch (f) {
  case ScaleFormat::F32:
    return s;
  case ScaleFormat::E8M0: {
    // s = m * 2^e with m in [0.5, 1): the next power of two is 2^e unless s
    // already is one (m == 0.5).
    int e = 0;
    float m = std::frexp(s, &e);
    int p = m == 0.5f ? e - 1 : e;
    return std::ldexp(1.0f, std::max(p, -127));
  }
  default: {
    float r = apToFloat(apFromFloat(s, scaleSemantics(f)));
    return r > 0 ? r : lo; // underflow to zero gives the smallest value
  }
  }
}

// F16 / BF16 / E4M3 encode the nearest value (ties to even) without clamping,
// so that invalid scales stay invalid in the blob; E8M0 rounds positive
// values up to a power of two and encodes NaN, zero and negatives as NaN.
void qforge::encodeScale(float s, ScaleFormat f, uint8_t *out) {
  switch (f) {
  case ScaleFormat::F32:
    storeLE(floatBits(s), 4, out);
    return;
  case ScaleFormat::E8M0: {
    if (!(s > 0)) {
      out[0] = 0xFF;
      return;
    }
    int e = 0;
    std::frexp(roundScale(s, f), &e); // 2^(e-1)
    out[0] = uint8_t(e - 1 + 127);
    return;
  }
  default:
    storeLE(apFromFloat(s, scaleSemantics(f)).bitcastToAPInt().getZExtValue(),
            scaleBytes(f), out);
    return;
  }
}

float qforge::decodeScale(const uint8_t *in, ScaleFormat f) {
  switch (f) {
  case ScaleFormat::F32:
    return bitsFloat(uint32_t(loadLE(in, 4)));
  case ScaleFormat::E8M0:
    if (in[0] == 0xFF)
      return std::numeric_limits<float>::quiet_NaN();
    return std::ldexp(1.0f, int(in[0]) - 127);
  default: {
    unsigned bytes = scaleBytes(f);
    APInt bits(bytes * 8, loadLE(in, bytes));
    return apToFloat(APFloat(scaleSemantics(f), bits));
  }
  }
}

//===----------------------------------------------------------------------===//
// Values
//===----------------------------------------------------------------------===//

float qforge::roundInteger(float x, RoundingMode mode) {
  switch (mode) {
  case RoundingMode::NearestAway:
    return std::round(x);
  case RoundingMode::TowardZero:
    return std::trunc(x);
  case RoundingMode::NearestEven:
    break;
  }
  return roundHalfEven(x);
}

int32_t qforge::quantizeValue(float x, float scale, int32_t zeroPoint,
                              const Scheme &scheme) {
  float v = x / scale; // true f32 division
  if (scheme.isInteger() && scheme.grid == IntegerGrid::Odd) {
    // The nearest odd value: round (v + m) / 2 to a code c in [0, 2^b - 1]
    // (f32 arithmetic, the scheme's rounding), value 2c - m; m = 2^b - 1.
    // NaN gives the code 0's neighbour +1 (there is no zero).
    float m = float(scheme.qmax());
    if (std::isnan(v))
      return 1;
    double c = double(roundInteger((v + m) * 0.5f, scheme.rounding));
    c = std::min(std::max(c, 0.0), double(m));
    return int32_t(2 * int64_t(c) - int64_t(m));
  }
  if (scheme.isInteger()) {
    if (std::isnan(v))
      return zeroPoint;
    // Clamp in double before converting, so huge values and infinities
    // saturate without undefined behaviour.
    double t = double(roundInteger(v, scheme.rounding)) + zeroPoint;
    t = std::min(std::max(t, double(scheme.qmin())), double(scheme.qmax()));
    return int32_t(t);
  }
  const llvm::fltSemantics &sem = elementSemantics(scheme.format);
  if (std::isnan(v)) {
    if (scheme.format == ElementFormat::F4E2M1FN)
      return 0; // no NaN in fp4: +0
    return int32_t(APFloat::getQNaN(sem).bitcastToAPInt().getZExtValue());
  }
  float maxv = float(scheme.maxMagnitude());
  v = std::min(std::max(v, -maxv), maxv); // saturate, infinities included
  return int32_t(apFromFloat(v, sem).bitcastToAPInt().getZExtValue());
}

float qforge::dequantizeValue(int32_t code, float scale, int32_t zeroPoint,
                              const Scheme &scheme) {
  if (scheme.isInteger())
    return float(int64_t(code) - int64_t(zeroPoint)) * scale;
  unsigned width = scheme.format == ElementFormat::F4E2M1FN ? 4 : 8;
  APInt bits(width, uint64_t(uint32_t(code)) & ((1u << width) - 1));
  float v = apToFloat(APFloat(elementSemantics(scheme.format), bits));
  // NaN codes decode to the canonical quiet NaN (0x7FC00000).
  if (std::isnan(v))
    v = std::numeric_limits<float>::quiet_NaN();
  return v * scale;
}

//===----------------------------------------------------------------------===//
// Tensors
//===----------------------------------------------------------------------===//

// Each block's scale is num / den: symmetric num = max |x| (max(x, 0) for
// uint), den = maxMagnitude; asymmetric num = max(x, 0) - min(x, 0),
// den = qmax - qmin. num / den is computed in double and rounded once to f32
// (the correctly rounded f32 quotient for symmetric schemes). Two-level:
// tensorScale = max over blocks of num / (den * maxFinite(scaleFormat)),
// which for symmetric sint schemes is absmax / (maxMagnitude * maxFinite).
void qforge::computeScales(const std::vector<float> &x, const TensorDesc &desc,
                           std::vector<float> &scales,
                           std::vector<int32_t> &zeroPoints,
                           float &tensorScale) {
  const Scheme &s = desc.scheme;
  scales.clear();
  zeroPoints.clear();
  tensorScale = 1.0f;
  if (!desc.verify(/*requireDivisibleGroups=*/false).empty())
    return; // precondition violated: no scales
  BlockMap blocks(desc);
  int64_t n = blocks.numScales;
  int64_t numElements = checkedNumElements(desc.shape).value_or(0);
  std::vector<float> lo(n, 0.0f), hi(n, 0.0f);
  for (int64_t i = 0; i < std::min(numElements, int64_t(x.size())); ++i) {
    float v = x[i];
    if (std::isnan(v))
      continue;
    int64_t b = blocks(i);
    lo[b] = std::min(lo[b], v);
    hi[b] = std::max(hi[b], v);
  }
  double den = s.asymmetric ? double(s.qmax()) - double(s.qmin())
                            : s.maxMagnitude();
  auto numerator = [&](int64_t b) -> double {
    if (s.asymmetric)
      return double(hi[b]) - double(lo[b]);
    if (s.format == ElementFormat::UInt)
      return hi[b];
    return std::max(double(hi[b]), -double(lo[b]));
  };

  tensorScale = 1.0f;
  if (s.tensorScale) {
    double maxNum = 0;
    for (int64_t b = 0; b < n; ++b)
      maxNum = std::max(maxNum, numerator(b));
    float ts = toFloatSaturating(
        maxNum / (den * double(maxFiniteScale(s.scaleFormat))));
    if (std::isfinite(ts) && ts > 0)
      tensorScale = ts;
  }

  scales.assign(n, 1.0f);
  zeroPoints.assign(s.asymmetric ? n : 0, 0);
  for (int64_t b = 0; b < n; ++b) {
    float raw = toFloatSaturating(numerator(b) / den);
    // All-zero (or all-NaN) blocks, and blocks holding infinities, keep
    // scale 1 and zero point 0; 0 then maps to code 0 exactly.
    if (!std::isfinite(raw) || !(raw > 0))
      continue;
    if (s.tensorScale)
      raw = raw / tensorScale;
    scales[b] = roundScale(raw, s.scaleFormat);
    if (s.asymmetric) {
      // The zero point uses the rounded (effective) scale.
      double eff = effectiveScale(s, scales[b], tensorScale);
      double zp = roundHalfEven(double(s.qmin()) - double(lo[b]) / eff);
      zp = std::min(std::max(zp, double(s.qmin())), double(s.qmax()));
      zeroPoints[b] = int32_t(zp);
    }
  }
}

QuantizedTensor qforge::quantize(const std::vector<float> &x,
                                 const TensorDesc &desc) {
  std::optional<int64_t> n = checkedNumElements(desc.shape);
  if (!desc.verify(/*requireDivisibleGroups=*/false).empty() || !n ||
      *n != int64_t(x.size())) {
    QuantizedTensor empty;
    empty.desc = desc;
    return empty; // precondition violated: no codes
  }
  std::vector<float> scales;
  std::vector<int32_t> zeroPoints;
  float tensorScale = 1.0f;
  computeScales(x, desc, scales, zeroPoints, tensorScale);
  return quantizeUnchecked(x, desc, std::move(scales), std::move(zeroPoints),
                           tensorScale);
}

std::optional<QuantizedTensor>
qforge::quantizeWithScales(const std::vector<float> &x, const TensorDesc &desc,
                           const std::vector<float> &scales,
                           const std::vector<int32_t> &zeroPoints,
                           float tensorScale, std::string *error) {
  auto fail = [&](const std::string &msg) -> std::optional<QuantizedTensor> {
    if (error)
      *error = msg;
    return std::nullopt;
  };
  std::string err = desc.verify(/*requireDivisibleGroups=*/false);
  if (!err.empty())
    return fail(err);
  const Scheme &s = desc.scheme;
  int64_t numElements = *checkedNumElements(desc.shape);
  if (int64_t(x.size()) != numElements)
    return fail("expected " + std::to_string(numElements) + " values, got " +
                std::to_string(x.size()));
  int64_t numScales = *checkedNumElements(scaleShape(s, desc.shape));
  if (int64_t(scales.size()) != numScales)
    return fail("expected " + std::to_string(numScales) + " scales, got " +
                std::to_string(scales.size()));
  int64_t numZps = s.asymmetric ? numScales : 0;
  if (int64_t(zeroPoints.size()) != numZps)
    return fail("expected " + std::to_string(numZps) + " zero points, got " +
                std::to_string(zeroPoints.size()));
  std::vector<float> rounded(scales.size());
  for (size_t i = 0; i < scales.size(); ++i) {
    if (!std::isfinite(scales[i]) || !(scales[i] > 0))
      return fail("scale " + std::to_string(i) + " is " + fmtFloat(scales[i]) +
                  ", not finite and positive");
    rounded[i] = roundScale(scales[i], s.scaleFormat);
  }
  for (size_t i = 0; i < zeroPoints.size(); ++i)
    if (zeroPoints[i] < s.qmin() || zeroPoints[i] > s.qmax())
      return fail("zero point " + std::to_string(i) + " is " +
                  std::to_string(zeroPoints[i]) + ", out of range [" +
                  std::to_string(s.qmin()) + ", " + std::to_string(s.qmax()) +
                  "]");
  if (s.tensorScale && (!std::isfinite(tensorScale) || !(tensorScale > 0)))
    return fail("tensor scale is " + fmtFloat(tensorScale) +
                ", not finite and positive");
  return quantizeUnchecked(x, desc, std::move(rounded), zeroPoints,
                           tensorScale);
}

/// Transposes a rows x cols row-major matrix.
template <typename T>
static std::vector<T> transposed(const std::vector<T> &m, int64_t rows,
                                 int64_t cols) {
  std::vector<T> out(m.size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      out[c * rows + r] = m[r * cols + c];
  return out;
}

std::vector<float> qforge::transposeMatrix(const std::vector<float> &m,
                                           int64_t rows, int64_t cols) {
  return transposed(m, rows, cols);
}

std::optional<QuantizedTensor> qforge::transpose2D(const QuantizedTensor &q,
                                                   std::string *error) {
  if (q.desc.shape.size() != 2 || !q.desc.layout.isPacked()) {
    if (error)
      *error = "transpose2D needs a rank-2 tensor with a packed layout";
    return std::nullopt;
  }
  QuantizedTensor t = q;
  int64_t rows = q.desc.shape[0], cols = q.desc.shape[1];
  t.desc.shape = {cols, rows};
  if (q.desc.scheme.axis >= 0)
    t.desc.scheme.axis = 1 - q.desc.scheme.axis;
  t.codes = transposed(q.codes, rows, cols);
  // Per-group scales form a matrix over the two dimensions; per-tensor and
  // per-axis scales are a vector that does not move.
  std::vector<int64_t> ss = scaleShape(q.desc.scheme, q.desc.shape);
  if (ss.size() == 2) {
    t.scales = transposed(q.scales, ss[0], ss[1]);
    if (!q.zeroPoints.empty())
      t.zeroPoints = transposed(q.zeroPoints, ss[0], ss[1]);
  }
  return t;
}

std::vector<float> qforge::dequantize(const QuantizedTensor &q) {
  const Scheme &s = q.desc.scheme;
  BlockMap blocks(q.desc);
  std::optional<int64_t> n = checkedNumElements(q.desc.shape);
  if (!n || *n != int64_t(q.codes.size()) ||
      int64_t(q.scales.size()) != blocks.numScales ||
      (s.asymmetric && q.zeroPoints.size() != q.scales.size()))
    return {}; // malformed tensor
  std::vector<float> out(q.codes.size());
  for (size_t i = 0; i < q.codes.size(); ++i) {
    int64_t b = blocks(int64_t(i));
    out[i] = dequantizeValue(q.codes[i],
                             effectiveScale(s, q.scales[b], q.tensorScale),
                             s.asymmetric ? q.zeroPoints[b] : 0, s);
  }
  return out;
}

//===----------------------------------------------------------------------===//
// Packing
//===----------------------------------------------------------------------===//

void qforge::packCodes(const int32_t *codes, int64_t count, unsigned bits,
                       uint8_t *out) {
  if (bits < 1 || bits > 32 || count <= 0)
    return;
  int64_t bytes = (count / 8) * bits + ((count % 8) * bits + 7) / 8;
  std::memset(out, 0, size_t(bytes));
  uint64_t mask = (uint64_t(1) << bits) - 1;
  uint64_t bitPos = 0;
  for (int64_t i = 0; i < count; ++i, bitPos += bits) {
    uint64_t v = uint64_t(uint32_t(codes[i])) & mask;
    // A code of <= 32 bits spans at most 5 bytes.
    uint64_t byte = bitPos / 8;
    unsigned shift = unsigned(bitPos % 8);
    v <<= shift;
    for (unsigned k = 0; v != 0; ++k, v >>= 8)
      out[byte + k] |= uint8_t(v);
  }
}

void qforge::unpackCodes(const uint8_t *in, int64_t count, unsigned bits,
                         bool isSigned, int32_t *out) {
  if (bits < 1 || bits > 32)
    return;
  uint64_t mask = (uint64_t(1) << bits) - 1;
  uint64_t bitPos = 0;
  for (int64_t i = 0; i < count; ++i, bitPos += bits) {
    uint64_t byte = bitPos / 8;
    unsigned shift = unsigned(bitPos % 8);
    unsigned needed = (shift + bits + 7) / 8;
    uint64_t v = 0;
    for (unsigned k = 0; k < needed; ++k)
      v |= uint64_t(in[byte + k]) << (8 * k);
    v = (v >> shift) & mask;
    int64_t code = int64_t(v);
    if (isSigned && (v >> (bits - 1)) & 1)
      code -= int64_t(uint64_t(1) << bits);
    out[i] = int32_t(code);
  }
}

int64_t qforge::layoutCodeIndex(const TensorDesc &desc, int64_t linear) {
  if (!isTiled(desc))
    return linear;
  TileGeometry g(desc);
  int64_t c = linear % g.cols;
  int64_t r = (linear / g.cols) % g.rows;
  int64_t l = linear / (g.cols * g.rows);
  return g.slot(l, r, c);
}

int64_t qforge::scaleIndexOf(const TensorDesc &desc, int64_t linear) {
  return BlockMap(desc)(linear);
}

std::vector<uint8_t> qforge::packBlob(const QuantizedTensor &q) {
  const TensorDesc &desc = q.desc;
  const Scheme &s = desc.scheme;
  std::optional<BlobLayout> layout = computeBlobLayout(desc);
  if (!layout)
    return {};
  int64_t numElements = *checkedNumElements(desc.shape);
  if (int64_t(q.codes.size()) != numElements ||
      int64_t(q.scales.size()) != layout->numScales ||
      int64_t(q.zeroPoints.size()) != (s.asymmetric ? layout->numScales : 0))
    return {}; // malformed tensor

  std::vector<uint8_t> blob(size_t(layout->totalBytes), 0);
  std::vector<int32_t> stored;
  if (!isTiled(desc)) {
    stored = q.codes;
  } else {
    // Padding slots hold the code of 0.0: the zero point of the block of the
    // nearest real element (row and column clamped into the tensor).
    BlockMap blocks(desc);
    TileGeometry g(desc);
    stored.assign(size_t(layout->numCodes), 0);
    for (int64_t l = 0; l < g.leading; ++l)
      for (int64_t r = 0; r < g.paddedRows(); ++r)
        for (int64_t c = 0; c < g.paddedCols(); ++c) {
          int64_t rr = std::min(r, g.rows - 1), cc = std::min(c, g.cols - 1);
          int64_t linear = (l * g.rows + rr) * g.cols + cc;
          int32_t code;
          if (r < g.rows && c < g.cols)
            code = q.codes[linear];
          else
            code = s.asymmetric ? q.zeroPoints[blocks(linear)] : 0;
          stored[g.slot(l, r, c)] = code;
        }
  }
  for (int32_t &code : stored)
    code = s.codeOfValue(code);
  packCodes(stored.data(), layout->numCodes, s.bits,
            blob.data() + layout->codesOffset);

  unsigned sb = scaleBytes(s.scaleFormat);
  for (int64_t i = 0; i < layout->numScales; ++i)
    encodeScale(q.scales[i], s.scaleFormat,
                blob.data() + layout->scalesOffset + i * sb);
  for (int64_t i = 0; i < int64_t(q.zeroPoints.size()); ++i)
    blob[layout->zeroPointsOffset + i] = uint8_t(q.zeroPoints[i] & 0xFF);
  if (s.tensorScale)
    storeLE(floatBits(q.tensorScale), 4,
            blob.data() + layout->tensorScaleOffset);
  return blob;
}

/// Decodes and checks the scales, zero points and tensor scale of a blob
/// whose size matches `layout` into `q`. Returns an error message or "".
static std::string readScales(const uint8_t *data, const BlobLayout &layout,
                              const Scheme &s, QuantizedTensor &q) {
  unsigned sb = scaleBytes(s.scaleFormat);
  q.scales.resize(size_t(layout.numScales));
  for (int64_t i = 0; i < layout.numScales; ++i) {
    float v = decodeScale(data + layout.scalesOffset + i * sb, s.scaleFormat);
    if (!std::isfinite(v) || !(v > 0))
      return "scale " + std::to_string(i) + " is " + fmtFloat(v) +
             ", not finite and positive";
    q.scales[i] = v;
  }
  if (s.asymmetric) {
    q.zeroPoints.resize(size_t(layout.numScales));
    for (int64_t i = 0; i < layout.numScales; ++i) {
      uint8_t byte = data[layout.zeroPointsOffset + i];
      int32_t zp = s.format == ElementFormat::SInt ? int32_t(int8_t(byte))
                                                   : int32_t(byte);
      if (zp < s.qmin() || zp > s.qmax())
        return "zero point " + std::to_string(i) + " is " +
               std::to_string(zp) + ", out of range [" +
               std::to_string(s.qmin()) + ", " + std::to_string(s.qmax()) +
               "]";
      q.zeroPoints[i] = zp;
    }
  }
  if (s.tensorScale) {
    float ts = bitsFloat(uint32_t(loadLE(data + layout.tensorScaleOffset, 4)));
    if (!std::isfinite(ts) || !(ts > 0))
      return "tensor scale is " + fmtFloat(ts) + ", not finite and positive";
    q.tensorScale = ts;
  }
  return "";
}

/// Computes the layout of `desc` and checks that `size` matches it.
static std::optional<BlobLayout> checkedLayout(int64_t size,
                                               const TensorDesc &desc,
                                               std::string &err) {
  std::optional<BlobLayout> layout = computeBlobLayout(desc, &err);
  if (layout && size != layout->totalBytes) {
    err = "blob has " + std::to_string(size) + " bytes, expected " +
          std::to_string(layout->totalBytes);
    return std::nullopt;
  }
  return layout;
}

bool qforge::verifyBlob(const uint8_t *data, int64_t size,
                        const TensorDesc &desc, std::string *error) {
  std::string err;
  std::optional<BlobLayout> layout = checkedLayout(size, desc, err);
  QuantizedTensor scratch;
  if (layout)
    err = readScales(data, *layout, desc.scheme, scratch);
  if (error)
    *error = err;
  return err.empty();
}

std::optional<QuantizedTensor> qforge::unpackBlob(const uint8_t *data,
                                                  int64_t size,
                                                  const TensorDesc &desc,
                                                  std::string *error) {
  std::string err;
  std::optional<BlobLayout> layout = checkedLayout(size, desc, err);
  QuantizedTensor q;
  q.desc = desc;
  if (layout)
    err = readScales(data, *layout, desc.scheme, q);
  if (!err.empty()) {
    if (error)
      *error = err;
    return std::nullopt;
  }
  const Scheme &s = desc.scheme;
  std::vector<int32_t> stored(size_t(layout->numCodes));
  unpackCodes(data + layout->codesOffset, layout->numCodes, s.bits,
              s.hasSignedCodes(), stored.data());
  int64_t numElements = *checkedNumElements(desc.shape);
  q.codes.resize(size_t(numElements));
  for (int64_t i = 0; i < numElements; ++i)
    q.codes[i] = s.valueOfCode(stored[layoutCodeIndex(desc, i)]);
  return q;
}
