//===- Pipelines.h - qforge's registered pass pipelines ---------*- C++ -*-===//
//
// Each pipeline is an options struct, a builder that other compilers can call
// on their own pass manager, and a registration for qforge-opt.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_PIPELINES_PIPELINES_H
#define QFORGE_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

#include <memory>
#include <string>

namespace mlir {
class OpPassManager;
class Pass;
} // namespace mlir

namespace qforge {

/// Options of `qf-lower-to-x86`.
struct LowerToX86Options
    : public mlir::PassPipelineOptions<LowerToX86Options> {
  Option<std::string> cpu{
      *this, "cpu",
      llvm::cl::desc("LLVM CPU name the code is generated for (e.g. znver4, "
                     "x86-64-v4); 'host' is the machine running the compiler"),
      llvm::cl::init("host")};
  Option<unsigned> vectorWidth{
      *this, "vector-width",
      llvm::cl::desc("Widest vector registers the generated code should use, "
                     "in bits: 128, 256 or 512 (0: the CPU's default). Below "
                     "512 the AVX-512 kernels are not used"),
      llvm::cl::init(0)};
  Option<bool> vnni{
      *this, "vnni",
      llvm::cl::desc("Use the AVX-512 kernels when the CPU has AVX-512 VNNI: "
                     "int8 matmuls with constant weights (bit-exact with the "
                     "reference) and weight-only int4 matmuls (a float path: "
                     "within rounding of the reference)"),
      llvm::cl::init(true)};
  Option<unsigned> threads{
      *this, "threads",
      llvm::cl::desc("OpenMP threads for the outer loops of the x86 kernels "
                     "(1: no threads, no libomp needed)"),
      llvm::cl::init(1)};
};

/// qf (and the linalg / tensor / arith / math IR around it) down to the LLVM
/// dialect on x86: qf ops through convert-qf-to-x86 (VNNI microkernels for
/// int8 matmuls with constant weights, when the CPU has AVX-512 VNNI) or the
/// reference convert-qf-to-linalg, bufferization (function results become
/// out-parameters, every public function gets a C interface), loops, LLVM.
/// The CPU option is recorded for translation to machine code.
void buildLowerToX86Pipeline(mlir::OpPassManager &pm,
                             const LowerToX86Options &options);

/// Options of `qf-lower-to-nvvm`.
struct LowerToNVVMOptions
    : public mlir::PassPipelineOptions<LowerToNVVMOptions> {
  Option<std::string> chip{*this, "chip",
                           llvm::cl::desc("GPU architecture (sm_80, sm_90)"),
                           llvm::cl::init("sm_90")};
  Option<std::string> features{
      *this, "features",
      llvm::cl::desc("PTX features; +ptx70 or later for sm_80, +ptx80 or "
                     "later for sm_90"),
      llvm::cl::init("+ptx80")};
  Option<std::string> format{
      *this, "format",
      llvm::cl::desc("Kernel binary embedded in the host module: isa (PTX, "
                     "needs no CUDA toolkit), bin (cubin, needs ptxas) or "
                     "fatbin"),
      llvm::cl::init("isa")};
};

/// qf down to the LLVM dialect with int8 matmuls (constant weights) on CUDA:
/// convert-qf-to-nvvm, the same bufferization as the x86 pipeline,
/// qf-define-cuda-kernels, then upstream's GPU-to-NVVM lowering with the
/// kernels compiled to PTX / cubin and embedded in the host module, whose
/// launches call the mgpu* runtime functions (qforge's CUDA runtime).
void buildLowerToNVVMPipeline(mlir::OpPassManager &pm,
                              const LowerToNVVMOptions &options);

/// Options of `qf-lower-to-spirv`.
struct LowerToSPIRVOptions
    : public mlir::PassPipelineOptions<LowerToSPIRVOptions> {
  Option<std::string> targetEnv{
      *this, "target-env",
      llvm::cl::desc("SPIR-V target environment of the kernels: vulkan-dot "
                     "(SPIR-V 1.6, 8-bit storage, packed 4x8-bit dot "
                     "product), vulkan-int8 (no dot product), vulkan-basic "
                     "(no 8-bit types) or a #spirv.target_env<...> attribute"),
      llvm::cl::init("vulkan-dot")};
  Option<std::string> cpu{
      *this, "cpu",
      llvm::cl::desc("LLVM CPU name the host code is generated for ('host': "
                     "the machine running the compiler)"),
      llvm::cl::init("host")};
  Option<std::string> dumpDir{
      *this, "dump-dir",
      llvm::cl::desc("Also write every SPIR-V kernel module to DIR/NAME.spv"),
      llvm::cl::init("")};
};

/// qf down to the LLVM dialect with integer matmuls (constant weights) as
/// Vulkan compute kernels: convert-qf-to-spirv, the same bufferization as the
/// x86 pipeline, qf-define-vulkan-kernels, convert-gpu-to-spirv, the SPIR-V
/// ABI and version passes, qf-serialize-spirv-kernels (the binaries are
/// embedded in the host module), then the host code to LLVM; its launches
/// call the mgpu* runtime ABI, which qforge's Vulkan runtime implements under
/// the qfvk* names (see renameGPURuntimeCalls in qforge/Runtime/Compile.h).
void buildLowerToSPIRVPipeline(mlir::OpPassManager &pm,
                               const LowerToSPIRVOptions &options);

/// Replaces the `dense_resource` initial value of every rank-0 `memref.global`
/// by the equivalent `dense` literal (upstream's memref-to-LLVM lowering
/// cannot read a scalar from a resource and aborts); a missing blob or one
/// of the wrong size is an error at the global. Both pipelines run it after
/// bufferization. Not registered: only the pipelines use it.
std::unique_ptr<mlir::Pass> createMaterializeScalarResourcesPass();

/// Whether the LLVM CPU `cpu` ('host': this machine) has AVX-512 VNNI.
bool cpuHasAVX512VNNI(llvm::StringRef cpu);

/// Registers every pipeline above with the pass registry (for qforge-opt).
void registerPipelines();

} // namespace qforge

#endif // QFORGE_PIPELINES_PIPELINES_H
