//===- Compile.h - Load, lower and translate modules for CPUs --*- C++ -*-===//
//
// The compile half shared by qforge-run (JIT) and qforge-translate (AOT):
// load a module (text or bytecode), read its signatures, lower it with
// qf-lower-to-x86, translate it to LLVM IR, and make x86-64 target machines.
// Errors are llvm::Error values whose text includes the MLIR diagnostics
// (with file, line and column) that caused them.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_RUNTIME_COMPILE_H
#define QFORGE_RUNTIME_COMPILE_H

#include "qforge/Runtime/Signature.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/SourceMgr.h"

#include <memory>
#include <string>
#include <vector>

namespace llvm {
class LLVMContext;
class Module;
class TargetMachine;
} // namespace llvm

namespace mlir {
class DialectRegistry;
class MLIRContext;
class OpPassManager;
} // namespace mlir

namespace qforge {

/// Registers what loading, lowering and translating need: qforge's dialects,
/// the LLVM / SCF / CF / affine dialects, the bufferization and deallocation
/// external models, and the builtin + LLVM translations to LLVM IR.
void registerRuntimeDialects(mlir::DialectRegistry &registry);

/// A module loaded from a file, owning its context. Signatures are read at
/// load time, before any lowering.
class LoadedModule {
public:
  /// Parses `path` ("-" for stdin), text or bytecode.
  static llvm::Expected<std::unique_ptr<LoadedModule>>
  load(llvm::StringRef path);
  ~LoadedModule();

  mlir::ModuleOp getModule() { return *module; }
  llvm::StringRef getPath() const { return path; }
  const std::vector<FunctionSignature> &getSignatures() const {
    return signatures;
  }
  /// Whether the module is in the LLVM dialect (loaded so, or lowered).
  bool isLowered() const { return lowered; }

  /// The public function to run. With `explicitName` false, `name` is a
  /// default that yields to the module's only public function. Fails with a
  /// message listing the public functions, or explaining why the function's
  /// signature is unsupported.
  llvm::Expected<const FunctionSignature *>
  lookupEntry(llvm::StringRef name, bool explicitName) const;

  /// Runs the passes `build` adds on the module (before lowering) and
  /// reads the signatures again. Errors carry the passes' diagnostics.
  llvm::Error transform(llvm::function_ref<void(mlir::OpPassManager &)> build);

  /// Lowers to the LLVM dialect with qf-lower-to-x86 for `cpu` (a resolved
  /// CPU name); a no-op for modules already in the LLVM dialect. Function
  /// arguments are marked read-only first, so that the generated code never
  /// writes into the caller's input buffers. Records the signatures on the
  /// lowered C interfaces.
  llvm::Error lower(llvm::StringRef cpu, unsigned threads = 1);
  /// Lowers with qf-lower-to-nvvm instead: int8 matmuls become CUDA kernels
  /// for `chip` (cubin embedded; needs ptxas), the rest host code.
  llvm::Error lowerForCUDA(llvm::StringRef chip);
  /// Lowers with qf-lower-to-spirv instead: integer matmuls with constant
  /// weights become Vulkan compute kernels for the SPIR-V target environment
  /// `targetEnv` (a preset such as vulkan-dot, or a #spirv.target_env
  /// attribute), the rest host code. The generated code calls qforge's Vulkan
  /// runtime (QForgeRuntimeVulkan, the qfvk* functions).
  /// With `spirvDir`, the SPIR-V modules are also written there (NAME.spv).
  llvm::Error lowerForVulkan(llvm::StringRef targetEnv,
                             llvm::StringRef spirvDir = "");
  /// Whether the module was lowered for the Vulkan runtime.
  bool usesVulkanRuntime() const { return vulkan; }
  /// The OpenMP threads the module was lowered for (1: no OpenMP runtime).
  unsigned getThreads() const { return threads; }

  /// Translates the lowered module to LLVM IR for `tm` (triple and data
  /// layout), optimized at -O3 when `optimize` is set. Functions with a C
  /// interface become internal: only `_mlir_ciface_<name>` is exported.
  llvm::Expected<std::unique_ptr<llvm::Module>>
  translateToLLVMIR(llvm::LLVMContext &llvmContext, llvm::TargetMachine &tm,
                    bool optimize);

private:
  /// Runs the pipeline `build` fills, then checks that only LLVM-dialect
  /// code (and embedded GPU binaries) is left.
  llvm::Error lowerWith(llvm::function_ref<void(mlir::OpPassManager &)> build);
  LoadedModule() = default;

  std::string path;
  std::unique_ptr<mlir::MLIRContext> context;
  llvm::SourceMgr sourceMgr;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  std::vector<FunctionSignature> signatures;
  bool lowered = false;
  bool vulkan = false;
  unsigned threads = 1;
};

/// The host code of GPU launches calls MLIR's mgpu* runtime ABI; qforge's
/// Vulkan runtime implements it under other names (qfvk*) so that it can be
/// linked beside the CUDA one. Renames every mgpu* function of `module`
/// (declarations and calls) to `prefix` + the rest of the name.
void renameGPURuntimeCalls(llvm::Module &module, llvm::StringRef prefix);

/// Registers the X86 target with LLVM (idempotent).
void initializeX86Target();

/// Resolves "host" to the host's CPU name and checks that the X86 backend
/// knows the CPU.
llvm::Expected<std::string> resolveCPU(llvm::StringRef cpu);

/// Fails, naming the missing features, when code generated for `cpu` may
/// use instructions that the machine running this process does not have
/// (vector, bit-manipulation and APX extensions; system features such as
/// pku are not checked).
llvm::Error checkCPURunsOnHost(llvm::StringRef cpu);

/// An x86-64 target machine for `cpu` (a resolved name; the host's features
/// when it is the host CPU), position-independent, -O3.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createX86TargetMachine(llvm::StringRef cpu);

} // namespace qforge

#endif // QFORGE_RUNTIME_COMPILE_H
