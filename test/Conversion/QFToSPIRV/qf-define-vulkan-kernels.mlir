// RUN: qforge-opt %s -qf-define-vulkan-kernels | FileCheck %s
// RUN: qforge-opt %s -qf-define-vulkan-kernels=target-env=vulkan-int8 | FileCheck %s --check-prefix=PLAIN
// RUN: qforge-opt %s -qf-define-vulkan-kernels | FileCheck %s --check-prefix=FLOAT

// A 3 x 5 x 8 matmul, signed 4-bit weights in groups of 4, unsigned
// activations, centered weights fit in i8. With the DotProduct capability
// (the default target, vulkan-dot): 4-byte words in workgroup memory,
// spirv.SUDot (weights signed, activations unsigned), the zero-point
// correction at the end of every group. A workgroup is 64 x 2 invocations
// (M = 3: tiles of 2 rows), one per output.
// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func private @stub
// CHECK: gpu.wait async
// CHECK-COUNT-6: gpu.alloc async
// CHECK-COUNT-5: gpu.memcpy async
// CHECK: gpu.launch_func async {{.*}} @qf_vulkan_kernels::@stub_kernel blocks in (%{{.*}}, %{{.*}}, %{{.*}}) threads in (%{{.*}}, %{{.*}}, %{{.*}})
// CHECK: gpu.memcpy async
// CHECK-COUNT-6: gpu.dealloc async
// CHECK: gpu.module @qf_vulkan_kernels [#spirv.target_env<#spirv.vce<v1.6, [Shader, Int8, Int16, StorageBuffer8BitAccess, DotProduct, DotProductInput4x8BitPacked]
// CHECK: gpu.func @stub_kernel(%{{.*}}: memref<24xi8>, %{{.*}}: memref<5xi32>, %{{.*}}: memref<10xi32>, %{{.*}}: memref<10xi32>, %{{.*}}: memref<3xi32>, %{{.*}}: memref<30xi32>) kernel attributes {spirv.entry_point_abi = #spirv.entry_point_abi<workgroup_size = [64, 2, 1]>}
// CHECK: memref.alloc() : memref<16xi32, #spirv.storage_class<Workgroup>>
// CHECK: memref.alloc() : memref<512xi32, #spirv.storage_class<Workgroup>>
// CHECK: arith.shrsi
// CHECK: gpu.barrier
// CHECK: spirv.SUDot {{.*}}<PackedVectorFormat4x8Bit>
// CHECK: gpu.barrier
// CHECK: arith.subi

// Without the capability: i32 values in workgroup memory, plain products.
// PLAIN: gpu.module @qf_vulkan_kernels [#spirv.target_env<#spirv.vce<v1.3, [Shader, Int8, Int16, StorageBuffer8BitAccess]
// PLAIN: memref.alloc() : memref<32xi32, #spirv.storage_class<Workgroup>>
// PLAIN: memref.alloc() : memref<1024xi32, #spirv.storage_class<Workgroup>>
// PLAIN-NOT: spirv.SUDot
// PLAIN-NOT: spirv.SDot
// PLAIN: arith.muli
func.func private @stub(memref<24xi8>, memref<5xi32>, memref<10xi32>, memref<10xi32>, memref<3xi32>, memref<30xi32>) attributes {qf.vulkan_kernel = array<i64: 3, 5, 8, 4, 4, 1, 0, 1>}

// Weight-only: f32 tiles, the weights dequantized while staged
// (f32(w - zw) * scale), the inner loop bounded by K.
// FLOAT: gpu.func @wstub_kernel(%{{.*}}: memref<40xf32>, %{{.*}}: memref<7xi32>, %{{.*}}: memref<14xi32>, %{{.*}}: memref<14xf32>, %{{.*}}: memref<35xf32>) kernel attributes {spirv.entry_point_abi = #spirv.entry_point_abi<workgroup_size = [32, 4, 1]>}
// FLOAT: memref.alloc() : memref<64xf32, #spirv.storage_class<Workgroup>>
// FLOAT: memref.alloc() : memref<512xf32, #spirv.storage_class<Workgroup>>
// FLOAT: arith.sitofp
// FLOAT: arith.mulf
// FLOAT: gpu.barrier
// FLOAT: arith.minui
// FLOAT: arith.mulf
// FLOAT: arith.addf
func.func private @wstub(memref<40xf32>, memref<7xi32>, memref<14xi32>, memref<14xf32>, memref<35xf32>) attributes {qf.vulkan_float_kernel = array<i64: 5, 7, 8, 4, 3, 0>}
