//===- CalibrationData.cpp - Observed activations on disk -----------------===//

#include "CalibrationData.h"

#include "qforge/Support/Npy.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/Path.h"

#include <cstring>

std::optional<mlir::qf::Activations>
mlir::qf::readActivations(const std::string &dir, const std::string &name,
                          int64_t k, std::string &error) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, name + ".npy");
  std::string file = path.str().str();
  qforge::NpyArray x;
  if (!qforge::readNpyFile(file, x, error))
    return std::nullopt;
  if (x.dtype != qforge::NpyDType::F32 || x.shape.size() < 2 ||
      x.shape.back() != k) {
    error = file + ": expected float32 activations with last dimension " +
            std::to_string(k) + ", got " + x.describe();
    return std::nullopt;
  }
  Activations a;
  a.k = k;
  a.rows = x.numElements() / k;
  if (a.rows == 0) {
    error = file + ": holds no activations";
    return std::nullopt;
  }
  a.values.resize(static_cast<size_t>(a.rows * k));
  std::memcpy(a.values.data(), x.data.data(), a.values.size() * sizeof(float));
  return a;
}
