// The quickstart model end to end: qforge-opt quantizes the weights, the
// x86 pipeline compiles each version, qforge-run runs it. Every version is
// compared with an independent numpy model of the same quantization
// (Inputs/quickstart_reference.py); the tolerance only absorbs float
// summation order.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %S/Inputs/quickstart_reference.py %S/../../../examples/quickstart/mlp.mlir %t
// RUN: qforge-opt %S/../../../examples/quickstart/mlp.mlir -canonicalize -o %t/quantized.mlir
// RUN: qforge-run %t/quantized.mlir --entry float_mlp --input %t/x.npy --compare %t/float_mlp.npy --rtol 1e-5 --atol 1e-5 | FileCheck %s
// RUN: qforge-run %t/quantized.mlir --entry w8_per_channel --input %t/x.npy --compare %t/w8_per_channel.npy --rtol 1e-5 --atol 1e-5 | FileCheck %s
// RUN: qforge-run %t/quantized.mlir --entry w4_group8 --input %t/x.npy --compare %t/w4_group8.npy --rtol 1e-5 --atol 1e-5 | FileCheck %s
// RUN: qforge-run %t/quantized.mlir --entry w8a8_dynamic --input %t/x.npy --compare %t/w8a8_dynamic.npy --rtol 1e-5 --atol 1e-5 | FileCheck %s
// The kernels' outer loops on 2 OpenMP threads give the same results.
// RUN: qforge-run %t/quantized.mlir --entry w8a8_dynamic --num-threads 2 --input %t/x.npy --compare %t/w8a8_dynamic.npy --rtol 1e-5 --atol 1e-5 | FileCheck %s
// CHECK: all 80 elements match

// The weights really are quantized at compile time: no float weight of the
// quantized versions is left, only packed blobs.
// RUN: FileCheck %s --input-file=%t/quantized.mlir --check-prefix=IR
// IR-LABEL: func.func @w8_per_channel
//   IR-NOT:   qf.quantize %{{.*}} : tensor<16x32xf32>
//       IR:   qf.constant dense<{{.*}}> : tensor<640xi8> -> !qf.qtensor<16x32xf32, #qf.scheme<i8, axis = 1>>
