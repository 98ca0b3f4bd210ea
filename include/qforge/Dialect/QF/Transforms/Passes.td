//===- Passes.td - qf transformations ----------------------*- tablegen -*-===//
//
// Passes that transform qf IR (calibration, allocation, rounding, analysis).
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_DIALECT_QF_TRANSFORMS_PASSES_TD
#define QFORGE_DIALECT_QF_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QFRoundPass : Pass<"qf-round", "ModuleOp"> {
  let summary = "Quantize constant weights: round to nearest, or GPTQ with calibration";
  let description = [{
    Replaces every `qf.quantize` of a constant rank-2 float tensor (no static
    scales; integer scheme without two-level scales) by the `qf.constant`
    that the rounding algorithm computes (include/qforge/Quantization/
    Rounding.h).

    `method=rtn` (the default): `qforge::roundToNearest`, round to nearest
    with each block's scale chosen by a clipping search over 1.00, 0.99,
    ..., 0.50 of its range, minimizing the block's squared error
    (`clip=mse`, the default), or the plain absmax scale of the reference
    (`clip=none`, the same result as folding). The squared error
    ||W - Ŵ||² is recorded on the constant as `qf.round_error`.

    `method=gptq`: `qforge::roundGPTQ` with H = XᵀX / rows of the
    activations X that enter the weight's `qf.matmul`. The matmul's left
    operand must be a `qf.observe` (see `-qf-instrument`). H comes from the
    statistics `-qf-attach-calibration` attached to it (gram / rows) or,
    without them, from the activations in `<calibration>/<observe
    name>.npy` (float32, last dimension K, any leading dimensions), as
    `-qf-expose-observed` and `qforge-run --output` write them. `damp` is GPTQ's dampening (times the mean of H's diagonal).
    `qf.round_error` is then tr((W - Ŵ) H (W - Ŵ)ᵀ), and `qf.rtn_error` the
    same objective of what `method=rtn` gives (the baseline, for reports). Weights with no
    observed matmul are rounded to nearest with a warning; a missing or
    mismatched activation file is an error.

    `method=adaround`: `qforge::roundAdaRound` with the same Hessians,
    `iterations` full-batch Adam steps per layer (each costs about 2 N K²
    flops, so large layers take long).
  }];
  let options = [
    Option<"clip", "clip", "std::string", "\"mse\"",
           "Clipping search: mse or none">,
    Option<"method", "method", "std::string", "\"rtn\"",
           "Rounding algorithm: rtn, gptq or adaround">,
    Option<"calibration", "calibration", "std::string", "\"\"",
           "Directory of the observed activations (<name>.npy), for gptq and adaround without attached calibration statistics">,
    Option<"damp", "damp", "double", "0.01",
           "GPTQ dampening, relative to the mean of H's diagonal">,
    Option<"iterations", "iterations", "unsigned", "1000",
           "AdaRound optimization steps per layer">
  ];
  let dependentDialects = ["::mlir::qf::QFDialect"];
}

def QFAnalyzeErrorPass : Pass<"qf-analyze-error", "ModuleOp"> {
  let summary = "Per-layer quantization error report (JSON and remarks)";
  let description = [{
    For every `qf.quantize` of a constant rank-2 float weight (run it
    before `-qf-round`, e.g. after `-qf-allocate-bits`), rounds the weight
    to nearest (integer schemes: with the MSE clipping search, the
    `method=rtn` result; float formats: the reference quantization) and
    reports: the layer
    name (its matmul's location), shape, scheme, stored bits per weight
    (scales included), the local error ||W - Ŵ||², and, when the matmul's
    observed input has attached statistics, the layer objective
    tr((W - Ŵ) H (W - Ŵ)ᵀ), the gain and the predicted contribution to the
    model's output error, gain x objective (`-qf-allocate-bits`
    objective=propagated). Totals: weights, average bits per weight and the
    predicted output error (the sum of the contributions). GPTQ or AdaRound
    rounding lowers the objectives; the report gives round-to-nearest's.

    Each layer gets a remark; `report=FILE` also writes the JSON report
    (written to a temporary file and renamed into place). The module is not
    changed.
  }];
  let options = [
    Option<"report", "report", "std::string", "\"\"",
           "JSON file to write the report to">
  ];
}

def QFAllocateBitsPass : Pass<"qf-allocate-bits", "ModuleOp"> {
  let summary = "Choose a code width for every constant weight under a budget";
  let description = [{
    Gives every eligible `qf.quantize` of a constant weight the code width
    that minimizes the total predicted error subject to a budget in average
    bits per weight (`budget`), solved exactly by `qforge::allocateBits`
    (include/qforge/Quantization/Allocation.h, a multiple-choice knapsack).
    The choice is written into the IR as the op's result type: the scheme
    keeps its format family, scale format and zero points; its width
    changes, and so do its axis and group size for a grouped candidate; so
    `qf-round` (or folding) then rounds the weight that way.

    Candidates are listed in `candidates` (default `2,3,4,8`): a width alone
    keeps the op's scale granularity; a width with the suffix `o` uses the
    odd integer grid (`2o`: {-3, -1, 1, 3} x scale, symmetric, no zero) and
    with `n` the narrow one; `binary` is `1o` ({-1, +1}) and `ternary` `2n`
    ({-1, 0, 1}); a trailing `:f16` or `:bf16` stores the scales in 16 bits; `4g128` is 4-bit codes with one scale
    per group of 128 along K, offered for weights used only by `qf.matmul`
    ops with a float result, when the group divides K. Float formats, for
    weights used only by weight-only matmuls: `fp8` (e4m3 codes, the op's
    scale granularity), `mxfp4` (e2m1 codes, an e8m0 scale per 32 along K)
    and `nvfp4` (e2m1 codes, an e4m3 scale per 16 along K times an f32
    tensor scale); their error is that of the reference quantization (what
    folding gives; `-qf-round` leaves float formats to folding). A candidate's cost is the information it stores: codes at that width, plus
    every scale (and zero point) at its storage width, plus the tensor scale;
    alignment padding of the blob is not counted. The budget bounds the sum
    of costs divided by the number of allocated weights, scales included.
    With `objective=local` a candidate's error is the squared error
    ||W - Ŵ||² of round-to-nearest with the MSE clipping search at that
    width (`qforge::roundToNearest`). With `objective=propagated` it is the
    error predicted at the model's output: g · tr((W - Ŵ) H (W - Ŵ)ᵀ), with
    the layer's gain g (how much of its output error reaches the model's
    output, measured by `qforge-run --calibrate --sensitivity`) and
    H = gram / rows, both attached by `-qf-attach-calibration` to the
    observed input of the weight's matmul. With `rounding=gptq` (and
    `objective=propagated`), integer candidates are rounded with GPTQ (the
    layer's Hessian, damping 0.01, MSE clipping, as `-qf-round=method=gptq`
    rounds) instead of to nearest, so that the allocation prices what GPTQ
    will actually give. `metric` picks the output error the gains measure:
    `mse` (the sum of squared differences of the model's first result, per
    sample) or `kl` (the KL divergence of its softmax over the last
    dimension, per sample: closer to the task loss of a classifier or a
    language model). The noise model follows the format: integer
    candidates use the gain of the integer (additive-noise) probe, float
    candidates (`fp8`, `mxfp4`, `nvfp4`) the gain of the fp4 e2m1
    (multiplicative-noise) probe when the calibration measured one
    (`--sensitivity-float`), else the additive gain with a warning.
    With `objective=measured` a candidate's error is read from `errors`, a
    JSON file `{"layers": {NAME: {CANDIDATE: error, ...}, ...}}` keyed by
    the layer name reports use and the candidate as written in
    `candidates`: the output error measured with only that layer quantized
    that way (and rounded as it will be), which `qforge quantize
    --alloc-objective measured` measures; the allocation then needs no
    propagation model at all, only additivity across layers.
    Quantizes of the same constant to the same scheme are tied: they get
    the same candidate.

    Eligible: what `qf-round` handles (constant rank-2 float input, no static
    scales, integer scheme without a tensor scale) and whose result is used
    only by `qf.matmul`, `qf.batch_matmul` and `qf.dequantize` (whose
    verifiers accept any width). Other quantizes are left alone and do not
    count towards the budget. The chosen cost and error are recorded on
    each op as `qf.alloc_bits` (stored bits) and `qf.alloc_error`. A budget
    below the cheapest allocation is an error that names both.
  }];
  let options = [
    Option<"budget", "budget", "double", "0.0",
           "Average bits per weight, scales included (required, > 0)">,
    ListOption<"candidates", "candidates", "std::string",
               "Candidates: a width 1..8 (the op's own scales; suffix o: "
               "odd grid, n: narrow grid), optionally g and a group size "
               "along K (e.g. 4g128) and :f16 or :bf16 scales (e.g. "
               "3o:f16); binary, ternary; or fp8, mxfp4, nvfp4 (default "
               "2,3,4,8)">,
    Option<"objective", "objective", "std::string", "\"local\"",
           "Error to minimize: local (the weights' squared error), propagated (predicted output error; needs gains) or measured (the output error measured with each layer alone quantized each way, from errors=FILE)">,
    Option<"rounding", "rounding", "std::string", "\"rtn\"",
           "How each integer candidate is rounded to measure its error with objective=propagated: rtn (round to nearest, the default) or gptq (GPTQ with the layer's Hessian, as -qf-round=method=gptq will round; slower)">,
    Option<"errors", "errors", "std::string", "\"\"",
           "With objective=measured: a JSON file {\"layers\": {NAME: {CANDIDATE: error}}} of measured output errors (qforge quantize --alloc-objective measured writes it)">,
    Option<"metric", "metric", "std::string", "\"mse\"",
           "With objective=propagated, the output error the gains measure: mse (squared error of the first result, the default) or kl (KL divergence of its softmax over the last dimension)">
  ];
  let dependentDialects = ["::mlir::qf::QFDialect"];
}

def QFQuantizeWeightsPass : Pass<"qf-quantize-weights", "ModuleOp"> {
  let summary = "Turn float matmuls with constant weights into qf.matmul";
  let description = [{
    Rewrites every `linalg.matmul` whose right operand is a constant rank-2
    float tensor and whose init is a `linalg.fill` of +0.0 (the form
    `qforge-import` writes) into a weight-only quantized `qf.matmul`:

    ```mlir
    %q = qf.quantize %W : tensor<KxNxf32> -> !qf.qtensor<KxNxf32, #qf.scheme<i8, axis = 1>>
    %y = qf.matmul %x, %q acc(f32) : tensor<MxKxf32>, !qf.qtensor<...> -> tensor<MxNxf32>
    ```

    The scheme is signed `bits`-bit integers with one f32 scale per output
    column (`group=0`, the default) or per group of `group` consecutive
    elements along K (`axis = 0`). A layer whose K is not a multiple of
    `group` gets per-column scales and a warning naming K. Matmuls with
    user-defined indexing maps, a non-zero init, or a non-constant right
    operand are left alone. The weights are not rounded here: folding,
    `-qf-round` or `-qf-allocate-bits` followed by `-qf-round` does that.
  }];
  let options = [
    Option<"bits", "bits", "unsigned", "8", "Code width, 1..8">,
    Option<"group", "group", "int64_t", "0",
           "Group size along K; 0: one scale per output column">
  ];
  let dependentDialects = ["::mlir::qf::QFDialect"];
}

def QFInstrumentPass : Pass<"qf-instrument", "ModuleOp"> {
  let summary = "Observe the inputs of matmuls with constant weights";
  let description = [{
    Inserts a `qf.observe` on the left operand of every `linalg.matmul`
    whose right operand is a constant and of every `qf.matmul` with a float
    left operand, unless that operand is already observed. The name is the
    op's location name (the ONNX node name `qforge-import` records), or
    `matmul<i>` when it has none, followed by `.input`; duplicates get
    `#2`, `#3`, ... The observed values are what calibration measures:
    `-qf-expose-observed` returns them from the function, and
    `-qf-round{method=gptq}` reads their Hessians. Location names are made
    usable as file names (`/blocks.0/q/MatMul` gives
    `blocks.0.q.MatMul.input`). Matmuls that `-qf-mark-quantizable`
    excluded are not observed. With `outputs`, the float results of the
    same ops are observed too (`<name>.output`).
  }];
  let options = [
    Option<"outputs", "outputs", "bool", "false",
           "Also observe the matmuls' results (<name>.output)">
  ];
  let dependentDialects = ["::mlir::qf::QFDialect"];
}

def QFMarkQuantizablePass : Pass<"qf-mark-quantizable", "ModuleOp"> {
  let summary = "Choose which layers are quantized, with per-layer overrides";
  let description = [{
    Marks every `linalg.matmul` with a constant right operand (a layer; its
    name is its location name as `-qf-instrument` forms it, e.g.
    `blocks.0.fc1.MatMul`, or `conv1.Conv` for a convolution imported with
    `--conv-as-matmul`) with a `qf.quantizable` attribute: `false` when the
    layer is excluded, else `{layer = "<name>"}` plus the `bits` / `group`
    overrides that apply. A layer is selected when it matches one of
    `include` (glob patterns; none: every layer) and none of `exclude`.

    `recipe` names a JSON file with the same choices and per-layer
    overrides; options given on the command line come first:

    ```json
    {
      "include": ["*"],
      "exclude": ["head.*"],
      "layers": [
        {"match": "blocks.*.fc?.*", "bits": 8},
        {"match": "conv1.*", "bits": 8, "group": 0}
      ]
    }
    ```

    The first `layers` entry that matches a layer gives its overrides.
    `-qf-quantize-weights` leaves excluded layers in float and applies the
    overrides (the rest take its `bits` / `group`); `-qf-instrument` does
    not observe excluded layers; `-qf-allocate-bits` leaves layers with a
    `bits` override at that width (and outside its budget). Patterns that
    match no layer, unknown keys, bad widths and malformed files are
    errors.
  }];
  let options = [
    ListOption<"include", "include", "std::string",
               "Glob patterns of the layers to quantize (default: all)">,
    ListOption<"exclude", "exclude", "std::string",
               "Glob patterns of the layers to leave in float">,
    Option<"recipe", "recipe", "std::string", "\"\"",
           "JSON recipe file (include, exclude, per-layer overrides)">
  ];
}

def QFAttachCalibrationPass : Pass<"qf-attach-calibration", "ModuleOp"> {
  let summary = "Attach the statistics of a calibration file to the observed values";
  let description = [{
    Reads `file`, a calibration file written by `qforge-run --calibrate`
    (or `qforge calibrate`; format in docs/Calibration.md), and attaches the
    statistics of each observed tensor to its `qf.observe` op as a
    `qf.calibration` dictionary: rows, min, max, abs_max, the 2048-bin
    histogram of |x| (histogram_upper), per-channel mean_abs and mean_sq,
    and gram = XᵀX (the layer Hessian is gram / rows). `-qf-round`
    (gptq, adaround) and `-qf-quantize-activations` use it when no
    calibration directory is given.

    The file must match the module: its model fingerprint (observed names,
    channel counts and float constants; not the batch size) must be the
    module's, and every observed tensor must have statistics with its
    channel count. Run it right after `-qf-instrument`, before passes that
    change the weights. A mismatch or a corrupt file is an error that names
    the file and the problem; the module is then left unchanged.
  }];
  let options = [
    Option<"file", "file", "std::string", "\"\"",
           "Calibration file (.safetensors)">
  ];
  let dependentDialects = ["::mlir::qf::QFDialect"];
}

def QFEqualizePass : Pass<"qf-equalize", "ModuleOp"> {
  let summary = "Equivalence scaling of matmul inputs: AWQ or SmoothQuant";
  let description = [{
    For every observed input X (a `qf.observe` with statistics from
    `-qf-attach-calibration`) whose users are all `linalg.matmul`s with
    constant weights W (K x N), picks one scale s_k > 0 per input channel and
    rewrites X W as (X diag(1/s)) (diag(s) W): the weights of every user are
    scaled (new constants), and X is multiplied by 1/s in a `linalg.generic`
    inserted before the observe. The float function is unchanged up to
    rounding.

    `method=awq` (default): s = mean|X|^alpha, normalized, with alpha on a
    grid of `grid` + 1 points in [0, 1]; for each alpha the scaled weights of
    all users (stacked) are rounded to nearest with `bits`-bit codes (per
    output channel, or groups of `group` along K) and the alpha whose layer
    objective tr((W - Ŵ) H (W - Ŵ)ᵀ) is smallest wins (alpha = 0, no scaling,
    is a candidate: never worse than RTN). `method=smoothquant`: s_k =
    max|X_k|^alpha / max_n |W_kn|^(1 - alpha) (alpha = 0.5), which moves
    activation outliers into the weights for W8A8.

    The attached statistics are transformed exactly where that is possible
    (X^T X, per-channel mean |x|, mean x², max |x|, max |x| overall; min and
    max become -/+ max |x|) and the histogram is dropped, so that
    `-qf-round` (GPTQ) and `-qf-quantize-activations` (min/max) work on
    without a second calibration run. The choice is recorded on the observe
    as `qf.equalized = {method, alpha}`. The multiplication by 1/s is folded
    into the op that produces X when that is an elementwise `linalg.generic`
    with no other user (a ReLU, GELU, LayerNorm or bias add: linalg's
    elementwise fusion); otherwise it stays a separate elementwise op.
  }];
  let options = [
    Option<"method", "method", "std::string", "\"awq\"",
           "awq (weight-only) or smoothquant (W8A8)">,
    Option<"alpha", "alpha", "double", "0.5",
           "SmoothQuant's migration strength, in [0, 1]">,
    Option<"bits", "bits", "unsigned", "4",
           "AWQ: the code width the weights will get">,
    Option<"group", "group", "int64_t", "0",
           "AWQ: group size along K (0: one scale per output channel)">,
    Option<"grid", "grid", "unsigned", "20", "AWQ: alpha grid points - 1">
  ];
  let dependentDialects = ["::mlir::linalg::LinalgDialect",
                           "::mlir::arith::ArithDialect"];
}

def QFExposeObservedPass : Pass<"qf-expose-observed", "ModuleOp"> {
  let summary = "Return every observed value from its function";
  let description = [{
    Appends the operand of every `qf.observe` in a function to the
    function's results, in program order, with the observe name as the
    result attribute `qf.name`. Running the result (`qforge-run ... --output
    y.npy,<name>.npy,...`) writes the activations that calibration uses.
    Functions that are called from the module cannot change their type and
    are an error.
  }];
  let dependentDialects = ["::mlir::qf::QFDialect"];
}

def QFQuantizeActivationsPass : Pass<"qf-quantize-activations", "ModuleOp"> {
  let summary = "Static int8 activations from calibration ranges (W8A8)";
  let description = [{
    For every `qf.matmul` whose left operand is a float `qf.observe` and
    whose weights have an integer scheme the integer matmul accepts
    (per-tensor, per output column, or groups along K) and whose result is
    float, quantizes the left operand with a static per-tensor scale and
    makes the matmul accumulate the integer products in i32:

    ```mlir
    %s = arith.constant dense<0.0213> : tensor<f32>
    %qx = qf.quantize %x scales(%s : tensor<f32>) : tensor<MxKxf32> -> !qf.qtensor<MxKxf32, #qf.scheme<i8>>
    %y = qf.matmul %qx, %w acc(i32) : ...
    ```

    The scale is T / 127 for the clipping threshold T that `method`
    (`minmax`, `percentile`, `mse` or `entropy`, include/qforge/
    Quantization/Calibration.h) picks from a 2048-bin histogram of |x|:
    the one `-qf-attach-calibration` attached to the observe op (over
    [0, the smallest power of two above max |x|)), or one built over
    [0, max |x|) from the activations in `<calibration>/<observe
    name>.npy`. `percentile` is the fraction kept by `method=percentile`. A
    missing or mismatched file is an error; activations that are all zero
    are an error too (no scale).

    `method=dynamic` needs no calibration: the left operands are quantized
    at run time, with one scale per row computed from the data (a
    `qf.quantize` without static scales, `#qf.scheme<i8, axis = 0>`).
  }];
  let options = [
    Option<"calibration", "calibration", "std::string", "\"\"",
           "Directory of the observed activations (<name>.npy), without attached calibration statistics">,
    Option<"method", "method", "std::string", "\"minmax\"",
           "Range method: minmax, percentile, mse or entropy; or dynamic (per-row scales at run time, no calibration)">,
    Option<"percentile", "percentile", "double", "0.9999",
           "Fraction of |x| kept by method=percentile">
  ];
  let dependentDialects = ["::mlir::qf::QFDialect", "::mlir::arith::ArithDialect"];
}

#endif // QFORGE_DIALECT_QF_TRANSFORMS_PASSES_TD
