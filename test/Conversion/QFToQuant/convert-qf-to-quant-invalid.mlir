// RUN: qforge-opt %s -convert-qf-to-quant -split-input-file -verify-diagnostics

func.func @negative_dynamic(%x: tensor<4xf32>) {
  // expected-error@+1 {{cannot convert to quant: dynamic scales (no `scales` operand) cannot be expressed: !quant.uniform keeps scales in the type}}
  %q = qf.quantize %x : tensor<4xf32> -> !qf.qtensor<4xf32, #qf.scheme<i8>>
  return
}

// -----

func.func @negative_non_constant_scales(%x: tensor<4xf32>, %s: tensor<f32>) {
  // expected-error@+1 {{cannot convert to quant: scales are not constants}}
  %q = qf.quantize %x scales(%s : tensor<f32>) : tensor<4xf32> -> !qf.qtensor<4xf32, #qf.scheme<i8>>
  return
}

// -----

func.func @negative_fp8(%x: tensor<4xf32>) {
  %s = arith.constant dense<0.5> : tensor<f32>
  // expected-error@+1 {{cannot convert to quant: element format f8E4M3FN has no !quant.uniform equivalent}}
  %q = qf.quantize %x scales(%s : tensor<f32>) : tensor<4xf32> -> !qf.qtensor<4xf32, #qf.scheme<f8E4M3FN>>
  return
}

// -----

func.func @negative_scale_type(%x: tensor<4xf32>) {
  %s = arith.constant dense<0.5> : tensor<f32>
  // expected-error@+1 {{cannot convert to quant: scale type f16 is not f32}}
  %q = qf.quantize %x scales(%s : tensor<f32>) : tensor<4xf32> -> !qf.qtensor<4xf32, #qf.scheme<i8, scale = f16>>
  return
}

// -----

func.func @negative_two_level(%x: tensor<2x32xf32>) {
  %s = arith.constant dense<0.5> : tensor<2x2xf32>
  %t = arith.constant dense<1.0> : tensor<f32>
  // expected-error@+1 {{cannot convert to quant: two-level scales have no !quant.uniform equivalent}}
  %q = qf.quantize %x scales(%s : tensor<2x2xf32>) tensor_scale(%t : tensor<f32>) : tensor<2x32xf32> -> !qf.qtensor<2x32xf32, #qf.scheme<i4, axis = 1, group = 16, tensor_scale>>
  return
}

// -----

func.func @negative_rounding(%x: tensor<4xf32>) {
  %s = arith.constant dense<0.5> : tensor<f32>
  // expected-error@+1 {{cannot convert to quant: rounding mode toward_zero is not nearest_even}}
  %q = qf.quantize %x scales(%s : tensor<f32>) : tensor<4xf32> -> !qf.qtensor<4xf32, #qf.scheme<i8, round = toward_zero>>
  return
}

// -----

func.func @negative_tiled(%x: tensor<4x4xf32>) {
  %s = arith.constant dense<0.5> : tensor<f32>
  // expected-error@+1 {{cannot convert to quant: tiled layouts have no !quant.uniform equivalent}}
  %q = qf.quantize %x scales(%s : tensor<f32>) : tensor<4x4xf32> -> !qf.qtensor<4x4xf32, #qf.scheme<i8>, #qf.layout<tile = [2, 2]>>
  return
}

// -----

func.func @negative_matmul_user(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %w = qf.constant dense<"0x0102030405060708090A0B0C0D0E0F100000803F000000000000000000000000"> : tensor<32xi8> -> !qf.qtensor<4x4xf32, #qf.scheme<i8>>
  // expected-error@+1 {{uses a quantized value; only qf.dequantize users convert to quant}}
  %y = qf.matmul %x, %w acc(f32) : tensor<2x4xf32>, !qf.qtensor<4x4xf32, #qf.scheme<i8>> -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

func.func @negative_resource_not_loaded() -> tensor<2x4xf32> {
  // expected-error@+1 {{cannot convert to quant: the blob data is not available}}
  %w = qf.constant dense_resource<missing> : tensor<32xi8> -> !qf.qtensor<2x4xf32, #qf.scheme<i8>>
  %d = qf.dequantize %w : !qf.qtensor<2x4xf32, #qf.scheme<i8>> -> tensor<2x4xf32>
  return %d : tensor<2x4xf32>
}

// -----

func.func @negative_f16_group_scales(%x: tensor<2x4xf16>) {
  %s = arith.constant dense<[[0.1, 0.25], [1.0, 2.0]]> : tensor<2x2xf32>
  // expected-error@+1 {{cannot convert to quant: scale 0.1 is not exactly representable in f16, the type in which sub-channel !quant.uniform stores scales}}
  %q = qf.quantize %x scales(%s : tensor<2x2xf32>) : tensor<2x4xf16> -> !qf.qtensor<2x4xf16, #qf.scheme<i8, axis = 1, group = 2>>
  return
}

// -----

// expected-error@+1 {{argument 0 has quantized type '!qf.qtensor<4xf32, #qf.scheme<i8>>'; its scales are not known at compile time, so it has no !quant.uniform equivalent}}
func.func @negative_argument(%q: !qf.qtensor<4xf32, #qf.scheme<i8>>) -> tensor<4xf32> {
  %d = qf.dequantize %q : !qf.qtensor<4xf32, #qf.scheme<i8>> -> tensor<4xf32>
  return %d : tensor<4xf32>
}
