//===- InitAll.h - Register every qforge dialect and pass -------*- C++ -*-===//
//
// One place for tools and embedding compilers to register what qforge
// provides and the upstream dialects its IR uses.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_INITALL_H
#define QFORGE_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace qforge {

/// Registers the qf dialect, the upstream dialects qforge's IR and its x86
/// pipeline use (func, arith, math, tensor, linalg, memref, bufferization,
/// scf, cf, llvm, quant), the func inliner and the bufferization models.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers qforge's passes and conversions, and the upstream general
/// transforms (canonicalize, cse, ...).
void registerAllPasses();

} // namespace qforge

#endif // QFORGE_INITALL_H
