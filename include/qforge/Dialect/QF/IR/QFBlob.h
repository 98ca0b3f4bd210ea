//===- QFBlob.h - Moving data between attributes and the reference -*- C++ -*-===//
//
// Helpers that read and write the data of constant attributes (packed blobs,
// float tensors, static scales) as plain arrays for the C++ reference. Used
// by folders, verifiers and conversions.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_DIALECT_QF_IR_QFBLOB_H
#define QFORGE_DIALECT_QF_IR_QFBLOB_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Value.h"
#include "qforge/Quantization/Reference.h"

#include <optional>
#include <vector>

namespace mlir::qf {

/// Folders and verifiers expand constant data into plain arrays. Splat
/// attributes can describe tensors far larger than memory; data with more
/// elements than this is left alone (not folded, values not checked).
constexpr int64_t kMaxExpandedElements = int64_t(1) << 26;

/// The bytes of a blob attribute: a 1-D `i8` dense or dense_resource
/// attribute. nullopt if the attribute is not such a tensor, if a resource
/// blob is not loaded, or if it is a splat of more than kMaxExpandedElements.
std::optional<std::vector<uint8_t>> getBlobBytes(Attribute attr);

/// A `dense<...> : tensor<N x i8>` attribute holding `bytes`.
DenseElementsAttr makeBlobAttr(MLIRContext *ctx, ArrayRef<uint8_t> bytes);

/// The values of a float elements attribute (f32, f16 or bf16 dense, or an
/// f32 dense_resource whose blob is present) as f32,
/// row-major; nullopt for anything else and for more than
/// kMaxExpandedElements values.
std::optional<std::vector<float>> getFloatValues(Attribute attr);

/// The values of an integer elements attribute as i32 (values must fit);
/// nullopt for more than kMaxExpandedElements values.
std::optional<std::vector<int32_t>> getIntValues(Attribute attr);

/// A dense attribute of `type` (f32, f16 or bf16 elements) from f32 values,
/// rounded to nearest even where the element type is narrower.
DenseElementsAttr makeFloatAttr(RankedTensorType type, ArrayRef<float> values);

/// The constant value of `v` (via the constant folding machinery), or null.
Attribute getConstantAttr(Value v);

} // namespace mlir::qf

#endif // QFORGE_DIALECT_QF_IR_QFBLOB_H
