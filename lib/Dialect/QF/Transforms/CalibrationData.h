//===- CalibrationData.h - Observed activations on disk ---------*- C++ -*-===//
//
// The calibration flow writes the values of each qf.observe to
// <dir>/<name>.npy (-qf-expose-observed, then qforge-run); the passes that
// use them read them here.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_LIB_DIALECT_QF_TRANSFORMS_CALIBRATIONDATA_H
#define QFORGE_LIB_DIALECT_QF_TRANSFORMS_CALIBRATIONDATA_H

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlir::qf {

/// Activations as a rows x k row-major matrix.
struct Activations {
  std::vector<float> values;
  int64_t rows = 0, k = 0;
};

/// Reads `<dir>/<name>.npy`: float32, at least rank 2, last dimension `k`,
/// at least one row. nullopt with `error` (naming the file) otherwise.
std::optional<Activations> readActivations(const std::string &dir,
                                           const std::string &name, int64_t k,
                                           std::string &error);

} // namespace mlir::qf

#endif // QFORGE_LIB_DIALECT_QF_TRANSFORMS_CALIBRATIONDATA_H
