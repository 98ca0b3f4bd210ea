//===- QFAttrs.cpp - qf attributes: parse, print, verify -------------------===//
//
// `#qf.scheme` maps one to one onto qforge::Scheme (plain C++); the checks of
// what a valid scheme is live in Scheme::verify() so the dialect and the
// algorithms agree on them.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/IR/QFAttrs.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace mlir::qf;

#define GET_ATTRDEF_CLASSES
#include "qforge/Dialect/QF/IR/QFAttrs.cpp.inc"

//===----------------------------------------------------------------------===//
// Conversions between MLIR types and the plain formats
//===----------------------------------------------------------------------===//

/// The element format of a storage type, or nullopt if it is not one of the
/// formats qf supports. Integer widths are not range-checked here.
static std::optional<qforge::ElementFormat> elementFormatOf(Type t) {
  if (auto it = dyn_cast<IntegerType>(t))
    return it.isUnsigned() ? qforge::ElementFormat::UInt
                           : qforge::ElementFormat::SInt;
  if (isa<Float8E4M3FNType>(t))
    return qforge::ElementFormat::F8E4M3FN;
  if (isa<Float8E5M2Type>(t))
    return qforge::ElementFormat::F8E5M2;
  if (isa<Float4E2M1FNType>(t))
    return qforge::ElementFormat::F4E2M1FN;
  return std::nullopt;
}

static std::optional<qforge::ScaleFormat> scaleFormatOf(Type t) {
  if (t.isF32())
    return qforge::ScaleFormat::F32;
  if (t.isF16())
    return qforge::ScaleFormat::F16;
  if (t.isBF16())
    return qforge::ScaleFormat::BF16;
  if (isa<Float8E8M0FNUType>(t))
    return qforge::ScaleFormat::E8M0;
  if (isa<Float8E4M3FNType>(t))
    return qforge::ScaleFormat::E4M3;
  return std::nullopt;
}

static Type storageTypeFor(MLIRContext *ctx, qforge::ElementFormat f,
                           unsigned bits) {
  switch (f) {
  case qforge::ElementFormat::SInt:
    return IntegerType::get(ctx, bits, IntegerType::Signed);
  case qforge::ElementFormat::UInt:
    return IntegerType::get(ctx, bits, IntegerType::Unsigned);
  case qforge::ElementFormat::F8E4M3FN:
    return Float8E4M3FNType::get(ctx);
  case qforge::ElementFormat::F8E5M2:
    return Float8E5M2Type::get(ctx);
  case qforge::ElementFormat::F4E2M1FN:
    return Float4E2M1FNType::get(ctx);
  }
  return {};
}

static Type scaleTypeFor(MLIRContext *ctx, qforge::ScaleFormat f) {
  switch (f) {
  case qforge::ScaleFormat::F32:
    return Float32Type::get(ctx);
  case qforge::ScaleFormat::F16:
    return Float16Type::get(ctx);
  case qforge::ScaleFormat::BF16:
    return BFloat16Type::get(ctx);
  case qforge::ScaleFormat::E8M0:
    return Float8E8M0FNUType::get(ctx);
  case qforge::ScaleFormat::E4M3:
    return Float8E4M3FNType::get(ctx);
  }
  return {};
}

//===----------------------------------------------------------------------===//
// SchemeAttr
//===----------------------------------------------------------------------===//

qforge::Scheme SchemeAttr::toScheme() const {
  qforge::Scheme s;
  s.format = elementFormatOf(getStorageType()).value_or(
      qforge::ElementFormat::SInt);
  s.bits = getStorageType().getIntOrFloatBitWidth();
  s.axis = getAxis();
  s.groupSize = getGroupSize();
  s.scaleFormat =
      scaleFormatOf(getScaleType()).value_or(qforge::ScaleFormat::F32);
  s.asymmetric = getAsymmetric();
  s.tensorScale = getTensorScale();
  s.rounding = getRounding();
  s.grid = getGrid();
  return s;
}

SchemeAttr SchemeAttr::fromScheme(MLIRContext *ctx,
                                  const qforge::Scheme &s) {
  if (!s.verify().empty() || s.bits > qforge::kMaxBits)
    return {};
  return SchemeAttr::get(ctx, storageTypeFor(ctx, s.format, s.bits), s.axis,
                         s.groupSize, scaleTypeFor(ctx, s.scaleFormat),
                         s.asymmetric, s.tensorScale, s.rounding, s.grid);
}

LogicalResult
SchemeAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                   Type storageType, int64_t axis, int64_t groupSize,
                   Type scaleType, bool asymmetric, bool tensorScale,
                   qforge::RoundingMode rounding, qforge::IntegerGrid grid) {
  if (!storageType || !elementFormatOf(storageType))
    return emitError() << "unsupported element format " << storageType
                       << " (expected iN, uN, f8E4M3FN, f8E5M2 or f4E2M1FN)";
  if (!scaleType || !scaleFormatOf(scaleType))
    return emitError() << "unsupported scale type " << scaleType
                       << " (expected f32, f16, bf16, f8E8M0FNU or f8E4M3FN)";
  if (axis < -1)
    return emitError() << "axis " << axis << " must be non-negative";
  unsigned width = storageType.getIntOrFloatBitWidth();
  if (isa<IntegerType>(storageType) &&
      (width < 1 || width > qforge::kMaxBits))
    return emitError() << "element width " << width
                       << " is out of range [1, " << qforge::kMaxBits << "]";
  qforge::Scheme s;
  s.format = *elementFormatOf(storageType);
  s.bits = width;
  s.axis = axis;
  s.groupSize = groupSize;
  s.scaleFormat = *scaleFormatOf(scaleType);
  s.asymmetric = asymmetric;
  s.tensorScale = tensorScale;
  s.rounding = rounding;
  s.grid = grid;
  std::string err = s.verify();
  if (!err.empty())
    return emitError() << err;
  return success();
}

/// Parses the element format: a builtin type (`i4`, `si4`, `ui4`,
/// `f8E4M3FN`, ...) or the keyword `uN`.
static ParseResult parseElementFormat(AsmParser &parser, Type &type) {
  SMLoc loc = parser.getCurrentLocation();
  OptionalParseResult typeResult = parser.parseOptionalType(type);
  if (typeResult.has_value()) {
    if (failed(*typeResult))
      return failure();
    if (auto it = dyn_cast<IntegerType>(type); it && it.isSignless())
      type = IntegerType::get(parser.getContext(), it.getWidth(),
                              IntegerType::Signed);
    return success();
  }
  StringRef kw;
  if (failed(parser.parseOptionalKeyword(&kw)))
    return parser.emitError(loc, "expected an element format (iN, uN, "
                                 "f8E4M3FN, f8E5M2, f4E2M1FN)");
  unsigned width = 0;
  if (!kw.consume_front("u") || kw.getAsInteger(10, width))
    return parser.emitError(loc, "unknown element format '") << kw << "'";
  if (width < 1 || width > qforge::kMaxBits)
    return parser.emitError(loc, "element width ")
           << width << " is out of range [1, " << qforge::kMaxBits << "]";
  type = IntegerType::get(parser.getContext(), width, IntegerType::Unsigned);
  return success();
}

/// Parses `= NAME`, NAME one of `values` as qforge::toString spells them;
/// otherwise an error "unknown WHAT 'NAME' (expected a, b or c)".
template <typename Enum>
static std::optional<Enum> parseNamedValue(AsmParser &parser,
                                           ArrayRef<Enum> values,
                                           StringRef what) {
  StringRef name;
  SMLoc loc;
  if (parser.parseEqual() ||
      (loc = parser.getCurrentLocation(), parser.parseKeyword(&name)))
    return std::nullopt;
  std::string expected;
  for (size_t i = 0; i < values.size(); ++i) {
    if (name == qforge::toString(values[i]))
      return values[i];
    expected += (i == 0 ? "" : i + 1 == values.size() ? " or " : ", ");
    expected += qforge::toString(values[i]);
  }
  parser.emitError(loc, "unknown ")
      << what << " '" << name << "' (expected " << expected << ")";
  return std::nullopt;
}

Attribute SchemeAttr::parse(AsmParser &parser, Type) {
  MLIRContext *ctx = parser.getContext();
  SMLoc loc = parser.getCurrentLocation();
  Type storageType;
  if (parser.parseLess() || parseElementFormat(parser, storageType))
    return {};
  int64_t axis = -1, groupSize = 0;
  Type scaleType = Float32Type::get(ctx);
  bool asym = false, tensorScale = false;
  qforge::RoundingMode rounding = qforge::RoundingMode::NearestEven;
  qforge::IntegerGrid grid = qforge::IntegerGrid::Full;
  llvm::StringSet<> seen;
  while (succeeded(parser.parseOptionalComma())) {
    SMLoc keyLoc = parser.getCurrentLocation();
    StringRef key;
    if (parser.parseKeyword(&key))
      return {};
    if (!seen.insert(key).second) {
      parser.emitError(keyLoc, "scheme parameter '") << key << "' given twice";
      return {};
    }
    if (key == "asym") {
      asym = true;
    } else if (key == "tensor_scale") {
      tensorScale = true;
    } else if (key == "axis" || key == "group") {
      int64_t value;
      SMLoc valueLoc;
      if (parser.parseEqual() ||
          (valueLoc = parser.getCurrentLocation(), parser.parseInteger(value)))
        return {};
      if (key == "axis" && value < 0) {
        parser.emitError(valueLoc, "axis ") << value << " must be non-negative";
        return {};
      }
      if (key == "group" && value <= 0) {
        parser.emitError(valueLoc, "group size ") << value
                                                  << " must be positive";
        return {};
      }
      (key == "axis" ? axis : groupSize) = value;
    } else if (key == "scale") {
      if (parser.parseEqual() || parser.parseType(scaleType))
        return {};
    } else if (key == "round") {
      std::optional<qforge::RoundingMode> m = parseNamedValue(
          parser,
          ArrayRef<qforge::RoundingMode>{qforge::RoundingMode::NearestEven,
                                         qforge::RoundingMode::NearestAway,
                                         qforge::RoundingMode::TowardZero},
          "rounding mode");
      if (!m)
        return {};
      rounding = *m;
    } else if (key == "grid") {
      std::optional<qforge::IntegerGrid> g = parseNamedValue(
          parser,
          ArrayRef<qforge::IntegerGrid>{qforge::IntegerGrid::Full,
                                        qforge::IntegerGrid::Narrow,
                                        qforge::IntegerGrid::Odd},
          "integer grid");
      if (!g)
        return {};
      grid = *g;
    } else {
      parser.emitError(keyLoc, "unknown scheme parameter '")
          << key
          << "' (expected grid, axis, group, scale, asym, tensor_scale or "
             "round)";
      return {};
    }
  }
  if (parser.parseGreater())
    return {};
  return SchemeAttr::getChecked([&] { return parser.emitError(loc); }, ctx,
                                storageType, axis, groupSize, scaleType, asym,
                                tensorScale, rounding, grid);
}

void SchemeAttr::print(AsmPrinter &printer) const {
  raw_ostream &os = printer.getStream();
  os << "<";
  if (auto it = dyn_cast<IntegerType>(getStorageType()))
    os << (it.isUnsigned() ? "u" : "i") << it.getWidth();
  else
    printer.printType(getStorageType());
  if (getGrid() != qforge::IntegerGrid::Full)
    os << ", grid = " << qforge::toString(getGrid());
  if (getAxis() >= 0)
    os << ", axis = " << getAxis();
  if (getGroupSize() > 0)
    os << ", group = " << getGroupSize();
  if (!getScaleType().isF32()) {
    os << ", scale = ";
    printer.printType(getScaleType());
  }
  if (getAsymmetric())
    os << ", asym";
  if (getTensorScale())
    os << ", tensor_scale";
  if (getRounding() != qforge::RoundingMode::NearestEven)
    os << ", round = " << qforge::toString(getRounding());
  os << ">";
}

//===----------------------------------------------------------------------===//
// LayoutAttr
//===----------------------------------------------------------------------===//

LogicalResult LayoutAttr::verify(function_ref<InFlightDiagnostic()> emitError,
                                 ArrayRef<int64_t> tile) {
  if (tile.size() != 2)
    return emitError() << "a tiled layout has 2 tile sizes (the last two "
                          "dimensions), got "
                       << tile.size();
  for (auto [i, t] : llvm::enumerate(tile))
    if (t < 1)
      return emitError() << "tile size " << i << " is " << t
                         << ", must be positive";
  return success();
}

//===----------------------------------------------------------------------===//
// Registration
//===----------------------------------------------------------------------===//

void QFDialect::registerAttributes() {
  addAttributes<
#define GET_ATTRDEF_LIST
#include "qforge/Dialect/QF/IR/QFAttrs.cpp.inc"
      >();
}
