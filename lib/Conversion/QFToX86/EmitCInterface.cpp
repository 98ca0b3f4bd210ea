//===- EmitCInterface.cpp - qf-emit-c-interface ---------------------------===//

#include "qforge/Conversion/QFToX86/QFToX86.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"

namespace mlir::qf {
#define GEN_PASS_DEF_QFEMITCINTERFACEPASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;

namespace {
struct EmitCInterfacePass
    : qf::impl::QFEmitCInterfacePassBase<EmitCInterfacePass> {
  void runOnOperation() override {
    UnitAttr unit = UnitAttr::get(&getContext());
    getOperation().walk([&](func::FuncOp func) {
      if (func.isPublic() && !func.isExternal())
        func->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(), unit);
    });
  }
};
} // namespace
