//===- Passes.td - qf transformations ----------------------*- tablegen -*-===//
//
// Passes that transform qf IR (calibration, allocation, rounding, analysis).
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_DIALECT_QF_TRANSFORMS_PASSES_TD
#define QFORGE_DIALECT_QF_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def QFRoundPass : Pass<"qf-round", "ModuleOp"> {
  let summary = "Quantize constant weights by round-to-nearest with a clipping search";
  let description = [{
    Replaces every `qf.quantize` of a constant rank-2 float tensor (no static
    scales; integer scheme without two-level scales) by the `qf.constant`
    that `qforge::roundToNearest` computes (include/qforge/Quantization/
    Rounding.h): round to nearest with each block's scale chosen by a
    clipping search over 1.00, 0.99, ..., 0.50 of its range, minimizing the
    block's squared error (`clip=mse`, the default), or the plain absmax
    scale of the reference (`clip=none`, the same result as folding). The
    squared error ||W - Ŵ||² is recorded on the constant as `qf.round_error`.
    GPTQ and AdaRound need the layers' calibration Hessians and are not
    offered by this pass yet.
  }];
  let options = [
    Option<"clip", "clip", "std::string", "\"mse\"",
           "Clipping search: mse or none">
  ];
  let dependentDialects = ["::mlir::qf::QFDialect"];
}

#endif // QFORGE_DIALECT_QF_TRANSFORMS_PASSES_TD
