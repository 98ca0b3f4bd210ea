// RUN: qforge-opt %s -qf-serialize-spirv-kernels -verify-diagnostics

// expected-error @+1 {{no gpu.module @kernels for this SPIR-V module}}
spirv.module @__spv__kernels Logical GLSL450 requires #spirv.vce<v1.0, [Shader], []> {
}
