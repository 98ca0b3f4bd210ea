//===- DefineCUDAKernels.cpp - qf-define-cuda-kernels ---------------------===//
//
// Gives the CUDA kernel stubs declared by convert-qf-to-nvvm their bodies,
// after bufferization: host code that copies the operands to the device,
// launches a dp4a kernel (emitted into `gpu.module @qf_cuda_kernels`) and
// copies the i32 sums back.
//
// The kernel is the plain dp4a path: one thread per output, the K loop in
// steps of 4 bytes (nvvm.dot.accumulate.4way). The tensor-core (mma.sync)
// path is not written yet.
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QFToNVVM/QFToNVVM.h"

#include "../GPUHostStub.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
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
      auto shape = stub->getAttrOfType<DenseI64ArrayAttr>(qf::kCUDAKernelAttr);
      if (!shape || shape.size() != 4) {
        stub.emitError() << "malformed " << qf::kCUDAKernelAttr;
        return signalPassFailure();
      }
      gpu::GPUFuncOp kernel =
          buildKernel(gpuModule, (stub.getName() + "_kernel").str(), shape[0],
                      shape[1], shape[2], shape[3] != 0);
      qf::detail::defineGPUHostStub(
          stub, kernel, {(shape[1] + kBlockThreads - 1) / kBlockThreads,
                         shape[0], 1},
          {kBlockThreads, 1, 1});
      stub->removeAttr(qf::kCUDAKernelAttr);
    }
  }
};

} // namespace
