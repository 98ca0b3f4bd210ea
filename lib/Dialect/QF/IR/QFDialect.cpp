//===- QFDialect.cpp - qf dialect registration and constants --------------===//

#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Dialect/QF/IR/QFOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Transforms/InliningUtils.h"

using namespace mlir;
using namespace mlir::qf;

#include "qforge/Dialect/QF/IR/QFDialect.cpp.inc"

namespace {
/// Every qf op is a pure function of its operands (or, for qf.observe, a
/// probe that may be duplicated with its call site): all are inlinable.
struct QFInlinerInterface : DialectInlinerInterface {
  using DialectInlinerInterface::DialectInlinerInterface;
  bool isLegalToInline(Operation *, Region *, bool, IRMapping &) const final {
    return true;
  }
};
} // namespace

void QFDialect::initialize() {
  registerAttributes();
  registerTypes();
  addOperations<
#define GET_OP_LIST
#include "qforge/Dialect/QF/IR/QFOps.cpp.inc"
      >();
  addInterfaces<QFInlinerInterface>();
}

/// Folded quantized values become `qf.constant` (the attribute is the blob);
/// folded float tensors become `arith.constant`.
Operation *QFDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  if (auto qtype = dyn_cast<QTensorType>(type)) {
    auto elements = dyn_cast<ElementsAttr>(value);
    if (!elements)
      return nullptr;
    return ConstantOp::create(builder, loc, qtype, elements);
  }
  if (auto typed = dyn_cast<TypedAttr>(value);
      typed && typed.getType() == type)
    return arith::ConstantOp::create(builder, loc, type, typed);
  return nullptr;
}
