// RUN: qforge-opt %s -qf-define-vulkan-kernels -split-input-file -verify-diagnostics
// RUN: not qforge-opt %s -qf-define-vulkan-kernels=target-env=vulkan9 -split-input-file 2>&1 | FileCheck %s --check-prefix=ENV

// K = 8 is not a multiple of the group size 3.
// expected-error @+1 {{malformed qf.vulkan_kernel}}
func.func private @stub(memref<24xi8>, memref<5xi32>, memref<10xi32>, memref<10xi32>, memref<3xi32>, memref<30xi32>) attributes {qf.vulkan_kernel = array<i64: 3, 5, 8, 3, 4, 1, 0, 1>}

// -----

// Not eight values.
// expected-error @+1 {{malformed qf.vulkan_kernel}}
func.func private @stub(memref<24xi8>) attributes {qf.vulkan_kernel = array<i64: 3, 5, 8>}

// ENV: error: invalid SPIR-V target environment 'vulkan9': expected vulkan-dot, vulkan-int8, vulkan-basic or a #spirv.target_env<...> attribute
