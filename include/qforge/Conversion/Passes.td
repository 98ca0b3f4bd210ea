//===- Passes.td - qforge conversion passes ----------------*- tablegen -*-===//

#ifndef QFORGE_CONVERSION_PASSES_TD
#define QFORGE_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertQuantToQFPass : Pass<"convert-quant-to-qf", "ModuleOp"> {
  let summary = "Convert upstream quant.qcast / quant.dcast to qf ops";
  let description = [{
    Rewrites `quant.qcast` to `qf.quantize` with the scales and zero points
    of the `!quant.uniform` type as constant operands, and `quant.dcast` to
    `qf.dequantize`. Per-tensor, per-axis and sub-channel types convert when
    the sub-channel blocks run along a single axis (qf's groups). Values of
    quantized type may only flow from a `quant.qcast` to `quant.dcast` ops;
    anything else (function boundaries, other ops, `quant.scast`, narrow
    storage ranges such as `i8<-127:127>`) is reported with the reason and
    the pass fails without changing the module.
  }];
  let dependentDialects = ["::mlir::qf::QFDialect",
                           "::mlir::arith::ArithDialect"];
}

def ConvertQFToQuantPass : Pass<"convert-qf-to-quant", "ModuleOp"> {
  let summary = "Convert qf quantize / constant / dequantize chains to upstream quant";
  let description = [{
    Rewrites `qf.quantize` with constant static scales to `quant.qcast`, a
    `qf.constant` to `arith.constant` codes plus `quant.scast`, and their
    `qf.dequantize` users to `quant.dcast`. Only what `!quant.uniform` can
    express converts: integer formats with f32 scales, round to nearest even,
    packed layout, scales per tensor / per axis / per group along one axis.
    Dynamic scales (no `scales` operand), fp8/fp4 formats, scale types other
    than f32, two-level scales, other rounding modes, tiled layouts, and
    quantized values used by anything but `qf.dequantize` are reported with
    the reason and the pass fails without changing the module.
  }];
  let dependentDialects = ["::mlir::quant::QuantDialect",
                           "::mlir::arith::ArithDialect"];
}

def ConvertQFToLinalgPass : Pass<"convert-qf-to-linalg", "ModuleOp"> {
  let summary = "Reference lowering of every qf op to linalg / arith / tensor";
  let description = [{
    A target-independent lowering that any MLIR pipeline can consume. A
    `!qf.qtensor` becomes its packed blob, `tensor<N x i8>` (function
    signatures included); `qf.constant` becomes an `arith.constant` blob;
    quantize, dequantize and requantize unpack and pack codes, scales and
    zero points with the semantics of docs/Semantics.md (bit-exact with the
    C++ reference); `qf.matmul` / `qf.batch_matmul` dequantize the weights
    (float lhs) or accumulate integer codes in the accumulator type with
    zero-point corrections and apply the scales in f32 (quantized lhs);
    `qf.observe` disappears.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
}

def ConvertQFToX86Pass : Pass<"convert-qf-to-x86", "ModuleOp"> {
  let summary = "convert-qf-to-linalg plus AVX-512 VNNI kernels for int8 matmuls";
  let description = [{
    Lowers like `convert-qf-to-linalg`, except that `qf.matmul` with 8-bit
    integer activations (per tensor or per row, any zero point) and constant
    symmetric i8 weights (per tensor or per column), `acc(i32)`, K a multiple
    of 4 and N a multiple of 16 becomes a call to a generated microkernel
    built on `vpdpbusd` (AVX-512 VNNI): weights are repacked at compile time
    into 16-column x 4-K blocks with their column sums, activations are fed
    as unsigned bytes, and an epilogue corrects zero points and applies the
    scales in the reference order, so results are bit-exact with the
    reference lowering. The generated code needs a CPU with AVX-512 VNNI.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::tensor::TensorDialect",
                           "::mlir::vector::VectorDialect"];
}

def QFDefineX86KernelsPass : Pass<"qf-define-x86-kernels", "ModuleOp"> {
  let summary = "Emit the bodies of the microkernels declared by convert-qf-to-x86";
  let description = [{
    convert-qf-to-x86 only declares its kernels (functions on memrefs with a
    `qf.x86_kernel` attribute); this pass, run after bufferization and buffer
    deallocation, gives them their bodies: scf loops over register tiles of
    `vpdpbusd` accumulators, vector loads and stores. With `parallel`, the
    outermost loop of each kernel (row tiles; output columns of the int4
    kernel) is an `scf.parallel`, for convert-scf-to-openmp.
  }];
  let options = [
    Option<"parallel", "parallel", "bool", "false",
           "Make the outermost kernel loop an scf.parallel">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::LLVM::LLVMDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def QFDecomposeAggregatesPass : Pass<"qf-decompose-aggregates", "ModuleOp"> {
  let summary = "Decompose aggregate linalg ops (e.g. linalg.softmax)";
  let description = [{
    Replaces every op implementing `linalg::AggregatedOpInterface` by the
    structured ops it stands for (softmax: max, subtract and exp, sum,
    divide), so that models from importers lower to loops.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::tensor::TensorDialect"];
}

def ConvertQFToNVVMPass : Pass<"convert-qf-to-nvvm", "ModuleOp"> {
  let summary = "convert-qf-to-linalg plus CUDA kernels (tensor cores, dp4a) "
                "for integer matmuls";
  let description = [{
    Lowers like `convert-qf-to-linalg`, except that `qf.matmul` with 8-bit
    integer activations (per tensor or per row, any zero point), constant
    symmetric signed integer weights of 2 to 8 bits (per tensor or per
    column; not the odd grid), `acc(i32)`, K a multiple of 4 and N a
    multiple of 16 becomes a call to a CUDA kernel stub and a host epilogue
    that is bit-exact with the reference lowering. With `tensor-cores` (the
    default) and M >= 16, K % 16 == 0 the kernel uses `mma.sync` m16n8k32
    (weights as N x K int8 rows, or nibble-packed when they have at most 4
    bits); otherwise it is the dp4a kernel (N x K int8 rows). With
    `tensor-cores`, weight-only `qf.matmul` with f16 activations, constant
    symmetric signed weights of at most 4 bits stored N x K (per tensor,
    per column, or in groups of a multiple of 64 along K), `acc(f32)`,
    K % 8 == 0 and an even N also becomes a kernel call (W4A16, mma.sync m16n8k16; a
    float path whose sums are in another order than the reference).
    qf-define-cuda-kernels gives the stubs their bodies after bufferization.
  }];
  let options = [
    Option<"tensorCores", "tensor-cores", "bool", "true",
           "Use the mma.sync (sm_80+) kernels where the shape allows; "
           "false: dp4a only (sm_61+)">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::tensor::TensorDialect"];
}

def QFDefineCUDAKernelsPass : Pass<"qf-define-cuda-kernels", "ModuleOp"> {
  let summary = "Emit the CUDA kernels and host stubs declared by convert-qf-to-nvvm";
  let description = [{
    For every stub declared by convert-qf-to-nvvm (a `qf.cuda_kernel`
    attribute): a kernel in `gpu.module @qf_cuda_kernels` and a host body
    that allocates device buffers, copies, launches and copies back with
    async gpu ops. Run after bufferization; the module becomes a GPU
    container. The kernels:
      * dp4a: one thread per output, `nvvm.dot.accumulate.4way` over K;
      * tensor cores: 128 x 128 output tiles per block of 8 warps (64 x 32
        per warp), K in steps of 64 through two shared-memory stages filled
        with `cp.async` (zero-filled past K, rows past M / N clamped),
        fragments read with `ldmatrix`, `mma.sync` m16n8k32 s8 x s8 -> s32;
        unsigned activations are flipped to signed (xor 0x80) in registers;
        4-bit weights stay nibble-packed in global and shared memory and are
        sign-extended in registers; with few output tiles, K is split
        across blocks (grid z) that add their i32 sums atomically into an
        output zeroed with gpu.memset;
      * W4A16: the same tiling with f16 activations, mma.sync m16n8k16 and
        weights dequantized in registers (code x f32 scale, rounded to f16).
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::NVVM::NVVMDialect",
                           "::mlir::nvgpu::NVGPUDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::vector::VectorDialect"];
}

def ConvertQFToSPIRVPass : Pass<"convert-qf-to-spirv", "ModuleOp"> {
  let summary = "convert-qf-to-linalg plus Vulkan kernels for integer matmuls";
  let description = [{
    Lowers like `convert-qf-to-linalg`, except that `qf.matmul` with 8-bit
    integer activations (per tensor or per row, any zero point) and constant
    integer weights of 1 to 8 bits (symmetric or asymmetric; per tensor, per
    column, or in groups along K) with `acc(i32)` becomes a call to a Vulkan
    kernel stub and a host epilogue. The weights are repacked at compile time
    into 32-bit words (32 / bits codes per word, N rows of K codes); the
    kernel unpacks them, subtracts the zero points and writes one exact i32
    sum per group. The host epilogue applies the scales in the reference
    order, so results are bit-exact with convert-qf-to-linalg.
    qf-define-vulkan-kernels gives the stubs their bodies after bufferization.
  }];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::bufferization::BufferizationDialect",
                           "::mlir::func::FuncDialect",
                           "::mlir::linalg::LinalgDialect",
                           "::mlir::math::MathDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::tensor::TensorDialect"];
}

def QFDefineVulkanKernelsPass : Pass<"qf-define-vulkan-kernels", "ModuleOp"> {
  let summary = "Emit the Vulkan kernels and host stubs declared by convert-qf-to-spirv";
  let description = [{
    For every stub declared by convert-qf-to-spirv (a `qf.vulkan_kernel`
    attribute): a tiled kernel in `gpu.module @qf_vulkan_kernels` and a host
    body that allocates device buffers, copies, launches and copies back with
    async gpu ops. A workgroup computes a TM x TN tile of outputs, one per
    invocation; tiles of activations and weights are staged in workgroup
    memory. When the target environment has the DotProduct capability (and
    the centered weights fit in 8 bits) the tiles hold packed 4 x 8-bit words
    multiplied with `spirv.SDot` / `spirv.SUDot`; otherwise the plain path
    multiplies i32 values. Run after bufferization; the module becomes a GPU
    container.
  }];
  let options = [
    Option<"targetEnv", "target-env", "std::string", "\"vulkan-dot\"",
           "SPIR-V target environment: vulkan-dot, vulkan-int8, vulkan-basic "
           "or a #spirv.target_env<...> attribute">
  ];
  let dependentDialects = ["::mlir::arith::ArithDialect",
                           "::mlir::gpu::GPUDialect",
                           "::mlir::memref::MemRefDialect",
                           "::mlir::scf::SCFDialect",
                           "::mlir::spirv::SPIRVDialect"];
}

def QFSerializeSPIRVKernelsPass : Pass<"qf-serialize-spirv-kernels", "ModuleOp"> {
  let summary = "Serialize the SPIR-V kernel modules into gpu.binary ops";
  let description = [{
    After convert-gpu-to-spirv: every `spirv.module @__spv__NAME` is
    serialized to a SPIR-V binary, and `gpu.module @NAME` (with the
    spirv.module) is replaced by `gpu.binary @NAME` holding it, so that
    gpu-to-llvm and the translation to LLVM IR embed it and launch from it.
    With `dump-dir`, every binary is also written to DIR/NAME.spv.
  }];
  let options = [
    Option<"dumpDir", "dump-dir", "std::string", "\"\"",
           "Directory to write every serialized module to (NAME.spv)">
  ];
  let dependentDialects = ["::mlir::gpu::GPUDialect"];
}

def QFEmitCInterfacePass : Pass<"qf-emit-c-interface", "ModuleOp"> {
  let summary = "Give every public function a C-callable wrapper";
  let description = [{
    Sets `llvm.emit_c_interface` on every public `func.func` with a body, so
    that `convert-func-to-llvm` emits `_mlir_ciface_<name>` taking memref
    descriptors by pointer: the entry points that qforge-run calls and that
    the C header of qforge-translate declares.
  }];
}

def QFSetTargetCPUPass : Pass<"qf-set-target-cpu", "ModuleOp"> {
  let summary = "Record the target CPU on every LLVM function";
  let description = [{
    Sets `target_cpu` (and, with `vector-width`, `prefer_vector_width`) on
    every `llvm.func` with a body, so that translation to LLVM IR, the JIT
    and object emission generate code for that CPU. `host` is resolved to the
    CPU of the machine running the pass.
  }];
  let options = [
    Option<"cpu", "cpu", "std::string", "\"host\"",
           "LLVM CPU name (e.g. znver4, x86-64-v4) or 'host'">,
    Option<"vectorWidth", "vector-width", "unsigned", "0",
           "Widest vectors LLVM should prefer, in bits (128, 256 or 512); "
           "0 leaves the CPU's default">
  ];
  let dependentDialects = ["::mlir::LLVM::LLVMDialect"];
}

#endif // QFORGE_CONVERSION_PASSES_TD
