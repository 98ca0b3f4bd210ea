// Without a CUDA driver, a CUDA build of a model stops with a clear message
// and exit code 1 (the runtime loads libcuda.so.1 only at run time).
// REQUIRES: ptxas
// UNSUPPORTED: cuda-driver
// RUN: rm -rf %t && mkdir -p %t
// RUN: qforge-translate %S/../../Tools/qforge-translate/cuda.mlir --emit=header -o %t/gemm.h
// RUN: qforge-translate %S/../../Tools/qforge-translate/cuda.mlir --emit=object --target=cuda -o %t/gemm.o
// RUN: %cxx -DM=8 -DN=32 -DK=64 -I%t -x c %qforge_src_root/examples/cuda-check/main.c -x none %t/gemm.o %qforge_obj_root/lib/Runtime/libQForgeRuntimeCUDA.a -ldl -lm -o %t/check
// RUN: not %t/check %t/out.bin 2>&1 | FileCheck %s
// CHECK: qforge CUDA runtime: cannot load the CUDA driver libcuda.so.1
// CHECK-NOT: qforge CUDA runtime
