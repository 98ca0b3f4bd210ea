//===- HostTensor.h - Tensors in host memory for the CPU runner -*- C++ -*-===//
//
// Buffers handed to compiled functions, and their conversions from and to
// .npy arrays: shape / dtype checks, bf16 <-> float32, random inputs,
// comparison against a reference, and printing.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_RUNTIME_HOSTTENSOR_H
#define QFORGE_RUNTIME_HOSTTENSOR_H

#include "qforge/Runtime/Signature.h"
#include "qforge/Support/Npy.h"

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

namespace llvm {
class raw_ostream;
} // namespace llvm

namespace qforge {

/// The .npy dtype a tensor of `type` is read from and written as. bf16 has
/// no numpy dtype: it travels as float32 (rounded to nearest even on input).
/// i8 is written as int8 and read from int8 or uint8 (its bits).
NpyDType npyDTypeFor(ElementType type);

/// A dense, row-major, 64-byte aligned tensor of a TensorSpec.
class HostTensor {
public:
  HostTensor() = default;
  /// A zero-filled tensor of `spec`.
  explicit HostTensor(const TensorSpec &spec);

  const TensorSpec &getSpec() const { return spec; }
  void *data() { return storage.get(); }
  const void *data() const { return storage.get(); }

  /// Element `i` (row-major) converted to double.
  double getAsDouble(int64_t i) const;

  /// Builds a tensor of `spec` from `array`. Fails, saying what was expected
  /// and what the array holds, when the shape or the dtype differ.
  static bool fromNpy(const NpyArray &array, const TensorSpec &spec,
                      HostTensor &out, std::string &problem);
  /// The tensor as a .npy array (see npyDTypeFor).
  NpyArray toNpy() const;

  /// A deterministic pseudo-random tensor: floats uniform in [-1, 1), integers
  /// uniform in [-8, 8), i1 0 or 1. The same seed and stream (e.g. the
  /// argument number) give the same values on every machine.
  static HostTensor random(const TensorSpec &spec, uint64_t seed,
                           uint64_t stream);

private:
  struct Free {
    void operator()(void *p) const { std::free(p); }
  };
  TensorSpec spec;
  std::unique_ptr<uint8_t, Free> storage;
};

/// Element `i` of a .npy array converted to double.
double npyElementAsDouble(const NpyArray &array, int64_t i);

/// Compares `got` with the reference `ref` (any numeric dtype, same shape)
/// as numpy.allclose does: |got - ref| <= atol + rtol * |ref|, NaN equal to
/// NaN. Writes a summary to `report`: on a mismatch the count, the largest
/// absolute and relative errors and the first few differing elements.
/// Returns false on a mismatch or a shape difference.
bool compareWithReference(const HostTensor &got, const NpyArray &ref,
                          double rtol, double atol, std::string &report);

/// Prints the values numpy-style, nested by dimension; tensors with more than
/// `maxElements` elements are summarized by their first elements.
void printTensor(llvm::raw_ostream &os, const HostTensor &tensor,
                 int64_t maxElements = 1024);

} // namespace qforge

#endif // QFORGE_RUNTIME_HOSTTENSOR_H
