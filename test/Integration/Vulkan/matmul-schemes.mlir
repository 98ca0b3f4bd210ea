// Vulkan kernels for quantized matmuls, bit for bit against the CPU run:
// weight widths 2, 3, 4 and 8; weights per tensor, per column and in groups
// along K, symmetric and asymmetric, K x N and N x K; activations u8/i8 per
// tensor or per row, with and without zero points; shapes that are not
// multiples of the tiles (a GEMV among them); a raw i32 result; weight-only
// matmuls (f32 activations, accumulated in the reference's order against the
// reference lowering, i.e. a CPU without VNNI). Every target
// environment: packed 4x8-bit dot products (vulkan-dot), plain i32 products
// with 8-bit storage (vulkan-int8) and without any 8-bit type (vulkan-basic).
// Every generated SPIR-V module passes spirv-val. Inputs/matmul_cases.py
// writes the modules and runs the tools.
// REQUIRES: vulkan, spirv-val
// RUN: rm -rf %t && %python %S/Inputs/matmul_cases.py %t qforge-opt qforge-run | FileCheck %s

// CHECK: w2: 8 of 8 matmuls on Vulkan kernels
// CHECK: w2 vulkan-dot: spirv-val ok on 1 module(s), packed dot products: yes
// CHECK: w2 vulkan-dot: 8 of 8 results bit-exact
// CHECK: w2 vulkan-int8: spirv-val ok on 1 module(s), packed dot products: no
// CHECK: w2 vulkan-int8: 8 of 8 results bit-exact
// CHECK: w2 vulkan-basic: spirv-val ok on 1 module(s), packed dot products: no
// CHECK: w2 vulkan-basic: 8 of 8 results bit-exact
// CHECK: w3: 8 of 8 matmuls on Vulkan kernels
// CHECK: w3 vulkan-dot: spirv-val ok on 1 module(s), packed dot products: yes
// CHECK: w3 vulkan-dot: 8 of 8 results bit-exact
// CHECK: w3 vulkan-int8: 8 of 8 results bit-exact
// CHECK: w3 vulkan-basic: 8 of 8 results bit-exact
// CHECK: w4: 8 of 8 matmuls on Vulkan kernels
// CHECK: w4 vulkan-dot: spirv-val ok on 1 module(s), packed dot products: yes
// CHECK: w4 vulkan-dot: 8 of 8 results bit-exact
// CHECK: w4 vulkan-int8: 8 of 8 results bit-exact
// CHECK: w4 vulkan-basic: 8 of 8 results bit-exact
// CHECK: w8: 9 of 9 matmuls on Vulkan kernels
// CHECK: w8 vulkan-dot: spirv-val ok on 1 module(s), packed dot products: yes
// CHECK: w8 vulkan-dot: 9 of 9 results bit-exact
// CHECK: w8 vulkan-int8: 9 of 9 results bit-exact
// CHECK: w8 vulkan-basic: 9 of 9 results bit-exact
// CHECK-NOT: FAIL
