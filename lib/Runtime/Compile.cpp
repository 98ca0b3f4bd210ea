//===- Compile.cpp - Load, lower and translate modules for the CPU --------===//

#include "qforge/Runtime/Compile.h"

#include "qforge/InitAll.h"
#include "qforge/Pipelines/Pipelines.h"

#include "mlir/Dialect/Affine/IR/AffineOps.h"
#include "mlir/Dialect/Arith/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/ControlFlow/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/MemRef/Transforms/AllocationOpInterfaceImpl.h"
#include "mlir/Dialect/SCF/Transforms/BufferDeallocationOpInterfaceImpl.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Target/LLVMIR/Dialect/Builtin/BuiltinToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/LLVMIR/LLVMToLLVMIRTranslation.h"
#include "mlir/Target/LLVMIR/Dialect/OpenMP/OpenMPToLLVMIRTranslation.h"
#include "mlir/Dialect/OpenMP/OpenMPDialect.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/MCSubtargetInfo.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace qforge;

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Collects the diagnostics emitted while it lives, formatted with source
/// locations and excerpts, instead of printing them.
class DiagnosticCapture {
public:
  DiagnosticCapture(llvm::SourceMgr &sourceMgr, MLIRContext *context)
      : os(text), handler(sourceMgr, context, os) {}
  std::string take() {
    while (!text.empty() && text.back() == '\n')
      text.pop_back();
    return text;
  }

private:
  std::string text;
  llvm::raw_string_ostream os;
  SourceMgrDiagnosticHandler handler;
};

/// The triple objects are generated for: the process's when it is x86-64.
llvm::Triple x86Triple() {
  llvm::Triple triple(llvm::sys::getProcessTriple());
  if (triple.getArch() != llvm::Triple::x86_64)
    triple = llvm::Triple("x86_64-unknown-linux-gnu");
  return triple;
}

/// The host's features as an LLVM feature string ("+avx2,-avx512f,...").
std::string hostFeatures() {
  std::vector<std::string> features;
  for (const auto &f : llvm::sys::getHostCPUFeatures())
    features.push_back((f.second ? "+" : "-") + f.first().str());
  llvm::sort(features);
  return llvm::join(features, ",");
}

/// Whether generated code may use instructions of feature `name` (vector,
/// bit-manipulation and APX extensions); system features such as pku or
/// mwaitx never appear in compiled kernels.
bool isCodegenFeature(llvm::StringRef name) {
  static const char *const prefixes[] = {
      "sse",     "ssse3",      "avx",   "amx",  "fma",       "f16c", "bmi",
      "popcnt",  "lzcnt",      "movbe", "adx",  "xop",       "tbm",  "gfni",
      "vaes",    "vpclmulqdq", "sha",   "aes",  "pclmul",    "cx16", "cmov",
      "evex512", "egpr",       "ndd",   "ppx",  "push2pop2", "ccmp", "nf",
      "zu",      "mmx",        "x87",   "sahf", "prfchw"};
  return llvm::any_of(prefixes,
                      [&](const char *p) { return name.starts_with(p); });
}

/// The X86 target, or an error.
llvm::Expected<const llvm::Target *> lookupX86(const llvm::Triple &triple) {
  initializeX86Target();
  std::string error;
  const llvm::Target *target =
      llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return makeError("cannot find the X86 target: " + error);
  return target;
}

} // namespace

void qforge::registerRuntimeDialects(DialectRegistry &registry) {
  // qforge's dialects with their bufferization models; what else the x86
  // pipeline and the translation to LLVM IR need.
  qforge::registerAllDialects(registry);
  registry.insert<affine::AffineDialect>();
  arith::registerBufferDeallocationOpInterfaceExternalModels(registry);
  cf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  memref::registerAllocationOpInterfaceExternalModels(registry);
  scf::registerBufferDeallocationOpInterfaceExternalModels(registry);
  registerBuiltinDialectTranslation(registry);
  registerLLVMDialectTranslation(registry);
  registerOpenMPDialectTranslation(registry);
}

LoadedModule::~LoadedModule() = default;

llvm::Expected<std::unique_ptr<LoadedModule>>
LoadedModule::load(llvm::StringRef path) {
  auto buffer = llvm::MemoryBuffer::getFileOrSTDIN(path, /*IsText=*/false,
                                                   /*RequiresNullTerminator=*/
                                                   true);
  if (std::error_code ec = buffer.getError())
    return makeError(path + ": cannot open: " + ec.message());

  std::unique_ptr<LoadedModule> loaded(new LoadedModule());
  loaded->path = path.str();
  DialectRegistry registry;
  registerRuntimeDialects(registry);
  loaded->context = std::make_unique<MLIRContext>(registry);
  // Diagnostics name the problem; the whole module printed after them would
  // drown it (qforge-opt's default too).
  loaded->context->printOpOnDiagnostic(false);
  loaded->sourceMgr.AddNewSourceBuffer(std::move(*buffer), llvm::SMLoc());

  DiagnosticCapture diagnostics(loaded->sourceMgr, loaded->context.get());
  loaded->module =
      parseSourceFile<ModuleOp>(loaded->sourceMgr, loaded->context.get());
  if (!loaded->module)
    return makeError(path + ": cannot parse the module:\n" +
                     diagnostics.take());
  loaded->lowered = isLLVMDialectModule(*loaded->module);
  loaded->signatures = readSignatures(*loaded->module);
  return std::move(loaded);
}

llvm::Expected<const FunctionSignature *>
LoadedModule::lookupEntry(llvm::StringRef name, bool explicitName) const {
  const FunctionSignature *found = nullptr;
  for (const FunctionSignature &sig : signatures)
    if (sig.name == name)
      found = &sig;
  if (!found && !explicitName && signatures.size() == 1)
    found = &signatures.front();
  if (!found) {
    std::string list;
    for (const FunctionSignature &sig : signatures)
      list += (list.empty() ? "@" : ", @") + sig.name;
    std::string why = "no public function @" + name.str();
    if (lowered) {
      why = "no function @" + name.str() + " with a recorded " +
            kSignatureAttrName +
            " (an LLVM dialect module can be run only "
            "if qforge lowered it)";
    } else if (auto func = module.get().lookupSymbol<func::FuncOp>(name)) {
      why = func.isExternal() ? "@" + name.str() + " is only a declaration"
                              : "@" + name.str() + " is private";
    }
    if (!list.empty())
      why += "; public functions: " + list +
             (explicitName ? "" : " (choose one with --entry)");
    return makeError(path + ": " + why);
  }
  if (!found->unsupported.empty())
    return makeError(path + ": " + found->unsupported);
  return found;
}

llvm::Error LoadedModule::lower(llvm::StringRef cpu, unsigned threadCount) {
  threads = threadCount;
  return lowerWith([&](OpPassManager &pm) {
    LowerToX86Options options;
    options.cpu = cpu.str();
    options.threads = threadCount;
    buildLowerToX86Pipeline(pm, options);
  });
}

llvm::Error LoadedModule::lowerForCUDA(llvm::StringRef chip) {
  return lowerWith([&](OpPassManager &pm) {
    LowerToNVVMOptions options;
    options.chip = chip.str();
    options.features = chip == "sm_80" ? "+ptx70" : "+ptx80";
    options.format = "bin";
    buildLowerToNVVMPipeline(pm, options);
  });
}

llvm::Error LoadedModule::lowerForVulkan(llvm::StringRef targetEnv,
                                         llvm::StringRef spirvDir) {
  if (lowered)
    return vulkan ? llvm::Error::success()
                  : makeError(path + ": the module is already lowered for "
                                     "another target");
  if (llvm::Error e = lowerWith([&](OpPassManager &pm) {
        LowerToSPIRVOptions options;
        options.targetEnv = targetEnv.str();
        options.dumpDir = spirvDir.str();
        buildLowerToSPIRVPipeline(pm, options);
      }))
    return e;
  vulkan = true;
  return llvm::Error::success();
}

void qforge::renameGPURuntimeCalls(llvm::Module &module,
                                   llvm::StringRef prefix) {
  for (llvm::Function &f : module)
    if (f.isDeclaration() && f.getName().starts_with("mgpu"))
      f.setName(prefix + f.getName().drop_front(4));
}

llvm::Error LoadedModule::transform(
    llvm::function_ref<void(OpPassManager &)> build) {
  if (lowered)
    return makeError(path + ": the module is already lowered");
  DiagnosticCapture diagnostics(sourceMgr, context.get());
  PassManager pm(context.get(), ModuleOp::getOperationName());
  build(pm);
  if (failed(pm.run(*module)))
    return makeError(path + ": " + diagnostics.take());
  signatures = readSignatures(*module);
  return llvm::Error::success();
}

llvm::Error
LoadedModule::lowerWith(llvm::function_ref<void(OpPassManager &)> build) {
  if (lowered)
    return llvm::Error::success();

  // Inputs are the caller's buffers: bufferization must copy rather than
  // write into them.
  MLIRContext *ctx = context.get();
  for (auto func : module->getOps<func::FuncOp>()) {
    if (!func.isPublic() || func.isExternal())
      continue;
    for (unsigned i = 0, e = func.getNumArguments(); i < e; ++i)
      if (isa<TensorType>(func.getArgument(i).getType()))
        func.setArgAttr(i,
                        bufferization::BufferizationDialect::kWritableAttrName,
                        BoolAttr::get(ctx, false));
  }

  DiagnosticCapture diagnostics(sourceMgr, ctx);
  PassManager pm(ctx, ModuleOp::getOperationName());
  build(pm);
  if (failed(pm.run(*module)))
    return makeError(path + ": lowering to the LLVM dialect failed:\n" +
                     diagnostics.take());

  // Anything left outside the LLVM dialect cannot be translated. Casts left
  // behind are symptoms: report an op that was not converted if there is one.
  Operation *leftover = nullptr;
  module->walk([&](Operation *op) {
    // Embedded GPU binaries are translated too (their launches are already
    // LLVM calls into the CUDA runtime).
    if (op == module->getOperation() ||
        isa<LLVM::LLVMDialect, omp::OpenMPDialect>(op->getDialect()) ||
        isa<gpu::BinaryOp, gpu::LaunchFuncOp>(op))
      return;
    if (!leftover || (isa<UnrealizedConversionCastOp>(leftover) &&
                      !isa<UnrealizedConversionCastOp>(op)))
      leftover = op;
  });
  if (leftover) {
    leftover->emitError() << "'" << leftover->getName()
                          << "' was not lowered to the LLVM dialect";
    return makeError(path + ": lowering to the LLVM dialect failed:\n" +
                     diagnostics.take());
  }

  std::string error;
  if (failed(recordSignatures(*module, signatures, error)))
    return makeError(path + ": " + error);
  lowered = true;
  return llvm::Error::success();
}

llvm::Expected<std::unique_ptr<llvm::Module>>
LoadedModule::translateToLLVMIR(llvm::LLVMContext &llvmContext,
                                llvm::TargetMachine &tm, bool optimize) {
  if (!lowered)
    return makeError(path + ": the module must be lowered first");
  DiagnosticCapture diagnostics(sourceMgr, context.get());
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*module, llvmContext, path);
  if (!llvmModule)
    return makeError(path + ": translation to LLVM IR failed:\n" +
                     diagnostics.take());
  // Export the C interfaces only: a function named like a C symbol of the
  // program that links the object (main!) must not clash with it.
  for (llvm::Function &f : *llvmModule)
    if (!f.isDeclaration() &&
        llvmModule->getFunction("_mlir_ciface_" + f.getName().str()))
      f.setLinkage(llvm::GlobalValue::InternalLinkage);
  if (vulkan)
    renameGPURuntimeCalls(*llvmModule, "qfvk");
  llvmModule->setTargetTriple(tm.getTargetTriple());
  llvmModule->setDataLayout(tm.createDataLayout());
  if (optimize) {
    auto transformer = makeOptimizingTransformer(3, 0, &tm);
    if (llvm::Error e = transformer(llvmModule.get()))
      return std::move(e);
  }
  return std::move(llvmModule);
}

void qforge::initializeX86Target() {
  LLVMInitializeX86TargetInfo();
  LLVMInitializeX86Target();
  LLVMInitializeX86TargetMC();
  LLVMInitializeX86AsmPrinter();
}

llvm::Expected<std::string> qforge::resolveCPU(llvm::StringRef cpu) {
  std::string name =
      cpu == "host" ? llvm::sys::getHostCPUName().str() : cpu.str();
  llvm::Triple triple = x86Triple();
  auto target = lookupX86(triple);
  if (!target)
    return target.takeError();
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      (*target)->createMCSubtargetInfo(triple, "", ""));
  if (!sti)
    return makeError("cannot create the X86 subtarget");
  if (name.empty() || !sti->isCPUStringValid(name))
    return makeError("unknown CPU '" + cpu +
                     "' (try e.g. x86-64-v3, x86-64-v4, znver4, "
                     "sapphirerapids, or host)");
  return name;
}

llvm::Error qforge::checkCPURunsOnHost(llvm::StringRef cpu) {
  if (cpu == llvm::sys::getHostCPUName())
    return llvm::Error::success();
  llvm::Triple triple = x86Triple();
  auto target = lookupX86(triple);
  if (!target)
    return target.takeError();
  std::unique_ptr<llvm::MCSubtargetInfo> sti(
      (*target)->createMCSubtargetInfo(triple, cpu, ""));
  if (!sti)
    return makeError("cannot create the X86 subtarget for '" + cpu + "'");
  llvm::StringMap<bool> host = llvm::sys::getHostCPUFeatures();
  std::vector<std::string> missing;
  for (const llvm::SubtargetFeatureKV &f : sti->getAllProcessorFeatures()) {
    auto it = host.find(f.Key);
    if (sti->getFeatureBits().test(f.Value) && it != host.end() &&
        !it->second && isCodegenFeature(f.Key))
      missing.push_back(f.Key);
  }
  if (missing.empty())
    return llvm::Error::success();
  return makeError("code for CPU '" + cpu + "' cannot run on this machine (" +
                   llvm::sys::getHostCPUName() +
                   "), which lacks: " + llvm::join(missing, ", "));
}

llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
qforge::createX86TargetMachine(llvm::StringRef cpu) {
  llvm::Triple triple = x86Triple();
  auto target = lookupX86(triple);
  if (!target)
    return target.takeError();
  std::string features =
      cpu == llvm::sys::getHostCPUName() ? hostFeatures() : "";
  llvm::TargetOptions options;
  std::unique_ptr<llvm::TargetMachine> tm((*target)->createTargetMachine(
      triple, cpu, features, options, llvm::Reloc::PIC_, std::nullopt,
      llvm::CodeGenOptLevel::Aggressive));
  if (!tm)
    return makeError("cannot create a target machine for CPU '" + cpu + "'");
  return std::move(tm);
}
