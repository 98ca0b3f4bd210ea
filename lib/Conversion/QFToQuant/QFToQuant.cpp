//===- QFToQuant.cpp - qf quantize/constant/dequantize to upstream quant --===//
//
// `!quant.uniform` keeps scales in the type, so only qf values whose scales
// are known at compile time convert: `qf.quantize` with constant scales and
// `qf.constant`. The module is checked first and left untouched if anything
// cannot be converted.
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QFToQuant/QFToQuant.h"
#include "qforge/Dialect/QF/IR/QFBlob.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Format.h"

namespace mlir::qf {
#define GEN_PASS_DEF_CONVERTQFTOQUANTPASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;

namespace {

/// Why `type` cannot be expressed as `!quant.uniform`, or "" if it can.
std::string whyNotExpressible(QTensorType type) {
  qforge::Scheme s = type.getScheme().toScheme();
  if (!s.isInteger())
    return std::string("element format ") + qforge::toString(s.format) +
           " has no !quant.uniform equivalent";
  if (s.scaleFormat != qforge::ScaleFormat::F32)
    return std::string("scale type ") + qforge::toString(s.scaleFormat) +
           " is not f32";
  if (s.tensorScale)
    return "two-level scales have no !quant.uniform equivalent";
  if (s.rounding != qforge::RoundingMode::NearestEven)
    return std::string("rounding mode ") + qforge::toString(s.rounding) +
           " is not nearest_even";
  if (type.getLayout())
    return "tiled layouts have no !quant.uniform equivalent";
  if (s.grid != qforge::IntegerGrid::Full)
    return std::string("the ") + qforge::toString(s.grid) +
           " integer grid has no !quant.uniform equivalent";
  return "";
}

/// The `tensor<shape x !quant.uniform<...>>` type for `type` with the given
/// scales and zero points (row-major over the scale shape).
RankedTensorType quantTensorType(QTensorType type, ArrayRef<float> scales,
                                 ArrayRef<int32_t> zeroPoints) {
  MLIRContext *ctx = type.getContext();
  qforge::Scheme s = type.getScheme().toScheme();
  unsigned flags = s.isSigned() ? quant::QuantizationFlags::Signed : 0;
  Type storage = IntegerType::get(ctx, s.bits);
  Type expressed = type.getExpressedType();
  auto zp = [&](size_t i) -> int64_t {
    return zeroPoints.empty() ? 0 : zeroPoints[i];
  };
  Type element;
  if (s.isPerTensor()) {
    element = quant::UniformQuantizedType::get(
        flags, storage, expressed, scales[0], zp(0), s.qmin(), s.qmax());
  } else if (s.isPerAxis()) {
    SmallVector<double> sv(scales.begin(), scales.end());
    SmallVector<int64_t> zv;
    for (size_t i = 0; i < scales.size(); ++i)
      zv.push_back(zp(i));
    element = quant::UniformQuantizedPerAxisType::get(
        flags, storage, expressed, sv, zv, s.axis, s.qmin(), s.qmax());
  } else {
    SmallVector<int64_t> scaleShape = type.getScaleShape();
    auto scaleType = RankedTensorType::get(scaleShape, expressed);
    auto zpType = RankedTensorType::get(scaleShape, storage);
    SmallVector<APFloat> sv;
    SmallVector<APInt> zv;
    for (size_t i = 0; i < scales.size(); ++i) {
      APFloat f(scales[i]);
      bool lost;
      f.convert(cast<FloatType>(expressed).getFloatSemantics(),
                APFloat::rmNearestTiesToEven, &lost);
      sv.push_back(f);
      zv.push_back(APInt(s.bits, zp(i), /*isSigned=*/true));
    }
    SmallVector<int32_t> dims;
    SmallVector<int64_t> blocks;
    for (int64_t i = 0; i < type.getRank(); ++i) {
      dims.push_back(i);
      blocks.push_back(i == s.axis ? s.groupSize : 1);
    }
    element = quant::UniformQuantizedSubChannelType::get(
        flags, storage, expressed, DenseElementsAttr::get(scaleType, sv),
        DenseElementsAttr::get(zpType, zv), dims, blocks, s.qmin(), s.qmax());
  }
  return RankedTensorType::get(type.getShape(), element);
}

/// Sub-channel !quant.uniform types store their scales in the expressed
/// type: every scale must convert to it exactly. Returns why not, or "".
std::string whyScalesNotExact(QTensorType type, ArrayRef<float> scales) {
  qforge::Scheme s = type.getScheme().toScheme();
  auto ft = cast<FloatType>(type.getExpressedType());
  if (!s.isPerGroup() || ft.isF32())
    return "";
  for (float v : scales) {
    APFloat f(v);
    bool lost = false;
    f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &lost);
    if (lost) {
      std::string msg;
      llvm::raw_string_ostream os(msg);
      os << "scale " << llvm::format("%g", double(v))
         << " is not exactly representable in " << ft
         << ", the type in which sub-channel !quant.uniform stores scales";
      return msg;
    }
  }
  return "";
}

struct ConvertQFToQuantPass
    : qf::impl::ConvertQFToQuantPassBase<ConvertQFToQuantPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool ok = true;
    SmallVector<Operation *> roots;
    // Check everything before changing anything.
    module.walk([&](Operation *op) {
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            if (isa<QTensorType>(arg.getType())) {
              op->emitError()
                  << "argument " << arg.getArgNumber() << " has quantized type "
                  << arg.getType()
                  << "; its scales are not known at compile time, so it has "
                     "no !quant.uniform equivalent";
              ok = false;
            }
      if (!isa<QuantizeOp, ConstantOp>(op))
        return;
      auto type = cast<QTensorType>(op->getResult(0).getType());
      std::string why = whyNotExpressible(type);
      if (why.empty()) {
        if (auto q = dyn_cast<QuantizeOp>(op)) {
          if (!q.getScales())
            why = "dynamic scales (no `scales` operand) cannot be expressed: "
                  "!quant.uniform keeps scales in the type";
          else if (!getConstantAttr(q.getScales()) ||
                   (q.getZeroPoints() && !getConstantAttr(q.getZeroPoints())))
            why = "scales are not constants";
          else
            why = whyScalesNotExact(
                type, *getFloatValues(getConstantAttr(q.getScales())));
        } else if (auto bytes = getBlobBytes(cast<ConstantOp>(op).getValue())) {
          std::optional<qforge::QuantizedTensor> qt = qforge::unpackBlob(
              bytes->data(), bytes->size(), type.getDesc());
          why = qt ? whyScalesNotExact(type, qt->scales)
                   : "the blob is invalid";
        } else {
          why = "the blob data is not available";
        }
      }
      if (!why.empty()) {
        op->emitError() << "cannot convert to quant: " << why;
        ok = false;
        return;
      }
      for (Operation *user : op->getUsers())
        if (!isa<DequantizeOp>(user)) {
          user->emitError() << "uses a quantized value; only qf.dequantize "
                               "users convert to quant";
          ok = false;
        }
      roots.push_back(op);
    });
    if (!ok)
      return signalPassFailure();

    for (Operation *op : roots) {
      auto type = cast<QTensorType>(op->getResult(0).getType());
      OpBuilder b(op);
      Location loc = op->getLoc();
      Value converted;
      if (auto q = dyn_cast<QuantizeOp>(op)) {
        std::vector<float> scales =
            *getFloatValues(getConstantAttr(q.getScales()));
        std::vector<int32_t> zps;
        if (q.getZeroPoints())
          zps = *getIntValues(getConstantAttr(q.getZeroPoints()));
        converted = quant::QuantizeCastOp::create(
            b, loc, quantTensorType(type, scales, zps), q.getInput());
      } else {
        std::vector<uint8_t> bytes =
            *getBlobBytes(cast<ConstantOp>(op).getValue());
        std::string error;
        std::optional<qforge::QuantizedTensor> qt = qforge::unpackBlob(
            bytes.data(), bytes.size(), type.getDesc(), &error);
        if (!qt) {
          op->emitError() << "invalid blob: " << error;
          return signalPassFailure();
        }
        unsigned bits = type.getScheme().getBitWidth();
        auto codesType =
            RankedTensorType::get(type.getShape(), b.getIntegerType(bits));
        SmallVector<APInt> codes;
        for (int32_t c : qt->codes)
          codes.push_back(APInt(bits, c, /*isSigned=*/true, /*implicitTrunc=*/true));
        Value raw = arith::ConstantOp::create(
            b, loc, codesType, DenseElementsAttr::get(codesType, codes));
        converted = quant::StorageCastOp::create(
            b, loc, quantTensorType(type, qt->scales, qt->zeroPoints), raw);
      }
      for (Operation *user : llvm::make_early_inc_range(op->getUsers())) {
        auto dq = cast<DequantizeOp>(user);
        OpBuilder ub(dq);
        Value x = quant::DequantizeCastOp::create(ub, dq.getLoc(),
                                                  dq.getType(), converted);
        dq.replaceAllUsesWith(x);
        dq.erase();
      }
      op->erase();
    }
  }
};

} // namespace
