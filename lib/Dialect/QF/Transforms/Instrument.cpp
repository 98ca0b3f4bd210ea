//===- Instrument.cpp - qf-instrument -------------------------------------===//
//
// Puts a qf.observe on the activations that enter matmuls with constant
// weights, named after the op's location, for calibration.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"
#include "qforge/Dialect/QF/Transforms/Calibration.h"

#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Matchers.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"

namespace mlir::qf {
#define GEN_PASS_DEF_QFINSTRUMENTPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;

namespace {

struct InstrumentPass : qf::impl::QFInstrumentPassBase<InstrumentPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // Every candidate op, in program order: linalg.matmul with constant
    // weights (unless qf-mark-quantizable excluded it) and qf matmuls with
    // a float left operand.
    SmallVector<Operation *> sites;
    module.walk([&](Operation *op) {
      if (auto mm = dyn_cast<linalg::MatmulOp>(op)) {
        auto mark = op->getAttrOfType<BoolAttr>(kQuantizableAttrName);
        if (mm.getInputs().size() == 2 && !(mark && !mark.getValue()) &&
            matchPattern(mm.getInputs()[1], m_Constant()) &&
            isa<RankedTensorType>(mm.getInputs()[0].getType()) &&
            op->getNumResults() == 1)
          sites.push_back(op);
      } else if (auto mm = dyn_cast<MatmulOp>(op)) {
        if (isa<RankedTensorType>(mm.getLhs().getType()))
          sites.push_back(op);
      } else if (auto mm = dyn_cast<BatchMatmulOp>(op)) {
        if (isa<RankedTensorType>(mm.getLhs().getType()))
          sites.push_back(op);
      }
    });
    llvm::StringMap<unsigned> seen;
    module.walk([&](ObserveOp op) { ++seen[op.getName()]; });
    auto uniqueName = [&](std::string name) {
      unsigned &count = seen[name];
      if (count++ > 0)
        name += "#" + std::to_string(count);
      return name;
    };
    unsigned unnamed = 0;
    for (Operation *op : sites) {
      std::string base = layerName(op->getLoc());
      if (base.empty())
        base = "matmul" + std::to_string(unnamed++);
      Value input = op->getOperand(0);
      if (!input.getDefiningOp<ObserveOp>()) {
        OpBuilder b(op);
        auto observe =
            ObserveOp::create(b, op->getLoc(), input.getType(), input,
                              b.getStringAttr(uniqueName(base + ".input")));
        op->setOperand(0, observe.getResult());
      }
      if (!outputs)
        continue;
      Value result = op->getResult(0);
      auto type = dyn_cast<RankedTensorType>(result.getType());
      if (!type || !type.getElementType().isF32() ||
          llvm::any_of(result.getUsers(),
                       [](Operation *u) { return isa<ObserveOp>(u); }))
        continue;
      OpBuilder b(op->getContext());
      b.setInsertionPointAfter(op);
      auto observe =
          ObserveOp::create(b, op->getLoc(), type, result,
                            b.getStringAttr(uniqueName(base + ".output")));
      result.replaceAllUsesExcept(observe.getResult(), observe);
    }
  }
};
} // namespace
