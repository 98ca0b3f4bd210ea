// RUN: qforge-opt %s -qf-set-target-cpu="cpu=znver4" | FileCheck %s
// RUN: qforge-opt %s -qf-set-target-cpu="cpu=x86-64-v3 vector-width=256" | FileCheck %s --check-prefix=WIDTH
// RUN: not qforge-opt %s -qf-set-target-cpu="cpu=znver4 vector-width=300" 2>&1 | FileCheck %s --check-prefix=BAD

// CHECK-LABEL: llvm.func @f
//  CHECK-SAME:   target_cpu = "znver4"
//   WIDTH-LABEL: llvm.func @f
//    WIDTH-SAME:   prefer_vector_width = "256"
//    WIDTH-SAME:   target_cpu = "x86-64-v3"
// Declarations are left alone.
//   CHECK-LABEL: llvm.func @external
//     CHECK-NOT:   target_cpu
// BAD: error: qf-set-target-cpu: vector-width must be 128, 256 or 512, got 300
llvm.func @f() {
  llvm.return
}
llvm.func @external()
