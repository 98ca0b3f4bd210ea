//===- GPUHostStub.h - host bodies of GPU kernel stubs ----------*- C++ -*-===//

#ifndef QFORGE_LIB_CONVERSION_GPUHOSTSTUB_H
#define QFORGE_LIB_CONVERSION_GPUHOSTSTUB_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"

#include <array>

namespace mlir::qf::detail {

/// Gives the external kernel stub `stub` (memref arguments; the last one is
/// the output, the others inputs) a host body with async gpu ops: device
/// buffers for every argument, copies of the inputs, a launch of `kernel`
/// on `grid` x `block`, the copy of the output back, deallocation, a wait.
/// With `zeroOutput`, the device output (32-bit elements) is set to zero
/// before the launch (gpu.memset; CUDA only). Shared by the CUDA and the
/// Vulkan lowerings.
void defineGPUHostStub(func::FuncOp stub, gpu::GPUFuncOp kernel,
                       std::array<int64_t, 3> grid,
                       std::array<int64_t, 3> block, bool zeroOutput = false);

/// The `gpu.module` named `name` of `module`, created if needed; marks the
/// module as a GPU container.
gpu::GPUModuleOp getOrCreateGPUModule(ModuleOp module, StringRef name);

} // namespace mlir::qf::detail

#endif // QFORGE_LIB_CONVERSION_GPUHOSTSTUB_H
