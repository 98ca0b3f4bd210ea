//===- Instrument.cpp - qf-instrument -------------------------------------===//
//
// Puts a qf.observe on the activations that enter matmuls with constant
// weights, named after the op's location, for calibration.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "qforge/Dialect/QF/IR/QFOps.h"

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

/// The first name in `loc` (NameLoc, possibly inside fused or call-site
/// locations), or "". Made usable as a file name: characters other than
/// letters, digits, '_', '-' and '.' become '.', and leading or trailing
/// ones are dropped, so an exporter's "/blocks.0/q/MatMul" is
/// "blocks.0.q.MatMul".
std::string locationName(Location loc) {
  std::string name;
  loc->walk([&](Location l) {
    if (auto named = dyn_cast<NameLoc>(l)) {
      name = named.getName().str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  std::string clean;
  for (char c : name) {
    bool keep = llvm::isAlnum(c) || c == '_' || c == '-' || c == '.';
    if (keep)
      clean += c;
    else if (!clean.empty() && clean.back() != '.')
      clean += '.';
  }
  while (!clean.empty() && clean.back() == '.')
    clean.pop_back();
  return clean;
}

struct InstrumentPass : qf::impl::QFInstrumentPassBase<InstrumentPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    // The operand to observe of every candidate op, in program order.
    SmallVector<std::pair<Operation *, unsigned>> sites;
    module.walk([&](Operation *op) {
      if (auto mm = dyn_cast<linalg::MatmulOp>(op)) {
        if (mm.getInputs().size() == 2 &&
            matchPattern(mm.getInputs()[1], m_Constant()) &&
            isa<RankedTensorType>(mm.getInputs()[0].getType()))
          sites.push_back({op, 0});
      } else if (auto mm = dyn_cast<MatmulOp>(op)) {
        if (isa<RankedTensorType>(mm.getLhs().getType()))
          sites.push_back({op, 0});
      } else if (auto mm = dyn_cast<BatchMatmulOp>(op)) {
        if (isa<RankedTensorType>(mm.getLhs().getType()))
          sites.push_back({op, 0});
      }
    });
    llvm::StringMap<unsigned> seen;
    module.walk([&](ObserveOp op) { ++seen[op.getName()]; });
    unsigned unnamed = 0;
    for (auto [op, index] : sites) {
      Value input = op->getOperand(index);
      if (input.getDefiningOp<ObserveOp>())
        continue;
      std::string base = locationName(op->getLoc());
      if (base.empty())
        base = "matmul" + std::to_string(unnamed++);
      std::string name = base + ".input";
      unsigned &count = seen[name];
      if (count++ > 0)
        name += "#" + std::to_string(count);
      OpBuilder b(op);
      auto observe = ObserveOp::create(b, op->getLoc(), input.getType(),
                                       input, b.getStringAttr(name));
      op->setOperand(index, observe.getResult());
    }
  }
};
} // namespace
