//===- ONNXImporterImpl.h - The ONNX importer's private parts ---*- C++ -*-===//
//
// The Importer class shared by the files of the ONNX front end:
//   ONNXImporter.cpp    model, tensors, graph inputs, dispatch, public API
//   ONNXMathOps.cpp     elementwise, MatMul/Gemm, Softmax, reductions, norms
//   ONNXNNOps.cpp       Conv, MaxPool, AveragePool, GlobalAveragePool
//   ONNXTensorOps.cpp   shape and data movement ops, int64 constant folding
//   ONNXQDQOps.cpp      QuantizeLinear, DequantizeLinear, MatMulInteger,
//                       QLinearMatMul as qf ops
//
// Tensors are either MLIR values (graph inputs and results of converted
// nodes) or constant data (initializers, Constant nodes and everything
// folded from them at import time, Shape-derived chains included). Data
// becomes an MLIR value only when an op needs it as one.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_LIB_FRONTEND_ONNXIMPORTERIMPL_H
#define QFORGE_LIB_FRONTEND_ONNXIMPORTERIMPL_H

#include "qforge/Frontend/ONNXImporter.h"
#include "qforge/Quantization/Scheme.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <functional>
#include <string>
#include <vector>

namespace qforge::onnx_import {

using mlir::ArrayRef;
using mlir::failure;
using mlir::FailureOr;
using mlir::Location;
using mlir::LogicalResult;
using mlir::SmallVector;
using mlir::StringRef;
using mlir::success;
using mlir::Twine;
using mlir::Value;

/// The largest number of elements the importer accepts in one tensor.
constexpr int64_t kMaxElements = int64_t(1) << 31;

/// Constant data: an initializer, a Constant node or a folded result.
/// Floating-point data is held as f32 (`f32`), integer and bool data as
/// int64 (`i64`); `dtype` is the ONNX data type it stands for.
struct ConstTensor {
  int32_t dtype = 0;
  SmallVector<int64_t> dims;
  std::vector<float> f32;
  std::vector<int64_t> i64;

  bool isFloat() const;
  bool isInteger() const;
  /// Does the tensor hold data (a supported dtype)?
  bool hasData() const { return isFloat() || isInteger(); }
  int64_t size() const;
  /// Element `i` as a double, whatever the storage.
  double at(int64_t i) const { return isFloat() ? f32[i] : double(i64[i]); }
};

/// The quantization parameters of an ONNX QDQ operand: 8-bit integer codes
/// (INT8 -> signed, UINT8 -> unsigned), per tensor or per axis, with zero
/// points when any is non-zero.
struct QParams {
  qforge::Scheme scheme;
  int32_t dtype = 0;
  std::vector<float> scales;
  /// Empty for symmetric schemes.
  std::vector<int32_t> zeroPoints;
  bool operator==(const QParams &o) const {
    return scheme == o.scheme && scales == o.scales &&
           zeroPoints == o.zeroPoints;
  }
};

/// Product of `dims`, or -1 when a dimension is negative or the product of
/// the non-zero dimensions exceeds kMaxElements.
int64_t numElements(ArrayRef<int64_t> dims);
/// Formats a shape as "2x3x4" (or "scalar").
std::string shapeStr(ArrayRef<int64_t> dims);
/// Normalizes an ONNX axis (negative counts from the end); -1 if invalid.
int64_t normAxis(int64_t axis, int64_t rank);
/// The ONNX name of a data type ("FLOAT", "INT64", ...).
std::string dtypeName(int32_t dtype);
/// The attribute `name` of `node`, or null.
const onnx::AttributeProto *findAttr(const onnx::NodeProto &node,
                                     StringRef name);
/// The name of `node` for messages and locations.
std::string nodeName(const onnx::NodeProto &node);
/// The shape of a ranked tensor value.
ArrayRef<int64_t> shapeOf(Value v);

/// Converts one ONNX graph into a func.func @main.
class Importer {
public:
  Importer(mlir::MLIRContext &ctx, StringRef fileName,
           const qforge::ONNXImportOptions &options, std::string &error);

  /// Builds @main from `model` into `module`.
  LogicalResult run(const onnx::ModelProto &model, mlir::ModuleOp module);

  /// The converter of one operator: `ins` holds the value of every input
  /// (null for an omitted one and for inputs the op reads as data).
  using ConvertFn = LogicalResult (Importer::*)(const onnx::NodeProto &,
                                                Location, ArrayRef<Value>,
                                                Value &);
  using BodyFn =
      std::function<Value(mlir::OpBuilder &, Location, mlir::ValueRange)>;

  //===--- Diagnostics and attributes (ONNXImporter.cpp) ------------------===//

  /// Records a failure of `node` and returns it.
  LogicalResult fail(const onnx::NodeProto &node, const Twine &msg);
  LogicalResult checkResultShape(const onnx::NodeProto &node,
                                 ArrayRef<int64_t> shape);
  LogicalResult checkAttrType(const onnx::NodeProto &node,
                              const onnx::AttributeProto &a,
                              onnx::AttributeProto::AttributeType type);
  LogicalResult intAttr(const onnx::NodeProto &node, StringRef name,
                        int64_t dflt, int64_t &out);
  /// Reads the INT attribute `name`, which must be given.
  LogicalResult requiredIntAttr(const onnx::NodeProto &node, StringRef name,
                                int64_t &out);
  LogicalResult floatAttr(const onnx::NodeProto &node, StringRef name,
                          float dflt, float &out);
  LogicalResult stringAttr(const onnx::NodeProto &node, StringRef name,
                           StringRef dflt, std::string &out);
  /// Reads an INTS attribute; `present` tells whether it was given.
  LogicalResult intsAttr(const onnx::NodeProto &node, StringRef name,
                         SmallVector<int64_t> &out, bool *present = nullptr);
  /// Fails unless `v` has an f32 element type (the float ops' operands).
  LogicalResult expectF32(const onnx::NodeProto &node, Value v,
                          StringRef what);

  //===--- Tensors (ONNXImporter.cpp) -------------------------------------===//

  LogicalResult readTensor(const onnx::TensorProto &t, StringRef what,
                           ConstTensor &out);
  /// The MLIR value of tensor `name` used by `node`; materializes data.
  FailureOr<Value> get(const onnx::NodeProto &node, StringRef name);
  /// The constant data `name` (an initializer, a Constant node or folded).
  FailureOr<const ConstTensor *> getData(const onnx::NodeProto &node,
                                         StringRef name, StringRef what);
  /// The int64 data of the constant tensor `name` (a shape operand).
  FailureOr<const ConstTensor *> getConst(const onnx::NodeProto &node,
                                          StringRef name);
  /// Reads optional input `index` of `node` as a 1-D int64 list into `out`
  /// when given; `present` tells whether it was.
  LogicalResult optionalInts(const onnx::NodeProto &node, int index,
                             SmallVector<int64_t> &out, bool &present);
  /// The data of `name` if it is constant, else null.
  const ConstTensor *constData(StringRef name) const;
  /// Materializes constant data as an MLIR constant value.
  Value materialize(const ConstTensor &c, StringRef name, Location loc);

  //===--- Building blocks (ONNXImporter.cpp) -----------------------------===//

  mlir::Type f32() { return b.getF32Type(); }
  Value emptyLike(Location loc, ArrayRef<int64_t> shape,
                  mlir::Type elementType = {});
  Value f32Const(Location loc, float v);
  Value elementwise(Location loc, ArrayRef<Value> ins,
                    ArrayRef<int64_t> outShape, const BodyFn &body,
                    mlir::Type elementType = {});
  FailureOr<SmallVector<int64_t>> broadcastShape(const onnx::NodeProto &node,
                                                 ArrayRef<Value> ins);
  FailureOr<SmallVector<int64_t>>
  broadcastShapes(const onnx::NodeProto &node,
                  ArrayRef<SmallVector<int64_t>> shapes);
  Value reshapeTo(Location loc, Value v, ArrayRef<int64_t> shape);
  Value transpose(Location loc, Value v, ArrayRef<int64_t> perm);
  Value matmul(Location loc, Value a, Value bm);
  Value fill(Location loc, ArrayRef<int64_t> shape, float value);
  /// Sums (or takes the max of) `v` over `axes` (sorted, distinct); the
  /// reduced dimensions are dropped.
  Value reduce(Location loc, Value v, ArrayRef<int64_t> axes, bool max);
  /// Mean of `v` over `axes` (sorted, distinct), keeping them as size 1.
  Value mean(Location loc, Value v, ArrayRef<int64_t> axes);

  //===--- Operators ------------------------------------------------------===//

  // ONNXMathOps.cpp
  LogicalResult convertIdentity(const onnx::NodeProto &, Location,
                                ArrayRef<Value>, Value &);
  LogicalResult convertBinary(const onnx::NodeProto &, Location,
                              ArrayRef<Value>, Value &);
  LogicalResult convertUnary(const onnx::NodeProto &, Location,
                             ArrayRef<Value>, Value &);
  LogicalResult convertPow(const onnx::NodeProto &, Location, ArrayRef<Value>,
                           Value &);
  LogicalResult convertSoftmax(const onnx::NodeProto &, Location,
                               ArrayRef<Value>, Value &);
  LogicalResult convertMatMul(const onnx::NodeProto &, Location,
                              ArrayRef<Value>, Value &);
  LogicalResult convertGemm(const onnx::NodeProto &, Location,
                            ArrayRef<Value>, Value &);
  LogicalResult convertReduce(const onnx::NodeProto &, Location,
                              ArrayRef<Value>, Value &);
  LogicalResult convertLayerNorm(const onnx::NodeProto &, Location,
                                 ArrayRef<Value>, Value &);
  // ONNXNNOps.cpp
  LogicalResult convertConv(const onnx::NodeProto &, Location,
                            ArrayRef<Value>, Value &);
  LogicalResult convertPool(const onnx::NodeProto &, Location,
                            ArrayRef<Value>, Value &);
  LogicalResult convertGlobalAveragePool(const onnx::NodeProto &, Location,
                                         ArrayRef<Value>, Value &);
  // ONNXTensorOps.cpp
  LogicalResult convertShapeOp(const onnx::NodeProto &, Location,
                               ArrayRef<Value>, Value &);
  LogicalResult convertConcat(const onnx::NodeProto &, Location,
                              ArrayRef<Value>, Value &);
  LogicalResult convertSlice(const onnx::NodeProto &, Location,
                             ArrayRef<Value>, Value &);
  LogicalResult convertGather(const onnx::NodeProto &, Location,
                              ArrayRef<Value>, Value &);
  LogicalResult convertCast(const onnx::NodeProto &, Location,
                            ArrayRef<Value>, Value &);
  /// Evaluates `node` at import time when all its inputs are constant data
  /// (or, for Shape, have static shapes). Sets `folded` when it did.
  LogicalResult tryFold(const onnx::NodeProto &node, bool &folded);
  // ONNXQDQOps.cpp
  LogicalResult convertQuantizeLinear(const onnx::NodeProto &, Location,
                                      ArrayRef<Value>, Value &);
  LogicalResult convertDequantizeLinear(const onnx::NodeProto &, Location,
                                        ArrayRef<Value>, Value &);
  LogicalResult convertMatMulInteger(const onnx::NodeProto &, Location,
                                     ArrayRef<Value>, Value &);
  LogicalResult convertQLinearMatMul(const onnx::NodeProto &, Location,
                                     ArrayRef<Value>, Value &);

  mlir::MLIRContext &ctx;
  mlir::OpBuilder b;
  const qforge::ONNXImportOptions &options;
  std::string &error;
  Location fileLoc;
  int64_t opset = 0;
  llvm::StringMap<Value> values;
  llvm::StringMap<ConstTensor> consts;
  /// The ONNX data type of values whose MLIR type does not tell it (i8 is
  /// INT8 or UINT8).
  llvm::StringMap<int32_t> valueDtypes;
  /// The parameters of each quantized (!qf.qtensor) value, by ONNX name.
  llvm::StringMap<QParams> qparams;

  /// Reads the scale (input `scaleIdx`) and optional zero point (input
  /// `zpIdx`) of `node` for a tensor of shape `shape`; `axis` is the axis of
  /// per-axis parameters (already normalized, or -1 to forbid them).
  FailureOr<QParams> readQParams(const onnx::NodeProto &node, int scaleIdx,
                                 int zpIdx, ArrayRef<int64_t> shape,
                                 int64_t axis);
  /// Input `idx` of `node` as a quantized value with parameters `p`: a
  /// quantized value (whose parameters must be `p`), constant codes (a
  /// qf.constant) or integer codes at run time (qf.from_blob).
  FailureOr<Value> asQuantized(const onnx::NodeProto &node, int idx,
                               const QParams &p, Location loc);

private:
  LogicalResult checkModel(const onnx::ModelProto &model);
  LogicalResult graphType(const onnx::ValueInfoProto &info, StringRef what,
                          mlir::RankedTensorType &type, int32_t &dtype,
                          bool allowDynamic);
  LogicalResult convertNode(const onnx::NodeProto &node);
  LogicalResult convertConstant(const onnx::NodeProto &node);
  LogicalResult checkNewName(const onnx::NodeProto &node, StringRef name);
};

/// One supported operator: its input arity [minInputs, maxInputs] (inputs
/// from minInputs on are optional), a bit per input read as constant data
/// rather than as a value, and its converter.
struct OpInfo {
  StringRef name;
  int minInputs, maxInputs;
  unsigned dataInputs;
  Importer::ConvertFn convert;
};

/// The table entry of operator `op`, or null when it is not supported.
const OpInfo *lookupOp(StringRef op);

/// The MLIR element type of ONNX data type `dtype` (signless integers), or
/// null when values of that type are not supported.
mlir::Type elementTypeOf(mlir::Builder &b, int32_t dtype);

} // namespace qforge::onnx_import

#endif // QFORGE_LIB_FRONTEND_ONNXIMPORTERIMPL_H
