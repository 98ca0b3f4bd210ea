//===- QuantToQF.cpp - Upstream quant casts to qf ops ---------------------===//
//
// `quant.qcast` becomes `qf.quantize` with the scales and zero points of the
// `!quant.uniform` type as constant operands; `quant.dcast` becomes
// `qf.dequantize`. The module is checked first and left untouched if any
// quantized value cannot be converted, so a failure never leaves half-
// converted IR behind.
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QuantToQF/QuantToQF.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/IR/Quant.h"
#include "mlir/Dialect/Quant/IR/QuantTypes.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::qf {
#define GEN_PASS_DEF_CONVERTQUANTTOQFPASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;

namespace {

/// A quantized tensor type translated to qf: the type and the data of its
/// constant scale / zero-point operands.
struct Translated {
  QTensorType type;
  RankedTensorType scaleType; ///< tensor<scaleShape x f32>
  std::vector<float> scales;
  std::vector<int32_t> zeroPoints; ///< empty when symmetric
};

/// Translates `tensor<... x !quant.uniform...>`; on failure `why` says what
/// qf cannot express.
FailureOr<Translated> translate(Type type, std::string &why) {
  auto tensor = dyn_cast<RankedTensorType>(type);
  auto qt = tensor ? dyn_cast<quant::UniformQuantizedType>(
                         tensor.getElementType())
                   : quant::UniformQuantizedType();
  auto axisT = tensor ? dyn_cast<quant::UniformQuantizedPerAxisType>(
                            tensor.getElementType())
                      : quant::UniformQuantizedPerAxisType();
  auto subT = tensor ? dyn_cast<quant::UniformQuantizedSubChannelType>(
                           tensor.getElementType())
                     : quant::UniformQuantizedSubChannelType();
  if (!qt && !axisT && !subT) {
    why = "only ranked tensors of !quant.uniform convert to qf";
    return failure();
  }
  if (!tensor.hasStaticShape()) {
    why = "qf quantized tensors need a static shape";
    return failure();
  }
  auto base = cast<quant::QuantizedType>(tensor.getElementType());
  auto storage = dyn_cast<IntegerType>(base.getStorageType());
  if (!storage || storage.getWidth() > qforge::kMaxBits) {
    why = "storage type must be an integer of 1 to 8 bits";
    return failure();
  }
  unsigned bits = storage.getWidth();
  bool isSigned = base.isSigned();
  int64_t fullMin = isSigned ? -(int64_t(1) << (bits - 1)) : 0;
  int64_t fullMax = isSigned ? (int64_t(1) << (bits - 1)) - 1
                             : (int64_t(1) << bits) - 1;
  if (base.getStorageTypeMin() != fullMin ||
      base.getStorageTypeMax() != fullMax) {
    why = "storage range [" + std::to_string(base.getStorageTypeMin()) + ", " +
          std::to_string(base.getStorageTypeMax()) +
          "] is narrower than the full range of the storage type; qf codes "
          "use the full range";
    return failure();
  }

  qforge::Scheme scheme;
  scheme.format =
      isSigned ? qforge::ElementFormat::SInt : qforge::ElementFormat::UInt;
  scheme.bits = bits;
  Translated out;
  std::vector<int64_t> zps;
  ArrayRef<int64_t> shape = tensor.getShape();
  if (qt) {
    out.scales = {static_cast<float>(qt.getScale())};
    zps = {qt.getZeroPoint()};
  } else if (axisT) {
    scheme.axis = axisT.getQuantizedDimension();
    for (double s : axisT.getScales())
      out.scales.push_back(static_cast<float>(s));
    zps.assign(axisT.getZeroPoints().begin(), axisT.getZeroPoints().end());
  } else {
    DenseElementsAttr scales = subT.getScales();
    auto scaleShape = cast<ShapedType>(scales.getType()).getShape();
    if (scaleShape.size() != shape.size()) {
      why = "sub-channel scales must have the rank of the tensor";
      return failure();
    }
    SmallVector<int64_t> blocked;
    for (auto [i, d] : llvm::enumerate(shape))
      if (d != scaleShape[i])
        blocked.push_back(i);
    if (blocked.size() > 1) {
      why = "sub-channel blocks span " + std::to_string(blocked.size()) +
            " dimensions; qf groups run along a single axis";
      return failure();
    }
    int64_t axis = blocked.empty() ? int64_t(shape.size()) - 1 : blocked[0];
    scheme.axis = axis;
    scheme.groupSize = shape[axis] / scaleShape[axis];
    for (APFloat s : scales.getValues<APFloat>()) {
      bool lost;
      s.convert(APFloat::IEEEsingle(), APFloat::rmNearestTiesToEven, &lost);
      out.scales.push_back(s.convertToFloat());
    }
    for (const APInt &z : subT.getZeroPoints().getValues<APInt>())
      zps.push_back(z.getSExtValue());
  }
  scheme.asymmetric = llvm::any_of(zps, [](int64_t z) { return z != 0; });
  if (scheme.asymmetric)
    for (int64_t z : zps)
      out.zeroPoints.push_back(static_cast<int32_t>(z));

  MLIRContext *ctx = type.getContext();
  SchemeAttr schemeAttr = SchemeAttr::fromScheme(ctx, scheme);
  if (!schemeAttr) {
    why = "scheme cannot be expressed in qf: " + scheme.verify();
    return failure();
  }
  Type expressed = base.getExpressedType();
  if (!(expressed.isF32() || expressed.isF16() || expressed.isBF16())) {
    why = "expressed type must be f32, f16 or bf16";
    return failure();
  }
  qforge::TensorDesc desc{std::vector<int64_t>(shape.begin(), shape.end()),
                          scheme, {}};
  std::string err = desc.verify();
  if (!err.empty()) {
    why = err;
    return failure();
  }
  out.type = QTensorType::get(ctx, shape, expressed, schemeAttr, LayoutAttr());
  out.scaleType =
      RankedTensorType::get(out.type.getScaleShape(), Float32Type::get(ctx));
  return out;
}

bool hasQuantElement(Type t) {
  auto shaped = dyn_cast<ShapedType>(t);
  return isa<quant::QuantizedType>(shaped ? shaped.getElementType() : t);
}

struct ConvertQuantToQFPass
    : qf::impl::ConvertQuantToQFPassBase<ConvertQuantToQFPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    bool ok = true;
    // Check everything before changing anything.
    module.walk([&](Operation *op) {
      for (Region &region : op->getRegions())
        for (Block &block : region)
          for (BlockArgument arg : block.getArguments())
            if (hasQuantElement(arg.getType())) {
              op->emitError() << "argument " << arg.getArgNumber()
                              << " has quantized type " << arg.getType()
                              << "; only quant.qcast results convert to qf";
              ok = false;
            }
      if (isa<quant::DequantizeCastOp>(op))
        return;
      if (isa<quant::StorageCastOp>(op)) {
        op->emitError() << "quant.scast has no qf equivalent: qf values are "
                           "packed blobs, not integer tensors";
        ok = false;
        return;
      }
      auto qcast = dyn_cast<quant::QuantizeCastOp>(op);
      for (Value result : op->getResults()) {
        if (!hasQuantElement(result.getType()))
          continue;
        if (!qcast) {
          op->emitError() << "result of quantized type " << result.getType()
                          << " cannot be converted; only quant.qcast "
                             "results convert to qf";
          ok = false;
          continue;
        }
        std::string why;
        if (failed(translate(result.getType(), why))) {
          op->emitError() << "cannot convert " << result.getType()
                          << " to qf: " << why;
          ok = false;
        }
        for (Operation *user : result.getUsers())
          if (!isa<quant::DequantizeCastOp>(user)) {
            user->emitError()
                << "uses a quantized value; only quant.dcast users of a "
                   "quant.qcast convert to qf";
            ok = false;
          }
      }
    });
    if (!ok)
      return signalPassFailure();

    SmallVector<quant::QuantizeCastOp> casts;
    module.walk([&](quant::QuantizeCastOp op) { casts.push_back(op); });
    for (quant::QuantizeCastOp qcast : casts) {
      std::string why;
      Translated t = *translate(qcast.getType(), why);
      OpBuilder b(qcast);
      Location loc = qcast.getLoc();
      Value scales = arith::ConstantOp::create(
          b, loc, t.scaleType, DenseElementsAttr::get(t.scaleType, ArrayRef(t.scales)));
      Value zps;
      if (!t.zeroPoints.empty()) {
        auto zpType =
            RankedTensorType::get(t.scaleType.getShape(), b.getI32Type());
        zps = arith::ConstantOp::create(
            b, loc, zpType,
            DenseElementsAttr::get(zpType, ArrayRef(t.zeroPoints)));
      }
      Value q = QuantizeOp::create(b, loc, t.type, qcast.getInput(), scales,
                                   zps, /*tensor_scale=*/Value());
      for (Operation *user : llvm::make_early_inc_range(qcast->getUsers())) {
        auto dcast = cast<quant::DequantizeCastOp>(user);
        OpBuilder ub(dcast);
        Value x = DequantizeOp::create(ub, dcast.getLoc(), dcast.getType(), q);
        dcast.replaceAllUsesWith(x);
        dcast.erase();
      }
      qcast.erase();
    }
  }
};

} // namespace
