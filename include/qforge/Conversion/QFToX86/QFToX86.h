//===- QFToX86.h - Passes of the x86 lowering -------------------*- C++ -*-===//

#ifndef QFORGE_CONVERSION_QFTOX86_QFTOX86_H
#define QFORGE_CONVERSION_QFTOX86_QFTOX86_H

#include "mlir/Pass/Pass.h"

namespace mlir::qf {

/// Attribute of a kernel declaration: [M, N, K, signed activations].
constexpr char kX86KernelAttr[] = "qf.x86_kernel";
/// Attribute of a weight-only int4 kernel declaration:
/// [M, N, K, group, scales offset in the blob].
constexpr char kX86W4KernelAttr[] = "qf.x86_w4_kernel";

#define GEN_PASS_DECL_CONVERTQFTOX86PASS
#define GEN_PASS_DECL_QFDEFINEX86KERNELSPASS
#define GEN_PASS_DECL_QFDECOMPOSEAGGREGATESPASS
#define GEN_PASS_DECL_QFEMITCINTERFACEPASS
#define GEN_PASS_DECL_QFSETTARGETCPUPASS
#include "qforge/Conversion/Passes.h.inc"

} // namespace mlir::qf

#endif // QFORGE_CONVERSION_QFTOX86_QFTOX86_H
