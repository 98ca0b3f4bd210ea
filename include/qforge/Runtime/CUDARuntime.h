//===- CUDARuntime.h - qforge's CUDA host runtime ---------------*- C++ -*-===//
//
// The functions that host code lowered by qf-lower-to-nvvm calls (MLIR's
// gpu-to-llvm convention: mgpuModuleLoad, mgpuLaunchKernel, mgpuMemAlloc,
// ...), implemented on the CUDA driver API. libcuda.so.1 is loaded with
// dlopen on first use, so nothing needs a driver to build; without one, the
// first call prints a clear error and exits with status 1. Plain C++: no
// MLIR or LLVM, so AOT-compiled models link it alone.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_RUNTIME_CUDARUNTIME_H
#define QFORGE_RUNTIME_CUDARUNTIME_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace qforge::cuda {

/// Whether a CUDA driver and device can be used; `why` says why not.
bool available(std::string *why = nullptr);

/// Name of device 0 (empty without a driver).
std::string deviceName();

/// Milliseconds of `fn()` on the default stream, measured with CUDA events.
double timeMs(void (*fn)(void *), void *arg);

} // namespace qforge::cuda

extern "C" {
/// Kernel timing for benchmarks: while enabled, every launch is bracketed by
/// CUDA events on its stream and waited for, and its time is added to a
/// total; enabling resets the total. qforgeCudaKernelMs returns it (ms).
void qforgeCudaTimeKernels(int enable);
double qforgeCudaKernelMs(void);

void *mgpuModuleLoad(void *data, size_t size);
void *mgpuModuleLoadJIT(void *data, int optLevel);
void mgpuModuleUnload(void *module);
void *mgpuModuleGetFunction(void *module, const char *name);
void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t sharedMemBytes, void *stream,
                      void **params, void **extra, size_t paramsCount);
void *mgpuStreamCreate();
void mgpuStreamDestroy(void *stream);
void mgpuStreamSynchronize(void *stream);
void *mgpuMemAlloc(uint64_t sizeBytes, void *stream, bool isHostShared);
void mgpuMemFree(void *ptr, void *stream);
void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void *stream);
void mgpuMemset32(void *dst, unsigned value, size_t count, void *stream);
}

#endif // QFORGE_RUNTIME_CUDARUNTIME_H
