//===- CPURunner.h - JIT-compile and call qforge functions ------*- C++ -*-===//
//
// Runs a function of a lowered module on this machine with the MLIR
// ExecutionEngine. Compile once, bind buffers once, call many times:
//
//   auto module = LoadedModule::load("model.mlir");       // + lookupEntry
//   auto runner = CPURunner::create(**module, *entry, "host");
//   auto call = (*runner)->bind(inputs, outputs);
//   call->invoke();                                       // as often as needed
//
// Every public function is called through its `_mlir_ciface_<name>` wrapper:
// one pointer to a memref descriptor per tensor argument, then one per
// result (caller-allocated out-parameters).
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_RUNTIME_CPURUNNER_H
#define QFORGE_RUNTIME_CPURUNNER_H

#include "qforge/Runtime/Compile.h"
#include "qforge/Runtime/HostTensor.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <vector>

namespace mlir {
class ExecutionEngine;
} // namespace mlir

namespace qforge {

/// Where a module's matmuls run, and how it is compiled for that.
struct TargetOptions {
  /// "x86" (the CPU alone), "vulkan" or "cuda".
  std::string target = "x86";
  /// The host CPU ("host" or an LLVM CPU name, resolved).
  std::string cpu = "host";
  unsigned threads = 1;
  /// GPU architecture for "cuda".
  std::string chip = "sm_90";
  /// SPIR-V target environment for "vulkan"; "auto": the richest preset the
  /// device supports (vulkan-dot when no device is needed or present).
  std::string targetEnv = "auto";
  /// Also write the SPIR-V modules of "vulkan" to this directory.
  std::string spirvDir;
};

/// Checks the target name and lowers `module` for it (qf-lower-to-x86,
/// -spirv or -nvvm). With `needDevice`, also checks that the target's device
/// can be used here (a Vulkan device, a CUDA driver) and fails clearly
/// otherwise.
llvm::Error lowerForTarget(LoadedModule &module, const TargetOptions &target,
                           bool needDevice);

/// A call with its arguments bound to buffers; invoke() may be repeated.
/// The buffers must outlive it.
class BoundCall {
public:
  BoundCall() = default;
  BoundCall(BoundCall &&) = default;
  BoundCall &operator=(BoundCall &&) = default;
  BoundCall(const BoundCall &) = delete;
  BoundCall &operator=(const BoundCall &) = delete;

  /// Calls the function once.
  void invoke() const;

private:
  friend class CPURunner;
  void (*function)(void **) = nullptr;
  /// One StridedMemRefType-compatible descriptor per argument, as 64-bit
  /// words: allocated, aligned, offset, sizes[rank], strides[rank].
  std::vector<std::vector<int64_t>> descriptors;
  std::vector<void *> descriptorPointers;
  std::vector<void *> packedArguments;
};

/// A JIT-compiled module with one entry function resolved.
class CPURunner {
public:
  /// Lowers `module` for `cpu` if needed ("host" or a CPU name; it must be
  /// able to run here) with `threads` OpenMP threads in the kernels,
  /// JIT-compiles it at -O3 and resolves the C interface of `entry`.
  /// With a `cudaChip` (e.g. sm_90) the module is lowered with
  /// qf-lower-to-nvvm instead and its kernels run on the GPU through
  /// qforge's CUDA runtime; this fails clearly without a CUDA driver.
  static llvm::Expected<std::unique_ptr<CPURunner>>
  create(LoadedModule &module, const FunctionSignature &entry,
         llvm::StringRef cpu, unsigned threads = 1,
         llvm::StringRef cudaChip = "");
  ~CPURunner();

  const FunctionSignature &getSignature() const { return signature; }

  /// Zero-filled buffers for the results.
  std::vector<HostTensor> allocateResults() const;

  /// Binds inputs and results (checked against the signature).
  llvm::Expected<BoundCall> bind(llvm::ArrayRef<HostTensor> inputs,
                                 llvm::MutableArrayRef<HostTensor> results);

private:
  CPURunner() = default;

  std::unique_ptr<mlir::ExecutionEngine> engine;
  void (*function)(void **) = nullptr;
  FunctionSignature signature;
};

} // namespace qforge

#endif // QFORGE_RUNTIME_CPURUNNER_H
