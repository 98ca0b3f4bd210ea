//===- CUDARuntime.cpp - qforge's CUDA host runtime -----------------------===//
//
// The driver API entry points are resolved from libcuda.so.1 at run time;
// the few types and constants used are declared here (they are part of the
// driver's stable C ABI), so no CUDA header or library is needed to build.
//
//===----------------------------------------------------------------------===//

#include "qforge/Runtime/CUDARuntime.h"

#include <cstdio>
#include <cstdlib>
#include <dlfcn.h>
#include <mutex>

namespace {

using CUresult = int;
using CUdevice = int;
using CUcontext = void *;
using CUmodule = void *;
using CUfunction = void *;
using CUstream = void *;
using CUevent = void *;
using CUdeviceptr = unsigned long long;
constexpr CUresult CUDA_SUCCESS = 0;

/// The driver entry points qforge uses.
struct Driver {
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDeviceGetName)(char *, int, CUdevice);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuModuleLoadData)(CUmodule *, const void *);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned,
                             unsigned, unsigned, unsigned, unsigned, CUstream,
                             void **, void **);
  CUresult (*cuStreamCreate)(CUstream *, unsigned);
  CUresult (*cuStreamDestroy)(CUstream);
  CUresult (*cuStreamSynchronize)(CUstream);
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemcpy)(CUdeviceptr, CUdeviceptr, size_t);
  CUresult (*cuMemsetD32)(CUdeviceptr, unsigned, size_t);
  CUresult (*cuEventCreate)(CUevent *, unsigned);
  CUresult (*cuEventRecord)(CUevent, CUstream);
  CUresult (*cuEventSynchronize)(CUevent);
  CUresult (*cuEventElapsedTime)(float *, CUevent, CUevent);
  CUresult (*cuEventDestroy)(CUevent);
  CUresult (*cuGetErrorString)(CUresult, const char **);
  CUcontext context = nullptr;
  std::string error; ///< why the driver cannot be used, or ""
};

/// Loads the driver and makes device 0's primary context current, once.
Driver &driver() {
  static Driver d;
  static std::once_flag once;
  std::call_once(once, [] {
    void *lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) {
      const char *e = dlerror();
      d.error = std::string("cannot load the CUDA driver libcuda.so.1 (") +
                (e ? e : "unknown error") + ")";
      return;
    }
    bool missing = false;
    auto sym = [&](auto &fn, const char *name, const char *alt = nullptr) {
      void *p = dlsym(lib, name);
      if (!p && alt)
        p = dlsym(lib, alt);
      if (!p) {
        d.error = std::string("libcuda.so.1 has no ") + name;
        missing = true;
      }
      fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(p);
    };
    sym(d.cuInit, "cuInit");
    sym(d.cuDeviceGet, "cuDeviceGet");
    sym(d.cuDeviceGetName, "cuDeviceGetName");
    sym(d.cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
    sym(d.cuCtxSetCurrent, "cuCtxSetCurrent");
    sym(d.cuModuleLoadData, "cuModuleLoadData");
    sym(d.cuModuleUnload, "cuModuleUnload");
    sym(d.cuModuleGetFunction, "cuModuleGetFunction");
    sym(d.cuLaunchKernel, "cuLaunchKernel");
    sym(d.cuStreamCreate, "cuStreamCreate");
    sym(d.cuStreamDestroy, "cuStreamDestroy_v2", "cuStreamDestroy");
    sym(d.cuStreamSynchronize, "cuStreamSynchronize");
    sym(d.cuMemAlloc, "cuMemAlloc_v2", "cuMemAlloc");
    sym(d.cuMemFree, "cuMemFree_v2", "cuMemFree");
    sym(d.cuMemcpy, "cuMemcpy");
    sym(d.cuMemsetD32, "cuMemsetD32_v2", "cuMemsetD32");
    sym(d.cuEventCreate, "cuEventCreate");
    sym(d.cuEventRecord, "cuEventRecord");
    sym(d.cuEventSynchronize, "cuEventSynchronize");
    sym(d.cuEventElapsedTime, "cuEventElapsedTime_v2", "cuEventElapsedTime");
    sym(d.cuEventDestroy, "cuEventDestroy_v2", "cuEventDestroy");
    sym(d.cuGetErrorString, "cuGetErrorString");
    if (missing)
      return;
    CUdevice dev;
    if (d.cuInit(0) != CUDA_SUCCESS || d.cuDeviceGet(&dev, 0) != CUDA_SUCCESS) {
      d.error = "no CUDA device (cuInit / cuDeviceGet failed)";
      return;
    }
    if (d.cuDevicePrimaryCtxRetain(&d.context, dev) != CUDA_SUCCESS ||
        d.cuCtxSetCurrent(d.context) != CUDA_SUCCESS)
      d.error = "cannot create a CUDA context on device 0";
  });
  return d;
}

/// The driver, or a clear error and exit(1) (the mgpu* ABI cannot return
/// errors).
Driver &ready() {
  Driver &d = driver();
  if (!d.error.empty()) {
    // _Exit: no exit handlers, which would call back into the runtime (the
    // generated module destructor unloads its module).
    std::fprintf(stderr, "qforge CUDA runtime: %s\n", d.error.c_str());
    std::fflush(stderr);
    std::_Exit(1);
  }
  d.cuCtxSetCurrent(d.context);
  return d;
}

/// Exits with a message naming the call when `r` is an error.
void check(CUresult r, const char *what) {
  if (r == CUDA_SUCCESS)
    return;
  const char *msg = nullptr;
  if (driver().cuGetErrorString)
    driver().cuGetErrorString(r, &msg);
  std::fprintf(stderr, "qforge CUDA runtime: %s failed: %s (%d)\n", what,
               msg ? msg : "unknown error", r);
  std::fflush(stderr);
  std::_Exit(1);
}

} // namespace

bool qforge::cuda::available(std::string *why) {
  Driver &d = driver();
  if (why)
    *why = d.error;
  return d.error.empty();
}

std::string qforge::cuda::deviceName() {
  if (!available())
    return "";
  char name[256] = {0};
  CUdevice dev;
  Driver &d = ready();
  if (d.cuDeviceGet(&dev, 0) != CUDA_SUCCESS ||
      d.cuDeviceGetName(name, sizeof(name) - 1, dev) != CUDA_SUCCESS)
    return "";
  return name;
}

double qforge::cuda::timeMs(void (*fn)(void *), void *arg) {
  Driver &d = ready();
  CUevent start, stop;
  check(d.cuEventCreate(&start, 0), "cuEventCreate");
  check(d.cuEventCreate(&stop, 0), "cuEventCreate");
  check(d.cuEventRecord(start, nullptr), "cuEventRecord");
  fn(arg);
  check(d.cuEventRecord(stop, nullptr), "cuEventRecord");
  check(d.cuEventSynchronize(stop), "cuEventSynchronize");
  float ms = 0;
  check(d.cuEventElapsedTime(&ms, start, stop), "cuEventElapsedTime");
  d.cuEventDestroy(start);
  d.cuEventDestroy(stop);
  return ms;
}

extern "C" {

void *mgpuModuleLoad(void *data, size_t) {
  CUmodule module = nullptr;
  check(ready().cuModuleLoadData(&module, data), "cuModuleLoadData");
  return module;
}

void *mgpuModuleLoadJIT(void *data, int) {
  // PTX text: the driver JIT-compiles it at load.
  return mgpuModuleLoad(data, 0);
}

void mgpuModuleUnload(void *module) {
  // Called from a global destructor at exit, possibly after the driver has
  // shut down (CUDA_ERROR_DEINITIALIZED): nothing left to release then.
  constexpr CUresult kDeinitialized = 4;
  CUresult r = ready().cuModuleUnload(module);
  if (r != kDeinitialized)
    check(r, "cuModuleUnload");
}

void *mgpuModuleGetFunction(void *module, const char *name) {
  CUfunction f = nullptr;
  check(ready().cuModuleGetFunction(&f, module, name), "cuModuleGetFunction");
  return f;
}

static bool timeKernels = false;
static double kernelMs = 0;

void qforgeCudaTimeKernels(int enable) {
  timeKernels = enable != 0;
  kernelMs = 0;
}

double qforgeCudaKernelMs(void) { return kernelMs; }

void mgpuLaunchKernel(void *function, intptr_t gridX, intptr_t gridY,
                      intptr_t gridZ, intptr_t blockX, intptr_t blockY,
                      intptr_t blockZ, int32_t sharedMemBytes, void *stream,
                      void **params, void **extra, size_t) {
  Driver &d = ready();
  CUevent start = nullptr, stop = nullptr;
  if (timeKernels) {
    check(d.cuEventCreate(&start, 0), "cuEventCreate");
    check(d.cuEventCreate(&stop, 0), "cuEventCreate");
    check(d.cuEventRecord(start, stream), "cuEventRecord");
  }
  check(d.cuLaunchKernel(function, unsigned(gridX), unsigned(gridY),
                         unsigned(gridZ), unsigned(blockX), unsigned(blockY),
                         unsigned(blockZ), unsigned(sharedMemBytes), stream,
                         params, extra),
        "cuLaunchKernel");
  if (timeKernels) {
    check(d.cuEventRecord(stop, stream), "cuEventRecord");
    check(d.cuEventSynchronize(stop), "cuEventSynchronize");
    float ms = 0;
    check(d.cuEventElapsedTime(&ms, start, stop), "cuEventElapsedTime");
    kernelMs += ms;
    d.cuEventDestroy(start);
    d.cuEventDestroy(stop);
  }
}

void *mgpuStreamCreate() {
  CUstream s = nullptr;
  check(ready().cuStreamCreate(&s, 0), "cuStreamCreate");
  return s;
}

void mgpuStreamDestroy(void *stream) {
  check(ready().cuStreamDestroy(stream), "cuStreamDestroy");
}

void mgpuStreamSynchronize(void *stream) {
  check(ready().cuStreamSynchronize(stream), "cuStreamSynchronize");
}

void *mgpuMemAlloc(uint64_t sizeBytes, void *, bool) {
  CUdeviceptr p = 0;
  if (sizeBytes)
    check(ready().cuMemAlloc(&p, sizeBytes), "cuMemAlloc");
  return reinterpret_cast<void *>(p);
}

void mgpuMemFree(void *ptr, void *) {
  if (ptr)
    check(ready().cuMemFree(reinterpret_cast<CUdeviceptr>(ptr)), "cuMemFree");
}

void mgpuMemcpy(void *dst, void *src, size_t sizeBytes, void *) {
  // Unified addressing: cuMemcpy takes host and device pointers alike.
  check(ready().cuMemcpy(reinterpret_cast<CUdeviceptr>(dst),
                         reinterpret_cast<CUdeviceptr>(src), sizeBytes),
        "cuMemcpy");
}

void mgpuMemset32(void *dst, unsigned value, size_t count, void *) {
  check(ready().cuMemsetD32(reinterpret_cast<CUdeviceptr>(dst), value, count),
        "cuMemsetD32");
}

} // extern "C"
