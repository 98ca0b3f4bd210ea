//===- QFBlob.cpp - Attribute data as plain arrays -------------------------===//

#include "qforge/Dialect/QF/IR/QFBlob.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/APFloat.h"

using namespace mlir;

std::optional<std::vector<uint8_t>> mlir::qf::getBlobBytes(Attribute attr) {
  auto shaped = dyn_cast_or_null<ElementsAttr>(attr);
  if (!shaped)
    return std::nullopt;
  auto type = dyn_cast<RankedTensorType>(shaped.getShapedType());
  if (!type || type.getRank() != 1 || !type.getElementType().isInteger(8))
    return std::nullopt;
  if (auto dense = dyn_cast<DenseIntElementsAttr>(attr)) {
    if (dense.isSplat() && type.getNumElements() > kMaxExpandedElements)
      return std::nullopt;
    std::vector<uint8_t> bytes;
    bytes.reserve(type.getNumElements());
    for (const APInt &v : dense.getValues<APInt>())
      bytes.push_back(static_cast<uint8_t>(v.getZExtValue()));
    return bytes;
  }
  if (auto resource = dyn_cast<DenseI8ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<int8_t>> data = resource.tryGetAsArrayRef();
    if (!data || static_cast<int64_t>(data->size()) != type.getNumElements())
      return std::nullopt;
    return std::vector<uint8_t>(data->begin(), data->end());
  }
  return std::nullopt;
}

DenseElementsAttr mlir::qf::makeBlobAttr(MLIRContext *ctx,
                                         ArrayRef<uint8_t> bytes) {
  auto type = RankedTensorType::get({static_cast<int64_t>(bytes.size())},
                                    IntegerType::get(ctx, 8));
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(reinterpret_cast<const char *>(bytes.data()),
                           bytes.size()));
}

std::optional<std::vector<float>> mlir::qf::getFloatValues(Attribute attr) {
  if (auto resource = dyn_cast_or_null<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    int64_t n = resource.getType().getNumElements();
    if (!data || static_cast<int64_t>(data->size()) != n ||
        n > kMaxExpandedElements)
      return std::nullopt;
    return std::vector<float>(data->begin(), data->end());
  }
  auto dense = dyn_cast_or_null<DenseFPElementsAttr>(attr);
  if (!dense || dense.getNumElements() > kMaxExpandedElements)
    return std::nullopt;
  std::vector<float> out;
  out.reserve(dense.getNumElements());
  for (APFloat v : dense.getValues<APFloat>()) {
    bool lost;
    v.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
    out.push_back(v.convertToFloat());
  }
  return out;
}

std::optional<std::vector<int32_t>> mlir::qf::getIntValues(Attribute attr) {
  auto dense = dyn_cast_or_null<DenseIntElementsAttr>(attr);
  if (!dense || dense.getNumElements() > kMaxExpandedElements)
    return std::nullopt;
  std::vector<int32_t> out;
  out.reserve(dense.getNumElements());
  for (const APInt &v : dense.getValues<APInt>()) {
    if (v.getSignificantBits() > 32)
      return std::nullopt;
    out.push_back(static_cast<int32_t>(v.getSExtValue()));
  }
  return out;
}

DenseElementsAttr mlir::qf::makeFloatAttr(RankedTensorType type,
                                          ArrayRef<float> values) {
  auto ft = cast<FloatType>(type.getElementType());
  if (ft.isF32())
    return DenseElementsAttr::get(type, values);
  // f16 / bf16: round each value and store the 16-bit patterns.
  std::vector<uint16_t> bits;
  bits.reserve(values.size());
  for (float f : values) {
    APFloat v(f);
    bool lost;
    v.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    bits.push_back(static_cast<uint16_t>(v.bitcastToAPInt().getZExtValue()));
  }
  return DenseElementsAttr::getFromRawBuffer(
      type, ArrayRef<char>(reinterpret_cast<const char *>(bits.data()),
                           bits.size() * sizeof(uint16_t)));
}

Attribute mlir::qf::getConstantAttr(Value v) {
  Attribute attr;
  if (v && matchPattern(v, m_Constant(&attr)))
    return attr;
  return {};
}
