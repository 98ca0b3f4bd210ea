// `qforge quantize --target x86,vulkan` writes model.o and model-vulkan.o,
// which embeds the SPIR-V kernels (and calls into qforge's Vulkan runtime);
// the kernels also go to kernels/, where
// they pass spirv-val; `qforge eval --target vulkan` runs the matmuls on the
// Vulkan device with the same accuracy as on the CPU (the kernels are
// bit-exact). Without a Vulkan driver, eval stops with a clear error; an
// unknown target, a corrupt model and data of the wrong shape are errors
// that leave no directory behind.
// REQUIRES: spirv-val
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qforge_src_root/examples/models/fashion_data.py %t/fm --calib 100
// RUN: qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --bits 3 --batch 100 --target x86,vulkan -o %t/q --quiet
// RUN: ls %t/q %t/q/kernels | FileCheck %s --check-prefix=FILES
// RUN: spirv-val --target-env vulkan1.3 %t/q/kernels/qf_vulkan_kernels.spv
// RUN: llvm-nm %t/q/model-vulkan.o | FileCheck %s --check-prefix=SYMS
// RUN: llvm-nm %t/q/model.o | FileCheck %s --check-prefix=X86
// RUN: qforge eval %t/q --data %t/fm/calib_x.npy --labels %t/fm/calib_y.npy > %t/x86.txt
// RUN: %if vulkan %{ qforge eval %t/q --data %t/fm/calib_x.npy --labels %t/fm/calib_y.npy --target vulkan > %t/vk.txt %}
// RUN: %if vulkan %{ %python -c "a, b = (open(f).readline() for f in ('%t/x86.txt', '%t/vk.txt')); assert a == b and a.startswith('accuracy: '), (a, b); print('same', a.strip())" | FileCheck %s --check-prefix=SAME %}
// RUN: env VK_ICD_FILENAMES=/nonexistent VK_DRIVER_FILES=/nonexistent not qforge eval %t/q --data %t/fm/calib_x.npy --target vulkan 2>&1 | FileCheck %s --check-prefix=NODEV
// RUN: not qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --target tpu -o %t/bad1 2>&1 | FileCheck %s --check-prefix=TARGET
// RUN: not qforge eval %t/q --data %t/fm/calib_x.npy --target tpu 2>&1 | FileCheck %s --check-prefix=EVALTARGET
// RUN: head -c 3000 %qforge_src_root/examples/models/fashion_mlp.onnx > %t/truncated.onnx
// RUN: not qforge quantize %t/truncated.onnx --calib %t/fm/calib_x.npy -o %t/bad2 2>&1 | FileCheck %s --check-prefix=CORRUPT
// RUN: %python -c "import numpy as np; np.save('%t/wrong.npy', np.zeros((10, 27, 27), np.float32))"
// RUN: not qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/wrong.npy --batch 10 -o %t/bad3 2>&1 | FileCheck %s --check-prefix=SHAPE
// RUN: not ls %t/bad1 %t/bad2 %t/bad3
// RUN: %python -c "import glob; assert not glob.glob('%t/*.tmp*'), glob.glob('%t/*.tmp*')"

// FILES: calibration.safetensors
// FILES: kernels
// FILES: model-vulkan.o
// FILES: model.h
// FILES: model.mlir
// FILES: model.o
// FILES: report.html
// FILES: report.json
// FILES: qf_vulkan_kernels.spv
// SYMS-DAG: T _mlir_ciface_main
// SYMS-DAG: U qfvkLaunchKernel
// SYMS-DAG: U qfvkModuleLoad
// X86: T _mlir_ciface_main
// X86-NOT: qfvk
// SAME: same accuracy: 0.
// NODEV: qforge eval: error: --target vulkan: no Vulkan instance: vkCreateInstance failed
// TARGET: qforge quantize: error: --target must be x86, vulkan or cuda (or a list of them), got 'tpu'
// EVALTARGET: qforge eval: error: --target must be x86, cuda or vulkan, not 'tpu'
// CORRUPT: qforge quantize: error: {{.*}}truncated.onnx: not a valid ONNX model (protobuf parse failed; truncated or corrupt file?)
// SHAPE: qforge quantize: error: {{.*}}wrong.npy: argument 0 of @main is tensor<10x784xf32>, so the data must be N x 784 float32 samples, got 10x27x27 float32
