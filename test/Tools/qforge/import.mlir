// `qforge import`: the ONNX importer behind the driver. It keeps the node
// names as locations; errors exit 1 and leave no output.
// RUN: rm -rf %t && mkdir -p %t
// RUN: qforge import %qforge_src_root/examples/models/fashion_cnn.onnx --batch 4 -o %t/cnn.mlir
// RUN: FileCheck %s < %t/cnn.mlir
// CHECK-DAG: loc("/conv1/Conv"
// CHECK-DAG: loc("/fc2/Gemm"
// CHECK:     func.func @main(%arg0: tensor<4x784xf32> loc({{.*}})) -> tensor<4x10xf32>
// CHECK:     linalg.conv_2d_nchw_fchw

// RUN: not qforge import %t/missing.onnx -o %t/missing.mlir 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: test ! -e %t/missing.mlir
// MISSING: qforge import: error: cannot read '{{.*}}missing.onnx': No such file or directory
// RUN: not qforge import %qforge_src_root/examples/models/fashion_cnn.onnx -o %t/dyn.mlir 2>&1 | FileCheck %s --check-prefix=DYN
// RUN: test ! -e %t/dyn.mlir
// DYN: qforge import: error: input 'input': dimension 0 'batch' is dynamic (only static shapes are supported; --batch N sets a symbolic first dimension)
// RUN: not qforge 2>&1 | FileCheck %s --check-prefix=NOCMD
// NOCMD: qforge: error: no command given (run `qforge --help`)
