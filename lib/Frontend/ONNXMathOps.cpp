//===- ONNXMathOps.cpp - ONNX arithmetic, matmuls and normalizations ------===//
//
// Elementwise operators (numpy broadcasting), Pow, Softmax, MatMul (2-D and
// batched), Gemm, ReduceMean/Sum/Max and LayerNormalization, as linalg on
// tensors. Matmuls whose right operand is 2-D become linalg.matmul on the
// rows of the left operand, the form qforge's weight quantization matches.
//
//===----------------------------------------------------------------------===//

#include "ONNXImporterImpl.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cmath>

using namespace mlir;

namespace qforge::onnx_import {

LogicalResult Importer::convertIdentity(const onnx::NodeProto &node,
                                        Location loc, ArrayRef<Value> ins,
                                        Value &out) {
  // Dropout in inference is the identity; a training-mode flag or a ratio
  // given as a value is irrelevant there.
  out = ins[0];
  return success();
}

LogicalResult Importer::convertBinary(const onnx::NodeProto &node,
                                      Location loc, ArrayRef<Value> ins,
                                      Value &out) {
  StringRef op = node.op_type();
  if (failed(expectF32(node, ins[0], "input A")) ||
      failed(expectF32(node, ins[1], "input B")))
    return failure();
  auto shape = broadcastShape(node, ins);
  if (failed(shape))
    return failure();
  out = elementwise(loc, ins, *shape,
                    [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                      if (op == "Add")
                        return arith::AddFOp::create(nb, nl, a[0], a[1]);
                      if (op == "Sub")
                        return arith::SubFOp::create(nb, nl, a[0], a[1]);
                      if (op == "Mul")
                        return arith::MulFOp::create(nb, nl, a[0], a[1]);
                      return arith::DivFOp::create(nb, nl, a[0], a[1]);
                    });
  return success();
}

LogicalResult Importer::convertUnary(const onnx::NodeProto &node,
                                     Location loc, ArrayRef<Value> ins,
                                     Value &out) {
  StringRef op = node.op_type();
  if (failed(expectF32(node, ins[0], "input X")))
    return failure();
  std::string approximate = "none";
  if (op == "Gelu") {
    if (failed(stringAttr(node, "approximate", "none", approximate)))
      return failure();
    if (approximate != "none" && approximate != "tanh")
      return fail(node, "approximate must be \"none\" or \"tanh\", got \"" +
                            approximate + "\"");
  }
  out = elementwise(
      loc, ins[0], shapeOf(ins[0]),
      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
        Value x = a[0];
        auto c = [&](double v) -> Value {
          return arith::ConstantOp::create(nb, nl,
                                           nb.getF32FloatAttr(float(v)));
        };
        if (op == "Relu")
          return arith::MaximumFOp::create(nb, nl, x, c(0));
        if (op == "Tanh")
          return math::TanhOp::create(nb, nl, x);
        if (op == "Erf")
          return math::ErfOp::create(nb, nl, x);
        if (op == "Sqrt")
          return math::SqrtOp::create(nb, nl, x);
        if (op == "Exp")
          return math::ExpOp::create(nb, nl, x);
        if (op == "Log")
          return math::LogOp::create(nb, nl, x);
        if (op == "Neg")
          return arith::NegFOp::create(nb, nl, x);
        if (op == "Abs")
          return math::AbsFOp::create(nb, nl, x);
        if (op == "Reciprocal")
          return arith::DivFOp::create(nb, nl, c(1), x);
        if (op == "Sigmoid") {
          // 1 / (1 + exp(-x)).
          Value e = math::ExpOp::create(nb, nl, arith::NegFOp::create(nb, nl, x));
          return arith::DivFOp::create(nb, nl, c(1),
                                       arith::AddFOp::create(nb, nl, c(1), e));
        }
        // Gelu: 0.5 x (1 + erf(x / sqrt(2))), or with approximate = tanh
        // 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))).
        Value inner;
        if (approximate == "tanh") {
          Value x3 = arith::MulFOp::create(
              nb, nl, x, arith::MulFOp::create(nb, nl, x, x));
          Value poly = arith::AddFOp::create(
              nb, nl, x, arith::MulFOp::create(nb, nl, c(0.044715), x3));
          inner = math::TanhOp::create(
              nb, nl,
              arith::MulFOp::create(nb, nl, c(std::sqrt(2.0 / M_PI)), poly));
        } else {
          inner = math::ErfOp::create(
              nb, nl, arith::DivFOp::create(nb, nl, x, c(M_SQRT2)));
        }
        Value half = arith::MulFOp::create(nb, nl, c(0.5), x);
        return arith::MulFOp::create(nb, nl, half,
                                     arith::AddFOp::create(nb, nl, c(1), inner));
      });
  return success();
}

/// Pow with a constant exponent: x^2 and x^3 as products, x^0.5 as sqrt,
/// x^1 as x, other exponents with math.powf (broadcast as usual).
LogicalResult Importer::convertPow(const onnx::NodeProto &node, Location loc,
                                   ArrayRef<Value> ins, Value &out) {
  if (failed(expectF32(node, ins[0], "input X")))
    return failure();
  auto y = getData(node, node.input(1), "exponent");
  if (failed(y))
    return failure();
  bool uniform = (*y)->size() > 0;
  double e0 = uniform ? (*y)->at(0) : 0;
  for (int64_t i = 1; i < (*y)->size(); ++i)
    uniform &= (*y)->at(i) == e0;
  if (uniform && (e0 == 1 || e0 == 2 || e0 == 3 || e0 == 0.5)) {
    auto shape = broadcastShapes(
        node, {SmallVector<int64_t>(shapeOf(ins[0])), (*y)->dims});
    if (failed(shape))
      return failure();
    out = elementwise(loc, ins[0], *shape,
                      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                        Value x = a[0];
                        if (e0 == 1)
                          return x;
                        if (e0 == 0.5)
                          return math::SqrtOp::create(nb, nl, x);
                        Value x2 = arith::MulFOp::create(nb, nl, x, x);
                        if (e0 == 2)
                          return x2;
                        return arith::MulFOp::create(nb, nl, x2, x);
                      });
    return success();
  }
  ConstTensor yf = **y;
  if (!yf.isFloat()) {
    yf.f32.assign(yf.i64.begin(), yf.i64.end());
    yf.i64.clear();
    yf.dtype = onnx::TensorProto::FLOAT;
  }
  Value yv = materialize(yf, node.input(1), loc);
  auto shape = broadcastShape(node, {ins[0], yv});
  if (failed(shape))
    return failure();
  out = elementwise(loc, {ins[0], yv}, *shape,
                    [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                      return math::PowFOp::create(nb, nl, a[0], a[1]);
                    });
  return success();
}

LogicalResult Importer::convertSoftmax(const onnx::NodeProto &node,
                                       Location loc, ArrayRef<Value> ins,
                                       Value &out) {
  if (failed(expectF32(node, ins[0], "input")))
    return failure();
  auto type0 = cast<RankedTensorType>(ins[0].getType());
  int64_t rank = type0.getRank();
  int64_t axisAttr;
  if (failed(intAttr(node, "axis", opset >= 13 ? -1 : 1, axisAttr)))
    return failure();
  int64_t axis = normAxis(axisAttr, rank);
  if (rank == 0 || axis != rank - 1)
    return fail(node, "only the last axis is supported (rank " + Twine(rank) +
                          ")");
  Value init = emptyLike(loc, type0.getShape());
  out = linalg::SoftmaxOp::create(b, loc, TypeRange{type0}, ins[0], init,
                                  uint64_t(axis))
            ->getResult(0);
  return success();
}

/// MatMul with numpy semantics: 1-D operands are promoted (and the added
/// dimension dropped again), leading batch dimensions broadcast. A 2-D
/// right operand gives one linalg.matmul over all rows of the left one;
/// otherwise a batched linalg.generic.
LogicalResult Importer::convertMatMul(const onnx::NodeProto &node,
                                      Location loc, ArrayRef<Value> ins,
                                      Value &out) {
  if (failed(expectF32(node, ins[0], "input A")) ||
      failed(expectF32(node, ins[1], "input B")))
    return failure();
  Value a = ins[0], bm = ins[1];
  SmallVector<int64_t> as(shapeOf(a)), bs(shapeOf(bm));
  if (as.empty() || bs.empty())
    return fail(node, "operands must have rank >= 1, got " + shapeStr(as) +
                          " x " + shapeStr(bs));
  bool vecA = as.size() == 1, vecB = bs.size() == 1;
  if (vecA) {
    as.insert(as.begin(), 1);
    a = reshapeTo(loc, a, as);
  }
  if (vecB) {
    bs.push_back(1);
    bm = reshapeTo(loc, bm, bs);
  }
  int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
  if (k != bs[bs.size() - 2])
    return fail(node, "inner dimensions differ: " +
                          shapeStr(shapeOf(ins[0])) + " x " +
                          shapeStr(shapeOf(ins[1])));
  // Broadcast batch dimensions.
  ArrayRef<int64_t> ab = ArrayRef<int64_t>(as).drop_back(2);
  ArrayRef<int64_t> bb = ArrayRef<int64_t>(bs).drop_back(2);
  size_t nb = std::max(ab.size(), bb.size());
  SmallVector<int64_t> batch(nb, 1);
  for (size_t i = 0; i < nb; ++i) {
    int64_t x = i + ab.size() >= nb ? ab[i + ab.size() - nb] : 1;
    int64_t y = i + bb.size() >= nb ? bb[i + bb.size() - nb] : 1;
    if (x != y && x != 1 && y != 1)
      return fail(node, "batch dimensions do not broadcast: " +
                            shapeStr(shapeOf(ins[0])) + " x " +
                            shapeStr(shapeOf(ins[1])));
    batch[i] = std::max(x, y);
  }
  SmallVector<int64_t> shape(batch);
  shape.push_back(m);
  shape.push_back(n);
  if (failed(checkResultShape(node, shape)))
    return failure();
  if (bb.empty()) {
    // [..., M, K] x [K, N]: one 2-D matmul over all rows.
    int64_t rows = numElements(ArrayRef<int64_t>(as).drop_back());
    Value a2 = reshapeTo(loc, a, {rows, k});
    out = reshapeTo(loc, matmul(loc, a2, bm), shape);
  } else {
    unsigned rank = nb + 3; // batch..., m, n, k
    auto operandMap = [&](ArrayRef<int64_t> s, unsigned d0, unsigned d1) {
      SmallVector<AffineExpr> exprs;
      for (size_t i = 0; i + 2 < s.size(); ++i) {
        unsigned d = nb - (s.size() - 2) + i;
        exprs.push_back(s[i] == 1 && batch[d] != 1
                            ? getAffineConstantExpr(0, &ctx)
                            : getAffineDimExpr(d, &ctx));
      }
      exprs.push_back(getAffineDimExpr(d0, &ctx));
      exprs.push_back(getAffineDimExpr(d1, &ctx));
      return AffineMap::get(rank, 0, exprs, &ctx);
    };
    SmallVector<AffineExpr> outExprs;
    for (unsigned i = 0; i < nb + 2; ++i)
      outExprs.push_back(getAffineDimExpr(i, &ctx));
    SmallVector<AffineMap> maps = {operandMap(as, nb, nb + 2),
                                   operandMap(bs, nb + 2, nb + 1),
                                   AffineMap::get(rank, 0, outExprs, &ctx)};
    SmallVector<utils::IteratorType> iters(rank - 1,
                                           utils::IteratorType::parallel);
    iters.push_back(utils::IteratorType::reduction);
    Value init = fill(loc, shape, 0.0f);
    out = linalg::GenericOp::create(
              b, loc, TypeRange{init.getType()}, ValueRange{a, bm},
              ValueRange{init}, maps, iters,
              [&](OpBuilder &nb2, Location nl, ValueRange args) {
                Value p = arith::MulFOp::create(nb2, nl, args[0], args[1]);
                linalg::YieldOp::create(
                    nb2, nl,
                    Value(arith::AddFOp::create(nb2, nl, args[2], p)));
              })
              ->getResult(0);
  }
  // Drop the dimensions added for 1-D operands.
  SmallVector<int64_t> finalShape(batch);
  if (!vecA)
    finalShape.push_back(m);
  if (!vecB)
    finalShape.push_back(n);
  out = reshapeTo(loc, out, finalShape);
  return success();
}

/// ReduceMean, ReduceSum, ReduceMax: axes from the attribute (before opset
/// 18; 13 for ReduceSum) or the optional second input; keepdims (default 1)
/// and noop_with_empty_axes.
LogicalResult Importer::convertReduce(const onnx::NodeProto &node,
                                      Location loc, ArrayRef<Value> ins,
                                      Value &out) {
  StringRef op = node.op_type();
  if (failed(expectF32(node, ins[0], "input data")))
    return failure();
  ArrayRef<int64_t> s = shapeOf(ins[0]);
  int64_t rank = s.size();
  SmallVector<int64_t> axes;
  bool fromAttr, fromInput;
  if (failed(intsAttr(node, "axes", axes, &fromAttr)))
    return failure();
  if (!fromAttr && failed(optionalInts(node, 1, axes, fromInput)))
    return failure();
  int64_t keepDims, noop;
  if (failed(intAttr(node, "keepdims", 1, keepDims)) ||
      failed(intAttr(node, "noop_with_empty_axes", 0, noop)))
    return failure();
  if (axes.empty()) {
    if (noop) {
      out = ins[0];
      return success();
    }
    for (int64_t i = 0; i < rank; ++i)
      axes.push_back(i);
  }
  SmallVector<int64_t> norm;
  for (int64_t a : axes) {
    int64_t n = normAxis(a, rank);
    if (n < 0 || llvm::is_contained(norm, n))
      return fail(node, "axis " + Twine(a) + " is out of range or repeated "
                            "for rank " + Twine(rank));
    norm.push_back(n);
  }
  llvm::sort(norm);
  for (int64_t a : norm)
    if (s[a] == 0)
      return fail(node, "cannot reduce over an empty dimension");
  SmallVector<int64_t> kept(s);
  for (int64_t a : norm)
    kept[a] = 1;
  if (op == "ReduceMean")
    out = mean(loc, ins[0], norm);
  else
    out = reshapeTo(loc, reduce(loc, ins[0], norm, op == "ReduceMax"), kept);
  if (!keepDims) {
    SmallVector<int64_t> dropped;
    for (auto [i, d] : llvm::enumerate(s))
      if (!llvm::is_contained(norm, int64_t(i)))
        dropped.push_back(d);
    out = reshapeTo(loc, out, dropped);
  }
  return success();
}

/// LayerNormalization (opset 17): normalizes over the dimensions from
/// `axis` on with the biased variance, then scales and shifts:
/// Y = (X - mean) / sqrt(var + epsilon) * Scale + B.
LogicalResult Importer::convertLayerNorm(const onnx::NodeProto &node,
                                         Location loc, ArrayRef<Value> ins,
                                         Value &out) {
  if (failed(expectF32(node, ins[0], "input X")) ||
      failed(expectF32(node, ins[1], "Scale")) ||
      (ins.size() > 2 && ins[2] && failed(expectF32(node, ins[2], "B"))))
    return failure();
  ArrayRef<int64_t> s = shapeOf(ins[0]);
  int64_t rank = s.size();
  int64_t axisAttr;
  float epsilon;
  if (failed(intAttr(node, "axis", -1, axisAttr)) ||
      failed(floatAttr(node, "epsilon", 1e-5f, epsilon)))
    return failure();
  int64_t axis = normAxis(axisAttr, rank);
  if (axis < 0)
    return fail(node, "axis " + Twine(axisAttr) + " out of range for rank " +
                          Twine(rank));
  if (!(epsilon >= 0) || !std::isfinite(epsilon))
    return fail(node, "epsilon must be finite and >= 0");
  SmallVector<int64_t> axes;
  for (int64_t i = axis; i < rank; ++i) {
    if (s[i] == 0)
      return fail(node, "cannot normalize over an empty dimension");
    axes.push_back(i);
  }
  ArrayRef<int64_t> normShape = s.drop_front(axis);
  for (size_t i = 1; i < ins.size(); ++i) {
    if (!ins[i])
      continue;
    auto shape = broadcastShapes(node, {SmallVector<int64_t>(shapeOf(ins[i])),
                                        SmallVector<int64_t>(normShape)});
    if (failed(shape) || ArrayRef<int64_t>(*shape) != normShape)
      return fail(node, Twine(i == 1 ? "Scale" : "B") + " of shape " +
                            shapeStr(shapeOf(ins[i])) +
                            " does not broadcast to " + shapeStr(normShape));
  }
  Value x = ins[0];
  Value mu = mean(loc, x, axes);
  Value centered = elementwise(
      loc, {x, mu}, s, [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
        return arith::SubFOp::create(nb, nl, a[0], a[1]);
      });
  Value sq = elementwise(
      loc, centered, s, [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
        return arith::MulFOp::create(nb, nl, a[0], a[0]);
      });
  Value var = mean(loc, sq, axes);
  SmallVector<Value> operands = {centered, var, ins[1]};
  if (ins.size() > 2 && ins[2])
    operands.push_back(ins[2]);
  out = elementwise(
      loc, operands, s, [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
        Value eps = arith::ConstantOp::create(nb, nl, nb.getF32FloatAttr(epsilon));
        Value sd = math::SqrtOp::create(nb, nl,
                                        arith::AddFOp::create(nb, nl, a[1], eps));
        Value y = arith::MulFOp::create(
            nb, nl, arith::DivFOp::create(nb, nl, a[0], sd), a[2]);
        if (a.size() > 3)
          y = arith::AddFOp::create(nb, nl, y, a[3]);
        return y;
      });
  return success();
}

/// Gemm: Y = alpha * A' B' + beta * C, with A' / B' optionally transposed
/// and C broadcast to [M, N].
LogicalResult Importer::convertGemm(const onnx::NodeProto &node, Location loc,
                                    ArrayRef<Value> ins, Value &out) {
  int64_t transA, transB;
  float alpha, beta;
  if (failed(intAttr(node, "transA", 0, transA)) ||
      failed(intAttr(node, "transB", 0, transB)) ||
      failed(floatAttr(node, "alpha", 1.0f, alpha)) ||
      failed(floatAttr(node, "beta", 1.0f, beta)))
    return failure();
  if (failed(expectF32(node, ins[0], "input A")) ||
      (ins.size() > 2 && ins[2] && failed(expectF32(node, ins[2], "input C"))))
    return failure();
  // B is read as data: constant weights with transB = 1 are transposed
  // here, so that the matmul takes a constant (what weight quantization
  // matches) rather than a transpose of one.
  Value a = ins[0], bm;
  const ConstTensor *bData = constData(node.input(1));
  if (bData && bData->isFloat() && bData->dims.size() == 2 && transB) {
    ConstTensor t = *bData;
    int64_t r = bData->dims[0], c = bData->dims[1];
    t.dims = {c, r};
    for (int64_t i = 0; i < r; ++i)
      for (int64_t j = 0; j < c; ++j)
        t.f32[size_t(j * r + i)] = bData->f32[size_t(i * c + j)];
    bm = materialize(t, node.input(1), loc);
    transB = 0;
  } else {
    auto v = get(node, node.input(1));
    if (failed(v) || failed(expectF32(node, *v, "input B")))
      return failure();
    bm = *v;
  }
  auto aT = cast<RankedTensorType>(a.getType());
  auto bT = cast<RankedTensorType>(bm.getType());
  if (aT.getRank() != 2 || bT.getRank() != 2)
    return fail(node, "A and B must be 2-D, got " + shapeStr(aT.getShape()) +
                          " and " + shapeStr(bT.getShape()));
  if (transA)
    a = transpose(loc, a, {1, 0});
  if (transB)
    bm = transpose(loc, bm, {1, 0});
  ArrayRef<int64_t> as = cast<RankedTensorType>(a.getType()).getShape();
  ArrayRef<int64_t> bs = cast<RankedTensorType>(bm.getType()).getShape();
  if (as[1] != bs[0])
    return fail(node, "inner dimensions differ: A' is " + shapeStr(as) +
                          ", B' is " + shapeStr(bs));
  SmallVector<int64_t> shape = {as[0], bs[1]};
  if (failed(checkResultShape(node, shape)))
    return failure();
  Value y = matmul(loc, a, bm);
  SmallVector<Value> operands = {y};
  if (ins.size() == 3 && ins[2]) {
    auto c = broadcastShape(node, {y, ins[2]});
    if (failed(c))
      return failure();
    if (ArrayRef<int64_t>(*c) != ArrayRef<int64_t>(shape))
      return fail(node, "C of shape " +
                            shapeStr(cast<RankedTensorType>(
                                         ins[2].getType()).getShape()) +
                            " does not broadcast to " + shapeStr(shape));
    operands.push_back(ins[2]);
  }
  if (alpha == 1.0f && operands.size() == 1) {
    out = y;
    return success();
  }
  out = elementwise(loc, operands, shape,
                    [&](OpBuilder &nb, Location nl, ValueRange args) {
                      Value r = args[0];
                      if (alpha != 1.0f)
                        r = arith::MulFOp::create(
                            nb, nl, r,
                            arith::ConstantOp::create(
                                nb, nl, nb.getF32FloatAttr(alpha)));
                      if (args.size() < 2)
                        return r;
                      Value c = args[1];
                      if (beta != 1.0f)
                        c = arith::MulFOp::create(
                            nb, nl, c,
                            arith::ConstantOp::create(
                                nb, nl, nb.getF32FloatAttr(beta)));
                      return Value(arith::AddFOp::create(nb, nl, r, c));
                    });
  return success();
}

} // namespace qforge::onnx_import
