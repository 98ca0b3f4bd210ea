// qforge quantize --alloc-objective measured: the output error of every
// layer alone at every candidate is measured on the calibration data (one
// quantization per candidate, one run per layer and candidate), written to
// measured-errors.json, and the allocation minimizes their sum; the
// report's prediction for the rounding done is then each layer's measured
// error for its choice.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qforge_src_root/examples/models/fashion_data.py %t/fm --calib 100
// RUN: qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --budget 3 --candidates 2,3o:f16,4,8 --alloc-objective measured --batch 100 --measure layers -o %t/q --quiet
// RUN: %python -c "import json; t = json.load(open('%t/q/measured-errors.json'))['layers']; print(sorted(t), sorted(t['fc1'])); r = json.load(open('%t/q/report.json')); ls = r['layers']; print([l['alloc_objective'] for l in ls], all(l['predicted_rounded_output_error'] == l['alloc_error'] and l['alloc_error'] in t[l['layer']].values() for l in ls), all(abs(l['measured_output_error'] - l['alloc_error']) <= 1e-9 * max(1, l['alloc_error']) for l in ls))" | FileCheck %s
// The layers' prediction is their table entry, and measuring each layer
// alone in the final model gives it again (GPTQ rounds each layer with the
// float model's Hessian, whatever the other layers' widths).
// CHECK: ['fc1', 'fc2', 'fc3'] ['2', '3o:f16', '4', '8']
// CHECK: ['measured', 'measured', 'measured'] True True
// RUN: not qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --budget 3 --alloc-objective exact -o %t/bad 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: qforge quantize: error: --alloc-objective must be propagated or measured, got 'exact'
// RUN: not ls %t/bad
