//===- QFToLinalg.h - qf -> linalg (reference lowering) ---------*- C++ -*-===//

#ifndef QFORGE_CONVERSION_QFTOLINALG_QFTOLINALG_H
#define QFORGE_CONVERSION_QFTOLINALG_QFTOLINALG_H

#include "mlir/Pass/Pass.h"
#include "mlir/Transforms/DialectConversion.h"

namespace mlir::qf {

#define GEN_PASS_DECL_CONVERTQFTOLINALGPASS
#include "qforge/Conversion/Passes.h.inc"

/// The type conversion of every qf lowering: `!qf.qtensor` becomes its
/// packed blob, `tensor<totalBytes x i8>`; other types are unchanged.
class QFBlobTypeConverter : public TypeConverter {
public:
  QFBlobTypeConverter();
};

/// The reference lowering of every qf op (convert-qf-to-linalg).
void populateQFToLinalgPatterns(const TypeConverter &converter,
                                RewritePatternSet &patterns);

/// Runs a full conversion of `root` that makes the qf dialect illegal, with
/// `patterns` plus the function signature / call / return conversions.
LogicalResult applyQFConversion(Operation *root,
                                const TypeConverter &converter,
                                RewritePatternSet &&patterns);

} // namespace mlir::qf

#endif // QFORGE_CONVERSION_QFTOLINALG_QFTOLINALG_H
