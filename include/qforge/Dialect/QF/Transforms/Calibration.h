//===- Calibration.h - Calibration statistics and the IR --------*- C++ -*-===//
//
// What ties a calibration file (qforge/Quantization/CalibrationFile.h) to a
// module: the model fingerprint, and the `qf.calibration` attribute that
// `-qf-attach-calibration` puts on each qf.observe op and the quantization
// passes read.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_DIALECT_QF_TRANSFORMS_CALIBRATION_H
#define QFORGE_DIALECT_QF_TRANSFORMS_CALIBRATION_H

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Quantization/CalibrationFile.h"

#include "mlir/IR/BuiltinOps.h"

#include <optional>
#include <string>

namespace mlir::qf {

/// The name of the attribute -qf-attach-calibration sets on qf.observe ops.
constexpr const char *kCalibrationAttrName = "qf.calibration";

/// The layer name of an op at `loc`: the first NameLoc in it (the ONNX node
/// name qforge-import records), made usable as a file name: characters
/// other than letters, digits, '_', '-' and '.' become '.', and leading or
/// trailing ones are dropped ("/blocks.0/q/MatMul" is "blocks.0.q.MatMul").
/// "" when the location has no name.
std::string layerName(Location loc);

/// The layer name of a weight quantize, as reports give it: the location
/// name of the qf.matmul that takes it as rhs (else of the op itself), else
/// the observed input's name without ".input", else "layer<N>" with N from
/// `unnamed` (incremented). Walking a module's quantizes in order names them
/// the same way every time.
std::string weightLayerName(QuantizeOp op, unsigned &unnamed);

/// The attribute qf-mark-quantizable sets on matmuls with constant weights:
/// `false` for an excluded layer, or a dictionary {layer = "...",
/// [bits = N], [group = G]} for a selected one.
constexpr const char *kQuantizableAttrName = "qf.quantizable";
/// Set by qf-quantize-weights on the qf.quantize of a layer whose width a
/// recipe fixed: qf-allocate-bits leaves it alone.
constexpr const char *kFixedWidthAttrName = "qf.fixed_width";

/// A fingerprint (16 hex digits) of what calibration statistics depend on:
/// the names and channel counts of the module's qf.observe ops and the
/// shapes and data of its float constants (the weights), each hashed on its
/// own and the hashes sorted. Neither the batch size nor the order of the
/// ops changes it.
std::string calibrationFingerprint(ModuleOp module);

/// Encodes `record` as the qf.calibration dictionary.
DictionaryAttr encodeCalibration(MLIRContext *context,
                                 const qforge::CalibrationRecord &record);

/// The record attached to `op`, or nullopt when none is; `error` is set
/// (and nullopt returned) when the attribute is malformed.
std::optional<qforge::CalibrationRecord>
attachedCalibration(ObserveOp op, std::string &error);

} // namespace mlir::qf

#endif // QFORGE_DIALECT_QF_TRANSFORMS_CALIBRATION_H
