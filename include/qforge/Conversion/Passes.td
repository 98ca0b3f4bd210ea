//===- Passes.td - qforge conversion passes ----------------*- tablegen -*-===//

#ifndef QFORGE_CONVERSION_PASSES_TD
#define QFORGE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQuantToQFPass : Pass<"convert-quant-to-qf", "ModuleOp"> {
  let summary = "Convert upstream quant.qcast / quant.dcast to qf ops";
  let description = [{
    Rewrites `quant.qcast` to `qf.quantize` with the scales and zero points
    of the `!quant.uniform` type as constant operands, and `quant.dcast` to
    `qf.dequantize`. Per-tensor, per-axis and sub-channel types convert when
    the sub-channel blocks run along a single axis (qf's groups). Values of
    quantized type may only flow from a `quant.qcast` to `quant.dcast` ops;
    anything else (function boundaries, other ops, `quant.scast`, narrow
    storage ranges such as `i8<-127:127>`) is reported with the reason and
    the pass fails without changing the module.
  }];
  let dependentDialects = ["::mlir::qf::QFDialect",
                           "::mlir::arith::ArithDialect"];
}

def ConvertQFToQuantPass : Pass<"convert-qf-to-quant", "ModuleOp"> {
  let summary = "Convert qf quantize / constant / dequantize chains to upstream quant";
  let description = [{
    Rewrites `qf.quantize` with constant static scales to `quant.qcast`, a
    `qf.constant` to `arith.constant` codes plus `quant.scast`, and their
    `qf.dequantize` users to `quant.dcast`. Only what `!quant.uniform` can
    express converts: integer formats with f32 scales, round to nearest even,
    packed layout, scales per tensor / per axis / per group along one axis.
    Dynamic scales (no `scales` operand), fp8/fp4 formats, scale types other
    than f32, two-level scales, other rounding modes, tiled layouts, and
    quantized values used by anything but `qf.dequantize` are reported with
    the reason and the pass fails without changing the module.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect",
                           "::mlir::arith::ArithDialect"];
}

#endif // QFORGE_CONVERSION_PASSES_TD
