// The Fashion-MNIST MLP (examples/models) with int8 activations and weights
// of 3, 2 and 8 bits (qf-allocate-bits for an average of 3 bits, GPTQ),
// its three matmuls on Vulkan kernels: the outputs on all 10k test images
// are bit-identical to the CPU run, so every image gets the same class. The
// same for the weight-only model (f32 activations).
// REQUIRES: vulkan
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qforge_src_root/examples/models/fashion_data.py %t/data
// RUN: qforge-import %qforge_src_root/examples/models/fashion_mlp.onnx --batch 128 --mlir-print-debuginfo -o %t/m128.mlir
// RUN: qforge-run %t/m128.mlir --calibrate %t/cal.safetensors --input %t/data/calib_x.npy --progress off
// RUN: qforge-import %qforge_src_root/examples/models/fashion_mlp.onnx --batch 10000 --mlir-print-debuginfo -o %t/m.mlir
// RUN: qforge-opt %t/m.mlir -qf-instrument -qf-attach-calibration=file=%t/cal.safetensors -qf-quantize-weights -qf-allocate-bits=budget=3 -qf-round=method=gptq -qf-quantize-activations -o %t/q.mlir
// RUN: FileCheck %s --check-prefix=IR < %t/q.mlir
// RUN: qforge-opt %t/q.mlir --canonicalize --convert-qf-to-spirv | FileCheck %s --check-prefix=KERNELS
// RUN: qforge-run %t/q.mlir --input %t/data/test_x.npy --output %t/cpu.npy
// RUN: qforge-run %t/q.mlir --target vulkan --input %t/data/test_x.npy --output %t/vk.npy --compare %t/cpu.npy --atol 0 --rtol 0 | FileCheck %s --check-prefix=EXACT
// RUN: %python %S/Inputs/same_classes.py %t/cpu.npy %t/vk.npy %t/data/test_y.npy | FileCheck %s
// Weight-only (f32 activations), the same allocation and GPTQ: the
// reference is the CPU build without AVX-512 VNNI (the VNNI weight-only
// kernel rounds differently).
// RUN: qforge-opt %t/m.mlir -qf-instrument -qf-attach-calibration=file=%t/cal.safetensors -qf-quantize-weights -qf-allocate-bits=budget=3 -qf-round=method=gptq -o %t/wo.mlir
// RUN: qforge-opt %t/wo.mlir --canonicalize --convert-qf-to-spirv | FileCheck %s --check-prefix=WO-KERNELS
// RUN: qforge-run %t/wo.mlir --cpu x86-64-v3 --input %t/data/test_x.npy --output %t/wo-cpu.npy
// RUN: qforge-run %t/wo.mlir --target vulkan --input %t/data/test_x.npy --output %t/wo-vk.npy --compare %t/wo-cpu.npy --atol 0 --rtol 0 | FileCheck %s --check-prefix=EXACT
// RUN: %python %S/Inputs/same_classes.py %t/wo-cpu.npy %t/wo-vk.npy %t/data/test_y.npy | FileCheck %s

// IR-COUNT-3: qf.matmul {{.*}} acc(i32) {{.*}}#qf.scheme<i8>>, !qf.qtensor<{{[0-9x]+}}xf32, #qf.scheme<i{{[238]}}, axis = 1>>
// KERNELS-COUNT-3: call @__qf_vk_gemm_
// WO-KERNELS-COUNT-3: call @__qf_vk_wgemm_
// EXACT: all 100000 elements match (rtol=0 atol=0)
// CHECK: same class on 10000 of 10000 images
// CHECK: top-1 cpu [[ACC:[0-9.]+]]% vulkan [[ACC]]%
