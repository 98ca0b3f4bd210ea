//===- QFOps.cpp - qf operations: verifiers, folders, canonicalizations ---===//
//
// Folders evaluate qf ops on constants with the C++ reference
// (qforge/Quantization/Reference.h), so constant folding is bit-exact with
// the semantics every backend is tested against.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/IR/QFBlob.h"
#include "qforge/Quantization/Matmul.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/PatternMatch.h"
#include "llvm/Support/MathExtras.h"

#include <cmath>
#include <cstdio>

using namespace mlir;
using namespace mlir::qf;

#define GET_OP_CLASSES
#include "qforge/Dialect/QF/IR/QFOps.cpp.inc"

//===----------------------------------------------------------------------===//
// Shared helpers
//===----------------------------------------------------------------------===//

/// Prints a shape as `[a, b, c]` for diagnostics.
static std::string shapeStr(ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (auto [i, d] : llvm::enumerate(shape))
    s += (i ? ", " : "") + std::to_string(d);
  return s + "]";
}

/// A float for diagnostics: shortest form, `inf`/`nan` spelled out.
static std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

/// Checks the optional static scale operands of quantize / requantize
/// against the result type: presence, shapes and, where they are constants,
/// values (finite positive scales, zero points in the code range).
static LogicalResult verifyStaticScales(Operation *op, QTensorType type,
                                        Value scales, Value zeroPoints,
                                        Value tensorScale) {
  qforge::Scheme scheme = type.getScheme().toScheme();
  if (!scales) {
    if (zeroPoints || tensorScale)
      return op->emitOpError()
             << "zero_points and tensor_scale need static scales";
    return success();
  }
  SmallVector<int64_t> expected = type.getScaleShape();
  auto scalesType = cast<RankedTensorType>(scales.getType());
  if (scalesType.getShape() != ArrayRef<int64_t>(expected))
    return op->emitOpError() << "scales have shape "
                             << shapeStr(scalesType.getShape())
                             << ", expected " << shapeStr(expected)
                             << " (the scale shape of " << type << ")";
  if (scheme.asymmetric && !zeroPoints)
    return op->emitOpError()
           << "an asymmetric scheme with static scales needs zero_points";
  if (!scheme.asymmetric && zeroPoints)
    return op->emitOpError() << "zero_points given for a symmetric scheme";
  if (zeroPoints) {
    auto zpType = cast<RankedTensorType>(zeroPoints.getType());
    if (zpType.getShape() != ArrayRef<int64_t>(expected))
      return op->emitOpError()
             << "zero_points have shape " << shapeStr(zpType.getShape())
             << ", expected " << shapeStr(expected);
  }
  if (scheme.tensorScale != static_cast<bool>(tensorScale))
    return op->emitOpError() << (scheme.tensorScale
                                     ? "a two-level scheme with static scales "
                                       "needs a tensor_scale"
                                     : "tensor_scale given for a scheme "
                                       "without two-level scales");
  if (tensorScale && cast<RankedTensorType>(tensorScale.getType()).getRank())
    return op->emitOpError() << "tensor_scale must be a 0-d tensor<f32>";

  // Values, where they are known.
  auto checkScales = [&](Value v, StringRef what) -> LogicalResult {
    std::optional<std::vector<float>> values =
        getFloatValues(getConstantAttr(v));
    if (!values)
      return success();
    for (auto [i, s] : llvm::enumerate(*values))
      if (!std::isfinite(s) || s <= 0)
        return op->emitOpError() << what << " " << i << " is " << num(s)
                                 << "; scales must be finite and positive";
    return success();
  };
  if (failed(checkScales(scales, "scale")) ||
      (tensorScale && failed(checkScales(tensorScale, "tensor_scale"))))
    return failure();
  if (zeroPoints) {
    if (auto zps = getIntValues(getConstantAttr(zeroPoints)))
      for (auto [i, z] : llvm::enumerate(*zps))
        if (z < scheme.qmin() || z > scheme.qmax())
          return op->emitOpError()
                 << "zero point " << i << " is " << z
                 << ", outside the code range [" << scheme.qmin() << ", "
                 << scheme.qmax() << "]";
  }
  return success();
}

/// Static scales of a quantize / requantize whose scale operands are all
/// constants. Returns false if a present operand is not constant.
static bool getStaticScaleValues(Attribute scales, Attribute zeroPoints,
                                 Attribute tensorScale, bool hasZp, bool hasTs,
                                 std::vector<float> &s,
                                 std::vector<int32_t> &z, float &ts) {
  std::optional<std::vector<float>> sv = getFloatValues(scales);
  if (!sv)
    return false;
  s = std::move(*sv);
  if (hasZp) {
    std::optional<std::vector<int32_t>> zv = getIntValues(zeroPoints);
    if (!zv)
      return false;
    z = std::move(*zv);
  }
  ts = 1.0f;
  if (hasTs) {
    std::optional<std::vector<float>> tv = getFloatValues(tensorScale);
    if (!tv || tv->size() != 1)
      return false;
    ts = (*tv)[0];
  }
  return true;
}

/// Quantizes constant float data to the blob of `type`, dynamically or with
/// the given static scales. Null if the scales are not constant.
static Attribute foldQuantize(QTensorType type, ArrayRef<float> x,
                              Value scalesValue, Attribute scales,
                              Attribute zeroPoints, Attribute tensorScale,
                              bool hasZp, bool hasTs) {
  qforge::TensorDesc desc = type.getDesc();
  std::vector<float> data(x.begin(), x.end());
  std::optional<qforge::QuantizedTensor> q;
  if (scalesValue) {
    std::vector<float> s;
    std::vector<int32_t> z;
    float ts;
    if (!getStaticScaleValues(scales, zeroPoints, tensorScale, hasZp, hasTs,
                              s, z, ts))
      return {};
    q = qforge::quantizeWithScales(data, desc, s, z, ts);
  } else {
    q = qforge::quantize(data, desc);
  }
  if (!q)
    return {};
  return makeBlobAttr(type.getContext(), qforge::packBlob(*q));
}

/// The unpacked contents of a constant blob of `type`, if available.
static std::optional<qforge::QuantizedTensor> unpackConstant(Attribute blob,
                                                             QTensorType type) {
  std::optional<std::vector<uint8_t>> bytes = getBlobBytes(blob);
  if (!bytes)
    return std::nullopt;
  return qforge::unpackBlob(bytes->data(), bytes->size(), type.getDesc());
}

//===----------------------------------------------------------------------===//
// QuantizeOp
//===----------------------------------------------------------------------===//

LogicalResult QuantizeOp::verify() {
  auto in = getInput().getType();
  QTensorType out = getResult().getType();
  if (in.getShape() != out.getShape())
    return emitOpError() << "input shape " << shapeStr(in.getShape())
                         << " does not match the result shape "
                         << shapeStr(out.getShape());
  if (in.getElementType() != out.getExpressedType())
    return emitOpError() << "input element type " << in.getElementType()
                         << " differs from the expressed type "
                         << out.getExpressedType() << " of the result";
  return verifyStaticScales(*this, out, getScales(), getZeroPoints(),
                            getTensorScale());
}

/// Folding expands every element; huge (splat) tensors are left alone.
static bool tooLargeToFold(QTensorType type) {
  return type.getNumElements() > kMaxExpandedElements;
}

OpFoldResult QuantizeOp::fold(FoldAdaptor adaptor) {
  if (tooLargeToFold(getResult().getType()))
    return {};
  std::optional<std::vector<float>> x = getFloatValues(adaptor.getInput());
  if (!x)
    return {};
  return foldQuantize(getResult().getType(), *x, getScales(),
                      adaptor.getScales(), adaptor.getZeroPoints(),
                      adaptor.getTensorScale(), (bool)getZeroPoints(),
                      (bool)getTensorScale());
}

//===----------------------------------------------------------------------===//
// DequantizeOp
//===----------------------------------------------------------------------===//

LogicalResult DequantizeOp::verify() {
  QTensorType in = getInput().getType();
  auto out = getResult().getType();
  if (out != in.getExpressedTensorType())
    return emitOpError() << "result type " << out
                         << " is not the expressed tensor type "
                         << in.getExpressedTensorType() << " of the operand";
  return success();
}

OpFoldResult DequantizeOp::fold(FoldAdaptor adaptor) {
  // dequantize(relayout(q)) == dequantize(q): a relayout keeps every value.
  if (auto requant = getInput().getDefiningOp<RequantizeOp>();
      requant && requant.isRelayout()) {
    getInputMutable().assign(requant.getInput());
    return getResult();
  }
  if (tooLargeToFold(getInput().getType()))
    return {};
  std::optional<qforge::QuantizedTensor> q =
      unpackConstant(adaptor.getInput(), getInput().getType());
  if (!q)
    return {};
  return makeFloatAttr(getResult().getType(), qforge::dequantize(*q));
}

//===----------------------------------------------------------------------===//
// RequantizeOp
//===----------------------------------------------------------------------===//

bool RequantizeOp::isRelayout() {
  return !getScales() &&
         getInput().getType().getScheme() == getResult().getType().getScheme();
}

LogicalResult RequantizeOp::verify() {
  QTensorType in = getInput().getType();
  QTensorType out = getResult().getType();
  if (in.getShape() != out.getShape())
    return emitOpError() << "input shape " << shapeStr(in.getShape())
                         << " does not match the result shape "
                         << shapeStr(out.getShape());
  if (in.getExpressedType() != out.getExpressedType())
    return emitOpError() << "expressed types differ: " << in.getExpressedType()
                         << " vs " << out.getExpressedType();
  return verifyStaticScales(*this, out, getScales(), getZeroPoints(),
                            getTensorScale());
}

OpFoldResult RequantizeOp::fold(FoldAdaptor adaptor) {
  if (isRelayout()) {
    if (getInput().getType() == getResult().getType())
      return getInput();
    // relayout(relayout(q)) == relayout(q).
    if (auto inner = getInput().getDefiningOp<RequantizeOp>();
        inner && inner.isRelayout()) {
      getInputMutable().assign(inner.getInput());
      return getResult();
    }
  }
  if (tooLargeToFold(getInput().getType()))
    return {};
  std::optional<qforge::QuantizedTensor> q =
      unpackConstant(adaptor.getInput(), getInput().getType());
  if (!q)
    return {};
  QTensorType type = getResult().getType();
  if (isRelayout()) {
    q->desc = type.getDesc();
    return makeBlobAttr(getContext(), qforge::packBlob(*q));
  }
  return foldQuantize(type, qforge::dequantize(*q), getScales(),
                      adaptor.getScales(), adaptor.getZeroPoints(),
                      adaptor.getTensorScale(), (bool)getZeroPoints(),
                      (bool)getTensorScale());
}

namespace {
/// relayout(quantize(x)) -> quantize(x) to the relayouted type: scales are
/// derived from the values, not their order, so the codes are the same.
struct FoldRelayoutIntoQuantize : OpRewritePattern<RequantizeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(RequantizeOp op,
                                PatternRewriter &rewriter) const override {
    if (!op.isRelayout())
      return rewriter.notifyMatchFailure(op, "not a pure relayout");
    auto quantize = op.getInput().getDefiningOp<QuantizeOp>();
    if (!quantize)
      return rewriter.notifyMatchFailure(op, "input is not a qf.quantize");
    rewriter.replaceOpWithNewOp<QuantizeOp>(
        op, op.getResult().getType(), quantize.getInput(),
        quantize.getScales(), quantize.getZeroPoints(),
        quantize.getTensorScale());
    return success();
  }
};
} // namespace

void RequantizeOp::getCanonicalizationPatterns(RewritePatternSet &results,
                                               MLIRContext *context) {
  results.add<FoldRelayoutIntoQuantize>(context);
}

//===----------------------------------------------------------------------===//
// ConstantOp
//===----------------------------------------------------------------------===//

LogicalResult ConstantOp::verify() {
  QTensorType type = getResult().getType();
  auto valueType = dyn_cast<RankedTensorType>(getValue().getShapedType());
  if (!valueType || valueType.getRank() != 1 ||
      !valueType.getElementType().isInteger(8))
    return emitOpError() << "value must be a 1-D tensor of i8 (the packed "
                            "blob), got "
                         << getValue().getShapedType();
  qforge::BlobLayout layout = type.getBlobLayout();
  if (valueType.getNumElements() != layout.totalBytes)
    return emitOpError() << "blob has " << valueType.getNumElements()
                         << " bytes, but " << type << " needs "
                         << layout.totalBytes << " (codes "
                         << layout.codesBytes << ", scales "
                         << layout.scalesBytes << ", zero points "
                         << layout.zeroPointsBytes << ", tensor scale "
                         << layout.tensorScaleBytes
                         << ", each section aligned to "
                         << qforge::kBlobSectionAlignment << ")";
  if (auto resource = dyn_cast<DenseI8ResourceElementsAttr>(getValue()))
    if (std::optional<ArrayRef<int8_t>> data = resource.tryGetAsArrayRef();
        data && static_cast<int64_t>(data->size()) != layout.totalBytes)
      return emitOpError() << "resource blob holds " << data->size()
                           << " bytes, but " << type << " needs "
                           << layout.totalBytes;
  // Values are checked where the data is at hand (dense, or a loaded
  // resource).
  std::optional<std::vector<uint8_t>> bytes = getBlobBytes(getValue());
  if (!bytes)
    return success();
  std::string error;
  if (!qforge::verifyBlob(bytes->data(), bytes->size(), type.getDesc(),
                          &error))
    return emitOpError() << "invalid blob: " << error;
  return success();
}

OpFoldResult ConstantOp::fold(FoldAdaptor) { return getValue(); }

//===----------------------------------------------------------------------===//
// BlobOp
//===----------------------------------------------------------------------===//

LogicalResult BlobOp::verify() {
  int64_t bytes = getInput().getType().getBlobLayout().totalBytes;
  auto type = getResult().getType();
  if (type.getRank() != 1 || type.getDimSize(0) != bytes)
    return emitOpError() << "result must be tensor<" << bytes
                         << "xi8>, the blob of " << getInput().getType()
                         << ", got " << type;
  return success();
}

OpFoldResult BlobOp::fold(FoldAdaptor adaptor) {
  // blob(from_blob(b)) == b.
  if (auto from = getInput().getDefiningOp<FromBlobOp>();
      from && from.getInput().getType() == getResult().getType())
    return from.getInput();
  if (std::optional<std::vector<uint8_t>> bytes =
          getBlobBytes(adaptor.getInput()))
    return makeBlobAttr(getContext(), *bytes);
  return {};
}

//===----------------------------------------------------------------------===//
// FromBlobOp
//===----------------------------------------------------------------------===//

LogicalResult FromBlobOp::verify() {
  int64_t bytes = getResult().getType().getBlobLayout().totalBytes;
  auto type = getInput().getType();
  if (type.getRank() != 1 || type.getDimSize(0) != bytes)
    return emitOpError() << "operand must be tensor<" << bytes
                         << "xi8>, the blob of " << getResult().getType()
                         << ", got " << type;
  return success();
}

OpFoldResult FromBlobOp::fold(FoldAdaptor adaptor) {
  // from_blob(blob(q)) == q.
  if (auto blob = getInput().getDefiningOp<BlobOp>();
      blob && blob.getInput().getType() == getResult().getType())
    return blob.getInput();
  // Constant bytes become a qf.constant when they form a valid blob.
  std::optional<std::vector<uint8_t>> bytes = getBlobBytes(adaptor.getInput());
  if (!bytes || !qforge::verifyBlob(bytes->data(), bytes->size(),
                                    getResult().getType().getDesc()))
    return {};
  return makeBlobAttr(getContext(), *bytes);
}

//===----------------------------------------------------------------------===//
// MatmulOp / BatchMatmulOp
//===----------------------------------------------------------------------===//

/// Largest magnitude of `code - zero point` under `s` (accumulator sizing):
/// qmax - qmin when zero points are stored, else the largest |code|.
static uint64_t maxAbsCode(const qforge::Scheme &s) {
  if (s.asymmetric)
    return int64_t(s.qmax()) - int64_t(s.qmin());
  return std::max<int64_t>(std::abs(int64_t(s.qmin())),
                           std::abs(int64_t(s.qmax())));
}

/// Shared verifier: shapes, expressed types, granularities, accumulator.
static LogicalResult verifyMatmulLike(Operation *op, Type lhsType,
                                      QTensorType rhs, RankedTensorType result,
                                      Type acc, bool transposeRhs,
                                      bool batched) {
  auto lhsQ = dyn_cast<QTensorType>(lhsType);
  ArrayRef<int64_t> lhsShape =
      lhsQ ? lhsQ.getShape() : cast<RankedTensorType>(lhsType).getShape();
  Type lhsElem = lhsQ ? lhsQ.getExpressedType()
                      : cast<RankedTensorType>(lhsType).getElementType();
  int64_t rank = batched ? 3 : 2;
  if (static_cast<int64_t>(lhsShape.size()) != rank)
    return op->emitOpError() << "lhs must have rank " << rank << ", got "
                             << lhsShape.size();
  int64_t rhsRank = rhs.getRank();
  if (rhsRank != rank && !(batched && rhsRank == 2))
    return op->emitOpError() << "rhs must have rank " << rank
                             << (batched ? " (or 2, shared by every batch)"
                                         : "")
                             << ", got " << rhsRank;
  ArrayRef<int64_t> rs = rhs.getShape();
  int64_t kAxis = transposeRhs ? rhsRank - 1 : rhsRank - 2;
  int64_t nAxis = transposeRhs ? rhsRank - 2 : rhsRank - 1;
  int64_t m = lhsShape[rank - 2], k = lhsShape[rank - 1];
  int64_t n = rs[nAxis];
  if (rs[kAxis] != k)
    return op->emitOpError() << "contracting dimensions differ: lhs has K = "
                             << k << ", rhs has " << rs[kAxis];
  if (batched && rhsRank == 3 && rs[0] != lhsShape[0])
    return op->emitOpError() << "batch sizes differ: lhs " << lhsShape[0]
                             << ", rhs " << rs[0];
  SmallVector<int64_t> expected;
  if (batched)
    expected.push_back(lhsShape[0]);
  expected.append({m, n});
  if (result.getShape() != ArrayRef<int64_t>(expected))
    return op->emitOpError() << "result shape " << shapeStr(result.getShape())
                             << " should be " << shapeStr(expected);
  if (lhsElem != rhs.getExpressedType())
    return op->emitOpError() << "lhs element type " << lhsElem
                             << " differs from the expressed type "
                             << rhs.getExpressedType() << " of rhs";

  Type resultElem = result.getElementType();
  if (isa<FloatType>(acc) && !(acc.isF32() || acc.isF16() || acc.isBF16()))
    return op->emitOpError() << "float accumulators are f32, f16 or bf16, got "
                             << acc;
  if (!lhsQ) {
    if (!isa<FloatType>(acc))
      return op->emitOpError()
             << "a matmul with float lhs (weight-only) accumulates in a float "
                "type, got acc "
             << acc;
    if (resultElem != lhsElem)
      return op->emitOpError() << "result element type " << resultElem
                               << " should be " << lhsElem;
    return success();
  }

  qforge::Scheme ls = lhsQ.getScheme().toScheme();
  qforge::Scheme ws = rhs.getScheme().toScheme();
  if (ls.isInteger() != ws.isInteger())
    return op->emitOpError()
           << "cannot multiply integer codes by floating-point codes";
  if (!(ls.isPerTensor() || (ls.isPerAxis() && ls.axis == rank - 2)))
    return op->emitOpError() << "quantized lhs needs per-tensor or per-row "
                                "(axis = "
                             << rank - 2 << ") scales";
  bool groupedAlongK = ws.isPerGroup() && ws.axis == kAxis;
  if (!(ws.isPerTensor() || (ws.isPerAxis() && ws.axis == nAxis) ||
        groupedAlongK))
    return op->emitOpError()
           << "with quantized lhs, rhs needs per-tensor scales, per-column "
              "scales (axis = "
           << nAxis << ") or groups along K (axis = " << kAxis
           << "), got axis = " << ws.axis;
  if (!ls.isInteger()) {
    if (!acc.isF32())
      return op->emitOpError()
             << "floating-point codes accumulate in f32, got acc " << acc;
    if (resultElem != lhsElem)
      return op->emitOpError() << "result element type " << resultElem
                               << " should be " << lhsElem;
    return success();
  }
  auto accInt = dyn_cast<IntegerType>(acc);
  if (!accInt)
    return op->emitOpError()
           << "integer codes accumulate in an integer type, got acc " << acc;
  // Bits for sum_k (a_k - za) * (w_k - zw), sign included.
  double maxSum = double(k) * double(maxAbsCode(ls)) * double(maxAbsCode(ws));
  unsigned needed = static_cast<unsigned>(std::ceil(std::log2(maxSum + 1))) + 1;
  if (accInt.getWidth() < needed)
    return op->emitOpError()
           << "accumulator " << acc << " is too narrow for " << k
           << "-term dot products of " << ls.bits << "-bit by " << ws.bits
           << "-bit codes: needs at least " << needed << " bits";
  if (isa<IntegerType>(resultElem)) {
    if (resultElem != acc)
      return op->emitOpError() << "an integer result holds the raw "
                                  "accumulators and must have type "
                               << acc << ", got " << resultElem;
    if (groupedAlongK)
      return op->emitOpError() << "raw accumulators cannot be returned when "
                                  "rhs scales vary along K";
    return success();
  }
  if (resultElem != lhsElem)
    return op->emitOpError() << "result element type " << resultElem
                             << " should be " << lhsElem << " or " << acc;
  return success();
}

/// The reference's name for a float type.
static qforge::FloatKind floatKindOf(Type t) {
  if (t.isF16())
    return qforge::FloatKind::F16;
  if (t.isBF16())
    return qforge::FloatKind::BF16;
  if (t.isF64())
    return qforge::FloatKind::F64;
  return qforge::FloatKind::F32;
}

/// Evaluates a matmul on constant operands with the C++ reference.
static Attribute foldMatmulLike(Attribute lhsAttr, Attribute rhsAttr,
                                Type lhsType, QTensorType rhsType,
                                RankedTensorType resultType, Type acc,
                                bool transposeRhs) {
  auto lhsQ = dyn_cast<QTensorType>(lhsType);
  ArrayRef<int64_t> lhsShape =
      lhsQ ? lhsQ.getShape() : cast<RankedTensorType>(lhsType).getShape();
  std::optional<qforge::MatmulShape> shape = qforge::matmulShape(
      std::vector<int64_t>(lhsShape.begin(), lhsShape.end()),
      rhsType.getDesc().shape, transposeRhs);
  if (!shape)
    return {};
  // The reference costs O(B * M * N * K).
  double work = double(shape->batch) * shape->m * shape->n * shape->k;
  if (work > double(kMaxExpandedElements) ||
      tooLargeToFold(rhsType) || (lhsQ && tooLargeToFold(lhsQ)))
    return {};
  std::optional<qforge::QuantizedTensor> rhs =
      unpackConstant(rhsAttr, rhsType);
  if (!rhs)
    return {};
  if (!lhsQ) {
    std::optional<std::vector<float>> x = getFloatValues(lhsAttr);
    if (!x)
      return {};
    std::vector<double> y = qforge::matmulWeightOnly(
        *x, *rhs, *shape, floatKindOf(rhsType.getExpressedType()),
        floatKindOf(acc));
    return makeFloatAttr(resultType, std::vector<float>(y.begin(), y.end()));
  }
  std::optional<qforge::QuantizedTensor> lhs = unpackConstant(lhsAttr, lhsQ);
  if (!lhs)
    return {};
  qforge::QuantizedMatmulResult r =
      qforge::matmulQuantized(*lhs, *rhs, *shape);
  if (auto it = dyn_cast<IntegerType>(resultType.getElementType())) {
    SmallVector<APInt> values;
    for (int64_t v : r.intAcc)
      values.push_back(APInt(it.getWidth(), v, /*isSigned=*/true));
    return DenseElementsAttr::get(resultType, values);
  }
  return makeFloatAttr(resultType, r.y);
}

OpFoldResult MatmulOp::fold(FoldAdaptor adaptor) {
  return foldMatmulLike(adaptor.getLhs(), adaptor.getRhs(), getLhs().getType(),
                        getRhs().getType(), getResult().getType(),
                        getAccType(), getTransposeRhs());
}

OpFoldResult BatchMatmulOp::fold(FoldAdaptor adaptor) {
  return foldMatmulLike(adaptor.getLhs(), adaptor.getRhs(), getLhs().getType(),
                        getRhs().getType(), getResult().getType(),
                        getAccType(), getTransposeRhs());
}

LogicalResult MatmulOp::verify() {
  return verifyMatmulLike(*this, getLhs().getType(), getRhs().getType(),
                          getResult().getType(), getAccType(),
                          getTransposeRhs(), /*batched=*/false);
}

LogicalResult BatchMatmulOp::verify() {
  return verifyMatmulLike(*this, getLhs().getType(), getRhs().getType(),
                          getResult().getType(), getAccType(),
                          getTransposeRhs(), /*batched=*/true);
}

//===----------------------------------------------------------------------===//
// ObserveOp
//===----------------------------------------------------------------------===//

LogicalResult ObserveOp::verify() {
  if (getName().empty())
    return emitOpError() << "needs a non-empty name";
  return success();
}
