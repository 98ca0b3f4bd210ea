//===- DefineCUDAKernels.cpp - qf-define-cuda-kernels ---------------------===//
//
// Gives the CUDA kernel stubs declared by convert-qf-to-nvvm their bodies,
// after bufferization: host code that copies the operands to the device,
// launches a kernel (emitted into `gpu.module @qf_cuda_kernels`) and copies
// the result back. The kernels:
//
//   * dp4a: one thread per output, the K loop in steps of 4 bytes
//     (nvvm.dot.accumulate.4way); any shape the pattern accepts;
//   * tensor cores (nvgpu ops, lowered to NVVM upstream): a block of 8
//     warps computes a 128 x 128 tile of C, each warp 64 x 32 as 4 x 4
//     mma.sync m16n8k32 tiles. K advances 64 at a time through two
//     shared-memory stages: while one is read with ldmatrix, cp.async fills
//     the other. Rows past M or N are clamped on load and not stored; K past
//     its end is zero-filled by cp.async. 4-bit weights stay nibble-packed
//     (Int8Matmul.h, packNibblesForMMA) and are sign-extended in registers.
//     With few output tiles, K is split across blocks that add their sums
//     atomically;
//   * W4A16: the same tiling with f16 activations, mma.sync m16n8k16 and
//     4-bit weights dequantized in registers (packF16W4ForMMA).
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QFToNVVM/QFToNVVM.h"

#include "../GPUHostStub.h"
#include "../Int8Matmul.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::qf {
#define GEN_PASS_DEF_QFDEFINECUDAKERNELSPASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;

namespace {

/// Threads per block (along N).
constexpr int64_t kBlockThreads = 128;

/// The device kernel C[row, col] = sum_k A[row, k] * W[col * K + k].
gpu::GPUFuncOp buildKernel(gpu::GPUModuleOp gpuModule, StringRef name,
                           int64_t m, int64_t n, int64_t k, bool signedA) {
  MLIRContext *ctx = gpuModule.getContext();
  OpBuilder mb = OpBuilder::atBlockEnd(gpuModule.getBody());
  Location loc = gpuModule.getLoc();
  Type i8 = mb.getI8Type(), i32 = mb.getI32Type();
  auto type = FunctionType::get(
      ctx,
      {MemRefType::get({m, k}, i8), MemRefType::get({n * k}, i8),
       MemRefType::get({m, n}, i32)},
      {});
  auto func = gpu::GPUFuncOp::create(mb, loc, name, type);
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), mb.getUnitAttr());
  ImplicitLocOpBuilder b(loc, OpBuilder::atBlockBegin(&func.getBody().front()));
  Value a = func.getArgument(0), w = func.getArgument(1),
        c = func.getArgument(2);
  Value col = arith::AddIOp::create(
      b,
      arith::MulIOp::create(b, gpu::BlockIdOp::create(b, gpu::Dimension::x),
                            arith::ConstantIndexOp::create(b, kBlockThreads)),
      gpu::ThreadIdOp::create(b, gpu::Dimension::x));
  Value row = gpu::BlockIdOp::create(b, gpu::Dimension::y);
  Value inRange = arith::CmpIOp::create(
      b, arith::CmpIPredicate::ult, col, arith::ConstantIndexOp::create(b, n));
  auto aType = NVVM::DotAccumulateTypeAttr::get(
      ctx, signedA ? NVVM::DotAccumulateType::SIGNED
                   : NVVM::DotAccumulateType::UNSIGNED);
  auto wType =
      NVVM::DotAccumulateTypeAttr::get(ctx, NVVM::DotAccumulateType::SIGNED);
  scf::IfOp::create(b, inRange, [&](OpBuilder &ob, Location l) {
    ImplicitLocOpBuilder ib(l, ob);
    Value wRow =
        arith::MulIOp::create(ib, col, arith::ConstantIndexOp::create(ib, k));
    auto vec4 = VectorType::get({4}, i8);
    auto loop = scf::ForOp::create(
        ib, arith::ConstantIndexOp::create(ib, 0),
        arith::ConstantIndexOp::create(ib, k),
        arith::ConstantIndexOp::create(ib, 4),
        ValueRange{arith::ConstantIntOp::create(ib, 0, 32)},
        [&](OpBuilder &lb, Location ll, Value kk, ValueRange acc) {
          ImplicitLocOpBuilder kb(ll, lb);
          Value av = vector::LoadOp::create(kb, vec4, a, ValueRange{row, kk});
          Value wv = vector::LoadOp::create(
              kb, vec4, w, ValueRange{arith::AddIOp::create(kb, wRow, kk)});
          Value r = NVVM::DotAccumulate4WayOp::create(kb, i32, av, aType, wv,
                                                      wType, acc[0]);
          scf::YieldOp::create(kb, r);
        });
    memref::StoreOp::create(ib, loop.getResult(0), c, ValueRange{row, col});
    scf::YieldOp::create(ib);
  });
  gpu::ReturnOp::create(b);
  return func;
}

/// Tile of the tensor-core kernel: a block of kMMAThreads threads (8 warps
/// as 2 x 4, 64 x 32 outputs each) computes kTileM x kTileN outputs, K in
/// steps of kTileK.
constexpr int64_t kTileM = 128, kTileN = 128, kTileK = 64, kMMAThreads = 256;
/// Shared-memory rows are padded by 16 bytes so that the 8 rows one ldmatrix
/// matrix reads fall in distinct banks.
constexpr int64_t kSmemPad = 16;

/// Number of K slices (grid z) for the tensor-core kernel: with few output
/// tiles (small M), slices of at least 4 K tiles each until about 128
/// blocks run; their partial sums are added atomically (exact for
/// integers), into an output zeroed first.
int64_t splitKFor(int64_t m, int64_t n, int64_t k) {
  int64_t tiles = ((m + kTileM - 1) / kTileM) * ((n + kTileN - 1) / kTileN);
  int64_t kTiles = (k + kTileK - 1) / kTileK;
  return std::max<int64_t>(1, std::min(128 / tiles, kTiles / 4));
}

/// The operand types of a tensor-core kernel.
enum class MMAKind {
  I8W8, ///< int8 activations x N x K int8 weight rows, i32 sums
  I8W4, ///< int8 activations x nibble-packed weights (packNibblesForMMA)
  F16W4 ///< f16 activations x weights in the layout of packF16W4ForMMA,
        ///< dequantized in registers with f32 scales; f16 results
};

/// Options of the F16W4 kernel.
struct F16W4Scales {
  int64_t numGroups = 1;  ///< scale groups per column
  int64_t groupTiles = 1; ///< K tiles per group
  bool f16Exact = false;  ///< every scale is an f16: dequantize in f16
};

/// The tensor-core kernel C[row, col] = sum_k A[row, k] * W[col, k]. With
/// `splitK` > 1 (integer kinds), block z adds the sums of its slice of K to
/// C. F16W4 takes the scales as a third argument, N x numGroups f32.
gpu::GPUFuncOp buildMMAKernel(gpu::GPUModuleOp gpuModule, StringRef name,
                              int64_t m, int64_t n, int64_t k, MMAKind kind,
                              bool signedA, int64_t splitK,
                              F16W4Scales f16w4 = {}) {
  int64_t numGroups = f16w4.numGroups, groupTiles = f16w4.groupTiles;
  MLIRContext *ctx = gpuModule.getContext();
  OpBuilder mb = OpBuilder::atBlockEnd(gpuModule.getBody());
  Location loc = gpuModule.getLoc();
  Type i8 = mb.getI8Type(), i32 = mb.getI32Type(), f16 = mb.getF16Type(),
       f32 = mb.getF32Type();
  bool isFloat = kind == MMAKind::F16W4, w4 = kind != MMAKind::I8W8;
  Type aElem = isFloat ? f16 : i8;
  // A elements per 16 bytes (one cp.async, one ldmatrix row), and K per
  // mma step (32 bytes of A).
  int64_t e16 = isFloat ? 8 : 16, stepK = 2 * e16;
  // Bytes of one W row in global memory, and per K tile.
  int64_t wRowBytes = w4 ? (k + 31) / 32 * 16 : k;
  int64_t wTileBytes = w4 ? kTileK / 2 : kTileK;
  auto shared = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  auto aSmemType = MemRefType::get({2, kTileM, kTileK + e16}, aElem,
                                   MemRefLayoutAttrInterface(), shared);
  auto wSmemType = MemRefType::get({2, kTileN, wTileBytes + kSmemPad}, i8,
                                   MemRefLayoutAttrInterface(), shared);
  SmallVector<Type> args = {MemRefType::get({m, k}, aElem),
                            MemRefType::get({n * wRowBytes}, i8)};
  if (isFloat)
    args.push_back(MemRefType::get({n * numGroups}, f32));
  args.push_back(MemRefType::get({m, n}, isFloat ? f16 : i32));
  auto type = FunctionType::get(ctx, args, {});
  auto func = gpu::GPUFuncOp::create(mb, loc, name, type,
                                     TypeRange{aSmemType, wSmemType});
  func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(), mb.getUnitAttr());
  // cp.async and ldmatrix need 16-byte aligned shared addresses.
  for (unsigned i = 0; i < 2; ++i)
    func.setWorkgroupAttributionAttr(i, LLVM::LLVMDialect::getAlignAttrName(),
                                     mb.getI64IntegerAttr(16));
  ImplicitLocOpBuilder b(loc, OpBuilder::atBlockBegin(&func.getBody().front()));
  Value a = func.getArgument(0), w = func.getArgument(1),
        c = func.getArgument(func.getNumArguments() - 1);
  Value scales = isFloat ? func.getArgument(2) : Value();
  Value sA = func.getWorkgroupAttributions()[0];
  Value sW = func.getWorkgroupAttributions()[1];

  auto cst = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, v);
  };
  auto add = [&](Value x, Value y) -> Value {
    return arith::AddIOp::create(b, x, y);
  };
  auto addc = [&](Value x, int64_t y) { return add(x, cst(y)); };
  auto mulc = [&](Value x, int64_t y) -> Value {
    return arith::MulIOp::create(b, x, cst(y));
  };
  auto divc = [&](Value x, int64_t y) -> Value {
    return arith::DivUIOp::create(b, x, cst(y));
  };
  auto remc = [&](Value x, int64_t y) -> Value {
    return arith::RemUIOp::create(b, x, cst(y));
  };
  auto minc = [&](Value x, int64_t y) -> Value {
    return arith::MinUIOp::create(b, x, cst(y));
  };
  auto ltc = [&](Value x, int64_t y) -> Value {
    return arith::CmpIOp::create(b, arith::CmpIPredicate::ult, x, cst(y));
  };
  auto i32c = [&](int64_t v) -> Value {
    return arith::ConstantIntOp::create(b, v, 32);
  };

  Value tid = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
  Value lane = remc(tid, 32), warp = divc(tid, 32);
  Value warpRow = mulc(divc(warp, 4), 64), warpCol = mulc(remc(warp, 4), 32);
  Value tileRow = mulc(gpu::BlockIdOp::create(b, gpu::Dimension::y), kTileM);
  Value tileCol = mulc(gpu::BlockIdOp::create(b, gpu::Dimension::x), kTileN);
  Type token = nvgpu::DeviceAsyncTokenType::get(ctx);

  // cp.async of 16 bytes (`count` elements) from `src`[srcIndices] (only
  // when `valid`, else zeros; the address is clamped to stay in bounds) to
  // `dst`[dstIndices].
  auto copy16 = [&](Value dst, ValueRange dstIndices, Value src,
                    ValueRange srcIndices, int64_t count,
                    Value valid) -> Value {
    Value n = arith::SelectOp::create(b, valid, cst(count), cst(0));
    return nvgpu::DeviceAsyncCopyOp::create(b, token, dst, dstIndices, src,
                                            srcIndices, b.getIndexAttr(count),
                                            n, b.getUnitAttr());
  };
  // Issues the copies of K tile `kt` into shared stage `stage`; one group.
  auto loadTile = [&](Value stage, Value kt) -> Value {
    SmallVector<Value> tokens;
    int64_t aChunksPerRow = kTileK / e16;
    for (int64_t i = 0; i < kTileM * aChunksPerRow / kMMAThreads; ++i) {
      Value id = addc(tid, i * kMMAThreads);
      Value r = divc(id, aChunksPerRow),
            ch = mulc(remc(id, aChunksPerRow), e16);
      Value row = minc(add(tileRow, r), m - 1);
      Value kk = add(mulc(kt, kTileK), ch);
      Value valid = ltc(kk, k);
      Value kkIn = arith::SelectOp::create(b, valid, kk, cst(0));
      tokens.push_back(copy16(sA, ValueRange{stage, r, ch}, a,
                              ValueRange{row, kkIn}, e16, valid));
    }
    int64_t wChunksPerRow = wTileBytes / 16;
    for (int64_t i = 0; i < kTileN * wChunksPerRow / kMMAThreads; ++i) {
      Value id = addc(tid, i * kMMAThreads);
      Value r = divc(id, wChunksPerRow), ch = mulc(remc(id, wChunksPerRow), 16);
      Value row = minc(add(tileCol, r), n - 1);
      Value off = add(mulc(kt, wTileBytes), ch);
      Value valid = ltc(off, wRowBytes);
      Value offIn = arith::SelectOp::create(b, valid, off, cst(0));
      tokens.push_back(copy16(sW, ValueRange{stage, r, ch}, w,
                              ValueRange{add(mulc(row, wRowBytes), offIn)}, 16,
                              valid));
    }
    return nvgpu::DeviceAsyncCreateGroupOp::create(b, token, tokens);
  };

  auto fragAType = VectorType::get({4, e16 / 4}, aElem);
  auto fragBType = VectorType::get({2, e16 / 4}, aElem);
  auto packedType = VectorType::get({4, 4}, i8);
  auto accType = VectorType::get({2, 2}, isFloat ? f32 : i32);
  Value zeroAcc = arith::ConstantOp::create(
      b, accType,
      DenseElementsAttr::get(accType, isFloat ? Attribute(b.getF32FloatAttr(0))
                                              : b.getI32IntegerAttr(0)));
  // Unsigned activations are flipped to signed bytes (xor 0x80).
  Value signFlip;
  if (!isFloat && !signedA)
    signFlip = arith::ConstantOp::create(
        b, packedType,
        DenseElementsAttr::get(packedType, b.getIntegerAttr(i8, -128)));
  // ldmatrix row addresses: lanes 8j..8j+7 give the rows of matrix j; the
  // int8 weight rows (I8W8) are read as two matrices per 8 columns.
  Value lane16 = remc(lane, 16), laneHalf = mulc(divc(lane, 16), e16);
  Value lane8, laneQuarter;
  if (kind == MMAKind::I8W8) {
    lane8 = remc(lane, 8);
    laneQuarter = mulc(remc(divc(lane, 8), 2), 16);
  }
  auto toVector = [&](Value x, VectorType t) -> Value {
    Value v = vector::FromElementsOp::create(b, VectorType::get({1}, i32),
                                             ValueRange{x});
    return vector::BitCastOp::create(b, t, v);
  };
  auto wordOf = [&](Value packed, int64_t j) -> Value {
    Value bytes = vector::ExtractOp::create(b, packed, ArrayRef<int64_t>{j});
    return vector::ExtractOp::create(
        b, vector::BitCastOp::create(b, VectorType::get({1}, i32), bytes),
        ArrayRef<int64_t>{0});
  };
  // int8 B fragment from a word of 8 signed nibbles (I8W4): per byte, set
  // bits 4-7 where bit 3 is set (0x08 * 0x1E = 0xF0).
  auto sext4 = [&](Value x) -> Value {
    Value sign = arith::AndIOp::create(b, x, i32c(0x08080808));
    return arith::OrIOp::create(b, x,
                                arith::MulIOp::create(b, sign, i32c(0x1E)));
  };
  auto fragOf = [&](Value reg0, Value reg1) -> Value {
    Value frag = arith::ConstantOp::create(
        b, fragBType,
        DenseElementsAttr::get(fragBType, isFloat
                                              ? Attribute(b.getF16FloatAttr(0))
                                              : b.getIntegerAttr(i8, 0)));
    frag = vector::InsertOp::create(b, reg0, frag, ArrayRef<int64_t>{0});
    return vector::InsertOp::create(b, reg1, frag, ArrayRef<int64_t>{1});
  };
  // F16W4: the two f16 weights of register pair `p` (nibbles p and p + 4
  // of `x`, code + 8 each): 0x6400 | nibble is the f16 1024 + nibble, so
  // minus 1032 gives the code exactly; times the scale, rounded to f16 as
  // qf.dequantize does: in f16 when the scale is an f16 (the product of an
  // f16 and a 4-bit integer is exact in f32, so both round alike), else in
  // f32.
  auto vec2f16 = VectorType::get({2}, f16), vec2f32 = VectorType::get({2}, f32);
  Value magicBias;
  if (isFloat)
    magicBias = arith::ConstantOp::create(
        b, vec2f16, DenseElementsAttr::get(vec2f16, b.getF16FloatAttr(1032)));
  auto dequantPair = [&](Value x, int64_t p, Value scale) -> Value {
    Value bits = arith::OrIOp::create(
        b,
        arith::AndIOp::create(b, arith::ShRUIOp::create(b, x, i32c(4 * p)),
                              i32c(0x000F000F)),
        i32c(0x64006400));
    Value codes = arith::SubFOp::create(b, toVector(bits, vec2f16), magicBias);
    if (f16w4.f16Exact)
      return arith::MulFOp::create(b, codes, scale);
    Value wide = arith::MulFOp::create(
        b, arith::ExtFOp::create(b, vec2f32, codes),
        vector::BroadcastOp::create(b, vec2f32, scale));
    return arith::TruncFOp::create(b, vec2f16, wide);
  };

  // This block's K tiles: [first, last).
  int64_t kTiles = (k + kTileK - 1) / kTileK;
  int64_t tilesPerSlice = (kTiles + splitK - 1) / splitK;
  Value first = mulc(gpu::BlockIdOp::create(b, gpu::Dimension::z),
                     tilesPerSlice);
  Value last = minc(addc(first, tilesPerSlice), kTiles);
  // F16W4: the scale rows of this thread's 4 B columns (j * 8 + lane / 4).
  SmallVector<Value> scaleRows;
  if (isFloat)
    for (int64_t j = 0; j < 4; ++j)
      scaleRows.push_back(mulc(
          minc(add(add(tileCol, warpCol), addc(divc(lane, 4), j * 8)), n - 1),
          numGroups));
  loadTile(remc(first, 2), first);
  auto loop = scf::ForOp::create(b, first, last, cst(1),
                                 SmallVector<Value>(16, zeroAcc));
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(loop.getBody());
    Value kt = loop.getInductionVar();
    Value stage = remc(kt, 2);
    // The next tile (zeros past the last) goes to the other stage, which
    // every warp finished reading before the last barrier.
    Value group = loadTile(remc(addc(kt, 1), 2), addc(kt, 1));
    SmallVector<Value> tileScales;
    if (isFloat)
      for (int64_t j = 0; j < 4; ++j) {
        Value scale = memref::LoadOp::create(
            b, scales, ValueRange{add(scaleRows[j], divc(kt, groupTiles))});
        if (f16w4.f16Exact)
          scale = vector::BroadcastOp::create(
              b, vec2f16, arith::TruncFOp::create(b, f16, scale));
        tileScales.push_back(scale);
      }
    nvgpu::DeviceAsyncWaitOp::create(b, group, b.getI32IntegerAttr(1));
    gpu::BarrierOp::create(b);
    SmallVector<Value> acc(loop.getRegionIterArgs());
    Value packed;
    for (int64_t ks = 0; ks < kTileK; ks += stepK) {
      SmallVector<Value> fa, fb;
      for (int64_t i = 0; i < 4; ++i) {
        Value f = nvgpu::LdMatrixOp::create(
            b, fragAType, sA,
            ValueRange{stage, add(addc(warpRow, i * 16), lane16),
                       addc(laneHalf, ks)},
            /*transpose=*/false, /*numTiles=*/4);
        if (signFlip)
          f = arith::XOrIOp::create(b, f, signFlip);
        fa.push_back(f);
      }
      if (kind == MMAKind::I8W8) {
        for (int64_t j = 0; j < 4; ++j)
          fb.push_back(nvgpu::LdMatrixOp::create(
              b, fragBType, sW,
              ValueRange{stage, add(addc(warpCol, j * 8), lane8),
                         addc(laneQuarter, ks)},
              /*transpose=*/false, /*numTiles=*/2));
      } else {
        // One 8 x 16-byte matrix per 8 columns and 32 K: thread (g, t)
        // receives the packed word of column g that holds its B registers.
        if (ks % 32 == 0)
          packed = nvgpu::LdMatrixOp::create(
              b, packedType, sW,
              ValueRange{stage, add(warpCol, lane), cst(ks / 2)},
              /*transpose=*/false, /*numTiles=*/4);
        auto bytes4 = VectorType::get({4}, i8);
        for (int64_t j = 0; j < 4; ++j) {
          Value word = wordOf(packed, j);
          if (kind == MMAKind::I8W4) {
            // k = 4t..4t+3 in the low nibbles, 16+4t..16+4t+3 in the high.
            Value lo = sext4(arith::AndIOp::create(b, word, i32c(0x0F0F0F0F)));
            Value hi = sext4(arith::AndIOp::create(
                b, arith::ShRUIOp::create(b, word, i32c(4)),
                i32c(0x0F0F0F0F)));
            fb.push_back(fragOf(toVector(lo, bytes4), toVector(hi, bytes4)));
          } else {
            // Pairs 2s, 2s + 1 of step s (of 2): k = 2t, 2t+1 and 2t+8,
            // 2t+9.
            int64_t pair = (ks / stepK) % 2 * 2;
            fb.push_back(fragOf(dequantPair(word, pair, tileScales[j]),
                                dequantPair(word, pair + 1, tileScales[j])));
          }
        }
      }
      for (int64_t i = 0; i < 4; ++i)
        for (int64_t j = 0; j < 4; ++j)
          acc[i * 4 + j] = nvgpu::MmaSyncOp::create(
              b, fa[i], fb[j], acc[i * 4 + j],
              ArrayRef<int64_t>{16, 8, isFloat ? 16 : 32});
    }
    // Every warp is done with this stage before the next iteration's copies
    // overwrite it.
    gpu::BarrierOp::create(b);
    scf::YieldOp::create(b, acc);
  }

  // The last (all-zero) tile's copies are still in flight: let them land
  // before the block exits.
  {
    Value none = nvgpu::DeviceAsyncCreateGroupOp::create(b, token, ValueRange{});
    nvgpu::DeviceAsyncWaitOp::create(b, none, b.getI32IntegerAttr(0));
  }

  // Thread (g = lane / 4, t = lane % 4) holds rows g and g + 8, columns 2t
  // and 2t + 1 of every 16 x 8 tile.
  Value g = divc(lane, 4), t2 = mulc(remc(lane, 4), 2);
  for (int64_t i = 0; i < 4; ++i)
    for (int64_t j = 0; j < 4; ++j)
      for (int64_t h = 0; h < 2; ++h) {
        Value row = add(add(tileRow, warpRow), addc(g, i * 16 + h * 8));
        Value col = add(add(tileCol, warpCol), addc(t2, j * 8));
        Value inRange =
            arith::AndIOp::create(b, ltc(row, m), ltc(col, n));
        Value pair = vector::ExtractOp::create(b, loop.getResult(i * 4 + j),
                                               ArrayRef<int64_t>{h});
        if (isFloat)
          pair = arith::TruncFOp::create(b, vec2f16, pair);
        scf::IfOp::create(b, inRange, [&](OpBuilder &ob, Location l) {
          if (splitK == 1) {
            vector::StoreOp::create(ob, l, pair, c, ValueRange{row, col});
          } else {
            for (int64_t e = 0; e < 2; ++e) {
              Value v = vector::ExtractOp::create(ob, l, pair,
                                                  ArrayRef<int64_t>{e});
              Value at = arith::AddIOp::create(
                  ob, l, col, arith::ConstantIndexOp::create(ob, l, e));
              memref::AtomicRMWOp::create(ob, l, arith::AtomicRMWKind::addi,
                                          v, c, ValueRange{row, at});
            }
          }
          scf::YieldOp::create(ob, l);
        });
      }
  gpu::ReturnOp::create(b);
  return func;
}

struct DefineCUDAKernelsPass
    : qf::impl::QFDefineCUDAKernelsPassBase<DefineCUDAKernelsPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> stubs;
    module.walk([&](func::FuncOp f) {
      if (f->hasAttr(qf::kCUDAKernelAttr) && f.isExternal())
        stubs.push_back(f);
    });
    if (stubs.empty())
      return;
    gpu::GPUModuleOp gpuModule =
        qf::detail::getOrCreateGPUModule(module, "qf_cuda_kernels");
    for (func::FuncOp stub : stubs) {
      // {M, N, K, signed activations (W4A16: the scale group along K, 0 per
      // column), CUDAKernelVariant}.
      auto shape = stub->getAttrOfType<DenseI64ArrayAttr>(qf::kCUDAKernelAttr);
      if (!shape || shape.size() != 5 || shape[4] < 0 || shape[4] > 4 ||
          (shape[4] >= 3 && shape[3] &&
           (shape[3] % kTileK || shape[2] % shape[3]))) {
        stub.emitError() << "malformed " << qf::kCUDAKernelAttr;
        return signalPassFailure();
      }
      int64_t m = shape[0], n = shape[1], k = shape[2];
      std::string name = (stub.getName() + "_kernel").str();
      auto variant = qf::detail::CUDAKernelVariant(shape[4]);
      gpu::GPUFuncOp kernel;
      std::array<int64_t, 3> grid = {(n + kTileN - 1) / kTileN,
                                     (m + kTileM - 1) / kTileM, 1};
      int64_t threads = kMMAThreads;
      if (variant == qf::detail::CUDAKernelVariant::DP4A) {
        kernel = buildKernel(gpuModule, name, m, n, k, shape[3] != 0);
        grid = {(n + kBlockThreads - 1) / kBlockThreads, m, 1};
        threads = kBlockThreads;
      } else if (variant == qf::detail::CUDAKernelVariant::F16W4 ||
                 variant == qf::detail::CUDAKernelVariant::F16W4HalfScales) {
        int64_t group = shape[3];
        F16W4Scales scales;
        scales.numGroups = group ? k / group : 1;
        scales.groupTiles = group ? group / kTileK : (k + kTileK - 1) / kTileK;
        scales.f16Exact =
            variant == qf::detail::CUDAKernelVariant::F16W4HalfScales;
        kernel = buildMMAKernel(gpuModule, name, m, n, k, MMAKind::F16W4,
                                /*signedA=*/true, /*splitK=*/1, scales);
      } else {
        grid[2] = splitKFor(m, n, k);
        kernel = buildMMAKernel(
            gpuModule, name, m, n, k,
            variant == qf::detail::CUDAKernelVariant::MMAW4 ? MMAKind::I8W4
                                                            : MMAKind::I8W8,
            shape[3] != 0, grid[2]);
      }
      // The stub was declared with the kernel's operands (convert-qf-to-nvvm
      // does); a hand-written one must match too.
      if (stub.getFunctionType().getInputs() !=
          kernel.getFunctionType().getInputs()) {
        stub.emitError() << qf::kCUDAKernelAttr
                         << " does not match the stub's argument types";
        return signalPassFailure();
      }
      qf::detail::defineGPUHostStub(stub, kernel, grid, {threads, 1, 1},
                                    /*zeroOutput=*/grid[2] > 1);
      stub->removeAttr(qf::kCUDAKernelAttr);
    }
  }
};

} // namespace
