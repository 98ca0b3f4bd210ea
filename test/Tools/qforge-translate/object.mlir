// --emit=object: an x86-64 ELF relocatable exporting the C interfaces only.
// RUN: qforge-translate %s --emit=object --cpu x86-64-v2 -o %t.o 2>&1 | count 0
// RUN: llvm-readobj --file-headers %t.o | FileCheck %s --check-prefix=ELF
// ELF: Format: elf64-x86-64
// ELF: Type: Relocatable
// RUN: llvm-nm --defined-only %t.o | FileCheck %s --check-prefix=SYMS
// SYMS-NOT: {{ main$}}
// SYMS:     T _mlir_ciface_main
// SYMS-NOT: {{ main$}}

func.func @main(%a: tensor<4x8xf32>, %b: tensor<8x3xf32>) -> tensor<4x3xf32> {
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<4x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<4x3xf32>) -> tensor<4x3xf32>
  %r = linalg.matmul ins(%a, %b : tensor<4x8xf32>, tensor<8x3xf32>)
                     outs(%acc : tensor<4x3xf32>) -> tensor<4x3xf32>
  return %r : tensor<4x3xf32>
}
