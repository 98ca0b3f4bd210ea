//===- AOT.cpp - Ahead-of-time outputs: objects and C headers -------------===//

#include "qforge/Runtime/AOT.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"
#include "llvm/Target/TargetMachine.h"

#include <set>

using namespace qforge;

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The C type of one element, and a note on its encoding if not obvious.
std::pair<const char *, const char *> cTypeOf(ElementType type) {
  switch (type) {
  case ElementType::F32:
    return {"float", ""};
  case ElementType::F64:
    return {"double", ""};
  case ElementType::F16:
    return {"uint16_t", ", IEEE half bits"};
  case ElementType::BF16:
    return {"uint16_t", ", bfloat16 bits"};
  case ElementType::I8:
    return {"int8_t", ""};
  case ElementType::I16:
    return {"int16_t", ""};
  case ElementType::I32:
    return {"int32_t", ""};
  case ElementType::I64:
    return {"int64_t", ""};
  case ElementType::I1:
    return {"uint8_t", ", 0 or 1"};
  }
  return {"uint8_t", ""};
}

std::string structName(const TensorSpec &spec) {
  return "qforge_memref_" + std::to_string(spec.shape.size()) + "d_" +
         elementTypeName(spec.elementType);
}

/// Declares the descriptor struct of rank / element type of `spec` and a
/// constructor for dense row-major buffers.
void emitStruct(const TensorSpec &spec, llvm::raw_ostream &os) {
  std::string name = structName(spec);
  std::string guard = llvm::StringRef(name).upper();
  size_t rank = spec.shape.size();
  const char *cType = cTypeOf(spec.elementType).first;
  os << "#ifndef " << guard << "\n#define " << guard << "\n"
     << "/* A rank-" << rank << " memref of "
     << elementTypeName(spec.elementType) << " (MLIR's StridedMemRefType<"
     << cType << ", " << rank << ">). */\n"
     << "typedef struct " << name << " {\n"
     << "  " << cType << " *allocated;\n"
     << "  " << cType << " *aligned;\n"
     << "  int64_t offset;\n";
  if (rank > 0)
    os << "  int64_t sizes[" << rank << "];\n"
       << "  int64_t strides[" << rank << "];\n";
  os << "} " << name << ";\n\n";

  // name_make(data, d0, d1, ...): a descriptor of a dense row-major buffer.
  os << "/* A descriptor of a dense, row-major buffer. */\n"
     << "static inline " << name << " " << name << "_make(" << cType
     << " *data";
  for (size_t d = 0; d < rank; ++d)
    os << ", int64_t d" << d;
  os << ") {\n  " << name << " m = {data, data, 0";
  if (rank > 0) {
    os << ", {";
    for (size_t d = 0; d < rank; ++d)
      os << (d ? ", " : "") << "d" << d;
    os << "}, {";
    for (size_t d = 0; d < rank; ++d) {
      os << (d ? ", " : "");
      if (d + 1 == rank)
        os << "1";
      for (size_t e = d + 1; e < rank; ++e)
        os << (e > d + 1 ? " * " : "") << "d" << e;
    }
    os << "}";
  }
  os << "};\n  return m;\n}\n#endif\n\n";
}

bool isCIdentifier(llvm::StringRef name) {
  if (name.empty() || llvm::isDigit(name.front()))
    return false;
  return llvm::all_of(name,
                      [](char c) { return llvm::isAlnum(c) || c == '_'; });
}

/// "4x8 f32", "scalar i1".
std::string describe(const TensorSpec &spec) {
  std::string s;
  for (int64_t d : spec.shape)
    s += (s.empty() ? "" : "x") + std::to_string(d);
  return (s.empty() ? "scalar" : s) + " " + elementTypeName(spec.elementType) +
         cTypeOf(spec.elementType).second;
}

std::string describeSignature(const FunctionSignature &sig) {
  std::string s = "(";
  for (size_t i = 0; i < sig.inputs.size(); ++i)
    s += (i ? ", " : "") + sig.inputs[i].str();
  s += ") -> (";
  for (size_t i = 0; i < sig.results.size(); ++i)
    s += (i ? ", " : "") + sig.results[i].str();
  return s + ")";
}

} // namespace

llvm::Expected<llvm::SmallVector<char, 0>>
qforge::emitObjectFile(llvm::Module &module, llvm::TargetMachine &tm) {
  llvm::SmallVector<char, 0> buffer;
  llvm::raw_svector_ostream os(buffer);
  llvm::legacy::PassManager pm;
  if (tm.addPassesToEmitFile(pm, os, nullptr,
                             llvm::CodeGenFileType::ObjectFile))
    return makeError("the target machine cannot emit object files");
  pm.run(module);
  return std::move(buffer);
}

std::string qforge::headerGuardFor(llvm::StringRef path) {
  std::string name = path == "-" ? "qforge_generated.h"
                                 : llvm::sys::path::filename(path).str();
  std::string guard;
  for (char c : name)
    guard += llvm::isAlnum(c) ? llvm::toUpper(c) : '_';
  if (guard.empty() || llvm::isDigit(guard.front()))
    guard = "QFORGE_" + guard;
  return guard;
}

llvm::Error qforge::emitCHeader(llvm::ArrayRef<FunctionSignature> signatures,
                                llvm::StringRef guard, llvm::StringRef source,
                                llvm::StringRef cpu, llvm::raw_ostream &os) {
  for (const FunctionSignature &sig : signatures) {
    if (!sig.unsupported.empty())
      return makeError("cannot declare @" + sig.name +
                       " in a C header: " + sig.unsupported);
    if (!isCIdentifier(sig.name))
      return makeError("cannot declare @" + sig.name +
                       " in a C header: its name is not a C identifier");
  }

  os << "/* C interface of " << llvm::sys::path::filename(source)
     << ", generated by qforge-translate for CPU " << cpu << ".\n"
     << " *\n"
     << " * Each function takes a pointer to one memref descriptor per tensor\n"
     << " * argument, then one per result: results are out-parameters that "
        "the\n"
     << " * caller allocates (dense, row-major: offset 0, the strides of a C\n"
     << " * array) and the function fills. Inputs are only read. Link the\n"
     << " * object from qforge-translate --emit=object, and -lm (and\n"
     << " * libmlir_c_runner_utils if qforge-translate says so). */\n"
     << "#ifndef " << guard << "\n#define " << guard << "\n\n"
     << "#include <stdint.h>\n\n"
     << "#ifdef __cplusplus\nextern \"C\" {\n#endif\n\n";

  std::set<std::string> declared;
  for (const FunctionSignature &sig : signatures)
    for (const auto *list : {&sig.inputs, &sig.results})
      for (const TensorSpec &spec : *list)
        if (declared.insert(structName(spec)).second)
          emitStruct(spec, os);

  for (const FunctionSignature &sig : signatures) {
    os << "/* @" << sig.name << ": " << describeSignature(sig);
    if (sig.matmulOps > 0)
      os << "; " << sig.matmulOps << " matmul ops per call";
    os << " */\nvoid _mlir_ciface_" << sig.name << "(";
    size_t count = sig.inputs.size() + sig.results.size();
    if (count == 0)
      os << "void";
    for (size_t i = 0; i < count; ++i) {
      bool isInput = i < sig.inputs.size();
      size_t index = isInput ? i : i - sig.inputs.size();
      const TensorSpec &spec = isInput ? sig.inputs[index] : sig.results[index];
      os << "\n    " << structName(spec) << " *" << (isInput ? "arg" : "result")
         << index << (i + 1 < count ? ", " : "  ") << "/* "
         << (isInput ? "input " : "result ") << index
         << (isInput ? "" : " (out-parameter)") << ": " << describe(spec)
         << " */";
    }
    os << ");\n\n";
  }
  os << "#ifdef __cplusplus\n}\n#endif\n\n#endif /* " << guard << " */\n";
  return llvm::Error::success();
}
