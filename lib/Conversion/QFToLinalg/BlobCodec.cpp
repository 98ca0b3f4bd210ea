//===- BlobCodec.cpp - IR that reads and writes qf blobs ------------------===//
//
// Layout and formulas: docs/BlobLayout.md and docs/Semantics.md. Each
// function names the Reference.cpp function it mirrors.
//
//===----------------------------------------------------------------------===//

#include "BlobCodec.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <cfloat>
#include <cmath>

using namespace mlir;
using namespace mlir::qf;
using namespace mlir::qf::detail;
using qforge::ElementFormat;
using qforge::ScaleFormat;

namespace {

//===----------------------------------------------------------------------===//
// Scalar arithmetic helpers (used inside linalg.generic bodies)
//===----------------------------------------------------------------------===//

/// Short spellings for the scalar ops the codec emits.
struct Arith {
  OpBuilder &b;
  Location loc;

  Value i32(int64_t v) { return arith::ConstantIntOp::create(b, loc, v, 32); }
  Value i64(int64_t v) { return arith::ConstantIntOp::create(b, loc, v, 64); }
  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value f32(float v) {
    return arith::ConstantFloatOp::create(b, loc, b.getF32Type(), APFloat(v));
  }
  Value f64(double v) {
    return arith::ConstantFloatOp::create(b, loc, b.getF64Type(), APFloat(v));
  }
  Value addi(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value subi(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value muli(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value divui(Value x, Value y) { return arith::DivUIOp::create(b, loc, x, y); }
  Value remui(Value x, Value y) { return arith::RemUIOp::create(b, loc, x, y); }
  Value andi(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value ori(Value x, Value y) { return arith::OrIOp::create(b, loc, x, y); }
  Value shl(Value x, Value y) { return arith::ShLIOp::create(b, loc, x, y); }
  Value shrui(Value x, Value y) { return arith::ShRUIOp::create(b, loc, x, y); }
  Value shrsi(Value x, Value y) { return arith::ShRSIOp::create(b, loc, x, y); }
  Value minsi(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }
  Value maxsi(Value x, Value y) { return arith::MaxSIOp::create(b, loc, x, y); }
  Value addf(Value x, Value y) { return arith::AddFOp::create(b, loc, x, y); }
  Value subf(Value x, Value y) { return arith::SubFOp::create(b, loc, x, y); }
  Value mulf(Value x, Value y) { return arith::MulFOp::create(b, loc, x, y); }
  Value divf(Value x, Value y) { return arith::DivFOp::create(b, loc, x, y); }
  Value negf(Value x) { return arith::NegFOp::create(b, loc, x); }
  Value minf(Value x, Value y) { return arith::MinimumFOp::create(b, loc, x, y); }
  Value maxf(Value x, Value y) { return arith::MaximumFOp::create(b, loc, x, y); }
  Value cmpi(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value cmpf(arith::CmpFPredicate p, Value x, Value y) {
    return arith::CmpFOp::create(b, loc, p, x, y);
  }
  Value select(Value c, Value x, Value y) {
    return arith::SelectOp::create(b, loc, c, x, y);
  }
  Value isNaN(Value x) { return cmpf(arith::CmpFPredicate::UNO, x, x); }
  Value bitsOf(Value f) {
    return arith::BitcastOp::create(b, loc, b.getI32Type(), f);
  }
  Value floatOf(Value bits) {
    return arith::BitcastOp::create(b, loc, b.getF32Type(), bits);
  }
  Value extui(Value x, Type t) { return arith::ExtUIOp::create(b, loc, t, x); }
  Value extsi(Value x, Type t) { return arith::ExtSIOp::create(b, loc, t, x); }
  Value trunci(Value x, Type t) {
    return arith::TruncIOp::create(b, loc, t, x);
  }
  Value sitofp(Value x, Type t) {
    return arith::SIToFPOp::create(b, loc, t, x);
  }
  Value fptosi(Value x, Type t) {
    return arith::FPToSIOp::create(b, loc, t, x);
  }
  Value extf(Value x, Type t) { return arith::ExtFOp::create(b, loc, t, x); }
  Value truncf(Value x, Type t) {
    return arith::TruncFOp::create(b, loc, t, x);
  }
  Value toIndex(Value x) {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), x);
  }
  Value toI64(Value x) {
    return arith::IndexCastOp::create(b, loc, b.getI64Type(), x);
  }
  Value roundEven(Value x) { return math::RoundEvenOp::create(b, loc, x); }
  /// A byte of `tensor` (i8 elements) at i64 position `pos`, zero-extended
  /// to i32.
  Value byteAt(Value tensor, Value pos) {
    Value v = tensor::ExtractOp::create(b, loc, tensor, ValueRange{toIndex(pos)});
    return extui(v, b.getI32Type());
  }
  /// x * 2^e for |e| up to 250, in steps whose constants f32 can hold.
  Value scalePow2(Value x, int e) {
    while (e != 0) {
      int step = std::max(-100, std::min(100, e));
      x = mulf(x, f32(std::ldexp(1.0f, step)));
      e -= step;
    }
    return x;
  }
};

//===----------------------------------------------------------------------===//
// Minifloats: fp8 e4m3fn / e5m2, fp4 e2m1, f16 (Reference.cpp uses APFloat)
//===----------------------------------------------------------------------===//

struct MiniFloat {
  unsigned ebits, mbits;
  int bias;
  enum Specials { IEEE, NaNAllOnes, None } specials;
  float maxFinite;
  int32_t nanCode;

  /// Exponent k such that the spacing of subnormals is 2^-k.
  int subnormalShift() const { return bias - 1 + int(mbits); }
  float minNormal() const { return std::ldexp(1.0f, 1 - bias); }
};

MiniFloat miniFloatOf(ElementFormat f) {
  switch (f) {
  case ElementFormat::F8E4M3FN:
    return {4, 3, 7, MiniFloat::NaNAllOnes, 448.0f, 0x7F};
  case ElementFormat::F8E5M2:
    return {5, 2, 15, MiniFloat::IEEE, 57344.0f, 0x7E};
  default:
    return {2, 1, 1, MiniFloat::None, 6.0f, 0};
  }
}

const MiniFloat kF16 = {5, 10, 15, MiniFloat::IEEE, 65504.0f, 0x7E00};
const MiniFloat kE4M3 = {4, 3, 7, MiniFloat::NaNAllOnes, 448.0f, 0x7F};

/// |x| (finite, at most maxFinite) rounded to `f`, ties to even, as f32.
Value roundToMini(Arith &a, Value x, const MiniFloat &f) {
  // Subnormal range of `f`: a multiple of 2^-k, rounded as an integer.
  int k = f.subnormalShift();
  Value sub = a.scalePow2(a.roundEven(a.scalePow2(x, k)), -k);
  // Normal range: round the f32 bit pattern to mbits mantissa bits.
  unsigned drop = 23 - f.mbits;
  Value bits = a.bitsOf(x);
  Value lsb = a.andi(a.shrui(bits, a.i32(drop)), a.i32(1));
  Value rounded = a.addi(bits, a.addi(a.i32((1 << (drop - 1)) - 1), lsb));
  rounded = a.andi(rounded, a.i32(~((1 << drop) - 1)));
  Value normal = a.floatOf(rounded);
  return a.select(a.cmpf(arith::CmpFPredicate::OLT, x, a.f32(f.minNormal())),
                  sub, normal);
}

/// Bit pattern of `r` (exactly representable in `f`, finite).
Value encodeMini(Arith &a, Value r, const MiniFloat &f) {
  Value bits = a.bitsOf(r);
  Value sign = a.shl(a.shrui(bits, a.i32(31)), a.i32(f.ebits + f.mbits));
  Value mag = a.andi(bits, a.i32(0x7FFFFFFF));
  Value absr = a.floatOf(mag);
  int k = f.subnormalShift();
  Value subMant = a.fptosi(a.scalePow2(absr, k), a.b.getI32Type());
  Value exp = a.addi(a.shrui(mag, a.i32(23)), a.i32(f.bias - 127));
  Value mant = a.andi(a.shrui(mag, a.i32(23 - f.mbits)),
                      a.i32((1 << f.mbits) - 1));
  Value normal = a.ori(a.shl(exp, a.i32(f.mbits)), mant);
  Value isSub =
      a.cmpf(arith::CmpFPredicate::OLT, absr, a.f32(f.minNormal()));
  return a.ori(sign, a.select(isSub, subMant, normal));
}

/// Value of the bit pattern `code` of `f`, as f32.
Value decodeMini(Arith &a, Value code, const MiniFloat &f) {
  int32_t emask = (1 << f.ebits) - 1, mmask = (1 << f.mbits) - 1;
  Value sign = a.andi(a.shrui(code, a.i32(f.ebits + f.mbits)), a.i32(1));
  Value exp = a.andi(a.shrui(code, a.i32(f.mbits)), a.i32(emask));
  Value mant = a.andi(code, a.i32(mmask));
  Value sub = a.scalePow2(a.sitofp(mant, a.b.getF32Type()),
                          -f.subnormalShift());
  Value normalBits =
      a.ori(a.shl(a.addi(exp, a.i32(127 - f.bias)), a.i32(23)),
            a.shl(mant, a.i32(23 - f.mbits)));
  Value v = a.select(a.cmpi(arith::CmpIPredicate::eq, exp, a.i32(0)), sub,
                     a.floatOf(normalBits));
  float nan = std::numeric_limits<float>::quiet_NaN();
  float inf = std::numeric_limits<float>::infinity();
  Value maxExp = a.cmpi(arith::CmpIPredicate::eq, exp, a.i32(emask));
  Value mantZero = a.cmpi(arith::CmpIPredicate::eq, mant, a.i32(0));
  if (f.specials == MiniFloat::IEEE)
    v = a.select(maxExp, a.select(mantZero, a.f32(inf), a.f32(nan)), v);
  else if (f.specials == MiniFloat::NaNAllOnes)
    v = a.select(a.andi(maxExp, a.cmpi(arith::CmpIPredicate::eq, mant,
                                       a.i32(mmask))),
                 a.f32(nan), v);
  return a.select(a.cmpi(arith::CmpIPredicate::ne, sign, a.i32(0)),
                  a.negf(v), v);
}

//===----------------------------------------------------------------------===//
// Scale formats (Reference.cpp: roundScale, encodeScale, decodeScale)
//===----------------------------------------------------------------------===//

float maxFiniteScale(ScaleFormat f) {
  switch (f) {
  case ScaleFormat::F32:
    return FLT_MAX;
  case ScaleFormat::F16:
    return 65504.0f;
  case ScaleFormat::BF16:
    return std::ldexp(255.0f / 128.0f, 127);
  case ScaleFormat::E8M0:
    return std::ldexp(1.0f, 127);
  case ScaleFormat::E4M3:
    return 448.0f;
  }
  return FLT_MAX;
}

float minPositiveScale(ScaleFormat f) {
  switch (f) {
  case ScaleFormat::F32:
    return std::numeric_limits<float>::denorm_min();
  case ScaleFormat::F16:
    return std::ldexp(1.0f, -24);
  case ScaleFormat::BF16:
    return std::ldexp(1.0f, -133);
  case ScaleFormat::E8M0:
    return std::ldexp(1.0f, -127);
  case ScaleFormat::E4M3:
    return std::ldexp(1.0f, -9);
  }
  return 0.0f;
}

/// bf16 rounding of an f32 bit pattern (ties to even), as f32; valid for
/// every finite value, subnormals included, since bf16 is the top half of f32.
Value roundBF16Bits(Arith &a, Value bits) {
  Value lsb = a.andi(a.shrui(bits, a.i32(16)), a.i32(1));
  Value r = a.addi(bits, a.addi(a.i32(0x7FFF), lsb));
  return a.andi(r, a.i32(static_cast<int32_t>(0xFFFF0000u)));
}

/// Reference.cpp roundScale.
Value roundScale(Arith &a, Value s, ScaleFormat f) {
  Value lo = a.f32(minPositiveScale(f)), hi = a.f32(maxFiniteScale(f));
  Value r;
  switch (f) {
  case ScaleFormat::F32:
    r = s;
    break;
  case ScaleFormat::BF16:
    r = a.floatOf(roundBF16Bits(a, a.bitsOf(s)));
    break;
  case ScaleFormat::F16:
    r = roundToMini(a, s, kF16);
    break;
  case ScaleFormat::E4M3:
    r = roundToMini(a, s, kE4M3);
    break;
  case ScaleFormat::E8M0: {
    // The next power of two at or above s, at least 2^-127.
    Value bits = a.bitsOf(s);
    Value exp = a.shrui(bits, a.i32(23));
    Value mant = a.andi(bits, a.i32(0x7FFFFF));
    Value up = a.addi(exp, a.select(a.cmpi(arith::CmpIPredicate::ne, mant,
                                           a.i32(0)),
                                    a.i32(1), a.i32(0)));
    Value normal = a.floatOf(a.shl(up, a.i32(23)));
    Value belowNormal =
        a.cmpf(arith::CmpFPredicate::OLT, s, a.f32(std::ldexp(1.0f, -126)));
    Value tiny = a.select(
        a.cmpf(arith::CmpFPredicate::OLE, s, a.f32(std::ldexp(1.0f, -127))),
        lo, a.f32(std::ldexp(1.0f, -126)));
    r = a.select(belowNormal, tiny, normal);
    break;
  }
  }
  // Underflow to zero gives the smallest value.
  r = a.select(a.cmpf(arith::CmpFPredicate::OGT, r, a.f32(0.0f)), r, lo);
  r = a.select(a.cmpf(arith::CmpFPredicate::OGE, s, hi), hi, r);
  r = a.select(a.cmpf(arith::CmpFPredicate::OGT, s, a.f32(0.0f)), r, lo);
  return a.select(a.isNaN(s), s, r);
}

/// Reference.cpp encodeScale for an already rounded scale: the stored
/// integer (low scaleBytes bytes are written).
Value encodeScale(Arith &a, Value s, ScaleFormat f) {
  switch (f) {
  case ScaleFormat::F32:
    return a.bitsOf(s);
  case ScaleFormat::BF16:
    return a.shrui(a.bitsOf(s), a.i32(16));
  case ScaleFormat::F16:
    return encodeMini(a, s, kF16);
  case ScaleFormat::E4M3:
    return encodeMini(a, s, kE4M3);
  case ScaleFormat::E8M0: {
    Value bits = a.bitsOf(s);
    Value isMin = a.cmpi(arith::CmpIPredicate::eq, bits, a.i32(0x00400000));
    return a.select(isMin, a.i32(0), a.shrui(bits, a.i32(23)));
  }
  }
  return a.bitsOf(s);
}

/// Reference.cpp decodeScale of the stored integer `v`.
Value decodeScale(Arith &a, Value v, ScaleFormat f) {
  switch (f) {
  case ScaleFormat::F32:
    return a.floatOf(v);
  case ScaleFormat::BF16:
    return a.floatOf(a.shl(v, a.i32(16)));
  case ScaleFormat::F16:
    return decodeMini(a, v, kF16);
  case ScaleFormat::E4M3:
    return decodeMini(a, v, kE4M3);
  case ScaleFormat::E8M0: {
    Value normal = a.floatOf(a.shl(v, a.i32(23)));
    Value r = a.select(a.cmpi(arith::CmpIPredicate::eq, v, a.i32(0)),
                       a.f32(std::ldexp(1.0f, -127)), normal);
    return a.select(a.cmpi(arith::CmpIPredicate::eq, v, a.i32(0xFF)),
                    a.f32(std::numeric_limits<float>::quiet_NaN()), r);
  }
  }
  return a.floatOf(v);
}

//===----------------------------------------------------------------------===//
// linalg.generic construction
//===----------------------------------------------------------------------===//

using BodyFn = function_ref<SmallVector<Value>(Arith &, ValueRange args,
                                               ArrayRef<Value> ivs)>;

/// A linalg.generic whose outputs are fresh tensors of `outTypes` (every
/// output indexed by the identity map over the iteration space). `iterators`
/// defaults to all parallel. The body gets the input elements, the current
/// output elements and the loop indices.
SmallVector<Value> generic(ImplicitLocOpBuilder &b, TypeRange outTypes,
                           ArrayRef<int64_t> loops, ValueRange inputs,
                           ArrayRef<AffineMap> inputMaps, BodyFn body,
                           ArrayRef<AffineMap> outMaps = {},
                           ArrayRef<utils::IteratorType> iterators = {},
                           ValueRange inits = {}) {
  MLIRContext *ctx = b.getContext();
  unsigned n = loops.size();
  SmallVector<AffineMap> maps(inputMaps.begin(), inputMaps.end());
  SmallVector<Value> outs;
  for (auto [i, t] : llvm::enumerate(outTypes)) {
    maps.push_back(outMaps.empty() ? AffineMap::getMultiDimIdentityMap(n, ctx)
                                   : outMaps[i]);
    if (!inits.empty()) {
      outs.push_back(inits[i]);
      continue;
    }
    auto rt = cast<RankedTensorType>(t);
    outs.push_back(tensor::EmptyOp::create(b, rt.getShape(),
                                           rt.getElementType()));
  }
  SmallVector<utils::IteratorType> its(iterators.begin(), iterators.end());
  if (its.empty())
    its.assign(n, utils::IteratorType::parallel);
  auto op = linalg::GenericOp::create(
      b, outTypes, inputs, outs, maps, its,
      [&](OpBuilder &nb, Location loc, ValueRange args) {
        Arith a{nb, loc};
        SmallVector<Value> ivs;
        for (unsigned d = 0; d < n; ++d)
          ivs.push_back(linalg::IndexOp::create(nb, loc, d));
        linalg::YieldOp::create(nb, loc, body(a, args, ivs));
      });
  return SmallVector<Value>(op.getResults());
}

/// Row-major linear index (i64) of `ivs` in `shape`.
Value linearIndex(Arith &a, ArrayRef<Value> ivs, ArrayRef<int64_t> shape) {
  Value lin = a.i64(0);
  for (auto [iv, d] : llvm::zip(ivs, shape))
    lin = a.addi(a.muli(lin, a.i64(d)), a.toI64(iv));
  return lin;
}

RankedTensorType tensorOf(ArrayRef<int64_t> shape, Type t) {
  return RankedTensorType::get(shape, t);
}

} // namespace

//===----------------------------------------------------------------------===//
// BlobCodec
//===----------------------------------------------------------------------===//

BlobCodec::BlobCodec(ImplicitLocOpBuilder &b, QTensorType type)
    : b(b), type(type), scheme(type.getScheme().toScheme()),
      layout(type.getBlobLayout()), shape(type.getShape()),
      scaleShape(type.getScaleShape()) {
  expandedShape = shape;
  if (scheme.isPerGroup()) {
    expandedShape[scheme.axis] = shape[scheme.axis] / scheme.groupSize;
    expandedShape.insert(expandedShape.begin() + scheme.axis + 1,
                         scheme.groupSize);
  }
}

RankedTensorType BlobCodec::getBlobType() const {
  return tensorOf({layout.totalBytes}, b.getI8Type());
}

AffineMap BlobCodec::scaleMap() const {
  MLIRContext *ctx = b.getContext();
  unsigned n = expandedShape.size();
  if (scheme.isPerTensor())
    return AffineMap::get(n, 0, {}, ctx);
  if (scheme.isPerAxis())
    return AffineMap::get(n, 0, {getAffineDimExpr(scheme.axis, ctx)}, ctx);
  SmallVector<AffineExpr> dims;
  for (unsigned d = 0; d < n; ++d)
    if (d != unsigned(scheme.axis + 1))
      dims.push_back(getAffineDimExpr(d, ctx));
  return AffineMap::get(n, 0, dims, ctx);
}

SmallVector<ReassociationIndices>
mlir::qf::detail::splitDimReassociation(int64_t rank, int64_t dim) {
  SmallVector<ReassociationIndices> re;
  for (int64_t d = 0, e = 0; d < rank; ++d) {
    if (d == dim) {
      re.push_back({e, e + 1});
      e += 2;
    } else {
      re.push_back({e++});
    }
  }
  return re;
}

Value BlobCodec::expand(Value t) {
  if (!scheme.isPerGroup())
    return t;
  auto et = tensorOf(expandedShape, cast<RankedTensorType>(t.getType())
                                        .getElementType());
  return tensor::ExpandShapeOp::create(
      b, et, t, splitDimReassociation(shape.size(), scheme.axis));
}

Value BlobCodec::collapse(Value t, RankedTensorType logicalType) {
  if (!scheme.isPerGroup())
    return t;
  return tensor::CollapseShapeOp::create(
      b, logicalType, t, splitDimReassociation(shape.size(), scheme.axis));
}

Value BlobCodec::toF32(Value t) {
  auto tt = cast<RankedTensorType>(t.getType());
  Type et = tt.getElementType();
  if (et.isF32())
    return t;
  AffineMap id = AffineMap::getMultiDimIdentityMap(tt.getRank(), b.getContext());
  return generic(b, tensorOf(tt.getShape(), b.getF32Type()), tt.getShape(),
                 t, id, [&](Arith &a, ValueRange args, ArrayRef<Value>) {
                   Value v = args[0];
                   if (et.isBF16()) {
                     Value bits = arith::BitcastOp::create(
                         a.b, a.loc, a.b.getI16Type(), v);
                     return SmallVector<Value>{a.floatOf(a.shl(
                         a.extui(bits, a.b.getI32Type()), a.i32(16)))};
                   }
                   return SmallVector<Value>{a.extf(v, a.b.getF32Type())};
                 })[0];
}

Value BlobCodec::fromF32(Value t, Type elementType) {
  auto tt = cast<RankedTensorType>(t.getType());
  if (elementType.isF32())
    return t;
  AffineMap id = AffineMap::getMultiDimIdentityMap(tt.getRank(), b.getContext());
  return generic(b, tensorOf(tt.getShape(), elementType), tt.getShape(), t, id,
                 [&](Arith &a, ValueRange args, ArrayRef<Value>) {
                   Value v = args[0];
                   if (elementType.isBF16()) {
                     // Round to nearest even; NaN stays NaN.
                     Value bits = roundBF16Bits(a, a.bitsOf(v));
                     bits = a.select(a.isNaN(v), a.bitsOf(v), bits);
                     Value hi = a.trunci(a.shrui(bits, a.i32(16)),
                                         a.b.getI16Type());
                     return SmallVector<Value>{arith::BitcastOp::create(
                         a.b, a.loc, elementType, hi)};
                   }
                   return SmallVector<Value>{a.truncf(v, elementType)};
                 })[0];
}

//===----------------------------------------------------------------------===//
// Decoding
//===----------------------------------------------------------------------===//

Value BlobCodec::decodeCodes(Value blob) {
  unsigned bits = scheme.bits;
  bool tiled = static_cast<bool>(type.getLayout());
  int64_t rank = shape.size();
  int64_t codesEnd = layout.codesOffset + layout.codesBytes - 1;
  return generic(
      b, tensorOf(shape, b.getI32Type()), shape, {}, {},
      [&](Arith &a, ValueRange, ArrayRef<Value> ivs) {
        // Stored position of this element (Reference.cpp layoutCodeIndex).
        Value pos;
        if (tiled) {
          ArrayRef<int64_t> tile = type.getLayout().getTile();
          int64_t rows = shape[rank - 2], cols = shape[rank - 1];
          int64_t t0 = tile[0], t1 = tile[1];
          int64_t tpr = (cols + t1 - 1) / t1, tpc = (rows + t0 - 1) / t0;
          Value lead = linearIndex(a, ivs.drop_back(2), ArrayRef(shape).drop_back(2));
          Value r = a.toI64(ivs[rank - 2]), c = a.toI64(ivs[rank - 1]);
          Value tileIdx = a.addi(a.muli(a.divui(r, a.i64(t0)), a.i64(tpr)),
                                 a.divui(c, a.i64(t1)));
          pos = a.addi(a.muli(lead, a.i64(tpc * t0 * tpr * t1)),
                       a.addi(a.muli(tileIdx, a.i64(t0 * t1)),
                              a.addi(a.muli(a.remui(r, a.i64(t0)), a.i64(t1)),
                                     a.remui(c, a.i64(t1)))));
        } else {
          pos = linearIndex(a, ivs, shape);
        }
        Value bitOff = a.muli(pos, a.i64(bits));
        Value byte = a.addi(a.shrui(bitOff, a.i64(3)), a.i64(layout.codesOffset));
        Value shift = a.trunci(a.andi(bitOff, a.i64(7)), a.b.getI32Type());
        Value v = a.byteAt(blob, byte);
        if (bits > 1) {
          // A code may straddle two bytes.
          Value next = a.minsi(a.addi(byte, a.i64(1)), a.i64(codesEnd));
          v = a.ori(v, a.shl(a.byteAt(blob, next), a.i32(8)));
        }
        v = a.andi(a.shrui(v, shift), a.i32((1 << bits) - 1));
        if (scheme.grid == qforge::IntegerGrid::Odd)
          v = a.subi(a.shl(v, a.i32(1)), a.i32(scheme.qmax())); // 2c - m
        else if (scheme.format == ElementFormat::SInt)
          v = a.shrsi(a.shl(v, a.i32(32 - bits)), a.i32(32 - bits));
        return SmallVector<Value>{v};
      })[0];
}

DecodedScales BlobCodec::decodeScales(Value blob) {
  DecodedScales out;
  unsigned sb = qforge::scaleBytes(scheme.scaleFormat);
  out.scales = generic(
      b, tensorOf(scaleShape, b.getF32Type()), scaleShape, {}, {},
      [&](Arith &a, ValueRange, ArrayRef<Value> ivs) {
        Value base = a.addi(a.muli(linearIndex(a, ivs, scaleShape), a.i64(sb)),
                            a.i64(layout.scalesOffset));
        Value v = a.i32(0);
        for (unsigned i = 0; i < sb; ++i)
          v = a.ori(v, a.shl(a.byteAt(blob, a.addi(base, a.i64(i))),
                             a.i32(8 * i)));
        return SmallVector<Value>{decodeScale(a, v, scheme.scaleFormat)};
      })[0];
  out.zeroPoints = generic(
      b, tensorOf(scaleShape, b.getI32Type()), scaleShape, {}, {},
      [&](Arith &a, ValueRange, ArrayRef<Value> ivs) {
        if (!scheme.asymmetric)
          return SmallVector<Value>{a.i32(0)};
        Value pos = a.addi(linearIndex(a, ivs, scaleShape),
                           a.i64(layout.zeroPointsOffset));
        Value v = tensor::ExtractOp::create(a.b, a.loc, blob,
                                           ValueRange{a.toIndex(pos)});
        return SmallVector<Value>{
            scheme.format == ElementFormat::SInt ? a.extsi(v, a.b.getI32Type())
                                                 : a.extui(v, a.b.getI32Type())};
      })[0];
  Arith a{b, b.getLoc()};
  if (scheme.tensorScale) {
    Value v = a.i32(0);
    for (int64_t i = 0; i < 4; ++i)
      v = a.ori(v, a.shl(a.byteAt(blob, a.i64(layout.tensorScaleOffset + i)),
                         a.i32(8 * i)));
    out.tensorScale = a.floatOf(v);
  } else {
    out.tensorScale = a.f32(1.0f);
  }
  return out;
}

Value BlobCodec::centered(Value codes, const DecodedScales &s, Type accType) {
  MLIRContext *ctx = b.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(expandedShape.size(), ctx);
  AffineMap sm = scaleMap();
  Type et = scheme.isInteger() ? accType : b.getF32Type();
  Value out = generic(
      b, tensorOf(expandedShape, et), expandedShape,
      {expand(codes), s.zeroPoints}, {id, sm},
      [&](Arith &a, ValueRange args, ArrayRef<Value>) {
        if (!scheme.isInteger())
          return SmallVector<Value>{
              decodeMini(a, args[0], miniFloatOf(scheme.format))};
        Value v = a.subi(args[0], args[1]);
        if (accType.getIntOrFloatBitWidth() > 32)
          v = a.extsi(v, accType);
        else if (accType.getIntOrFloatBitWidth() < 32)
          v = a.trunci(v, accType);
        return SmallVector<Value>{v};
      })[0];
  return collapse(out, tensorOf(shape, et));
}

Value BlobCodec::dequantize(Value codes, const DecodedScales &s,
                            bool toExpressed) {
  MLIRContext *ctx = b.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(expandedShape.size(), ctx);
  AffineMap sm = scaleMap();
  Value out = generic(
      b, tensorOf(expandedShape, b.getF32Type()), expandedShape,
      {expand(codes), s.scales, s.zeroPoints}, {id, sm, sm},
      [&](Arith &a, ValueRange args, ArrayRef<Value>) {
        Value scale = args[1];
        if (scheme.tensorScale)
          scale = a.mulf(scale, s.tensorScale);
        Value v;
        if (scheme.isInteger())
          v = a.sitofp(a.subi(args[0], args[2]), a.b.getF32Type());
        else
          v = decodeMini(a, args[0], miniFloatOf(scheme.format));
        return SmallVector<Value>{a.mulf(v, scale)};
      })[0];
  out = collapse(out, tensorOf(shape, b.getF32Type()));
  return toExpressed ? fromF32(out, type.getExpressedType()) : out;
}

//===----------------------------------------------------------------------===//
// Scales from data (Reference.cpp computeScales) and static scales
//===----------------------------------------------------------------------===//

DecodedScales BlobCodec::computeScales(Value x) {
  MLIRContext *ctx = b.getContext();
  unsigned n = expandedShape.size();
  AffineMap id = AffineMap::getMultiDimIdentityMap(n, ctx);
  AffineMap sm = scaleMap();
  SmallVector<utils::IteratorType> its(n, utils::IteratorType::reduction);
  for (AffineExpr e : sm.getResults())
    its[cast<AffineDimExpr>(e).getPosition()] = utils::IteratorType::parallel;
  Arith top{b, b.getLoc()};
  auto f32Scales = tensorOf(scaleShape, b.getF32Type());
  auto zeros = [&]() -> Value {
    return linalg::FillOp::create(
               b, top.f32(0.0f),
               ValueRange{tensor::EmptyOp::create(b, scaleShape,
                                                  b.getF32Type())})
        .getResult(0);
  };
  // Per block: lo = min(min x, 0), hi = max(max x, 0), NaNs ignored. Two
  // reductions, each with its own output, so bufferization never sees one
  // buffer written through two results.
  Value ex = expand(x);
  auto reduce = [&](bool isMax) -> Value {
    return generic(
        b, f32Scales, expandedShape, ex, id,
        [&](Arith &a, ValueRange args, ArrayRef<Value>) {
          Value r = isMax ? Value(arith::MaxNumFOp::create(a.b, a.loc, args[1],
                                                           args[0]))
                          : Value(arith::MinNumFOp::create(a.b, a.loc, args[1],
                                                           args[0]));
          return SmallVector<Value>{r};
        },
        {sm}, its, {zeros()})[0];
  };
  SmallVector<Value> lohi = {reduce(false), reduce(true)};

  double den = scheme.asymmetric ? double(scheme.qmax()) - double(scheme.qmin())
                                 : scheme.maxMagnitude();
  // num / den in f64, as Reference.cpp numerator().
  auto numerator = [&](Arith &a, Value lo, Value hi) -> Value {
    Value l = a.extf(lo, a.b.getF64Type()), h = a.extf(hi, a.b.getF64Type());
    if (scheme.asymmetric)
      return a.subf(h, l);
    if (scheme.format == ElementFormat::UInt)
      return h;
    return a.maxf(h, a.negf(l));
  };
  // toFloatSaturating: values above FLT_MAX become +inf.
  auto toFloat = [&](Arith &a, Value d) -> Value {
    Value big = a.cmpf(arith::CmpFPredicate::OGT, d, a.f64(double(FLT_MAX)));
    return a.select(big, a.f32(std::numeric_limits<float>::infinity()),
                    a.truncf(d, a.b.getF32Type()));
  };

  DecodedScales out;
  out.tensorScale = top.f32(1.0f);
  if (scheme.tensorScale) {
    SmallVector<utils::IteratorType> red(scaleShape.size(),
                                         utils::IteratorType::reduction);
    AffineMap sid = AffineMap::getMultiDimIdentityMap(scaleShape.size(), ctx);
    Value init = linalg::FillOp::create(
                     b, top.f64(0.0),
                     ValueRange{tensor::EmptyOp::create(b, ArrayRef<int64_t>{},
                                                        b.getF64Type())})
                     .getResult(0);
    Value maxNum = generic(
        b, tensorOf({}, b.getF64Type()), scaleShape, {lohi[0], lohi[1]},
        {sid, sid},
        [&](Arith &a, ValueRange args, ArrayRef<Value>) {
          return SmallVector<Value>{
              a.maxf(args[2], numerator(a, args[0], args[1]))};
        },
        {AffineMap::get(scaleShape.size(), 0, {}, ctx)}, red, {init})[0];
    Value m = tensor::ExtractOp::create(b, maxNum, ValueRange{});
    double denom = den * double(maxFiniteScale(scheme.scaleFormat));
    Value ts = toFloat(top, top.divf(m, top.f64(denom)));
    Value ok = top.andi(
        top.cmpf(arith::CmpFPredicate::OGT, ts, top.f32(0.0f)),
        top.cmpf(arith::CmpFPredicate::ONE, ts,
                 top.f32(std::numeric_limits<float>::infinity())));
    out.tensorScale = top.select(ok, ts, top.f32(1.0f));
  }

  AffineMap sid = AffineMap::getMultiDimIdentityMap(scaleShape.size(), ctx);
  SmallVector<Value> sz = generic(
      b, {f32Scales, tensorOf(scaleShape, b.getI32Type())}, scaleShape,
      {lohi[0], lohi[1]}, {sid, sid},
      [&](Arith &a, ValueRange args, ArrayRef<Value>) {
        Value raw = toFloat(a, a.divf(numerator(a, args[0], args[1]),
                                      a.f64(den)));
        Value valid = a.andi(
            a.cmpf(arith::CmpFPredicate::OGT, raw, a.f32(0.0f)),
            a.cmpf(arith::CmpFPredicate::ONE, raw,
                   a.f32(std::numeric_limits<float>::infinity())));
        if (scheme.tensorScale)
          raw = a.divf(raw, out.tensorScale);
        Value scale =
            a.select(valid, roundScale(a, raw, scheme.scaleFormat), a.f32(1.0f));
        Value zp = a.i32(0);
        if (scheme.asymmetric) {
          Value eff = scheme.tensorScale ? a.mulf(scale, out.tensorScale) : scale;
          Value z = a.subf(a.f64(double(scheme.qmin())),
                           a.divf(a.extf(args[0], a.b.getF64Type()),
                                  a.extf(eff, a.b.getF64Type())));
          z = a.roundEven(z);
          z = a.minf(a.maxf(z, a.f64(scheme.qmin())), a.f64(scheme.qmax()));
          zp = a.select(valid, a.fptosi(z, a.b.getI32Type()), a.i32(0));
        }
        return SmallVector<Value>{scale, zp};
      })
      ;
  out.scales = sz[0];
  out.zeroPoints = sz[1];
  return out;
}

DecodedScales BlobCodec::staticScales(Value scales, Value zeroPoints,
                                      Value tensorScale) {
  MLIRContext *ctx = b.getContext();
  AffineMap sid = AffineMap::getMultiDimIdentityMap(scaleShape.size(), ctx);
  DecodedScales out;
  out.scales = generic(b, tensorOf(scaleShape, b.getF32Type()), scaleShape,
                       scales, sid,
                       [&](Arith &a, ValueRange args, ArrayRef<Value>) {
                         return SmallVector<Value>{
                             roundScale(a, args[0], scheme.scaleFormat)};
                       })[0];
  Arith top{b, b.getLoc()};
  out.zeroPoints =
      zeroPoints
          ? zeroPoints
          : linalg::FillOp::create(
                b, top.i32(0),
                ValueRange{tensor::EmptyOp::create(b, scaleShape,
                                                   b.getI32Type())})
                .getResult(0);
  out.tensorScale = tensorScale
                        ? Value(tensor::ExtractOp::create(b, tensorScale,
                                                          ValueRange{}))
                        : top.f32(1.0f);
  return out;
}

//===----------------------------------------------------------------------===//
// Quantizing (Reference.cpp quantizeValue)
//===----------------------------------------------------------------------===//

Value BlobCodec::quantize(Value x, const DecodedScales &s) {
  MLIRContext *ctx = b.getContext();
  AffineMap id = AffineMap::getMultiDimIdentityMap(expandedShape.size(), ctx);
  AffineMap sm = scaleMap();
  Value codes = generic(
      b, tensorOf(expandedShape, b.getI32Type()), expandedShape,
      {expand(x), s.scales, s.zeroPoints}, {id, sm, sm},
      [&](Arith &a, ValueRange args, ArrayRef<Value>) {
        Value scale = args[1];
        if (scheme.tensorScale)
          scale = a.mulf(scale, s.tensorScale);
        Value v = a.divf(args[0], scale);
        if (!scheme.isInteger()) {
          MiniFloat f = miniFloatOf(scheme.format);
          Value c = a.minf(a.maxf(v, a.f32(-f.maxFinite)), a.f32(f.maxFinite));
          Value mag = roundToMini(a, math::AbsFOp::create(a.b, a.loc, c), f);
          Value r = math::CopySignOp::create(a.b, a.loc, mag, c);
          return SmallVector<Value>{
              a.select(a.isNaN(v), a.i32(f.nanCode), encodeMini(a, r, f))};
        }
        auto round = [&](Value t) -> Value {
          switch (scheme.rounding) {
          case qforge::RoundingMode::NearestEven:
            break;
          case qforge::RoundingMode::NearestAway:
            return math::RoundOp::create(a.b, a.loc, t);
          case qforge::RoundingMode::TowardZero:
            return math::TruncOp::create(a.b, a.loc, t);
          }
          return a.roundEven(t);
        };
        if (scheme.grid == qforge::IntegerGrid::Odd) {
          // Reference.cpp quantizeValue: c = clamp(round((v + m) * 0.5), 0,
          // m), value 2c - m; NaN gives +1.
          float m = float(scheme.qmax());
          Value c = round(a.mulf(a.addf(v, a.f32(m)), a.f32(0.5f)));
          c = a.minf(a.maxf(c, a.f32(0.0f)), a.f32(m));
          Value value = a.subi(a.shl(a.fptosi(c, a.b.getI32Type()), a.i32(1)),
                               a.i32(scheme.qmax()));
          return SmallVector<Value>{a.select(a.isNaN(v), a.i32(1), value)};
        }
        Value r = round(v);
        // clamp(r + zp, qmin, qmax) == clamp(r, qmin - zp, qmax - zp) + zp,
        // exactly, with integral bounds.
        Value zp = args[2];
        Value lo = a.sitofp(a.subi(a.i32(scheme.qmin()), zp), a.b.getF32Type());
        Value hi = a.sitofp(a.subi(a.i32(scheme.qmax()), zp), a.b.getF32Type());
        Value clamped = a.minf(a.maxf(r, lo), hi);
        Value code = a.addi(a.fptosi(clamped, a.b.getI32Type()), zp);
        return SmallVector<Value>{a.select(a.isNaN(v), zp, code)};
      })[0];
  return collapse(codes, tensorOf(shape, b.getI32Type()));
}

//===----------------------------------------------------------------------===//
// Encoding (Reference.cpp packBlob)
//===----------------------------------------------------------------------===//

Value BlobCodec::encode(Value codes, const DecodedScales &s) {
  // The code of 0.0 for every element: the block's zero point.
  Value zeroCodes;
  if (scheme.asymmetric) {
    AffineMap sm = scaleMap();
    zeroCodes = generic(b, tensorOf(expandedShape, b.getI32Type()),
                        expandedShape, s.zeroPoints, sm,
                        [&](Arith &, ValueRange args, ArrayRef<Value>) {
                          return SmallVector<Value>{args[0]};
                        })[0];
    zeroCodes = collapse(zeroCodes, tensorOf(shape, b.getI32Type()));
  }
  return buildBlob(codes, zeroCodes, s);
}

Value BlobCodec::buildBlob(Value codes, Value zeroCodes,
                           const DecodedScales &s) {
  Arith top{b, b.getLoc()};
  unsigned bits = scheme.bits;
  int64_t rank = shape.size();
  int64_t numElements = type.getNumElements();
  Type i8 = b.getI8Type();

  // View the codes as [leading, rows, cols] (tiled) or [elements] (packed).
  bool tiled = static_cast<bool>(type.getLayout());
  SmallVector<int64_t> view;
  if (tiled) {
    int64_t lead = 1;
    for (int64_t d = 0; d + 2 < rank; ++d)
      lead *= shape[d];
    view = {lead, shape[rank - 2], shape[rank - 1]};
  } else {
    view = {numElements};
  }
  auto reshape = [&](Value t) -> Value {
    if (!t || rank == int64_t(view.size()))
      return t;
    // Collapse into `view`: the leading dimensions (tiled) or all (packed).
    SmallVector<ReassociationIndices> re;
    if (tiled) {
      // [d0, ..., rows, cols] -> [d0 * ..., rows, cols]; rank 2 gains a
      // leading 1.
      if (rank == 2)
        return tensor::ExpandShapeOp::create(
            b, tensorOf(view, b.getI32Type()), t,
            SmallVector<ReassociationIndices>{{0, 1}, {2}});
      ReassociationIndices leading;
      for (int64_t d = 0; d + 2 < rank; ++d)
        leading.push_back(d);
      re = {leading, {rank - 2}, {rank - 1}};
    } else if (rank == 0) {
      return tensor::ExpandShapeOp::create(b, tensorOf(view, b.getI32Type()),
                                           t,
                                           SmallVector<ReassociationIndices>{});
    } else {
      ReassociationIndices all;
      for (int64_t d = 0; d < rank; ++d)
        all.push_back(d);
      re = {all};
    }
    return tensor::CollapseShapeOp::create(b, tensorOf(view, b.getI32Type()),
                                           t, re);
  };
  Value codesView = reshape(codes), zeroView = reshape(zeroCodes);

  // Code bytes: byte j gathers every code whose bits overlap [8j, 8j + 8).
  int64_t perByte = 7 / bits + 2;
  Value codeBytes = generic(
      b, tensorOf({layout.codesBytes}, i8), {layout.codesBytes}, {}, {},
      [&](Arith &a, ValueRange, ArrayRef<Value> ivs) {
        Value j8 = a.muli(a.toI64(ivs[0]), a.i64(8));
        Value first = a.divui(j8, a.i64(bits));
        Value acc = a.i64(0);
        for (int64_t t = 0; t < perByte; ++t) {
          Value c = a.addi(first, a.i64(t));
          Value inRange = a.cmpi(arith::CmpIPredicate::slt, c,
                                 a.i64(layout.numCodes));
          Value cc = a.minsi(c, a.i64(layout.numCodes - 1));
          // The code stored at position cc.
          Value code;
          if (tiled) {
            ArrayRef<int64_t> tile = type.getLayout().getTile();
            int64_t rows = view[1], cols = view[2], t0 = tile[0], t1 = tile[1];
            int64_t tpr = (cols + t1 - 1) / t1, tpc = (rows + t0 - 1) / t0;
            int64_t perLead = tpc * t0 * tpr * t1;
            Value l = a.divui(cc, a.i64(perLead));
            Value rem = a.remui(cc, a.i64(perLead));
            Value tileIdx = a.divui(rem, a.i64(t0 * t1));
            Value within = a.remui(rem, a.i64(t0 * t1));
            Value r = a.addi(a.muli(a.divui(tileIdx, a.i64(tpr)), a.i64(t0)),
                             a.divui(within, a.i64(t1)));
            Value col = a.addi(a.muli(a.remui(tileIdx, a.i64(tpr)), a.i64(t1)),
                               a.remui(within, a.i64(t1)));
            Value real = a.andi(
                a.cmpi(arith::CmpIPredicate::slt, r, a.i64(rows)),
                a.cmpi(arith::CmpIPredicate::slt, col, a.i64(cols)));
            Value rr = a.minsi(r, a.i64(rows - 1));
            Value ccol = a.minsi(col, a.i64(cols - 1));
            SmallVector<Value> at = {a.toIndex(l), a.toIndex(rr),
                                     a.toIndex(ccol)};
            Value realCode = tensor::ExtractOp::create(a.b, a.loc, codesView, at);
            Value pad = zeroView ? Value(tensor::ExtractOp::create(
                                       a.b, a.loc, zeroView, at))
                                 : a.i32(0);
            code = a.select(real, realCode, pad);
          } else {
            code = tensor::ExtractOp::create(a.b, a.loc, codesView,
                                             ValueRange{a.toIndex(cc)});
          }
          if (scheme.grid == qforge::IntegerGrid::Odd) // (value + m) / 2
            code = a.shrsi(a.addi(code, a.i32(scheme.qmax())), a.i32(1));
          Value v = a.andi(a.extui(code, a.b.getI64Type()),
                           a.i64((int64_t(1) << bits) - 1));
          v = a.select(inRange, v, a.i64(0));
          // Bit position of the code relative to the byte: in (-bits, 8].
          Value pos = a.subi(a.muli(c, a.i64(bits)), j8);
          Value neg = a.cmpi(arith::CmpIPredicate::slt, pos, a.i64(0));
          Value zero = a.i64(0);
          Value left = a.shl(v, a.select(neg, zero, pos));
          Value right = a.shrui(v, a.select(neg, a.subi(zero, pos), zero));
          acc = a.ori(acc, a.select(neg, right, left));
        }
        return SmallVector<Value>{a.trunci(acc, a.b.getI8Type())};
      })[0];

  // Scale, zero-point and tensor-scale bytes.
  unsigned sb = qforge::scaleBytes(scheme.scaleFormat);
  int64_t numScales = layout.numScales;
  // The scale tensors as 1-D [numScales].
  auto flat = [&](Value t, Type et) -> Value {
    int64_t r = scaleShape.size();
    if (r == 1)
      return t;
    if (r == 0)
      return tensor::ExpandShapeOp::create(b, tensorOf({numScales}, et), t,
                                           SmallVector<ReassociationIndices>{});
    ReassociationIndices all;
    for (int64_t d = 0; d < r; ++d)
      all.push_back(d);
    return tensor::CollapseShapeOp::create(b, tensorOf({numScales}, et), t,
                                           SmallVector<ReassociationIndices>{all});
  };
  Value scalesFlat = flat(s.scales, b.getF32Type());
  Value scaleBytes = generic(
      b, tensorOf({numScales * sb}, i8), {numScales * sb}, {}, {},
      [&](Arith &a, ValueRange, ArrayRef<Value> ivs) {
        Value j = a.toI64(ivs[0]);
        Value which = a.divui(j, a.i64(sb));
        Value shift = a.trunci(a.muli(a.remui(j, a.i64(sb)), a.i64(8)),
                               a.b.getI32Type());
        Value scale = tensor::ExtractOp::create(a.b, a.loc, scalesFlat,
                                                ValueRange{a.toIndex(which)});
        Value enc = encodeScale(a, scale, scheme.scaleFormat);
        return SmallVector<Value>{
            a.trunci(a.shrui(enc, shift), a.b.getI8Type())};
      })[0];

  Value blob = linalg::FillOp::create(
                   b, arith::ConstantIntOp::create(b, 0, 8).getResult(),
                   ValueRange{tensor::EmptyOp::create(
                       b, ArrayRef<int64_t>{layout.totalBytes}, i8)})
                   .getResult(0);
  auto insert = [&](Value part, int64_t offset) {
    auto pt = cast<RankedTensorType>(part.getType());
    if (pt.getNumElements() == 0)
      return;
    blob = tensor::InsertSliceOp::create(
        b, part, blob, ArrayRef<OpFoldResult>{b.getIndexAttr(offset)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(pt.getNumElements())},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  };
  insert(codeBytes, layout.codesOffset);
  insert(scaleBytes, layout.scalesOffset);
  if (scheme.asymmetric) {
    Value zpFlat = flat(s.zeroPoints, b.getI32Type());
    AffineMap id = AffineMap::getMultiDimIdentityMap(1, b.getContext());
    Value zpBytes = generic(b, tensorOf({numScales}, i8), {numScales}, zpFlat,
                            id, [&](Arith &a, ValueRange args, ArrayRef<Value>) {
                              return SmallVector<Value>{
                                  a.trunci(args[0], a.b.getI8Type())};
                            })[0];
    insert(zpBytes, layout.zeroPointsOffset);
  }
  if (scheme.tensorScale) {
    Value tb = top.bitsOf(s.tensorScale);
    SmallVector<Value> bytes;
    for (int i = 0; i < 4; ++i)
      bytes.push_back(top.trunci(top.shrui(tb, top.i32(8 * i)), i8));
    insert(tensor::FromElementsOp::create(b, tensorOf({4}, i8), bytes),
           layout.tensorScaleOffset);
  }
  return blob;
}
