//===- SetTargetCPU.cpp - qf-set-target-cpu -------------------------------===//

#include "qforge/Conversion/QFToX86/QFToX86.h"

#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/TargetParser/Host.h"

namespace mlir::qf {
#define GEN_PASS_DEF_QFSETTARGETCPUPASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;

namespace {
struct SetTargetCPUPass : qf::impl::QFSetTargetCPUPassBase<SetTargetCPUPass> {
  using Base::Base;
  void runOnOperation() override {
    std::string name = cpu == "host" ? llvm::sys::getHostCPUName().str() : cpu;
    if (name.empty()) {
      getOperation().emitError() << "qf-set-target-cpu: empty CPU name";
      return signalPassFailure();
    }
    StringAttr attr = StringAttr::get(&getContext(), name);
    getOperation().walk([&](LLVM::LLVMFuncOp func) {
      if (!func.isExternal())
        func.setTargetCpuAttr(attr);
    });
  }
};
} // namespace
