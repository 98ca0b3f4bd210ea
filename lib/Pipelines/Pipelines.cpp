//===- Pipelines.cpp - qforge's registered pass pipelines -----------------===//

#include "qforge/Pipelines/Pipelines.h"

#include "qforge/Conversion/Passes.h"

#include "mlir/Conversion/Passes.h"
#include "mlir/Dialect/Bufferization/Pipelines/Passes.h"
#include "mlir/Dialect/Bufferization/Transforms/Passes.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/Pipelines/Passes.h"
#include "mlir/Dialect/Linalg/Passes.h"
#include "mlir/Dialect/MemRef/Transforms/Passes.h"
#include "mlir/Dialect/SPIRV/IR/SPIRVOps.h"
#include "mlir/Dialect/SPIRV/Transforms/Passes.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/X86TargetParser.h"

using namespace mlir;

/// Buffers: function results become caller-allocated out-parameters so
/// every entry point has a plain C signature; temporaries are freed; public
/// functions get a C interface.
static void addBufferizationPasses(OpPassManager &pm) {
  bufferization::OneShotBufferizePassOptions bufferize;
  bufferize.bufferizeFunctionBoundaries = true;
  bufferize.functionBoundaryTypeConversion =
      bufferization::LayoutMapOption::IdentityLayoutMap;
  pm.addPass(bufferization::createEmptyTensorEliminationPass());
  pm.addPass(bufferization::createEmptyTensorToAllocTensorPass());
  pm.addPass(bufferization::createOneShotBufferizePass(bufferize));
  bufferization::BufferResultsToOutParamsPassOptions outParams;
  outParams.modifyPublicFunctions = true;
  outParams.hoistStaticAllocs = true;
  pm.addPass(bufferization::createBufferResultsToOutParamsPass(outParams));
  bufferization::buildBufferDeallocationPipeline(pm);
  // Rank-0 constants became memref.globals; the LLVM lowering needs their
  // value as a dense literal, not a dense_resource.
  pm.addPass(qforge::createMaterializeScalarResourcesPass());
  pm.addPass(qf::createQFEmitCInterfacePass());
}

void qforge::buildLowerToX86Pipeline(OpPassManager &pm,
                                     const LowerToX86Options &options) {
  // Fold what is constant: quantized weights become packed qf.constant.
  pm.addPass(createCanonicalizerPass());
  // Tensor level: qf ops to linalg (and VNNI kernels), then clean up.
  bool zmm = options.vectorWidth == 0 || options.vectorWidth >= 512;
  if (options.vnni && zmm && cpuHasAVX512VNNI(options.cpu))
    pm.addPass(qf::createConvertQFToX86Pass());
  else
    pm.addPass(qf::createConvertQFToLinalgPass());
  pm.addPass(qf::createQFDecomposeAggregatesPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());

  addBufferizationPasses(pm);
  qf::QFDefineX86KernelsPassOptions kernels;
  kernels.parallel = options.threads > 1;
  pm.addPass(qf::createQFDefineX86KernelsPass(kernels));

  // Loops and LLVM.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  if (options.threads > 1) {
    ConvertSCFToOpenMPPassOptions omp;
    omp.numThreads = options.threads;
    pm.addPass(createConvertSCFToOpenMPPass(omp));
    // Inlines the memref.alloca_scope the conversion wraps around each
    // parallel body (the kernels allocate nothing on the stack), which
    // scf-to-cf would otherwise split into several blocks.
    pm.addPass(createCanonicalizerPass());
  }
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertVectorToLLVMPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  if (options.threads > 1)
    pm.addPass(createConvertOpenMPToLLVMPass());
  pm.addPass(createReconcileUnrealizedCastsPass());
  qf::QFSetTargetCPUPassOptions cpu;
  cpu.cpu = options.cpu;
  cpu.vectorWidth = options.vectorWidth;
  pm.addPass(qf::createQFSetTargetCPUPass(cpu));
}

bool qforge::cpuHasAVX512VNNI(llvm::StringRef cpu) {
  if (cpu == "host")
    return llvm::sys::getHostCPUFeatures().lookup("avx512vnni");
  SmallVector<StringRef> features;
  llvm::X86::getFeaturesForCPU(cpu, features);
  return llvm::is_contained(features, "avx512vnni");
}

void qforge::buildLowerToNVVMPipeline(OpPassManager &pm,
                                      const LowerToNVVMOptions &options) {
  pm.addPass(createCanonicalizerPass());
  // mma.sync m16n8k32 on integers needs sm_80 or later.
  qf::ConvertQFToNVVMPassOptions convert;
  unsigned sm = 0;
  convert.tensorCores = StringRef(options.chip).starts_with("sm_") &&
                        !StringRef(options.chip).drop_front(3).take_while(
                            llvm::isDigit).getAsInteger(10, sm) &&
                        sm >= 80;
  pm.addPass(qf::createConvertQFToNVVMPass(convert));
  pm.addPass(qf::createQFDecomposeAggregatesPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  addBufferizationPasses(pm);
  pm.addPass(qf::createQFDefineCUDAKernelsPass());
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createConvertMathToLibmPass());
  gpu::GPUToNVVMPipelineOptions gpu;
  gpu.cubinChip = options.chip;
  gpu.cubinFeatures = options.features;
  gpu.cubinFormat = options.format;
  gpu::buildLowerToNVVMPassPipeline(pm, gpu);
}

void qforge::buildLowerToSPIRVPipeline(OpPassManager &pm,
                                       const LowerToSPIRVOptions &options) {
  pm.addPass(createCanonicalizerPass());
  pm.addPass(qf::createConvertQFToSPIRVPass());
  pm.addPass(qf::createQFDecomposeAggregatesPass());
  pm.addPass(createCanonicalizerPass());
  pm.addPass(createCSEPass());
  addBufferizationPasses(pm);
  qf::QFDefineVulkanKernelsPassOptions kernels;
  kernels.targetEnv = options.targetEnv;
  pm.addPass(qf::createQFDefineVulkanKernelsPass(kernels));

  // Device: the kernels to SPIR-V, serialized into gpu.binary ops.
  pm.addPass(createConvertGPUToSPIRVPass());
  OpPassManager &spv = pm.nest<spirv::ModuleOp>();
  spv.addPass(spirv::createSPIRVLowerABIAttributesPass());
  spv.addPass(spirv::createSPIRVUpdateVCEPass());
  qf::QFSerializeSPIRVKernelsPassOptions serialize;
  serialize.dumpDir = options.dumpDir;
  pm.addPass(qf::createQFSerializeSPIRVKernelsPass(serialize));

  // Host: loops and LLVM, launches as runtime calls.
  pm.addNestedPass<func::FuncOp>(createConvertLinalgToLoopsPass());
  pm.addPass(createLowerAffinePass());
  pm.addPass(createSCFToControlFlowPass());
  pm.addPass(memref::createExpandStridedMetadataPass());
  pm.addPass(createFinalizeMemRefToLLVMConversionPass());
  pm.addPass(createConvertMathToLLVMPass());
  pm.addPass(createConvertMathToLibmPass());
  pm.addPass(createArithToLLVMConversionPass());
  pm.addPass(createConvertFuncToLLVMPass());
  pm.addPass(createConvertControlFlowToLLVMPass());
  GpuToLLVMConversionPassOptions gpu;
  gpu.kernelBarePtrCallConv = true;
  pm.addPass(createGpuToLLVMConversionPass(gpu));
  pm.addPass(createReconcileUnrealizedCastsPass());
  qf::QFSetTargetCPUPassOptions cpu;
  cpu.cpu = options.cpu;
  pm.addPass(qf::createQFSetTargetCPUPass(cpu));
}

void qforge::registerPipelines() {
  PassPipelineRegistration<LowerToX86Options>(
      "qf-lower-to-x86",
      "Lower qf and tensor-level IR to the LLVM dialect for x86 CPUs",
      buildLowerToX86Pipeline);
  PassPipelineRegistration<LowerToNVVMOptions>(
      "qf-lower-to-nvvm",
      "Lower qf to the LLVM dialect with int8 matmuls as CUDA kernels "
      "(PTX / cubin embedded)",
      buildLowerToNVVMPipeline);
  PassPipelineRegistration<LowerToSPIRVOptions>(
      "qf-lower-to-spirv",
      "Lower qf to the LLVM dialect with integer matmuls as Vulkan compute "
      "kernels (SPIR-V embedded)",
      buildLowerToSPIRVPipeline);
}
