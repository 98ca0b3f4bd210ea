//===- qforge-bench.cpp - qforge kernels against their peers --------------===//
//
// Times qforge-generated code and its peers in the same process, on one
// thread, and prints the ratios (docs/Benchmarks.md):
//   * int8 GEMM, u8 activations x s8 weights -> s32 (and -> f32 with scales),
//     1024^3 and 2048^3: qforge (qf.matmul, x86 pipeline) vs oneDNN u8s8s32
//     (packed weights) and OpenBLAS sgemm;
//   * int4 weight-only GEMV 1x4096 . 4096x14336 (group 128, f32 in/out) vs
//     the DRAM read bandwidth measured here.
// Every qforge kernel is checked against a plain C++ computation before it
// is timed. Usage: qforge-bench [--quick] [--reps N]
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Reference.h"
#include "qforge/Runtime/CPURunner.h"
#include "qforge/Runtime/Compile.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/raw_ostream.h"

#include <oneapi/dnnl/dnnl.hpp>
#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <vector>

extern "C" void openblas_set_num_threads(int);
extern "C" void omp_set_num_threads(int); // libgomp, oneDNN's threads

namespace {

using Clock = std::chrono::steady_clock;

struct Timing {
  double medianMs = 0, minMs = 0;
};

/// Warm-up, then `reps` timed calls; median and minimum in milliseconds.
Timing timeIt(const std::function<void()> &f, int reps) {
  f();
  f();
  std::vector<double> ms;
  for (int i = 0; i < reps; ++i) {
    auto t0 = Clock::now();
    f();
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - t0)
                     .count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.front()};
}

[[noreturn]] void die(const std::string &msg) {
  std::fprintf(stderr, "qforge-bench: %s\n", msg.c_str());
  std::exit(1);
}

template <typename T> T orDie(llvm::Expected<T> v, const char *what) {
  if (!v)
    die(std::string(what) + ": " + llvm::toString(v.takeError()));
  return std::move(*v);
}

std::string hex(const std::vector<uint8_t> &bytes) {
  static const char *digits = "0123456789ABCDEF";
  std::string s = "0x";
  s.reserve(2 + bytes.size() * 2);
  for (uint8_t b : bytes) {
    s += digits[b >> 4];
    s += digits[b & 15];
  }
  return s;
}

/// A qforge function compiled for this machine, with its buffers bound.
struct Compiled {
  std::unique_ptr<qforge::LoadedModule> module;
  std::unique_ptr<qforge::CPURunner> runner;
  std::vector<qforge::HostTensor> inputs, results;
  qforge::BoundCall call;
};

/// Writes `text` to a temporary file, loads, lowers and JIT-compiles `entry`
/// with `threads` OpenMP threads in the kernels.
Compiled compile(const std::string &text, const std::string &entry,
                 unsigned threads = 1) {
  llvm::SmallString<128> path;
  if (llvm::sys::fs::createTemporaryFile("qforge-bench", "mlir", path))
    die("cannot create a temporary file");
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(path, ec);
    if (ec)
      die("cannot write " + std::string(path));
    os << text;
  }
  Compiled c;
  c.module = orDie(qforge::LoadedModule::load(path), "load");
  llvm::sys::fs::remove(path);
  const qforge::FunctionSignature *sig =
      orDie(c.module->lookupEntry(entry, /*explicitName=*/true), "entry");
  c.runner = orDie(
      qforge::CPURunner::create(*c.module, *sig, "host", threads), "compile");
  for (const qforge::TensorSpec &spec : sig->inputs)
    c.inputs.emplace_back(spec);
  c.results = c.runner->allocateResults();
  c.call = orDie(c.runner->bind(c.inputs, c.results), "bind");
  return c;
}

/// The packed blob of a quantized tensor with the given codes and scales.
std::vector<uint8_t> blobOf(const qforge::TensorDesc &desc,
                            std::vector<int32_t> codes,
                            std::vector<float> scales) {
  qforge::QuantizedTensor q;
  q.desc = desc;
  q.codes = std::move(codes);
  q.scales = std::move(scales);
  std::vector<uint8_t> blob = qforge::packBlob(q);
  if (blob.empty())
    die("could not pack a blob");
  return blob;
}

//===----------------------------------------------------------------------===//
// int8 GEMM
//===----------------------------------------------------------------------===//

struct GemmResult {
  double qforgeS32 = 0, qforgeF32 = 0, onednn = 0, openblas = 0; // GOPS
  double qforgeS32Threads2 = 0;
};

GemmResult benchGemm(int64_t m, int64_t n, int64_t k, int reps) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> u8(0, 255), s8(-128, 127);
  std::vector<uint8_t> a(size_t(m * k));
  std::vector<int8_t> w(size_t(n * k)); // N x K
  for (auto &v : a)
    v = uint8_t(u8(rng));
  for (auto &v : w)
    v = int8_t(s8(rng));

  // qforge: activations arrive as a u8 blob (scale 1), weights are an N x K
  // i8 constant with one scale per output column.
  qforge::TensorDesc aDesc{{m, k}, {}, {}};
  aDesc.scheme.format = qforge::ElementFormat::UInt;
  qforge::TensorDesc wDesc{{n, k}, {}, {}};
  wDesc.scheme.axis = 0;
  std::vector<uint8_t> aBlob =
      blobOf(aDesc, std::vector<int32_t>(a.begin(), a.end()), {1.0f});
  std::vector<uint8_t> wBlob =
      blobOf(wDesc, std::vector<int32_t>(w.begin(), w.end()),
             std::vector<float>(size_t(n), 1.0f));
  std::string mk = std::to_string(m) + "x" + std::to_string(k);
  std::string aType = "!qf.qtensor<" + mk + "xf32, #qf.scheme<u8>>";
  std::string wType = "!qf.qtensor<" + std::to_string(n) + "x" +
                      std::to_string(k) + "xf32, #qf.scheme<i8, axis = 0>>";
  std::string aBytes = "tensor<" + std::to_string(aBlob.size()) + "xi8>";
  std::string wBytes = "tensor<" + std::to_string(wBlob.size()) + "xi8>";
  std::string yShape = std::to_string(m) + "x" + std::to_string(n);
  auto function = [&](const std::string &name, const std::string &et) {
    return "func.func @" + name + "(%ab: " + aBytes + ") -> tensor<" +
           yShape + "x" + et + "> {\n  %a = qf.from_blob %ab : " + aBytes +
           " -> " + aType + "\n  %w = qf.constant dense<\"" + hex(wBlob) +
           "\"> : " + wBytes + " -> " + wType +
           "\n  %y = qf.matmul %a, %w transpose_rhs acc(i32) : " + aType +
           ", " + wType + " -> tensor<" + yShape + "x" + et +
           ">\n  return %y : tensor<" + yShape + "x" + et + ">\n}\n";
  };
  Compiled s32 = compile(function("gemm_s32", "i32"), "gemm_s32");
  Compiled f32 = compile(function("gemm_f32", "f32"), "gemm_f32");
  Compiled s32x2 = compile(function("gemm_s32", "i32"), "gemm_s32", 2);
  for (Compiled *c : {&s32, &f32, &s32x2})
    std::memcpy(c->inputs[0].data(), aBlob.data(), aBlob.size());

  // Check a few rows against plain C++ (exact integers; scales are 1).
  s32.call.invoke();
  f32.call.invoke();
  const int32_t *ys = static_cast<const int32_t *>(s32.results[0].data());
  const float *yf = static_cast<const float *>(f32.results[0].data());
  for (int64_t r : {int64_t(0), m / 2, m - 1})
    for (int64_t c = 0; c < n; ++c) {
      int64_t ref = 0;
      for (int64_t kk = 0; kk < k; ++kk)
        ref += int64_t(a[size_t(r * k + kk)]) * w[size_t(c * k + kk)];
      if (ys[r * n + c] != ref || yf[r * n + c] != float(ref))
        die("qforge GEMM " + mk + " is wrong at [" + std::to_string(r) +
            ", " + std::to_string(c) + "]: " + std::to_string(ys[r * n + c]) +
            " vs " + std::to_string(ref));
    }

  double ops = 2.0 * double(m) * double(n) * double(k);
  auto gops = [&](const Timing &t) { return ops / (t.medianMs * 1e6); };
  GemmResult g;
  g.qforgeS32 = gops(timeIt([&] { s32.call.invoke(); }, reps));
  g.qforgeF32 = gops(timeIt([&] { f32.call.invoke(); }, reps));
  g.qforgeS32Threads2 = gops(timeIt([&] { s32x2.call.invoke(); }, reps));
  if (std::memcmp(s32x2.results[0].data(), s32.results[0].data(),
                  size_t(m * n) * sizeof(int32_t)))
    die("qforge GEMM on 2 threads differs from 1 thread");

  // oneDNN u8 x s8 -> s32 with weights in the layout it prefers.
  using namespace dnnl;
  engine eng(engine::kind::cpu, 0);
  stream strm(eng);
  memory::desc aMd({m, k}, memory::data_type::u8, memory::format_tag::ab);
  memory::desc wAny({k, n}, memory::data_type::s8, memory::format_tag::any);
  memory::desc wPlain({k, n}, memory::data_type::s8, memory::format_tag::ba);
  memory::desc yMd({m, n}, memory::data_type::s32, memory::format_tag::ab);
  matmul::desc desc(aMd, wAny, yMd); // oneDNN 2.x API
  matmul::primitive_desc pd(desc, eng);
  memory aMem(aMd, eng, a.data()), wSrc(wPlain, eng, w.data());
  memory wMem(pd.weights_desc(), eng), yMem(yMd, eng);
  reorder(wSrc, wMem).execute(strm, wSrc, wMem);
  matmul mm(pd);
  auto runDnnl = [&] {
    mm.execute(strm, {{DNNL_ARG_SRC, aMem},
                      {DNNL_ARG_WEIGHTS, wMem},
                      {DNNL_ARG_DST, yMem}});
    strm.wait();
  };
  runDnnl();
  const int32_t *yd = static_cast<const int32_t *>(yMem.get_data_handle());
  for (int64_t c = 0; c < n; ++c)
    if (yd[c] != ys[c])
      die("oneDNN and qforge disagree on row 0");
  g.onednn = gops(timeIt(runDnnl, reps));

  // OpenBLAS sgemm on the same values.
  std::vector<float> af(a.begin(), a.end()), wf(w.begin(), w.end()),
      yb(size_t(m * n));
  auto runBlas = [&] {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(m), int(n),
                int(k), 1.0f, af.data(), int(k), wf.data(), int(k), 0.0f,
                yb.data(), int(n));
  };
  g.openblas = gops(timeIt(runBlas, reps));
  return g;
}

//===----------------------------------------------------------------------===//
// int4 weight-only GEMV and DRAM bandwidth
//===----------------------------------------------------------------------===//

/// Single-thread read bandwidth of a buffer far larger than the L3, GB/s
/// (integer sums, which the compiler vectorizes).
double dramReadBandwidth(int reps) {
  size_t n = size_t(1) << 28; // 1 GiB of 32-bit words
  std::vector<uint32_t> buf(n, 1u);
  volatile uint64_t sink = 0;
  Timing t = timeIt(
      [&] {
        uint64_t s = 0;
        for (size_t i = 0; i < n; ++i)
          s += buf[i];
        sink = s;
      },
      std::max(3, reps / 3));
  (void)sink;
  return double(n * sizeof(uint32_t)) / (t.medianMs * 1e6);
}

struct GemvResult {
  double ms = 0, weightGBs = 0;
};

GemvResult benchGemv(int64_t n, int64_t k, int64_t group, int reps,
                     unsigned threads) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> s4(-8, 7);
  std::uniform_real_distribution<float> sc(0.01f, 0.1f), xs(-1.0f, 1.0f);
  qforge::TensorDesc wDesc{{n, k}, {}, {}};
  wDesc.scheme.bits = 4;
  wDesc.scheme.axis = 1;
  wDesc.scheme.groupSize = group;
  std::vector<int32_t> codes(size_t(n * k));
  for (auto &c : codes)
    c = s4(rng);
  std::vector<float> scales(size_t(n * k / group));
  for (auto &s : scales)
    s = sc(rng);
  std::vector<uint8_t> wBlob = blobOf(wDesc, codes, scales);
  std::string wType = "!qf.qtensor<" + std::to_string(n) + "x" +
                      std::to_string(k) + "xf32, #qf.scheme<i4, axis = 1, group = " +
                      std::to_string(group) + ">>";
  std::string xT = "tensor<1x" + std::to_string(k) + "xf32>";
  std::string yT = "tensor<1x" + std::to_string(n) + "xf32>";
  std::string text = "func.func @gemv(%x: " + xT + ") -> " + yT +
                     " {\n  %w = qf.constant dense<\"" + hex(wBlob) +
                     "\"> : tensor<" + std::to_string(wBlob.size()) +
                     "xi8> -> " + wType +
                     "\n  %y = qf.matmul %x, %w transpose_rhs acc(f32) : " +
                     xT + ", " + wType + " -> " + yT + "\n  return %y : " +
                     yT + "\n}\n";
  Compiled c = compile(text, "gemv", threads);
  float *x = static_cast<float *>(c.inputs[0].data());
  for (int64_t i = 0; i < k; ++i)
    x[i] = xs(rng);
  c.call.invoke();
  // Check a few outputs against plain C++ in double: the kernel is a float
  // path (scale factored out of each group, lanes summed in another order).
  const float *y = static_cast<const float *>(c.results[0].data());
  for (int64_t col : {int64_t(0), n / 2, n - 1}) {
    double acc = 0, mag = 0;
    for (int64_t kk = 0; kk < k; ++kk) {
      double wv = double(codes[size_t(col * k + kk)]) *
                  scales[size_t((col * k + kk) / group)];
      acc += double(x[kk]) * wv;
      mag += std::abs(double(x[kk]) * wv);
    }
    if (std::abs(acc - double(y[col])) > 1e-5 * mag + 1e-6)
      die("qforge GEMV is wrong at column " + std::to_string(col) + ": " +
          std::to_string(y[col]) + " vs " + std::to_string(acc));
  }
  Timing t = timeIt([&] { c.call.invoke(); }, reps);
  return {t.medianMs, double(wBlob.size()) / (t.medianMs * 1e6)};
}

} // namespace

int main(int argc, char **argv) {
  setenv("OMP_NUM_THREADS", "1", 1);
  setenv("DNNL_VERBOSE", "0", 1);
  // OpenMP workers must not spin after a parallel region and steal the core
  // from the single-thread measurements that follow.
  setenv("KMP_BLOCKTIME", "0", 1);
  openblas_set_num_threads(1);
  omp_set_num_threads(1);
  bool quick = false;
  int reps = 10;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--quick")
      quick = true;
    else if (arg == "--reps" && i + 1 < argc)
      reps = std::max(1, std::atoi(argv[++i]));
    else
      die("usage: qforge-bench [--quick] [--reps N]");
  }
  std::printf("qforge-bench: 1 thread unless said, median of %d runs after "
              "warm-up\n\n",
              reps);
  std::printf("int8 GEMM (u8 x s8 -> s32; qforge also -> f32 with scales), GOPS\n");
  std::printf("%-12s %10s %10s %10s %10s %12s %14s\n", "M x N x K",
              "qforge s32", "qforge f32", "oneDNN", "OpenBLAS",
              "qforge/oneDNN", "qforge 2 thr");
  std::vector<int64_t> sizes = quick ? std::vector<int64_t>{256}
                                     : std::vector<int64_t>{1024, 2048};
  for (int64_t s : sizes) {
    GemmResult g = benchGemm(s, s, s, reps);
    std::printf("%-12s %10.1f %10.1f %10.1f %10.1f %12.2f %8.1f (%.2fx)\n",
                (std::to_string(s) + "^3").c_str(), g.qforgeS32, g.qforgeF32,
                g.onednn, g.openblas, g.qforgeS32 / g.onednn,
                g.qforgeS32Threads2, g.qforgeS32Threads2 / g.qforgeS32);
  }
  std::fflush(stdout);

  double bw = dramReadBandwidth(reps);
  int64_t n = quick ? 1024 : 14336, k = quick ? 1024 : 4096;
  int gemvReps = quick ? 3 : std::max(3, reps / 3);
  GemvResult v = benchGemv(n, k, 128, gemvReps, 1);
  GemvResult v2 = benchGemv(n, k, 128, gemvReps, 2);
  std::printf("\nint4 weight-only GEMV 1x%lld . %lldx%lld (group 128, f32), "
              "weights from DRAM\n",
              (long long)k, (long long)k, (long long)n);
  std::printf("  DRAM read bandwidth (this run): %.1f GB/s\n", bw);
  std::printf("  qforge, 1 thread:  %.2f ms, %.2f GB/s of weights = %.3f x "
              "bandwidth\n",
              v.ms, v.weightGBs, v.weightGBs / bw);
  std::printf("  qforge, 2 threads: %.2f ms, %.2f GB/s of weights = %.3f x "
              "1-thread bandwidth\n",
              v2.ms, v2.weightGBs, v2.weightGBs / bw);
  return 0;
}
