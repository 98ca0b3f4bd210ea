//===- QFToNVVM.h - Passes of the CUDA (NVVM) lowering ----------*- C++ -*-===//

#ifndef QFORGE_CONVERSION_QFTONVVM_QFTONVVM_H
#define QFORGE_CONVERSION_QFTONVVM_QFTONVVM_H

#include "mlir/Pass/Pass.h"

namespace mlir::qf {

/// Attribute of a CUDA kernel host stub: [M, N, K, signed activations].
constexpr char kCUDAKernelAttr[] = "qf.cuda_kernel";

#define GEN_PASS_DECL_CONVERTQFTONVVMPASS
#define GEN_PASS_DECL_QFDEFINECUDAKERNELSPASS
#include "qforge/Conversion/Passes.h.inc"

} // namespace mlir::qf

#endif // QFORGE_CONVERSION_QFTONVVM_QFTONVVM_H
