//===- FileIO.h - Whole-file reads and atomic writes ------------*- C++ -*-===//
//
// Plain C++ (POSIX): reading a file into memory, and writing one so that a
// failure (or a crash) never leaves a partial file under the final name.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_SUPPORT_FILEIO_H
#define QFORGE_SUPPORT_FILEIO_H

#include <string>
#include <string_view>

namespace qforge {

/// Reads the whole file `path` into `bytes`. On failure returns false with
/// `error` = "<path>: cannot open/read: <reason>".
bool readFileBytes(const std::string &path, std::string &bytes,
                   std::string &error);

/// Writes `bytes` to a temporary file next to `path` and renames it over
/// `path` once complete; the file gets the permissions a plain create would
/// give it. On failure nothing is left behind and `error` names the file.
bool writeFileAtomically(const std::string &path, std::string_view bytes,
                         std::string &error);

} // namespace qforge

#endif // QFORGE_SUPPORT_FILEIO_H
