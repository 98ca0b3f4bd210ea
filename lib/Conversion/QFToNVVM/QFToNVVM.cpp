//===- QFToNVVM.cpp - convert-qf-to-nvvm ----------------------------------===//
//
// The reference lowering plus, with a higher benefit, CUDA kernels for
// integer qf.matmul with constant weights (tensor cores or dp4a; see
// Int8Matmul.cpp and DefineCUDAKernels.cpp). Everything else runs on the
// host.
//
//===----------------------------------------------------------------------===//

#include "qforge/Conversion/QFToNVVM/QFToNVVM.h"

#include "../Int8Matmul.h"
#include "qforge/Conversion/QFToLinalg/QFToLinalg.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace mlir::qf {
#define GEN_PASS_DEF_CONVERTQFTONVVMPASS
#include "qforge/Conversion/Passes.h.inc"
} // namespace mlir::qf

using namespace mlir;

namespace {
struct ConvertQFToNVVMPass
    : qf::impl::ConvertQFToNVVMPassBase<ConvertQFToNVVMPass> {
  using Base::Base;
  void runOnOperation() override {
    qf::QFBlobTypeConverter converter;
    RewritePatternSet patterns(&getContext());
    qf::populateQFToLinalgPatterns(converter, patterns);
    qf::detail::populateInt8MatmulKernelPatterns(
        converter, patterns,
        tensorCores ? qf::detail::Int8Kernel::CUDAMMA
                    : qf::detail::Int8Kernel::CUDADP4A,
        /*benefit=*/2);
    if (tensorCores)
      qf::detail::populateW4A16MatmulKernelPatterns(converter, patterns,
                                                    /*benefit=*/2);
    if (failed(qf::applyQFConversion(getOperation(), converter,
                                     std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace
