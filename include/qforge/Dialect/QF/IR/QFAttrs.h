//===- QFAttrs.h - qf attributes --------------------------------*- C++ -*-===//

#ifndef QFORGE_DIALECT_QF_IR_QFATTRS_H
#define QFORGE_DIALECT_QF_IR_QFATTRS_H

#include "mlir/IR/Attributes.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "qforge/Quantization/Scheme.h"

#define GET_ATTRDEF_CLASSES
#include "qforge/Dialect/QF/IR/QFAttrs.h.inc"

#endif // QFORGE_DIALECT_QF_IR_QFATTRS_H
