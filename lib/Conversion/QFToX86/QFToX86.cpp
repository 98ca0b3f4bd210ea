//===- QFToX86.cpp - convert-qf-to-x86 ------------------------------------===//
//
// The reference lowering plus, with a higher benefit, an AVX-512 VNNI
// lowering of int8 qf.matmul with constant weights:
//
//   * the weights are repacked at compile time (by the C++ reference) into
//     64-byte blocks of 16 output columns x 4 consecutive K values, the
//     operand layout of `vpdpbusd`, with the per-column sums of the weights;
//   * activations are used as unsigned bytes (signed codes shifted by 128),
//     and a generated microkernel keeps a 4 x 64 block of i32 accumulators in
//     16 zmm registers;
//   * an epilogue subtracts (zero point + shift) * column sum and applies the
//     scales in the order of the reference (docs/Semantics.md), so the result
//     is bit-exact with convert-qf-to-linalg.
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QFToX86/QFToX86.h"

#include "../Int8Matmul.h"
#include "../QFToLinalg/BlobCodec.h"
#include "qforge/Conversion/QFToLinalg/QFToLinalg.h"
#include "qforge/Dialect/QF/IR/QFBlob.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::qf {
#define GEN_PASS_DEF_CONVERTQFTOX86PASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;
using mlir::qf::detail::BlobCodec;
using mlir::qf::detail::DecodedScales;

namespace {


/// The weight-only int4 kernel
///   Y[M, N] (f32) = X[M, K] (f32) . dequantize(W[N, K] i4, groups along K)
/// reading W's codes and f32 scales straight from its blob.
func::FuncOp getOrDeclareW4Kernel(ModuleOp module, int64_t m, int64_t n,
                                  int64_t k, int64_t group,
                                  int64_t scalesOffset, int64_t blobBytes) {
  Builder b(module.getContext());
  std::string name = "__qf_w4_gemv_" + std::to_string(m) + "x" +
                     std::to_string(n) + "x" + std::to_string(k) + "_g" +
                     std::to_string(group);
  return qf::detail::getOrDeclareKernel(module, name,
                            {MemRefType::get({m, k}, b.getF32Type()),
                             MemRefType::get({blobBytes}, b.getI8Type()),
                             MemRefType::get({m, n}, b.getF32Type())},
                            kX86W4KernelAttr,
                            {m, n, k, group, scalesOffset});
}

/// Weight-only matmul with f32 activations and symmetric int4 weights
/// (N x K, groups of a multiple of 128 along K, f32 scales) -> a kernel that
/// unpacks nibbles in registers and accumulates in f32. A float path: the
/// group scale is applied to each group's partial sum and lanes are summed
/// in a different order than the reference, so results agree within float
/// rounding, not bit for bit (docs/Semantics.md).
struct LowerWeightOnlyInt4 : OpConversionPattern<MatmulOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(MatmulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto lhsType = dyn_cast<RankedTensorType>(op.getLhs().getType());
    if (!lhsType || !lhsType.getElementType().isF32() ||
        !op.getAccType().isF32())
      return rewriter.notifyMatchFailure(op, "not f32 activations and acc");
    QTensorType rhsType = op.getRhs().getType();
    qforge::Scheme rs = rhsType.getScheme().toScheme();
    if (!op.getTransposeRhs() || rs.format != qforge::ElementFormat::SInt ||
        rs.bits != 4 || !rs.valuesFitWidth() || rs.asymmetric || rs.tensorScale ||
        !rs.isPerGroup() || rs.axis != 1 || rs.groupSize % 128 ||
        rs.scaleFormat != qforge::ScaleFormat::F32 || rhsType.getLayout())
      return rewriter.notifyMatchFailure(
          op, "weights are not N x K symmetric i4 in groups of 128k along K "
              "with f32 scales, packed");
    int64_t m = lhsType.getShape()[0], k = lhsType.getShape()[1];
    int64_t n = rhsType.getShape()[0];
    qforge::BlobLayout layout = rhsType.getBlobLayout();
    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    auto module = op->getParentOfType<ModuleOp>();
    func::FuncOp kernel;
    {
      OpBuilder::InsertionGuard guard(rewriter);
      kernel = getOrDeclareW4Kernel(module, m, n, k, rs.groupSize,
                                    layout.scalesOffset, layout.totalBytes);
    }
    Type f32 = b.getF32Type(), i8 = b.getI8Type();
    Value xBuf = bufferization::ToBufferOp::create(
        b, MemRefType::get({m, k}, f32), adaptor.getLhs(), /*readOnly=*/true);
    Value wBuf = bufferization::ToBufferOp::create(
        b, MemRefType::get({layout.totalBytes}, i8), adaptor.getRhs(),
        /*readOnly=*/true);
    Value yBuf = memref::AllocOp::create(b, MemRefType::get({m, n}, f32));
    func::CallOp::create(b, kernel, ValueRange{xBuf, wBuf, yBuf});
    rewriter.replaceOp(op, bufferization::ToTensorOp::create(
                               b, RankedTensorType::get({m, n}, f32), yBuf,
                               /*restrict=*/true, /*writable=*/true));
    return success();
  }
};

struct ConvertQFToX86Pass
    : qf::impl::ConvertQFToX86PassBase<ConvertQFToX86Pass> {
  void runOnOperation() override {
    QFBlobTypeConverter converter;
    RewritePatternSet patterns(&getContext());
    populateQFToLinalgPatterns(converter, patterns);
    qf::detail::populateInt8MatmulKernelPatterns(
        converter, patterns, qf::detail::Int8Kernel::X86VNNI, /*benefit=*/2);
    patterns.add<LowerWeightOnlyInt4>(converter, &getContext(),
                                      /*benefit=*/2);
    if (failed(applyQFConversion(getOperation(), converter,
                                 std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
