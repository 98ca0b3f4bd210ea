//===- SafeTensors.h - Reading and writing .safetensors files ---*- C++ -*-===//
//
// The safetensors format: an 8-byte little-endian header length N, N bytes
// of JSON header, then the tensor data. The header maps each tensor name to
// {"dtype", "shape", "data_offsets": [begin, end]} (offsets into the data
// section) and may hold "__metadata__", a map of strings. Readers check
// everything (header bounds, JSON syntax, dtypes, shapes, offsets that
// match the shapes, lie inside the file, and neither overlap nor leave
// gaps), so a corrupt or truncated file is a clear error, never a crash.
// Plain C++: no LLVM inside.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_SUPPORT_SAFETENSORS_H
#define QFORGE_SUPPORT_SAFETENSORS_H

#include "qforge/Support/Npy.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace qforge {

/// The contents of a safetensors file: string metadata and named arrays
/// (little-endian, C order, as NpyArray).
struct SafeTensors {
  std::vector<std::pair<std::string, std::string>> metadata;
  std::vector<std::pair<std::string, NpyArray>> tensors;

  /// The tensor `name`, or null.
  const NpyArray *find(std::string_view name) const;
  /// The metadata value of `key`, or null.
  const std::string *findMetadata(std::string_view key) const;
};

/// The safetensors name of `dtype`: "F32", "I64", "BOOL", ...
const char *safeTensorsDTypeName(NpyDType dtype);

/// Serializes `st`: the metadata and the tensors in the order given, data
/// aligned to 8 bytes. Deterministic: the same contents give the same
/// bytes. Fails on duplicate or empty names and on arrays whose data does
/// not match their shape.
bool serializeSafeTensors(const SafeTensors &st, std::string &bytes,
                          std::string &error);

/// Parses safetensors bytes; `name` names them in messages. Tensors come
/// out in the order of their data offsets.
bool parseSafeTensors(std::string_view bytes, std::string_view name,
                      SafeTensors &st, std::string &error);

/// Reads / writes (atomically) a .safetensors file.
bool readSafeTensorsFile(const std::string &path, SafeTensors &st,
                         std::string &error);
bool writeSafeTensorsFile(const std::string &path, const SafeTensors &st,
                          std::string &error);

} // namespace qforge

#endif // QFORGE_SUPPORT_SAFETENSORS_H
