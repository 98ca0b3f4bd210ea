// RUN: qforge-opt %s -split-input-file -verify-diagnostics

// == qf.quantize / qf.requantize ==

func.func @negative_quantize_shape(%x: tensor<4x8xf32>) {
  // expected-error@+1 {{input shape [4, 8] does not match the result shape [4, 9]}}
  %0 = qf.quantize %x : tensor<4x8xf32> -> !qf.qtensor<4x9xf32, #qf.scheme<i8>>
  return
}

// -----

func.func @negative_quantize_element_type(%x: tensor<4x8xf16>) {
  // expected-error@+1 {{input element type 'f16' differs from the expressed type 'f32' of the result}}
  %0 = qf.quantize %x : tensor<4x8xf16> -> !qf.qtensor<4x8xf32, #qf.scheme<i8>>
  return
}

// -----

func.func @negative_quantize_integer_input(%x: tensor<4x8xi32>) {
  // expected-error@+1 {{operand #0 must be ranked tensor of 32-bit float or 16-bit float or bfloat16 type values}}
  %0 = qf.quantize %x : tensor<4x8xi32> -> !qf.qtensor<4x8xf32, #qf.scheme<i8>>
  return
}

// -----

func.func @negative_scales_shape(%x: tensor<4x8xf32>, %s: tensor<8xf32>) {
  // expected-error@+1 {{scales have shape [8], expected [4]}}
  %0 = qf.quantize %x scales(%s : tensor<8xf32>) : tensor<4x8xf32> -> !qf.qtensor<4x8xf32, #qf.scheme<i8, axis = 0>>
  return
}

// -----

func.func @negative_group_scales_shape(%x: tensor<4x8xf32>, %s: tensor<4x8xf32>) {
  // expected-error@+1 {{scales have shape [4, 8], expected [4, 2]}}
  %0 = qf.quantize %x scales(%s : tensor<4x8xf32>) : tensor<4x8xf32> -> !qf.qtensor<4x8xf32, #qf.scheme<i8, axis = 1, group = 4>>
  return
}

// -----

func.func @negative_asym_without_zero_points(%x: tensor<4x8xf32>, %s: tensor<f32>) {
  // expected-error@+1 {{an asymmetric scheme with static scales needs zero_points}}
  %0 = qf.quantize %x scales(%s : tensor<f32>) : tensor<4x8xf32> -> !qf.qtensor<4x8xf32, #qf.scheme<u8, asym>>
  return
}

// -----

func.func @negative_zero_points_for_symmetric(%x: tensor<4x8xf32>, %s: tensor<f32>, %z: tensor<i32>) {
  // expected-error@+1 {{zero_points given for a symmetric scheme}}
  %0 = qf.quantize %x scales(%s : tensor<f32>) zero_points(%z : tensor<i32>) : tensor<4x8xf32> -> !qf.qtensor<4x8xf32, #qf.scheme<i8>>
  return
}

// -----

func.func @negative_zero_points_shape(%x: tensor<4x8xf32>, %s: tensor<4xf32>, %z: tensor<8xi32>) {
  // expected-error@+1 {{zero_points have shape [8], expected [4]}}
  %0 = qf.quantize %x scales(%s : tensor<4xf32>) zero_points(%z : tensor<8xi32>) : tensor<4x8xf32> -> !qf.qtensor<4x8xf32, #qf.scheme<u8, axis = 0, asym>>
  return
}

// -----

func.func @negative_zero_points_without_scales(%x: tensor<4x8xf32>, %z: tensor<i32>) {
  // expected-error@+1 {{zero_points and tensor_scale need static scales}}
  %0 = qf.quantize %x zero_points(%z : tensor<i32>) : tensor<4x8xf32> -> !qf.qtensor<4x8xf32, #qf.scheme<u8, asym>>
  return
}

// -----

func.func @negative_missing_tensor_scale(%x: tensor<4x32xf32>, %s: tensor<4x2xf32>) {
  // expected-error@+1 {{a two-level scheme with static scales needs a tensor_scale}}
  %0 = qf.quantize %x scales(%s : tensor<4x2xf32>) : tensor<4x32xf32> -> !qf.qtensor<4x32xf32, #qf.scheme<f4E2M1FN, axis = 1, group = 16, scale = f8E4M3FN, tensor_scale>>
  return
}

// -----

func.func @negative_unexpected_tensor_scale(%x: tensor<4x32xf32>, %s: tensor<f32>, %t: tensor<f32>) {
  // expected-error@+1 {{tensor_scale given for a scheme without two-level scales}}
  %0 = qf.quantize %x scales(%s : tensor<f32>) tensor_scale(%t : tensor<f32>) : tensor<4x32xf32> -> !qf.qtensor<4x32xf32, #qf.scheme<i8>>
  return
}

// -----

func.func @negative_tensor_scale_rank(%x: tensor<4x32xf32>, %s: tensor<4x2xf32>, %t: tensor<1xf32>) {
  // expected-error@+1 {{tensor_scale must be a 0-d tensor<f32>}}
  %0 = qf.quantize %x scales(%s : tensor<4x2xf32>) tensor_scale(%t : tensor<1xf32>) : tensor<4x32xf32> -> !qf.qtensor<4x32xf32, #qf.scheme<f4E2M1FN, axis = 1, group = 16, scale = f8E4M3FN, tensor_scale>>
  return
}

// -----

func.func @negative_scale_not_positive(%x: tensor<2x8xf32>) {
  %s = arith.constant dense<[0.5, -1.0]> : tensor<2xf32>
  // expected-error@+1 {{scale 1 is -1; scales must be finite and positive}}
  %0 = qf.quantize %x scales(%s : tensor<2xf32>) : tensor<2x8xf32> -> !qf.qtensor<2x8xf32, #qf.scheme<i8, axis = 0>>
  return
}

// -----

func.func @negative_scale_zero(%x: tensor<2x8xf32>) {
  %s = arith.constant dense<0.0> : tensor<f32>
  // expected-error@+1 {{scale 0 is 0; scales must be finite and positive}}
  %0 = qf.quantize %x scales(%s : tensor<f32>) : tensor<2x8xf32> -> !qf.qtensor<2x8xf32, #qf.scheme<i8>>
  return
}

// -----

func.func @negative_scale_infinite(%x: tensor<2x8xf32>) {
  %s = arith.constant dense<0x7F800000> : tensor<f32>
  // expected-error@+1 {{scale 0 is inf; scales must be finite and positive}}
  %0 = qf.quantize %x scales(%s : tensor<f32>) : tensor<2x8xf32> -> !qf.qtensor<2x8xf32, #qf.scheme<i8>>
  return
}

// -----

func.func @negative_tensor_scale_value(%x: tensor<4x32xf32>, %s: tensor<4x2xf32>) {
  %t = arith.constant dense<-2.0> : tensor<f32>
  // expected-error@+1 {{tensor_scale 0 is -2; scales must be finite and positive}}
  %0 = qf.quantize %x scales(%s : tensor<4x2xf32>) tensor_scale(%t : tensor<f32>) : tensor<4x32xf32> -> !qf.qtensor<4x32xf32, #qf.scheme<f4E2M1FN, axis = 1, group = 16, scale = f8E4M3FN, tensor_scale>>
  return
}

// -----

func.func @negative_zero_point_range(%x: tensor<2x8xf32>) {
  %s = arith.constant dense<1.0> : tensor<2xf32>
  %z = arith.constant dense<[3, 16]> : tensor<2xi32>
  // expected-error@+1 {{zero point 1 is 16, outside the code range [0, 15]}}
  %0 = qf.quantize %x scales(%s : tensor<2xf32>) zero_points(%z : tensor<2xi32>) : tensor<2x8xf32> -> !qf.qtensor<2x8xf32, #qf.scheme<u4, axis = 0, asym>>
  return
}

// -----

func.func @negative_requantize_shape(%q: !qf.qtensor<4x8xf32, #qf.scheme<i8>>) {
  // expected-error@+1 {{input shape [4, 8] does not match the result shape [8, 4]}}
  %0 = qf.requantize %q : !qf.qtensor<4x8xf32, #qf.scheme<i8>> -> !qf.qtensor<8x4xf32, #qf.scheme<i8>>
  return
}

// -----

func.func @negative_requantize_expressed(%q: !qf.qtensor<4x8xf32, #qf.scheme<i8>>) {
  // expected-error@+1 {{expressed types differ: 'f32' vs 'f16'}}
  %0 = qf.requantize %q : !qf.qtensor<4x8xf32, #qf.scheme<i8>> -> !qf.qtensor<4x8xf16, #qf.scheme<i8>>
  return
}

// -----

func.func @negative_requantize_scales(%q: !qf.qtensor<4x8xf32, #qf.scheme<i8>>, %s: tensor<4xf32>) {
  // expected-error@+1 {{scales have shape [4], expected []}}
  %0 = qf.requantize %q scales(%s : tensor<4xf32>) : !qf.qtensor<4x8xf32, #qf.scheme<i8>> -> !qf.qtensor<4x8xf32, #qf.scheme<i4>>
  return
}

// -----

// == qf.dequantize ==

func.func @negative_dequantize_type(%q: !qf.qtensor<4x8xf32, #qf.scheme<i8>>) {
  // expected-error@+1 {{result type 'tensor<4x8xf16>' is not the expressed tensor type 'tensor<4x8xf32>' of the operand}}
  %0 = qf.dequantize %q : !qf.qtensor<4x8xf32, #qf.scheme<i8>> -> tensor<4x8xf16>
  return
}

// -----

// == qf.blob ==

func.func @negative_blob_size(%q: !qf.qtensor<4x8xf32, #qf.scheme<i8>>) {
  // expected-error@+1 {{result must be tensor<48xi8>, the blob of '!qf.qtensor<4x8xf32, #qf.scheme<i8>>', got 'tensor<32xi8>'}}
  %0 = qf.blob %q : !qf.qtensor<4x8xf32, #qf.scheme<i8>> -> tensor<32xi8>
  return
}

// -----

func.func @negative_from_blob_size(%b: tensor<32xi8>) {
  // expected-error@+1 {{operand must be tensor<48xi8>, the blob of '!qf.qtensor<4x8xf32, #qf.scheme<i8>>', got 'tensor<32xi8>'}}
  %0 = qf.from_blob %b : tensor<32xi8> -> !qf.qtensor<4x8xf32, #qf.scheme<i8>>
  return
}

// -----

// == qf.constant ==

func.func @negative_constant_not_bytes() {
  // expected-error@+1 {{value must be a 1-D tensor of i8 (the packed blob), got 'tensor<4x8xf32>'}}
  %0 = qf.constant dense<1.0> : tensor<4x8xf32> -> !qf.qtensor<4x8xf32, #qf.scheme<i8>>
  return
}

// -----

func.func @negative_constant_size() {
  // expected-error@+1 {{blob has 16 bytes, but '!qf.qtensor<4x8xf32, #qf.scheme<i8>>' needs 48 (codes 32, scales 4, zero points 0, tensor scale 0, each section aligned to 16)}}
  %0 = qf.constant dense<0> : tensor<16xi8> -> !qf.qtensor<4x8xf32, #qf.scheme<i8>>
  return
}

// -----

func.func @negative_constant_bad_scale() {
  // 8 one-byte codes, 8 bytes padding, then the f32 scale -1.0.
  // expected-error@+1 {{invalid blob: scale 0 is -1, not finite and positive}}
  %0 = qf.constant dense<"0x01020304050607080000000000000000000080BF000000000000000000000000"> : tensor<32xi8> -> !qf.qtensor<2x4xf32, #qf.scheme<i8>>
  return
}

// -----

func.func @negative_constant_bad_zero_point() {
  // u2 codes (1 byte), scale 1.0 at 16, zero point 7 at 32 (range [0, 3]).
  // expected-error@+1 {{invalid blob: zero point 0 is 7, out of range [0, 3]}}
  %0 = qf.constant dense<"0x000000000000000000000000000000000000803F00000000000000000000000007000000000000000000000000000000"> : tensor<48xi8> -> !qf.qtensor<4xf32, #qf.scheme<u2, asym>>
  return
}

// -----

func.func @negative_resource_size() {
  // expected-error@+1 {{resource blob holds 4 bytes, but '!qf.qtensor<2x4xf32, #qf.scheme<i8>>' needs 32}}
  %0 = qf.constant dense_resource<short> : tensor<32xi8> -> !qf.qtensor<2x4xf32, #qf.scheme<i8>>
  return
}

{-#
  dialect_resources: {
    builtin: {
      short: "0x0100000001020304"
    }
  }
#-}
