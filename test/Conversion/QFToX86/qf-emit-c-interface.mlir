// RUN: qforge-opt %s -qf-emit-c-interface | FileCheck %s

// Public functions with a body get the C interface attribute; private ones
// and declarations do not.
// CHECK-LABEL: func.func @entry
//  CHECK-SAME:   attributes {llvm.emit_c_interface}
// CHECK-LABEL: func.func private @helper
//   CHECK-NOT:   llvm.emit_c_interface
// CHECK-LABEL: func.func private @declared
//   CHECK-NOT:   llvm.emit_c_interface
func.func @entry(%x: memref<4xf32>) {
  return
}
func.func private @helper(%x: memref<4xf32>) {
  return
}
func.func private @declared(memref<4xf32>)
