//===- VulkanRuntime.h - qforge's Vulkan host runtime -----------*- C++ -*-===//
//
// The functions that host code compiled for Vulkan calls: MLIR's gpu-to-llvm
// runtime ABI (the mgpu* signatures of CUDARuntime.h), with every name
// prefixed qfvk instead of mgpu so that both runtimes can be linked into one
// binary. Kernels are SPIR-V compute shaders; their parameters follow the
// bare-pointer convention and are bound as storage buffers (descriptor set
// 0, binding i for parameter i).
//
// Model:
//  - Memory comes from qfvkMemAlloc: a storage buffer bound to host-visible,
//    host-coherent memory and mapped for its whole life. The returned
//    pointer is the mapped host address, so host code reads and writes it
//    directly and qfvkMemcpy is a plain memory copy.
//  - Launches are synchronous (submit, then wait on a fence), so streams and
//    events are dummy handles and their synchronization functions do
//    nothing.
//  - Errors cannot be returned through this ABI: any failure prints
//    "qforge Vulkan runtime: <what failed>: <reason>" to stderr and exits
//    with status 1.
//
// Device selection: the QFORGE_VULKAN_DEVICE environment variable names a
// device by index (vkEnumeratePhysicalDevices order) or by a case-insensitive
// substring of its name; without it, a discrete GPU is preferred, then an
// integrated one, then a virtual one, then a CPU implementation (lavapipe).
//
// Plain C++: no MLIR or LLVM, so AOT-compiled models link it alone (plus
// the Vulkan loader, -lvulkan).
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_RUNTIME_VULKANRUNTIME_H
#define QFORGE_RUNTIME_VULKANRUNTIME_H

#include <cstddef>
#include <cstdint>
#include <string>

namespace qforge::vulkan {

/// Whether a Vulkan device can be used. Creates the instance and device on
/// first use. When it cannot, `why` says why (no driver, no instance, no
/// suitable device, QFORGE_VULKAN_DEVICE matches nothing, ...). Never exits.
bool available(std::string *why = nullptr);

/// The selected device's name followed by its type in parentheses, e.g.
/// "llvmpipe (LLVM 15.0.6, 256 bits) (CPU)"; "" when no device is available.
std::string deviceName();

/// Whether the shaderIntegerDotProduct feature (SPV_KHR_integer_dot_product)
/// is enabled on the device; false when no device is available.
bool supportsIntegerDotProduct();

/// Whether the storageBuffer8BitAccess feature (8-bit integers in storage
/// buffers) is enabled on the device; false when no device is available.
bool supports8BitStorage();

/// Milliseconds of GPU time of the dispatches launched since the last
/// resetKernelTime(), from timestamp queries around each dispatch (0 for
/// dispatches on a queue without timestamp support).
double kernelTimeMs();

/// Number of dispatches launched since the last resetKernelTime().
uint64_t dispatchCount();

/// Resets kernelTimeMs() and dispatchCount() to zero.
void resetKernelTime();

} // namespace qforge::vulkan

extern "C" {
/// Creates a shader module from a SPIR-V binary (`size` in bytes).
void *qfvkModuleLoad(void *data, size_t size);
/// Not supported (SPIR-V binaries only): prints an error and exits.
void *qfvkModuleLoadJIT(void *data, int optLevel);
/// Destroys a module and the pipelines of its functions; a no-op during
/// process exit.
void qfvkModuleUnload(void *module);
/// A handle for the compute entry point `name` of `module`.
void *qfvkModuleGetFunction(void *module, const char *name);
/// Dispatches (gridX, gridY, gridZ) workgroups and waits for completion.
/// The workgroup size is the shader's LocalSize: block sizes are only
/// checked against the device limits. `params[i]` points to a pointer into
/// a qfvkMemAlloc allocation, bound at set 0, binding i.
void qfvkLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t sharedMemBytes, void *stream,
                      void **params, void **extra, size_t paramsCount);
/// Dummy streams and events (launches are synchronous).
void *qfvkStreamCreate();
void qfvkStreamDestroy(void *stream);
void qfvkStreamSynchronize(void *stream);
void *qfvkEventCreate();
void qfvkEventDestroy(void *event);
void qfvkEventSynchronize(void *event);
void qfvkEventRecord(void *event, void *stream);
void qfvkStreamWaitEvent(void *stream, void *event);
/// A host-mapped storage buffer of at least `sizeBytes` bytes (rounded up to
/// a multiple of 4, at least 4); returns its host address.
void *qfvkMemAlloc(uint64_t sizeBytes, void *stream, bool isHostShared);
/// Frees an allocation of qfvkMemAlloc (null is ignored).
void qfvkMemFree(void *ptr, void *stream);
/// Copies `sizeBytes` bytes (all memory is host-mapped).
void qfvkMemcpy(void *dst, void *src, size_t sizeBytes, void *stream);
/// Stores `count` copies of the 32-bit `value` at `dst`.
void qfvkMemset32(void *dst, unsigned value, size_t count, void *stream);
}

#endif // QFORGE_RUNTIME_VULKANRUNTIME_H
