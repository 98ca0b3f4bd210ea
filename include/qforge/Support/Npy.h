//===- Npy.h - Reading and writing NumPy .npy files -------------*- C++ -*-===//
//
// A small, defensive reader and writer for the .npy format (versions 1.0,
// 2.0 and 3.0), limited to C-order arrays of little-endian scalar dtypes.
// Every failure is reported as a message naming the file and the problem;
// malformed or truncated input never crashes. Plain C++: no LLVM inside.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_SUPPORT_NPY_H
#define QFORGE_SUPPORT_NPY_H

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace qforge {

/// The element types qforge reads and writes.
enum class NpyDType { F16, F32, F64, I8, U8, I16, I32, I64, Bool };

/// Bytes per element of `dtype`.
size_t npyItemSize(NpyDType dtype);

/// The numpy descr string written to headers: "<f4", "|u1", "|b1", ...
const char *npyDescr(NpyDType dtype);

/// The numpy name of `dtype`: "float32", "uint8", "bool", ...
const char *npyDTypeName(NpyDType dtype);

/// A C-order array: `data` holds `numElements() * npyItemSize(dtype)` bytes
/// in little-endian order. A rank-0 array (empty shape) has one element.
struct NpyArray {
  NpyDType dtype = NpyDType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;

  /// The product of `shape` (1 for rank 0).
  int64_t numElements() const;
  /// "4x8 float32", "scalar bool": shape and dtype for messages.
  std::string describe() const;
};

/// Formats a shape as "4x8" ("scalar" for rank 0).
std::string formatNpyShape(const std::vector<int64_t> &shape);

/// Parses the bytes of a .npy file. On failure returns false and sets `error`
/// to "<name>: <problem>"; `array` is then unspecified.
bool parseNpy(std::string_view bytes, std::string_view name, NpyArray &array,
              std::string &error);

/// Reads and parses the .npy file at `path` (errors as for parseNpy, named
/// after `path`).
bool readNpyFile(const std::string &path, NpyArray &array, std::string &error);

/// Serializes `array` to .npy bytes: version 1.0 when the header fits in
/// 65535 bytes, else 2.0; the header is padded with spaces so that the data
/// starts at a multiple of 64 bytes. Returns false (and sets `error`) when
/// `data` does not hold exactly the bytes the shape and dtype call for, or a
/// dimension is negative.
bool serializeNpy(const NpyArray &array, std::string &bytes,
                  std::string &error);

/// Writes `array` to `path` atomically: the bytes go to a temporary file in
/// the same directory, which is renamed over `path` only once it is complete.
/// On failure nothing is left behind and `error` names the file.
bool writeNpyFile(const std::string &path, const NpyArray &array,
                  std::string &error);

} // namespace qforge

#endif // QFORGE_SUPPORT_NPY_H
