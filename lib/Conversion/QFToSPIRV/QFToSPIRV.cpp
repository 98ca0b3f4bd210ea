//===- QFToSPIRV.cpp - convert-qf-to-spirv --------------------------------===//
//
// The reference lowering plus, with a higher benefit, Vulkan kernels for
// integer qf.matmul with constant weights. Everything else runs on the host.
//
// An eligible matmul becomes:
//
//   * at compile time, the weight codes repacked into 32-bit words (N rows of
//     K codes, floor(32 / bits) codes per word, the first code in the low
//     bits), the weight zero point of every (group, column), and the sums of
//     the centered weights (code - zero point) of every (group, column);
//   * on the host, the activation codes (the first M*K bytes of their blob)
//     and the activation zero point of every row;
//   * a call to a kernel stub (qf-define-vulkan-kernels gives it a body) that
//     writes acc[g, m, n] = sum over the group of (a - za) * (w - zw), exact
//     in i32;
//   * a host epilogue that applies the scales in the order of the reference
//     (docs/Semantics.md), so the results are bit-exact with
//     convert-qf-to-linalg.
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QFToSPIRV/QFToSPIRV.h"

#include "../Int8Matmul.h"
#include "../QFToLinalg/BlobCodec.h"
#include "qforge/Conversion/QFToLinalg/QFToLinalg.h"
#include "qforge/Dialect/QF/IR/QFBlob.h"
#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Quantization/Reference.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVAttributes.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/AsmParser/AsmParser.h"

namespace mlir::qf {
#define GEN_PASS_DEF_CONVERTQFTOSPIRVPASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;
using mlir::qf::detail::BlobCodec;
using mlir::qf::detail::DecodedScales;

Attribute mlir::qf::parseVulkanTargetEnv(MLIRContext *ctx, StringRef text,
                                         std::string &error) {
  ctx->getOrLoadDialect<spirv::SPIRVDialect>();
  std::string attr;
  if (text == "vulkan-dot")
    attr = "#spirv.target_env<#spirv.vce<v1.6, [Shader, Int8, Int16, "
           "StorageBuffer8BitAccess, DotProduct, DotProductInput4x8BitPacked], "
           "[SPV_KHR_8bit_storage, SPV_KHR_storage_buffer_storage_class]>, "
           "api=Vulkan, #spirv.resource_limits<>>";
  else if (text == "vulkan-int8")
    attr = "#spirv.target_env<#spirv.vce<v1.3, [Shader, Int8, Int16, "
           "StorageBuffer8BitAccess], [SPV_KHR_8bit_storage, "
           "SPV_KHR_storage_buffer_storage_class]>, api=Vulkan, "
           "#spirv.resource_limits<>>";
  else if (text == "vulkan-basic")
    attr = "#spirv.target_env<#spirv.vce<v1.0, [Shader], "
           "[SPV_KHR_storage_buffer_storage_class]>, api=Vulkan, "
           "#spirv.resource_limits<>>";
  else
    attr = text.str();
  Attribute parsed = parseAttribute(attr, ctx);
  if (!parsed || !isa<spirv::TargetEnvAttr>(parsed)) {
    error = "invalid SPIR-V target environment '" + text.str() +
            "': expected vulkan-dot, vulkan-int8, vulkan-basic or a "
            "#spirv.target_env<...> attribute";
    return nullptr;
  }
  return parsed;
}

namespace {

/// The weights as the Vulkan kernel reads them.
struct PackedWeights {
  int64_t groups = 1, groupSize = 0, wordsPerRow = 0;
  std::vector<int32_t> words;      ///< [N][wordsPerRow]
  std::vector<int32_t> zeroPoints; ///< [groups][N]
  std::vector<int32_t> sums;       ///< [groups][N], of code - zero point
  std::vector<float> scales;       ///< [groups][N], f32(block * tensor)
  bool fitsI8 = true;              ///< every code - zero point is in i8
};

/// Repacks the logical codes of constant weights (K x N, or N x K with
/// `transpose`). Fails when a scale or zero point varies inside a group of
/// a column (scales grouped along N in blocks that split... any layout where
/// the per-(group, column) model does not hold).
std::optional<PackedWeights> packWeights(const qforge::QuantizedTensor &w,
                                         int64_t n, int64_t k, bool transpose,
                                         std::string &why) {
  const qforge::Scheme &s = w.desc.scheme;
  int64_t kAxis = transpose ? 1 : 0;
  PackedWeights p;
  p.groupSize = s.isPerGroup() && s.axis == kAxis ? s.groupSize : k;
  if (k % p.groupSize) {
    why = "the weight group size does not divide K";
    return std::nullopt;
  }
  p.groups = k / p.groupSize;
  int64_t perWord = 32 / s.bits;
  p.wordsPerRow = (k + perWord - 1) / perWord;
  p.words.assign(size_t(n * p.wordsPerRow), 0);
  p.zeroPoints.assign(size_t(p.groups * n), 0);
  p.sums.assign(size_t(p.groups * n), 0);
  p.scales.assign(size_t(p.groups * n), 0.0f);
  uint32_t mask = s.bits == 32 ? ~0u : ((1u << s.bits) - 1);
  for (int64_t col = 0; col < n; ++col) {
    for (int64_t g = 0; g < p.groups; ++g) {
      int64_t first = transpose ? col * k + g * p.groupSize
                                : g * p.groupSize * n + col;
      int64_t si = qforge::scaleIndexOf(w.desc, first);
      int32_t zp = s.asymmetric ? w.zeroPoints[size_t(si)] : 0;
      size_t cell = size_t(g * n + col);
      p.zeroPoints[cell] = zp;
      float scale = w.scales[size_t(si)];
      p.scales[cell] = s.tensorScale ? scale * w.tensorScale : scale;
      for (int64_t kk = g * p.groupSize; kk < (g + 1) * p.groupSize; ++kk) {
        int64_t linear = transpose ? col * k + kk : kk * n + col;
        if (qforge::scaleIndexOf(w.desc, linear) != si) {
          why = "the weight scales vary inside a K group of a column";
          return std::nullopt;
        }
        int32_t code = w.codes[size_t(linear)];
        int32_t centered = code - zp;
        p.sums[cell] += centered;
        p.fitsI8 = p.fitsI8 && centered >= -128 && centered <= 127;
        uint32_t bits = (uint32_t(code) & mask) << ((kk % perWord) * s.bits);
        p.words[size_t(col * p.wordsPerRow + kk / perWord)] |= int32_t(bits);
      }
    }
  }
  return p;
}

/// Declares the kernel stub for one matmul configuration:
/// (A: M*K x i8, W: N*wordsPerRow x i32, ZW: G*N x i32, SW: G*N x i32,
///  ZA: M x i32, C: G*M*N x i32).
func::FuncOp getOrDeclareVulkanKernel(ModuleOp module, int64_t m, int64_t n,
                                      int64_t k, const PackedWeights &p,
                                      const qforge::Scheme &ws, bool signedA) {
  Builder b(module.getContext());
  Type i8 = b.getI8Type(), i32 = b.getI32Type();
  bool signedW = ws.format == qforge::ElementFormat::SInt;
  std::string name = "__qf_vk_gemm_" + std::to_string(m) + "x" +
                     std::to_string(n) + "x" + std::to_string(k) + "_g" +
                     std::to_string(p.groupSize) + "_w" +
                     (signedW ? "s" : "u") + std::to_string(ws.bits) + "_a" +
                     (signedA ? "s8" : "u8") + (p.fitsI8 ? "" : "_wide");
  return qf::detail::getOrDeclareKernel(
      module, name,
      {MemRefType::get({m * k}, i8), MemRefType::get({n * p.wordsPerRow}, i32),
       MemRefType::get({p.groups * n}, i32),
       MemRefType::get({p.groups * n}, i32), MemRefType::get({m}, i32),
       MemRefType::get({p.groups * m * n}, i32)},
      kVulkanKernelAttr,
      {m, n, k, p.groupSize, ws.bits, signedW ? 1 : 0, signedA ? 1 : 0,
       p.fitsI8 ? 1 : 0});
}

template <typename T>
Value constantVector(ImplicitLocOpBuilder &b, Type elem, ArrayRef<T> values) {
  auto type = RankedTensorType::get({int64_t(values.size())}, elem);
  return arith::ConstantOp::create(b, type,
                                   DenseElementsAttr::get(type, values));
}

/// The constant integer weights of `op` (1 to 8 bits), repacked for the
/// kernels, or a match failure naming why not.
FailureOr<PackedWeights> packConstantWeights(MatmulOp op, int64_t n,
                                             int64_t k,
                                             ConversionPatternRewriter &rw) {
  QTensorType rhsType = op.getRhs().getType();
  qforge::Scheme rs = rhsType.getScheme().toScheme();
  if (!rs.isInteger() || rs.bits > 8 || !rs.valuesFitWidth())
    return rw.notifyMatchFailure(
        op, "weights are not integer codes that fit their width");
  FailureOr<qforge::QuantizedTensor> w = qf::detail::constantWeights(op, rw);
  if (failed(w))
    return failure();
  std::string why;
  std::optional<PackedWeights> packed =
      packWeights(*w, n, k, op.getTransposeRhs(), why);
  if (!packed)
    return rw.notifyMatchFailure(op, why);
  return std::move(*packed);
}

/// Read-only buffers of `tensors` (1-D), for a kernel call.
SmallVector<Value> toBuffers(ImplicitLocOpBuilder &b, ValueRange tensors) {
  SmallVector<Value> buffers;
  for (Value t : tensors) {
    auto tt = cast<RankedTensorType>(t.getType());
    buffers.push_back(bufferization::ToBufferOp::create(
        b, MemRefType::get(tt.getShape(), tt.getElementType()), t,
        /*readOnly=*/true));
  }
  return buffers;
}

/// qf.matmul with 8-bit integer activations and constant integer weights
/// -> a Vulkan kernel call + host epilogue.
struct LowerMatmulToVulkan : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto lhsType = dyn_cast<QTensorType>(op.getLhs().getType());
    if (!lhsType)
      return rewriter.notifyMatchFailure(op, "float activations");
    QTensorType rhsType = op.getRhs().getType();
    qforge::Scheme ls = lhsType.getScheme().toScheme();
    qforge::Scheme rs = rhsType.getScheme().toScheme();
    if (!ls.isInteger() || ls.bits != 8 || !ls.valuesFitWidth() ||
        lhsType.getLayout() || ls.tensorScale)
      return rewriter.notifyMatchFailure(
          op, "activations are not 8-bit integer codes, unpacked");
    if (!(ls.isPerTensor() || (ls.isPerAxis() && ls.axis == 0)))
      return rewriter.notifyMatchFailure(
          op, "activation scales are not per tensor or per row");
    if (!op.getAccType().isInteger(32))
      return rewriter.notifyMatchFailure(op, "accumulator is not i32");
    int64_t m = lhsType.getShape()[0], k = lhsType.getShape()[1];
    int64_t n = op.getResult().getType().getShape()[1];
    FailureOr<PackedWeights> packed = packConstantWeights(op, n, k, rewriter);
    if (failed(packed))
      return failure();
    Type resultElem = op.getResult().getType().getElementType();
    bool rawResult = isa<IntegerType>(resultElem);
    if (rawResult && packed->groups != 1)
      return rewriter.notifyMatchFailure(op, "raw result with several groups");

    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    MLIRContext *ctx = b.getContext();
    Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32 = b.getF32Type();
    bool signedA = ls.format == qforge::ElementFormat::SInt;
    int64_t groups = packed->groups;

    // Activations: the codes section of the blob is the M x K byte matrix;
    // their zero point of every row.
    Value blob = adaptor.getLhs();
    Value a = tensor::ExtractSliceOp::create(
        b, RankedTensorType::get({m * k}, i8), blob,
        ArrayRef<OpFoldResult>{b.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(m * k)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
    BlobCodec codec(b, lhsType);
    DecodedScales s = codec.decodeScales(blob);
    AffineMap row1 = ls.isPerTensor()
                         ? AffineMap::get(1, 0, {}, ctx)
                         : AffineMap::getMultiDimIdentityMap(1, ctx);
    auto mI32 = RankedTensorType::get({m}, i32);
    Value za =
        linalg::GenericOp::create(
            b, mI32, ValueRange{s.zeroPoints},
            ValueRange{tensor::EmptyOp::create(b, ArrayRef<int64_t>{m}, i32)},
            ArrayRef<AffineMap>{row1, AffineMap::getMultiDimIdentityMap(1, ctx)},
            SmallVector<utils::IteratorType>{utils::IteratorType::parallel},
            [](OpBuilder &nb, Location l, ValueRange args) {
              linalg::YieldOp::create(nb, l, args[0]);
            })
            .getResult(0);

    // The kernel works on buffers.
    auto module = op->getParentOfType<ModuleOp>();
    func::FuncOp kernel;
    {
      OpBuilder::InsertionGuard guard(rewriter);
      kernel = getOrDeclareVulkanKernel(module, m, n, k, *packed, rs, signedA);
    }
    SmallVector<Value> buffers =
        toBuffers(b, {a, constantVector(b, i32, ArrayRef(packed->words)),
                      constantVector(b, i32, ArrayRef(packed->zeroPoints)),
                      constantVector(b, i32, ArrayRef(packed->sums)), za});
    auto cMem = MemRefType::get({groups * m * n}, i32);
    Value cBuf = memref::AllocOp::create(b, cMem);
    buffers.push_back(cBuf);
    func::CallOp::create(b, kernel, buffers);
    Value flat = bufferization::ToTensorOp::create(
        b, RankedTensorType::get({groups * m * n}, i32), cBuf,
        /*restrict=*/true, /*writable=*/true);
    Value acc = tensor::ExpandShapeOp::create(
        b, RankedTensorType::get({groups, m, n}, i32), flat,
        SmallVector<ReassociationIndices>{{0, 1, 2}});

    if (rawResult) {
      Value y = tensor::CollapseShapeOp::create(
          b, RankedTensorType::get({m, n}, i32), acc,
          SmallVector<ReassociationIndices>{{0, 1}, {2}});
      rewriter.replaceOp(op, y);
      return success();
    }

    // Epilogue, in the reference order: s = 0; for g: s += sw * f32(acc_g);
    // y = sa * s.
    auto gnF32 = RankedTensorType::get({groups, n}, f32);
    Value sw = tensor::ExpandShapeOp::create(
        b, gnF32, constantVector(b, f32, ArrayRef(packed->scales)),
        SmallVector<ReassociationIndices>{{0, 1}});
    auto mnF32 = RankedTensorType::get({m, n}, f32);
    Value zero = linalg::FillOp::create(
                     b, ValueRange{arith::ConstantFloatOp::create(
                            b, b.getF32Type(), APFloat(0.0f))},
                     ValueRange{tensor::EmptyOp::create(
                         b, ArrayRef<int64_t>{m, n}, f32)})
                     .getResult(0);
    // Iteration space (m, n, g), g innermost and sequential.
    auto d = [&](unsigned i) { return b.getAffineDimExpr(i); };
    AffineMap accMap = AffineMap::get(3, 0, {d(2), d(0), d(1)}, ctx);
    AffineMap swMap = AffineMap::get(3, 0, {d(2), d(1)}, ctx);
    AffineMap outMap = AffineMap::get(3, 0, {d(0), d(1)}, ctx);
    Value sum =
        linalg::GenericOp::create(
            b, mnF32, ValueRange{acc, sw}, ValueRange{zero},
            ArrayRef<AffineMap>{accMap, swMap, outMap},
            SmallVector<utils::IteratorType>{utils::IteratorType::parallel,
                                             utils::IteratorType::parallel,
                                             utils::IteratorType::reduction},
            [&](OpBuilder &nb, Location l, ValueRange args) {
              Value v = arith::SIToFPOp::create(nb, l, f32, args[0]);
              Value t = arith::MulFOp::create(nb, l, args[1], v);
              linalg::YieldOp::create(
                  nb, l, arith::AddFOp::create(nb, l, args[2], t).getResult());
            })
            .getResult(0);
    AffineMap id = AffineMap::getMultiDimIdentityMap(2, ctx);
    AffineMap row = ls.isPerTensor()
                        ? AffineMap::get(2, 0, {}, ctx)
                        : AffineMap::get(2, 0, {d(0)}, ctx);
    Value y =
        linalg::GenericOp::create(
            b, mnF32, ValueRange{sum, s.scales},
            ValueRange{tensor::EmptyOp::create(b, ArrayRef<int64_t>{m, n}, f32)},
            ArrayRef<AffineMap>{id, row, id},
            SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
            [&](OpBuilder &nb, Location l, ValueRange args) {
              linalg::YieldOp::create(
                  nb, l,
                  arith::MulFOp::create(nb, l, args[1], args[0]).getResult());
            })
            .getResult(0);
    rewriter.replaceOp(op, codec.fromF32(y, resultElem));
    return success();
  }
};

/// qf.matmul with f32 activations and constant integer weights
/// (weight-only) -> a Vulkan kernel that dequantizes the weights in
/// workgroup memory and accumulates in the reference order (k increasing,
/// no contraction), writing the f32 result.
struct LowerWeightOnlyMatmulToVulkan : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto lhsType = dyn_cast<RankedTensorType>(op.getLhs().getType());
    if (!lhsType || !lhsType.getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "activations are not f32");
    if (!op.getAccType().isF32() ||
        !op.getResult().getType().getElementType().isF32())
      return rewriter.notifyMatchFailure(op, "accumulator or result not f32");
    qforge::Scheme rs = op.getRhs().getType().getScheme().toScheme();
    int64_t m = lhsType.getShape()[0], k = lhsType.getShape()[1];
    int64_t n = op.getResult().getType().getShape()[1];
    FailureOr<PackedWeights> packed = packConstantWeights(op, n, k, rewriter);
    if (failed(packed))
      return failure();

    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Type i32 = b.getI32Type(), f32 = b.getF32Type();
    bool signedW = rs.format == qforge::ElementFormat::SInt;
    auto module = op->getParentOfType<ModuleOp>();
    func::FuncOp kernel;
    {
      OpBuilder::InsertionGuard guard(rewriter);
      std::string name = "__qf_vk_wgemm_" + std::to_string(m) + "x" +
                         std::to_string(n) + "x" + std::to_string(k) + "_g" +
                         std::to_string(packed->groupSize) + "_w" +
                         (signedW ? "s" : "u") + std::to_string(rs.bits);
      kernel = qf::detail::getOrDeclareKernel(
          module, name,
          {MemRefType::get({m * k}, f32),
           MemRefType::get({n * packed->wordsPerRow}, i32),
           MemRefType::get({packed->groups * n}, i32),
           MemRefType::get({packed->groups * n}, f32),
           MemRefType::get({m * n}, f32)},
          kVulkanFloatKernelAttr,
          {m, n, k, packed->groupSize, rs.bits, signedW ? 1 : 0});
    }
    Value x = tensor::CollapseShapeOp::create(
        b, RankedTensorType::get({m * k}, f32), adaptor.getLhs(),
        SmallVector<ReassociationIndices>{{0, 1}});
    SmallVector<Value> buffers =
        toBuffers(b, {x, constantVector(b, i32, ArrayRef(packed->words)),
                      constantVector(b, i32, ArrayRef(packed->zeroPoints)),
                      constantVector(b, f32, ArrayRef(packed->scales))});
    Value yBuf = memref::AllocOp::create(b, MemRefType::get({m * n}, f32));
    buffers.push_back(yBuf);
    func::CallOp::create(b, kernel, buffers);
    Value flat = bufferization::ToTensorOp::create(
        b, RankedTensorType::get({m * n}, f32), yBuf, /*restrict=*/true,
        /*writable=*/true);
    rewriter.replaceOpWithNewOp<tensor::ExpandShapeOp>(
        op, RankedTensorType::get({m, n}, f32), flat,
        SmallVector<ReassociationIndices>{{0, 1}});
    return success();
  }
};

struct ConvertQFToSPIRVPass
    : qf::impl::ConvertQFToSPIRVPassBase<ConvertQFToSPIRVPass> {
  void runOnOperation() override {
    qf::QFBlobTypeConverter converter;
    RewritePatternSet patterns(&getContext());
    qf::populateQFToLinalgPatterns(converter, patterns);
    patterns.add<LowerMatmulToVulkan, LowerWeightOnlyMatmulToVulkan>(
        converter, &getContext(), /*benefit=*/2);
    if (failed(qf::applyQFConversion(getOperation(), converter,
                                     std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
