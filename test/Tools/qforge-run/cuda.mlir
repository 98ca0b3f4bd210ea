// qforge-run --target cuda lowers with qf-lower-to-nvvm (--print-ir shows
// the embedded kernels) and then needs a CUDA driver: without one, a clear
// error and exit code 1.
// REQUIRES: ptxas
// RUN: %if !cuda-driver %{ not qforge-run %S/../qforge-translate/cuda.mlir --target cuda --print-ir 2>&1 | FileCheck %s --check-prefix=NODRIVER %}
// NODRIVER: gpu.binary @qf_cuda_kernels
// NODRIVER: qforge-run: error: {{.*}}cuda.mlir: --target cuda: cannot load the CUDA driver libcuda.so.1
// RUN: not qforge-run %S/../qforge-translate/cuda.mlir --target tpu 2>&1 | FileCheck %s --check-prefix=TARGET
// TARGET: qforge-run: error: --target must be x86, cuda or vulkan, not 'tpu'
