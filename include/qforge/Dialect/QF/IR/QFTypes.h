//===- QFTypes.h - qf types -------------------------------------*- C++ -*-===//

#ifndef QFORGE_DIALECT_QF_IR_QFTYPES_H
#define QFORGE_DIALECT_QF_IR_QFTYPES_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Types.h"
#include "qforge/Dialect/QF/IR/QFAttrs.h"

#define GET_TYPEDEF_CLASSES
#include "qforge/Dialect/QF/IR/QFTypes.h.inc"

#endif // QFORGE_DIALECT_QF_IR_QFTYPES_H
