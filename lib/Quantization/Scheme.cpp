//===- Scheme.cpp - Quantization schemes and blob layout -------------------===//
//
// Validation of schemes and tensor descriptions, scale shapes, and the
// overflow-checked computation of the blob layout (docs/BlobLayout.md).
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Scheme.h"

using namespace qforge;

namespace {

/// a * b, or nullopt on signed 64-bit overflow.
std::optional<int64_t> mulChecked(int64_t a, int64_t b) {
  int64_t r;
  if (__builtin_mul_overflow(a, b, &r))
    return std::nullopt;
  return r;
}

/// ceil(a / b) for a >= 0, b > 0, without the overflow of (a + b - 1) / b.
int64_t ceilDiv(int64_t a, int64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

/// Rounds a >= 0 up to a multiple of b > 0, or nullopt on overflow.
std::optional<int64_t> roundUpChecked(int64_t a, int64_t b) {
  return mulChecked(ceilDiv(a, b), b);
}

bool isKnownElementFormat(ElementFormat f) {
  switch (f) {
  case ElementFormat::SInt:
  case ElementFormat::UInt:
  case ElementFormat::F8E4M3FN:
  case ElementFormat::F8E5M2:
  case ElementFormat::F4E2M1FN:
    return true;
  }
  return false;
}

bool isKnownScaleFormat(ScaleFormat f) {
  switch (f) {
  case ScaleFormat::F32:
  case ScaleFormat::F16:
  case ScaleFormat::BF16:
  case ScaleFormat::E8M0:
  case ScaleFormat::E4M3:
    return true;
  }
  return false;
}

bool isKnownRoundingMode(RoundingMode m) {
  switch (m) {
  case RoundingMode::NearestEven:
  case RoundingMode::NearestAway:
  case RoundingMode::TowardZero:
    return true;
  }
  return false;
}

/// "4x8x16" (or "scalar" for rank 0), for diagnostics.
std::string shapeToString(const std::vector<int64_t> &shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += "x";
    s += std::to_string(shape[i]);
  }
  return s;
}

/// The arithmetic part of computeBlobLayout, for a description whose
/// structure has already been checked (dims >= 1, axis, group and tile
/// valid). Fails only on overflow or when the blob exceeds kMaxBlobBytes.
bool computeLayoutUnchecked(const TensorDesc &desc, BlobLayout &out,
                            std::string &error) {
  const Scheme &s = desc.scheme;
  std::string tooLarge = "quantized tensor of shape " +
                         shapeToString(desc.shape) + " is too large (limit " +
                         std::to_string(kMaxBlobBytes) + " bytes)";
  std::optional<int64_t> numElements = checkedNumElements(desc.shape);
  if (!numElements) {
    error = tooLarge;
    return false;
  }
  BlobLayout l;

  // Stored codes, including tile padding. Every section is bounded by
  // kMaxBlobBytes before the next one is added, so the sums below cannot
  // overflow once these checks pass.
  int64_t numCodes = *numElements;
  bool ok = true;
  if (!desc.layout.isPacked()) {
    size_t rank = desc.shape.size();
    std::optional<int64_t> leading = checkedNumElements(
        std::vector<int64_t>(desc.shape.begin(), desc.shape.end() - 2));
    std::optional<int64_t> rows =
        roundUpChecked(desc.shape[rank - 2], desc.layout.tile[0]);
    std::optional<int64_t> cols =
        roundUpChecked(desc.shape[rank - 1], desc.layout.tile[1]);
    std::optional<int64_t> tile, codes;
    if (leading && rows && cols)
      tile = mulChecked(*rows, *cols);
    if (tile)
      codes = mulChecked(*leading, *tile);
    ok = codes.has_value();
    numCodes = codes.value_or(0);
  }
  std::optional<int64_t> codeBits = mulChecked(numCodes, int64_t(s.bits));
  if (!ok || !codeBits || *codeBits / 8 > kMaxBlobBytes) {
    error = tooLarge;
    return false;
  }
  l.numCodes = numCodes;
  l.codesOffset = 0;
  l.codesBytes = ceilDiv(*codeBits, 8);

  std::optional<int64_t> numScales =
      checkedNumElements(scaleShape(s, desc.shape));
  if (!numScales) { // cannot happen: there are no more scales than elements
    error = tooLarge;
    return false;
  }
  l.numScales = *numScales;
  auto align = [](int64_t v) {
    return ceilDiv(v, kBlobSectionAlignment) * kBlobSectionAlignment;
  };
  l.scalesOffset = align(l.codesOffset + l.codesBytes);
  l.scalesBytes = l.numScales * int64_t(scaleBytes(s.scaleFormat));
  l.zeroPointsOffset = align(l.scalesOffset + l.scalesBytes);
  l.zeroPointsBytes = s.asymmetric ? l.numScales : 0;
  l.tensorScaleOffset = align(l.zeroPointsOffset + l.zeroPointsBytes);
  l.tensorScaleBytes = s.tensorScale ? 4 : 0;
  l.totalBytes = align(l.tensorScaleOffset + l.tensorScaleBytes);
  if (l.totalBytes > kMaxBlobBytes) {
    error = tooLarge;
    return false;
  }
  out = l;
  return true;
}

} // namespace

//===----------------------------------------------------------------------===//
// Scheme
//===----------------------------------------------------------------------===//

// Out-of-range widths (rejected by verify()) give 0 rather than shifting by
// an invalid amount; float formats have no integer code range and give 0.
int32_t Scheme::qmin() const {
  if (!isInteger() || bits < 1 || bits > 30)
    return 0;
  if (format != ElementFormat::SInt)
    return 0;
  if (grid == IntegerGrid::Full)
    return -int32_t(int64_t(1) << (bits - 1));
  return -qmax();
}

int32_t Scheme::qmax() const {
  if (!isInteger() || bits < 1 || bits > 30)
    return 0;
  if (format != ElementFormat::SInt)
    return int32_t((int64_t(1) << bits) - 1);
  if (grid == IntegerGrid::Odd)
    return int32_t((int64_t(1) << bits) - 1);
  return int32_t((int64_t(1) << (bits - 1)) - 1);
}

int32_t Scheme::codeOfValue(int32_t value) const {
  if (format != ElementFormat::SInt || grid != IntegerGrid::Odd)
    return value;
  return int32_t((int64_t(value) + qmax()) / 2);
}

int32_t Scheme::valueOfCode(int32_t code) const {
  if (format != ElementFormat::SInt || grid != IntegerGrid::Odd)
    return code;
  return int32_t(2 * int64_t(code) - qmax());
}

double Scheme::maxMagnitude() const {
  switch (format) {
  case ElementFormat::SInt:
    // 1-bit signed (full grid) is {-1, 0}.
    return bits == 1 && grid == IntegerGrid::Full ? 1.0 : double(qmax());
  case ElementFormat::UInt:
    return double(qmax());
  case ElementFormat::F8E4M3FN:
    return 448.0;
  case ElementFormat::F8E5M2:
    return 57344.0;
  case ElementFormat::F4E2M1FN:
    return 6.0;
  }
  return 0.0;
}

std::string Scheme::verify() const {
  if (!isKnownElementFormat(format))
    return "unknown element format " + std::to_string(int(format));
  if (!isKnownScaleFormat(scaleFormat))
    return "unknown scale format " + std::to_string(int(scaleFormat));
  if (!isKnownRoundingMode(rounding))
    return "unknown rounding mode " + std::to_string(int(rounding));

  switch (format) {
  case ElementFormat::SInt:
  case ElementFormat::UInt:
    if (bits < 1 || bits > kMaxBits)
      return "element width " + std::to_string(bits) +
             " is out of range [1, " + std::to_string(kMaxBits) + "]";
    break;
  case ElementFormat::F8E4M3FN:
  case ElementFormat::F8E5M2:
    if (bits != 8)
      return "fp8 element formats are 8 bits wide, got " +
             std::to_string(bits);
    break;
  case ElementFormat::F4E2M1FN:
    if (bits != 4)
      return "fp4 element formats are 4 bits wide, got " +
             std::to_string(bits);
    break;
  }

  switch (grid) {
  case IntegerGrid::Full:
    break;
  case IntegerGrid::Narrow:
  case IntegerGrid::Odd:
    if (format != ElementFormat::SInt)
      return std::string("the ") + toString(grid) +
             " grid needs a signed integer format, got " + toString(format);
    if (grid == IntegerGrid::Narrow && bits < 2)
      return "the narrow grid needs at least 2 bits (1-bit narrow codes "
             "hold only 0)";
    if (asymmetric)
      return std::string("the ") + toString(grid) +
             " grid is symmetric: no zero points";
    break;
  default:
    return "unknown integer grid " + std::to_string(int(grid));
  }
  if (asymmetric && !isInteger())
    return std::string("zero points need an integer element format, got ") +
           toString(format);
  if (axis < -1)
    return "axis " + std::to_string(axis) +
           " must be -1 (per-tensor) or non-negative";
  if (groupSize < 0)
    return "group size " + std::to_string(groupSize) + " must be positive";
  if (groupSize > 0 && axis < 0)
    return "group size needs an axis (group size " +
           std::to_string(groupSize) + ", axis -1)";
  if (tensorScale && groupSize <= 0)
    return "two-level scales need a group size (group size " +
           std::to_string(groupSize) + ")";
  if (!isInteger() && rounding != RoundingMode::NearestEven)
    return std::string("rounding mode ") + toString(rounding) +
           " applies only to integer formats, got " + toString(format);
  return "";
}

bool Scheme::operator==(const Scheme &o) const {
  return format == o.format && bits == o.bits && axis == o.axis &&
         groupSize == o.groupSize && scaleFormat == o.scaleFormat &&
         asymmetric == o.asymmetric && tensorScale == o.tensorScale &&
         rounding == o.rounding && grid == o.grid;
}

//===----------------------------------------------------------------------===//
// TensorDesc
//===----------------------------------------------------------------------===//

std::string TensorDesc::verify(bool requireDivisibleGroups) const {
  std::string err = scheme.verify();
  if (!err.empty())
    return err;
  int64_t rank = int64_t(shape.size());
  for (int64_t i = 0; i < rank; ++i)
    if (shape[i] < 1)
      return "dimension " + std::to_string(i) + " has size " +
             std::to_string(shape[i]) + ", sizes must be positive";
  if (scheme.axis >= rank)
    return "axis " + std::to_string(scheme.axis) +
           " is out of range for a tensor of rank " + std::to_string(rank);
  if (scheme.groupSize > 0 && requireDivisibleGroups &&
      shape[scheme.axis] % scheme.groupSize != 0)
    return "group size " + std::to_string(scheme.groupSize) +
           " does not divide dimension " + std::to_string(scheme.axis) +
           " (" + std::to_string(shape[scheme.axis]) + ")";
  if (!layout.isPacked()) {
    if (scheme.grid != IntegerGrid::Full)
      return std::string("a tiled layout pads with the code of zero; the ") +
             toString(scheme.grid) + " grid needs the packed layout";
    if (layout.tile.size() != 2)
      return "a tiled layout needs 2 tile sizes, got " +
             std::to_string(layout.tile.size());
    for (size_t i = 0; i < 2; ++i)
      if (layout.tile[i] < 1)
        return "tile size " + std::to_string(layout.tile[i]) +
               " must be positive";
    if (rank < 2)
      return "a tiled layout needs a tensor of rank >= 2, got rank " +
             std::to_string(rank);
  }
  BlobLayout ignored;
  if (!computeLayoutUnchecked(*this, ignored, err))
    return err;
  return "";
}

//===----------------------------------------------------------------------===//
// Shapes and layout
//===----------------------------------------------------------------------===//

std::optional<int64_t>
qforge::checkedNumElements(const std::vector<int64_t> &shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return std::nullopt;
    std::optional<int64_t> m = mulChecked(n, d);
    if (!m)
      return std::nullopt;
    n = *m;
  }
  return n;
}

// Defensive on unverified input: an axis outside the shape gives {} and a
// non-positive dimension is kept as is.
std::vector<int64_t> qforge::scaleShape(const Scheme &scheme,
                                        const std::vector<int64_t> &shape) {
  if (scheme.axis < 0 || scheme.axis >= int64_t(shape.size()))
    return {};
  int64_t dim = shape[scheme.axis];
  if (scheme.groupSize <= 0)
    return {dim};
  std::vector<int64_t> result = shape;
  if (dim > 0)
    result[scheme.axis] = ceilDiv(dim, scheme.groupSize);
  return result;
}

unsigned qforge::scaleBytes(ScaleFormat f) {
  switch (f) {
  case ScaleFormat::F32:
    return 4;
  case ScaleFormat::F16:
  case ScaleFormat::BF16:
    return 2;
  case ScaleFormat::E8M0:
  case ScaleFormat::E4M3:
    return 1;
  }
  return 4;
}

std::optional<BlobLayout> qforge::computeBlobLayout(const TensorDesc &desc,
                                                    std::string *error) {
  // The reference handles ragged last groups, so divisibility is not needed
  // here; verify() also runs the overflow-checked size computation.
  std::string err = desc.verify(/*requireDivisibleGroups=*/false);
  BlobLayout layout;
  if (err.empty() && computeLayoutUnchecked(desc, layout, err))
    return layout;
  if (error)
    *error = err;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// Spellings
//===----------------------------------------------------------------------===//

const char *qforge::toString(ElementFormat f) {
  switch (f) {
  case ElementFormat::SInt:
    return "sint";
  case ElementFormat::UInt:
    return "uint";
  case ElementFormat::F8E4M3FN:
    return "f8E4M3FN";
  case ElementFormat::F8E5M2:
    return "f8E5M2";
  case ElementFormat::F4E2M1FN:
    return "f4E2M1FN";
  }
  return "<unknown element format>";
}

const char *qforge::toString(ScaleFormat f) {
  switch (f) {
  case ScaleFormat::F32:
    return "f32";
  case ScaleFormat::F16:
    return "f16";
  case ScaleFormat::BF16:
    return "bf16";
  case ScaleFormat::E8M0:
    return "f8E8M0FNU";
  case ScaleFormat::E4M3:
    return "f8E4M3FN";
  }
  return "<unknown scale format>";
}

const char *qforge::toString(RoundingMode m) {
  switch (m) {
  case RoundingMode::NearestEven:
    return "nearest_even";
  case RoundingMode::NearestAway:
    return "nearest_away";
  case RoundingMode::TowardZero:
    return "toward_zero";
  }
  return "<unknown rounding mode>";
}

const char *qforge::toString(NoiseKind k) {
  switch (k) {
  case NoiseKind::Additive:
    return "additive";
  case NoiseKind::Multiplicative:
    return "multiplicative";
  }
  return "<unknown noise kind>";
}

double qforge::storedBits(const Scheme &scheme,
                          const std::vector<int64_t> &shape) {
  double elements = 1, scales = 1;
  for (int64_t d : shape)
    elements *= double(d);
  for (int64_t d : scaleShape(scheme, shape))
    scales *= double(d);
  double perScale =
      8.0 * scaleBytes(scheme.scaleFormat) + (scheme.asymmetric ? 8.0 : 0.0);
  return elements * scheme.bits + scales * perScale +
         (scheme.tensorScale ? 32.0 : 0.0);
}

const char *qforge::toString(IntegerGrid g) {
  switch (g) {
  case IntegerGrid::Full:
    return "full";
  case IntegerGrid::Narrow:
    return "narrow";
  case IntegerGrid::Odd:
    return "odd";
  }
  return "unknown";
}
