//===- QFToSPIRV.h - Passes of the Vulkan (SPIR-V) lowering -----*- C++ -*-===//

#ifndef QFORGE_CONVERSION_QFTOSPIRV_QFTOSPIRV_H
#define QFORGE_CONVERSION_QFTOSPIRV_QFTOSPIRV_H

#include "mlir/Pass/Pass.h"

namespace mlir::qf {

/// Attribute of a Vulkan kernel host stub declared by convert-qf-to-spirv:
/// [M, N, K, group size G, weight bits, signed weights, signed activations,
/// centered weights fit in i8].
constexpr char kVulkanKernelAttr[] = "qf.vulkan_kernel";

/// Attribute of a Vulkan weight-only kernel stub (float activations):
/// [M, N, K, group size G, weight bits, signed weights].
constexpr char kVulkanFloatKernelAttr[] = "qf.vulkan_float_kernel";

/// The SPIR-V target environment qf-lower-to-spirv uses by default: Vulkan
/// 1.3 (SPIR-V 1.6) with 8-bit storage and the packed 4x8-bit integer dot
/// product.
constexpr char kDefaultVulkanTargetEnv[] = "vulkan-dot";

/// Parses a target environment: a preset name (`vulkan-dot`: SPIR-V 1.6,
/// Int8, 8-bit storage, DotProduct; `vulkan-int8`: the same without the dot
/// product; `vulkan-basic`: SPIR-V 1.0 and no 8-bit types at all) or a
/// `#spirv.target_env<...>` attribute. Returns null and sets `error`.
Attribute parseVulkanTargetEnv(MLIRContext *ctx, StringRef text,
                               std::string &error);

#define GEN_PASS_DECL_CONVERTQFTOSPIRVPASS
#define GEN_PASS_DECL_QFDEFINEVULKANKERNELSPASS
#define GEN_PASS_DECL_QFSERIALIZESPIRVKERNELSPASS
#include "qforge/Conversion/Passes.h.inc"

} // namespace mlir::qf

#endif // QFORGE_CONVERSION_QFTOSPIRV_QFTOSPIRV_H
