// The int8 path's machine code for znver4 and znver5 uses vpdpbusd on zmm
// registers (AVX-512 VNNI), with at least a 4 x 4 tile of accumulators.
// RUN: qforge-translate %s --emit=object --cpu=znver4 -o %t.znver4.o
// RUN: llvm-objdump -d --no-show-raw-insn %t.znver4.o | FileCheck %s
// RUN: qforge-translate %s --emit=object --cpu=znver5 -o %t.znver5.o
// RUN: llvm-objdump -d --no-show-raw-insn %t.znver5.o | FileCheck %s
// CHECK-COUNT-16: vpdpbusd {{.*}}%zmm{{[0-9]+}}, %zmm{{[0-9]+}}, %zmm{{[0-9]+}}

// A CPU without AVX-512 VNNI gets the reference lowering, never vpdpbusd.
// RUN: qforge-translate %s --emit=object --cpu=x86-64-v3 -o %t.v3.o
// RUN: llvm-objdump -d --no-show-raw-insn %t.v3.o | FileCheck %s --check-prefix=NOVNNI
// NOVNNI-NOT: vpdpbusd

// Limiting vectors to 256 bits also keeps the AVX-512 kernels out.
// RUN: qforge-opt %s --qf-lower-to-x86="cpu=znver4 vector-width=256" | FileCheck %s --check-prefix=YMM
// YMM-NOT: vpdpbusd
// YMM: prefer_vector_width = "256"

func.func @gemm(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  %wf = arith.constant dense<0.75> : tensor<64x64xf32>
  %w = qf.quantize %wf : tensor<64x64xf32> -> !qf.qtensor<64x64xf32, #qf.scheme<i8, axis = 1>>
  %a = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<u8, axis = 0, asym>>
  %y = qf.matmul %a, %w acc(i32) : !qf.qtensor<8x64xf32, #qf.scheme<u8, axis = 0, asym>>, !qf.qtensor<64x64xf32, #qf.scheme<i8, axis = 1>> -> tensor<8x64xf32>
  return %y : tensor<8x64xf32>
}
