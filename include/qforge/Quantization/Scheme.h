//===- Scheme.h - Quantization schemes and blob layout (plain C++) -*- C++ -*-===//
//
// The description of a quantized tensor as plain data, independent of MLIR:
// element format, granularity, scale format, zero points, rounding, and the
// storage layout of the packed blob that holds codes, scales and zero points.
// The `qf` dialect's attribute and type convert to these structs; the
// reference quantizer, the packer and every algorithm work on them.
//
// The semantics are written down in docs/Semantics.md and docs/BlobLayout.md.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_QUANTIZATION_SCHEME_H
#define QFORGE_QUANTIZATION_SCHEME_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qforge {

/// Element (code) format of a quantized tensor.
enum class ElementFormat {
  SInt,     ///< signed two's-complement integer, 1..8 bits
  UInt,     ///< unsigned integer, 1..8 bits
  F8E4M3FN, ///< OCP fp8 e4m3 (finite + NaN, max 448)
  F8E5M2,   ///< OCP fp8 e5m2 (IEEE-like, max 57344)
  F4E2M1FN, ///< OCP fp4 e2m1 (finite only, max 6)
};

/// Storage format of the scales.
enum class ScaleFormat { F32, F16, BF16, E8M0, E4M3 };

/// How x / scale is rounded to an integer code (integer formats only; float
/// formats always round to nearest, ties to even).
enum class RoundingMode { NearestEven, NearestAway, TowardZero };

/// The values a signed integer code stands for (the value is then scaled
/// by (value - zero point) x scale as for every integer format):
/// * Full: two's complement, [-2^(b-1), 2^(b-1)-1];
/// * Narrow: symmetric, [-(2^(b-1)-1), 2^(b-1)-1] (b >= 2; 2 bits is
///   ternary {-1, 0, 1});
/// * Odd: the 2^b odd integers in [-(2^b-1), 2^b-1], without zero (1 bit is
///   binary {-1, +1}; 2 bits {-3, -1, 1, 3}); the stored code is the
///   unsigned c with value 2c - (2^b-1).
/// Narrow and odd grids are symmetric (no zero point) and packed.
enum class IntegerGrid { Full, Narrow, Odd };

/// Whether the rounding noise is independent of the value (integers with a
/// fixed scale) or proportional to it (floating-point element formats).
enum class NoiseKind { Additive, Multiplicative };

/// Largest width of an integer code.
constexpr unsigned kMaxBits = 8;
/// Alignment, in bytes, of each section of a blob.
constexpr int64_t kBlobSectionAlignment = 16;
/// Largest blob the project accepts (2^40 bytes); larger shapes are rejected
/// with a diagnostic rather than overflowing.
constexpr int64_t kMaxBlobBytes = int64_t(1) << 40;

/// How a tensor is quantized. Shape-independent: the same scheme can describe
/// tensors of different shapes (validate() checks one shape against it).
struct Scheme {
  ElementFormat format = ElementFormat::SInt;
  /// Code width in bits: 1..8 for integer formats, 8 for fp8, 4 for fp4.
  unsigned bits = 8;
  /// -1: one scale for the whole tensor. Otherwise the axis along which
  /// scales vary.
  int64_t axis = -1;
  /// 0 with axis >= 0: one scale per index along `axis` (per-channel).
  /// >0: groups of `groupSize` consecutive elements along `axis`; every group
  /// at every index of the other dimensions has its own scale.
  int64_t groupSize = 0;
  ScaleFormat scaleFormat = ScaleFormat::F32;
  /// Zero point stored per scale (asymmetric); otherwise it is 0.
  bool asymmetric = false;
  /// Two-level scaling: a per-group scale (in scaleFormat) times one f32
  /// tensor scale (NVFP4 style). Requires groupSize > 0.
  bool tensorScale = false;
  RoundingMode rounding = RoundingMode::NearestEven;
  /// The value grid of a signed integer format (Full for every other one).
  IntegerGrid grid = IntegerGrid::Full;

  bool isInteger() const {
    return format == ElementFormat::SInt || format == ElementFormat::UInt;
  }
  bool isSigned() const { return format != ElementFormat::UInt; }
  bool isPerTensor() const { return axis < 0; }
  bool isPerAxis() const { return axis >= 0 && groupSize == 0; }
  bool isPerGroup() const { return axis >= 0 && groupSize > 0; }
  NoiseKind noiseKind() const {
    return isInteger() ? NoiseKind::Additive : NoiseKind::Multiplicative;
  }
  /// Smallest and largest integer value (integer formats). For SInt b bits:
  /// [-2^(b-1), 2^(b-1)-1], narrower or wider by `grid`; for UInt:
  /// [0, 2^b-1].
  int32_t qmin() const;
  int32_t qmax() const;
  /// The stored b-bit code of an integer value, and back (they differ only
  /// for the odd grid: c = (v + 2^b-1) / 2, v = 2c - (2^b-1)).
  int32_t codeOfValue(int32_t value) const;
  int32_t valueOfCode(int32_t code) const;
  /// Whether stored codes are sign-extended when unpacked (SInt, except the
  /// odd grid, whose codes are unsigned).
  bool hasSignedCodes() const {
    return format == ElementFormat::SInt && grid != IntegerGrid::Odd;
  }
  /// Whether every value fits a signed integer of `bits` bits (false only
  /// for the odd grid), for the lowerings that keep codes at their width.
  bool valuesFitWidth() const { return grid != IntegerGrid::Odd; }
  /// Largest magnitude the element format represents: qmax for integers
  /// (max(|qmin|, qmax) for 1-bit signed), 448 / 57344 / 6 for the floats.
  double maxMagnitude() const;

  /// Checks the scheme alone (width range, format/width agreement, zero
  /// points only for integers, group needs an axis, two-level needs groups,
  /// rounding mode allowed for the format). Returns an error message naming
  /// the offending value, or an empty string.
  std::string verify() const;

  bool operator==(const Scheme &o) const;
  bool operator!=(const Scheme &o) const { return !(*this == o); }
};

/// Storage layout of the codes: empty `tile` is packed row-major; otherwise
/// the last two dimensions are cut into tiles of tile[0] x tile[1] elements,
/// tiles are stored row-major over the tile grid (per leading index), elements
/// row-major inside a tile, and edge tiles are padded with the code that
/// dequantizes to zero (the zero point). See docs/BlobLayout.md.
struct Layout {
  std::vector<int64_t> tile;
  bool isPacked() const { return tile.empty(); }
  bool operator==(const Layout &o) const { return tile == o.tile; }
};

/// A quantized tensor's full static description.
struct TensorDesc {
  std::vector<int64_t> shape;
  Scheme scheme;
  Layout layout;

  /// Checks the scheme against this shape (axis in range, group divides the
  /// dimension when `requireDivisibleGroups`, tile rank, sizes not too large).
  /// Returns an error message naming the offending value, or "".
  std::string verify(bool requireDivisibleGroups = true) const;
};

/// Number of elements of a shape, or nullopt on overflow / negative dims.
std::optional<int64_t> checkedNumElements(const std::vector<int64_t> &shape);

/// Shape of the scale (and zero-point) tensor: {} (per-tensor, one scale),
/// {shape[axis]} (per-axis), or shape with dim `axis` replaced by
/// ceil(shape[axis] / groupSize) (per-group).
std::vector<int64_t> scaleShape(const Scheme &scheme,
                                const std::vector<int64_t> &shape);

/// Bytes per stored scale: 4, 2, 2, 1, 1.
unsigned scaleBytes(ScaleFormat f);

/// Byte offsets and sizes of the sections of a blob (docs/BlobLayout.md).
/// Sections follow each other in this order, each starting at a multiple of
/// kBlobSectionAlignment; a section that is absent has size 0.
struct BlobLayout {
  int64_t numCodes = 0; ///< codes stored, including tile padding
  int64_t numScales = 0;
  int64_t codesOffset = 0, codesBytes = 0;
  int64_t scalesOffset = 0, scalesBytes = 0;
  int64_t zeroPointsOffset = 0, zeroPointsBytes = 0; ///< 1 byte each
  int64_t tensorScaleOffset = 0, tensorScaleBytes = 0; ///< 4 bytes (f32)
  int64_t totalBytes = 0; ///< padded to kBlobSectionAlignment
};

/// Computes the layout; nullopt if the description is invalid or the blob
/// would exceed kMaxBlobBytes (`error` then says why, if non-null).
std::optional<BlobLayout> computeBlobLayout(const TensorDesc &desc,
                                            std::string *error = nullptr);

/// Stable spellings used by the IR printer, reports and diagnostics.
/// Bits a tensor of `shape` quantized with `scheme` stores: codes, scales,
/// zero points and the tensor scale, without the blob's alignment padding
/// (the cost bit allocation counts).
double storedBits(const Scheme &scheme, const std::vector<int64_t> &shape);

const char *toString(ElementFormat f);
const char *toString(ScaleFormat f);
const char *toString(RoundingMode m);
const char *toString(NoiseKind k);
const char *toString(IntegerGrid g);

} // namespace qforge

#endif // QFORGE_QUANTIZATION_SCHEME_H
