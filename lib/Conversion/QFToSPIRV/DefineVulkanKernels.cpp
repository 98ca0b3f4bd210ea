//===- DefineVulkanKernels.cpp - qf-define-vulkan-kernels -----------------===//
//
// Gives the Vulkan kernel stubs declared by convert-qf-to-spirv their
// bodies, after bufferization: a tiled kernel in `gpu.module
// @qf_vulkan_kernels` (converted to SPIR-V by convert-gpu-to-spirv) and host
// code that copies the operands to the device, launches it and copies the
// i32 group sums back.
//
// The kernel, for a workgroup of TN x TM invocations (one output each):
//
//   for every group g:
//     acc = 0
//     for every K tile of the group:
//       stage the activation tile [TM][TK] and the weight tile [TN][TK] in
//       workgroup memory (every invocation loads a strided share), unpacking
//       the weight codes from their 32-bit words; barrier
//       acc += the dot product of row ty and column tx of the tiles; barrier
//     C[g][row][col] = acc
//
// Out-of-range elements (past M, N or the end of the group) are staged as 0.
// Plain path: the tiles hold (a - za) and (w - zw) as i32. Dot-product path
// (the target has DotProduct and every w - zw fits in i8): the tiles hold
// words of 4 packed bytes, raw activation codes and centered weights,
// multiplied with spirv.SDot (signed activations) or spirv.SUDot; the
// activation zero point is corrected once per group with the precomputed
// sums of the centered weights. Integer arithmetic wraps, so the sums are
// exact whenever the result fits in i32 (the verifier's accumulator rule).
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QFToSPIRV/QFToSPIRV.h"

#include "../GPUHostStub.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVAttributes.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVDialect.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::qf {
#define GEN_PASS_DEF_QFDEFINEVULKANKERNELSPASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;

namespace {

/// What a stub's attribute says, and the tiling chosen for it.
struct KernelConfig {
  int64_t m, n, k, groupSize, bits;
  bool signedW, signedA, dot;
  int64_t tm, tn, tkWords, perWord;
  int64_t elemsPerWord() const { return dot ? 4 : 1; }
  int64_t tk() const { return tkWords * elemsPerWord(); }
  int64_t groups() const { return k / groupSize; }
  int64_t wordsPerRow() const { return (k + perWord - 1) / perWord; }
};

/// Invocations per workgroup (the Vulkan minimum maxComputeWorkGroupInvocations
/// is 128).
constexpr int64_t kInvocations = 128;

KernelConfig configure(ArrayRef<int64_t> a, bool targetHasDot) {
  KernelConfig c;
  c.m = a[0];
  c.n = a[1];
  c.k = a[2];
  c.groupSize = a[3];
  c.bits = a[4];
  c.signedW = a[5] != 0;
  c.signedA = a[6] != 0;
  c.dot = targetHasDot && a[7] != 0;
  c.tm = c.m >= 8 ? 8 : c.m >= 4 ? 4 : c.m >= 2 ? 2 : 1;
  c.tn = kInvocations / c.tm;
  // 8 words of 4 bytes, or 16 i32 values: the weight tile stays within
  // 128 * 16 * 4 = 8 KiB of workgroup memory (the Vulkan minimum is 16 KiB).
  c.tkWords = c.dot ? 8 : 16;
  c.perWord = 32 / c.bits;
  return c;
}

class KernelBuilder {
public:
  KernelBuilder(ImplicitLocOpBuilder &b, const KernelConfig &c)
      : b(b), c(c), i32(b.getI32Type()) {}

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, v); }
  Value cst(int64_t v) { return arith::ConstantIntOp::create(b, v, 32); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, x, y); }
  Value lt(Value x, Value y) {
    return arith::CmpIOp::create(b, arith::CmpIPredicate::ult, x, y);
  }
  Value toI32(Value index) {
    return arith::IndexCastOp::create(b, i32, index);
  }

  /// `valid ? load() : 0`, without touching memory when not valid.
  Value guarded(Value valid, function_ref<Value(ImplicitLocOpBuilder &)> load) {
    auto ifOp = scf::IfOp::create(
        b, valid,
        [&](OpBuilder &ob, Location l) {
          ImplicitLocOpBuilder ib(l, ob);
          scf::YieldOp::create(ib, load(ib));
        },
        [&](OpBuilder &ob, Location l) {
          scf::YieldOp::create(ob, l,
                               ValueRange{arith::ConstantIntOp::create(
                                   ob, l, 0, 32)});
        });
    return ifOp.getResult(0);
  }

  /// The centered weight w[k, col] - zw[g, col] as i32.
  Value centeredWeight(ImplicitLocOpBuilder &ib, Value w, Value zw, Value g,
                       Value col, Value k) {
    Value word = memref::LoadOp::create(
        ib, w,
        ValueRange{arith::AddIOp::create(
            ib,
            arith::MulIOp::create(ib, col,
                                  arith::ConstantIndexOp::create(
                                      ib, c.wordsPerRow())),
            arith::DivUIOp::create(
                ib, k, arith::ConstantIndexOp::create(ib, c.perWord)))});
    Value shift = arith::IndexCastOp::create(
        ib, i32,
        arith::MulIOp::create(
            ib,
            arith::RemUIOp::create(
                ib, k, arith::ConstantIndexOp::create(ib, c.perWord)),
            arith::ConstantIndexOp::create(ib, c.bits)));
    Value code = arith::ShRUIOp::create(ib, word, shift);
    if (c.signedW) {
      Value up = arith::ConstantIntOp::create(ib, 32 - c.bits, 32);
      code = arith::ShRSIOp::create(ib, arith::ShLIOp::create(ib, code, up),
                                    up);
    } else {
      code = arith::AndIOp::create(
          ib, code,
          arith::ConstantIntOp::create(ib, (int64_t(1) << c.bits) - 1, 32));
    }
    Value z = memref::LoadOp::create(
        ib, zw,
        ValueRange{arith::AddIOp::create(
            ib, arith::MulIOp::create(ib, g, arith::ConstantIndexOp::create(
                                                 ib, c.n)),
            col)});
    return arith::SubIOp::create(ib, code, z);
  }

  /// The activation code a[row, k] as i32 (sign- or zero-extended).
  Value activation(ImplicitLocOpBuilder &ib, Value a, Value row, Value k) {
    Value v = memref::LoadOp::create(
        ib, a,
        ValueRange{arith::AddIOp::create(
            ib,
            arith::MulIOp::create(ib, row,
                                  arith::ConstantIndexOp::create(ib, c.k)),
            k)});
    if (c.signedA)
      return arith::ExtSIOp::create(ib, ib.getI32Type(), v);
    return arith::ExtUIOp::create(ib, ib.getI32Type(), v);
  }

  /// Element `kk` of row `lane` of a staged tile (rows of TKW elements).
  Value tileAt(ImplicitLocOpBuilder &ib, Value tile, Value lane, Value kk) {
    return memref::LoadOp::create(
        ib, tile,
        ValueRange{arith::AddIOp::create(
            ib,
            arith::MulIOp::create(
                ib, lane, arith::ConstantIndexOp::create(ib, c.tkWords)),
            kk)});
  }

  /// `for (e = tid; e < count; e += invocations) body(e)`.
  void strided(Value tid, int64_t count, function_ref<void(Value)> body) {
    scf::ForOp::create(b, tid, idx(count), idx(c.tm * c.tn), ValueRange{},
                       [&](OpBuilder &ob, Location l, Value e, ValueRange) {
                         OpBuilder::InsertionGuard guard(b);
                         b.setInsertionPoint(ob.getInsertionBlock(),
                                             ob.getInsertionPoint());
                         body(e);
                         scf::YieldOp::create(b);
                       });
  }

  /// One staged element (plain) or word of 4 bytes (dot) at tile position
  /// (r, cw): `elem(j, k)` gives the value of element k (already checked to
  /// be in range along K) for byte j.
  Value stagedWord(Value inRange, Value k0, Value cw, Value kEnd,
                   function_ref<Value(ImplicitLocOpBuilder &, Value)> elem) {
    if (!c.dot) {
      Value k = add(k0, cw);
      Value valid = arith::AndIOp::create(b, inRange, lt(k, kEnd));
      return guarded(valid, [&](ImplicitLocOpBuilder &ib) {
        return elem(ib, k);
      });
    }
    Value word = cst(0);
    Value base = add(k0, mul(cw, idx(4)));
    for (int64_t j = 0; j < 4; ++j) {
      Value k = add(base, idx(j));
      Value valid = arith::AndIOp::create(b, inRange, lt(k, kEnd));
      Value v = guarded(valid, [&](ImplicitLocOpBuilder &ib) {
        return elem(ib, k);
      });
      Value byte = arith::ShLIOp::create(
          b, arith::AndIOp::create(b, v, cst(0xff)), cst(8 * j));
      word = arith::OrIOp::create(b, word, byte);
    }
    return word;
  }

  /// The kernel function on 1-D buffers of `elems` (size, element type),
  /// with the builder at its start, and what every kernel computes first:
  /// the invocation's position, its output row and column, the tiles of
  /// `tileElem` (TM x TKW and TN x TKW) in workgroup memory.
  struct Prologue {
    gpu::GPUFuncOp func;
    Value tx, ty, rowBase, colBase, row, col, tid, aTile, wTile;
  };
  Prologue begin(gpu::GPUModuleOp gpuModule, StringRef name,
                 ArrayRef<std::pair<int64_t, Type>> elems, Type tileElem) {
    MLIRContext *ctx = b.getContext();
    SmallVector<Type> args;
    for (auto [size, elem] : elems)
      args.push_back(MemRefType::get({size}, elem));
    OpBuilder mb = OpBuilder::atBlockEnd(gpuModule.getBody());
    Prologue p;
    p.func = gpu::GPUFuncOp::create(mb, gpuModule.getLoc(), name,
                                    FunctionType::get(ctx, args, {}));
    p.func->setAttr(gpu::GPUDialect::getKernelFuncAttrName(),
                    mb.getUnitAttr());
    p.func->setAttr(spirv::getEntryPointABIAttrName(),
                    spirv::getEntryPointABIAttr(
                        ctx, {int32_t(c.tn), int32_t(c.tm), 1}));
    b.setInsertionPointToStart(&p.func.getBody().front());
    auto wg = spirv::StorageClassAttr::get(ctx, spirv::StorageClass::Workgroup);
    p.aTile = memref::AllocOp::create(
        b, MemRefType::get({c.tm * c.tkWords}, tileElem, AffineMap(), wg));
    p.wTile = memref::AllocOp::create(
        b, MemRefType::get({c.tn * c.tkWords}, tileElem, AffineMap(), wg));
    p.tx = gpu::ThreadIdOp::create(b, gpu::Dimension::x);
    p.ty = gpu::ThreadIdOp::create(b, gpu::Dimension::y);
    p.rowBase = mul(gpu::BlockIdOp::create(b, gpu::Dimension::y), idx(c.tm));
    p.colBase = mul(gpu::BlockIdOp::create(b, gpu::Dimension::x), idx(c.tn));
    p.row = add(p.rowBase, p.ty);
    p.col = add(p.colBase, p.tx);
    p.tid = add(mul(p.ty, idx(c.tn)), p.tx);
    return p;
  }

  gpu::GPUFuncOp build(gpu::GPUModuleOp gpuModule, StringRef name) {
    Type i8 = b.getI8Type();
    int64_t groups = c.groups();
    Prologue p = begin(gpuModule, name,
                       {{c.m * c.k, i8},
                        {c.n * c.wordsPerRow(), i32},
                        {groups * c.n, i32},
                        {groups * c.n, i32},
                        {c.m, i32},
                        {groups * c.m * c.n, i32}},
                       i32);
    gpu::GPUFuncOp func = p.func;
    Value a = func.getArgument(0), w = func.getArgument(1),
          zw = func.getArgument(2), wsum = func.getArgument(3),
          za = func.getArgument(4), out = func.getArgument(5);
    Value aTile = p.aTile, wTile = p.wTile, tx = p.tx, ty = p.ty,
          rowBase = p.rowBase, colBase = p.colBase, row = p.row, col = p.col,
          tid = p.tid;
    Value rowOk = lt(row, idx(c.m)), colOk = lt(col, idx(c.n));
    int64_t tilesPerGroup = (c.groupSize + c.tk() - 1) / c.tk();

    scf::ForOp::create(
        b, idx(0), idx(groups), idx(1), ValueRange{},
        [&](OpBuilder &ob, Location l, Value g, ValueRange) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(ob.getInsertionBlock(), ob.getInsertionPoint());
          Value gStart = mul(g, idx(c.groupSize));
          Value kEnd = add(gStart, idx(c.groupSize));
          auto tiles = scf::ForOp::create(
              b, idx(0), idx(tilesPerGroup), idx(1), ValueRange{cst(0)},
              [&](OpBuilder &tb, Location tl, Value t, ValueRange iter) {
                OpBuilder::InsertionGuard guard2(b);
                b.setInsertionPoint(tb.getInsertionBlock(),
                                    tb.getInsertionPoint());
                Value k0 = add(gStart, mul(t, idx(c.tk())));
                // Activation tile [TM][TKW].
                strided(tid, c.tm * c.tkWords, [&](Value e) {
                  Value r = arith::DivUIOp::create(b, e, idx(c.tkWords));
                  Value cw = arith::RemUIOp::create(b, e, idx(c.tkWords));
                  Value grow = add(rowBase, r);
                  Value ok = lt(grow, idx(c.m));
                  Value v = stagedWord(
                      ok, k0, cw, kEnd,
                      [&](ImplicitLocOpBuilder &ib, Value k) -> Value {
                        Value x = activation(ib, a, grow, k);
                        if (c.dot)
                          return x;
                        return arith::SubIOp::create(
                            ib, x, memref::LoadOp::create(ib, za, grow));
                      });
                  memref::StoreOp::create(b, v, aTile, e);
                });
                // Weight tile [TN][TKW].
                strided(tid, c.tn * c.tkWords, [&](Value e) {
                  Value r = arith::DivUIOp::create(b, e, idx(c.tkWords));
                  Value cw = arith::RemUIOp::create(b, e, idx(c.tkWords));
                  Value gcol = add(colBase, r);
                  Value ok = lt(gcol, idx(c.n));
                  Value v = stagedWord(
                      ok, k0, cw, kEnd,
                      [&](ImplicitLocOpBuilder &ib, Value k) -> Value {
                        return centeredWeight(ib, w, zw, g, gcol, k);
                      });
                  memref::StoreOp::create(b, v, wTile, e);
                });
                gpu::BarrierOp::create(b);
                auto inner = scf::ForOp::create(
                    b, idx(0), idx(c.tkWords), idx(1), ValueRange{iter[0]},
                    [&](OpBuilder &ib0, Location il, Value kk,
                        ValueRange acc) {
                      ImplicitLocOpBuilder ib(il, ib0);
                      Value av = tileAt(ib, aTile, ty, kk);
                      Value wv = tileAt(ib, wTile, tx, kk);
                      Value p;
                      if (!c.dot) {
                        p = arith::MulIOp::create(ib, av, wv);
                      } else {
                        auto format = spirv::PackedVectorFormatAttr::get(
                            ib.getContext(),
                            spirv::PackedVectorFormat::PackedVectorFormat4x8Bit);
                        // SUDot: first operand signed, second unsigned.
                        p = c.signedA
                                ? spirv::SDotOp::create(ib, i32, av, wv, format)
                                      .getResult()
                                : spirv::SUDotOp::create(ib, i32, wv, av, format)
                                      .getResult();
                      }
                      scf::YieldOp::create(
                          ib, ValueRange{arith::AddIOp::create(ib, acc[0], p)});
                    });
                gpu::BarrierOp::create(b);
                scf::YieldOp::create(b, inner.getResult(0));
              });
          Value acc = tiles.getResult(0);
          Value inRange = arith::AndIOp::create(b, rowOk, colOk);
          scf::IfOp::create(b, inRange, [&](OpBuilder &sb, Location sl) {
            ImplicitLocOpBuilder ib(sl, sb);
            Value result = acc;
            Value cell = arith::AddIOp::create(
                ib, arith::MulIOp::create(
                        ib, g, arith::ConstantIndexOp::create(ib, c.n)),
                col);
            if (c.dot) {
              // sum (a - za)(w - zw) = sum a (w - zw) - za sum (w - zw).
              Value corr = arith::MulIOp::create(
                  ib, memref::LoadOp::create(ib, za, row),
                  memref::LoadOp::create(ib, wsum, cell));
              result = arith::SubIOp::create(ib, result, corr);
            }
            Value index = arith::AddIOp::create(
                ib,
                arith::MulIOp::create(
                    ib,
                    arith::AddIOp::create(
                        ib,
                        arith::MulIOp::create(
                            ib, g, arith::ConstantIndexOp::create(ib, c.m)),
                        row),
                    arith::ConstantIndexOp::create(ib, c.n)),
                col);
            memref::StoreOp::create(ib, result, out, index);
            scf::YieldOp::create(ib);
          });
          scf::YieldOp::create(b);
        });
    gpu::ReturnOp::create(b);
    return func;
  }

  /// The weight-only kernel: Y[m, n] (f32) = sum over k, increasing, of
  /// X[m, k] * (f32(w - zw) * sw), one invocation per output. Tiles of X and
  /// of the dequantized weights in workgroup memory; the inner loop stops at
  /// K, so every output sees exactly the reference's additions, in its order.
  gpu::GPUFuncOp buildFloat(gpu::GPUModuleOp gpuModule, StringRef name) {
    Type f32 = b.getF32Type();
    int64_t groups = c.groups();
    Prologue p = begin(gpuModule, name,
                       {{c.m * c.k, f32},
                        {c.n * c.wordsPerRow(), i32},
                        {groups * c.n, i32},
                        {groups * c.n, f32},
                        {c.m * c.n, f32}},
                       f32);
    gpu::GPUFuncOp func = p.func;
    Value x = func.getArgument(0), w = func.getArgument(1),
          zw = func.getArgument(2), sw = func.getArgument(3),
          out = func.getArgument(4);
    int64_t tk = c.tkWords;
    Value xTile = p.aTile, wTile = p.wTile, tx = p.tx, ty = p.ty,
          rowBase = p.rowBase, colBase = p.colBase, row = p.row, col = p.col,
          tid = p.tid;
    auto fzero = [&](OpBuilder &ob, Location l) -> Value {
      return arith::ConstantFloatOp::create(ob, l, ob.getF32Type(),
                                            APFloat(0.0f));
    };
    auto guardedF = [&](Value valid,
                        function_ref<Value(ImplicitLocOpBuilder &)> load) {
      return scf::IfOp::create(
                 b, valid,
                 [&](OpBuilder &ob, Location l) {
                   ImplicitLocOpBuilder ib(l, ob);
                   scf::YieldOp::create(ib, load(ib));
                 },
                 [&](OpBuilder &ob, Location l) {
                   scf::YieldOp::create(ob, l, ValueRange{fzero(ob, l)});
                 })
          .getResult(0);
    };
    int64_t tiles = (c.k + tk - 1) / tk;
    auto loop = scf::ForOp::create(
        b, idx(0), idx(tiles), idx(1), ValueRange{fzero(b, b.getLoc())},
        [&](OpBuilder &tb, Location tl, Value t, ValueRange iter) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(tb.getInsertionBlock(), tb.getInsertionPoint());
          Value k0 = mul(t, idx(tk));
          strided(tid, c.tm * tk, [&](Value e) {
            Value grow = add(rowBase, arith::DivUIOp::create(b, e, idx(tk)));
            Value k = add(k0, arith::RemUIOp::create(b, e, idx(tk)));
            Value valid = arith::AndIOp::create(b, lt(grow, idx(c.m)),
                                                lt(k, idx(c.k)));
            Value v = guardedF(valid, [&](ImplicitLocOpBuilder &ib) -> Value {
              return memref::LoadOp::create(
                  ib, x,
                  ValueRange{arith::AddIOp::create(
                      ib,
                      arith::MulIOp::create(
                          ib, grow, arith::ConstantIndexOp::create(ib, c.k)),
                      k)});
            });
            memref::StoreOp::create(b, v, xTile, e);
          });
          strided(tid, c.tn * tk, [&](Value e) {
            Value gcol = add(colBase, arith::DivUIOp::create(b, e, idx(tk)));
            Value k = add(k0, arith::RemUIOp::create(b, e, idx(tk)));
            Value valid = arith::AndIOp::create(b, lt(gcol, idx(c.n)),
                                                lt(k, idx(c.k)));
            Value v = guardedF(valid, [&](ImplicitLocOpBuilder &ib) -> Value {
              Value g = arith::DivUIOp::create(
                  ib, k, arith::ConstantIndexOp::create(ib, c.groupSize));
              Value centered = centeredWeight(ib, w, zw, g, gcol, k);
              Value scale = memref::LoadOp::create(
                  ib, sw,
                  ValueRange{arith::AddIOp::create(
                      ib,
                      arith::MulIOp::create(
                          ib, g, arith::ConstantIndexOp::create(ib, c.n)),
                      gcol)});
              // As the reference: f32(code - zp) * scale, one rounding.
              return arith::MulFOp::create(
                  ib, arith::SIToFPOp::create(ib, ib.getF32Type(), centered),
                  scale);
            });
            memref::StoreOp::create(b, v, wTile, e);
          });
          gpu::BarrierOp::create(b);
          // Only the k < K of this tile: no extra "+ 0" that could turn a
          // -0 sum into +0.
          Value count = arith::MinUIOp::create(
              b, idx(tk), arith::SubIOp::create(b, idx(c.k), k0));
          auto inner = scf::ForOp::create(
              b, idx(0), count, idx(1), ValueRange{iter[0]},
              [&](OpBuilder &ib0, Location il, Value kk, ValueRange acc) {
                ImplicitLocOpBuilder ib(il, ib0);
                Value xv = tileAt(ib, xTile, ty, kk);
                Value wv = tileAt(ib, wTile, tx, kk);
                Value p = arith::MulFOp::create(ib, xv, wv);
                scf::YieldOp::create(
                    ib, ValueRange{arith::AddFOp::create(ib, acc[0], p)});
              });
          gpu::BarrierOp::create(b);
          scf::YieldOp::create(b, inner.getResult(0));
        });
    Value inRange =
        arith::AndIOp::create(b, lt(row, idx(c.m)), lt(col, idx(c.n)));
    scf::IfOp::create(b, inRange, [&](OpBuilder &sb, Location sl) {
      ImplicitLocOpBuilder ib(sl, sb);
      memref::StoreOp::create(
          ib, loop.getResult(0), out,
          ValueRange{arith::AddIOp::create(
              ib,
              arith::MulIOp::create(ib, row,
                                    arith::ConstantIndexOp::create(ib, c.n)),
              col)});
      scf::YieldOp::create(ib);
    });
    gpu::ReturnOp::create(b);
    return func;
  }

private:
  ImplicitLocOpBuilder &b;
  const KernelConfig &c;
  Type i32;
};

struct DefineVulkanKernelsPass
    : qf::impl::QFDefineVulkanKernelsPassBase<DefineVulkanKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<func::FuncOp> stubs;
    module.walk([&](func::FuncOp f) {
      if ((f->hasAttr(qf::kVulkanKernelAttr) ||
           f->hasAttr(qf::kVulkanFloatKernelAttr)) &&
          f.isExternal())
        stubs.push_back(f);
    });
    if (stubs.empty())
      return;
    std::string error;
    auto env = dyn_cast_or_null<spirv::TargetEnvAttr>(
        qf::parseVulkanTargetEnv(&getContext(), targetEnv, error));
    if (!env) {
      module.emitError() << error;
      return signalPassFailure();
    }
    spirv::TargetEnv target(env);
    bool hasDot = target.allows(spirv::Capability::DotProduct) &&
                  target.allows(spirv::Capability::DotProductInput4x8BitPacked);
    gpu::GPUModuleOp gpuModule =
        qf::detail::getOrCreateGPUModule(module, "qf_vulkan_kernels");
    gpuModule.setTargetsAttr(ArrayAttr::get(&getContext(), {env}));
    for (func::FuncOp stub : stubs) {
      bool isFloat = stub->hasAttr(qf::kVulkanFloatKernelAttr);
      StringRef attrName =
          isFloat ? qf::kVulkanFloatKernelAttr : qf::kVulkanKernelAttr;
      auto shape = stub->getAttrOfType<DenseI64ArrayAttr>(attrName);
      if (!shape || shape.size() != (isFloat ? 6u : 8u) || shape[0] < 1 ||
          shape[1] < 1 || shape[2] < 1 || shape[3] < 1 ||
          shape[2] % shape[3] || shape[4] < 1 || shape[4] > 8) {
        stub.emitError() << "malformed " << attrName;
        return signalPassFailure();
      }
      SmallVector<int64_t, 8> fields(shape.asArrayRef());
      if (isFloat)
        fields.append({0, 0}); // no activation sign, no dot product
      KernelConfig config = configure(fields, hasDot && !isFloat);
      ImplicitLocOpBuilder b(stub.getLoc(), &getContext());
      KernelBuilder builder(b, config);
      std::string name = (stub.getName() + "_kernel").str();
      gpu::GPUFuncOp kernel = isFloat ? builder.buildFloat(gpuModule, name)
                                      : builder.build(gpuModule, name);
      qf::detail::defineGPUHostStub(
          stub, kernel,
          {(config.n + config.tn - 1) / config.tn,
           (config.m + config.tm - 1) / config.tm, 1},
          {config.tn, config.tm, 1});
      stub->removeAttr(attrName);
    }
  }
};

} // namespace
