//===- SerializeSPIRVKernels.cpp - qf-serialize-spirv-kernels -------------===//
//
// convert-gpu-to-spirv leaves, for every `gpu.module @NAME`, a sibling
// `spirv.module @__spv__NAME`. This pass serializes the latter and replaces
// both with `gpu.binary @NAME`, whose object is the SPIR-V binary (format
// `bin`): gpu-to-llvm lowers launches of @NAME::@kernel against it, and the
// translation to LLVM IR embeds it and loads it with the runtime's
// ModuleLoad(data, size).
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QFToSPIRV/QFToSPIRV.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/SPIRV/IR/TargetAndABI.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/SPIRV/Serialization.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

namespace mlir::qf {
#define GEN_PASS_DEF_QFSERIALIZESPIRVKERNELSPASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;

namespace {

constexpr StringLiteral kPrefix = "__spv__";

struct SerializeSPIRVKernelsPass
    : qf::impl::QFSerializeSPIRVKernelsPassBase<SerializeSPIRVKernelsPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SmallVector<spirv::ModuleOp> spirvModules(
        module.getBody()->getOps<spirv::ModuleOp>());
    for (spirv::ModuleOp spv : spirvModules) {
      std::optional<StringRef> name = spv.getName();
      if (!name || !name->starts_with(kPrefix))
        continue;
      StringRef kernelName = name->drop_front(kPrefix.size());
      auto gpuModule = module.lookupSymbol<gpu::GPUModuleOp>(kernelName);
      if (!gpuModule) {
        spv.emitError() << "no gpu.module @" << kernelName
                        << " for this SPIR-V module";
        return signalPassFailure();
      }
      SmallVector<uint32_t, 0> words;
      if (failed(spirv::serialize(spv, words)))
        return signalPassFailure();
      StringRef bytes(reinterpret_cast<const char *>(words.data()),
                      words.size() * sizeof(uint32_t));
      if (!dumpDir.empty() && failed(dump(spv, kernelName, bytes)))
        return signalPassFailure();

      Attribute target = spirv::lookupTargetEnvOrDefault(spv);
      auto object = gpu::ObjectAttr::get(
          &getContext(), target, gpu::CompilationTarget::Binary,
          StringAttr::get(&getContext(), bytes), DictionaryAttr(),
          gpu::KernelTableAttr());
      OpBuilder b(gpuModule);
      gpu::BinaryOp::create(b, gpuModule.getLoc(), kernelName, Attribute(),
                            b.getArrayAttr({object}));
      gpuModule.erase();
      spv.erase();
    }
  }

  LogicalResult dump(spirv::ModuleOp spv, StringRef name, StringRef bytes) {
    SmallString<256> path(dumpDir);
    if (std::error_code ec = llvm::sys::fs::create_directories(path))
      return spv.emitError() << "cannot create " << dumpDir << ": "
                             << ec.message();
    llvm::sys::path::append(path, name + ".spv");
    std::string error;
    auto file = openOutputFile(path, &error);
    if (!file)
      return spv.emitError() << error;
    file->os() << bytes;
    file->keep();
    return success();
  }
};

} // namespace
