//===- QFOps.td - qf operations -----------------------------*- tablegen -*-===//

#ifndef QFORGE_DIALECT_QF_IR_QFOPS_TD
#define QFORGE_DIALECT_QF_IR_QFOPS_TD

include "qforge/Dialect/QF/IR/QFTypes.td"
include "mlir/IR/OpBase.td"
include "mlir/Interfaces/SideEffectInterfaces.td"
include "mlir/Bytecode/BytecodeOpInterface.td"

class QF_Op<string mnemonic, list<Trait> traits = []>
    : Op<QF_Dialect, mnemonic, traits>;

def QF_FloatTensor : RankedTensorOf<[F32, F16, BF16]>;
def QF_ScaleTensor : RankedTensorOf<[F32]>;
def QF_ZeroPointTensor : RankedTensorOf<[I32]>;
def QF_FloatOrQTensor : AnyTypeOf<[QF_FloatTensor, QF_QTensor]>;

// Optional static scales shared by quantize and requantize.
defvar QF_StaticScaleOperands = (ins
    Optional<QF_ScaleTensor>:$scales,
    Optional<QF_ZeroPointTensor>:$zero_points,
    Optional<QF_ScaleTensor>:$tensor_scale);

def QF_QuantizeOp : QF_Op<"quantize", [Pure, AttrSizedOperandSegments]> {
  let summary = "Quantize a float tensor";
  let description = [{
    `code = clamp(round(x / scale) + zero_point, qmin, qmax)` per element,
    rounding per the scheme (ties to even by default); float element formats
    round x / scale to the format, saturating.

    Without `scales`, the scales (and zero points) are derived from the data,
    per scale block (dynamic quantization; docs/Semantics.md). With `scales`
    (a `tensor<f32>` shaped like the scale tensor of the result type), the
    given scales are rounded to the scheme's scale type and used;
    `zero_points` (`i32`) is required exactly when the scheme is asymmetric
    and `tensor_scale` (`tensor<f32>`) exactly when it is two-level.

    ```mlir
    %q = qf.quantize %x : tensor<4x8xf32> -> !qf.qtensor<4x8xf32, #qf.scheme<i8>>
    %q = qf.quantize %x scales(%s : tensor<4xf32>) zero_points(%z : tensor<4xi32>)
        : tensor<4x8xf32> -> !qf.qtensor<4x8xf32, #qf.scheme<u8, axis = 0, asym>>
    ```
  }];
  let arguments = !con((ins QF_FloatTensor:$input), QF_StaticScaleOperands);
  let results = (outs QF_QTensor:$result);
  let assemblyFormat = [{
    $input (`scales` `(` $scales^ `:` type($scales) `)`)?
    (`zero_points` `(` $zero_points^ `:` type($zero_points) `)`)?
    (`tensor_scale` `(` $tensor_scale^ `:` type($tensor_scale) `)`)?
    attr-dict `:` type($input) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QF_DequantizeOp : QF_Op<"dequantize", [Pure]> {
  let summary = "Dequantize a quantized tensor";
  let description = [{
    `x = (code - zero_point) * scale` in f32 per element (float element
    formats: `decode(code) * scale`), then converted to the result type, which
    is the expressed tensor type of the operand.

    ```mlir
    %x = qf.dequantize %q : !qf.qtensor<4x8xf32, #qf.scheme<i4>> -> tensor<4x8xf32>
    ```
  }];
  let arguments = (ins QF_QTensor:$input);
  let results = (outs QF_FloatTensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` qualified(type($input)) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QF_RequantizeOp : QF_Op<"requantize", [Pure, AttrSizedOperandSegments]> {
  let summary = "Convert a quantized tensor to another scheme or layout";
  let description = [{
    When the result differs from the operand only in its layout, the codes,
    scales and zero points are kept and only reordered: the conversion is
    exact. Otherwise the operand is dequantized to f32 values (not rounded to
    the expressed type) and those are quantized with the result scheme, with
    the optional static scales as in `qf.quantize`.

    ```mlir
    %t = qf.requantize %q : !qf.qtensor<64x64xf32, #qf.scheme<i8>>
        -> !qf.qtensor<64x64xf32, #qf.scheme<i8>, #qf.layout<tile = [16, 4]>>
    ```
  }];
  let arguments = !con((ins QF_QTensor:$input), QF_StaticScaleOperands);
  let results = (outs QF_QTensor:$result);
  let assemblyFormat = [{
    $input (`scales` `(` $scales^ `:` type($scales) `)`)?
    (`zero_points` `(` $zero_points^ `:` type($zero_points) `)`)?
    (`tensor_scale` `(` $tensor_scale^ `:` type($tensor_scale) `)`)?
    attr-dict `:` qualified(type($input)) `->` qualified(type($result))
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
  let hasCanonicalizer = 1;
  let extraClassDeclaration = [{
    /// True when the result differs from the input only in its layout and
    /// no static scales are given: codes are reordered, nothing is rounded.
    bool isRelayout();
  }];
}

def QF_ConstantOp : QF_Op<"constant", [ConstantLike, Pure]> {
  let summary = "A quantized constant (weights)";
  let description = [{
    `value` is the packed blob of the result type as a 1-D tensor of `i8`
    (`dense<"0x...">` or `dense_resource<...>`); its size must equal the
    blob size of the type (docs/BlobLayout.md). For `dense` data the verifier
    also checks that every scale is finite and positive and every zero point
    lies in the code range.

    ```mlir
    // 16 bytes of i4 codes, then 4 f32 scales.
    %w = qf.constant dense<"0x...">
        : tensor<32xi8> -> !qf.qtensor<4x8xf32, #qf.scheme<i4, axis = 0>>
    ```
  }];
  let arguments = (ins ElementsAttr:$value);
  let results = (outs QF_QTensor:$result);
  let assemblyFormat =
      "$value attr-dict `->` qualified(type($result))";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QF_BlobOp : QF_Op<"blob", [Pure]> {
  let summary = "The packed bytes of a quantized tensor";
  let description = [{
    Views the blob of a quantized tensor (docs/BlobLayout.md) as a 1-D
    tensor of bytes, `tensor<N x i8>` with N the blob size of the operand
    type: for handing quantized tensors to code that does not know qf, and for
    checking the packing byte for byte.

    ```mlir
    %bytes = qf.blob %q : !qf.qtensor<4xf32, #qf.scheme<i8>> -> tensor<32xi8>
    ```
  }];
  let arguments = (ins QF_QTensor:$input);
  let results = (outs RankedTensorOf<[I8]>:$result);
  let assemblyFormat =
      "$input attr-dict `:` qualified(type($input)) `->` type($result)";
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QF_FromBlobOp : QF_Op<"from_blob", [Pure]> {
  let summary = "A quantized tensor from its packed bytes";
  let description = [{
    The inverse of `qf.blob`: reads a 1-D tensor of bytes laid out as the
    blob of the result type (docs/BlobLayout.md). For quantized tensors that
    come from outside qf (a runtime, a file, another compiler). The bytes
    must hold finite positive scales and in-range zero points; constant
    inputs are checked when they fold to `qf.constant`.

    ```mlir
    %q = qf.from_blob %bytes : tensor<32xi8> -> !qf.qtensor<4xf32, #qf.scheme<i8>>
    ```
  }];
  let arguments = (ins RankedTensorOf<[I8]>:$input);
  let results = (outs QF_QTensor:$result);
  let assemblyFormat =
      "$input attr-dict `:` type($input) `->` qualified(type($result))";
  let hasVerifier = 1;
  let hasFolder = 1;
}

class QF_MatmulBase<string mnemonic> : QF_Op<mnemonic, [Pure]> {
  let arguments = (ins QF_FloatOrQTensor:$lhs, QF_QTensor:$rhs,
                       TypeAttr:$acc_type, UnitAttr:$transpose_rhs);
  let results = (outs RankedTensorOf<[F32, F16, BF16, I32, I64]>:$result);
  let assemblyFormat = [{
    $lhs `,` $rhs (`transpose_rhs` $transpose_rhs^)? `acc` `(` $acc_type `)`
    attr-dict `:` qualified(type($lhs)) `,` qualified(type($rhs)) `->` type($result)
  }];
  let hasVerifier = 1;
  let hasFolder = 1;
}

def QF_MatmulOp : QF_MatmulBase<"matmul"> {
  let summary = "Matrix multiplication with quantized weights";
  let description = [{
    `result[m, n] = sum_k lhs[m, k] * rhs[k, n]` (`rhs[n, k]` with
    `transpose_rhs`). With a float `lhs` (weight-only quantization) the
    weights are dequantized and `acc_type` must be a float type. With a
    quantized `lhs` the zero-point-corrected products
    `(a - za) * (w - zw)` are accumulated exactly in `acc_type` (an integer
    type wide enough for K products; the verifier checks) per group of K, and
    the float result is `sa[m] * sum_g(sw[g, n] * acc_g)` in f32, groups in
    increasing order. With no scale varying along K the result may instead be
    the integer accumulators themselves (result element type = `acc_type`,
    i32 or i64). fp8 / fp4 codes are decoded and their products accumulated
    in f32 (`acc(f32)`). The quantized `lhs` is scaled per tensor or per row;
    `rhs` per tensor, per output column or per group along K.

    ```mlir
    %y = qf.matmul %x, %w acc(f32) : tensor<8x64xf32>,
        !qf.qtensor<64x32xf32, #qf.scheme<i4, axis = 0, group = 32>> -> tensor<8x32xf32>
    ```
  }];
}

def QF_BatchMatmulOp : QF_MatmulBase<"batch_matmul"> {
  let summary = "Batched matrix multiplication with quantized weights";
  let description = [{
    As `qf.matmul` for every index b of the leading dimension: `lhs` is
    B x M x K, `rhs` is B x K x N (or K x N shared by every batch), the result
    B x M x N.
  }];
}

def QF_ObserveOp : QF_Op<"observe", [AllTypesMatch<["input", "result"]>,
                                     MemoryEffects<[MemWrite]>]> {
  let summary = "Calibration probe: records statistics of a tensor";
  let description = [{
    Returns its operand unchanged. Calibration records statistics of the
    values that flow through it under `name`, which identifies the tensor in
    calibration files and should be unique in the module (the verifier only
    rejects an empty name).

    ```mlir
    %y = qf.observe %x {name = "fc1.input"} : tensor<8x64xf32>
    ```
  }];
  let arguments = (ins QF_FloatTensor:$input, StrAttr:$name);
  let results = (outs QF_FloatTensor:$result);
  let assemblyFormat = "$input attr-dict `:` type($input)";
  let hasVerifier = 1;
}

#endif // QFORGE_DIALECT_QF_IR_QFOPS_TD
