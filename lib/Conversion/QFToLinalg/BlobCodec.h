//===- BlobCodec.h - IR that reads and writes qf blobs ----------*- C++ -*-===//
//
// Emits linalg / arith / tensor IR that decodes the packed blob of a
// `!qf.qtensor` (codes, scales, zero points, tensor scale) and encodes one,
// and the quantize / dequantize arithmetic between them. Every formula here
// mirrors qforge/Quantization/Reference.h operation for operation, so that
// the lowered code is bit-exact with the reference.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_LIB_CONVERSION_QFTOLINALG_BLOBCODEC_H
#define QFORGE_LIB_CONVERSION_QFTOLINALG_BLOBCODEC_H

#include "qforge/Dialect/QF/IR/QFTypes.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::qf::detail {

/// Reassociation that splits dimension `dim` of a rank-`rank` tensor into two
/// (for tensor.expand_shape, or collapse_shape back).
SmallVector<ReassociationIndices> splitDimReassociation(int64_t rank,
                                                        int64_t dim);

/// Decoded metadata of a quantized tensor, as IR values.
struct DecodedScales {
  Value scales;     ///< tensor<scaleShape x f32>, block scales
  Value zeroPoints; ///< tensor<scaleShape x i32>, zeros when symmetric
  Value tensorScale; ///< f32 scalar; 1.0 unless two-level
};

/// IR emission for one quantized tensor type.
class BlobCodec {
public:
  BlobCodec(ImplicitLocOpBuilder &b, QTensorType type);

  /// The blob type: tensor<totalBytes x i8>.
  RankedTensorType getBlobType() const;

  /// Codes in logical (row-major) order, tensor<shape x i32>: sign-extended
  /// integers, or the raw bit patterns of float formats.
  Value decodeCodes(Value blob);
  /// Scales, zero points and tensor scale stored in the blob.
  DecodedScales decodeScales(Value blob);

  /// (code - zp) * scale (integers) or decode(code) * scale, as
  /// tensor<shape x f32>, or converted to the expressed type when
  /// `toExpressed`.
  Value dequantize(Value codes, const DecodedScales &s,
                   bool toExpressed = true);
  /// The operands of a quantized matmul: code - zp in `accType` (integer
  /// formats) or the decoded value in f32 (float formats), unscaled.
  Value centered(Value codes, const DecodedScales &s, Type accType);

  /// Scales derived from `x` (tensor<shape x f32>) as Reference.h's
  /// computeScales does.
  DecodedScales computeScales(Value x);
  /// Static scales given as operands: rounded to the scale format.
  DecodedScales staticScales(Value scales, Value zeroPoints,
                             Value tensorScale);
  /// Codes of `x` (tensor<shape x f32>) under `s`, tensor<shape x i32>.
  Value quantize(Value x, const DecodedScales &s);
  /// The blob holding `codes` and `s` in this type's layout.
  Value encode(Value codes, const DecodedScales &s);

  /// Converts a float tensor to f32 / from f32 to `type`'s element type
  /// (round to nearest even).
  Value toF32(Value t);
  Value fromF32(Value t, Type elementType);

  /// The expanded view that makes every scale map a projected permutation:
  /// for per-group schemes dimension `axis` is split into [blocks, group].
  Value expand(Value t);
  Value collapse(Value t, RankedTensorType logicalType);
  /// Indexing map from the expanded iteration space to the scale tensor.
  AffineMap scaleMap() const;
  int64_t expandedRank() const { return expandedShape.size(); }

private:
  Value buildBlob(Value codes, Value zeroCodes, const DecodedScales &s);

  ImplicitLocOpBuilder &b;
  QTensorType type;
  qforge::Scheme scheme;
  qforge::BlobLayout layout;
  SmallVector<int64_t> shape, scaleShape, expandedShape;
};

} // namespace mlir::qf::detail

#endif // QFORGE_LIB_CONVERSION_QFTOLINALG_BLOBCODEC_H
