//===- Pipelines.h - qforge's registered pass pipelines ---------*- C++ -*-===//
//
// Each pipeline is an options struct, a builder that other compilers can call
// on their own pass manager, and a registration for qforge-opt.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_PIPELINES_PIPELINES_H
#define QFORGE_PIPELINES_PIPELINES_H

#include "mlir/Pass/PassOptions.h"

#include <string>

namespace mlir {
class OpPassManager;
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

/// Whether the LLVM CPU `cpu` ('host': this machine) has AVX-512 VNNI.
bool cpuHasAVX512VNNI(llvm::StringRef cpu);

/// Registers every pipeline above with the pass registry (for qforge-opt).
void registerPipelines();

} // namespace qforge

#endif // QFORGE_PIPELINES_PIPELINES_H
