//===- ONNXTensorOps.cpp - ONNX shape and data movement operators ---------===//
//
// Flatten, Reshape, Squeeze, Unsqueeze, Transpose, Concat, Slice, Gather,
// Cast and Shape. Each computes its result shape here; the same logic
// either builds tensor / linalg ops on values or, when every input is
// constant data, evaluates the node at import time (tryFold). Folding is
// what removes the Shape -> Gather -> Unsqueeze -> Concat -> Reshape chains
// that exporters emit for static shapes.
//
//===----------------------------------------------------------------------===//

#include "ONNXImporterImpl.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <limits>

using namespace mlir;

namespace qforge::onnx_import {

namespace {

/// Row-major strides of `dims`.
SmallVector<int64_t> stridesOf(ArrayRef<int64_t> dims) {
  SmallVector<int64_t> strides(dims.size(), 1);
  for (int64_t i = int64_t(dims.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * dims[i + 1];
  return strides;
}

/// Builds a tensor of shape `dims` whose element at multi-index `idx` is
/// element `source(idx)` of `in` (a data movement: copies the storage).
ConstTensor gatherElements(
    const ConstTensor &in, ArrayRef<int64_t> dims,
    const std::function<int64_t(ArrayRef<int64_t>)> &source) {
  ConstTensor out;
  out.dtype = in.dtype;
  out.dims.assign(dims.begin(), dims.end());
  int64_t n = numElements(dims);
  SmallVector<int64_t> idx(dims.size(), 0);
  for (int64_t e = 0; e < n; ++e) {
    int64_t from = source(idx);
    if (in.isFloat())
      out.f32.push_back(in.f32[from]);
    else
      out.i64.push_back(in.i64[from]);
    for (int64_t d = int64_t(dims.size()) - 1; d >= 0; --d) {
      if (++idx[d] < dims[d])
        break;
      idx[d] = 0;
    }
  }
  return out;
}

/// The parameters of a Slice with positive or negative steps.
struct SliceParams {
  SmallVector<int64_t> offsets, sizes, strides;
};

} // namespace

//===----------------------------------------------------------------------===//
// Result shapes
//===----------------------------------------------------------------------===//

/// Transpose's permutation for an input of rank `rank`.
static FailureOr<SmallVector<int64_t>> transposePerm(Importer &im,
                                                     const onnx::NodeProto &node,
                                                     int64_t rank) {
  auto fail = [&](const onnx::NodeProto &n, const Twine &msg) {
    return im.fail(n, msg);
  };
  auto checkAttrType = [&](const onnx::NodeProto &n,
                           const onnx::AttributeProto &a,
                           onnx::AttributeProto::AttributeType t) {
    return im.checkAttrType(n, a, t);
  };
  SmallVector<int64_t> perm;
  if (const onnx::AttributeProto *a = findAttr(node, "perm")) {
    if (failed(checkAttrType(node, *a, onnx::AttributeProto::INTS)))
      return failure();
    perm.assign(a->ints().begin(), a->ints().end());
  } else {
    for (int64_t i = rank - 1; i >= 0; --i)
      perm.push_back(i);
  }
  auto badPerm = [&] {
    std::string p;
    for (auto [i, v] : llvm::enumerate(perm))
      p += (i ? ", " : "") + std::to_string(v);
    return fail(node, "perm [" + p + "] is not a permutation of " +
                          Twine(rank) + " dimensions");
  };
  if (int64_t(perm.size()) != rank)
    return badPerm();
  SmallVector<bool> seen(rank, false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return badPerm();
    seen[p] = true;
  }
  return perm;
}

/// The result shape of Flatten, Reshape, Squeeze and Unsqueeze for an input
/// of shape `s`.
static FailureOr<SmallVector<int64_t>>
reshapeTarget(Importer &im, const onnx::NodeProto &node, ArrayRef<int64_t> s) {
  StringRef op = node.op_type();
  int64_t rank = s.size();
  auto fail = [&](const onnx::NodeProto &n, const Twine &msg) {
    return im.fail(n, msg);
  };
  auto intAttr = [&](const onnx::NodeProto &n, StringRef name, int64_t dflt,
                     int64_t &out) { return im.intAttr(n, name, dflt, out); };
  auto getConst = [&](const onnx::NodeProto &n, StringRef name) {
    return im.getConst(n, name);
  };
  if (op == "Squeeze" || op == "Unsqueeze") {
    SmallVector<int64_t> axes;
    bool fromAttr, fromInput = false;
    if (failed(im.intsAttr(node, "axes", axes, &fromAttr)))
      return failure();
    if (!fromAttr && failed(im.optionalInts(node, 1, axes, fromInput)))
      return failure();
    SmallVector<int64_t> shape;
    if (op == "Squeeze") {
      SmallVector<bool> drop(rank, false);
      if (!fromAttr && !fromInput) {
        for (int64_t i = 0; i < rank; ++i)
          drop[i] = s[i] == 1;
      }
      for (int64_t a : axes) {
        int64_t n = normAxis(a, rank);
        if (n < 0 || drop[n] || s[n] != 1)
          return fail(node, "cannot squeeze axis " + Twine(a) +
                                " of shape " + shapeStr(s) +
                                " (out of range, repeated or not of size 1)");
        drop[n] = true;
      }
      for (int64_t i = 0; i < rank; ++i)
        if (!drop[i])
          shape.push_back(s[i]);
      return shape;
    }
    if (!fromAttr && !fromInput)
      return fail(node, "axes are required");
    int64_t outRank = rank + int64_t(axes.size());
    SmallVector<bool> added(outRank, false);
    for (int64_t a : axes) {
      int64_t n = normAxis(a, outRank);
      if (n < 0 || added[n])
        return fail(node, "axis " + Twine(a) +
                              " is out of range or repeated for output rank " +
                              Twine(outRank));
      added[n] = true;
    }
    for (int64_t i = 0, j = 0; i < outRank; ++i)
      shape.push_back(added[i] ? 1 : s[j++]);
    return shape;
  }
  SmallVector<int64_t> shape;
  if (op == "Flatten") {
    int64_t axis;
    if (failed(intAttr(node, "axis", 1, axis)))
      return failure();
    int64_t orig = axis;
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis > rank)
      return fail(node, "axis " + Twine(orig) + " out of range for rank " +
                            Twine(rank));
    int64_t outer = numElements(s.take_front(axis));
    int64_t inner = numElements(s.drop_front(axis));
    if (outer < 0 || inner < 0)
      return fail(node, "cannot flatten " + shapeStr(s) + ": too large");
    shape = {outer, inner};
  } else { // Reshape
    auto c = getConst(node, node.input(1));
    if (failed(c))
      return failure();
    if ((*c)->dims.size() != 1)
      return fail(node, "shape must be 1-D");
    int64_t allowZero;
    if (failed(intAttr(node, "allowzero", 0, allowZero)))
      return failure();
    if (allowZero)
      return fail(node, "allowzero = 1 is not supported");
    // `known`: the product of the non-zero target dimensions (a 0 copied
    // from a zero-sized input dimension makes the result empty).
    int64_t known = 1, infer = -1;
    bool hasZero = false;
    for (auto [i, target] : llvm::enumerate((*c)->i64)) {
      int64_t d = target;
      bool copied = d == 0 && int64_t(i) < rank;
      if (copied)
        d = s[i];
      if (target == -1) {
        if (infer >= 0)
          return fail(node, "more than one -1 in the target shape");
        infer = i;
        shape.push_back(1);
        continue;
      }
      if (d < 0 || (d == 0 && !copied))
        return fail(node, "invalid target dimension " + Twine(target) +
                              " at index " + Twine(i));
      shape.push_back(d);
      if (d == 0) {
        hasZero = true;
        continue;
      }
      if (d > kMaxElements / known)
        return fail(node, "target shape too large (more than " +
                              Twine(kMaxElements) + " elements)");
      known *= d;
    }
    int64_t total = numElements(s);
    if (total < 0)
      return fail(node, "input shape " + shapeStr(s) + " is too large");
    if (infer >= 0) {
      if (hasZero)
        return fail(node, "cannot infer -1 next to a zero-sized dimension");
      if (total % known)
        return fail(node, "cannot infer -1: " + Twine(total) +
                              " elements not divisible by " + Twine(known));
      shape[infer] = total / known;
    }
  }
  if (failed(im.checkResultShape(node, shape)))
    return failure();
  if (numElements(shape) != numElements(s))
    return fail(node, "cannot reshape " + shapeStr(s) + " to " +
                          shapeStr(shape));
  return shape;
}

/// Slice's offsets, sizes and strides for an input of shape `s` (inputs
/// starts, ends, axes, steps from opset 10; attributes before).
static FailureOr<SliceParams> sliceParams(Importer &im,
                                          const onnx::NodeProto &node,
                                          ArrayRef<int64_t> s) {
  int64_t rank = s.size();
  SmallVector<int64_t> starts, ends, axes, steps;
  bool hasAxes = false, hasSteps = false;
  if (im.opset < 10) {
    bool hasStarts, hasEnds;
    if (failed(im.intsAttr(node, "starts", starts, &hasStarts)) ||
        failed(im.intsAttr(node, "ends", ends, &hasEnds)) ||
        failed(im.intsAttr(node, "axes", axes, &hasAxes)))
      return failure();
    if (!hasStarts || !hasEnds)
      return im.fail(node, "attributes starts and ends are required");
  } else {
    bool hasStarts, hasEnds;
    if (node.input_size() < 3)
      return im.fail(node, "inputs starts and ends are required");
    if (failed(im.optionalInts(node, 1, starts, hasStarts)) ||
        failed(im.optionalInts(node, 2, ends, hasEnds)) ||
        failed(im.optionalInts(node, 3, axes, hasAxes)) ||
        failed(im.optionalInts(node, 4, steps, hasSteps)))
      return failure();
    if (!hasStarts || !hasEnds)
      return im.fail(node, "inputs starts and ends are required");
  }
  size_t n = starts.size();
  if (ends.size() != n || (hasAxes && axes.size() != n) ||
      (hasSteps && steps.size() != n))
    return im.fail(node, "starts, ends, axes and steps differ in length");
  if (!hasAxes)
    for (size_t i = 0; i < n; ++i)
      axes.push_back(i);
  if (!hasSteps)
    steps.assign(n, 1);
  SliceParams p;
  p.offsets.assign(rank, 0);
  p.sizes.assign(s.begin(), s.end());
  p.strides.assign(rank, 1);
  SmallVector<bool> seen(rank, false);
  for (size_t i = 0; i < n; ++i) {
    int64_t a = normAxis(axes[i], rank);
    if (a < 0 || seen[a])
      return im.fail(node, "axis " + Twine(axes[i]) +
                               " is out of range or repeated for rank " +
                               Twine(rank));
    seen[a] = true;
    int64_t step = steps[i], dim = s[a];
    if (step == 0)
      return im.fail(node, "step 0 on axis " + Twine(axes[i]));
    // Clamp as ONNX does: to [0, dim] for positive steps, [-1, dim - 1]
    // for negative ones, after adding dim to negative indices.
    auto clampIdx = [&](int64_t v, int64_t lo, int64_t hi) {
      if (v < 0)
        v = v < std::numeric_limits<int64_t>::min() + dim ? lo : v + dim;
      return std::min(std::max(v, lo), hi);
    };
    int64_t start, end;
    if (step > 0) {
      start = clampIdx(starts[i], 0, dim);
      end = clampIdx(ends[i], 0, dim);
    } else {
      start = clampIdx(starts[i], -1, dim - 1);
      end = clampIdx(ends[i], -1, dim - 1);
    }
    int64_t count = 0;
    if (step > 0 && end > start)
      count = (end - start + step - 1) / step;
    else if (step < 0 && start > end)
      count = (start - end + (-step) - 1) / (-step);
    p.offsets[a] = start;
    p.sizes[a] = count;
    p.strides[a] = step;
  }
  return p;
}

//===----------------------------------------------------------------------===//
// Converters (values)
//===----------------------------------------------------------------------===//

LogicalResult Importer::convertShapeOp(const onnx::NodeProto &node,
                                       Location loc, ArrayRef<Value> ins,
                                       Value &out) {
  ArrayRef<int64_t> s = shapeOf(ins[0]);
  if (node.op_type() == "Transpose") {
    auto perm = transposePerm(*this, node, s.size());
    if (failed(perm))
      return failure();
    out = transpose(loc, ins[0], *perm);
    return success();
  }
  auto shape = reshapeTarget(*this, node, s);
  if (failed(shape))
    return failure();
  out = reshapeTo(loc, ins[0], *shape);
  return success();
}

LogicalResult Importer::convertConcat(const onnx::NodeProto &node,
                                      Location loc, ArrayRef<Value> ins,
                                      Value &out) {
  int64_t axisAttr;
  if (failed(requiredIntAttr(node, "axis", axisAttr)))
    return failure();
  SmallVector<Value> parts;
  for (Value v : ins)
    if (v)
      parts.push_back(v);
  if (parts.empty())
    return fail(node, "has no inputs");
  auto t0 = cast<RankedTensorType>(parts[0].getType());
  int64_t rank = t0.getRank();
  int64_t axis = normAxis(axisAttr, rank);
  if (axis < 0)
    return fail(node, "axis " + Twine(axisAttr) + " out of range for rank " +
                          Twine(rank));
  SmallVector<int64_t> shape(t0.getShape());
  shape[axis] = 0;
  for (Value v : parts) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    bool ok = t && t.getElementType() == t0.getElementType() &&
              t.getRank() == rank;
    for (int64_t i = 0; ok && i < rank; ++i)
      ok = i == axis || t.getDimSize(i) == t0.getDimSize(i);
    if (!ok)
      return fail(node, "inputs differ in rank, element type or in a "
                        "dimension other than the axis");
    shape[axis] += t.getDimSize(axis);
  }
  if (failed(checkResultShape(node, shape)))
    return failure();
  Value acc = emptyLike(loc, shape, t0.getElementType());
  int64_t offset = 0;
  for (Value v : parts) {
    SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0));
    offsets[axis] = b.getIndexAttr(offset);
    SmallVector<OpFoldResult> sizes, strides(rank, b.getIndexAttr(1));
    for (int64_t d : shapeOf(v))
      sizes.push_back(b.getIndexAttr(d));
    acc = tensor::InsertSliceOp::create(b, loc, v, acc, offsets, sizes,
                                        strides);
    offset += shapeOf(v)[axis];
  }
  out = acc;
  return success();
}

LogicalResult Importer::convertSlice(const onnx::NodeProto &node,
                                     Location loc, ArrayRef<Value> ins,
                                     Value &out) {
  auto p = sliceParams(*this, node, shapeOf(ins[0]));
  if (failed(p))
    return failure();
  for (int64_t st : p->strides)
    if (st < 0)
      return fail(node, "negative steps are supported on constant data "
                        "only");
  if (llvm::is_contained(p->sizes, 0))
    return fail(node, "the slice is empty (" + shapeStr(p->sizes) + ")");
  auto type = cast<RankedTensorType>(ins[0].getType());
  auto resultType = RankedTensorType::get(p->sizes, type.getElementType());
  auto attrs = [&](ArrayRef<int64_t> v) {
    return llvm::map_to_vector(
        v, [&](int64_t x) -> OpFoldResult { return b.getIndexAttr(x); });
  };
  out = tensor::ExtractSliceOp::create(b, loc, resultType, ins[0],
                                       attrs(p->offsets), attrs(p->sizes),
                                       attrs(p->strides));
  return success();
}

/// Gather along `axis`: out[i.., j.., k..] = data[i.., indices[j..], k..],
/// negative indices counting from the end. Out-of-range indices (which
/// ONNX leaves undefined) are clamped, so they never read out of bounds.
LogicalResult Importer::convertGather(const onnx::NodeProto &node,
                                      Location loc, ArrayRef<Value> ins,
                                      Value &out) {
  auto dataType = dyn_cast<RankedTensorType>(ins[0].getType());
  auto idxType = dyn_cast<RankedTensorType>(ins[1].getType());
  if (!dataType || !idxType)
    return fail(node, "quantized operands are not supported");
  if (!isa<IntegerType>(idxType.getElementType()) ||
      idxType.getElementType().getIntOrFloatBitWidth() < 32)
    return fail(node, "indices must be int64 or int32");
  int64_t rank = dataType.getRank(), axisAttr;
  if (failed(intAttr(node, "axis", 0, axisAttr)))
    return failure();
  int64_t axis = normAxis(axisAttr, rank);
  if (axis < 0)
    return fail(node, "axis " + Twine(axisAttr) + " out of range for rank " +
                          Twine(rank));
  ArrayRef<int64_t> ds = dataType.getShape(), is = idxType.getShape();
  if (ds[axis] == 0)
    return fail(node, "cannot gather from an empty axis");
  SmallVector<int64_t> shape(ds.take_front(axis));
  shape.append(is.begin(), is.end());
  shape.append(ds.begin() + axis + 1, ds.end());
  if (failed(checkResultShape(node, shape)))
    return failure();
  int64_t outRank = shape.size(), idxRank = is.size();
  SmallVector<AffineExpr> idxExprs;
  for (int64_t i = 0; i < idxRank; ++i)
    idxExprs.push_back(getAffineDimExpr(axis + i, &ctx));
  SmallVector<AffineMap> maps = {
      AffineMap::get(outRank, 0, idxExprs, &ctx),
      AffineMap::getMultiDimIdentityMap(outRank, &ctx)};
  SmallVector<utils::IteratorType> iters(outRank,
                                         utils::IteratorType::parallel);
  Value init = emptyLike(loc, shape, dataType.getElementType());
  Value data = ins[0];
  int64_t dim = ds[axis];
  out = linalg::GenericOp::create(
            b, loc, TypeRange{init.getType()}, ValueRange{ins[1]},
            ValueRange{init}, maps, iters,
            [&](OpBuilder &nb, Location nl, ValueRange args) {
              Value i = arith::IndexCastOp::create(nb, nl, nb.getIndexType(),
                                                   args[0]);
              Value zero = arith::ConstantIndexOp::create(nb, nl, 0);
              Value n = arith::ConstantIndexOp::create(nb, nl, dim);
              Value last = arith::ConstantIndexOp::create(nb, nl, dim - 1);
              Value neg = arith::CmpIOp::create(
                  nb, nl, arith::CmpIPredicate::slt, i, zero);
              i = arith::SelectOp::create(
                  nb, nl, neg, arith::AddIOp::create(nb, nl, i, n), i);
              i = arith::MaxSIOp::create(nb, nl, i, zero);
              i = arith::MinSIOp::create(nb, nl, i, last);
              SmallVector<Value> coords;
              for (int64_t d = 0; d < axis; ++d)
                coords.push_back(linalg::IndexOp::create(nb, nl, d));
              coords.push_back(i);
              for (int64_t d = axis + idxRank; d < outRank; ++d)
                coords.push_back(linalg::IndexOp::create(nb, nl, d));
              Value v = tensor::ExtractOp::create(nb, nl, data, coords);
              linalg::YieldOp::create(nb, nl, v);
            })
            ->getResult(0);
  return success();
}

/// Cast between float32 and the integer types (truncating toward zero from
/// float, as C does; ONNX leaves out-of-range values undefined).
LogicalResult Importer::convertCast(const onnx::NodeProto &node,
                                    Location loc, ArrayRef<Value> ins,
                                    Value &out) {
  int64_t to;
  if (failed(requiredIntAttr(node, "to", to)))
    return failure();
  Type dst = elementTypeOf(b, int32_t(to));
  if (!dst)
    return fail(node, "cast to " + dtypeName(int32_t(to)) +
                          " is not supported (float32, int64, int32, int8, "
                          "uint8)");
  auto type = dyn_cast<RankedTensorType>(ins[0].getType());
  if (!type)
    return fail(node, "cannot cast a quantized tensor");
  Type src = type.getElementType();
  int32_t srcDtype = valueDtypes.lookup(node.input(0));
  bool srcUnsigned = srcDtype == onnx::TensorProto::UINT8;
  bool dstUnsigned = to == onnx::TensorProto::UINT8;
  valueDtypes[node.output(0)] = int32_t(to);
  if (src == dst && srcUnsigned == dstUnsigned) {
    out = ins[0];
    return success();
  }
  out = elementwise(
      loc, ins[0], type.getShape(),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
        Value x = a[0];
        if (isa<FloatType>(src) && isa<FloatType>(dst))
          return x;
        if (isa<FloatType>(src))
          return dstUnsigned ? Value(arith::FPToUIOp::create(nb, nl, dst, x))
                             : Value(arith::FPToSIOp::create(nb, nl, dst, x));
        if (isa<FloatType>(dst))
          return srcUnsigned ? Value(arith::UIToFPOp::create(nb, nl, dst, x))
                             : Value(arith::SIToFPOp::create(nb, nl, dst, x));
        unsigned sw = src.getIntOrFloatBitWidth(),
                 dw = dst.getIntOrFloatBitWidth();
        if (dw < sw)
          return arith::TruncIOp::create(nb, nl, dst, x);
        if (dw > sw)
          return srcUnsigned ? Value(arith::ExtUIOp::create(nb, nl, dst, x))
                             : Value(arith::ExtSIOp::create(nb, nl, dst, x));
        return x; // int8 <-> uint8: the same bits
      },
      dst);
  return success();
}

//===----------------------------------------------------------------------===//
// Folding constant data
//===----------------------------------------------------------------------===//

/// Wraps `v` to ONNX integer type `dtype` (two's complement), as a cast does.
static int64_t wrapInt(int64_t v, int32_t dtype) {
  switch (dtype) {
  case onnx::TensorProto::INT32:
    return int32_t(uint32_t(uint64_t(v)));
  case onnx::TensorProto::INT8:
    return int8_t(uint8_t(uint64_t(v)));
  case onnx::TensorProto::UINT8:
    return uint8_t(uint64_t(v));
  case onnx::TensorProto::BOOL:
    return v != 0;
  default:
    return v;
  }
}

LogicalResult Importer::tryFold(const onnx::NodeProto &node, bool &folded) {
  folded = false;
  StringRef op = node.op_type();
  static const StringRef foldable[] = {
      "Shape",   "Identity", "Reshape", "Flatten", "Squeeze",
      "Unsqueeze", "Transpose", "Concat", "Slice", "Gather",
      "Cast",    "Add",      "Sub",     "Mul",     "Div"};
  if (!llvm::is_contained(foldable, op))
    return success();
  const std::string &outName = node.output(0);
  if (op == "Shape") {
    SmallVector<int64_t> dims;
    if (const ConstTensor *c = constData(node.input(0))) {
      dims = c->dims;
    } else {
      auto it = values.find(node.input(0));
      if (it == values.end())
        return fail(node, "input '" + node.input(0) +
                              "' is not defined before this node");
      auto type = dyn_cast<ShapedType>(it->second.getType());
      if (!type || !type.hasStaticShape())
        return fail(node, "input '" + node.input(0) +
                              "' must have a static shape");
      dims.assign(type.getShape().begin(), type.getShape().end());
    }
    int64_t rank = dims.size(), start, end;
    if (failed(intAttr(node, "start", 0, start)) ||
        failed(intAttr(node, "end", rank, end)))
      return failure();
    auto clampDim = [&](int64_t v) {
      if (v < 0)
        v += rank;
      return std::min(std::max(v, int64_t(0)), rank);
    };
    start = clampDim(start);
    end = std::max(clampDim(end), start);
    ConstTensor c;
    c.dtype = onnx::TensorProto::INT64;
    c.dims = {end - start};
    c.i64.assign(dims.begin() + start, dims.begin() + end);
    consts[outName] = std::move(c);
    folded = true;
    return success();
  }
  // Every given input must be constant data.
  SmallVector<const ConstTensor *> in;
  for (const std::string &name : node.input()) {
    if (name.empty()) {
      in.push_back(nullptr);
      continue;
    }
    const ConstTensor *c = constData(name);
    if (!c || !c->hasData())
      return success();
    in.push_back(c);
  }
  const ConstTensor &x = *in[0];
  ConstTensor r;
  if (op == "Identity") {
    r = x;
  } else if (op == "Reshape" || op == "Flatten" || op == "Squeeze" ||
             op == "Unsqueeze") {
    auto shape = reshapeTarget(*this, node, x.dims);
    if (failed(shape))
      return failure();
    r = x;
    r.dims = *shape;
  } else if (op == "Transpose") {
    auto perm = transposePerm(*this, node, x.dims.size());
    if (failed(perm))
      return failure();
    SmallVector<int64_t> dims, inStrides = stridesOf(x.dims);
    for (int64_t p : *perm)
      dims.push_back(x.dims[p]);
    r = gatherElements(x, dims, [&](ArrayRef<int64_t> idx) {
      int64_t from = 0;
      for (auto [i, p] : llvm::enumerate(*perm))
        from += idx[i] * inStrides[p];
      return from;
    });
  } else if (op == "Slice") {
    auto p = sliceParams(*this, node, x.dims);
    if (failed(p))
      return failure();
    SmallVector<int64_t> inStrides = stridesOf(x.dims);
    r = gatherElements(x, p->sizes, [&](ArrayRef<int64_t> idx) {
      int64_t from = 0;
      for (size_t d = 0; d < idx.size(); ++d)
        from += (p->offsets[d] + idx[d] * p->strides[d]) * inStrides[d];
      return from;
    });
  } else if (op == "Gather") {
    const ConstTensor &ix = *in[1];
    if (ix.isFloat())
      return fail(node, "indices must be integers");
    int64_t rank = x.dims.size(), axisAttr;
    if (failed(intAttr(node, "axis", 0, axisAttr)))
      return failure();
    int64_t axis = normAxis(axisAttr, rank);
    if (axis < 0)
      return fail(node, "axis " + Twine(axisAttr) +
                            " out of range for rank " + Twine(rank));
    int64_t dim = x.dims[axis];
    for (int64_t v : ix.i64)
      if (v < -dim || v >= dim)
        return fail(node, "index " + Twine(v) + " out of range for axis " +
                              "of size " + Twine(dim));
    SmallVector<int64_t> dims(x.dims.begin(), x.dims.begin() + axis);
    dims.append(ix.dims.begin(), ix.dims.end());
    dims.append(x.dims.begin() + axis + 1, x.dims.end());
    if (failed(checkResultShape(node, dims)))
      return failure();
    SmallVector<int64_t> inStrides = stridesOf(x.dims),
                         ixStrides = stridesOf(ix.dims);
    int64_t ixRank = ix.dims.size();
    r = gatherElements(x, dims, [&](ArrayRef<int64_t> idx) {
      int64_t from = 0, k = 0;
      for (int64_t d = 0; d < axis; ++d)
        from += idx[d] * inStrides[d];
      for (int64_t d = 0; d < ixRank; ++d)
        k += idx[axis + d] * ixStrides[d];
      int64_t j = ix.i64[k] < 0 ? ix.i64[k] + dim : ix.i64[k];
      from += j * inStrides[axis];
      for (int64_t d = axis + 1; d < rank; ++d)
        from += idx[d - 1 + ixRank] * inStrides[d];
      return from;
    });
  } else if (op == "Concat") {
    int64_t axisAttr;
    if (failed(requiredIntAttr(node, "axis", axisAttr)))
      return failure();
    int64_t rank = x.dims.size();
    int64_t axis = normAxis(axisAttr, rank);
    if (axis < 0)
      return fail(node, "axis " + Twine(axisAttr) +
                            " out of range for rank " + Twine(rank));
    r.dtype = x.dtype;
    r.dims = x.dims;
    r.dims[axis] = 0;
    for (const ConstTensor *c : in) {
      if (!c)
        continue;
      bool ok = c->dtype == x.dtype && int64_t(c->dims.size()) == rank;
      for (int64_t d = 0; ok && d < rank; ++d)
        ok = d == axis || c->dims[d] == x.dims[d];
      if (!ok)
        return fail(node, "inputs differ in rank, data type or in a "
                          "dimension other than the axis");
      r.dims[axis] += c->dims[axis];
    }
    if (failed(checkResultShape(node, r.dims)))
      return failure();
    // Row-major: the outer index runs over the dimensions before the axis.
    int64_t outer = numElements(ArrayRef<int64_t>(x.dims).take_front(axis));
    for (int64_t o = 0; o < outer; ++o)
      for (const ConstTensor *c : in) {
        if (!c)
          continue;
        int64_t chunk =
            numElements(ArrayRef<int64_t>(c->dims).drop_front(axis));
        if (c->isFloat())
          r.f32.insert(r.f32.end(), c->f32.begin() + o * chunk,
                       c->f32.begin() + (o + 1) * chunk);
        else
          r.i64.insert(r.i64.end(), c->i64.begin() + o * chunk,
                       c->i64.begin() + (o + 1) * chunk);
      }
  } else if (op == "Cast") {
    int64_t to;
    if (failed(requiredIntAttr(node, "to", to)))
      return failure();
    r.dtype = int32_t(to);
    r.dims = x.dims;
    if (!r.hasData())
      return fail(node, "cast to " + dtypeName(r.dtype) +
                            " is not supported");
    for (int64_t i = 0; i < x.size(); ++i) {
      if (r.isFloat()) {
        r.f32.push_back(float(x.at(i)));
        continue;
      }
      double v = x.at(i);
      if (x.isFloat() && !(std::abs(v) < 9.2e18))
        return fail(node, "cannot cast " + Twine(std::to_string(v)) +
                              " to an integer");
      r.i64.push_back(wrapInt(x.isFloat() ? int64_t(v) : x.i64[i], r.dtype));
    }
  } else {
    // Add, Sub, Mul, Div: integer shape arithmetic only; float constants
    // are left to the compiled code (and the canonicalizer).
    const ConstTensor &y = *in[1];
    if (x.isFloat() || y.isFloat() || x.dtype != y.dtype)
      return success();
    auto shape = broadcastShapes(node, {x.dims, y.dims});
    if (failed(shape))
      return failure();
    SmallVector<int64_t> xs = stridesOf(x.dims), ys = stridesOf(y.dims);
    r.dtype = x.dtype;
    r.dims = *shape;
    int64_t rank = shape->size();
    auto offset = [&](ArrayRef<int64_t> idx, const ConstTensor &t,
                      ArrayRef<int64_t> st) {
      int64_t o = 0, lead = rank - int64_t(t.dims.size());
      for (size_t d = 0; d < t.dims.size(); ++d)
        if (t.dims[d] != 1)
          o += idx[lead + d] * st[d];
      return o;
    };
    r = gatherElements(x, *shape, [&](ArrayRef<int64_t> idx) {
      return offset(idx, x, xs);
    });
    ConstTensor rb = gatherElements(y, *shape, [&](ArrayRef<int64_t> idx) {
      return offset(idx, y, ys);
    });
    for (size_t i = 0; i < r.i64.size(); ++i) {
      int64_t a = r.i64[i], bv = rb.i64[i];
      if (op == "Div" && bv == 0)
        return fail(node, "integer division by zero");
      int64_t v = op == "Add"   ? int64_t(uint64_t(a) + uint64_t(bv))
                  : op == "Sub" ? int64_t(uint64_t(a) - uint64_t(bv))
                  : op == "Mul" ? int64_t(uint64_t(a) * uint64_t(bv))
                                : (a == std::numeric_limits<int64_t>::min() &&
                                           bv == -1
                                       ? a
                                       : a / bv);
      r.i64[i] = wrapInt(v, r.dtype);
    }
  }
  consts[outName] = std::move(r);
  folded = true;
  return success();
}

} // namespace qforge::onnx_import
