//===- AOT.h - Ahead-of-time outputs: objects and C headers ----*- C++ -*-===//
//
// What qforge-translate produces from a lowered module: an x86-64 object
// file, and a C header that declares the `_mlir_ciface_` entry points of the
// original module with their memref descriptor structs.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_RUNTIME_AOT_H
#define QFORGE_RUNTIME_AOT_H

#include "qforge/Runtime/Signature.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

namespace llvm {
class Module;
class TargetMachine;
class raw_ostream;
} // namespace llvm

namespace qforge {

/// Compiles `module` (already optimized) to an object file with `tm`.
llvm::Expected<llvm::SmallVector<char, 0>>
emitObjectFile(llvm::Module &module, llvm::TargetMachine &tm);

/// Writes a C header declaring `void _mlir_ciface_<name>(...)` for every
/// signature, with the descriptor structs they use (guarded, so that several
/// generated headers can be included together) and a comment per parameter
/// giving its shape and element type. `guard` names the include guard;
/// `source` and `cpu` are mentioned in the opening comment. Fails, naming
/// the function, when a signature is unsupported or its name is not a C
/// identifier.
llvm::Error emitCHeader(llvm::ArrayRef<FunctionSignature> signatures,
                        llvm::StringRef guard, llvm::StringRef source,
                        llvm::StringRef cpu, llvm::raw_ostream &os);

/// An include guard derived from a file name: "out/model.h" -> "MODEL_H".
std::string headerGuardFor(llvm::StringRef path);

} // namespace qforge

#endif // QFORGE_RUNTIME_AOT_H
