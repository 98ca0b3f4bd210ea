//===- W4A16Matmul.cpp - weight-only f16 x int4 qf.matmul on CUDA ---------===//
//
// qf.matmul with f16 activations and constant symmetric weights of at most
// 4 bits (N x K) becomes a call to a tensor-core kernel stub
// (qf-define-cuda-kernels, MMAKind::F16W4) that dequantizes the weights in
// registers exactly as qf.dequantize does (code times the f32 scale,
// rounded to f16) and accumulates the f16 products with mma.sync in f32.
// Only the order of the f32 sums differs from the reference lowering, so
// results agree within float rounding, not bit for bit
// (docs/Semantics.md).
//
//===----------------------------------------------------------------------===//

#include "../Int8Matmul.h"
#include "qforge/Conversion/QFToNVVM/QFToNVVM.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

using namespace mlir;
using namespace mlir::qf;

std::vector<int8_t>
mlir::qf::detail::packF16W4ForMMA(const std::vector<int8_t> &rowsNxK,
                                  int64_t n, int64_t k) {
  int64_t rowBytes = (k + 31) / 32 * 16;
  std::vector<int8_t> out(size_t(n * rowBytes), 0);
  for (int64_t row = 0; row < n; ++row)
    for (int64_t word = 0; word < rowBytes / 4; ++word) {
      int64_t c = word / 4, t = word % 4;
      uint32_t bits = 0;
      for (int64_t i = 0; i < 8; ++i) {
        int64_t pair = i % 4;
        int64_t kk = 32 * c + 16 * (pair / 2) + 8 * (pair % 2) + 2 * t + i / 4;
        int32_t code = kk < k ? rowsNxK[size_t(row * k + kk)] : 0;
        bits |= uint32_t((code + 8) & 0xF) << (4 * i);
      }
      for (int64_t byte = 0; byte < 4; ++byte)
        out[size_t(row * rowBytes + word * 4 + byte)] =
            int8_t(bits >> (8 * byte));
    }
  return out;
}

namespace {

struct LowerW4A16Matmul : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto lhsType = dyn_cast<RankedTensorType>(op.getLhs().getType());
    if (!lhsType || !lhsType.getElementType().isF16())
      return rewriter.notifyMatchFailure(op, "activations are not f16");
    if (!op.getAccType().isF32())
      return rewriter.notifyMatchFailure(op, "accumulator is not f32");
    if (!op.getTransposeRhs())
      return rewriter.notifyMatchFailure(op, "weights are not stored N x K");
    QTensorType rhsType = op.getRhs().getType();
    qforge::Scheme rs = rhsType.getScheme().toScheme();
    bool perColumn = rs.isPerAxis() && rs.axis == 0;
    bool perGroup = rs.isPerGroup() && rs.axis == 1 && rs.groupSize % 64 == 0;
    if (rs.format != qforge::ElementFormat::SInt || rs.bits > 4 ||
        !rs.valuesFitWidth() || rs.asymmetric || rhsType.getLayout() ||
        !(rs.isPerTensor() || perColumn || perGroup))
      return rewriter.notifyMatchFailure(
          op, "weights are not symmetric signed integers of at most 4 bits "
              "per tensor, per column or in groups of a multiple of 64 "
              "along K, packed");
    auto resultType = op.getResult().getType();
    if (!resultType.getElementType().isF16())
      return rewriter.notifyMatchFailure(op, "result is not f16");
    int64_t m = lhsType.getShape()[0], k = lhsType.getShape()[1];
    int64_t n = resultType.getShape()[1];
    if (k % 8)
      return rewriter.notifyMatchFailure(
          op, "K % 8 is not 0 (16-byte rows for cp.async)");
    if (n % 2)
      return rewriter.notifyMatchFailure(
          op, "N is odd (the kernel stores pairs of columns)");
    FailureOr<qforge::QuantizedTensor> w =
        qf::detail::constantWeights(op, rewriter);
    if (failed(w))
      return failure();

    // Codes as N x K rows; effective f32 scales as N x groups.
    int64_t group = perGroup ? rs.groupSize : 0;
    int64_t groups = perGroup ? k / group : 1;
    std::vector<int8_t> codes(size_t(n * k));
    for (size_t i = 0; i < codes.size(); ++i)
      codes[i] = int8_t(w->codes[i]);
    std::vector<float> scales(size_t(n * groups));
    for (int64_t row = 0; row < n; ++row)
      for (int64_t g = 0; g < groups; ++g) {
        float s = w->scales[size_t(
            qforge::scaleIndexOf(w->desc, row * k + g * (perGroup ? group : 0)))];
        scales[size_t(row * groups + g)] = rs.tensorScale ? s * w->tensorScale : s;
      }
    std::vector<int8_t> packed = qf::detail::packF16W4ForMMA(codes, n, k);
    // Scales that are f16 values (as with `scale = f16`) let the kernel
    // dequantize in f16 with the same result.
    bool halfScales = llvm::all_of(scales, [](float s) {
      llvm::APFloat half(s);
      bool lost = false;
      return half.convert(llvm::APFloat::IEEEhalf(),
                          llvm::APFloat::rmNearestTiesToEven,
                          &lost) == llvm::APFloat::opOK;
    });
    auto variant = halfScales ? qf::detail::CUDAKernelVariant::F16W4HalfScales
                              : qf::detail::CUDAKernelVariant::F16W4;

    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    Type i8 = b.getI8Type(), f16 = b.getF16Type(), f32 = b.getF32Type();
    int64_t wBytes = int64_t(packed.size());
    auto wType = RankedTensorType::get({wBytes}, i8);
    auto sType = RankedTensorType::get({n * groups}, f32);
    Value wCst = arith::ConstantOp::create(
        b, wType, DenseElementsAttr::get(wType, ArrayRef<int8_t>(packed)));
    Value sCst = arith::ConstantOp::create(
        b, sType, DenseElementsAttr::get(sType, ArrayRef<float>(scales)));
    auto aMem = MemRefType::get({m, k}, f16);
    auto wMem = MemRefType::get({wBytes}, i8);
    auto sMem = MemRefType::get({n * groups}, f32);
    auto cMem = MemRefType::get({m, n}, f16);
    func::FuncOp kernel;
    {
      OpBuilder::InsertionGuard guard(rewriter);
      std::string name = "__qf_cuda_gemm_" + std::to_string(m) + "x" +
                         std::to_string(n) + "x" + std::to_string(k) +
                         "_f16_w4" + (group ? "_g" + std::to_string(group) : "") +
                         (halfScales ? "_hs" : "");
      kernel = qf::detail::getOrDeclareKernel(
          op->getParentOfType<ModuleOp>(), name, {aMem, wMem, sMem, cMem},
          kCUDAKernelAttr,
          {m, n, k, group, int64_t(variant)});
    }
    Value aBuf = bufferization::ToBufferOp::create(b, aMem, adaptor.getLhs(),
                                                   /*readOnly=*/true);
    Value wBuf = bufferization::ToBufferOp::create(b, wMem, wCst,
                                                   /*readOnly=*/true);
    Value sBuf = bufferization::ToBufferOp::create(b, sMem, sCst,
                                                   /*readOnly=*/true);
    Value cBuf = memref::AllocOp::create(b, cMem);
    func::CallOp::create(b, kernel, ValueRange{aBuf, wBuf, sBuf, cBuf});
    rewriter.replaceOp(op, bufferization::ToTensorOp::create(
                               b, RankedTensorType::get({m, n}, f16), cBuf,
                               /*restrict=*/true, /*writable=*/true));
    return success();
  }
};

} // namespace

void mlir::qf::detail::populateW4A16MatmulKernelPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    PatternBenefit benefit) {
  patterns.add<LowerW4A16Matmul>(converter, patterns.getContext(), benefit);
}
