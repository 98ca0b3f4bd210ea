//===- QFOps.h - qf operations ----------------------------------*- C++ -*-===//

#ifndef QFORGE_DIALECT_QF_IR_QFOPS_H
#define QFORGE_DIALECT_QF_IR_QFOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "qforge/Dialect/QF/IR/QFDialect.h"
#include "qforge/Dialect/QF/IR/QFTypes.h"

#define GET_OP_CLASSES
#include "qforge/Dialect/QF/IR/QFOps.h.inc"

#endif // QFORGE_DIALECT_QF_IR_QFOPS_H
