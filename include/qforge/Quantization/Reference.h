//===- Reference.h - Reference quantize / dequantize / pack --------*- C++ -*-===//
//
// The bit-exact reference for qforge's quantization semantics
// (docs/Semantics.md): every backend is tested against these functions.
// Plain C++ over arrays; no MLIR.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_QUANTIZATION_REFERENCE_H
#define QFORGE_QUANTIZATION_REFERENCE_H

#include "qforge/Quantization/Scheme.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace qforge {

/// A quantized tensor in unpacked form.
struct QuantizedTensor {
  TensorDesc desc;
  /// One code per logical element, row-major over desc.shape (not in layout
  /// order). Integer formats: the integer value (sign-extended for SInt).
  /// Float formats: the raw bit pattern (0..255 for fp8, 0..15 for fp4).
  std::vector<int32_t> codes;
  /// Row-major over scaleShape(); every value is exactly representable in
  /// desc.scheme.scaleFormat, finite and > 0.
  std::vector<float> scales;
  /// Same count as scales when asymmetric, else empty. Within [qmin, qmax].
  std::vector<int32_t> zeroPoints;
  /// Two-level schemes only; finite and > 0. The effective scale of a group
  /// is scales[g] * tensorScale computed in f32.
  float tensorScale = 1.0f;
};

/// Rounds a positive scale to the nearest value of `f` (ties to even;
/// E8M0 rounds up to the next power of two so that no value is clipped).
/// Results below the smallest positive value of `f` become that value; above
/// the largest finite value, the largest finite value.
float roundScale(float s, ScaleFormat f);

/// Encodes / decodes one scale in its storage format (little-endian bytes).
void encodeScale(float s, ScaleFormat f, uint8_t *out);
float decodeScale(const uint8_t *in, ScaleFormat f);

/// Rounds x to an integer in the given mode (ties to even by default).
float roundInteger(float x, RoundingMode mode);

/// Quantizes one value: integer formats give
/// clamp(round(x / scale) + zp, qmin, qmax), computed in f32; NaN gives zp,
/// +-Inf saturate. Float formats give the bit pattern of x / scale rounded to
/// the format (ties to even), saturating to +-max; NaN stays NaN where the
/// format has one and becomes +0 for fp4.
int32_t quantizeValue(float x, float scale, int32_t zeroPoint,
                      const Scheme &scheme);

/// (code - zp) * scale in f32 (integers); decode(code) * scale (floats).
float dequantizeValue(int32_t code, float scale, int32_t zeroPoint,
                      const Scheme &scheme);

/// Scales (and zero points) derived from the data, per scale block
/// (docs/Semantics.md, "Dynamic scales"): symmetric uses absmax / maxMagnitude,
/// asymmetric (max(x,0) - min(x,0)) / (qmax - qmin) with a rounded zero point.
/// A block whose scale would be zero, infinite or NaN (all zeros, all NaN, or
/// an infinity among its values) gets scale 1 and zero point 0. Scales are
/// rounded with roundScale.
void computeScales(const std::vector<float> &x, const TensorDesc &desc,
                   std::vector<float> &scales, std::vector<int32_t> &zeroPoints,
                   float &tensorScale);

/// Quantizes x (row-major over desc.shape) with scales derived from the data.
QuantizedTensor quantize(const std::vector<float> &x, const TensorDesc &desc);

/// Quantizes x with the given scales / zero points / tensor scale. Scales are
/// first rounded to the scale format. Returns nullopt (with `error`) if the
/// counts do not match or a scale is not finite and positive or a zero point
/// is out of range.
std::optional<QuantizedTensor>
quantizeWithScales(const std::vector<float> &x, const TensorDesc &desc,
                   const std::vector<float> &scales,
                   const std::vector<int32_t> &zeroPoints, float tensorScale,
                   std::string *error = nullptr);

/// The transpose of a rows x cols row-major matrix.
std::vector<float> transposeMatrix(const std::vector<float> &m, int64_t rows,
                                   int64_t cols);

/// The transpose of a rank-2 quantized tensor with a packed layout: shape
/// and scale axis swapped, codes, scales and zero points transposed, so
/// that dequantize(transpose2D(q)) is the transpose of dequantize(q)
/// exactly. nullopt (with `error`) for another rank or a tiled layout.
std::optional<QuantizedTensor> transpose2D(const QuantizedTensor &q,
                                           std::string *error = nullptr);

/// Dequantizes every element, row-major over desc.shape.
std::vector<float> dequantize(const QuantizedTensor &q);

/// Packs `count` codes of `bits` bits each into `out` (ceil(count*bits/8)
/// bytes), little-end first: code i occupies bits [i*bits, (i+1)*bits) of the
/// stream, bit j of the stream being bit (j % 8) of byte j / 8. Only the low
/// `bits` bits of each code are stored. Unused high bits of the last byte are 0.
void packCodes(const int32_t *codes, int64_t count, unsigned bits,
               uint8_t *out);

/// Inverse of packCodes; sign-extends each code when `isSigned`.
void unpackCodes(const uint8_t *in, int64_t count, unsigned bits,
                 bool isSigned, int32_t *out);

/// The blob of a quantized tensor: codes in layout order, then scales, zero
/// points and tensor scale as described by computeBlobLayout. Padding bytes
/// and padding codes are deterministic (zero bytes; padding codes = the code
/// of 0.0, i.e. the block's zero point for integers, +0 for floats).
std::vector<uint8_t> packBlob(const QuantizedTensor &q);

/// Reads a blob back. Returns nullopt (with `error`) if the size does not
/// match the layout, a scale is not finite and positive, or a zero point is
/// out of range.
std::optional<QuantizedTensor> unpackBlob(const uint8_t *data, int64_t size,
                                          const TensorDesc &desc,
                                          std::string *error = nullptr);

/// Checks a blob without decoding its codes: the size matches the layout,
/// scales are finite and positive, zero points lie in the code range. Cheap
/// enough for verifiers (O(number of scales)).
bool verifyBlob(const uint8_t *data, int64_t size, const TensorDesc &desc,
                std::string *error = nullptr);

/// Row-major index, in the scale tensor, of the scale of the element at
/// row-major logical index `linear`.
int64_t scaleIndexOf(const TensorDesc &desc, int64_t linear);

/// Index, in the stored code sequence, of the element at row-major logical
/// index `linear` (the identity for packed layouts).
int64_t layoutCodeIndex(const TensorDesc &desc, int64_t linear);

} // namespace qforge

#endif // QFORGE_QUANTIZATION_REFERENCE_H
