//===- QFToLinalg.cpp - convert-qf-to-linalg ------------------------------===//
//
// The reference lowering: every qf op to linalg / arith / math / tensor on
// the packed blob (`tensor<N x i8>`), bit-exact with the C++ reference. The
// blob codec (BlobCodec.h) emits the unpacking and packing; this file maps
// ops onto it and lowers the matmuls.
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QFToLinalg/QFToLinalg.h"

#include "BlobCodec.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::qf {
#define GEN_PASS_DEF_CONVERTQFTOLINALGPASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;
using mlir::qf::detail::BlobCodec;
using mlir::qf::detail::DecodedScales;

namespace {

struct LowerConstant : OpConversionPattern<ConstantOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(ConstantOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto value = cast<TypedAttr>(op.getValue());
    rewriter.replaceOpWithNewOp<arith::ConstantOp>(op, value.getType(), value);
    return success();
  }
};

struct LowerDequantize : OpConversionPattern<DequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(DequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    BlobCodec codec(b, op.getInput().getType());
    Value codes = codec.decodeCodes(adaptor.getInput());
    DecodedScales s = codec.decodeScales(adaptor.getInput());
    rewriter.replaceOp(op, codec.dequantize(codes, s));
    return success();
  }
};

/// Quantizes f32 values `x` to the blob of `codec`'s type.
Value quantizeToBlob(BlobCodec &codec, Value x, Value scales, Value zps,
                     Value tensorScale) {
  DecodedScales s = scales ? codec.staticScales(scales, zps, tensorScale)
                           : codec.computeScales(x);
  return codec.encode(codec.quantize(x, s), s);
}

struct LowerQuantize : OpConversionPattern<QuantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(QuantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    BlobCodec codec(b, op.getResult().getType());
    Value x = codec.toF32(adaptor.getInput());
    rewriter.replaceOp(op, quantizeToBlob(codec, x, adaptor.getScales(),
                                          adaptor.getZeroPoints(),
                                          adaptor.getTensorScale()));
    return success();
  }
};

struct LowerRequantize : OpConversionPattern<RequantizeOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(RequantizeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    BlobCodec in(b, op.getInput().getType());
    BlobCodec out(b, op.getResult().getType());
    Value codes = in.decodeCodes(adaptor.getInput());
    DecodedScales s = in.decodeScales(adaptor.getInput());
    if (op.isRelayout()) {
      // Same codes and scales, stored in the new order.
      rewriter.replaceOp(op, out.encode(codes, s));
      return success();
    }
    Value x = in.dequantize(codes, s, /*toExpressed=*/false);
    rewriter.replaceOp(op, quantizeToBlob(out, x, adaptor.getScales(),
                                          adaptor.getZeroPoints(),
                                          adaptor.getTensorScale()));
    return success();
  }
};

/// Ops whose lowering is their (converted) operand: qf.blob and
/// qf.from_blob view the same bytes, qf.observe is a probe.
template <typename OpTy>
struct ForwardOperand : OpConversionPattern<OpTy> {
  using OpConversionPattern<OpTy>::OpConversionPattern;
  LogicalResult
  matchAndRewrite(OpTy op, typename OpTy::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    rewriter.replaceOp(op, adaptor.getInput());
    return success();
  }
};

//===----------------------------------------------------------------------===//
// Matmuls
//===----------------------------------------------------------------------===//

/// Affine map over `n` dims selecting `dims`.
AffineMap select(MLIRContext *ctx, unsigned n, ArrayRef<unsigned> dims) {
  SmallVector<AffineExpr> exprs;
  for (unsigned d : dims)
    exprs.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(n, 0, exprs, ctx);
}

Value zerosLike(ImplicitLocOpBuilder &b, ArrayRef<int64_t> shape, Type t) {
  Value zero = arith::ConstantOp::create(b, t, b.getZeroAttr(t));
  Value empty = tensor::EmptyOp::create(b, shape, t);
  return linalg::FillOp::create(b, zero, empty).getResult(0);
}

/// Splits dimension `dim` of `t` into [dim / group, group].
Value splitDim(ImplicitLocOpBuilder &b, Value t, int64_t dim, int64_t group) {
  auto tt = cast<RankedTensorType>(t.getType());
  SmallVector<int64_t> shape(tt.getShape());
  shape[dim] /= group;
  shape.insert(shape.begin() + dim + 1, group);
  return tensor::ExpandShapeOp::create(
      b, RankedTensorType::get(shape, tt.getElementType()), t,
      mlir::qf::detail::splitDimReassociation(tt.getRank(), dim));
}

/// Everything a matmul lowering needs about its operands.
struct MatmulParts {
  bool batched, transpose;
  Type lhsType;
  QTensorType rhsType;
  RankedTensorType resultType;
  Type acc;
};

/// Multiply-accumulate in `acc`: products of `x` and `y` converted to acc.
Value mac(OpBuilder &b, Location loc, Value x, Value y, Value sum, Type acc) {
  auto conv = [&](Value v) -> Value {
    Type t = v.getType();
    if (t == acc)
      return v;
    if (isa<FloatType>(acc)) {
      unsigned from = t.getIntOrFloatBitWidth();
      unsigned to = acc.getIntOrFloatBitWidth();
      if (to > from)
        return arith::ExtFOp::create(b, loc, acc, v);
      // f16 <-> bf16: through f32 (exact), then one rounding.
      if (to == from)
        v = arith::ExtFOp::create(b, loc, b.getF32Type(), v);
      return arith::TruncFOp::create(b, loc, acc, v);
    }
    return arith::ExtSIOp::create(b, loc, acc, v);
  };
  if (isa<FloatType>(acc))
    return arith::AddFOp::create(
        b, loc, sum, arith::MulFOp::create(b, loc, conv(x), conv(y)));
  return arith::AddIOp::create(b, loc, sum,
                               arith::MulIOp::create(b, loc, conv(x), conv(y)));
}

/// Weight-only: the weights are dequantized, then a float contraction.
Value lowerWeightOnly(ImplicitLocOpBuilder &b, const MatmulParts &p,
                      Value lhs, Value rhsBlob) {
  MLIRContext *ctx = b.getContext();
  BlobCodec codec(b, p.rhsType);
  Value w = codec.dequantize(codec.decodeCodes(rhsBlob),
                             codec.decodeScales(rhsBlob));
  // Loops: [batch,] m, n, k.
  unsigned bo = p.batched ? 1 : 0, n = 3 + bo;
  unsigned dm = bo, dn = bo + 1, dk = bo + 2;
  SmallVector<unsigned> lhsDims, rhsDims, outDims;
  if (p.batched) {
    lhsDims.push_back(0);
    outDims.push_back(0);
    if (p.rhsType.getRank() == 3)
      rhsDims.push_back(0);
  }
  lhsDims.append({dm, dk});
  if (p.transpose)
    rhsDims.append({dn, dk});
  else
    rhsDims.append({dk, dn});
  outDims.append({dm, dn});
  SmallVector<utils::IteratorType> its(n, utils::IteratorType::parallel);
  its[dk] = utils::IteratorType::reduction;
  SmallVector<int64_t> accShape(p.resultType.getShape());
  Value init = zerosLike(b, accShape, p.acc);
  auto accType = RankedTensorType::get(accShape, p.acc);
  Value sum =
      linalg::GenericOp::create(
          b, accType, ValueRange{lhs, w}, ValueRange{init},
          ArrayRef<AffineMap>{select(ctx, n, lhsDims), select(ctx, n, rhsDims),
                              select(ctx, n, outDims)},
          its,
          [&](OpBuilder &nb, Location loc, ValueRange args) {
            linalg::YieldOp::create(
                nb, loc, mac(nb, loc, args[0], args[1], args[2], p.acc));
          })
          .getResult(0);
  if (p.acc == p.resultType.getElementType())
    return sum;
  Value f32 = codec.toF32(sum);
  return codec.fromF32(f32, p.resultType.getElementType());
}

/// Quantized activations: integer (or fp8 decoded) products accumulated per
/// K-group in `acc`, then y = sa * sum_g(sw[g] * acc[g]) in f32.
Value lowerQuantized(ImplicitLocOpBuilder &b, const MatmulParts &p,
                     Value lhsBlob, Value rhsBlob) {
  MLIRContext *ctx = b.getContext();
  auto lhsType = cast<QTensorType>(p.lhsType);
  BlobCodec lc(b, lhsType), rc(b, p.rhsType);
  DecodedScales ls = lc.decodeScales(lhsBlob), rs = rc.decodeScales(rhsBlob);
  qforge::Scheme lsch = lhsType.getScheme().toScheme();
  qforge::Scheme rsch = p.rhsType.getScheme().toScheme();
  Type prodType = lsch.isInteger() ? p.acc : b.getF32Type();
  Value a = lc.centered(lc.decodeCodes(lhsBlob), ls, prodType);
  Value w = rc.centered(rc.decodeCodes(rhsBlob), rs, prodType);

  int64_t rhsRank = p.rhsType.getRank();
  int64_t kAxis = p.transpose ? rhsRank - 1 : rhsRank - 2;
  int64_t K = lhsType.getShape().back();
  bool grouped = rsch.isPerGroup() && rsch.axis == kAxis;
  int64_t G = grouped ? rsch.groupSize : K, nG = K / G;
  a = splitDim(b, a, lhsType.getRank() - 1, G);
  w = splitDim(b, w, kAxis, G);

  // Loops: [batch,] m, n, g, kk.
  unsigned bo = p.batched ? 1 : 0, n = 4 + bo;
  unsigned dm = bo, dn = bo + 1, dg = bo + 2, dkk = bo + 3;
  SmallVector<unsigned> aDims, wDims, outDims;
  bool rhsBatched = p.batched && rhsRank == 3;
  if (p.batched) {
    aDims.push_back(0);
    outDims.push_back(0);
  }
  if (rhsBatched)
    wDims.push_back(0);
  aDims.append({dm, dg, dkk});
  if (p.transpose)
    wDims.append({dn, dg, dkk});
  else
    wDims.append({dg, dkk, dn});
  outDims.append({dm, dn, dg});
  SmallVector<int64_t> accShape(p.resultType.getShape());
  accShape.push_back(nG);
  SmallVector<utils::IteratorType> its(n, utils::IteratorType::parallel);
  its[dkk] = utils::IteratorType::reduction;
  Value partial =
      linalg::GenericOp::create(
          b, RankedTensorType::get(accShape, prodType), ValueRange{a, w},
          ValueRange{zerosLike(b, accShape, prodType)},
          ArrayRef<AffineMap>{select(ctx, n, aDims), select(ctx, n, wDims),
                              select(ctx, n, outDims)},
          its,
          [&](OpBuilder &nb, Location loc, ValueRange args) {
            linalg::YieldOp::create(
                nb, loc, mac(nb, loc, args[0], args[1], args[2], prodType));
          })
          .getResult(0);

  Type resultElem = p.resultType.getElementType();
  if (isa<IntegerType>(resultElem)) {
    // Raw accumulators (the verifier guarantees a single group).
    SmallVector<ReassociationIndices> re;
    int64_t r = p.resultType.getRank();
    for (int64_t d = 0; d + 1 < r; ++d)
      re.push_back({d});
    re.push_back({r - 1, r});
    return tensor::CollapseShapeOp::create(b, p.resultType, partial, re);
  }

  // sum_g sw_eff[g, n] * float(partial[m, n, g]), in increasing g.
  unsigned en = 3 + bo; // [batch,] m, n, g
  unsigned enn = bo + 1, eg = bo + 2;
  SmallVector<unsigned> swDims;
  if (rsch.isPerAxis())
    swDims = {enn};
  else if (grouped) {
    if (rhsBatched)
      swDims.push_back(0);
    if (p.transpose)
      swDims.append({enn, eg});
    else
      swDims.append({eg, enn});
  }
  SmallVector<unsigned> pDims, yDims;
  for (unsigned d = 0; d < en; ++d)
    pDims.push_back(d);
  for (unsigned d = 0; d + 1 < en; ++d)
    yDims.push_back(d);
  SmallVector<utils::IteratorType> eits(en, utils::IteratorType::parallel);
  eits[eg] = utils::IteratorType::reduction;
  SmallVector<int64_t> yShape(p.resultType.getShape());
  Type f32 = b.getF32Type();
  Value tsW = rs.tensorScale;
  Value sum =
      linalg::GenericOp::create(
          b, RankedTensorType::get(yShape, f32), ValueRange{partial, rs.scales},
          ValueRange{zerosLike(b, yShape, f32)},
          ArrayRef<AffineMap>{select(ctx, en, pDims),
                              select(ctx, en, swDims),
                              select(ctx, en, yDims)},
          eits,
          [&](OpBuilder &nb, Location loc, ValueRange args) {
            Value v = args[0];
            if (isa<IntegerType>(v.getType()))
              v = arith::SIToFPOp::create(nb, loc, f32, v);
            Value sw = args[1];
            if (rsch.tensorScale)
              sw = arith::MulFOp::create(nb, loc, sw, tsW);
            Value t = arith::MulFOp::create(nb, loc, sw, v);
            linalg::YieldOp::create(nb, loc,
                                    arith::AddFOp::create(nb, loc, args[2], t)
                                        .getResult());
          })
          .getResult(0);
  // y = sa[m] * sum.
  unsigned yn = 2 + bo;
  SmallVector<unsigned> saDims;
  if (lsch.isPerAxis())
    saDims.push_back(bo); // the row
  SmallVector<unsigned> all;
  for (unsigned d = 0; d < yn; ++d)
    all.push_back(d);
  Value y =
      linalg::GenericOp::create(
          b, RankedTensorType::get(yShape, f32), ValueRange{sum, ls.scales},
          ValueRange{tensor::EmptyOp::create(b, yShape, f32)},
          ArrayRef<AffineMap>{select(ctx, yn, all), select(ctx, yn, saDims),
                              select(ctx, yn, all)},
          SmallVector<utils::IteratorType>(yn, utils::IteratorType::parallel),
          [&](OpBuilder &nb, Location loc, ValueRange args) {
            linalg::YieldOp::create(
                nb, loc,
                arith::MulFOp::create(nb, loc, args[1], args[0]).getResult());
          })
          .getResult(0);
  return rc.fromF32(y, resultElem);
}

template <typename MatmulOpTy>
struct LowerMatmul : OpConversionPattern<MatmulOpTy> {
  using OpConversionPattern<MatmulOpTy>::OpConversionPattern;
  using OpAdaptor = typename MatmulOpTy::Adaptor;
  LogicalResult
  matchAndRewrite(MatmulOpTy op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    MatmulParts p{std::is_same_v<MatmulOpTy, BatchMatmulOp>,
                  op.getTransposeRhs(),
                  op.getLhs().getType(),
                  op.getRhs().getType(),
                  op.getResult().getType(),
                  op.getAccType()};
    Value y = isa<QTensorType>(p.lhsType)
                  ? lowerQuantized(b, p, adaptor.getLhs(), adaptor.getRhs())
                  : lowerWeightOnly(b, p, adaptor.getLhs(), adaptor.getRhs());
    rewriter.replaceOp(op, y);
    return success();
  }
};

struct ConvertQFToLinalgPass
    : qf::impl::ConvertQFToLinalgPassBase<ConvertQFToLinalgPass> {
  void runOnOperation() override {
    QFBlobTypeConverter converter;
    RewritePatternSet patterns(&getContext());
    populateQFToLinalgPatterns(converter, patterns);
    if (failed(applyQFConversion(getOperation(), converter,
                                 std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace

QFBlobTypeConverter::QFBlobTypeConverter() {
  addConversion([](Type t) { return t; });
  addConversion([](QTensorType t) -> Type {
    return RankedTensorType::get({t.getBlobLayout().totalBytes},
                                 IntegerType::get(t.getContext(), 8));
  });
}

void mlir::qf::populateQFToLinalgPatterns(const TypeConverter &converter,
                                          RewritePatternSet &patterns) {
  patterns.add<LowerConstant, LowerDequantize, LowerQuantize, LowerRequantize,
               ForwardOperand<BlobOp>, ForwardOperand<FromBlobOp>,
               ForwardOperand<ObserveOp>, LowerMatmul<MatmulOp>,
               LowerMatmul<BatchMatmulOp>>(converter, patterns.getContext());
}

LogicalResult mlir::qf::applyQFConversion(Operation *root,
                                          const TypeConverter &converter,
                                          RewritePatternSet &&patterns) {
  MLIRContext *ctx = root->getContext();
  ConversionTarget target(*ctx);
  target.addIllegalDialect<QFDialect>();
  target.addLegalDialect<arith::ArithDialect, linalg::LinalgDialect,
                         math::MathDialect, tensor::TensorDialect>();
  target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp f) {
    return converter.isSignatureLegal(f.getFunctionType()) &&
           converter.isLegal(&f.getBody());
  });
  target.addDynamicallyLegalOp<func::ReturnOp, func::CallOp>(
      [&](Operation *op) { return converter.isLegal(op); });
  target.markUnknownOpDynamicallyLegal(
      [&](Operation *op) { return converter.isLegal(op); });
  populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                 converter);
  populateReturnOpTypeConversionPattern(patterns, converter);
  populateCallOpTypeConversionPattern(patterns, converter);
  return applyFullConversion(root, target, std::move(patterns));
}
