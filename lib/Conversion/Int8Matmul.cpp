//===- Int8Matmul.cpp - int8 qf.matmul to target kernels ------------------===//
//
// Shared by convert-qf-to-x86 (AVX-512 VNNI) and convert-qf-to-nvvm (CUDA
// tensor cores or dp4a): qf.matmul with 8-bit integer activations and
// constant symmetric weights (8-bit; on CUDA any width whose values fit a
// byte) becomes a call to a kernel on buffers and an epilogue:
//
//   * the weights are repacked at compile time (by the C++ reference) into
//     the kernel's layout, with their column sums and scales;
//   * the activation codes are the first M*K bytes of their blob;
//   * the kernel computes raw i32 sums (of activations shifted by +128 for
//     vpdpbusd, -128 for mma.sync with unsigned ones); the epilogue subtracts
//     (zero point + shift) * column sum and applies the scales in the order
//     of the reference (docs/Semantics.md), so results are bit-exact with
//     convert-qf-to-linalg.
//
// Kernels are only declared here (functions with a `qf.x86_kernel` /
// `qf.cuda_kernel` attribute); qf-define-x86-kernels / qf-define-cuda-kernels
// give them bodies after bufferization.
//
//===----------------------------------------------------------------------===//

#include "Int8Matmul.h"

#include "QFToLinalg/BlobCodec.h"
#include "qforge/Conversion/QFToNVVM/QFToNVVM.h"
#include "qforge/Conversion/QFToX86/QFToX86.h"
#include "qforge/Dialect/QF/IR/QFBlob.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/BuiltinOps.h"

using namespace mlir;
using namespace mlir::qf;
using mlir::qf::detail::BlobCodec;
using mlir::qf::detail::CUDAKernelVariant;
using mlir::qf::detail::DecodedScales;
using mlir::qf::detail::Int8Kernel;

/// Declares (once per name) a private kernel on memrefs whose body
/// qf-define-x86-kernels emits after bufferization from the attribute
/// `attr` = `shape`, so buffer analyses never see the LLVM intrinsics in it.
func::FuncOp mlir::qf::detail::getOrDeclareKernel(ModuleOp module, StringRef name,
                                ArrayRef<Type> argTypes, StringRef attr,
                                ArrayRef<int64_t> shape) {
  if (auto f = module.lookupSymbol<func::FuncOp>(name))
    return f;
  OpBuilder mb = OpBuilder::atBlockEnd(module.getBody());
  auto func = func::FuncOp::create(
      mb, module.getLoc(), name,
      FunctionType::get(module.getContext(), argTypes, {}));
  func.setPrivate();
  func->setAttr(attr, mb.getDenseI64ArrayAttr(shape));
  return func;
}

FailureOr<qforge::QuantizedTensor>
mlir::qf::detail::constantWeights(MatmulOp op,
                                  ConversionPatternRewriter &rewriter) {
  auto cst = op.getRhs().getDefiningOp<ConstantOp>();
  std::optional<std::vector<uint8_t>> bytes =
      cst ? getBlobBytes(cst.getValue()) : std::nullopt;
  if (!bytes)
    return rewriter.notifyMatchFailure(op, "weights are not a dense constant");
  std::optional<qforge::QuantizedTensor> w = qforge::unpackBlob(
      bytes->data(), bytes->size(), op.getRhs().getType().getDesc());
  if (!w)
    return rewriter.notifyMatchFailure(op, "invalid weight blob");
  return std::move(*w);
}

std::vector<int8_t>
mlir::qf::detail::packNibblesForMMA(const std::vector<int8_t> &rowsNxK,
                                    int64_t n, int64_t k) {
  int64_t rowBytes = (k + 31) / 32 * 16;
  std::vector<int8_t> out(size_t(n * rowBytes), 0);
  auto code = [&](int64_t row, int64_t kk) -> uint8_t {
    return kk < k ? uint8_t(rowsNxK[size_t(row * k + kk)]) & 0xF : 0;
  };
  for (int64_t row = 0; row < n; ++row)
    for (int64_t byte = 0; byte < rowBytes; ++byte) {
      int64_t kk = byte / 16 * 32 + byte % 16;
      out[size_t(row * rowBytes + byte)] =
          int8_t(code(row, kk) | code(row, kk + 16) << 4);
    }
  return out;
}

namespace {

/// The packed weights and what the epilogue needs of them.
struct PackedWeights {
  std::vector<int8_t> blocks; ///< [N/16][K/4][16][4] (x86) or [N][K]
  std::vector<int32_t> columnSums;
  std::vector<float> columnScales; ///< effective scale of every column
};

/// Repacks constant i8 weights (K x N, or N x K with `transpose`) for the
/// kernel: 64-byte blocks of 16 columns x 4 K values for vpdpbusd, or plain
/// N x K rows (4 consecutive K values per dp4a) for CUDA.
PackedWeights packWeights(const qforge::QuantizedTensor &w, int64_t n,
                          int64_t k, bool transpose, Int8Kernel kind) {
  PackedWeights p;
  p.blocks.resize(size_t(n * k));
  p.columnSums.assign(size_t(n), 0);
  p.columnScales.resize(size_t(n));
  const qforge::Scheme &s = w.desc.scheme;
  for (int64_t col = 0; col < n; ++col) {
    for (int64_t kk = 0; kk < k; ++kk) {
      int64_t linear = transpose ? col * k + kk : kk * n + col;
      int32_t code = w.codes[size_t(linear)];
      int64_t pos = kind == Int8Kernel::X86VNNI
                        ? ((col / 16) * (k / 4) + kk / 4) * 64 +
                              (col % 16) * 4 + kk % 4
                        : col * k + kk;
      p.blocks[size_t(pos)] = int8_t(code);
      p.columnSums[size_t(col)] += code;
    }
    int64_t first = transpose ? col * k : col;
    float scale = w.scales[size_t(qforge::scaleIndexOf(w.desc, first))];
    p.columnScales[size_t(col)] = s.tensorScale ? scale * w.tensorScale : scale;
  }
  return p;
}

/// The int8 kernel C[M, N] (i32) = A[M, K] (u8 after `xor`) . Wpacked.
func::FuncOp getOrDeclareVNNIKernel(ModuleOp module, int64_t m, int64_t n,
                                    int64_t k, bool flipSign) {
  Builder b(module.getContext());
  std::string name = "__qf_vnni_gemm_" + std::to_string(m) + "x" +
                     std::to_string(n) + "x" + std::to_string(k) +
                     (flipSign ? "_s8" : "_u8");
  return qf::detail::getOrDeclareKernel(
      module, name,
      {MemRefType::get({m, k}, b.getI8Type()),
       MemRefType::get({n * k}, b.getI8Type()),
       MemRefType::get({m, n}, b.getI32Type())},
      kX86KernelAttr, {m, n, k, flipSign ? 1 : 0});
}

/// The CUDA kernel host stub C[M, N] (i32) = A[M, K] . W[N, K]^T (A signed
/// or unsigned bytes as given; W `wBytes` bytes in the layout of `variant`).
func::FuncOp getOrDeclareCUDAKernel(ModuleOp module, int64_t m, int64_t n,
                                    int64_t k, bool signedA,
                                    CUDAKernelVariant variant,
                                    int64_t wBytes) {
  Builder b(module.getContext());
  static const char *const suffix[] = {"", "_mma", "_mma_w4"};
  std::string name = "__qf_cuda_gemm_" + std::to_string(m) + "x" +
                     std::to_string(n) + "x" + std::to_string(k) +
                     (signedA ? "_s8" : "_u8") + suffix[int64_t(variant)];
  return qf::detail::getOrDeclareKernel(
      module, name,
      {MemRefType::get({m, k}, b.getI8Type()),
       MemRefType::get({wBytes}, b.getI8Type()),
       MemRefType::get({m, n}, b.getI32Type())},
      kCUDAKernelAttr, {m, n, k, signedA ? 1 : 0, int64_t(variant)});
}

/// qf.matmul with 8-bit integer activations and constant, symmetric integer
/// weights (per tensor or per column; 8-bit for x86, any width whose values
/// fit i8 for CUDA) -> a kernel call + epilogue.
struct LowerInt8Matmul : OpConversionPattern<MatmulOp> {
  LowerInt8Matmul(const TypeConverter &converter, MLIRContext *ctx,
                  Int8Kernel kind, PatternBenefit benefit)
      : OpConversionPattern(converter, ctx, benefit), kind(kind) {}
  Int8Kernel kind;

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
        lhsType.getLayout())
      return rewriter.notifyMatchFailure(op, "activations are not 8-bit "
                                             "integer codes, packed");
    bool cuda = kind != Int8Kernel::X86VNNI;
    if (rs.format != qforge::ElementFormat::SInt ||
        (cuda ? rs.bits > 8 : rs.bits != 8) || !rs.valuesFitWidth() ||
        rs.asymmetric || rs.isPerGroup() || rhsType.getLayout())
      return rewriter.notifyMatchFailure(
          op, cuda ? "weights are not symmetric signed integers of at most 8 "
                     "bits per tensor / per column, packed"
                   : "weights are not symmetric i8 per tensor / per column, "
                     "packed");
    if (!op.getAccType().isInteger(32))
      return rewriter.notifyMatchFailure(op, "accumulator is not i32");
    int64_t m = lhsType.getShape()[0], k = lhsType.getShape()[1];
    int64_t n = op.getResult().getType().getShape()[1];
    if (k % 4 || n % 16)
      return rewriter.notifyMatchFailure(op, "K % 4 or N % 16 is not 0");
    // Sums of unsigned activations times weights must not overflow i32.
    if (double(k) * 255.0 * 128.0 >= 2147483648.0)
      return rewriter.notifyMatchFailure(op, "K too large for i32 partial sums");
    FailureOr<qforge::QuantizedTensor> w =
        qf::detail::constantWeights(op, rewriter);
    if (failed(w))
      return failure();
    PackedWeights packed = packWeights(*w, n, k, op.getTransposeRhs(), kind);
    // CUDA: tensor cores (mma.sync m16n8k32) where the shape allows (at
    // least one 16-row tile; 16-byte rows for cp.async), with 4-bit weights
    // kept as nibbles and unpacked in registers; dp4a elsewhere.
    CUDAKernelVariant variant = CUDAKernelVariant::DP4A;
    if (kind == Int8Kernel::CUDAMMA && m >= 16 && k % 16 == 0)
      variant = rs.bits <= 4 ? CUDAKernelVariant::MMAW4
                             : CUDAKernelVariant::MMAW8;
    if (variant == CUDAKernelVariant::MMAW4)
      packed.blocks = qf::detail::packNibblesForMMA(packed.blocks, n, k);

    ImplicitLocOpBuilder b(op.getLoc(), rewriter);
    MLIRContext *ctx = b.getContext();
    Type i8 = b.getI8Type(), i32 = b.getI32Type(), f32 = b.getF32Type();
    // vpdpbusd multiplies unsigned by signed bytes: signed activations are
    // shifted by 128 (xor in the kernel) and corrected in the epilogue.
    // dp4a takes signed or unsigned bytes as they are.
    // mma.sync takes signed bytes here: the tensor-core kernels flip
    // unsigned activations to signed (xor 0x80, i.e. minus 128).
    bool signedA = ls.format == qforge::ElementFormat::SInt;
    bool flip = kind == Int8Kernel::X86VNNI && signedA;
    int32_t shift = flip ? 128 : 0;
    if (variant != CUDAKernelVariant::DP4A && !signedA)
      shift = -128;

    // Activations: the codes section of the blob is the M x K byte matrix.
    Value blob = adaptor.getLhs();
    Value codes = tensor::ExtractSliceOp::create(
        b, RankedTensorType::get({m * k}, i8), blob,
        ArrayRef<OpFoldResult>{b.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(m * k)},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
    Value a = tensor::ExpandShapeOp::create(
        b, RankedTensorType::get({m, k}, i8), codes,
        SmallVector<ReassociationIndices>{{0, 1}});
    int64_t wBytes = int64_t(packed.blocks.size());
    auto wType = RankedTensorType::get({wBytes}, i8);
    Value wp = arith::ConstantOp::create(
        b, wType,
        DenseElementsAttr::get(wType, ArrayRef<int8_t>(packed.blocks)));

    // The kernel works on buffers.
    auto module = op->getParentOfType<ModuleOp>();
    func::FuncOp kernel;
    {
      OpBuilder::InsertionGuard guard(rewriter);
      kernel = kind == Int8Kernel::X86VNNI
                   ? getOrDeclareVNNIKernel(module, m, n, k, flip)
                   : getOrDeclareCUDAKernel(module, m, n, k, signedA,
                                            variant, wBytes);
    }
    auto aMem = MemRefType::get({m, k}, i8);
    auto wMem = MemRefType::get({wBytes}, i8);
    auto cMem = MemRefType::get({m, n}, i32);
    Value aBuf = bufferization::ToBufferOp::create(b, aMem, a, /*readOnly=*/true);
    Value wBuf = bufferization::ToBufferOp::create(b, wMem, wp, /*readOnly=*/true);
    Value cBuf = memref::AllocOp::create(b, cMem);
    func::CallOp::create(b, kernel, ValueRange{aBuf, wBuf, cBuf});
    Value raw = bufferization::ToTensorOp::create(
        b, RankedTensorType::get({m, n}, i32), cBuf, /*restrict=*/true,
        /*writable=*/true);

    // Epilogue: acc = raw - (za + shift) * colsum; y = sa * (0 + sw * acc).
    BlobCodec codec(b, lhsType);
    DecodedScales s = codec.decodeScales(blob);
    auto nI32 = RankedTensorType::get({n}, i32);
    auto nF32 = RankedTensorType::get({n}, f32);
    Value sums = arith::ConstantOp::create(
        b, nI32, DenseElementsAttr::get(nI32, ArrayRef(packed.columnSums)));
    Value colScales = arith::ConstantOp::create(
        b, nF32, DenseElementsAttr::get(nF32, ArrayRef(packed.columnScales)));
    AffineMap id = AffineMap::getMultiDimIdentityMap(2, ctx);
    AffineMap col = AffineMap::get(2, 0, {b.getAffineDimExpr(1)}, ctx);
    AffineMap row = ls.isPerTensor()
                        ? AffineMap::get(2, 0, {}, ctx)
                        : AffineMap::get(2, 0, {b.getAffineDimExpr(0)}, ctx);
    Type resultElem = op.getResult().getType().getElementType();
    bool rawResult = isa<IntegerType>(resultElem);
    auto outType = RankedTensorType::get({m, n}, rawResult ? i32 : f32);
    auto epilogue = linalg::GenericOp::create(
        b, outType, ValueRange{raw, sums, s.zeroPoints, s.scales, colScales},
        ValueRange{tensor::EmptyOp::create(b, ArrayRef<int64_t>{m, n},
                                           outType.getElementType())},
        ArrayRef<AffineMap>{id, col, row, row, col, id},
        SmallVector<utils::IteratorType>(2, utils::IteratorType::parallel),
        [&](OpBuilder &nb, Location l, ValueRange args) {
          Value zs = arith::AddIOp::create(
              nb, l, args[2], arith::ConstantIntOp::create(nb, l, shift, 32));
          Value acc = arith::SubIOp::create(
              nb, l, args[0], arith::MulIOp::create(nb, l, zs, args[1]));
          if (rawResult) {
            linalg::YieldOp::create(nb, l, acc);
            return;
          }
          Value v = arith::SIToFPOp::create(nb, l, f32, acc);
          Value t = arith::MulFOp::create(nb, l, args[4], v);
          Value sum = arith::AddFOp::create(
              nb, l,
              arith::ConstantFloatOp::create(nb, l, nb.getF32Type(),
                                             APFloat(0.0f)),
              t);
          linalg::YieldOp::create(
              nb, l, arith::MulFOp::create(nb, l, args[3], sum).getResult());
        });
    Value y = epilogue.getResult(0);
    if (!rawResult)
      y = codec.fromF32(y, resultElem);
    rewriter.replaceOp(op, y);
    return success();
  }
};

} // namespace

void mlir::qf::detail::populateInt8MatmulKernelPatterns(
    const TypeConverter &converter, RewritePatternSet &patterns,
    Int8Kernel kind, PatternBenefit benefit) {
  patterns.add<LowerInt8Matmul>(converter, patterns.getContext(), kind,
                                benefit);
}
