//===- QFAttrs.td - qf attributes ---------------------------*- tablegen -*-===//

#ifndef QFORGE_DIALECT_QF_IR_QFATTRS_TD
#define QFORGE_DIALECT_QF_IR_QFATTRS_TD

include "qforge/Dialect/QF/IR/QFBase.td"
include "mlir/IR/AttrTypeBase.td"

class QF_Attr<string name, string attrMnemonic, list<Trait> traits = []>
    : AttrDef<QF_Dialect, name, traits> {
  let mnemonic = attrMnemonic;
}

def QF_SchemeAttr : QF_Attr<"Scheme", "scheme"> {
  let summary = "How a tensor is quantized (format, granularity, scales, zero points, rounding)";
  let description = [{
    A scheme is independent of the tensor shape. Syntax (defaults omitted when
    printed):

    ```
    #qf.scheme<FORMAT [, grid = GRID] [, axis = A [, group = G]]
               [, scale = SCALE-TYPE] [, asym] [, tensor_scale]
               [, round = MODE]>
    ```

    * FORMAT: `iN` (signed, N in 1..8), `uN` (unsigned, N in 1..8),
      `f8E4M3FN`, `f8E5M2` or `f4E2M1FN`.
    * no axis: one scale for the whole tensor; `axis = A`: one scale per index
      of dimension A (per-channel); `axis = A, group = G`: one scale per G
      consecutive elements along A, at every index of the other dimensions.
    * SCALE-TYPE: `f32` (default), `f16`, `bf16`, `f8E8M0FNU` (MX), `f8E4M3FN`.
    * `asym`: a zero point per scale (integer formats only); default symmetric
      (zero point 0, not stored).
    * `tensor_scale`: two-level scaling, group scale x one f32 tensor scale
      (NVFP4 style; needs a group).
    * MODE: `nearest_even` (default), `nearest_away`, `toward_zero` (integer
      formats only).
    * GRID (signed integers only): `full` (default, two's complement),
      `narrow` (symmetric [-(2^(N-1)-1), 2^(N-1)-1]; `i2, grid = narrow` is
      ternary {-1, 0, 1}) or `odd` (the odd values in [-(2^N-1), 2^N-1],
      stored as c with value 2c - (2^N-1); `i1, grid = odd` is binary
      {-1, +1}). Narrow and odd grids have no zero point and no tiled
      layout.

    The noise kind (additive for integers, multiplicative for floating-point
    formats) is derived from the format: `getNoiseKind()`.
  }];
  let parameters = (ins
    "::mlir::Type":$storageType,
    "int64_t":$axis,
    "int64_t":$groupSize,
    "::mlir::Type":$scaleType,
    "bool":$asymmetric,
    "bool":$tensorScale,
    "::qforge::RoundingMode":$rounding,
    "::qforge::IntegerGrid":$grid
  );
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let extraClassDeclaration = [{
    /// The plain-C++ description used by the reference and the algorithms.
    ::qforge::Scheme toScheme() const;
    /// Builds the attribute from a plain scheme (checked; nullptr on error).
    static SchemeAttr fromScheme(::mlir::MLIRContext *ctx,
                                 const ::qforge::Scheme &scheme);
    unsigned getBitWidth() const { return toScheme().bits; }
    bool isInteger() const { return toScheme().isInteger(); }
    bool isPerTensor() const { return getAxis() < 0; }
    ::qforge::NoiseKind getNoiseKind() const { return toScheme().noiseKind(); }
  }];
}

def QF_LayoutAttr : QF_Attr<"Layout", "layout"> {
  let summary = "Storage order of the codes of a quantized tensor";
  let description = [{
    `#qf.layout<tile = [T0, T1]>` cuts the last two dimensions into tiles of
    T0 x T1 elements stored one after the other (row-major over the tile
    grid, row-major inside a tile; edge tiles padded). A tensor type without a
    layout stores its codes packed in row-major order. Target passes change
    the layout (e.g. `tile = [16, 4]` of an N x K weight is the 64-byte block
    read by one `vpdpbusd`); the change is visible in the type.
  }];
  let parameters = (ins ArrayRefParameter<"int64_t">:$tile);
  let assemblyFormat = "`<` `tile` `=` `[` $tile `]` `>`";
  let genVerifyDecl = 1;
}

#endif // QFORGE_DIALECT_QF_IR_QFATTRS_TD
