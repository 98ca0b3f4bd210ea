// RUN: qforge-opt %s | qforge-opt | FileCheck %s
// RUN: qforge-opt %s --mlir-print-op-generic | qforge-opt | FileCheck %s
// RUN: qforge-opt %s --emit-bytecode | qforge-opt | FileCheck %s

// Every op and every kind of scheme, printed and parsed back.

// CHECK-LABEL: func.func @schemes
func.func @schemes(%x: tensor<8x64xf32>) {
  // CHECK: qf.quantize %{{.*}} : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<i8>>
  %0 = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<i8>>
  // CHECK: !qf.qtensor<8x64xf32, #qf.scheme<u1>>
  %1 = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<u1>>
  // Signless and `si` spellings both mean signed.
  // CHECK: !qf.qtensor<8x64xf32, #qf.scheme<i3, axis = 0>>
  %2 = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<si3, axis = 0>>
  // CHECK: !qf.qtensor<8x64xf32, #qf.scheme<u4, axis = 1, group = 32, asym>>
  %3 = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<ui4, axis = 1, group = 32, asym>>
  // CHECK: !qf.qtensor<8x64xf32, #qf.scheme<i2, axis = 1, group = 16, scale = f16, asym, round = nearest_away>>
  %4 = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<i2, round = nearest_away, asym, scale = f16, group = 16, axis = 1>>
  // CHECK: !qf.qtensor<8x64xf32, #qf.scheme<i5, scale = bf16, round = toward_zero>>
  %5 = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<i5, scale = bf16, round = toward_zero>>
  // CHECK: !qf.qtensor<8x64xf32, #qf.scheme<f8E4M3FN, axis = 0>>
  %6 = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<f8E4M3FN, axis = 0>>
  // CHECK: !qf.qtensor<8x64xf32, #qf.scheme<f8E5M2>>
  %7 = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<f8E5M2>>
  // MX: fp4 codes, one e8m0 scale per 32 elements.
  // CHECK: !qf.qtensor<8x64xf32, #qf.scheme<f4E2M1FN, axis = 1, group = 32, scale = f8E8M0FNU>>
  %8 = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<f4E2M1FN, axis = 1, group = 32, scale = f8E8M0FNU>>
  // NVFP4: e4m3 scale per 16 elements times one f32 tensor scale.
  // CHECK: !qf.qtensor<8x64xf32, #qf.scheme<f4E2M1FN, axis = 1, group = 16, scale = f8E4M3FN, tensor_scale>>
  %9 = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<f4E2M1FN, axis = 1, group = 16, scale = f8E4M3FN, tensor_scale>>
  // CHECK: !qf.qtensor<8x64xf32, #qf.scheme<i7>, #qf.layout<tile = [4, 16]>>
  %10 = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<i7>, #qf.layout<tile = [4, 16]>>
  // CHECK: !qf.qtensor<8x64xf32, #qf.scheme<u6, axis = 0, asym>>
  %11 = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<u6, axis = 0, asym>>
  // Integer grids: binary (odd, 1 bit) and ternary (narrow, 2 bits); the
  // default `full` is not printed.
  // CHECK: !qf.qtensor<8x64xf32, #qf.scheme<i1, grid = odd, axis = 1, group = 32, scale = f16>>
  %12 = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<i1, axis = 1, scale = f16, group = 32, grid = odd>>
  // CHECK: !qf.qtensor<8x64xf32, #qf.scheme<i2, grid = narrow, axis = 0>>
  %13 = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<i2, grid = narrow, axis = 0>>
  // CHECK: !qf.qtensor<8x64xf32, #qf.scheme<i4>>
  %14 = qf.quantize %x : tensor<8x64xf32> -> !qf.qtensor<8x64xf32, #qf.scheme<i4, grid = full>>
  return
}

// CHECK-LABEL: func.func @expressed_types
func.func @expressed_types(%h: tensor<3x5xf16>, %b: tensor<2x3x4xbf16>, %s: tensor<f32>) {
  // CHECK: qf.quantize %{{.*}} : tensor<3x5xf16> -> !qf.qtensor<3x5xf16, #qf.scheme<i8>>
  %0 = qf.quantize %h : tensor<3x5xf16> -> !qf.qtensor<3x5xf16, #qf.scheme<i8>>
  // CHECK: -> !qf.qtensor<2x3x4xbf16, #qf.scheme<i4, axis = 2, group = 2>>
  %1 = qf.quantize %b : tensor<2x3x4xbf16> -> !qf.qtensor<2x3x4xbf16, #qf.scheme<i4, axis = 2, group = 2>>
  // A rank-0 quantized tensor.
  // CHECK: -> !qf.qtensor<f32, #qf.scheme<u8, asym>>
  %2 = qf.quantize %s : tensor<f32> -> !qf.qtensor<f32, #qf.scheme<u8, asym>>
  return
}

// CHECK-LABEL: func.func @static_scales
func.func @static_scales(%x: tensor<4x64xf32>, %s: tensor<4xf32>, %z: tensor<4xi32>,
                         %gs: tensor<4x4xf32>, %ts: tensor<f32>) {
  // CHECK: qf.quantize %{{.*}} scales(%{{.*}} : tensor<4xf32>) zero_points(%{{.*}} : tensor<4xi32>) : tensor<4x64xf32> -> !qf.qtensor<4x64xf32, #qf.scheme<u8, axis = 0, asym>>
  %0 = qf.quantize %x scales(%s : tensor<4xf32>) zero_points(%z : tensor<4xi32>) : tensor<4x64xf32> -> !qf.qtensor<4x64xf32, #qf.scheme<u8, axis = 0, asym>>
  // CHECK: qf.quantize %{{.*}} scales(%{{.*}} : tensor<4x4xf32>) tensor_scale(%{{.*}} : tensor<f32>) : tensor<4x64xf32> -> !qf.qtensor<4x64xf32, #qf.scheme<f4E2M1FN, axis = 1, group = 16, scale = f8E4M3FN, tensor_scale>>
  %1 = qf.quantize %x scales(%gs : tensor<4x4xf32>) tensor_scale(%ts : tensor<f32>) : tensor<4x64xf32> -> !qf.qtensor<4x64xf32, #qf.scheme<f4E2M1FN, axis = 1, group = 16, scale = f8E4M3FN, tensor_scale>>
  return
}

// CHECK-LABEL: func.func @dequantize_requantize
// CHECK-SAME: (%[[Q:.*]]: !qf.qtensor<16x32xf32, #qf.scheme<i4, axis = 0>>
func.func @dequantize_requantize(%q: !qf.qtensor<16x32xf32, #qf.scheme<i4, axis = 0>>, %s: tensor<f32>) -> tensor<16x32xf32> {
  // CHECK: %[[T:.*]] = qf.requantize %[[Q]] : !qf.qtensor<16x32xf32, #qf.scheme<i4, axis = 0>> -> !qf.qtensor<16x32xf32, #qf.scheme<i4, axis = 0>, #qf.layout<tile = [16, 4]>>
  %t = qf.requantize %q : !qf.qtensor<16x32xf32, #qf.scheme<i4, axis = 0>> -> !qf.qtensor<16x32xf32, #qf.scheme<i4, axis = 0>, #qf.layout<tile = [16, 4]>>
  // CHECK: qf.requantize %[[T]] scales(%{{.*}} : tensor<f32>) :
  %r = qf.requantize %t scales(%s : tensor<f32>) : !qf.qtensor<16x32xf32, #qf.scheme<i4, axis = 0>, #qf.layout<tile = [16, 4]>> -> !qf.qtensor<16x32xf32, #qf.scheme<i8>>
  // CHECK: qf.dequantize %{{.*}} : !qf.qtensor<16x32xf32, #qf.scheme<i8>> -> tensor<16x32xf32>
  %d = qf.dequantize %r : !qf.qtensor<16x32xf32, #qf.scheme<i8>> -> tensor<16x32xf32>
  return %d : tensor<16x32xf32>
}

// A 4x8 per-row i4 constant: 16 bytes of codes, 4 f32 scales.
// CHECK-LABEL: func.func @constant
func.func @constant() -> !qf.qtensor<4x8xf32, #qf.scheme<i4, axis = 0>> {
  // CHECK: qf.constant dense<{{.*}}> : tensor<32xi8> -> !qf.qtensor<4x8xf32, #qf.scheme<i4, axis = 0>>
  %w = qf.constant dense<"0x1032547698BADCFE01234567FEDCBA980000803F0000003F0000803E0000003E"> : tensor<32xi8> -> !qf.qtensor<4x8xf32, #qf.scheme<i4, axis = 0>>
  return %w : !qf.qtensor<4x8xf32, #qf.scheme<i4, axis = 0>>
}

// CHECK-LABEL: func.func @resource_constant
func.func @resource_constant() -> !qf.qtensor<2x4xf32, #qf.scheme<i8>> {
  // CHECK: qf.constant dense_resource<w0> : tensor<32xi8>
  %w = qf.constant dense_resource<w0> : tensor<32xi8> -> !qf.qtensor<2x4xf32, #qf.scheme<i8>>
  return %w : !qf.qtensor<2x4xf32, #qf.scheme<i8>>
}

// CHECK-LABEL: func.func @matmuls
func.func @matmuls(%x: tensor<8x64xf32>, %w: !qf.qtensor<64x32xf32, #qf.scheme<i4, axis = 0, group = 32>>,
                   %wt: !qf.qtensor<32x64xf32, #qf.scheme<i8, axis = 0>>,
                   %a: !qf.qtensor<8x64xf32, #qf.scheme<u8, axis = 0, asym>>,
                   %a8: !qf.qtensor<8x64xf32, #qf.scheme<f8E4M3FN>>,
                   %w8: !qf.qtensor<64x32xf32, #qf.scheme<f8E4M3FN, axis = 1>>,
                   %a4: !qf.qtensor<8x1000xf32, #qf.scheme<i4>>,
                   %w1000: !qf.qtensor<1000x32xf32, #qf.scheme<i8>>) {
  // Weight-only: float activations.
  // CHECK: qf.matmul %{{.*}}, %{{.*}} acc(f32) : tensor<8x64xf32>, !qf.qtensor<64x32xf32, #qf.scheme<i4, axis = 0, group = 32>> -> tensor<8x32xf32>
  %0 = qf.matmul %x, %w acc(f32) : tensor<8x64xf32>, !qf.qtensor<64x32xf32, #qf.scheme<i4, axis = 0, group = 32>> -> tensor<8x32xf32>
  // W8A8 with an N x K weight, float result.
  // CHECK: qf.matmul %{{.*}}, %{{.*}} transpose_rhs acc(i32) :
  %1 = qf.matmul %a, %wt transpose_rhs acc(i32) : !qf.qtensor<8x64xf32, #qf.scheme<u8, axis = 0, asym>>, !qf.qtensor<32x64xf32, #qf.scheme<i8, axis = 0>> -> tensor<8x32xf32>
  // Raw integer accumulators.
  // CHECK: acc(i32) : {{.*}} -> tensor<8x32xi32>
  %2 = qf.matmul %a, %wt transpose_rhs acc(i32) : !qf.qtensor<8x64xf32, #qf.scheme<u8, axis = 0, asym>>, !qf.qtensor<32x64xf32, #qf.scheme<i8, axis = 0>> -> tensor<8x32xi32>
  // Symmetric i4 codes reach 8: 1000 * 8 * 128 fits 21 bits with the sign.
  // CHECK: acc(i21)
  %i21 = qf.matmul %a4, %w1000 acc(i21) : !qf.qtensor<8x1000xf32, #qf.scheme<i4>>, !qf.qtensor<1000x32xf32, #qf.scheme<i8>> -> tensor<8x32xf32>
  // fp8 x fp8 accumulates in f32.
  // CHECK: qf.matmul %{{.*}}, %{{.*}} acc(f32) : !qf.qtensor<8x64xf32, #qf.scheme<f8E4M3FN>>
  %3 = qf.matmul %a8, %w8 acc(f32) : !qf.qtensor<8x64xf32, #qf.scheme<f8E4M3FN>>, !qf.qtensor<64x32xf32, #qf.scheme<f8E4M3FN, axis = 1>> -> tensor<8x32xf32>
  return
}

// CHECK-LABEL: func.func @batch_matmuls
func.func @batch_matmuls(%x: tensor<2x8x64xf32>, %w: !qf.qtensor<2x64x16xf32, #qf.scheme<i4, axis = 1, group = 64>>,
                         %shared: !qf.qtensor<64x16xf32, #qf.scheme<i8, axis = 1>>,
                         %a: !qf.qtensor<2x8x64xf32, #qf.scheme<i8, axis = 1>>) {
  // CHECK: qf.batch_matmul %{{.*}}, %{{.*}} acc(f32) : tensor<2x8x64xf32>, !qf.qtensor<2x64x16xf32, #qf.scheme<i4, axis = 1, group = 64>> -> tensor<2x8x16xf32>
  %0 = qf.batch_matmul %x, %w acc(f32) : tensor<2x8x64xf32>, !qf.qtensor<2x64x16xf32, #qf.scheme<i4, axis = 1, group = 64>> -> tensor<2x8x16xf32>
  // Weights shared by every batch.
  // CHECK: qf.batch_matmul %{{.*}}, %{{.*}} acc(i64) : !qf.qtensor<2x8x64xf32, #qf.scheme<i8, axis = 1>>, !qf.qtensor<64x16xf32, #qf.scheme<i8, axis = 1>> -> tensor<2x8x16xf32>
  %1 = qf.batch_matmul %a, %shared acc(i64) : !qf.qtensor<2x8x64xf32, #qf.scheme<i8, axis = 1>>, !qf.qtensor<64x16xf32, #qf.scheme<i8, axis = 1>> -> tensor<2x8x16xf32>
  return
}

// CHECK-LABEL: func.func @blob
func.func @blob(%q: !qf.qtensor<4x8xf32, #qf.scheme<u3, axis = 0, asym>>) -> tensor<48xi8> {
  // CHECK: qf.blob %{{.*}} : !qf.qtensor<4x8xf32, #qf.scheme<u3, axis = 0, asym>> -> tensor<48xi8>
  %b = qf.blob %q : !qf.qtensor<4x8xf32, #qf.scheme<u3, axis = 0, asym>> -> tensor<48xi8>
  return %b : tensor<48xi8>
}

// CHECK-LABEL: func.func @from_blob
func.func @from_blob(%b: tensor<48xi8>) -> !qf.qtensor<4x8xf32, #qf.scheme<u3, axis = 0, asym>> {
  // CHECK: qf.from_blob %{{.*}} : tensor<48xi8> -> !qf.qtensor<4x8xf32, #qf.scheme<u3, axis = 0, asym>>
  %q = qf.from_blob %b : tensor<48xi8> -> !qf.qtensor<4x8xf32, #qf.scheme<u3, axis = 0, asym>>
  return %q : !qf.qtensor<4x8xf32, #qf.scheme<u3, axis = 0, asym>>
}

// CHECK-LABEL: func.func @observe
func.func @observe(%x: tensor<8x64xf32>) -> tensor<8x64xf32> {
  // CHECK: qf.observe %{{.*}} {name = "fc1.input"} : tensor<8x64xf32>
  %0 = qf.observe %x {name = "fc1.input"} : tensor<8x64xf32>
  return %0 : tensor<8x64xf32>
}

{-#
  dialect_resources: {
    builtin: {
      w0: "0x01000000010203040506070800000000000000000000803F000000000000000000000000"
    }
  }
#-}
