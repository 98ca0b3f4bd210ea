//===- ONNXImporter.cpp - ONNX models to MLIR on tensors ------------------===//
//
// Parses an onnx.ModelProto with ONNX's C++ protobuf classes and builds
// func.func @main on tensors. Each supported operator becomes linalg /
// tensor / arith / math ops (qf ops for QDQ operators) with static shapes
// computed here (no reliance on the model's value_info). Initializers and
// Constant nodes are kept as plain data until an op uses them as a value;
// nodes whose inputs are all data (shape arithmetic, Shape of a static
// tensor, constant reshapes and gathers) are evaluated at import time.
//
// Everything that can go wrong is checked explicitly (no exceptions, no
// ONNX checker): the importer returns null and an error message.
//
// This file holds the model-level logic, tensors, the building blocks
// shared by the operator files and the operator table.
//
//===----------------------------------------------------------------------===//

#include "ONNXImporterImpl.h"

#include "qforge/Dialect/QF/IR/QFDialect.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>
#include <limits>

using namespace mlir;

namespace qforge::onnx_import {

/// Float constants up to this many elements are printed as literals.
constexpr size_t kMaxLiteralElements = 8;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

bool ConstTensor::isFloat() const { return dtype == onnx::TensorProto::FLOAT; }

bool ConstTensor::isInteger() const {
  switch (dtype) {
  case onnx::TensorProto::INT64:
  case onnx::TensorProto::INT32:
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
  case onnx::TensorProto::BOOL:
    return true;
  default:
    return false;
  }
}

int64_t ConstTensor::size() const {
  return isFloat() ? int64_t(f32.size()) : int64_t(i64.size());
}

int64_t numElements(ArrayRef<int64_t> dims) {
  int64_t n = 1;
  bool empty = false;
  for (int64_t d : dims) {
    if (d < 0)
      return -1;
    if (d == 0) {
      empty = true;
      continue;
    }
    if (n > kMaxElements / d)
      return -1;
    n *= d;
  }
  return empty ? 0 : n;
}

std::string shapeStr(ArrayRef<int64_t> dims) {
  if (dims.empty())
    return "scalar";
  std::string s;
  for (auto [i, d] : llvm::enumerate(dims))
    s += (i ? "x" : "") + std::to_string(d);
  return s;
}

int64_t normAxis(int64_t axis, int64_t rank) {
  if (axis < 0)
    axis += rank;
  return axis < 0 || axis >= rank ? -1 : axis;
}

std::string dtypeName(int32_t dtype) {
  if (!onnx::TensorProto::DataType_IsValid(dtype))
    return "unknown data type " + std::to_string(dtype);
  return onnx::TensorProto::DataType_Name(onnx::TensorProto::DataType(dtype));
}

const onnx::AttributeProto *findAttr(const onnx::NodeProto &node,
                                     StringRef name) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

std::string nodeName(const onnx::NodeProto &node) {
  return node.name().empty() ? node.op_type() : node.name();
}

ArrayRef<int64_t> shapeOf(Value v) {
  return cast<RankedTensorType>(v.getType()).getShape();
}

mlir::Type elementTypeOf(Builder &b, int32_t dtype) {
  switch (dtype) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::INT64:
    return b.getI64Type();
  case onnx::TensorProto::INT32:
    return b.getI32Type();
  case onnx::TensorProto::INT8:
  case onnx::TensorProto::UINT8:
    return b.getI8Type();
  default:
    return {};
  }
}

/// The name of an attribute type ("INT", "FLOATS", ...) for messages.
static std::string attrTypeName(onnx::AttributeProto::AttributeType type) {
  if (!onnx::AttributeProto::AttributeType_IsValid(type))
    return "unknown type " + std::to_string(int(type));
  return onnx::AttributeProto::AttributeType_Name(type);
}

Importer::Importer(MLIRContext &ctx, StringRef fileName,
                   const qforge::ONNXImportOptions &options,
                   std::string &error)
    : ctx(ctx), b(&ctx), options(options), error(error),
      fileLoc(FileLineColLoc::get(&ctx, fileName, 0, 0)) {}

//===----------------------------------------------------------------------===//
// Diagnostics and attributes
//===----------------------------------------------------------------------===//

LogicalResult Importer::fail(const onnx::NodeProto &node, const Twine &msg) {
  error = ("node '" + nodeName(node) + "' (" + node.op_type() + "): " + msg)
              .str();
  return failure();
}

LogicalResult Importer::checkResultShape(const onnx::NodeProto &node,
                                         ArrayRef<int64_t> shape) {
  if (numElements(shape) >= 0)
    return success();
  return fail(node, "result shape " + shapeStr(shape) +
                        " is too large (more than " + Twine(kMaxElements) +
                        " elements)");
}

LogicalResult Importer::checkAttrType(const onnx::NodeProto &node,
                                      const onnx::AttributeProto &a,
                                      onnx::AttributeProto::AttributeType type) {
  if (a.type() == type)
    return success();
  return fail(node, "attribute '" + a.name() + "' must be " +
                        attrTypeName(type) + ", got " +
                        attrTypeName(a.type()));
}

LogicalResult Importer::intAttr(const onnx::NodeProto &node, StringRef name,
                                int64_t dflt, int64_t &out) {
  out = dflt;
  const onnx::AttributeProto *a = findAttr(node, name);
  if (!a)
    return success();
  if (failed(checkAttrType(node, *a, onnx::AttributeProto::INT)))
    return failure();
  out = a->i();
  return success();
}

LogicalResult Importer::requiredIntAttr(const onnx::NodeProto &node,
                                        StringRef name, int64_t &out) {
  if (!findAttr(node, name))
    return fail(node, "attribute '" + name + "' is required");
  return intAttr(node, name, 0, out);
}

LogicalResult Importer::floatAttr(const onnx::NodeProto &node, StringRef name,
                                  float dflt, float &out) {
  out = dflt;
  const onnx::AttributeProto *a = findAttr(node, name);
  if (!a)
    return success();
  if (failed(checkAttrType(node, *a, onnx::AttributeProto::FLOAT)))
    return failure();
  out = a->f();
  return success();
}

LogicalResult Importer::checkNewName(const onnx::NodeProto &node,
                                     StringRef name) {
  if (name.empty())
    return fail(node, "its output has an empty name");
  if (values.count(name) || consts.count(name))
    return fail(node, "output '" + name + "' is already defined");
  return success();
}

LogicalResult Importer::stringAttr(const onnx::NodeProto &node, StringRef name,
                                   StringRef dflt, std::string &out) {
  out = dflt.str();
  const onnx::AttributeProto *a = findAttr(node, name);
  if (!a)
    return success();
  if (failed(checkAttrType(node, *a, onnx::AttributeProto::STRING)))
    return failure();
  out = a->s();
  return success();
}

LogicalResult Importer::intsAttr(const onnx::NodeProto &node, StringRef name,
                                 SmallVector<int64_t> &out, bool *present) {
  const onnx::AttributeProto *a = findAttr(node, name);
  if (present)
    *present = a != nullptr;
  if (!a)
    return success();
  if (failed(checkAttrType(node, *a, onnx::AttributeProto::INTS)))
    return failure();
  out.assign(a->ints().begin(), a->ints().end());
  return success();
}

LogicalResult Importer::expectF32(const onnx::NodeProto &node, Value v,
                                  StringRef what) {
  auto type = dyn_cast<RankedTensorType>(v.getType());
  if (type && type.getElementType().isF32())
    return success();
  return fail(node, what + " must be a float32 tensor, got " +
                        (type ? "element type " : "") +
                        (type ? [&] {
                          std::string s;
                          llvm::raw_string_ostream os(s);
                          os << type.getElementType();
                          return s;
                        }()
                              : std::string("a quantized tensor")));
}

//===----------------------------------------------------------------------===//
// Model, tensors, graph inputs
//===----------------------------------------------------------------------===//

LogicalResult Importer::checkModel(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx")
      opset = id.version();
  if (opset == 0) {
    error = "the model imports no opset of the default domain (ai.onnx)";
    return failure();
  }
  if (opset < 7 || opset > 21) {
    error = "opset " + std::to_string(opset) +
            " of ai.onnx is not supported (need 7 to 21)";
    return failure();
  }
  // Collect every node that cannot be converted, so that one message
  // lists them all.
  std::string bad;
  unsigned count = 0;
  for (auto [i, node] : llvm::enumerate(model.graph().node())) {
    std::string name =
        node.name().empty() ? "#" + std::to_string(i) : "'" + node.name() + "'";
    if (!node.domain().empty() && node.domain() != "ai.onnx") {
      bad += "\n  " + node.op_type() + " " + name + " (domain '" +
             node.domain() + "')";
      ++count;
    } else if (node.op_type() != "Constant" && !lookupOp(node.op_type())) {
      bad += "\n  " + node.op_type() + " " + name;
      ++count;
    }
  }
  if (count) {
    error = std::to_string(count) + " unsupported operator" +
            (count == 1 ? "" : "s") + " (op type, node):" + bad;
    return failure();
  }
  return success();
}

/// Reads `n` elements of `raw` (little-endian `T`) or of the repeated field
/// `typed` into `out`, converting to `U`.
template <typename T, typename U, typename Field>
static LogicalResult readData(const std::string &raw, const Field &typed,
                              int64_t n, std::vector<U> &out,
                              const std::function<LogicalResult(
                                  const Twine &)> &err) {
  if (!raw.empty()) {
    if (raw.size() != size_t(n) * sizeof(T))
      return err("raw data of " + Twine(raw.size()) + " bytes, expected " +
                 Twine(n * int64_t(sizeof(T))));
    out.resize(n);
    for (int64_t i = 0; i < n; ++i) {
      T v;
      std::memcpy(&v, raw.data() + i * sizeof(T), sizeof(T));
      out[i] = U(v);
    }
    return success();
  }
  if (typed.size() != n)
    return err(Twine(typed.size()) + " values, expected " + Twine(n));
  out.assign(typed.begin(), typed.end());
  return success();
}

LogicalResult Importer::readTensor(const onnx::TensorProto &t, StringRef what,
                                   ConstTensor &out) {
  std::function<LogicalResult(const Twine &)> err = [&](const Twine &msg) {
    error = (what + " '" + t.name() + "': " + msg).str();
    return failure();
  };
  if (t.data_location() == onnx::TensorProto::EXTERNAL)
    return err("external data is not supported");
  out.dtype = t.data_type();
  out.dims.assign(t.dims().begin(), t.dims().end());
  int64_t n = numElements(out.dims);
  if (n < 0)
    return err("invalid or too large shape");
  const std::string &raw = t.raw_data();
  using TP = onnx::TensorProto;
  LogicalResult ok = success();
  switch (out.dtype) {
  case TP::FLOAT:
    ok = readData<float>(raw, t.float_data(), n, out.f32, err);
    break;
  case TP::INT64:
    ok = readData<int64_t>(raw, t.int64_data(), n, out.i64, err);
    break;
  // INT32, INT8, UINT8 and BOOL travel in int32_data when not raw.
  case TP::INT32:
    ok = readData<int32_t>(raw, t.int32_data(), n, out.i64, err);
    break;
  case TP::INT8:
    ok = readData<int8_t>(raw, t.int32_data(), n, out.i64, err);
    break;
  case TP::UINT8:
  case TP::BOOL:
    ok = readData<uint8_t>(raw, t.int32_data(), n, out.i64, err);
    break;
  default:
    // Other data types are kept (without data) and rejected where used.
    break;
  }
  if (failed(ok))
    return failure();
  // Typed fields hold int32 for the narrow types: check their range.
  auto check = [&](int64_t lo, int64_t hi) -> LogicalResult {
    for (int64_t v : out.i64)
      if (v < lo || v > hi)
        return err("value " + Twine(v) + " out of range for " +
                   dtypeName(out.dtype));
    return success();
  };
  if (out.dtype == TP::INT8)
    return check(-128, 127);
  if (out.dtype == TP::UINT8)
    return check(0, 255);
  if (out.dtype == TP::BOOL)
    return check(0, 1);
  return success();
}

LogicalResult Importer::graphType(const onnx::ValueInfoProto &info,
                                  StringRef what, RankedTensorType &type,
                                  int32_t &dtype, bool allowDynamic) {
  auto err = [&](const Twine &msg) {
    error = (what + " '" + info.name() + "': " + msg).str();
    return failure();
  };
  if (!info.type().has_tensor_type())
    return err("not a tensor");
  const onnx::TypeProto::Tensor &tt = info.type().tensor_type();
  dtype = tt.elem_type();
  Type elementType = elementTypeOf(b, dtype);
  if (!elementType)
    return err("element type " + dtypeName(dtype) +
               " is not supported (float32, int64, int32, int8, uint8)");
  if (!tt.has_shape())
    return err("no shape (only static shapes are supported)");
  SmallVector<int64_t> dims;
  for (auto [i, d] : llvm::enumerate(tt.shape().dim())) {
    if (d.has_dim_value() && d.dim_value() < 0)
      return err("dimension " + Twine(i) + " is negative (" +
                 Twine(d.dim_value()) + ")");
    if (d.has_dim_value()) {
      dims.push_back(d.dim_value());
    } else if (i == 0 && options.batch > 0) {
      dims.push_back(options.batch);
    } else if (allowDynamic) {
      dims.push_back(ShapedType::kDynamic);
    } else {
      std::string sym = d.has_dim_param() ? " '" + d.dim_param() + "'" : "";
      return err("dimension " + Twine(i) + sym +
                 " is dynamic (only static shapes are supported" +
                 (i == 0 ? "; --batch N sets a symbolic first dimension" : "") +
                 ")");
    }
  }
  if (numElements(llvm::map_to_vector(dims, [](int64_t d) {
        return ShapedType::isDynamic(d) ? int64_t(1) : d;
      })) < 0)
    return err("shape too large");
  type = RankedTensorType::get(dims, elementType);
  return success();
}

const ConstTensor *Importer::constData(StringRef name) const {
  auto it = consts.find(name);
  return it == consts.end() ? nullptr : &it->second;
}

Value Importer::materialize(const ConstTensor &c, StringRef name,
                            Location loc) {
  Type elementType = elementTypeOf(b, c.dtype);
  auto type = RankedTensorType::get(c.dims, elementType);
  if (!c.isFloat()) {
    // Integer data (indices, codes): a literal of the integer type.
    SmallVector<APInt> vals;
    unsigned width = elementType.getIntOrFloatBitWidth();
    for (int64_t v : c.i64)
      vals.push_back(APInt(width, uint64_t(v), /*isSigned=*/true,
                           /*implicitTrunc=*/true));
    return arith::ConstantOp::create(b, loc, type,
                                     DenseElementsAttr::get(type, vals));
  }
  // Small float constants (scalars, short vectors) stay readable literals;
  // larger ones become dense_resource blobs, never huge text literals.
  if (c.f32.size() <= kMaxLiteralElements)
    return arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, ArrayRef<float>(c.f32)));
  std::string key;
  for (char ch : name)
    key += llvm::isAlnum(ch) || ch == '_' || ch == '.' ? ch : '_';
  if (key.empty() || !llvm::isAlpha(key[0]))
    key = "t_" + key;
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(
      ArrayRef<float>(c.f32));
  auto attr = DenseResourceElementsAttr::get(type, key, std::move(blob));
  return arith::ConstantOp::create(b, loc, type, attr);
}

FailureOr<Value> Importer::get(const onnx::NodeProto &node, StringRef name) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  const ConstTensor *c = constData(name);
  if (!c) {
    (void)fail(node, "input '" + name + "' is not defined before this node");
    return failure();
  }
  if (!c->hasData() || (!c->isFloat() && c->dtype != onnx::TensorProto::INT64 &&
                        c->dtype != onnx::TensorProto::INT32)) {
    (void)fail(node, "tensor '" + name + "' has element type " +
                         dtypeName(c->dtype) +
                         ", which this operator does not take here");
    return failure();
  }
  Value v = materialize(*c, name, NameLoc::get(b.getStringAttr(name), fileLoc));
  values[name] = v;
  return v;
}

FailureOr<const ConstTensor *> Importer::getData(const onnx::NodeProto &node,
                                                 StringRef name,
                                                 StringRef what) {
  const ConstTensor *c = constData(name);
  if (!c || !c->hasData()) {
    (void)fail(node, what + " '" + name +
                         "' must be constant (an initializer or computed "
                         "from constants)" +
                         (c ? " of a supported data type, got " +
                                  dtypeName(c->dtype)
                            : std::string()));
    return failure();
  }
  return c;
}

FailureOr<const ConstTensor *> Importer::getConst(const onnx::NodeProto &node,
                                                  StringRef name) {
  const ConstTensor *c = constData(name);
  if (!c || c->dtype != onnx::TensorProto::INT64) {
    (void)fail(node, "input '" + name +
                         "' must be a constant int64 tensor (an initializer "
                         "or computed from constants)");
    return failure();
  }
  return c;
}

LogicalResult Importer::optionalInts(const onnx::NodeProto &node, int index,
                                     SmallVector<int64_t> &out,
                                     bool &present) {
  present = index < node.input_size() && !node.input(index).empty();
  if (!present)
    return success();
  auto c = getConst(node, node.input(index));
  if (failed(c))
    return failure();
  if ((*c)->dims.size() > 1)
    return fail(node, "input '" + node.input(index) + "' must be 1-D");
  out.assign((*c)->i64.begin(), (*c)->i64.end());
  return success();
}

//===----------------------------------------------------------------------===//
// Building blocks
//===----------------------------------------------------------------------===//

Value Importer::emptyLike(Location loc, ArrayRef<int64_t> shape,
                          Type elementType) {
  return tensor::EmptyOp::create(b, loc, shape,
                                 elementType ? elementType : f32());
}

Value Importer::f32Const(Location loc, float v) {
  return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
}

Value Importer::fill(Location loc, ArrayRef<int64_t> shape, float value) {
  Value init = emptyLike(loc, shape);
  return linalg::FillOp::create(b, loc, ValueRange{f32Const(loc, value)},
                                ValueRange{init})
      ->getResult(0);
}

Value Importer::reduce(Location loc, Value v, ArrayRef<int64_t> axes,
                       bool max) {
  ArrayRef<int64_t> s = shapeOf(v);
  SmallVector<int64_t> outShape;
  for (auto [i, d] : llvm::enumerate(s))
    if (!llvm::is_contained(axes, int64_t(i)))
      outShape.push_back(d);
  Value init =
      fill(loc, outShape, max ? -std::numeric_limits<float>::infinity() : 0.f);
  return linalg::ReduceOp::create(
             b, loc, ValueRange{v}, ValueRange{init}, axes,
             [&](OpBuilder &nb, Location nl, ValueRange args) {
               Value r =
                   max ? Value(arith::MaximumFOp::create(nb, nl, args[0],
                                                         args[1]))
                       : Value(arith::AddFOp::create(nb, nl, args[0],
                                                     args[1]));
               linalg::YieldOp::create(nb, nl, r);
             })
      ->getResult(0);
}

Value Importer::mean(Location loc, Value v, ArrayRef<int64_t> axes) {
  ArrayRef<int64_t> s = shapeOf(v);
  int64_t count = 1;
  SmallVector<int64_t> keptShape(s);
  for (int64_t a : axes) {
    count *= s[a];
    keptShape[a] = 1;
  }
  Value sum = reduce(loc, v, axes, /*max=*/false);
  SmallVector<int64_t> sumShape(shapeOf(sum));
  float inv = 1.0f / float(count);
  Value m = elementwise(loc, sum, sumShape,
                        [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                          // Divide (not multiply by 1/n), as numpy does.
                          return arith::DivFOp::create(
                              nb, nl, a[0],
                              arith::ConstantOp::create(
                                  nb, nl, nb.getF32FloatAttr(float(count))));
                        });
  (void)inv;
  return reshapeTo(loc, m, keptShape);
}

FailureOr<SmallVector<int64_t>>
Importer::broadcastShape(const onnx::NodeProto &node, ArrayRef<Value> ins) {
  SmallVector<SmallVector<int64_t>> shapes;
  for (Value v : ins)
    shapes.emplace_back(shapeOf(v));
  return broadcastShapes(node, shapes);
}

FailureOr<SmallVector<int64_t>>
Importer::broadcastShapes(const onnx::NodeProto &node,
                          ArrayRef<SmallVector<int64_t>> shapes) {
  SmallVector<int64_t> out;
  for (ArrayRef<int64_t> s : shapes) {
    if (s.size() > out.size())
      out.insert(out.begin(), s.size() - out.size(), 1);
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t &o = out[out.size() - s.size() + i];
      if (s[i] == o || s[i] == 1)
        continue;
      if (o != 1) {
        std::string list;
        for (ArrayRef<int64_t> w : shapes)
          list += " " + shapeStr(w);
        (void)fail(node, "shapes do not broadcast:" + list);
        return failure();
      }
      o = s[i];
    }
  }
  if (failed(checkResultShape(node, out)))
    return failure();
  return out;
}

/// A linalg.generic over `outShape` that reads each of `ins` with numpy
/// broadcasting (size-1 and missing leading dimensions repeat) and yields
/// `body` of their elements.
Value Importer::elementwise(Location loc, ArrayRef<Value> ins,
                            ArrayRef<int64_t> outShape, const BodyFn &body,
                            Type elementType) {
  unsigned rank = outShape.size();
  SmallVector<AffineMap> maps;
  for (Value v : ins) {
    ArrayRef<int64_t> s = cast<RankedTensorType>(v.getType()).getShape();
    SmallVector<AffineExpr> exprs;
    for (size_t i = 0; i < s.size(); ++i) {
      unsigned d = rank - s.size() + i;
      exprs.push_back(s[i] == 1 && outShape[d] != 1
                          ? getAffineConstantExpr(0, &ctx)
                          : getAffineDimExpr(d, &ctx));
    }
    maps.push_back(AffineMap::get(rank, 0, exprs, &ctx));
  }
  maps.push_back(AffineMap::getMultiDimIdentityMap(rank, &ctx));
  SmallVector<utils::IteratorType> iters(rank, utils::IteratorType::parallel);
  Value init = emptyLike(loc, outShape, elementType);
  auto op = linalg::GenericOp::create(
      b, loc, TypeRange{init.getType()}, ins, ValueRange{init}, maps, iters,
      [&](OpBuilder &nb, Location nl, ValueRange args) {
        Value r = body(nb, nl, args.drop_back());
        linalg::YieldOp::create(nb, nl, r);
      });
  return op->getResult(0);
}

/// Reshapes a static tensor `v` (same element count) to `shape` by
/// collapsing it to one dimension and expanding it again.
Value Importer::reshapeTo(Location loc, Value v, ArrayRef<int64_t> shape) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getShape() == shape)
    return v;
  auto all = [](int64_t rank) {
    ReassociationIndices r;
    for (int64_t i = 0; i < rank; ++i)
      r.push_back(i);
    return SmallVector<ReassociationIndices>{r};
  };
  Value flat = v;
  if (type.getRank() != 1) {
    auto flatType = RankedTensorType::get({type.getNumElements()},
                                          type.getElementType());
    // A 0-d tensor is expanded to [1] (an empty reassociation), any other
    // rank collapsed.
    if (type.getRank() == 0)
      flat = tensor::ExpandShapeOp::create(b, loc, flatType, v,
                                           SmallVector<ReassociationIndices>{});
    else
      flat = tensor::CollapseShapeOp::create(b, loc, flatType, v,
                                             all(type.getRank()));
  }
  if (shape.size() == 1)
    return flat;
  auto outType = RankedTensorType::get(shape, type.getElementType());
  if (shape.empty())
    return tensor::CollapseShapeOp::create(
        b, loc, outType, flat, SmallVector<ReassociationIndices>{});
  return tensor::ExpandShapeOp::create(b, loc, outType, flat,
                                       all(shape.size()));
}

Value Importer::transpose(Location loc, Value v, ArrayRef<int64_t> perm) {
  ArrayRef<int64_t> s = cast<RankedTensorType>(v.getType()).getShape();
  SmallVector<int64_t> shape;
  for (int64_t p : perm)
    shape.push_back(s[p]);
  Value init = emptyLike(loc, shape);
  return linalg::TransposeOp::create(b, loc, v, init, perm)->getResult(0);
}

/// A 2-D matmul [M, K] x [K, N] -> [M, N] accumulating from zero.
Value Importer::matmul(Location loc, Value a, Value bm) {
  int64_t m = cast<RankedTensorType>(a.getType()).getDimSize(0);
  int64_t n = cast<RankedTensorType>(bm.getType()).getDimSize(1);
  Value init = emptyLike(loc, {m, n});
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  Value filled =
      linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{init})
          ->getResult(0);
  return linalg::MatmulOp::create(b, loc, TypeRange{init.getType()},
                                  ValueRange{a, bm}, ValueRange{filled})
      ->getResult(0);
}

/// Records a Constant node's tensor as constant data.
LogicalResult Importer::convertConstant(const onnx::NodeProto &node) {
  if (node.attribute_size() != 1)
    return fail(node, "expects exactly one value attribute");
  const onnx::AttributeProto &a = node.attribute(0);
  ConstTensor c;
  using AT = onnx::AttributeProto;
  auto expect = [&](AT::AttributeType type) {
    return checkAttrType(node, a, type);
  };
  if (a.name() == "value") {
    if (failed(expect(AT::TENSOR)) ||
        failed(readTensor(a.t(), "Constant", c)))
      return failure();
  } else if (a.name() == "value_float") {
    if (failed(expect(AT::FLOAT)))
      return failure();
    c = {onnx::TensorProto::FLOAT, {}, {a.f()}, {}};
  } else if (a.name() == "value_floats") {
    if (failed(expect(AT::FLOATS)))
      return failure();
    c = {onnx::TensorProto::FLOAT, {a.floats_size()},
         {a.floats().begin(), a.floats().end()}, {}};
  } else if (a.name() == "value_int") {
    if (failed(expect(AT::INT)))
      return failure();
    c = {onnx::TensorProto::INT64, {}, {}, {a.i()}};
  } else if (a.name() == "value_ints") {
    if (failed(expect(AT::INTS)))
      return failure();
    c = {onnx::TensorProto::INT64, {a.ints_size()}, {},
         {a.ints().begin(), a.ints().end()}};
  } else {
    return fail(node, "attribute '" + a.name() + "' is not supported");
  }
  if (numElements(c.dims) < 0)
    return fail(node, "value too large");
  consts[node.output(0)] = std::move(c);
  return success();
}


//===----------------------------------------------------------------------===//
// Operator table and dispatch
//===----------------------------------------------------------------------===//

const OpInfo *lookupOp(StringRef op) {
  using I = Importer;
  // dataInputs: bit i set when input i is read as constant data.
  static const OpInfo table[] = {
      {"Abs", 1, 1, 0, &I::convertUnary},
      {"Add", 2, 2, 0, &I::convertBinary},
      {"AveragePool", 1, 1, 0, &I::convertPool},
      {"Cast", 1, 1, 0, &I::convertCast},
      {"Concat", 1, 1 << 20, 0, &I::convertConcat},
      {"Conv", 2, 3, 0b10, &I::convertConv},
      {"DequantizeLinear", 2, 3, 0b111, &I::convertDequantizeLinear},
      {"Div", 2, 2, 0, &I::convertBinary},
      {"Dropout", 1, 3, 0b110, &I::convertIdentity},
      {"Erf", 1, 1, 0, &I::convertUnary},
      {"Exp", 1, 1, 0, &I::convertUnary},
      {"Flatten", 1, 1, 0, &I::convertShapeOp},
      {"Gather", 2, 2, 0, &I::convertGather},
      {"Gelu", 1, 1, 0, &I::convertUnary},
      {"Gemm", 2, 3, 0b10, &I::convertGemm},
      {"GlobalAveragePool", 1, 1, 0, &I::convertGlobalAveragePool},
      {"Identity", 1, 1, 0, &I::convertIdentity},
      {"LayerNormalization", 2, 3, 0, &I::convertLayerNorm},
      {"Log", 1, 1, 0, &I::convertUnary},
      {"MatMul", 2, 2, 0, &I::convertMatMul},
      {"MatMulInteger", 2, 4, 0b1111, &I::convertMatMulInteger},
      {"MaxPool", 1, 1, 0, &I::convertPool},
      {"Mul", 2, 2, 0, &I::convertBinary},
      {"Neg", 1, 1, 0, &I::convertUnary},
      {"Pow", 2, 2, 0b10, &I::convertPow},
      {"QLinearMatMul", 8, 8, 0b11111111, &I::convertQLinearMatMul},
      {"QuantizeLinear", 2, 3, 0b110, &I::convertQuantizeLinear},
      {"Reciprocal", 1, 1, 0, &I::convertUnary},
      {"ReduceMax", 1, 2, 0b10, &I::convertReduce},
      {"ReduceMean", 1, 2, 0b10, &I::convertReduce},
      {"ReduceSum", 1, 2, 0b10, &I::convertReduce},
      {"Relu", 1, 1, 0, &I::convertUnary},
      {"Reshape", 2, 2, 0b10, &I::convertShapeOp},
      {"Shape", 1, 1, 0, nullptr}, // always folded
      {"Sigmoid", 1, 1, 0, &I::convertUnary},
      {"Slice", 1, 5, 0b11110, &I::convertSlice},
      {"Softmax", 1, 1, 0, &I::convertSoftmax},
      {"Sqrt", 1, 1, 0, &I::convertUnary},
      {"Squeeze", 1, 2, 0b10, &I::convertShapeOp},
      {"Sub", 2, 2, 0, &I::convertBinary},
      {"Tanh", 1, 1, 0, &I::convertUnary},
      {"Transpose", 1, 1, 0, &I::convertShapeOp},
      {"Unsqueeze", 1, 2, 0b10, &I::convertShapeOp},
  };
  for (const OpInfo &info : table)
    if (info.name == op)
      return &info;
  return nullptr;
}

LogicalResult Importer::convertNode(const onnx::NodeProto &node) {
  StringRef op = node.op_type();
  if (node.output_size() < 1)
    return fail(node, "has no outputs");
  // Optional extra outputs (Dropout's mask, LayerNormalization's mean and
  // inverse standard deviation, MaxPool's indices) must be left unnamed.
  for (int i = 1; i < node.output_size(); ++i)
    if (!node.output(i).empty())
      return fail(node, "output " + Twine(i) + " ('" + node.output(i) +
                            "') is not supported; only the first output is");
  if (failed(checkNewName(node, node.output(0))))
    return failure();
  if (op == "Constant") {
    if (node.input_size() != 0)
      return fail(node, "expects no inputs, has " + Twine(node.input_size()));
    return convertConstant(node);
  }
  const OpInfo *info = lookupOp(op);
  if (!info)
    return fail(node, "unsupported operator");
  if (node.input_size() < info->minInputs ||
      node.input_size() > info->maxInputs) {
    std::string want = std::to_string(info->minInputs);
    if (info->maxInputs == (1 << 20))
      want += " or more";
    else if (info->maxInputs != info->minInputs)
      want += " to " + std::to_string(info->maxInputs);
    return fail(node, "expects " + want + " input" +
                          (info->maxInputs == 1 ? "" : "s") + ", has " +
                          Twine(node.input_size()));
  }
  for (int i = 0; i < info->minInputs; ++i)
    if (node.input(i).empty())
      return fail(node, "input " + Twine(i) +
                            " is required but its name is empty");
  bool folded = false;
  if (failed(tryFold(node, folded)))
    return failure();
  if (folded)
    return success();
  if (!info->convert)
    return fail(node, "input '" + node.input(0) +
                          "' must have a static shape");
  Location loc = NameLoc::get(b.getStringAttr(nodeName(node)), fileLoc);
  SmallVector<Value> ins;
  for (int i = 0; i < node.input_size(); ++i) {
    if (node.input(i).empty() || (i < 32 && (info->dataInputs >> i) & 1)) {
      // Data inputs must exist all the same (the converter reads them).
      if (!node.input(i).empty() && !constData(node.input(i)) &&
          !values.count(node.input(i)))
        return fail(node, "input '" + node.input(i) +
                              "' is not defined before this node");
      ins.push_back(Value());
      continue;
    }
    auto v = get(node, node.input(i));
    if (failed(v))
      return failure();
    // Quantized values (the codes of a QuantizeLinear) only feed the QDQ
    // operators, which read them as data inputs.
    if (!isa<RankedTensorType>(v->getType()))
      return fail(node, "input '" + node.input(i) +
                            "' is quantized (the output of a QuantizeLinear "
                            "or QLinearMatMul); only DequantizeLinear, "
                            "MatMulInteger and QLinearMatMul take it");
    ins.push_back(*v);
  }
  Value out;
  if (failed((this->*info->convert)(node, loc, ins, out)))
    return failure();
  // A converter may instead have evaluated the node into constant data.
  if (!out && consts.count(node.output(0)))
    return success();
  if (!out)
    return fail(node, "produced no result (internal error)");
  values[node.output(0)] = out;
  return success();
}

LogicalResult Importer::run(const onnx::ModelProto &model, ModuleOp module) {
  if (failed(checkModel(model)))
    return failure();
  const onnx::GraphProto &graph = model.graph();
  for (const onnx::TensorProto &t : graph.initializer()) {
    if (t.name().empty()) {
      error = "an initializer has an empty name";
      return failure();
    }
    if (consts.count(t.name())) {
      error = "initializer '" + t.name() + "' is defined twice";
      return failure();
    }
    ConstTensor c;
    if (failed(readTensor(t, "initializer", c)))
      return failure();
    consts[t.name()] = std::move(c);
  }
  // Graph inputs that are initializers are constants, not arguments.
  SmallVector<Type> argTypes;
  SmallVector<const onnx::ValueInfoProto *> args;
  llvm::StringSet<> argNames;
  for (const onnx::ValueInfoProto &in : graph.input()) {
    if (consts.count(in.name()))
      continue;
    if (in.name().empty()) {
      error = "a graph input has an empty name";
      return failure();
    }
    if (!argNames.insert(in.name()).second) {
      error = "input '" + in.name() + "' is declared twice";
      return failure();
    }
    RankedTensorType type;
    int32_t dtype;
    if (failed(graphType(in, "input", type, dtype, /*allowDynamic=*/false)))
      return failure();
    argTypes.push_back(type);
    args.push_back(&in);
    valueDtypes[in.name()] = dtype;
  }
  SmallVector<RankedTensorType> declared;
  for (const onnx::ValueInfoProto &o : graph.output()) {
    RankedTensorType type;
    int32_t dtype;
    if (failed(graphType(o, "output", type, dtype, /*allowDynamic=*/true)))
      return failure();
    declared.push_back(type);
  }
  b.setInsertionPointToEnd(module.getBody());
  auto func = func::FuncOp::create(
      b, NameLoc::get(b.getStringAttr(graph.name()), fileLoc), "main",
      b.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  for (auto [arg, info] : llvm::zip(entry->getArguments(), args)) {
    arg.setLoc(NameLoc::get(b.getStringAttr(info->name()), fileLoc));
    values[info->name()] = arg;
  }
  b.setInsertionPointToEnd(entry);
  for (const onnx::NodeProto &node : graph.node())
    if (failed(convertNode(node)))
      return failure();
  SmallVector<Value> results;
  SmallVector<Type> resultTypes;
  for (auto [o, decl] : llvm::zip(graph.output(), declared)) {
    onnx::NodeProto outNode;
    outNode.set_name(o.name());
    outNode.set_op_type("graph output");
    auto v = get(outNode, o.name());
    if (failed(v))
      return failure();
    auto type = dyn_cast<RankedTensorType>(v->getType());
    if (!type) {
      error = "output '" + o.name() +
              "': a quantized tensor (the codes of a QuantizeLinear) cannot "
              "be a graph output; dequantize it first";
      return failure();
    }
    bool mismatch = type.getRank() != decl.getRank();
    for (auto [d, e] : llvm::zip(type.getShape(), decl.getShape()))
      if (!ShapedType::isDynamic(e) && d != e)
        mismatch = true;
    if (mismatch) {
      error = "output '" + o.name() + "': computed shape " +
              shapeStr(type.getShape()) + ", declared " +
              shapeStr(decl.getShape());
      return failure();
    }
    results.push_back(*v);
    resultTypes.push_back(type);
  }
  func::ReturnOp::create(b, fileLoc, results);
  func.setFunctionType(b.getFunctionType(argTypes, resultTypes));
  return success();
}

} // namespace qforge::onnx_import

using namespace qforge::onnx_import;

//===----------------------------------------------------------------------===//
// Public API
//===----------------------------------------------------------------------===//

void qforge::loadONNXImportDialects(MLIRContext &context) {
  context.loadDialect<arith::ArithDialect, func::FuncDialect,
                      qf::QFDialect,
                      linalg::LinalgDialect, math::MathDialect,
                      tensor::TensorDialect>();
}

OwningOpRef<ModuleOp> qforge::importONNXModel(MLIRContext &context,
                                              StringRef bytes,
                                              StringRef fileName,
                                              const ONNXImportOptions &options,
                                              std::string &error) {
  if (bytes.size() > size_t(std::numeric_limits<int>::max())) {
    error = fileName.str() + ": file too large for protobuf (2 GiB)";
    return nullptr;
  }
  onnx::ModelProto model;
  if (!model.ParseFromArray(bytes.data(), int(bytes.size()))) {
    error = fileName.str() +
            ": not a valid ONNX model (protobuf parse failed; truncated or "
            "corrupt file?)";
    return nullptr;
  }
  if (!model.has_graph() || model.graph().output_size() == 0) {
    error = fileName.str() + ": not a valid ONNX model (no graph outputs)";
    return nullptr;
  }
  loadONNXImportDialects(context);
  OwningOpRef<ModuleOp> module =
      ModuleOp::create(FileLineColLoc::get(&context, fileName, 0, 0));
  Importer importer(context, fileName, options, error);
  if (failed(importer.run(model, *module)))
    return nullptr;
  if (failed(verify(*module))) {
    error = fileName.str() + ": the imported module does not verify";
    return nullptr;
  }
  return module;
}

OwningOpRef<ModuleOp> qforge::importONNXFile(MLIRContext &context,
                                             StringRef path,
                                             const ONNXImportOptions &options,
                                             std::string &error) {
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false);
  if (!buffer) {
    error = "cannot read '" + path.str() + "': " + buffer.getError().message();
    return nullptr;
  }
  return importONNXModel(context, (*buffer)->getBuffer(), path, options,
                         error);
}

bool qforge::importONNXToFile(StringRef inputPath, StringRef outputPath,
                              const ONNXImportOptions &options,
                              bool debugInfo, std::string &error) {
  MLIRContext context;
  OwningOpRef<ModuleOp> module =
      importONNXFile(context, inputPath, options, error);
  if (!module)
    return false;
  OpPrintingFlags flags;
  if (debugInfo)
    flags.enableDebugInfo();
  if (outputPath == "-") {
    module->print(llvm::outs(), flags);
    return true;
  }
  // Write next to the destination, then rename: never a partial output.
  llvm::SmallString<128> tmp;
  int fd;
  if (std::error_code ec = llvm::sys::fs::createUniqueFile(
          outputPath + ".tmp-%%%%%%", fd, tmp)) {
    error = ("cannot create '" + tmp + "': " + ec.message()).str();
    return false;
  }
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    module->print(os, flags);
    os.close();
    if (os.has_error()) {
      os.clear_error();
      llvm::sys::fs::remove(tmp);
      error = "cannot write '" + outputPath.str() + "'";
      return false;
    }
  }
  if (std::error_code ec = llvm::sys::fs::rename(tmp, outputPath)) {
    llvm::sys::fs::remove(tmp);
    error = "cannot write '" + outputPath.str() + "': " + ec.message();
    return false;
  }
  return true;
}
