//===- qforge-translate.cpp - Compile an MLIR module ahead of time --------===//
//
// Lowers a module like qforge-run and writes LLVM IR, an x86-64 object file,
// or a C header declaring its entry points. The logic lives in
// qforge/Runtime/Drivers.h.
//
//===----------------------------------------------------------------------===//

#include "qforge/Runtime/Drivers.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/raw_ostream.h"

namespace cl = llvm::cl;

static cl::opt<std::string> moduleFile(cl::Positional, cl::Required,
                                       cl::desc("<module .mlir or .mlirbc>"));
static cl::opt<std::string>
    emit("emit", cl::Required,
         cl::desc("What to write: llvm-ir (optimized), object (x86-64) or "
                  "header (C declarations of the public functions)"));
static cl::opt<std::string>
    cpu("cpu", cl::init("host"),
        cl::desc("CPU to generate code for (default: host)"));
static cl::opt<std::string>
    target("target", cl::init("x86"),
           cl::desc("x86, or cuda: int8 matmuls as CUDA kernels (cubin "
                    "embedded, needs ptxas), linked with QForgeRuntimeCUDA"));
static cl::opt<std::string> chip("chip", cl::init("sm_90"),
                                 cl::desc("GPU for --target=cuda (sm_80, sm_90)"));
static cl::opt<std::string> output("o", cl::init("-"),
                                   cl::desc("Output file (default: stdout)"),
                                   cl::value_desc("file"));

int main(int argc, char **argv) {
  llvm::InitLLVM init(argc, argv);
  qforge::hideOptionsExcept({"emit", "cpu", "target", "chip", "o"});
  cl::ParseCommandLineOptions(
      argc, argv, "qforge-translate: compile an MLIR module ahead of time\n");
  qforge::TranslateOptions options;
  options.module = moduleFile;
  options.emit = emit;
  options.cpu = cpu;
  options.output = output;
  options.target = target;
  options.chip = chip;
  return qforge::translateModule(options, llvm::errs());
}
