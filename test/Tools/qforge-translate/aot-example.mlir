// The ahead-of-time example (examples/aot): header and object from
// qforge-translate, main.c compiled and linked with the system C compiler,
// run. The printed numbers were checked with numpy:
//   x = 0.25 * arange(8).reshape(2, 4) - 0.5; y = maximum(x @ W + b, 0)
// REQUIRES: cc
// RUN: rm -rf %t && mkdir -p %t
// RUN: qforge-translate %S/../../../examples/aot/model.mlir --emit=header -o %t/model.h
// RUN: qforge-translate %S/../../../examples/aot/model.mlir --emit=object -o %t/model.o
// RUN: cc -std=c99 -Wall -Wextra -Werror -pedantic -I%t %S/../../../examples/aot/main.c %t/model.o -lm -o %t/aot
// RUN: %t/aot | FileCheck %s
// CHECK:      y[0] = 0.0000 0.3625 0.1125  sum = 0.4750
// CHECK-NEXT: y[1] = 1.2875 1.6125 0.0000  sum = 2.9000
