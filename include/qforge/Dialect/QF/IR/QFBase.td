//===- QFBase.td - The qf dialect definition ---------------*- tablegen -*-===//
//
// The `qf` dialect: quantized tensors whose codes, scales and zero points live
// in one packed blob, and the ops that produce and consume them.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_DIALECT_QF_IR_QFBASE_TD
#define QFORGE_DIALECT_QF_IR_QFBASE_TD

include "mlir/IR/OpBase.td"

def QF_Dialect : Dialect {
  let name = "qf";
  let cppNamespace = "::mlir::qf";
  let summary = "Quantized tensors with packed storage, for 1-8 bit and fp8/fp4 models";
  let description = [{
    The `qf` dialect describes how a tensor is quantized (`#qf.scheme`), holds
    quantized tensors as values of type `!qf.qtensor` whose codes, scales and
    zero points are stored in one packed blob (docs/BlobLayout.md), and
    provides the ops that quantize, dequantize, requantize, hold quantized
    weights (`qf.constant`), multiply with quantized weights (`qf.matmul`,
    `qf.batch_matmul`) and mark tensors for calibration (`qf.observe`).

    Rounding and saturation follow the ONNX convention:
    `clamp(round_half_to_even(x / scale) + zero_point, qmin, qmax)`; see
    docs/Semantics.md. The C++ reference in `qforge/Quantization/Reference.h`
    implements these semantics and every lowering is tested against it.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect"];
  let useDefaultAttributePrinterParser = 1;
  let useDefaultTypePrinterParser = 1;
  let hasConstantMaterializer = 1;
  let extraClassDeclaration = [{
    void registerAttributes();
    void registerTypes();
  }];
}

#endif // QFORGE_DIALECT_QF_IR_QFBASE_TD
