// calib-model.mlir with a ReLU between the layers: fc2's input is produced
// by an elementwise op, which -qf-equalize folds its scaling into.
#map = affine_map<(d0, d1) -> (d0, d1)>
func.func @main(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %w1 = arith.constant dense<[[0.5, -1.0, 0.25, 2.0], [1.0, 0.5, -0.5, 0.0], [-0.25, 0.75, 1.0, -1.0]]> : tensor<3x4xf32>
  %w2 = arith.constant dense<[[1.0, -1.0], [0.5, 0.5], [-2.0, 1.0], [0.25, 0.0]]> : tensor<4x2xf32>
  %zero = arith.constant 0.0 : f32
  %e1 = tensor.empty() : tensor<4x4xf32>
  %i1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4x4xf32>) -> tensor<4x4xf32>
  %h = linalg.matmul ins(%x, %w1 : tensor<4x3xf32>, tensor<3x4xf32>) outs(%i1 : tensor<4x4xf32>) -> tensor<4x4xf32> loc("fc1")
  %r = linalg.generic {indexing_maps = [#map, #map], iterator_types = ["parallel", "parallel"]} ins(%h : tensor<4x4xf32>) outs(%e1 : tensor<4x4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.maximumf %a, %zero : f32
    linalg.yield %m : f32
  } -> tensor<4x4xf32>
  %e2 = tensor.empty() : tensor<4x2xf32>
  %i2 = linalg.fill ins(%zero : f32) outs(%e2 : tensor<4x2xf32>) -> tensor<4x2xf32>
  %y = linalg.matmul ins(%r, %w2 : tensor<4x4xf32>, tensor<4x2xf32>) outs(%i2 : tensor<4x2xf32>) -> tensor<4x2xf32> loc("fc2")
  return %y : tensor<4x2xf32>
}
