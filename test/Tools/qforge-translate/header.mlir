// --emit=header declares every public function of the original module with
// its results as out-parameters, the descriptor structs it uses (guarded,
// so that headers of several modules can be included together) and one
// comment per parameter.
// RUN: rm -rf %t && split-file %s %t
// RUN: qforge-translate %t/model.mlir --emit=header -o %t/model.h
// RUN: FileCheck %s < %t/model.h

// CHECK:      #ifndef MODEL_H
// CHECK-NEXT: #define MODEL_H
// CHECK:      #include <stdint.h>

// CHECK:      #ifndef QFORGE_MEMREF_2D_F32
// CHECK:      typedef struct qforge_memref_2d_f32 {
// CHECK-NEXT:   float *allocated;
// CHECK-NEXT:   float *aligned;
// CHECK-NEXT:   int64_t offset;
// CHECK-NEXT:   int64_t sizes[2];
// CHECK-NEXT:   int64_t strides[2];
// CHECK-NEXT: } qforge_memref_2d_f32;
// CHECK:      static inline qforge_memref_2d_f32 qforge_memref_2d_f32_make(float *data, int64_t d0, int64_t d1) {
// CHECK-NEXT:   qforge_memref_2d_f32 m = {data, data, 0, {d0, d1}, {d1, 1}};

// CHECK:      typedef struct qforge_memref_1d_f16 {
// CHECK-NEXT:   uint16_t *allocated;
// CHECK:      typedef struct qforge_memref_0d_i1 {
// CHECK-NEXT:   uint8_t *allocated;
// CHECK-NEXT:   uint8_t *aligned;
// CHECK-NEXT:   int64_t offset;
// CHECK-NEXT: } qforge_memref_0d_i1;
// CHECK:      typedef struct qforge_memref_3d_bf16 {
// CHECK:      qforge_memref_3d_bf16_make(uint16_t *data, int64_t d0, int64_t d1, int64_t d2) {
// CHECK-NEXT:   qforge_memref_3d_bf16 m = {data, data, 0, {d0, d1, d2}, {d1 * d2, d2, 1}};

// CHECK:      /* @main: (tensor<2x4xf32>, tensor<3xf16>) -> (tensor<2x4xf32>, tensor<i1>); 64 matmul ops per call */
// CHECK-NEXT: void _mlir_ciface_main(
// CHECK-NEXT:     qforge_memref_2d_f32 *arg0, /* input 0: 2x4 f32 */
// CHECK-NEXT:     qforge_memref_1d_f16 *arg1, /* input 1: 3 f16, IEEE half bits */
// CHECK-NEXT:     qforge_memref_2d_f32 *result0, /* result 0 (out-parameter): 2x4 f32 */
// CHECK-NEXT:     qforge_memref_0d_i1 *result1  /* result 1 (out-parameter): scalar i1, 0 or 1 */);
// CHECK:      /* @scale: (tensor<2x3x4xbf16>) -> (tensor<2x3x4xbf16>) */
// CHECK-NEXT: void _mlir_ciface_scale(
// CHECK-NEXT:     qforge_memref_3d_bf16 *arg0, /* input 0: 2x3x4 bf16, bfloat16 bits */
// CHECK-NEXT:     qforge_memref_3d_bf16 *result0  /* result 0 (out-parameter): 2x3x4 bf16, bfloat16 bits */);
// CHECK:      /* @nothing: () -> () */
// CHECK-NEXT: void _mlir_ciface_nothing(void);
// CHECK-NOT:  helper
// CHECK:      #endif /* MODEL_H */

// The header is valid C99 and C++, alone and next to another generated one.
// RUN: qforge-translate %t/other.mlir --emit=header -o %t/other.h
// RUN: %if cc %{ cc -std=c99 -Wall -Wextra -Werror -pedantic -fsyntax-only -I%t %t/both.c %}
// RUN: %if cc %{ cc -x c++ -std=c++17 -Wall -Wextra -Werror -fsyntax-only -I%t %t/both.c %}

// Functions whose signature has no C form are refused by name.
// RUN: not qforge-translate %t/dynamic.mlir --emit=header -o %t/dynamic.h 2>&1 | FileCheck %s --check-prefix=DYNAMIC
// DYNAMIC: qforge-translate: error: cannot declare @dyn in a C header: argument 0 of @dyn has type tensor<?xf32>: dynamic shapes are not supported
// RUN: not ls %t/dynamic.h

//--- model.mlir
func.func @main(%x: tensor<2x4xf32>, %h: tensor<3xf16>) -> (tensor<2x4xf32>, tensor<i1>) {
  %w = arith.constant dense<1.0> : tensor<4x4xf32>
  %zero = arith.constant 0.0 : f32
  %init = tensor.empty() : tensor<2x4xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<2x4xf32>) -> tensor<2x4xf32>
  %y = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x4xf32>) outs(%acc : tensor<2x4xf32>) -> tensor<2x4xf32>
  %t = arith.constant dense<true> : tensor<i1>
  return %y, %t : tensor<2x4xf32>, tensor<i1>
}
func.func @scale(%x: tensor<2x3x4xbf16>) -> tensor<2x3x4xbf16> { return %x : tensor<2x3x4xbf16> }
func.func @nothing() { return }
func.func private @helper(%x: tensor<2xf32>) -> tensor<2xf32> { return %x : tensor<2xf32> }

//--- other.mlir
func.func @other(%x: tensor<2x4xf32>) -> tensor<2x4xf32> { return %x : tensor<2x4xf32> }

//--- dynamic.mlir
func.func @dyn(%x: tensor<?xf32>) -> tensor<?xf32> { return %x : tensor<?xf32> }

//--- both.c
#include "model.h"
#include "other.h"
int use(void) {
  float x[8], y[8];
  qforge_memref_2d_f32 xd = qforge_memref_2d_f32_make(x, 2, 4);
  qforge_memref_2d_f32 yd = qforge_memref_2d_f32_make(y, 2, 4);
  _mlir_ciface_other(&xd, &yd);
  _mlir_ciface_nothing();
  return (int)y[0];
}
