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
      pruneInterfaces(spv);
      // qforge's kernels do their float arithmetic in the reference's order
      // and roundings: no fusing of a multiply and an add by the driver.
      spv.walk([&](Operation *op) {
        if (isa<spirv::FMulOp, spirv::FAddOp, spirv::FSubOp>(op))
          op->setAttr("no_contraction", UnitAttr::get(&getContext()));
      });
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

  /// spirv-lower-abi-attrs lists every global variable an entry point uses
  /// when the target environment is SPIR-V 1.4 or later, but
  /// spirv-update-vce may then lower the module's version below 1.4 (a
  /// kernel without 1.4 features), where only Input and Output variables
  /// may be listed: drop the others.
  void pruneInterfaces(spirv::ModuleOp spv) {
    std::optional<spirv::VerCapExtAttr> vce = spv.getVceTriple();
    if (!vce || vce->getVersion() >= spirv::Version::V_1_4)
      return;
    for (auto ep : spv.getBody()->getOps<spirv::EntryPointOp>()) {
      SmallVector<Attribute> keep;
      for (Attribute a : ep.getInterface()) {
        auto var = SymbolTable::lookupNearestSymbolFrom<spirv::GlobalVariableOp>(
            ep, cast<FlatSymbolRefAttr>(a));
        auto ptr = var ? dyn_cast<spirv::PointerType>(var.getType())
                       : spirv::PointerType();
        if (!ptr || ptr.getStorageClass() == spirv::StorageClass::Input ||
            ptr.getStorageClass() == spirv::StorageClass::Output)
          keep.push_back(a);
      }
      ep.setInterfaceAttr(ArrayAttr::get(spv.getContext(), keep));
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
