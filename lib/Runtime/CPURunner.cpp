//===- CPURunner.cpp - JIT-compile and call qforge functions --------------===//

#include "qforge/Runtime/CPURunner.h"
#include "qforge/Runtime/CUDARuntime.h"
#include "qforge/Runtime/VulkanRuntime.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/CRunnerUtils.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "llvm/ExecutionEngine/Orc/JITTargetMachineBuilder.h"
#include "llvm/ExecutionEngine/Orc/Mangling.h"
#include "llvm/ExecutionEngine/Orc/Shared/ExecutorSymbolDef.h"
#include "llvm/Support/DynamicLibrary.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/TargetParser/Host.h"

#include <cstddef>

using namespace qforge;

// The descriptors built here must have the layout of MLIR's
// StridedMemRefType<T, N>: two pointers, the offset, N sizes, N strides.
using Descriptor2D = StridedMemRefType<float, 2>;
static_assert(sizeof(void *) == sizeof(int64_t), "64-bit hosts only");
static_assert(sizeof(Descriptor2D) == 7 * sizeof(int64_t) &&
                  offsetof(Descriptor2D, offset) == 16 &&
                  offsetof(Descriptor2D, sizes) == 24 &&
                  offsetof(Descriptor2D, strides) == 40,
              "unexpected memref descriptor layout");
static_assert(sizeof(StridedMemRefType<float, 0>) == 3 * sizeof(int64_t),
              "unexpected rank-0 memref descriptor layout");

namespace {

llvm::Error makeError(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// A JIT target machine for `cpu`: the host's, with its features, or the
/// named CPU with that CPU's default features.
llvm::Expected<std::unique_ptr<llvm::TargetMachine>>
createJITTargetMachine(llvm::StringRef cpu) {
  auto builder = llvm::orc::JITTargetMachineBuilder::detectHost();
  if (!builder)
    return builder.takeError();
  if (cpu != llvm::sys::getHostCPUName()) {
    builder->setCPU(cpu.str());
    builder->setFeatures("");
  }
  builder->setCodeGenOptLevel(llvm::CodeGenOptLevel::Aggressive);
  return builder->createTargetMachine();
}

/// Fails, naming the function, when the module declares a function that
/// neither this process nor `libraries` defines: the JIT would only say
/// that it cannot materialize the entry point.
llvm::Error checkExternalSymbols(LoadedModule &module,
                                 llvm::ArrayRef<llvm::StringRef> libraries) {
  llvm::sys::DynamicLibrary::LoadLibraryPermanently(nullptr); // the process
  for (llvm::StringRef library : libraries)
    llvm::sys::DynamicLibrary::LoadLibraryPermanently(library.str().c_str());
  for (auto func : module.getModule().getOps<mlir::LLVM::LLVMFuncOp>()) {
    if (!func.isExternal())
      continue;
    std::string name = func.getSymName().str();
    // Renamed when translated (renameGPURuntimeCalls).
    if (module.usesVulkanRuntime() && llvm::StringRef(name).starts_with("mgpu"))
      name = "qfvk" + name.substr(4);
    if (!llvm::sys::DynamicLibrary::SearchForAddressOfSymbol(name))
      return makeError(module.getPath() + ": the module calls @" + name +
                       ", which is defined neither in the module nor in this "
                       "process or libmlir_c_runner_utils");
  }
  return llvm::Error::success();
}

/// A StridedMemRefType-compatible descriptor of a dense row-major tensor.
std::vector<int64_t> makeDescriptor(const HostTensor &tensor) {
  const std::vector<int64_t> &shape = tensor.getSpec().shape;
  size_t rank = shape.size();
  std::vector<int64_t> words(3 + 2 * rank);
  int64_t pointer =
      static_cast<int64_t>(reinterpret_cast<intptr_t>(tensor.data()));
  words[0] = pointer; // allocated
  words[1] = pointer; // aligned
  words[2] = 0;       // offset
  int64_t stride = 1;
  for (size_t d = rank; d-- > 0;) {
    words[3 + d] = shape[d];
    words[3 + rank + d] = stride;
    stride *= shape[d];
  }
  return words;
}

/// Checks that `tensors` match `specs`; `what` is "input" or "result".
llvm::Error checkSpecs(llvm::ArrayRef<HostTensor> tensors,
                       const std::vector<TensorSpec> &specs,
                       const std::string &function, const char *what) {
  if (tensors.size() != specs.size())
    return makeError("@" + function + " has " + llvm::Twine(specs.size()) +
                     " " + what + "s, got " + llvm::Twine(tensors.size()));
  for (size_t i = 0; i < specs.size(); ++i) {
    const TensorSpec &got = tensors[i].getSpec();
    if (got.shape != specs[i].shape ||
        got.elementType != specs[i].elementType || !tensors[i].data())
      return makeError(llvm::Twine(what) + " " + llvm::Twine(i) + " of @" +
                       function + ": expected " + specs[i].str() + ", got " +
                       got.str());
  }
  return llvm::Error::success();
}

} // namespace

llvm::Error qforge::lowerForTarget(LoadedModule &module,
                                  const TargetOptions &options,
                                  bool needDevice) {
  const std::string &target = options.target;
  if (target != "x86" && target != "cuda" && target != "vulkan")
    return makeError("--target must be x86, cuda or vulkan, not '" + target +
                     "'");
  std::string why;
  if (target == "vulkan") {
    bool usable = vulkan::available(&why);
    if (needDevice && !usable)
      return makeError("--target vulkan: " + why);
    std::string env = options.targetEnv;
    if (env == "auto")
      env = !usable || vulkan::supportsIntegerDotProduct() ? "vulkan-dot"
            : vulkan::supports8BitStorage()                ? "vulkan-int8"
                                                           : "vulkan-basic";
    return module.lowerForVulkan(env, options.spirvDir);
  }
  if (target == "cuda") {
    if (needDevice && !cuda::available(&why))
      return makeError("--target cuda: " + why);
    return module.lowerForCUDA(options.chip);
  }
  auto cpu = resolveCPU(options.cpu);
  if (!cpu)
    return cpu.takeError();
  return module.lower(*cpu, options.threads);
}

void BoundCall::invoke() const {
  function(const_cast<void **>(packedArguments.data()));
}

CPURunner::~CPURunner() = default;

llvm::Expected<std::unique_ptr<CPURunner>>
CPURunner::create(LoadedModule &module, const FunctionSignature &entry,
                  llvm::StringRef cpu, unsigned threads,
                  llvm::StringRef cudaChip) {
  auto cpuName = resolveCPU(cpu);
  if (!cpuName)
    return cpuName.takeError();
  if (llvm::Error e = checkCPURunsOnHost(*cpuName))
    return std::move(e);
  // GPU runtime entry points the generated host code calls: registered with
  // the JIT (they are not exported from the executable).
  std::vector<std::pair<const char *, void *>> runtimeSymbols;
  if (!cudaChip.empty()) {
    std::string why;
    if (!cuda::available(&why))
      return makeError(module.getPath() + ": --target cuda: " + why);
    if (llvm::Error e = module.lowerForCUDA(cudaChip))
      return std::move(e);
    // The generated host code calls the mgpu* functions of this process.
    auto add = [&](const char *name, void *fn) {
      runtimeSymbols.emplace_back(name, fn);
    };
    add("mgpuModuleLoad", reinterpret_cast<void *>(&mgpuModuleLoad));
    add("mgpuModuleLoadJIT", reinterpret_cast<void *>(&mgpuModuleLoadJIT));
    add("mgpuModuleUnload", reinterpret_cast<void *>(&mgpuModuleUnload));
    add("mgpuModuleGetFunction",
        reinterpret_cast<void *>(&mgpuModuleGetFunction));
    add("mgpuLaunchKernel", reinterpret_cast<void *>(&mgpuLaunchKernel));
    add("mgpuStreamCreate", reinterpret_cast<void *>(&mgpuStreamCreate));
    add("mgpuStreamDestroy", reinterpret_cast<void *>(&mgpuStreamDestroy));
    add("mgpuStreamSynchronize",
        reinterpret_cast<void *>(&mgpuStreamSynchronize));
    add("mgpuMemAlloc", reinterpret_cast<void *>(&mgpuMemAlloc));
    add("mgpuMemFree", reinterpret_cast<void *>(&mgpuMemFree));
    add("mgpuMemcpy", reinterpret_cast<void *>(&mgpuMemcpy));
    add("mgpuMemset32", reinterpret_cast<void *>(&mgpuMemset32));
  } else if (module.usesVulkanRuntime()) {
    std::string why;
    if (!vulkan::available(&why))
      return makeError(module.getPath() + ": --target vulkan: " + why);
    // The generated host code calls the qfvk* functions of this process.
    auto add = [&](const char *name, void *fn) {
      runtimeSymbols.emplace_back(name, fn);
    };
#define QFORGE_ADD_VULKAN_SYMBOL(name)                                         \
  add(#name, reinterpret_cast<void *>(&name))
    QFORGE_ADD_VULKAN_SYMBOL(qfvkModuleLoad);
    QFORGE_ADD_VULKAN_SYMBOL(qfvkModuleLoadJIT);
    QFORGE_ADD_VULKAN_SYMBOL(qfvkModuleUnload);
    QFORGE_ADD_VULKAN_SYMBOL(qfvkModuleGetFunction);
    QFORGE_ADD_VULKAN_SYMBOL(qfvkLaunchKernel);
    QFORGE_ADD_VULKAN_SYMBOL(qfvkStreamCreate);
    QFORGE_ADD_VULKAN_SYMBOL(qfvkStreamDestroy);
    QFORGE_ADD_VULKAN_SYMBOL(qfvkStreamSynchronize);
    QFORGE_ADD_VULKAN_SYMBOL(qfvkEventCreate);
    QFORGE_ADD_VULKAN_SYMBOL(qfvkEventDestroy);
    QFORGE_ADD_VULKAN_SYMBOL(qfvkEventSynchronize);
    QFORGE_ADD_VULKAN_SYMBOL(qfvkEventRecord);
    QFORGE_ADD_VULKAN_SYMBOL(qfvkStreamWaitEvent);
    QFORGE_ADD_VULKAN_SYMBOL(qfvkMemAlloc);
    QFORGE_ADD_VULKAN_SYMBOL(qfvkMemFree);
    QFORGE_ADD_VULKAN_SYMBOL(qfvkMemcpy);
    QFORGE_ADD_VULKAN_SYMBOL(qfvkMemset32);
#undef QFORGE_ADD_VULKAN_SYMBOL
  } else if (llvm::Error e = module.lower(*cpuName, threads)) {
    return std::move(e);
  }

  initializeX86Target();
  auto tm = createJITTargetMachine(*cpuName);
  if (!tm)
    return tm.takeError();
  std::function<llvm::Error(llvm::Module *)> optimize =
      mlir::makeOptimizingTransformer(3, 0, tm->get());
  if (module.usesVulkanRuntime())
    optimize = [inner = std::move(optimize)](llvm::Module *m) {
      renameGPURuntimeCalls(*m, "qfvk");
      return inner(m);
    };

  // Generated code may call memrefCopy (strided copies) and friends.
  std::vector<llvm::StringRef> libraries;
#ifdef QFORGE_MLIR_C_RUNNER_UTILS
  if (llvm::sys::fs::exists(QFORGE_MLIR_C_RUNNER_UTILS))
    libraries.push_back(QFORGE_MLIR_C_RUNNER_UTILS);
#endif
  // Threaded kernels call the OpenMP runtime.
  if (module.getThreads() > 1) {
#ifdef QFORGE_LIBOMP
    if (!llvm::sys::fs::exists(QFORGE_LIBOMP))
      return makeError(std::string("threads need the OpenMP runtime ") +
                       QFORGE_LIBOMP + " (Debian package libomp-22-dev)");
    libraries.push_back(QFORGE_LIBOMP);
#else
    return makeError("threads need the OpenMP runtime (libomp-22-dev), "
                     "which was not found when qforge was built");
#endif
  }
  for (auto &[name, fn] : runtimeSymbols)
    llvm::sys::DynamicLibrary::AddSymbol(name, fn);
  if (llvm::Error e = checkExternalSymbols(module, libraries))
    return std::move(e);
  mlir::ExecutionEngineOptions options;
  options.transformer = optimize;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Aggressive;
  options.sharedLibPaths = libraries;
  options.enableGDBNotificationListener = false;
  options.enablePerfNotificationListener = false;
  auto engine = mlir::ExecutionEngine::create(module.getModule(), options,
                                              std::move(*tm));
  if (!engine)
    return makeError(module.getPath() + ": JIT compilation failed: " +
                     llvm::toString(engine.takeError()));

  std::unique_ptr<CPURunner> runner(new CPURunner());
  runner->engine = std::move(*engine);
  runner->engine->registerSymbols(
      [&](llvm::orc::MangleAndInterner interner) {
        llvm::orc::SymbolMap map;
        for (auto &[name, fn] : runtimeSymbols)
          map[interner(name)] = {llvm::orc::ExecutorAddr::fromPtr(fn),
                                 llvm::JITSymbolFlags::Exported};
        return map;
      });
  runner->engine->initialize();
  auto function = runner->engine->lookupPacked("_mlir_ciface_" + entry.name);
  if (!function)
    return makeError(
        module.getPath() + ": cannot find @_mlir_ciface_" + entry.name +
        " in the compiled code: " + llvm::toString(function.takeError()));
  runner->function = *function;
  runner->signature = entry;
  return std::move(runner);
}

std::vector<HostTensor> CPURunner::allocateResults() const {
  std::vector<HostTensor> results;
  for (const TensorSpec &spec : signature.results)
    results.emplace_back(spec);
  return results;
}

llvm::Expected<BoundCall>
CPURunner::bind(llvm::ArrayRef<HostTensor> inputs,
                llvm::MutableArrayRef<HostTensor> results) {
  if (llvm::Error e =
          checkSpecs(inputs, signature.inputs, signature.name, "input"))
    return std::move(e);
  if (llvm::Error e =
          checkSpecs(results, signature.results, signature.name, "result"))
    return std::move(e);
  BoundCall call;
  call.function = function;
  for (const HostTensor &t : inputs)
    call.descriptors.push_back(makeDescriptor(t));
  for (const HostTensor &t : results)
    call.descriptors.push_back(makeDescriptor(t));
  // The packed wrapper takes a pointer to each argument; each argument of a
  // C interface is a pointer to a descriptor.
  for (std::vector<int64_t> &d : call.descriptors)
    call.descriptorPointers.push_back(d.data());
  for (void *&p : call.descriptorPointers)
    call.packedArguments.push_back(&p);
  return std::move(call);
}
