//===- QFTypes.cpp - !qf.qtensor: parse, print, verify ---------------------===//

#include "qforge/Dialect/QF/IR/QFTypes.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qf;

#define GET_TYPEDEF_CLASSES
#include "qforge/Dialect/QF/IR/QFTypes.cpp.inc"

static qforge::TensorDesc makeDesc(ArrayRef<int64_t> shape, SchemeAttr scheme,
                                   LayoutAttr layout) {
  qforge::TensorDesc d;
  d.shape.assign(shape.begin(), shape.end());
  d.scheme = scheme.toScheme();
  if (layout)
    d.layout.tile.assign(layout.getTile().begin(), layout.getTile().end());
  return d;
}

qforge::TensorDesc QTensorType::getDesc() const {
  return makeDesc(getShape(), getScheme(), getLayout());
}

qforge::BlobLayout QTensorType::getBlobLayout() const {
  // The verifier guarantees the layout exists for every constructed type.
  return qforge::computeBlobLayout(getDesc()).value_or(qforge::BlobLayout());
}

SmallVector<int64_t> QTensorType::getScaleShape() const {
  std::vector<int64_t> s = qforge::scaleShape(
      getScheme().toScheme(), std::vector<int64_t>(getShape().begin(),
                                                   getShape().end()));
  return SmallVector<int64_t>(s.begin(), s.end());
}

int64_t QTensorType::getNumElements() const {
  return qforge::checkedNumElements(getDesc().shape).value_or(0);
}

QTensorType QTensorType::withScheme(SchemeAttr scheme) const {
  return QTensorType::get(getContext(), getShape(), getExpressedType(), scheme,
                          getLayout());
}

QTensorType QTensorType::withLayout(LayoutAttr layout) const {
  return QTensorType::get(getContext(), getShape(), getExpressedType(),
                          getScheme(), layout);
}

RankedTensorType QTensorType::getExpressedTensorType() const {
  return RankedTensorType::get(getShape(), getExpressedType());
}

LogicalResult
QTensorType::verify(function_ref<InFlightDiagnostic()> emitError,
                    ArrayRef<int64_t> shape, Type expressedType,
                    SchemeAttr scheme, LayoutAttr layout) {
  if (!expressedType ||
      !(expressedType.isF32() || expressedType.isF16() ||
        expressedType.isBF16()))
    return emitError() << "expressed type must be f32, f16 or bf16, got "
                       << expressedType;
  if (!scheme)
    return emitError() << "a quantized tensor needs a #qf.scheme";
  for (auto [i, d] : llvm::enumerate(shape)) {
    if (ShapedType::isDynamic(d))
      return emitError() << "dimension " << i
                         << " is dynamic; quantized tensors have static shapes";
    if (d < 1)
      return emitError() << "dimension " << i << " has size " << d
                         << ", must be positive";
  }
  qforge::TensorDesc desc = makeDesc(shape, scheme, layout);
  std::string err = desc.verify(/*requireDivisibleGroups=*/true);
  if (err.empty() && !qforge::computeBlobLayout(desc, &err))
    err = err.empty() ? "quantized tensor is too large" : err;
  if (!err.empty())
    return emitError() << err;
  return success();
}

/// `!qf.qtensor<DIMSxEXPRESSED, #qf.scheme<...>[, #qf.layout<...>]>`
Type QTensorType::parse(AsmParser &parser) {
  SMLoc loc = parser.getCurrentLocation();
  SmallVector<int64_t> shape;
  Type expressed;
  Attribute schemeAttr, layoutAttr;
  if (parser.parseLess() ||
      parser.parseDimensionList(shape, /*allowDynamic=*/false,
                                /*withTrailingX=*/true) ||
      parser.parseType(expressed) || parser.parseComma())
    return {};
  SMLoc schemeLoc = parser.getCurrentLocation();
  if (parser.parseAttribute(schemeAttr))
    return {};
  auto scheme = dyn_cast<SchemeAttr>(schemeAttr);
  if (!scheme) {
    parser.emitError(schemeLoc, "expected a #qf.scheme attribute, got ")
        << schemeAttr;
    return {};
  }
  LayoutAttr layout;
  if (succeeded(parser.parseOptionalComma())) {
    SMLoc layoutLoc = parser.getCurrentLocation();
    if (parser.parseAttribute(layoutAttr))
      return {};
    layout = dyn_cast<LayoutAttr>(layoutAttr);
    if (!layout) {
      parser.emitError(layoutLoc, "expected a #qf.layout attribute, got ")
          << layoutAttr;
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  return QTensorType::getChecked([&] { return parser.emitError(loc); },
                                 parser.getContext(), shape, expressed, scheme,
                                 layout);
}

void QTensorType::print(AsmPrinter &printer) const {
  raw_ostream &os = printer.getStream();
  os << "<";
  for (int64_t d : getShape())
    os << d << "x";
  printer.printType(getExpressedType());
  os << ", ";
  printer.printAttribute(getScheme());
  if (getLayout()) {
    os << ", ";
    printer.printAttribute(getLayout());
  }
  os << ">";
}

void QFDialect::registerTypes() {
  addTypes<
#define GET_TYPEDEF_LIST
#include "qforge/Dialect/QF/IR/QFTypes.cpp.inc"
      >();
}
