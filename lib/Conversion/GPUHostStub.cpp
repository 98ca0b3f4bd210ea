//===- GPUHostStub.cpp - host bodies of GPU kernel stubs ------------------===//

#include "GPUHostStub.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/ImplicitLocOpBuilder.h"

using namespace mlir;

void mlir::qf::detail::defineGPUHostStub(func::FuncOp stub,
                                         gpu::GPUFuncOp kernel,
                                         std::array<int64_t, 3> grid,
                                         std::array<int64_t, 3> block,
                                         bool zeroOutput) {
  Block *entry = stub.addEntryBlock();
  ImplicitLocOpBuilder b(stub.getLoc(), OpBuilder::atBlockEnd(entry));
  Type token = gpu::AsyncTokenType::get(b.getContext());
  Value t = gpu::WaitOp::create(b, token, ValueRange{}).getAsyncToken();
  SmallVector<Value> device;
  for (Value arg : entry->getArguments()) {
    auto alloc = gpu::AllocOp::create(b, cast<MemRefType>(arg.getType()),
                                      token, ValueRange{t}, ValueRange{},
                                      ValueRange{});
    device.push_back(alloc.getMemref());
    t = alloc.getAsyncToken();
  }
  unsigned output = entry->getNumArguments() - 1;
  for (unsigned i = 0; i < output; ++i)
    t = gpu::MemcpyOp::create(b, token, ValueRange{t}, device[i],
                              entry->getArgument(i))
            .getAsyncToken();
  if (zeroOutput)
    t = gpu::MemsetOp::create(
            b, token, ValueRange{t}, device[output],
            arith::ConstantIntOp::create(
                b,
                cast<MemRefType>(device[output].getType()).getElementType(),
                0))
            .getAsyncToken();
  auto idx = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, v);
  };
  gpu::KernelDim3 gridDim{idx(grid[0]), idx(grid[1]), idx(grid[2])};
  gpu::KernelDim3 blockDim{idx(block[0]), idx(block[1]), idx(block[2])};
  t = gpu::LaunchFuncOp::create(b, kernel, gridDim, blockDim, Value(), device,
                                token, ValueRange{t})
          .getAsyncToken();
  t = gpu::MemcpyOp::create(b, token, ValueRange{t},
                            entry->getArgument(output), device[output])
          .getAsyncToken();
  for (Value d : device)
    t = gpu::DeallocOp::create(b, token, ValueRange{t}, d).getAsyncToken();
  gpu::WaitOp::create(b, Type(), ValueRange{t});
  func::ReturnOp::create(b);
}

gpu::GPUModuleOp mlir::qf::detail::getOrCreateGPUModule(ModuleOp module,
                                                        StringRef name) {
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  UnitAttr::get(module.getContext()));
  if (auto existing = module.lookupSymbol<gpu::GPUModuleOp>(name))
    return existing;
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  return gpu::GPUModuleOp::create(b, module.getLoc(), name);
}
