//===- ONNXNNOps.cpp - ONNX convolution and pooling -----------------------===//
//
// Conv, MaxPool, AveragePool and GlobalAveragePool on NCHW tensors (and
// NCW ones, run as NCHW with H = 1) as linalg convolution / pooling ops.
// Explicit and automatic (SAME_UPPER, SAME_LOWER, VALID) padding becomes a
// copy into a tensor filled with the pad value (0, or -inf for MaxPool);
// ceil_mode extends the end padding. AveragePool divides by a constant
// per-position count computed here, which covers count_include_pad.
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

/// The geometry of a 2-D sliding window.
struct Window {
  int64_t kernel[2], strides[2], dilations[2], padBegin[2], padEnd[2];
  int64_t in[2], out[2];
};

} // namespace

/// Reads the window attributes of `node` for spatial sizes `in` (1 or 2
/// values) and kernel `kernel` into a 2-D window (a 1-D one gets a leading
/// unit dimension).
static LogicalResult readWindow(Importer &im, const onnx::NodeProto &node,
                                ArrayRef<int64_t> in, ArrayRef<int64_t> kernel,
                                bool allowCeil, Window &w) {
  size_t n = in.size();
  SmallVector<int64_t> strides(n, 1), dilations(n, 1), pads(2 * n, 0);
  bool has;
  if (failed(im.intsAttr(node, "strides", strides, &has)) ||
      failed(im.intsAttr(node, "dilations", dilations, &has)) ||
      failed(im.intsAttr(node, "pads", pads, &has)))
    return failure();
  if (strides.size() != n || dilations.size() != n || pads.size() != 2 * n)
    return im.fail(node, "strides, dilations and pads must have " +
                             Twine(n) + ", " + Twine(n) + " and " +
                             Twine(2 * n) + " entries for " + Twine(n) +
                             "-D windows");
  std::string autoPad;
  int64_t ceilMode = 0;
  if (failed(im.stringAttr(node, "auto_pad", "NOTSET", autoPad)) ||
      failed(im.intAttr(node, "ceil_mode", 0, ceilMode)))
    return failure();
  if (ceilMode && !allowCeil)
    return im.fail(node, "ceil_mode is not supported for this operator");
  if (autoPad != "NOTSET" && autoPad != "VALID" && autoPad != "SAME_UPPER" &&
      autoPad != "SAME_LOWER")
    return im.fail(node, "auto_pad \"" + autoPad + "\" is not supported");
  size_t lead = 2 - n;
  for (size_t i = 0; i < 2; ++i) {
    w.in[i] = 1;
    w.kernel[i] = 1;
    w.strides[i] = 1;
    w.dilations[i] = 1;
    w.padBegin[i] = w.padEnd[i] = 0;
    w.out[i] = 1;
  }
  for (size_t i = 0; i < n; ++i) {
    size_t d = lead + i;
    w.in[d] = in[i];
    w.kernel[d] = kernel[i];
    w.strides[d] = strides[i];
    w.dilations[d] = dilations[i];
    w.padBegin[d] = pads[i];
    w.padEnd[d] = pads[n + i];
    if (kernel[i] < 1 || strides[i] < 1 || dilations[i] < 1 || pads[i] < 0 ||
        pads[n + i] < 0 || kernel[i] > 4096 || strides[i] > 4096 ||
        dilations[i] > 4096 || pads[i] > 4096 || pads[n + i] > 4096)
      return im.fail(node, "kernel, strides and dilations must be in "
                           "[1, 4096] and pads in [0, 4096]");
    int64_t extent = (kernel[i] - 1) * dilations[i] + 1;
    if (autoPad == "VALID") {
      w.padBegin[d] = w.padEnd[d] = 0;
    } else if (autoPad != "NOTSET") {
      int64_t out = (in[i] + strides[i] - 1) / strides[i];
      int64_t total =
          std::max<int64_t>(0, (out - 1) * strides[i] + extent - in[i]);
      w.padBegin[d] = autoPad == "SAME_UPPER" ? total / 2 : total - total / 2;
      w.padEnd[d] = total - w.padBegin[d];
    }
    int64_t span = in[i] + w.padBegin[d] + w.padEnd[d] - extent;
    if (span < 0)
      return im.fail(node, "the window (extent " + Twine(extent) +
                               ") is larger than the padded input (" +
                               Twine(span + extent) + ")");
    w.out[d] = (ceilMode ? (span + strides[i] - 1) / strides[i]
                         : span / strides[i]) +
               1;
    // ceil_mode: a last window must start inside the input or the begin
    // padding (as in ONNX's reference and PyTorch).
    if (ceilMode && (w.out[d] - 1) * strides[i] >= in[i] + w.padBegin[d])
      --w.out[d];
    // Extend the end padding so that the last window fits.
    int64_t needed = (w.out[d] - 1) * strides[i] + extent;
    w.padEnd[d] =
        std::max(w.padEnd[d], needed - in[i] - w.padBegin[d]);
  }
  return success();
}

/// `x` [N, C, H, W] padded by `w` with `value`.
static Value padInput(Importer &im, Location loc, Value x, const Window &w,
                      float value) {
  ArrayRef<int64_t> s = shapeOf(x);
  if (!w.padBegin[0] && !w.padBegin[1] && !w.padEnd[0] && !w.padEnd[1])
    return x;
  SmallVector<int64_t> shape = {s[0], s[1], s[2] + w.padBegin[0] + w.padEnd[0],
                                s[3] + w.padBegin[1] + w.padEnd[1]};
  // Rows and columns of the end padding may lie beyond what the windows
  // read, but padding is cheap next to the convolution.
  Value filled = im.fill(loc, shape, value);
  OpBuilder &b = im.b;
  SmallVector<OpFoldResult> offsets = {b.getIndexAttr(0), b.getIndexAttr(0),
                                       b.getIndexAttr(w.padBegin[0]),
                                       b.getIndexAttr(w.padBegin[1])};
  SmallVector<OpFoldResult> sizes, strides(4, b.getIndexAttr(1));
  for (int64_t d : s)
    sizes.push_back(b.getIndexAttr(d));
  return tensor::InsertSliceOp::create(b, loc, x, filled, offsets, sizes,
                                       strides);
}

/// Checks that `x` is a float NCW or NCHW tensor and returns it as NCHW.
static FailureOr<Value> asNCHW(Importer &im, const onnx::NodeProto &node,
                               Location loc, Value x) {
  if (failed(im.expectF32(node, x, "input X")))
    return failure();
  ArrayRef<int64_t> s = shapeOf(x);
  if (s.size() != 3 && s.size() != 4)
    return im.fail(node, "only 1-D and 2-D inputs (NCW, NCHW) are "
                         "supported, got shape " +
                             shapeStr(s));
  if (s.size() == 3)
    return im.reshapeTo(loc, x, {s[0], s[1], 1, s[2]});
  return x;
}

LogicalResult Importer::convertConv(const onnx::NodeProto &node, Location loc,
                                    ArrayRef<Value> ins, Value &out) {
  auto x = asNCHW(*this, node, loc, ins[0]);
  if (failed(x))
    return failure();
  // The weights are read as data (for im2col) or materialized below.
  const ConstTensor *wData = constData(node.input(1));
  Value weight;
  if (!wData) {
    auto v = get(node, node.input(1));
    if (failed(v) || failed(expectF32(node, *v, "weight W")))
      return failure();
    weight = *v;
  } else if (!wData->isFloat()) {
    return fail(node, "weight W must be float32, got " +
                          dtypeName(wData->dtype));
  }
  SmallVector<int64_t> wsStorage(wData ? ArrayRef<int64_t>(wData->dims)
                                       : shapeOf(weight));
  ArrayRef<int64_t> xs = shapeOf(ins[0]), ws = wsStorage;
  size_t n = xs.size() - 2;
  if (ws.size() != xs.size())
    return fail(node, "weight W of shape " + shapeStr(ws) +
                          " does not match input of shape " + shapeStr(xs));
  int64_t group;
  if (failed(intAttr(node, "group", 1, group)))
    return failure();
  int64_t c = xs[1], m = ws[0];
  if (group < 1 || c % group || m % group || ws[1] * group != c)
    return fail(node, "group " + Twine(group) + " does not fit " + Twine(c) +
                          " input channels, " + Twine(m) +
                          " output channels and W of shape " + shapeStr(ws));
  SmallVector<int64_t> kernel(ws.begin() + 2, ws.end()), declared;
  bool hasKernel;
  if (failed(intsAttr(node, "kernel_shape", declared, &hasKernel)))
    return failure();
  if (hasKernel && ArrayRef<int64_t>(declared) != ArrayRef<int64_t>(kernel))
    return fail(node, "kernel_shape " + shapeStr(declared) +
                          " differs from W's spatial shape " +
                          shapeStr(kernel));
  Window w;
  if (failed(readWindow(*this, node, ArrayRef<int64_t>(xs).drop_front(2),
                        kernel, /*allowCeil=*/false, w)))
    return failure();
  SmallVector<int64_t> shape = {xs[0], m, w.out[0], w.out[1]};
  if (failed(checkResultShape(node, shape)))
    return failure();
  Value padded = padInput(*this, loc, *x, w, 0.0f);
  bool im2col = options.convAsMatmul && group == 1 && wData;
  if (!weight && !im2col) {
    auto v = get(node, node.input(1));
    if (failed(v))
      return failure();
    weight = *v;
  }
  if (n == 1 && weight)
    weight = reshapeTo(loc, weight, {ws[0], ws[1], 1, ws[2]});
  auto strides = b.getI64TensorAttr({w.strides[0], w.strides[1]});
  auto dilations = b.getI64TensorAttr({w.dilations[0], w.dilations[1]});
  Value y;
  if (im2col) {
    // im2col: cols[n, oh, ow, c, kh, kw] = padded[n, c, oh*sh + kh*dh,
    // ow*sw + kw*dw], then [N*OH*OW, C*KH*KW] x W^T [C*KH*KW, M].
    int64_t kh = w.kernel[0], kw = w.kernel[1];
    SmallVector<int64_t> colShape = {xs[0], w.out[0], w.out[1], c, kh, kw};
    if (failed(checkResultShape(node, colShape)))
      return failure();
    auto d = [&](unsigned i) { return getAffineDimExpr(i, &ctx); };
    AffineMap inMap = AffineMap::get(
        6, 0,
        {d(0), d(3), d(1) * w.strides[0] + d(4) * w.dilations[0],
         d(2) * w.strides[1] + d(5) * w.dilations[1]},
        &ctx);
    SmallVector<AffineMap> maps = {inMap,
                                   AffineMap::getMultiDimIdentityMap(6, &ctx)};
    SmallVector<utils::IteratorType> iters(6, utils::IteratorType::parallel);
    Value init = emptyLike(loc, colShape);
    Value cols = linalg::GenericOp::create(
                     b, loc, TypeRange{init.getType()}, ValueRange{padded},
                     ValueRange{init}, maps, iters,
                     [&](OpBuilder &nb, Location nl, ValueRange args) {
                       linalg::YieldOp::create(nb, nl, args[0]);
                     })
                     ->getResult(0);
    int64_t rows = xs[0] * w.out[0] * w.out[1], depth = c * kh * kw;
    cols = reshapeTo(loc, cols, {rows, depth});
    // W [M, C, KH, KW] as [C*KH*KW, M], transposed here.
    ConstTensor wt;
    wt.dtype = onnx::TensorProto::FLOAT;
    wt.dims = {depth, m};
    wt.f32.resize(size_t(depth * m));
    for (int64_t o = 0; o < m; ++o)
      for (int64_t i = 0; i < depth; ++i)
        wt.f32[size_t(i * m + o)] = wData->f32[size_t(o * depth + i)];
    Value wm = materialize(wt, node.input(1), loc);
    Value prod = reshapeTo(loc, matmul(loc, cols, wm),
                           {xs[0], w.out[0], w.out[1], m});
    y = transpose(loc, prod, {0, 3, 1, 2});
  } else if (group == 1) {
    Value init = fill(loc, shape, 0.0f);
    y = linalg::Conv2DNchwFchwOp::create(b, loc, TypeRange{init.getType()},
                                         ValueRange{padded, weight},
                                         ValueRange{init}, strides, dilations)
            ->getResult(0);
  } else {
    // Grouped: [N, G, C/G, H, W] x [G, M/G, C/G, kh, kw].
    ArrayRef<int64_t> ps = shapeOf(padded);
    Value xg = reshapeTo(loc, padded, {ps[0], group, c / group, ps[2], ps[3]});
    ArrayRef<int64_t> w4 = shapeOf(weight);
    Value wg = reshapeTo(loc, weight,
                         {group, m / group, w4[1], w4[2], w4[3]});
    SmallVector<int64_t> gshape = {xs[0], group, m / group, w.out[0],
                                   w.out[1]};
    Value init = fill(loc, gshape, 0.0f);
    y = linalg::Conv2DNgchwGfchwOp::create(b, loc, TypeRange{init.getType()},
                                           ValueRange{xg, wg},
                                           ValueRange{init}, strides,
                                           dilations)
            ->getResult(0);
    y = reshapeTo(loc, y, shape);
  }
  if (ins.size() > 2 && ins[2]) {
    if (failed(expectF32(node, ins[2], "bias B")))
      return failure();
    if (shapeOf(ins[2]) != ArrayRef<int64_t>{m})
      return fail(node, "bias B must have shape " + Twine(m) + ", got " +
                            shapeStr(shapeOf(ins[2])));
    Value bias = reshapeTo(loc, ins[2], {1, m, 1, 1});
    y = elementwise(loc, {y, bias}, shape,
                    [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                      return arith::AddFOp::create(nb, nl, a[0], a[1]);
                    });
  }
  if (n == 1)
    y = reshapeTo(loc, y, {shape[0], shape[1], shape[3]});
  out = y;
  return success();
}

LogicalResult Importer::convertPool(const onnx::NodeProto &node, Location loc,
                                    ArrayRef<Value> ins, Value &out) {
  bool isMax = node.op_type() == "MaxPool";
  auto x = asNCHW(*this, node, loc, ins[0]);
  if (failed(x))
    return failure();
  ArrayRef<int64_t> xs = shapeOf(ins[0]);
  size_t n = xs.size() - 2;
  SmallVector<int64_t> kernel;
  bool hasKernel;
  if (failed(intsAttr(node, "kernel_shape", kernel, &hasKernel)))
    return failure();
  if (!hasKernel || kernel.size() != n)
    return fail(node, "kernel_shape must give " + Twine(n) + " sizes");
  int64_t storageOrder = 0, countIncludePad = 0;
  if (failed(intAttr(node, "storage_order", 0, storageOrder)) ||
      failed(intAttr(node, "count_include_pad", 0, countIncludePad)))
    return failure();
  Window w;
  if (failed(readWindow(*this, node, ArrayRef<int64_t>(xs).drop_front(2),
                        kernel, /*allowCeil=*/true, w)))
    return failure();
  SmallVector<int64_t> shape = {xs[0], xs[1], w.out[0], w.out[1]};
  if (failed(checkResultShape(node, shape)))
    return failure();
  float padValue = isMax ? -std::numeric_limits<float>::infinity() : 0.0f;
  Value padded = padInput(*this, loc, *x, w, padValue);
  Value window = emptyLike(loc, {w.kernel[0], w.kernel[1]});
  auto strides = b.getI64TensorAttr({w.strides[0], w.strides[1]});
  auto dilations = b.getI64TensorAttr({w.dilations[0], w.dilations[1]});
  Value init = fill(loc, shape, padValue);
  Value y;
  if (isMax) {
    y = linalg::PoolingNchwMaxOp::create(b, loc, TypeRange{init.getType()},
                                         ValueRange{padded, window},
                                         ValueRange{init}, strides, dilations)
            ->getResult(0);
  } else {
    Value sum =
        linalg::PoolingNchwSumOp::create(b, loc, TypeRange{init.getType()},
                                         ValueRange{padded, window},
                                         ValueRange{init}, strides, dilations)
            ->getResult(0);
    // The divisor of each output position: the window elements inside the
    // input, or (count_include_pad) inside the explicitly padded input.
    ConstTensor counts;
    counts.dtype = onnx::TensorProto::FLOAT;
    counts.dims = {w.out[0], w.out[1]};
    for (int64_t i = 0; i < w.out[0]; ++i)
      for (int64_t j = 0; j < w.out[1]; ++j) {
        int64_t count = 0;
        for (int64_t ki = 0; ki < w.kernel[0]; ++ki)
          for (int64_t kj = 0; kj < w.kernel[1]; ++kj) {
            int64_t r = i * w.strides[0] + ki * w.dilations[0] - w.padBegin[0];
            int64_t c = j * w.strides[1] + kj * w.dilations[1] - w.padBegin[1];
            bool inside = r >= 0 && r < w.in[0] && c >= 0 && c < w.in[1];
            if (countIncludePad) {
              // Explicit pads count; the ceil_mode extension does not.
              int64_t pe0 = w.in[0] + w.padEnd[0], pe1 = w.in[1] + w.padEnd[1];
              inside = r >= -w.padBegin[0] && c >= -w.padBegin[1] &&
                       r < pe0 && c < pe1;
            }
            count += inside;
          }
        counts.f32.push_back(float(std::max<int64_t>(count, 1)));
      }
    Value divisor = materialize(counts, nodeName(node) + ".divisor", loc);
    y = elementwise(loc, {sum, divisor}, shape,
                    [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                      return arith::DivFOp::create(nb, nl, a[0], a[1]);
                    });
  }
  if (n == 1)
    y = reshapeTo(loc, y, {shape[0], shape[1], shape[3]});
  out = y;
  return success();
}

LogicalResult Importer::convertGlobalAveragePool(const onnx::NodeProto &node,
                                                 Location loc,
                                                 ArrayRef<Value> ins,
                                                 Value &out) {
  if (failed(expectF32(node, ins[0], "input X")))
    return failure();
  ArrayRef<int64_t> s = shapeOf(ins[0]);
  if (s.size() < 3)
    return fail(node, "input must have rank >= 3 (N, C, spatial...), got " +
                          shapeStr(s));
  SmallVector<int64_t> axes;
  for (int64_t i = 2; i < int64_t(s.size()); ++i) {
    if (s[i] == 0)
      return fail(node, "cannot average over an empty dimension");
    axes.push_back(i);
  }
  out = mean(loc, ins[0], axes);
  return success();
}

} // namespace qforge::onnx_import
