// A weight whose matmul input is not observed is rounded to nearest.
func.func @layer(%x: tensor<2x4xf32>) -> tensor<2x3xf32> {
  %w = arith.constant dense<0.5> : tensor<4x3xf32>
  // expected-warning@+1 {{qf-round: no observed matmul uses this weight (run -qf-instrument before calibrating); rounding it to nearest}}
  %q = qf.quantize %w : tensor<4x3xf32> -> !qf.qtensor<4x3xf32, #qf.scheme<i3, axis = 1>>
  %y = qf.matmul %x, %q acc(f32) : tensor<2x4xf32>, !qf.qtensor<4x3xf32, #qf.scheme<i3, axis = 1>> -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}
