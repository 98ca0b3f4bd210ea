// Strided copies (here from tensor.insert_slice) call memrefCopy from MLIR's
// C runner library, which the C program must then link: a note says so.
// RUN: qforge-translate %s --emit=object -o %t.o 2>&1 | FileCheck %s
// CHECK: qforge-translate: note: the object calls memrefCopy: link it with libmlir_c_runner_utils
// RUN: llvm-nm --undefined-only %t.o | FileCheck %s --check-prefix=UNDEF
// UNDEF: memrefCopy

func.func @insert(%a: tensor<4x4xf32>, %b: tensor<2x2xf32>) -> tensor<4x4xf32> {
  %r = tensor.insert_slice %b into %a[1, 1] [2, 2] [1, 1] : tensor<2x2xf32> into tensor<4x4xf32>
  return %r : tensor<4x4xf32>
}
