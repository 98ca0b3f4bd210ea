// A tiny float model for the ahead-of-time example (main.c): one dense
// layer with ReLU, y = max(x * W + b, 0), and the sum of each row of y.
// qforge-translate turns it into an object file and a C header.

func.func @mlp(%x: tensor<2x4xf32>) -> (tensor<2x3xf32>, tensor<2xf32>) {
  %w = arith.constant dense<[[ 0.5, -1.0,  0.25],
                             [ 1.5,  0.5, -0.75],
                             [-0.5,  1.0,  0.5 ],
                             [ 0.25, 0.75, -1.0]]> : tensor<4x3xf32>
  %b = arith.constant dense<[0.1, -0.2, 0.3]> : tensor<3xf32>
  %zero = arith.constant 0.0 : f32

  %init = tensor.empty() : tensor<2x3xf32>
  %acc = linalg.fill ins(%zero : f32) outs(%init : tensor<2x3xf32>) -> tensor<2x3xf32>
  %xw = linalg.matmul ins(%x, %w : tensor<2x4xf32>, tensor<4x3xf32>)
                      outs(%acc : tensor<2x3xf32>) -> tensor<2x3xf32>
  %y = linalg.generic {
      indexing_maps = [affine_map<(i, j) -> (i, j)>, affine_map<(i, j) -> (j)>,
                       affine_map<(i, j) -> (i, j)>],
      iterator_types = ["parallel", "parallel"]}
      ins(%xw, %b : tensor<2x3xf32>, tensor<3xf32>) outs(%init : tensor<2x3xf32>) {
  ^bb0(%v: f32, %bias: f32, %out: f32):
    %s = arith.addf %v, %bias : f32
    %r = arith.maximumf %s, %zero : f32
    linalg.yield %r : f32
  } -> tensor<2x3xf32>

  %sinit = tensor.empty() : tensor<2xf32>
  %sacc = linalg.fill ins(%zero : f32) outs(%sinit : tensor<2xf32>) -> tensor<2xf32>
  %sum = linalg.reduce ins(%y : tensor<2x3xf32>) outs(%sacc : tensor<2xf32>) dimensions = [1]
    (%in: f32, %a: f32) {
      %t = arith.addf %in, %a : f32
      linalg.yield %t : f32
    }
  return %y, %sum : tensor<2x3xf32>, tensor<2xf32>
}
