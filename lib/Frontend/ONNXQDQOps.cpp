//===- ONNXQDQOps.cpp - ONNX QDQ operators as qf ops ----------------------===//
//
// QuantizeLinear, DequantizeLinear, MatMulInteger and QLinearMatMul with
// 8-bit codes become qf ops. ONNX's arithmetic is qf's: y = saturate(
// round_half_even(x / scale) + zero_point), x = (y - zero_point) * scale,
// and MatMulInteger's sum of (a - za)(b - zb) is qf.matmul's raw
// accumulator. An ONNX int8/uint8 tensor is represented by a !qf.qtensor
// that carries its scale and zero point: the output of a QuantizeLinear,
// constant codes (an initializer: a qf.constant) or codes that arrive at run
// time (a graph input: qf.from_blob of the codes followed by the constant
// scale and zero point bytes).
//
//===----------------------------------------------------------------------===//

#include "ONNXImporterImpl.h"

#include "qforge/Dialect/QF/IR/QFBlob.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Quantization/Reference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;

namespace qforge::onnx_import {

FailureOr<QParams> Importer::readQParams(const onnx::NodeProto &node,
                                         int scaleIdx, int zpIdx,
                                         ArrayRef<int64_t> shape,
                                         int64_t axis) {
  auto scale = getData(node, node.input(scaleIdx), "scale");
  if (failed(scale))
    return failure();
  if (!(*scale)->isFloat())
    return fail(node, "scale '" + node.input(scaleIdx) +
                          "' must be float32, got " +
                          dtypeName((*scale)->dtype));
  int64_t blockSize;
  if (failed(intAttr(node, "block_size", 0, blockSize)))
    return failure();
  if (blockSize)
    return fail(node, "blocked quantization (block_size) is not supported");
  QParams p;
  p.dtype = onnx::TensorProto::UINT8; // ONNX's default without zero point
  const ConstTensor *zp = nullptr;
  if (zpIdx < node.input_size() && !node.input(zpIdx).empty()) {
    auto z = getData(node, node.input(zpIdx), "zero point");
    if (failed(z))
      return failure();
    zp = *z;
    if (zp->dtype != onnx::TensorProto::INT8 &&
        zp->dtype != onnx::TensorProto::UINT8)
      return fail(node, "zero point '" + node.input(zpIdx) +
                            "' must be int8 or uint8, got " +
                            dtypeName(zp->dtype));
    p.dtype = zp->dtype;
    if (zp->dims != (*scale)->dims)
      return fail(node, "zero point of shape " + shapeStr(zp->dims) +
                            " differs from the scale's " +
                            shapeStr((*scale)->dims));
  }
  const ConstTensor &s = **scale;
  bool perTensor = s.dims.empty() || (s.dims.size() == 1 && s.dims[0] == 1 &&
                                      (axis < 0 || shape[axis] != 1));
  if (!perTensor) {
    if (axis < 0)
      return fail(node, "scale of shape " + shapeStr(s.dims) +
                            " must be a scalar (per-tensor) here");
    if (s.dims.size() != 1 || s.dims[0] != shape[axis])
      return fail(node, "scale of shape " + shapeStr(s.dims) +
                            " must be a scalar or have " +
                            Twine(shape[axis]) + " entries (axis " +
                            Twine(axis) + " of " + shapeStr(shape) + ")");
  }
  p.scheme.format = p.dtype == onnx::TensorProto::INT8
                        ? qforge::ElementFormat::SInt
                        : qforge::ElementFormat::UInt;
  p.scheme.bits = 8;
  p.scheme.axis = perTensor ? -1 : axis;
  p.scales = s.f32;
  for (float v : p.scales)
    if (!(v > 0) || !std::isfinite(v))
      return fail(node, "scale " + Twine(std::to_string(v)) +
                            " is not finite and positive");
  bool anyNonZero = false;
  if (zp)
    for (int64_t v : zp->i64)
      anyNonZero |= v != 0;
  if (anyNonZero) {
    p.scheme.asymmetric = true;
    p.zeroPoints.assign(zp->i64.begin(), zp->i64.end());
  }
  for (int64_t d : shape)
    if (d < 1)
      return fail(node, "quantized tensors must not be empty (shape " +
                            shapeStr(shape) + ")");
  return p;
}

/// The !qf.qtensor type of a tensor of `shape` with parameters `p`.
static qf::QTensorType qtensorType(Importer &im, ArrayRef<int64_t> shape,
                                   const QParams &p) {
  return qf::QTensorType::get(
      &im.ctx, shape, im.f32(),
      qf::SchemeAttr::fromScheme(&im.ctx, p.scheme), qf::LayoutAttr());
}

/// The blob of a tensor of `shape` with parameters `p` and `codes`.
static std::vector<uint8_t> blobOf(ArrayRef<int64_t> shape, const QParams &p,
                                   std::vector<int32_t> codes) {
  qforge::QuantizedTensor q;
  q.desc.shape.assign(shape.begin(), shape.end());
  q.desc.scheme = p.scheme;
  q.codes = std::move(codes);
  q.scales = p.scales;
  q.zeroPoints = p.zeroPoints;
  return qforge::packBlob(q);
}

FailureOr<Value> Importer::asQuantized(const onnx::NodeProto &node, int idx,
                                       const QParams &p, Location loc) {
  StringRef name = node.input(idx);
  auto it = values.find(name);
  if (it != values.end() && isa<qf::QTensorType>(it->second.getType())) {
    auto qit = qparams.find(name);
    if (qit == qparams.end() || !(qit->second == p))
      return fail(node, "input '" + name +
                            "' was quantized with another scale or zero "
                            "point than this node gives");
    return it->second;
  }
  if (const ConstTensor *c = constData(name)) {
    if (c->dtype != p.dtype)
      return fail(node, "input '" + name + "' has data type " +
                            dtypeName(c->dtype) + ", its zero point " +
                            dtypeName(p.dtype));
    std::vector<int32_t> codes(c->i64.begin(), c->i64.end());
    auto type = qtensorType(*this, c->dims, p);
    return qf::ConstantOp::create(
               b, loc, type,
               qf::makeBlobAttr(&ctx, blobOf(c->dims, p, std::move(codes))))
        .getResult();
  }
  if (it == values.end())
    return fail(node, "input '" + name + "' is not defined before this node");
  // Codes at run time: the blob is the codes (8 bits each, so exactly
  // their bytes) followed by the constant scale / zero point sections.
  auto type = dyn_cast<RankedTensorType>(it->second.getType());
  int32_t dtype = valueDtypes.lookup(name);
  if (!type || !type.getElementType().isInteger(8) || dtype != p.dtype)
    return fail(node, "input '" + name + "' must be " + dtypeName(p.dtype) +
                          " codes (the data type of its zero point)");
  ArrayRef<int64_t> shape = type.getShape();
  int64_t n = numElements(shape);
  std::vector<uint8_t> blob =
      blobOf(shape, p, std::vector<int32_t>(size_t(n), 0));
  std::vector<uint8_t> tail(blob.begin() + n, blob.end());
  Value codes = reshapeTo(loc, it->second, {n});
  auto tailType = RankedTensorType::get({int64_t(tail.size())}, b.getI8Type());
  Value tailValue = arith::ConstantOp::create(
      b, loc, tailType,
      DenseElementsAttr::get(tailType,
                             ArrayRef<int8_t>(
                                 reinterpret_cast<const int8_t *>(tail.data()),
                                 tail.size())));
  Value bytes = emptyLike(loc, {int64_t(blob.size())}, b.getI8Type());
  bytes = tensor::InsertSliceOp::create(
      b, loc, codes, bytes, ArrayRef<OpFoldResult>{b.getIndexAttr(0)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(n)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  bytes = tensor::InsertSliceOp::create(
      b, loc, tailValue, bytes, ArrayRef<OpFoldResult>{b.getIndexAttr(n)},
      ArrayRef<OpFoldResult>{b.getIndexAttr(int64_t(tail.size()))},
      ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  return qf::FromBlobOp::create(b, loc, qtensorType(*this, shape, p), bytes)
      .getResult();
}

/// The scale operand of qf.quantize for parameters `p`: tensor<f32> per
/// tensor, tensor<Dxf32> per axis; and the matching i32 zero points.
static std::pair<Value, Value> scaleOperands(Importer &im, Location loc,
                                             const QParams &p) {
  SmallVector<int64_t> shape;
  if (p.scheme.axis >= 0)
    shape.push_back(int64_t(p.scales.size()));
  auto st = RankedTensorType::get(shape, im.f32());
  Value s = arith::ConstantOp::create(
      im.b, loc, st, DenseElementsAttr::get(st, ArrayRef<float>(p.scales)));
  Value z;
  if (p.scheme.asymmetric) {
    auto zt = RankedTensorType::get(shape, im.b.getI32Type());
    z = arith::ConstantOp::create(
        im.b, loc, zt,
        DenseElementsAttr::get(zt, ArrayRef<int32_t>(p.zeroPoints)));
  }
  return {s, z};
}

LogicalResult Importer::convertQuantizeLinear(const onnx::NodeProto &node,
                                              Location loc,
                                              ArrayRef<Value> ins,
                                              Value &out) {
  if (failed(expectF32(node, ins[0], "input x")))
    return failure();
  ArrayRef<int64_t> shape = shapeOf(ins[0]);
  int64_t axisAttr;
  if (failed(intAttr(node, "axis", 1, axisAttr)))
    return failure();
  int64_t axis = normAxis(axisAttr, shape.size());
  auto p = readQParams(node, 1, 2, shape, axis);
  if (failed(p))
    return failure();
  auto [s, z] = scaleOperands(*this, loc, *p);
  out = qf::QuantizeOp::create(b, loc, qtensorType(*this, shape, *p), ins[0],
                               s, z, Value())
            .getResult();
  qparams[node.output(0)] = *p;
  valueDtypes[node.output(0)] = p->dtype;
  return success();
}

/// The shape of input `idx` of `node` (a value or constant data).
static FailureOr<SmallVector<int64_t>> inputShape(Importer &im,
                                                  const onnx::NodeProto &node,
                                                  int idx) {
  StringRef name = node.input(idx);
  if (const ConstTensor *c = im.constData(name))
    return c->dims;
  auto it = im.values.find(name);
  if (it == im.values.end())
    return im.fail(node, "input '" + name +
                             "' is not defined before this node");
  if (auto q = dyn_cast<qf::QTensorType>(it->second.getType()))
    return SmallVector<int64_t>(q.getShape());
  return SmallVector<int64_t>(shapeOf(it->second));
}

LogicalResult Importer::convertDequantizeLinear(const onnx::NodeProto &node,
                                                Location loc,
                                                ArrayRef<Value> ins,
                                                Value &out) {
  auto shape = inputShape(*this, node, 0);
  if (failed(shape))
    return failure();
  int64_t axisAttr;
  if (failed(intAttr(node, "axis", 1, axisAttr)))
    return failure();
  int64_t axis = normAxis(axisAttr, shape->size());
  // int32 constants (biases of QDQ models) are dequantized here.
  const ConstTensor *c = constData(node.input(0));
  if (c && c->dtype == onnx::TensorProto::INT32) {
    auto scale = getData(node, node.input(1), "scale");
    if (failed(scale))
      return failure();
    const ConstTensor *zp = nullptr;
    if (node.input_size() > 2 && !node.input(2).empty()) {
      auto z = getData(node, node.input(2), "zero point");
      if (failed(z))
        return failure();
      zp = *z;
    }
    if (!(*scale)->isFloat() || (zp && zp->dims != (*scale)->dims))
      return fail(node, "int32 input needs a float32 scale and a zero point "
                        "of the same shape");
    int64_t ns = (*scale)->size();
    bool perAxis = ns > 1 || (!(*scale)->dims.empty() && axis >= 0 &&
                              (*shape)[axis] == ns && ns > 1);
    if (perAxis && (axis < 0 || (*shape)[axis] != ns))
      return fail(node, "scale of " + Twine(ns) + " entries does not fit " +
                            "axis " + Twine(axisAttr) + " of " +
                            shapeStr(*shape));
    ConstTensor r;
    r.dtype = onnx::TensorProto::FLOAT;
    r.dims = c->dims;
    int64_t inner = 1;
    if (perAxis)
      inner = numElements(ArrayRef<int64_t>(*shape).drop_front(axis + 1));
    for (int64_t i = 0; i < c->size(); ++i) {
      int64_t k = perAxis ? (i / inner) % ns : 0;
      int64_t z = zp ? zp->i64[k] : 0;
      r.f32.push_back(float(c->i64[i] - z) * (*scale)->f32[k]);
    }
    consts[node.output(0)] = std::move(r);
    return success();
  }
  auto p = readQParams(node, 1, 2, *shape, axis);
  if (failed(p))
    return failure();
  auto q = asQuantized(node, 0, *p, loc);
  if (failed(q))
    return failure();
  out = qf::DequantizeOp::create(
            b, loc, RankedTensorType::get(*shape, f32()), *q)
            .getResult();
  return success();
}

/// The operands of a 2-D integer matmul: `a` with per-tensor or per-row
/// parameters, `b` with per-tensor or per-column ones.
static LogicalResult integerMatmulOperands(Importer &im,
                                           const onnx::NodeProto &node,
                                           Location loc, int aIdx, int bIdx,
                                           const FailureOr<QParams> &pa,
                                           const FailureOr<QParams> &pb,
                                           Value &qa, Value &qb) {
  if (failed(pa) || failed(pb))
    return failure();
  auto a = im.asQuantized(node, aIdx, *pa, loc);
  if (failed(a))
    return failure();
  auto bq = im.asQuantized(node, bIdx, *pb, loc);
  if (failed(bq))
    return failure();
  qa = *a;
  qb = *bq;
  return success();
}

/// Checks that inputs `aIdx` and `bIdx` are 2-D and fit; returns M, K, N.
static LogicalResult matmulShapes(Importer &im, const onnx::NodeProto &node,
                                  int aIdx, int bIdx,
                                  SmallVector<int64_t> &as,
                                  SmallVector<int64_t> &bs) {
  auto a = inputShape(im, node, aIdx);
  auto bsh = inputShape(im, node, bIdx);
  if (failed(a) || failed(bsh))
    return failure();
  as = *a;
  bs = *bsh;
  if (as.size() != 2 || bs.size() != 2)
    return im.fail(node, "only 2-D x 2-D is supported, got " + shapeStr(as) +
                             " x " + shapeStr(bs));
  if (as[1] != bs[0])
    return im.fail(node, "inner dimensions differ: " + shapeStr(as) + " x " +
                             shapeStr(bs));
  return success();
}

/// Parameters with unit scales and the zero point of input `zpIdx` (or
/// none) for MatMulInteger's operand `idx`, per tensor or along `axis`.
static FailureOr<QParams> unitScaleParams(Importer &im,
                                          const onnx::NodeProto &node, int idx,
                                          int zpIdx, int64_t axis,
                                          ArrayRef<int64_t> shape) {
  QParams p;
  // Without a zero point the data type comes from the operand itself.
  StringRef name = node.input(idx);
  if (const ConstTensor *c = im.constData(name))
    p.dtype = c->dtype;
  else
    p.dtype = im.valueDtypes.lookup(name);
  if (p.dtype != onnx::TensorProto::INT8 &&
      p.dtype != onnx::TensorProto::UINT8)
    return im.fail(node, "input '" + name + "' must be int8 or uint8");
  int64_t count = 1;
  if (zpIdx < node.input_size() && !node.input(zpIdx).empty()) {
    auto z = im.getData(node, node.input(zpIdx), "zero point");
    if (failed(z))
      return failure();
    if ((*z)->dtype != p.dtype)
      return im.fail(node, "zero point '" + node.input(zpIdx) +
                               "' must have the data type of its input (" +
                               dtypeName(p.dtype) + ")");
    count = (*z)->size();
    if ((*z)->dims.size() > 1 || (count != 1 && count != shape[axis]))
      return im.fail(node, "zero point of shape " + shapeStr((*z)->dims) +
                               " must be a scalar or have " +
                               Twine(shape[axis]) + " entries");
    bool any = false;
    for (int64_t v : (*z)->i64)
      any |= v != 0;
    if (any) {
      p.scheme.asymmetric = true;
      p.zeroPoints.assign((*z)->i64.begin(), (*z)->i64.end());
    }
  }
  p.scheme.format = p.dtype == onnx::TensorProto::INT8
                        ? qforge::ElementFormat::SInt
                        : qforge::ElementFormat::UInt;
  p.scheme.bits = 8;
  p.scheme.axis = count > 1 ? axis : -1;
  p.scales.assign(size_t(count), 1.0f);
  // A value quantized by a QuantizeLinear keeps its own scales: the raw
  // accumulators do not depend on them.
  auto it = im.qparams.find(name);
  if (it != im.qparams.end() && it->second.scheme.axis == p.scheme.axis &&
      it->second.zeroPoints == p.zeroPoints &&
      it->second.scheme.format == p.scheme.format)
    p = it->second;
  return p;
}

LogicalResult Importer::convertMatMulInteger(const onnx::NodeProto &node,
                                             Location loc,
                                             ArrayRef<Value> ins,
                                             Value &out) {
  SmallVector<int64_t> as, bs;
  if (failed(matmulShapes(*this, node, 0, 1, as, bs)))
    return failure();
  Value qa, qb;
  if (failed(integerMatmulOperands(
          *this, node, loc, 0, 1, unitScaleParams(*this, node, 0, 2, 0, as),
          unitScaleParams(*this, node, 1, 3, 1, bs), qa, qb)))
    return failure();
  auto type = RankedTensorType::get({as[0], bs[1]}, b.getI32Type());
  auto mm = qf::MatmulOp::create(b, loc, type, qa, qb, b.getI32Type());
  if (failed(mm.verifyInvariants()))
    return fail(node, "cannot be expressed as qf.matmul (see the message "
                      "above)");
  out = mm.getResult();
  valueDtypes[node.output(0)] = onnx::TensorProto::INT32;
  return success();
}

/// QLinearMatMul: qf.matmul of the two quantized operands (float result
/// sa * sb * acc, in f32), quantized again with y's scale and zero point.
LogicalResult Importer::convertQLinearMatMul(const onnx::NodeProto &node,
                                             Location loc,
                                             ArrayRef<Value> ins,
                                             Value &out) {
  SmallVector<int64_t> as, bs;
  if (failed(matmulShapes(*this, node, 0, 3, as, bs)))
    return failure();
  Value qa, qb;
  if (failed(integerMatmulOperands(*this, node, loc, 0, 3,
                                   readQParams(node, 1, 2, as, 0),
                                   readQParams(node, 4, 5, bs, 1), qa, qb)))
    return failure();
  SmallVector<int64_t> shape = {as[0], bs[1]};
  auto py = readQParams(node, 6, 7, shape, -1);
  if (failed(py))
    return failure();
  auto mm = qf::MatmulOp::create(b, loc, RankedTensorType::get(shape, f32()),
                                 qa, qb, b.getI32Type());
  if (failed(mm.verifyInvariants()))
    return fail(node, "cannot be expressed as qf.matmul (see the message "
                      "above)");
  auto [s, z] = scaleOperands(*this, loc, *py);
  out = qf::QuantizeOp::create(b, loc, qtensorType(*this, shape, *py),
                               mm.getResult(), s, z, Value())
            .getResult();
  qparams[node.output(0)] = *py;
  valueDtypes[node.output(0)] = py->dtype;
  return success();
}

} // namespace qforge::onnx_import
