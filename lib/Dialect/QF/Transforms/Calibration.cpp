//===- Calibration.cpp - Calibration statistics and the IR ----------------===//

#include "qforge/Dialect/QF/Transforms/Calibration.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <cmath>
#include <cstring>

#include "llvm/ADT/StringExtras.h"

using namespace mlir;
using namespace mlir::qf;

std::string mlir::qf::layerName(Location loc) {
  std::string name;
  loc->walk([&](Location l) {
    if (auto named = dyn_cast<NameLoc>(l)) {
      name = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  std::string clean;
  for (char c : name) {
    bool keep = llvm::isAlnum(c) || c == '_' || c == '-' || c == '.';
    if (keep)
      clean += c;
    else if (!clean.empty() && clean.back() != '.')
      clean += '.';
  }
  while (!clean.empty() && clean.back() == '.')
    clean.pop_back();
  return clean;
}

std::string mlir::qf::weightLayerName(QuantizeOp op, unsigned &unnamed) {
  MatmulOp use;
  for (Operation *user : op.getResult().getUsers())
    if (auto mm = dyn_cast<MatmulOp>(user))
      if (mm.getRhs() == op.getResult())
        use = mm;
  std::string name = layerName(use ? use.getLoc() : op.getLoc());
  if (name.empty() && use)
    if (auto observe = use.getLhs().getDefiningOp<ObserveOp>()) {
      StringRef n = observe.getName();
      n.consume_back(".input");
      name = n.str();
    }
  if (name.empty())
    name = "layer" + std::to_string(unnamed++);
  return name;
}

std::string mlir::qf::calibrationFingerprint(ModuleOp module) {
  // One hash per observed tensor (name, channels) and per float constant
  // (shape, data), sorted: the fingerprint does not depend on the order of
  // the ops (which importers and canonicalization may change).
  std::vector<uint64_t> parts;
  module.walk([&](Operation *op) {
    if (auto observe = dyn_cast<ObserveOp>(op)) {
      std::string name = observe.getName().str();
      uint64_t h = qforge::fnv1a64("observe", 7);
      h = qforge::fnv1a64(name.data(), name.size() + 1, h);
      int64_t k = 0;
      if (auto type = dyn_cast<RankedTensorType>(observe.getType()))
        k = type.getRank() ? type.getShape().back() : 1;
      parts.push_back(qforge::fnv1a64(&k, sizeof(k), h));
      return;
    }
    auto constant = dyn_cast<arith::ConstantOp>(op);
    if (!constant)
      return;
    auto type = dyn_cast<RankedTensorType>(constant.getType());
    if (!type || !type.getElementType().isF32())
      return;
    std::optional<ArrayRef<char>> raw;
    if (auto dense = dyn_cast<DenseElementsAttr>(constant.getValue()))
      raw = dense.getRawData();
    else if (auto res =
                 dyn_cast<DenseResourceElementsAttr>(constant.getValue()))
      if (AsmResourceBlob *blob = res.getRawHandle().getBlob())
        raw = blob->getData();
    if (!raw)
      return;
    uint64_t h = qforge::fnv1a64("constant", 8);
    for (int64_t d : type.getShape())
      h = qforge::fnv1a64(&d, sizeof(d), h);
    parts.push_back(qforge::fnv1a64(raw->data(), raw->size(), h));
  });
  llvm::sort(parts);
  uint64_t h = qforge::fnv1a64("qforge-model", 12);
  for (uint64_t p : parts)
    h = qforge::fnv1a64(&p, sizeof(p), h);
  return qforge::hashHex(h);
}

namespace {

/// A dense_resource attribute holding `values` (named after `key`).
template <typename T>
ElementsAttr resourceOf(MLIRContext *ctx, ArrayRef<int64_t> shape,
                        Type elementType, const std::vector<T> &values,
                        StringRef key) {
  auto type = RankedTensorType::get(shape, elementType);
  AsmResourceBlob blob =
      HeapAsmResourceBlob::allocateAndCopyInferAlign(ArrayRef<T>(values));
  return DenseResourceElementsAttr::get(type, key, std::move(blob));
}

/// The raw data of a dense or dense_resource attribute.
std::optional<ArrayRef<char>> rawData(Attribute attr) {
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(attr)) {
    if (dense.isSplat())
      return std::nullopt;
    return dense.getRawData();
  }
  if (auto res = dyn_cast_or_null<DenseResourceElementsAttr>(attr))
    if (AsmResourceBlob *blob = res.getRawHandle().getBlob())
      return blob->getData();
  return std::nullopt;
}

template <typename T>
bool readVector(DictionaryAttr dict, StringRef key, int64_t count,
                std::vector<T> &out) {
  auto elements = dyn_cast_or_null<ShapedType>(
      dyn_cast_or_null<TypedAttr>(dict.get(key))
          ? cast<TypedAttr>(dict.get(key)).getType()
          : Type());
  std::optional<ArrayRef<char>> raw = rawData(dict.get(key));
  if (!elements || !raw || elements.getNumElements() != count ||
      raw->size() != size_t(count) * sizeof(T))
    return false;
  out.resize(size_t(count));
  std::memcpy(out.data(), raw->data(), raw->size());
  return true;
}

} // namespace

DictionaryAttr
mlir::qf::encodeCalibration(MLIRContext *ctx,
                            const qforge::CalibrationRecord &r) {
  Builder b(ctx);
  std::string key = r.name;
  for (char &c : key)
    if (!llvm::isAlnum(c) && c != '_' && c != '.')
      c = '_';
  int64_t k = r.channels;
  std::vector<int64_t> hist(r.histogram.begin(), r.histogram.end());
  SmallVector<NamedAttribute> fields = {
      b.getNamedAttr("max_abs", resourceOf(ctx, {k}, b.getF64Type(),
                                           r.channelAbsMax, key + ".max_abs")),
      b.getNamedAttr("rows", b.getI64IntegerAttr(r.rows)),
      b.getNamedAttr("min", b.getF64FloatAttr(r.min)),
      b.getNamedAttr("max", b.getF64FloatAttr(r.max)),
      b.getNamedAttr("abs_max", b.getF64FloatAttr(r.absMax)),
      b.getNamedAttr("histogram_upper", b.getF64FloatAttr(r.histogramUpper)),
      b.getNamedAttr("nans", b.getI64IntegerAttr(int64_t(r.nans))),
      b.getNamedAttr("mean_abs", resourceOf(ctx, {k}, b.getF64Type(),
                                            r.meanAbs, key + ".mean_abs")),
      b.getNamedAttr("mean_sq", resourceOf(ctx, {k}, b.getF64Type(),
                                           r.meanSquare, key + ".mean_sq")),
  };
  if (!hist.empty())
    fields.push_back(b.getNamedAttr(
        "histogram", resourceOf(ctx, {int64_t(hist.size())}, b.getI64Type(),
                                hist, key + ".histogram")));
  if (!r.gram.empty())
    fields.push_back(b.getNamedAttr(
        "gram", resourceOf(ctx, {k, k}, b.getF64Type(), r.gram, key + ".gram")));
  if (r.gain >= 0) {
    fields.push_back(b.getNamedAttr("gain", b.getF64FloatAttr(r.gain)));
    fields.push_back(
        b.getNamedAttr("gain_probe", b.getF64FloatAttr(r.gainProbe)));
    fields.push_back(b.getNamedAttr(
        "gain_bits", b.getI64IntegerAttr(int64_t(r.gainBits))));
    if (r.gainKL >= 0)
      fields.push_back(b.getNamedAttr("gain_kl", b.getF64FloatAttr(r.gainKL)));
    if (r.gainMult >= 0) {
      fields.push_back(
          b.getNamedAttr("gain_mult", b.getF64FloatAttr(r.gainMult)));
      fields.push_back(
          b.getNamedAttr("gain_mult_kl", b.getF64FloatAttr(r.gainMultKL)));
      fields.push_back(b.getNamedAttr("gain_mult_probe",
                                      b.getF64FloatAttr(r.gainMultProbe)));
    }
  }
  return b.getDictionaryAttr(fields);
}

std::optional<qforge::CalibrationRecord>
mlir::qf::attachedCalibration(ObserveOp op, std::string &error) {
  Attribute attr = op->getAttr(kCalibrationAttrName);
  if (!attr)
    return std::nullopt;
  auto fail = [&](const std::string &what) {
    error = "the qf.calibration attribute of '" + op.getName().str() +
            "' is malformed: " + what;
    return std::nullopt;
  };
  auto dict = dyn_cast<DictionaryAttr>(attr);
  if (!dict)
    return fail("not a dictionary");
  qforge::CalibrationRecord r;
  r.name = op.getName().str();
  auto intField = [&](StringRef key, int64_t &out) {
    auto a = dyn_cast_or_null<IntegerAttr>(dict.get(key));
    if (a)
      out = a.getInt();
    return bool(a);
  };
  auto floatField = [&](StringRef key, double &out) {
    auto a = dyn_cast_or_null<FloatAttr>(dict.get(key));
    if (a)
      out = a.getValueAsDouble();
    return bool(a);
  };
  int64_t nans = 0;
  if (!intField("rows", r.rows) || !intField("nans", nans) ||
      !floatField("min", r.min) || !floatField("max", r.max) ||
      !floatField("abs_max", r.absMax) ||
      !floatField("histogram_upper", r.histogramUpper) || r.rows < 1)
    return fail("rows, nans, min, max, abs_max or histogram_upper missing");
  r.nans = uint64_t(nans);
  auto type = dyn_cast<RankedTensorType>(op.getType());
  r.channels = type && type.getRank() ? type.getShape().back() : 1;
  std::vector<int64_t> hist;
  if ((dict.get("histogram") &&
       !readVector(dict, "histogram", qforge::TensorStats::kBins, hist)) ||
      !readVector(dict, "mean_abs", r.channels, r.meanAbs) ||
      !readVector(dict, "mean_sq", r.channels, r.meanSquare) ||
      !readVector(dict, "max_abs", r.channels, r.channelAbsMax))
    return fail("histogram, mean_abs, mean_sq or max_abs missing or of the "
                "wrong size (or its resource was not loaded)");
  r.histogram.assign(hist.begin(), hist.end());
  if (dict.get("gram") &&
      !readVector(dict, "gram", r.channels * r.channels, r.gram))
    return fail("gram of the wrong size");
  if (dict.get("gain")) {
    int64_t bits = 0;
    if (!floatField("gain", r.gain) ||
        !floatField("gain_probe", r.gainProbe) ||
        !intField("gain_bits", bits) || bits < 1 || bits > 8 || r.gain < 0)
      return fail("gain, gain_probe or gain_bits malformed");
    r.gainBits = unsigned(bits);
    if (dict.get("gain_kl") && (!floatField("gain_kl", r.gainKL) ||
                                !(r.gainKL >= 0) || !std::isfinite(r.gainKL)))
      return fail("gain_kl malformed");
    if (dict.get("gain_mult") &&
        (!floatField("gain_mult", r.gainMult) ||
         !floatField("gain_mult_kl", r.gainMultKL) ||
         !floatField("gain_mult_probe", r.gainMultProbe) ||
         !(r.gainMult >= 0) || !std::isfinite(r.gainMult) ||
         !std::isfinite(r.gainMultKL)))
      return fail("gain_mult, gain_mult_kl or gain_mult_probe malformed");
  }
  return r;
}
