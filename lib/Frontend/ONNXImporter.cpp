//===- ONNXImporter.cpp - ONNX models to MLIR on tensors ------------------===//
//
// Parses an onnx.ModelProto with ONNX's C++ protobuf classes and builds
// func.func @main on tensors. Each supported operator becomes linalg /
// tensor / arith / math ops with static shapes computed here (no reliance
// on the model's value_info). Initializers and Constant nodes are kept as
// plain data until an op uses them: float tensors then become
// dense_resource constants, int64 tensors only ever serve as shapes.
//
// Everything that can go wrong is checked explicitly (no exceptions, no
// ONNX checker): the importer returns null and an error message.
//
//===----------------------------------------------------------------------===//

#include "qforge/Frontend/ONNXImporter.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/AsmState.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"

#include "onnx/onnx_pb.h"

#include <cstring>
#include <functional>
#include <limits>

using namespace mlir;

namespace {

/// The largest number of elements the importer accepts in one tensor.
constexpr int64_t kMaxElements = int64_t(1) << 31;
/// Float constants up to this many elements are printed as literals.
constexpr size_t kMaxLiteralElements = 8;

/// An initializer or Constant value: its data, not yet an MLIR value.
struct ConstTensor {
  int32_t dtype = 0;
  SmallVector<int64_t> dims;
  std::vector<float> f32;
  std::vector<int64_t> i64;
};

/// Product of `dims`, or -1 when a dimension is negative or the product of
/// the non-zero dimensions exceeds kMaxElements (so that every partial
/// product of a valid shape, as Flatten and Reshape form, is bounded too,
/// even when a zero dimension makes the tensor empty).
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

/// Formats a shape as "2x3x4" (or "scalar").
std::string shapeStr(ArrayRef<int64_t> dims) {
  if (dims.empty())
    return "scalar";
  std::string s;
  for (auto [i, d] : llvm::enumerate(dims))
    s += (i ? "x" : "") + std::to_string(d);
  return s;
}

/// Is `op` an operator this slice of the importer converts?
bool isSupportedOp(StringRef op) {
  static const StringRef ops[] = {"MatMul", "Gemm", "Add", "Sub", "Mul", "Div", "Relu", "Tanh",
       "Sigmoid", "Softmax", "Flatten", "Reshape", "Transpose", "Identity",
       "Constant"};
  return llvm::is_contained(ops, op);
}

/// Converts one ONNX graph into a func.func @main inside `module`.
class Importer {
public:
  Importer(MLIRContext &ctx, StringRef fileName,
           const qforge::ONNXImportOptions &options, std::string &error)
      : ctx(ctx), b(&ctx), options(options), error(error),
        fileLoc(FileLineColLoc::get(&ctx, fileName, 0, 0)) {}

  /// Builds @main from `model` into `module`.
  LogicalResult run(const onnx::ModelProto &model, ModuleOp module);

private:
  using BodyFn = std::function<Value(OpBuilder &, Location, ValueRange)>;

  LogicalResult checkModel(const onnx::ModelProto &model);
  LogicalResult readTensor(const onnx::TensorProto &t, StringRef what,
                           ConstTensor &out);
  LogicalResult graphType(const onnx::ValueInfoProto &info, StringRef what,
                          RankedTensorType &type, bool allowDynamic);
  LogicalResult convertNode(const onnx::NodeProto &node);
  LogicalResult convertConstant(const onnx::NodeProto &node);

  /// The MLIR value of tensor `name` used by `node`; materializes constants.
  FailureOr<Value> get(const onnx::NodeProto &node, StringRef name);
  /// The int64 data of the constant tensor `name` (a shape operand).
  FailureOr<ConstTensor *> getConst(const onnx::NodeProto &node,
                                    StringRef name);
  /// Records a failure of `node` and returns it.
  LogicalResult fail(const onnx::NodeProto &node, const Twine &msg);
  /// Fails (naming `node`) unless `shape`, the shape of its result, is
  /// within the importer's bound on the number of elements.
  LogicalResult checkResultShape(const onnx::NodeProto &node,
                                 ArrayRef<int64_t> shape);
  /// Reads the attribute `name` of `node` (or `dflt` when absent); fails
  /// when the attribute has another type.
  LogicalResult intAttr(const onnx::NodeProto &node, StringRef name,
                        int64_t dflt, int64_t &out);
  LogicalResult floatAttr(const onnx::NodeProto &node, StringRef name,
                          float dflt, float &out);
  /// Fails unless attribute `a` of `node` has type `type`.
  LogicalResult checkAttrType(const onnx::NodeProto &node,
                              const onnx::AttributeProto &a,
                              onnx::AttributeProto::AttributeType type);
  /// Fails when `name`, an output of `node`, names an existing tensor.
  LogicalResult checkNewName(const onnx::NodeProto &node, StringRef name);

  Value elementwise(Location loc, ArrayRef<Value> ins,
                    ArrayRef<int64_t> outShape, const BodyFn &body);
  FailureOr<SmallVector<int64_t>> broadcastShape(const onnx::NodeProto &node,
                                                 ArrayRef<Value> ins);
  Value emptyLike(Location loc, ArrayRef<int64_t> shape);
  Value reshapeTo(Location loc, Value v, ArrayRef<int64_t> shape);
  Value transpose(Location loc, Value v, ArrayRef<int64_t> perm);
  Value matmul(Location loc, Value a, Value bm);

  LogicalResult convertGemm(const onnx::NodeProto &node, Location loc,
                            ArrayRef<Value> ins, Value &out);
  LogicalResult convertShapeOp(const onnx::NodeProto &node, Location loc,
                               ArrayRef<Value> ins, Value &out);

  MLIRContext &ctx;
  OpBuilder b;
  const qforge::ONNXImportOptions &options;
  std::string &error;
  Location fileLoc;
  int64_t opset = 0;
  llvm::StringMap<Value> values;
  llvm::StringMap<ConstTensor> consts;
};

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

/// The attribute `name` of `node`, or null.
const onnx::AttributeProto *findAttr(const onnx::NodeProto &node,
                                     StringRef name) {
  for (const onnx::AttributeProto &a : node.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

/// The name of an attribute type ("INT", "FLOATS", ...) for messages.
std::string attrTypeName(onnx::AttributeProto::AttributeType type) {
  if (!onnx::AttributeProto::AttributeType_IsValid(type))
    return "unknown type " + std::to_string(int(type));
  return onnx::AttributeProto::AttributeType_Name(type);
}

/// Normalizes an ONNX axis (negative counts from the end); -1 if invalid.
int64_t normAxis(int64_t axis, int64_t rank) {
  if (axis < 0)
    axis += rank;
  return axis < 0 || axis >= rank ? -1 : axis;
}

//===----------------------------------------------------------------------===//
// Model, tensors, graph inputs
//===----------------------------------------------------------------------===//

/// The name of `node` for messages and locations: its own, or its op type
/// when the model leaves it empty.
std::string nodeName(const onnx::NodeProto &node) {
  return node.name().empty() ? node.op_type() : node.name();
}

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

LogicalResult Importer::checkModel(const onnx::ModelProto &model) {
  for (const onnx::OperatorSetIdProto &id : model.opset_import())
    if (id.domain().empty() || id.domain() == "ai.onnx")
      opset = id.version();
  if (opset == 0) {
    error = "the model imports no opset of the default domain (ai.onnx)";
    return failure();
  }
  if (opset < 7) {
    error = "opset " + std::to_string(opset) +
            " of ai.onnx is not supported (need 7 or later)";
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
    } else if (!isSupportedOp(node.op_type())) {
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

LogicalResult Importer::readTensor(const onnx::TensorProto &t, StringRef what,
                                   ConstTensor &out) {
  auto err = [&](const Twine &msg) {
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
  if (out.dtype == onnx::TensorProto::FLOAT) {
    if (!raw.empty()) {
      if (raw.size() != size_t(n) * 4)
        return err("raw data of " + Twine(raw.size()) + " bytes, expected " +
                   Twine(n * 4));
      out.f32.resize(n);
      std::memcpy(out.f32.data(), raw.data(), raw.size());
    } else {
      if (t.float_data_size() != n)
        return err(Twine(t.float_data_size()) + " values, expected " +
                   Twine(n));
      out.f32.assign(t.float_data().begin(), t.float_data().end());
    }
  } else if (out.dtype == onnx::TensorProto::INT64) {
    if (!raw.empty()) {
      if (raw.size() != size_t(n) * 8)
        return err("raw data of " + Twine(raw.size()) + " bytes, expected " +
                   Twine(n * 8));
      out.i64.resize(n);
      std::memcpy(out.i64.data(), raw.data(), raw.size());
    } else {
      if (t.int64_data_size() != n)
        return err(Twine(t.int64_data_size()) + " values, expected " +
                   Twine(n));
      out.i64.assign(t.int64_data().begin(), t.int64_data().end());
    }
  }
  // Other data types are kept (without data) and rejected where used.
  return success();
}

LogicalResult Importer::graphType(const onnx::ValueInfoProto &info,
                                  StringRef what, RankedTensorType &type,
                                  bool allowDynamic) {
  auto err = [&](const Twine &msg) {
    error = (what + " '" + info.name() + "': " + msg).str();
    return failure();
  };
  if (!info.type().has_tensor_type())
    return err("not a tensor");
  const onnx::TypeProto::Tensor &tt = info.type().tensor_type();
  if (tt.elem_type() != onnx::TensorProto::FLOAT)
    return err("element type " +
               onnx::TensorProto::DataType_Name(
                   onnx::TensorProto::DataType(tt.elem_type())) +
               " is not supported (only float32 for now)");
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
  type = RankedTensorType::get(dims, b.getF32Type());
  return success();
}

FailureOr<Value> Importer::get(const onnx::NodeProto &node, StringRef name) {
  auto it = values.find(name);
  if (it != values.end())
    return it->second;
  auto cit = consts.find(name);
  if (cit == consts.end()) {
    (void)fail(node, "input '" + name + "' is not defined before this node");
    return failure();
  }
  ConstTensor &c = cit->second;
  if (c.dtype != onnx::TensorProto::FLOAT) {
    (void)fail(node, "tensor '" + name + "' has element type " +
                         onnx::TensorProto::DataType_Name(
                             onnx::TensorProto::DataType(c.dtype)) +
                         " (only float32 is supported for now)");
    return failure();
  }
  auto type = RankedTensorType::get(c.dims, b.getF32Type());
  Location loc = NameLoc::get(b.getStringAttr(name), fileLoc);
  // Small constants (scalars, short vectors) stay readable literals; larger
  // ones become dense_resource blobs.
  if (c.f32.size() <= kMaxLiteralElements) {
    Value v = arith::ConstantOp::create(
        b, loc, type, DenseElementsAttr::get(type, ArrayRef<float>(c.f32)));
    values[name] = v;
    return v;
  }
  // Weights are kept as resource blobs, never as huge text literals.
  std::string key;
  for (char ch : name)
    key += llvm::isAlnum(ch) || ch == '_' || ch == '.' ? ch : '_';
  if (key.empty() || !llvm::isAlpha(key[0]))
    key = "t_" + key;
  AsmResourceBlob blob = HeapAsmResourceBlob::allocateAndCopyInferAlign(
      ArrayRef<float>(c.f32));
  auto attr = DenseResourceElementsAttr::get(type, key, std::move(blob));
  Value v = arith::ConstantOp::create(b, loc, type, attr);
  values[name] = v;
  return v;
}

FailureOr<ConstTensor *> Importer::getConst(const onnx::NodeProto &node,
                                            StringRef name) {
  auto it = consts.find(name);
  if (it == consts.end() || it->second.dtype != onnx::TensorProto::INT64) {
    (void)fail(node, "input '" + name +
                         "' must be a constant int64 tensor (an initializer "
                         "or a Constant node)");
    return failure();
  }
  return &it->second;
}

//===----------------------------------------------------------------------===//
// Building blocks
//===----------------------------------------------------------------------===//

Value Importer::emptyLike(Location loc, ArrayRef<int64_t> shape) {
  return tensor::EmptyOp::create(b, loc, shape, b.getF32Type());
}

FailureOr<SmallVector<int64_t>>
Importer::broadcastShape(const onnx::NodeProto &node, ArrayRef<Value> ins) {
  SmallVector<int64_t> out;
  for (Value v : ins) {
    ArrayRef<int64_t> s = cast<RankedTensorType>(v.getType()).getShape();
    if (s.size() > out.size())
      out.insert(out.begin(), s.size() - out.size(), 1);
    for (size_t i = 0; i < s.size(); ++i) {
      int64_t &o = out[out.size() - s.size() + i];
      if (s[i] == o || s[i] == 1)
        continue;
      if (o != 1) {
        std::string shapes;
        for (Value w : ins)
          shapes +=
              " " + shapeStr(cast<RankedTensorType>(w.getType()).getShape());
        (void)fail(node, "shapes do not broadcast:" + shapes);
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
                            ArrayRef<int64_t> outShape, const BodyFn &body) {
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
  Value init = emptyLike(loc, outShape);
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

//===----------------------------------------------------------------------===//
// Operators
//===----------------------------------------------------------------------===//

/// Gemm: Y = alpha * A' B' + beta * C, with A' / B' optionally transposed
/// and C broadcast to [M, N].
LogicalResult Importer::convertGemm(const onnx::NodeProto &node, Location loc,
                                    ArrayRef<Value> ins, Value &out) {
  if (ins.size() < 2 || ins.size() > 3)
    return fail(node, "expects 2 or 3 inputs");
  Value a = ins[0], bm = ins[1];
  auto aT = cast<RankedTensorType>(a.getType());
  auto bT = cast<RankedTensorType>(bm.getType());
  if (aT.getRank() != 2 || bT.getRank() != 2)
    return fail(node, "A and B must be 2-D, got " + shapeStr(aT.getShape()) +
                          " and " + shapeStr(bT.getShape()));
  int64_t transA, transB;
  float alpha, beta;
  if (failed(intAttr(node, "transA", 0, transA)) ||
      failed(intAttr(node, "transB", 0, transB)) ||
      failed(floatAttr(node, "alpha", 1.0f, alpha)) ||
      failed(floatAttr(node, "beta", 1.0f, beta)))
    return failure();
  if (transA)
    a = transpose(loc, a, {1, 0});
  if (transB)
    bm = transpose(loc, bm, {1, 0});
  ArrayRef<int64_t> as = cast<RankedTensorType>(a.getType()).getShape();
  ArrayRef<int64_t> bs = cast<RankedTensorType>(bm.getType()).getShape();
  if (as[1] != bs[0])
    return fail(node, "inner dimensions differ: A' is " + shapeStr(as) +
                          ", B' is " + shapeStr(bs));
  SmallVector<int64_t> shape = {as[0], bs[1]};
  if (failed(checkResultShape(node, shape)))
    return failure();
  Value y = matmul(loc, a, bm);
  SmallVector<Value> operands = {y};
  if (ins.size() == 3) {
    auto c = broadcastShape(node, {y, ins[2]});
    if (failed(c))
      return failure();
    if (ArrayRef<int64_t>(*c) != ArrayRef<int64_t>(shape))
      return fail(node, "C of shape " +
                            shapeStr(cast<RankedTensorType>(
                                         ins[2].getType()).getShape()) +
                            " does not broadcast to " + shapeStr(shape));
    operands.push_back(ins[2]);
  }
  if (alpha == 1.0f && operands.size() == 1) {
    out = y;
    return success();
  }
  out = elementwise(loc, operands, shape,
                    [&](OpBuilder &nb, Location nl, ValueRange args) {
                      Value r = args[0];
                      if (alpha != 1.0f)
                        r = arith::MulFOp::create(
                            nb, nl, r,
                            arith::ConstantOp::create(
                                nb, nl, nb.getF32FloatAttr(alpha)));
                      if (args.size() < 2)
                        return r;
                      Value c = args[1];
                      if (beta != 1.0f)
                        c = arith::MulFOp::create(
                            nb, nl, c,
                            arith::ConstantOp::create(
                                nb, nl, nb.getF32FloatAttr(beta)));
                      return Value(arith::AddFOp::create(nb, nl, r, c));
                    });
  return success();
}

/// Flatten, Reshape and Transpose: static shapes computed here.
LogicalResult Importer::convertShapeOp(const onnx::NodeProto &node,
                                       Location loc, ArrayRef<Value> ins,
                                       Value &out) {
  StringRef op = node.op_type();
  ArrayRef<int64_t> s = cast<RankedTensorType>(ins[0].getType()).getShape();
  int64_t rank = s.size();
  if (op == "Transpose") {
    SmallVector<int64_t> perm;
    if (const onnx::AttributeProto *a = findAttr(node, "perm")) {
      if (failed(checkAttrType(node, *a, onnx::AttributeProto::INTS)))
        return failure();
      perm.assign(a->ints().begin(), a->ints().end());
    } else {
      for (int64_t i = rank - 1; i >= 0; --i)
        perm.push_back(i);
    }
    auto badPerm = [&] {
      std::string p;
      for (auto [i, v] : llvm::enumerate(perm))
        p += (i ? ", " : "") + std::to_string(v);
      return fail(node, "perm [" + p + "] is not a permutation of " +
                            Twine(rank) + " dimensions");
    };
    if (int64_t(perm.size()) != rank)
      return badPerm();
    SmallVector<bool> seen(rank, false);
    for (int64_t p : perm) {
      if (p < 0 || p >= rank || seen[p])
        return badPerm();
      seen[p] = true;
    }
    out = transpose(loc, ins[0], perm);
    return success();
  }
  SmallVector<int64_t> shape;
  if (op == "Flatten") {
    int64_t axis;
    if (failed(intAttr(node, "axis", 1, axis)))
      return failure();
    int64_t orig = axis;
    if (axis < 0)
      axis += rank;
    if (axis < 0 || axis > rank)
      return fail(node, "axis " + Twine(orig) + " out of range for rank " +
                            Twine(rank));
    int64_t outer = numElements(s.take_front(axis));
    int64_t inner = numElements(s.drop_front(axis));
    if (outer < 0 || inner < 0)
      return fail(node, "cannot flatten " + shapeStr(s) + ": too large");
    shape = {outer, inner};
  } else { // Reshape
    if (ins.size() != 1)
      return fail(node, "expects 2 inputs");
    auto c = getConst(node, node.input(1));
    if (failed(c))
      return failure();
    if ((*c)->dims.size() != 1)
      return fail(node, "shape must be 1-D");
    int64_t allowZero;
    if (failed(intAttr(node, "allowzero", 0, allowZero)))
      return failure();
    if (allowZero)
      return fail(node, "allowzero = 1 is not supported");
    // `known`: the product of the non-zero target dimensions (a 0 copied
    // from a zero-sized input dimension makes the result empty).
    int64_t known = 1, infer = -1;
    bool hasZero = false;
    for (auto [i, target] : llvm::enumerate((*c)->i64)) {
      int64_t d = target;
      bool copied = d == 0 && int64_t(i) < rank;
      if (copied)
        d = s[i];
      if (target == -1) {
        if (infer >= 0)
          return fail(node, "more than one -1 in the target shape");
        infer = i;
        shape.push_back(1);
        continue;
      }
      if (d < 0 || (d == 0 && !copied))
        return fail(node, "invalid target dimension " + Twine(target) +
                              " at index " + Twine(i));
      shape.push_back(d);
      if (d == 0) {
        hasZero = true;
        continue;
      }
      if (d > kMaxElements / known)
        return fail(node, "target shape too large (more than " +
                              Twine(kMaxElements) + " elements)");
      known *= d;
    }
    int64_t total = numElements(s);
    if (total < 0)
      return fail(node, "input shape " + shapeStr(s) + " is too large");
    if (infer >= 0) {
      if (hasZero)
        return fail(node, "cannot infer -1 next to a zero-sized dimension");
      if (total % known)
        return fail(node, "cannot infer -1: " + Twine(total) +
                              " elements not divisible by " + Twine(known));
      shape[infer] = total / known;
    }
  }
  if (failed(checkResultShape(node, shape)))
    return failure();
  if (numElements(shape) != numElements(s))
    return fail(node, "cannot reshape " + shapeStr(s) + " to " +
                          shapeStr(shape));
  out = reshapeTo(loc, ins[0], shape);
  return success();
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

/// The number of inputs operator `op` takes: [min, max]. Inputs from min
/// on are optional (an empty name omits one).
std::pair<int, int> inputArity(StringRef op) {
  if (op == "Constant")
    return {0, 0};
  if (op == "Gemm")
    return {2, 3};
  if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div" ||
      op == "MatMul" || op == "Reshape")
    return {2, 2};
  return {1, 1}; // Identity, Relu, Tanh, Sigmoid, Softmax, Flatten, Transpose
}

LogicalResult Importer::convertNode(const onnx::NodeProto &node) {
  StringRef op = node.op_type();
  if (node.output_size() != 1)
    return fail(node, "expects one output, has " + Twine(node.output_size()));
  if (failed(checkNewName(node, node.output(0))))
    return failure();
  auto [minIn, maxIn] = inputArity(op);
  if (node.input_size() < minIn || node.input_size() > maxIn) {
    std::string want = std::to_string(minIn);
    if (maxIn != minIn)
      want += " to " + std::to_string(maxIn);
    return fail(node, "expects " + want + " input" + (maxIn == 1 ? "" : "s") +
                          ", has " + Twine(node.input_size()));
  }
  for (int i = 0; i < minIn; ++i)
    if (node.input(i).empty())
      return fail(node, "input " + Twine(i) +
                            " is required but its name is empty");
  if (op == "Constant")
    return convertConstant(node);
  Location loc = NameLoc::get(b.getStringAttr(nodeName(node)), fileLoc);
  // Reshape's shape is read as data, not as a value.
  int numValues = op == "Reshape" ? 1 : node.input_size();
  // Inputs by position; only optional (trailing) ones may be omitted, so
  // the first omitted one ends the list.
  SmallVector<Value> ins;
  for (int i = 0; i < numValues; ++i) {
    if (node.input(i).empty()) {
      for (int j = i + 1; j < numValues; ++j)
        if (!node.input(j).empty())
          return fail(node, "omitted input " + Twine(i) +
                                " before a given one is not supported");
      break;
    }
    auto v = get(node, node.input(i));
    if (failed(v))
      return failure();
    ins.push_back(*v);
  }
  auto type0 = cast<RankedTensorType>(ins[0].getType());
  Value out;
  if (op == "Identity") {
    out = ins[0];
  } else if (op == "Add" || op == "Sub" || op == "Mul" || op == "Div") {
    if (ins.size() != 2)
      return fail(node, "expects 2 inputs");
    auto shape = broadcastShape(node, ins);
    if (failed(shape))
      return failure();
    out = elementwise(loc, ins, *shape,
                      [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
                        if (op == "Add")
                          return arith::AddFOp::create(nb, nl, a[0], a[1]);
                        if (op == "Sub")
                          return arith::SubFOp::create(nb, nl, a[0], a[1]);
                        if (op == "Mul")
                          return arith::MulFOp::create(nb, nl, a[0], a[1]);
                        return arith::DivFOp::create(nb, nl, a[0], a[1]);
                      });
  } else if (op == "Relu" || op == "Tanh" || op == "Sigmoid") {
    out = elementwise(
        loc, ins[0], type0.getShape(),
        [&](OpBuilder &nb, Location nl, ValueRange a) -> Value {
          if (op == "Tanh")
            return math::TanhOp::create(nb, nl, a[0]);
          Value zero =
              arith::ConstantOp::create(nb, nl, nb.getF32FloatAttr(0.0f));
          if (op == "Relu")
            return arith::MaximumFOp::create(nb, nl, a[0], zero);
          // Sigmoid: 1 / (1 + exp(-x)).
          Value one =
              arith::ConstantOp::create(nb, nl, nb.getF32FloatAttr(1.0f));
          Value e = math::ExpOp::create(nb, nl,
                                        arith::NegFOp::create(nb, nl, a[0]));
          return arith::DivFOp::create(nb, nl, one,
                                       arith::AddFOp::create(nb, nl, one, e));
        });
  } else if (op == "Softmax") {
    int64_t rank = type0.getRank();
    int64_t axisAttr;
    if (failed(intAttr(node, "axis", opset >= 13 ? -1 : 1, axisAttr)))
      return failure();
    int64_t axis = normAxis(axisAttr, rank);
    if (rank == 0 || axis != rank - 1)
      return fail(node, "only the last axis is supported (rank " +
                            Twine(rank) + ")");
    Value init = emptyLike(loc, type0.getShape());
    out = linalg::SoftmaxOp::create(b, loc, TypeRange{type0}, ins[0], init,
                                    uint64_t(axis))
              ->getResult(0);
  } else if (op == "MatMul") {
    if (ins.size() != 2)
      return fail(node, "expects 2 inputs");
    auto bT = cast<RankedTensorType>(ins[1].getType());
    if (type0.getRank() != 2 || bT.getRank() != 2)
      return fail(node, "only 2-D x 2-D is supported, got " +
                            shapeStr(type0.getShape()) + " x " +
                            shapeStr(bT.getShape()));
    if (type0.getDimSize(1) != bT.getDimSize(0))
      return fail(node, "inner dimensions differ: " +
                            shapeStr(type0.getShape()) + " x " +
                            shapeStr(bT.getShape()));
    if (failed(checkResultShape(
            node, {type0.getDimSize(0), bT.getDimSize(1)})))
      return failure();
    out = matmul(loc, ins[0], ins[1]);
  } else if (op == "Gemm") {
    if (failed(convertGemm(node, loc, ins, out)))
      return failure();
  } else if (op == "Flatten" || op == "Reshape" || op == "Transpose") {
    if (failed(convertShapeOp(node, loc, ins, out)))
      return failure();
  } else {
    return fail(node, "unsupported operator");
  }
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
    if (failed(graphType(in, "input", type, /*allowDynamic=*/false)))
      return failure();
    argTypes.push_back(type);
    args.push_back(&in);
  }
  SmallVector<RankedTensorType> declared;
  for (const onnx::ValueInfoProto &o : graph.output()) {
    RankedTensorType type;
    if (failed(graphType(o, "output", type, /*allowDynamic=*/true)))
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
    auto type = cast<RankedTensorType>(v->getType());
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

} // namespace

//===----------------------------------------------------------------------===//
// Public API
//===----------------------------------------------------------------------===//

void qforge::loadONNXImportDialects(MLIRContext &context) {
  context.loadDialect<arith::ArithDialect, func::FuncDialect,
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
