//===- ExposeObserved.cpp - qf-expose-observed ----------------------------===//
//
// Returns every observed value from its function, so that running the
// function writes the activations calibration needs.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"

namespace mlir::qf {
#define GEN_PASS_DEF_QFEXPOSEOBSERVEDPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;

namespace {
struct ExposeObservedPass
    : qf::impl::QFExposeObservedPassBase<ExposeObservedPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      SmallVector<ObserveOp> observes;
      func.walk([&](ObserveOp op) { observes.push_back(op); });
      if (observes.empty())
        continue;
      if (!SymbolTable::symbolKnownUseEmpty(func, module)) {
        func.emitError() << "qf-expose-observed: @" << func.getSymName()
                         << " is called in this module, so its results "
                            "cannot change";
        return signalPassFailure();
      }
      if (func.getBody().getBlocks().size() != 1) {
        func.emitError() << "qf-expose-observed: @" << func.getSymName()
                         << " has more than one block";
        return signalPassFailure();
      }
      for (ObserveOp op : observes)
        if (op->getBlock() != &func.getBody().front()) {
          op.emitError() << "qf-expose-observed: '" << op.getName()
                         << "' is inside a nested region; only observes in "
                            "the function body can be returned";
          return signalPassFailure();
        }
      auto ret = dyn_cast<func::ReturnOp>(func.getBody().front().getTerminator());
      if (!ret) {
        func.emitError() << "qf-expose-observed: @" << func.getSymName()
                         << " does not end in func.return";
        return signalPassFailure();
      }
      SmallVector<Value> results(ret.getOperands());
      SmallVector<Type> types(func.getResultTypes());
      unsigned first = results.size();
      for (ObserveOp op : observes) {
        results.push_back(op.getResult());
        types.push_back(op.getType());
      }
      OpBuilder b(ret);
      func::ReturnOp::create(b, ret.getLoc(), results);
      ret.erase();
      func.setType(
          FunctionType::get(&getContext(), func.getArgumentTypes(), types));
      // Keep the old result attributes; name the new results.
      SmallVector<DictionaryAttr> attrs;
      func.getAllResultAttrs(attrs);
      attrs.resize(types.size(), DictionaryAttr::get(&getContext()));
      for (auto [i, op] : llvm::enumerate(observes))
        attrs[first + i] = b.getDictionaryAttr(
            b.getNamedAttr("qf.name", op.getNameAttr()));
      func.setAllResultAttrs(attrs);
    }
  }
};
} // namespace
