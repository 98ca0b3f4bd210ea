//===- AttachCalibration.cpp - Calibration statistics into the IR ---------===//
//
// -qf-attach-calibration{file=F}: checks that F was made for this module and
// attaches each observed tensor's statistics to its qf.observe op.
//
//===----------------------------------------------------------------------===//

#include "qforge/Dialect/QF/Transforms/Passes.h"

#include "qforge/Dialect/QF/Transforms/Calibration.h"

#include "llvm/ADT/StringSet.h"

namespace mlir::qf {
#define GEN_PASS_DEF_QFATTACHCALIBRATIONPASS
#include "qforge/Dialect/QF/Transforms/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;
using namespace mlir::qf;

namespace {

struct AttachCalibrationPass
    : qf::impl::QFAttachCalibrationPassBase<AttachCalibrationPass> {
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto fail = [&](const Twine &msg) {
      module.emitError() << "qf-attach-calibration: " << msg;
      signalPassFailure();
    };
    if (file.empty())
      return fail("file=<calibration .safetensors> is required");
    qforge::CalibrationFile cal;
    std::string error;
    if (!qforge::readCalibrationFile(file, cal, error))
      return fail(error);
    SmallVector<ObserveOp> observes;
    module.walk([&](ObserveOp op) { observes.push_back(op); });
    if (observes.empty())
      return fail("the module observes nothing (run -qf-instrument first)");
    std::string fingerprint = calibrationFingerprint(module);
    const std::string *made = cal.findMetadata("model");
    if (!made || *made != fingerprint)
      return fail(file + " was made for another model (model fingerprint " +
                  (made ? *made : std::string("none")) +
                  ", this module's is " + fingerprint +
                  "): observed names, channel counts or weights differ");
    // Check everything before changing anything.
    llvm::StringSet<> seen;
    SmallVector<const qforge::CalibrationRecord *> records;
    for (ObserveOp op : observes) {
      std::string name = op.getName().str();
      const qforge::CalibrationRecord *r = cal.find(name);
      if (!r)
        return fail(file + " has no statistics for the observed tensor '" +
                    name + "'");
      auto type = dyn_cast<RankedTensorType>(op.getType());
      int64_t k = type && type.getRank() ? type.getShape().back() : 1;
      if (r->channels != k)
        return fail(file + ": '" + name + "' has " + Twine(r->channels) +
                    " channels, the module's " + Twine(k));
      if (r->histogram.size() != qforge::TensorStats::kBins)
        return fail(file + ": '" + name + "' has a histogram of " +
                    Twine(r->histogram.size()) + " bins, expected " +
                    Twine(qforge::TensorStats::kBins));
      seen.insert(name);
      records.push_back(r);
    }
    for (const qforge::CalibrationRecord &r : cal.records)
      if (!seen.contains(r.name))
        return fail(file + " has statistics for '" + r.name +
                    "', which this module does not observe");
    for (auto [op, r] : llvm::zip(observes, records))
      op->setAttr(kCalibrationAttrName,
                  encodeCalibration(&getContext(), *r));
  }
};

} // namespace
