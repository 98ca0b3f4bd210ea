//===- QFTypes.td - qf types --------------------------------*- tablegen -*-===//

#ifndef QFORGE_DIALECT_QF_IR_QFTYPES_TD
#define QFORGE_DIALECT_QF_IR_QFTYPES_TD

include "qforge/Dialect/QF/IR/QFAttrs.td"

def QF_QTensorType : TypeDef<QF_Dialect, "QTensor"> {
  let mnemonic = "qtensor";
  let summary = "A quantized tensor: logical shape, expressed type, scheme, layout";
  let description = [{
    ```
    !qf.qtensor<64x128xf32, #qf.scheme<i4, axis = 1, group = 32>>
    !qf.qtensor<256x512xf32, #qf.scheme<i8, axis = 0>, #qf.layout<tile = [16, 4]>>
    ```
    The shape is static; the expressed type (`f32`, `f16` or `bf16`) is the
    float type the tensor dequantizes to. The value is one blob of bytes:
    codes, then scales, then zero points, then the tensor scale, each section
    16-byte aligned (docs/BlobLayout.md).
  }];
  let parameters = (ins
    ArrayRefParameter<"int64_t">:$shape,
    "::mlir::Type":$expressedType,
    "::mlir::qf::SchemeAttr":$scheme,
    "::mlir::qf::LayoutAttr":$layout
  );
  let builders = [
    TypeBuilderWithInferredContext<(ins "::llvm::ArrayRef<int64_t>":$shape,
        "::mlir::Type":$expressedType, "::mlir::qf::SchemeAttr":$scheme), [{
      return $_get(expressedType.getContext(), shape, expressedType, scheme,
                   ::mlir::qf::LayoutAttr());
    }]>
  ];
  let hasCustomAssemblyFormat = 1;
  let genVerifyDecl = 1;
  let skipDefaultBuilders = 0;
  let extraClassDeclaration = [{
    /// Shape, scheme and layout as plain data.
    ::qforge::TensorDesc getDesc() const;
    /// Sizes and offsets of the blob sections (valid types always have one).
    ::qforge::BlobLayout getBlobLayout() const;
    /// Shape of the scale / zero-point tensors.
    ::llvm::SmallVector<int64_t> getScaleShape() const;
    int64_t getRank() const { return getShape().size(); }
    int64_t getNumElements() const;
    /// The same tensor with another scheme / layout.
    QTensorType withScheme(::mlir::qf::SchemeAttr scheme) const;
    QTensorType withLayout(::mlir::qf::LayoutAttr layout) const;
    /// tensor<shape x expressedType>.
    ::mlir::RankedTensorType getExpressedTensorType() const;
  }];
}

def QF_QTensor : Type<CPred<"::llvm::isa<::mlir::qf::QTensorType>($_self)">,
                      "quantized tensor", "::mlir::qf::QTensorType">;

#endif // QFORGE_DIALECT_QF_IR_QFTYPES_TD
