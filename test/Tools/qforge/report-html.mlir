// `qforge quantize` writes report.html next to report.json: one page with
// no script and no external resource, plots as inline SVG (bits per layer;
// predicted and measured output error per layer; with --eval-data, quality
// against average bits for the float model, the quantized one and each
// --curve entry: a budget, a uniform width, a uniform candidate) and tables. Headless Chromium loads and renders it.
// RUN: rm -rf %t && mkdir -p %t
// RUN: %python %qforge_src_root/examples/models/fashion_data.py %t/fm --calib 100
// RUN: qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --budget 3 --batch 100 --eval-data %t/fm/calib_x.npy --eval-labels %t/fm/calib_y.npy --curve 4,u4,u3o:f16 -o %t/q --quiet
// RUN: %python %S/Inputs/check_report_html.py %t/q/report.html %t/q/report.json | FileCheck %s
// RUN: %python -c "import json; r = json.load(open('%t/q/report.json')); m = r['measured']; print(m['samples'], m['output_error'] > 0, all(l['measured_output_error'] >= 0 for l in r['layers']), [p['label'] for p in r['evaluation']['points']], 3 < r['evaluation']['points'][-1]['average_bits'] < 3.05)" | FileCheck %s --check-prefix=JSON
// RUN: %if chromium %{ %chromium --user-data-dir=%t/profile --dump-dom file://%t/q/report.html 2>/dev/null | FileCheck %s --check-prefix=DOM %}
// RUN: %if chromium %{ %chromium --user-data-dir=%t/profile --window-size=900,1800 --screenshot=%t/shot.png file://%t/q/report.html 2>/dev/null %}
// RUN: %if chromium %{ %python %S/Inputs/check_png.py %t/shot.png 900 | FileCheck %s --check-prefix=PNG %}
// RUN: not qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --curve 3 -o %t/bad 2>&1 | FileCheck %s --check-prefix=CURVE
// RUN: not qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --eval-data %t/fm/calib_x.npy --eval-labels %t/fm/calib_y.npy --curve u9 -o %t/bad 2>&1 | FileCheck %s --check-prefix=CURVE-BAD
// RUN: not qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --measure some -o %t/bad 2>&1 | FileCheck %s --check-prefix=MEASURE
// RUN: not qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --verbose --quiet -o %t/bad 2>&1 | FileCheck %s --check-prefix=VQ
// RUN: qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --bits 4 --batch 100 --measure total --verbose -o %t/v 2>&1 | FileCheck %s --check-prefix=VERBOSE
// RUN: not qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --alloc-rounding best -o %t/bad 2>&1 | FileCheck %s --check-prefix=ALLOC
// RUN: not ls %t/bad

// CHECK: report.html: 3 layers, 5 points, self-contained
// JSON: 100 True True ['fp32', 'quantized', 'budget 4', 'uniform 4', 'uniform 3o:f16'] True
// DOM: <title>qforge report: {{.*}}fashion_mlp.onnx</title>
// DOM: <svg class="chart" id="bits-per-layer"
// DOM: <svg class="chart" id="error-per-layer"
// DOM: <svg class="chart" id="quality-vs-bits"
// DOM: <table id="layers">
// PNG: screenshot 900x1800
// CURVE: qforge quantize: error: --curve needs --eval-data and --eval-labels
// CURVE-BAD: qforge quantize: error: --curve: 'u9' is not a budget (B), local:B or uniform (uN, N = 1..8, or u and a candidate, e.g. u3o:f16)
// MEASURE: qforge quantize: error: --measure must be layers, total or none, got 'some'
// VQ: qforge quantize: error: --verbose and --quiet exclude each other
// VERBOSE: qforge quantize: [{{ *[0-9.]+}} s] calibrating on {{.*}}calib_x.npy
// VERBOSE: qforge quantize: [{{ *[0-9.]+}} s] rounding to 4 bits with gptq
// VERBOSE: qforge quantize: [{{ *[0-9.]+}} s] compiling for x86
// VERBOSE: qforge quantize: [{{ *[0-9.]+}} s] measuring and evaluating for the report
// VERBOSE: measured output error {{[0-9.e+-]+}} on 100 calibration samples
// ALLOC: qforge quantize: error: --alloc-rounding must be rtn or gptq, got 'best'
// RUN: not qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --alloc-metric nll -o %t/bad 2>&1 | FileCheck %s --check-prefix=METRIC
// METRIC: qforge quantize: error: --alloc-metric must be mse or kl, got 'nll'
// Candidates are checked before anything runs, in --candidates and in
// --curve uniform points.
// RUN: not qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --budget 3 --candidates 2,3x -o %t/bad 2>&1 | FileCheck %s --check-prefix=CAND
// CAND: qforge quantize: error: --candidates: '3x' is not a candidate (a width 1..8 with an optional o or n grid suffix, g and a group size, :f16 or :bf16; binary, ternary; fp8, mxfp4, nvfp4)
// RUN: not qforge quantize %qforge_src_root/examples/models/fashion_mlp.onnx --calib %t/fm/calib_x.npy --eval-data %t/fm/calib_x.npy --eval-labels %t/fm/calib_y.npy --curve u3o:f8 -o %t/bad 2>&1 | FileCheck %s --check-prefix=CURVE-CAND
// CURVE-CAND: qforge quantize: error: --curve: 'u3o:f8' is not a budget (B), local:B or uniform
// RUN: test ! -e %t/bad
