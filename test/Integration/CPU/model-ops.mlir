// The x86 pipeline lowers whole models, not only qf ops: softmax, a layer
// norm written as an importer writes it (reduce mean, variance, rsqrt),
// GELU through erf, tanh, a 2-D convolution and max pooling. Each result is
// compared with numpy.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/model_ops.py %t
// RUN: qforge-run %s --entry softmax --input %t/x.npy --compare %t/softmax.npy --rtol 1e-5 --atol 1e-6 | FileCheck %s
// RUN: qforge-run %s --entry layer_norm --input %t/x.npy --compare %t/layer_norm.npy --rtol 1e-4 --atol 1e-5 | FileCheck %s
// RUN: qforge-run %s --entry gelu_tanh --input %t/x.npy --compare %t/gelu_tanh.npy --rtol 1e-5 --atol 1e-6 | FileCheck %s
// RUN: qforge-run %s --entry conv_pool --input %t/img.npy,%t/filt.npy --compare %t/conv_pool.npy --rtol 1e-5 --atol 1e-5 | FileCheck %s
// CHECK: elements match

#id = affine_map<(i, j) -> (i, j)>
#row = affine_map<(i, j) -> (i)>

func.func @softmax(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %e = tensor.empty() : tensor<4x10xf32>
  %y = linalg.softmax dimension(1) ins(%x : tensor<4x10xf32>) outs(%e : tensor<4x10xf32>) -> tensor<4x10xf32>
  return %y : tensor<4x10xf32>
}

// y = (x - mean) / sqrt(var + 1e-5), over the last dimension.
func.func @layer_norm(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %zero = arith.constant 0.0 : f32
  %n = arith.constant 10.0 : f32
  %eps = arith.constant 1.0e-5 : f32
  %e1 = tensor.empty() : tensor<4xf32>
  %z1 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4xf32>) -> tensor<4xf32>
  %sum = linalg.generic {indexing_maps = [#id, #row], iterator_types = ["parallel", "reduction"]} ins(%x : tensor<4x10xf32>) outs(%z1 : tensor<4xf32>) {
  ^bb0(%a: f32, %acc: f32):
    %s = arith.addf %acc, %a : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %mean = linalg.generic {indexing_maps = [affine_map<(i) -> (i)>, affine_map<(i) -> (i)>], iterator_types = ["parallel"]} ins(%sum : tensor<4xf32>) outs(%e1 : tensor<4xf32>) {
  ^bb0(%a: f32, %o: f32):
    %m = arith.divf %a, %n : f32
    linalg.yield %m : f32
  } -> tensor<4xf32>
  %z2 = linalg.fill ins(%zero : f32) outs(%e1 : tensor<4xf32>) -> tensor<4xf32>
  %sq = linalg.generic {indexing_maps = [#id, #row, #row], iterator_types = ["parallel", "reduction"]} ins(%x, %mean : tensor<4x10xf32>, tensor<4xf32>) outs(%z2 : tensor<4xf32>) {
  ^bb0(%a: f32, %m: f32, %acc: f32):
    %d = arith.subf %a, %m : f32
    %d2 = arith.mulf %d, %d : f32
    %s = arith.addf %acc, %d2 : f32
    linalg.yield %s : f32
  } -> tensor<4xf32>
  %e2 = tensor.empty() : tensor<4x10xf32>
  %y = linalg.generic {indexing_maps = [#id, #row, #row, #id], iterator_types = ["parallel", "parallel"]} ins(%x, %mean, %sq : tensor<4x10xf32>, tensor<4xf32>, tensor<4xf32>) outs(%e2 : tensor<4x10xf32>) {
  ^bb0(%a: f32, %m: f32, %v: f32, %o: f32):
    %var = arith.divf %v, %n : f32
    %ve = arith.addf %var, %eps : f32
    %r = math.rsqrt %ve : f32
    %d = arith.subf %a, %m : f32
    %out = arith.mulf %d, %r : f32
    linalg.yield %out : f32
  } -> tensor<4x10xf32>
  return %y : tensor<4x10xf32>
}

// 0.5 * x * (1 + erf(x / sqrt(2))) + tanh(x)
func.func @gelu_tanh(%x: tensor<4x10xf32>) -> tensor<4x10xf32> {
  %e = tensor.empty() : tensor<4x10xf32>
  %y = linalg.generic {indexing_maps = [#id, #id], iterator_types = ["parallel", "parallel"]} ins(%x : tensor<4x10xf32>) outs(%e : tensor<4x10xf32>) {
  ^bb0(%a: f32, %o: f32):
    %half = arith.constant 0.5 : f32
    %one = arith.constant 1.0 : f32
    %isq2 = arith.constant 0.707106781 : f32
    %s = arith.mulf %a, %isq2 : f32
    %er = math.erf %s : f32
    %p = arith.addf %one, %er : f32
    %h = arith.mulf %half, %a : f32
    %g = arith.mulf %h, %p : f32
    %t = math.tanh %a : f32
    %r = arith.addf %g, %t : f32
    linalg.yield %r : f32
  } -> tensor<4x10xf32>
  return %y : tensor<4x10xf32>
}

// conv 3x3 (1 -> 2 channels) on an 8x8 image, then 2x2 max pooling.
func.func @conv_pool(%img: tensor<1x1x8x8xf32>, %filt: tensor<2x1x3x3xf32>) -> tensor<1x2x3x3xf32> {
  %zero = arith.constant 0.0 : f32
  %ninf = arith.constant 0xFF800000 : f32
  %e = tensor.empty() : tensor<1x2x6x6xf32>
  %z = linalg.fill ins(%zero : f32) outs(%e : tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
  %c = linalg.conv_2d_nchw_fchw {dilations = dense<1> : tensor<2xi64>, strides = dense<1> : tensor<2xi64>} ins(%img, %filt : tensor<1x1x8x8xf32>, tensor<2x1x3x3xf32>) outs(%z : tensor<1x2x6x6xf32>) -> tensor<1x2x6x6xf32>
  %win = tensor.empty() : tensor<2x2xf32>
  %pe = tensor.empty() : tensor<1x2x3x3xf32>
  %pi = linalg.fill ins(%ninf : f32) outs(%pe : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  %p = linalg.pooling_nchw_max {dilations = dense<1> : tensor<2xi64>, strides = dense<2> : tensor<2xi64>} ins(%c, %win : tensor<1x2x6x6xf32>, tensor<2x2xf32>) outs(%pi : tensor<1x2x3x3xf32>) -> tensor<1x2x3x3xf32>
  return %p : tensor<1x2x3x3xf32>
}
