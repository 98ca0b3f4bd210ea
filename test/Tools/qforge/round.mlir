// `qforge round`: GPTQ of the whole MLP from 100 calibration images, in one
// calibration run or sequentially (one run per layer). The one-run result
// is the manual flow's (qforge calibrate, -qf-attach-calibration,
// -qf-quantize-weights, -qf-round) to the bit; sequentially, the first
// layer is the same (its input is the model's) and the others are measured
// on the partly quantized model.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qforge_src_root/examples/models/fashion_data.py %t/data --calib 100
// RUN: qforge round %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/data/calib_x.npy --bits 2 -o %t/once.mlir | FileCheck %s --check-prefix=ONCE
// RUN: qforge round %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/data/calib_x.npy --bits 2 --sequential -o %t/seq.mlir | FileCheck %s --check-prefix=SEQ
// RUN: qforge calibrate %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/data/calib_x.npy --batch 100 -o %t/cal.safetensors --quiet
// RUN: qforge import %qforge_src_root/examples/models/fashion_mlp.onnx --batch 100 -o %t/m.mlir
// RUN: qforge-opt %t/m.mlir -qf-instrument -qf-attach-calibration=file=%t/cal.safetensors -qf-quantize-weights=bits=2 -qf-round=method=gptq -o %t/manual.mlir
// RUN: %python -c "import re; e = lambda f: re.findall(r'qf.round_error = ([0-9.e+-]+)', open(f).read()); a, b, s = e('%t/once.mlir'), e('%t/manual.mlir'), e('%t/seq.mlir'); assert len(a) == 3 and a == b, (a, b); assert a[0] in s and sorted(s) != sorted(a), (s, a); print('ok')" | FileCheck %s --check-prefix=SAME
// RUN: qforge-run %t/seq.mlir --input %t/data/calib_x.npy --output %t/seq.npy
// ONCE: rounded 3 layers to 2 bits with gptq from 100 samples, 1 calibration run(s) -> {{.*}}once.mlir
// SEQ: rounded 3 layers to 2 bits with gptq (sequential) from 100 samples, 3 calibration run(s) -> {{.*}}seq.mlir
// SAME: ok

// RUN: not qforge round %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/data/calib_x.npy --method rtn -o %t/bad.mlir 2>&1 | FileCheck %s --check-prefix=METHOD
// RUN: not qforge round %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/data/calib_x.npy --bits 9 -o %t/bad.mlir 2>&1 | FileCheck %s --check-prefix=BITS
// RUN: not qforge round %t/missing.mlir --calib %t/data/calib_x.npy -o %t/bad.mlir 2>&1 | FileCheck %s --check-prefix=MISSING
// RUN: test ! -e %t/bad.mlir
// METHOD: qforge round: error: --method must be gptq or adaround, got 'rtn'
// BITS: qforge round: error: --bits must be 1..8
// MISSING: qforge round: error: {{.*}}missing.mlir
