//===- DefineX86Kernels.cpp - qf-define-x86-kernels -----------------------===//
//
// Emits the bodies of the microkernels that convert-qf-to-x86 declares, once
// the surrounding code is bufferized: scf loops over register tiles of
// `vpdpbusd` (llvm.x86.avx512.vpdpbusd.512) accumulators.
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QFToX86/QFToX86.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

namespace mlir::qf {
#define GEN_PASS_DEF_QFDEFINEX86KERNELSPASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;

namespace {

/// Rows and 16-column blocks of the register tile.
constexpr int64_t kTileRows = 4, kTileBlocks = 4;

/// Emits the body of a kernel declared by convert-qf-to-x86:
///   C[M, N] (i32) = A[M, K] (u8 after `xor`) . Wpacked
/// with a register tile of 4 rows x 64 columns (16 zmm accumulators), and
/// 1-row / 16-column tiles for the remainders.
void defineKernel(func::FuncOp func, int64_t m, int64_t n, int64_t k,
                  bool flipSign, bool parallel) {
  Location loc = func.getLoc();
  Type i8 = IntegerType::get(func.getContext(), 8);
  Type i32 = IntegerType::get(func.getContext(), 32);
  Block *entry = func.addEntryBlock();
  ImplicitLocOpBuilder b(loc, OpBuilder::atBlockEnd(entry));
  Value a = entry->getArgument(0), w = entry->getArgument(1),
        c = entry->getArgument(2);
  // vpdpbusd: <16 x i32> accumulators, <64 x i8> operands.
  auto vecI32 = VectorType::get({16}, i32);
  auto vecI8 = VectorType::get({64}, i8);
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, v);
  };
  StringAttr vnni = b.getStringAttr("llvm.x86.avx512.vpdpbusd.512");

  // One register tile: rows [m0, m0 + rows), columns [n0, n0 + 16 * blocks).
  auto emitTile = [&](OpBuilder &ob, Location l, Value m0, Value n0,
                      int64_t rows, int64_t blocks) {
    ImplicitLocOpBuilder tb(l, ob);
    Value zero = arith::ConstantOp::create(
        tb, vecI32, DenseElementsAttr::get(vecI32, tb.getI32IntegerAttr(0)));
    SmallVector<Value> init(rows * blocks, zero);
    Value kBlocks = arith::ConstantIndexOp::create(tb, k / 4);
    Value c0 = arith::ConstantIndexOp::create(tb, 0);
    Value c1 = arith::ConstantIndexOp::create(tb, 1);
    Value c4 = arith::ConstantIndexOp::create(tb, 4);
    Value c64 = arith::ConstantIndexOp::create(tb, 64);
    Value c16 = arith::ConstantIndexOp::create(tb, 16);
    Value flip = arith::ConstantIntOp::create(tb, int64_t(0x80808080u), 32);
    // First 64-byte block of column block n0 / 16.
    Value wBase = arith::MulIOp::create(
        tb, arith::MulIOp::create(tb, arith::DivUIOp::create(tb, n0, c16),
                                  kBlocks),
        c64);
    auto loop = scf::ForOp::create(
        tb, c0, kBlocks, c1, init,
        [&](OpBuilder &lb, Location ll, Value k4, ValueRange accs) {
          ImplicitLocOpBuilder kb(ll, lb);
          SmallVector<Value> ws;
          for (int64_t j = 0; j < blocks; ++j) {
            // Block j of this column group sits K/4 * 64 bytes further.
            Value off = arith::AddIOp::create(
                kb, wBase,
                arith::AddIOp::create(
                    kb, arith::MulIOp::create(kb, k4, c64),
                    arith::ConstantIndexOp::create(kb, j * (k / 4) * 64)));
            ws.push_back(vector::LoadOp::create(kb, vecI8, w, ValueRange{off}));
          }
          SmallVector<Value> next(accs.begin(), accs.end());
          Value col = arith::MulIOp::create(kb, k4, c4);
          for (int64_t r = 0; r < rows; ++r) {
            Value row = arith::AddIOp::create(
                kb, m0, arith::ConstantIndexOp::create(kb, r));
            Value four = vector::LoadOp::create(
                kb, VectorType::get({4}, i8), a, ValueRange{row, col});
            Value word = vector::ExtractOp::create(
                kb, vector::BitCastOp::create(kb, VectorType::get({1}, i32),
                                              four),
                ArrayRef<int64_t>{0});
            if (flipSign)
              word = arith::XOrIOp::create(kb, word, flip);
            Value bcast = vector::BitCastOp::create(
                kb, vecI8, vector::BroadcastOp::create(kb, vecI32, word));
            for (int64_t j = 0; j < blocks; ++j) {
              Value &acc = next[r * blocks + j];
              acc = LLVM::CallIntrinsicOp::create(kb, vecI32, vnni,
                                                  ValueRange{acc, bcast, ws[j]})
                        .getResult(0);
            }
          }
          scf::YieldOp::create(kb, next);
        });
    for (int64_t r = 0; r < rows; ++r) {
      Value row = arith::AddIOp::create(tb, m0,
                                        arith::ConstantIndexOp::create(tb, r));
      for (int64_t j = 0; j < blocks; ++j) {
        Value colIdx = arith::AddIOp::create(
            tb, n0, arith::ConstantIndexOp::create(tb, 16 * j));
        vector::StoreOp::create(tb, loop.getResult(r * blocks + j), c,
                                ValueRange{row, colIdx});
      }
    }
  };

  // Rows in tiles of 4 then 1; columns in groups of 64 then 16. The 64-wide
  // column groups are swept in panels whose weights (panel x K bytes) stay
  // in the L2 cache while every row tile passes over them.
  int64_t mMain = m - m % kTileRows;
  int64_t nMain = n - n % (16 * kTileBlocks);
  int64_t panel = std::max<int64_t>(64, ((int64_t(1) << 20) / k) / 64 * 64);

  // Columns [nBegin, nEnd) of rows m0 .. m0 + rows.
  auto cols = [&](OpBuilder &ob, Location l, Value m0, Value nBegin,
                  Value nEnd, int64_t rows, int64_t blocks) {
    scf::ForOp::create(ob, l, nBegin, nEnd,
                       arith::ConstantIndexOp::create(ob, l, 16 * blocks),
                       ValueRange{},
                       [&](OpBuilder &cb, Location cl, Value n0, ValueRange) {
                         emitTile(cb, cl, m0, n0, rows, blocks);
                         scf::YieldOp::create(cb, cl);
                       });
  };
  // Row tiles [mBegin, mEnd) in steps of `rows`: independent, so with
  // `parallel` an scf.parallel loop (OpenMP threads after
  // convert-scf-to-openmp).
  auto rowsLoop = [&](OpBuilder &ob, Location l, int64_t mBegin, int64_t mEnd,
                      int64_t rows,
                      function_ref<void(OpBuilder &, Location, Value)> body) {
    if (mBegin >= mEnd)
      return;
    Value lo = arith::ConstantIndexOp::create(ob, l, mBegin);
    Value hi = arith::ConstantIndexOp::create(ob, l, mEnd);
    Value st = arith::ConstantIndexOp::create(ob, l, rows);
    if (parallel) {
      scf::ParallelOp::create(ob, l, ValueRange{lo}, ValueRange{hi},
                              ValueRange{st},
                              [&](OpBuilder &pb, Location pl, ValueRange ivs) {
                                body(pb, pl, ivs[0]);
                              });
      return;
    }
    scf::ForOp::create(ob, l, lo, hi, st, ValueRange{},
                       [&](OpBuilder &fb, Location fl, Value m0, ValueRange) {
                         body(fb, fl, m0);
                         scf::YieldOp::create(fb, fl);
                       });
  };

  if (mMain > 0 && nMain > 0)
    scf::ForOp::create(
        b, idx(0), idx(nMain), idx(panel), ValueRange{},
        [&](OpBuilder &ob, Location l, Value p0, ValueRange) {
          Value pEnd = arith::MinSIOp::create(
              ob, l, arith::AddIOp::create(ob, l, p0,
                                           arith::ConstantIndexOp::create(
                                               ob, l, panel)),
              arith::ConstantIndexOp::create(ob, l, nMain));
          rowsLoop(ob, l, 0, mMain, kTileRows,
                   [&](OpBuilder &rb, Location rl, Value m0) {
                     cols(rb, rl, m0, p0, pEnd, kTileRows, kTileBlocks);
                   });
          scf::YieldOp::create(ob, l);
        });
  if (nMain < n)
    rowsLoop(b, loc, 0, mMain, kTileRows,
             [&](OpBuilder &rb, Location rl, Value m0) {
               cols(rb, rl, m0, arith::ConstantIndexOp::create(rb, rl, nMain),
                    arith::ConstantIndexOp::create(rb, rl, n), kTileRows, 1);
             });
  rowsLoop(b, loc, mMain, m, 1, [&](OpBuilder &rb, Location rl, Value m0) {
    if (nMain > 0)
      cols(rb, rl, m0, arith::ConstantIndexOp::create(rb, rl, 0),
           arith::ConstantIndexOp::create(rb, rl, nMain), 1, kTileBlocks);
    if (nMain < n)
      cols(rb, rl, m0, arith::ConstantIndexOp::create(rb, rl, nMain),
           arith::ConstantIndexOp::create(rb, rl, n), 1, 1);
  });
  func::ReturnOp::create(b);
}

/// Emits the weight-only int4 kernel: for every output column n (a row of
/// W) and input row m, groups of K are dotted 128 codes (64 bytes) at a time:
/// low and high nibbles are sign-extended in registers and multiplied with
/// the even and odd entries of x (deinterleaved once per call), the group
/// sum is scaled, and the 64 lanes are reduced at the end.
void defineW4Kernel(func::FuncOp func, int64_t m, int64_t n, int64_t k,
                    int64_t group, int64_t scalesOffset, bool parallel) {
  Location loc = func.getLoc();
  Block *entry = func.addEntryBlock();
  ImplicitLocOpBuilder b(loc, OpBuilder::atBlockEnd(entry));
  Value x = entry->getArgument(0), w = entry->getArgument(1),
        y = entry->getArgument(2);
  Type f32 = b.getF32Type(), i8 = b.getI8Type();
  auto v64f = VectorType::get({64}, f32);
  auto v64i8 = VectorType::get({64}, i8);
  auto idx = [&](OpBuilder &ob, Location l, int64_t v) -> Value {
    return arith::ConstantIndexOp::create(ob, l, v);
  };
  int64_t half = k / 2, chunks = group / 128, groups = k / group;

  // x deinterleaved: xe[m][j] = x[m][2j], xo[m][j] = x[m][2j + 1].
  auto evenOddType = MemRefType::get({m, half}, f32);
  Value xe = memref::AllocOp::create(b, evenOddType);
  Value xo = memref::AllocOp::create(b, evenOddType);
  scf::ForOp::create(b, idx(b, loc, 0), idx(b, loc, m), idx(b, loc, 1),
                     ValueRange{},
                     [&](OpBuilder &ob, Location l, Value mi, ValueRange) {
    scf::ForOp::create(ob, l, idx(ob, l, 0), idx(ob, l, half),
                       idx(ob, l, 1), ValueRange{},
                       [&](OpBuilder &ib, Location il, Value j, ValueRange) {
      Value two = idx(ib, il, 2), one = idx(ib, il, 1);
      Value e = arith::MulIOp::create(ib, il, j, two);
      Value o = arith::AddIOp::create(ib, il, e, one);
      memref::StoreOp::create(ib, il,
                              memref::LoadOp::create(ib, il, x,
                                                     ValueRange{mi, e}),
                              xe, ValueRange{mi, j});
      memref::StoreOp::create(ib, il,
                              memref::LoadOp::create(ib, il, x,
                                                     ValueRange{mi, o}),
                              xo, ValueRange{mi, j});
      scf::YieldOp::create(ib, il);
    });
    scf::YieldOp::create(ob, l);
  });

  // The f32 scales of the blob, [N, K / group].
  Value scales = memref::ViewOp::create(
      b, MemRefType::get({n * groups}, f32), w, idx(b, loc, scalesOffset),
      ValueRange{});
  Value zero = arith::ConstantOp::create(
      b, v64f, DenseElementsAttr::get(v64f, b.getF32FloatAttr(0.0f)));
  Value four = arith::ConstantOp::create(
      b, v64i8, DenseElementsAttr::get(v64i8, b.getI8IntegerAttr(4)));

  // One output column (a row of W) per iteration; with `parallel` the
  // columns are an scf.parallel loop.
  auto column = [&](OpBuilder &ob, Location l, Value ni) {
    ImplicitLocOpBuilder nb(l, ob);
    Value rowBase = arith::MulIOp::create(nb, ni, idx(nb, l, half));
    scf::ForOp::create(nb, idx(nb, l, 0), idx(nb, l, m), idx(nb, l, 1),
                       ValueRange{},
                       [&](OpBuilder &mb2, Location ml, Value mi, ValueRange) {
      ImplicitLocOpBuilder mbb(ml, mb2);
      auto groupLoop = scf::ForOp::create(
          mbb, idx(mbb, ml, 0), idx(mbb, ml, groups), idx(mbb, ml, 1),
          ValueRange{zero},
          [&](OpBuilder &gb, Location gl, Value g, ValueRange accs) {
            ImplicitLocOpBuilder gbb(gl, gb);
            auto chunkLoop = scf::ForOp::create(
                gbb, idx(gbb, gl, 0), idx(gbb, gl, chunks), idx(gbb, gl, 1),
                ValueRange{zero},
                [&](OpBuilder &cb, Location cl, Value c, ValueRange ds) {
                  ImplicitLocOpBuilder cbb(cl, cb);
                  // Chunk index along K (64 bytes = 128 codes each).
                  Value chunk = arith::AddIOp::create(
                      cbb, arith::MulIOp::create(cbb, g, idx(cbb, cl, chunks)),
                      c);
                  Value off = arith::MulIOp::create(cbb, chunk,
                                                    idx(cbb, cl, 64));
                  Value bytes = vector::LoadOp::create(
                      cbb, v64i8, w,
                      ValueRange{arith::AddIOp::create(cbb, rowBase, off)});
                  Value lo = arith::ShRSIOp::create(
                      cbb, arith::ShLIOp::create(cbb, bytes, four), four);
                  Value hi = arith::ShRSIOp::create(cbb, bytes, four);
                  Value loF = arith::SIToFPOp::create(cbb, v64f, lo);
                  Value hiF = arith::SIToFPOp::create(cbb, v64f, hi);
                  Value xev = vector::LoadOp::create(cbb, v64f, xe,
                                                     ValueRange{mi, off});
                  Value xov = vector::LoadOp::create(cbb, v64f, xo,
                                                     ValueRange{mi, off});
                  Value d = vector::FMAOp::create(cbb, loF, xev, ds[0]);
                  d = vector::FMAOp::create(cbb, hiF, xov, d);
                  scf::YieldOp::create(cbb, d);
                });
            Value sIdx = arith::AddIOp::create(
                gbb, arith::MulIOp::create(gbb, ni, idx(gbb, gl, groups)), g);
            Value s = memref::LoadOp::create(gbb, scales, ValueRange{sIdx});
            Value sv = vector::BroadcastOp::create(gbb, v64f, s);
            scf::YieldOp::create(
                gbb, vector::FMAOp::create(gbb, sv, chunkLoop.getResult(0),
                                           accs[0])
                         .getResult());
          });
      Value sum = vector::ReductionOp::create(
          mbb, vector::CombiningKind::ADD, groupLoop.getResult(0));
      memref::StoreOp::create(mbb, sum, y, ValueRange{mi, ni});
      scf::YieldOp::create(mbb);
    });
  };
  if (parallel) {
    scf::ParallelOp::create(b, ValueRange{idx(b, loc, 0)},
                            ValueRange{idx(b, loc, n)},
                            ValueRange{idx(b, loc, 1)},
                            [&](OpBuilder &ob, Location l, ValueRange ivs) {
                              column(ob, l, ivs[0]);
                            });
  } else {
    scf::ForOp::create(b, idx(b, loc, 0), idx(b, loc, n), idx(b, loc, 1),
                       ValueRange{},
                       [&](OpBuilder &ob, Location l, Value ni, ValueRange) {
                         column(ob, l, ni);
                         scf::YieldOp::create(ob, l);
                       });
  }
  memref::DeallocOp::create(b, xe);
  memref::DeallocOp::create(b, xo);
  func::ReturnOp::create(b);
}

struct DefineX86KernelsPass
    : qf::impl::QFDefineX86KernelsPassBase<DefineX86KernelsPass> {
  using Base::Base;
  void runOnOperation() override {
    getOperation().walk([&](func::FuncOp func) {
      if (auto w4 =
              func->getAttrOfType<DenseI64ArrayAttr>(qf::kX86W4KernelAttr)) {
        if (w4.size() != 5 || !func.isExternal()) {
          func.emitError() << "malformed " << qf::kX86W4KernelAttr;
          return signalPassFailure();
        }
        defineW4Kernel(func, w4[0], w4[1], w4[2], w4[3], w4[4], parallel);
        func->removeAttr(qf::kX86W4KernelAttr);
        return;
      }
      auto shape = func->getAttrOfType<DenseI64ArrayAttr>(qf::kX86KernelAttr);
      if (!shape || !func.isExternal())
        return;
      if (shape.size() != 4) {
        func.emitError() << "malformed " << qf::kX86KernelAttr << " attribute";
        return signalPassFailure();
      }
      defineKernel(func, shape[0], shape[1], shape[2], shape[3] != 0,
                   parallel);
      func->removeAttr(qf::kX86KernelAttr);
    });
  }
};

} // namespace
