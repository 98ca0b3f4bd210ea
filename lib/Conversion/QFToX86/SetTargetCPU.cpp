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
    if (vectorWidth != 0 && vectorWidth != 128 && vectorWidth != 256 &&
        vectorWidth != 512) {
      getOperation().emitError() << "qf-set-target-cpu: vector-width must be "
                                    "128, 256 or 512, got "
                                 << unsigned(vectorWidth);
      return signalPassFailure();
    }
    StringAttr attr = StringAttr::get(&getContext(), name);
    StringAttr width =
        vectorWidth ? StringAttr::get(&getContext(), std::to_string(vectorWidth))
                    : StringAttr();
    getOperation().walk([&](LLVM::LLVMFuncOp func) {
      if (func.isExternal())
        return;
      func.setTargetCpuAttr(attr);
      if (width)
        func.setPreferVectorWidthAttr(width);
    });
  }
};
} // namespace
