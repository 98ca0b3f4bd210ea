// Every element type round-trips through .npy files: inputs are read with
// the argument's dtype and results written with the result's (bf16 travels
// as float32; i8 also accepts uint8 bits), and numpy reads back exactly
// what it computes itself.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python -c "import numpy as np; np.save('%t/f16.npy', np.array([1.5, -2.25, 65504, 0.0001], np.float16)); np.save('%t/f32.npy', np.array([1.5, -2.25, 3.0e38, 0.25], np.float32)); np.save('%t/f64.npy', np.array(2.0 ** 60 + 0.5)); np.save('%t/i8.npy', np.array([[1, -2], [127, -128]], np.int8)); np.save('%t/u8.npy', np.array([[1, 254], [127, 128]], np.uint8)); np.save('%t/i16.npy', np.array([300, -32768], np.int16)); np.save('%t/i32.npy', np.array([[70000], [-2 ** 31]], np.int32)); np.save('%t/i64.npy', np.array([2 ** 62, -3], np.int64)); np.save('%t/b1.npy', np.array([[True, False, True]]))"

// RUN: qforge-run %s --entry twice_f16 --input %t/f16.npy --output %t/f16.out.npy
// RUN: qforge-run %s --entry twice_bf16 --input %t/f32.npy --output %t/bf16.out.npy
// RUN: qforge-run %s --entry twice_f64 --input %t/f64.npy --output %t/f64.out.npy
// RUN: qforge-run %s --entry twice_i8 --input %t/i8.npy --output %t/i8.out.npy
// RUN: qforge-run %s --entry twice_i8 --input %t/u8.npy --output %t/u8.out.npy
// RUN: qforge-run %s --entry twice_i16 --input %t/i16.npy --output %t/i16.out.npy
// RUN: qforge-run %s --entry twice_i32 --input %t/i32.npy --output %t/i32.out.npy
// RUN: qforge-run %s --entry twice_i64 --input %t/i64.npy --output %t/i64.out.npy
// RUN: qforge-run %s --entry negate_i1 --input %t/b1.npy --output %t/b1.out.npy,%t/b1.same.npy
// RUN: %python -c "import numpy as np; L = lambda n: np.load('%t/' + n + '.npy'); same = lambda x, y: x.dtype == y.dtype and x.shape == y.shape and np.array_equal(x, y); assert same(L('f16.out'), L('f16') * np.float16(2)), L('f16.out'); bf = L('f32') * 2; bf[2] = np.inf; assert same(L('bf16.out'), bf), L('bf16.out'); assert same(L('f64.out'), L('f64') * 2); assert same(L('i8.out'), L('i8') * np.int8(2)), L('i8.out'); assert same(L('u8.out'), L('u8').view(np.int8) * np.int8(2)), L('u8.out'); assert same(L('i16.out'), L('i16') * np.int16(2)); assert same(L('i32.out'), L('i32') * np.int32(2)); assert same(L('i64.out'), L('i64') * 2); assert same(L('b1.out'), ~L('b1')); assert same(L('b1.same'), L('b1'))"

// Printed values.
// RUN: qforge-run %s --entry twice_i8 --input %t/i8.npy | FileCheck %s --check-prefix=I8
// I8:      result 0: tensor<2x2xi8>
// I8-NEXT: {{\[\[}}2, -4],
// I8-NEXT:  [-2, 0]]
// RUN: qforge-run %s --entry negate_i1 --input %t/b1.npy | FileCheck %s --check-prefix=I1
// I1:      result 0: tensor<1x3xi1>
// I1-NEXT: {{\[\[}}0, 1, 0]]
// I1-NEXT: result 1: tensor<1x3xi1>
// I1-NEXT: {{\[\[}}1, 0, 1]]
// RUN: qforge-run %s --entry twice_f64 --input %t/f64.npy | FileCheck %s --check-prefix=F64
// F64:      result 0: tensor<f64>
// F64-NEXT: 2.30584e+18

#id2 = affine_map<(i, j) -> (i, j)>

func.func @twice_f16(%a: tensor<4xf16>) -> tensor<4xf16> {
  %e = tensor.empty() : tensor<4xf16>
  %r = linalg.add ins(%a, %a : tensor<4xf16>, tensor<4xf16>) outs(%e : tensor<4xf16>) -> tensor<4xf16>
  return %r : tensor<4xf16>
}

// 2 * 3e38 overflows bf16 (and f32) to inf.
func.func @twice_bf16(%a: tensor<4xbf16>) -> tensor<4xbf16> {
  %e = tensor.empty() : tensor<4xbf16>
  %r = linalg.add ins(%a, %a : tensor<4xbf16>, tensor<4xbf16>) outs(%e : tensor<4xbf16>) -> tensor<4xbf16>
  return %r : tensor<4xbf16>
}

func.func @twice_f64(%a: tensor<f64>) -> tensor<f64> {
  %x = tensor.extract %a[] : tensor<f64>
  %y = arith.addf %x, %x : f64
  %r = tensor.from_elements %y : tensor<f64>
  return %r : tensor<f64>
}

func.func @twice_i8(%a: tensor<2x2xi8>) -> tensor<2x2xi8> {
  %e = tensor.empty() : tensor<2x2xi8>
  %r = linalg.add ins(%a, %a : tensor<2x2xi8>, tensor<2x2xi8>) outs(%e : tensor<2x2xi8>) -> tensor<2x2xi8>
  return %r : tensor<2x2xi8>
}

func.func @twice_i16(%a: tensor<2xi16>) -> tensor<2xi16> {
  %e = tensor.empty() : tensor<2xi16>
  %r = linalg.add ins(%a, %a : tensor<2xi16>, tensor<2xi16>) outs(%e : tensor<2xi16>) -> tensor<2xi16>
  return %r : tensor<2xi16>
}

func.func @twice_i32(%a: tensor<2x1xi32>) -> tensor<2x1xi32> {
  %e = tensor.empty() : tensor<2x1xi32>
  %r = linalg.add ins(%a, %a : tensor<2x1xi32>, tensor<2x1xi32>) outs(%e : tensor<2x1xi32>) -> tensor<2x1xi32>
  return %r : tensor<2x1xi32>
}

func.func @twice_i64(%a: tensor<2xi64>) -> tensor<2xi64> {
  %e = tensor.empty() : tensor<2xi64>
  %r = linalg.add ins(%a, %a : tensor<2xi64>, tensor<2xi64>) outs(%e : tensor<2xi64>) -> tensor<2xi64>
  return %r : tensor<2xi64>
}

// Two results; the second is the input itself.
func.func @negate_i1(%a: tensor<1x3xi1>) -> (tensor<1x3xi1>, tensor<1x3xi1>) {
  %true = arith.constant true
  %e = tensor.empty() : tensor<1x3xi1>
  %r = linalg.generic {indexing_maps = [#id2, #id2], iterator_types = ["parallel", "parallel"]}
      ins(%a : tensor<1x3xi1>) outs(%e : tensor<1x3xi1>) {
  ^bb0(%x: i1, %o: i1):
    %n = arith.xori %x, %true : i1
    linalg.yield %n : i1
  } -> tensor<1x3xi1>
  return %r, %a : tensor<1x3xi1>, tensor<1x3xi1>
}
