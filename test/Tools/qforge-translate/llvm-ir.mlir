// --emit=llvm-ir: optimized LLVM IR for x86-64 and the requested CPU; only
// the C interfaces are exported (a function called main would clash with the
// C program's).
// RUN: qforge-translate %s --emit=llvm-ir --cpu znver4 | FileCheck %s
// CHECK:     target triple = "x86_64-
// CHECK-NOT: define {{.*}}@main(
// CHECK:     define void @_mlir_ciface_main(ptr {{.*}}, ptr {{.*}}, ptr {{.*}})
// CHECK-NOT: define {{.*}}@main(
// CHECK:     "target-cpu"="znver4"

// RUN: qforge-translate %s --emit=llvm-ir --cpu x86-64-v3 -o %t.ll
// RUN: FileCheck %s --check-prefix=V3 < %t.ll
// V3: "target-cpu"="x86-64-v3"

func.func @main(%a: tensor<4x8xf32>, %b: tensor<8x3xf32>) -> tensor<4x3xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<4x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<4x3xf32>) -> tensor<4x3xf32>
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x3xf32>)
                     outs(%acc : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}
