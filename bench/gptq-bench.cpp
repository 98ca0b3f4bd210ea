//===- gptq-bench.cpp - GPTQ on one large layer, one thread --------------===//
//
// Times roundGPTQ on one 4096 x 4096 layer (N outputs x K inputs) with a
// Hessian from 2048 random calibration rows, 4-bit signed symmetric weights,
// per output channel and in groups of 128, on one thread (Eigen is built
// without OpenMP in qforge). Building H = X^T X is timed separately. For each
// scheme it prints GPTQ's and RTN's seconds and their objectives
// ||(W - Ŵ) X^T||^2, computed from X, and fails if GPTQ's objective is not
// below RTN's. The bar: GPTQ under 10 s.
//
// The calibration rows are correlated (a shared rank-64 component) and their
// features have different magnitudes, as layer inputs do, so that the error
// feedback has something to work with.
//
// Usage: qforge-gptq-bench [--size K] [--rows M] [--act-order]
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Rounding.h"

#include <Eigen/Core>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

using namespace qforge;

namespace {

using Clock = std::chrono::steady_clock;
using RowMajorF =
    Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

double secondsSince(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

/// ||(W - Ŵ) X^T||^2 in f32 products and a double sum.
double objectiveFromX(const std::vector<float> &w, const QuantizedTensor &q,
                      const RowMajorF &x) {
  std::vector<float> what = dequantize(q);
  int64_t n = q.desc.shape[0], k = q.desc.shape[1];
  Eigen::Map<const RowMajorF> wm(w.data(), n, k), qm(what.data(), n, k);
  RowMajorF delta = wm - qm;
  RowMajorF y = delta * x.transpose();
  return y.cast<double>().squaredNorm();
}

} // namespace

int main(int argc, char **argv) {
  int64_t k = 4096, rows = 2048;
  bool actOrder = false;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--size") && i + 1 < argc)
      k = std::atoll(argv[++i]);
    else if (!std::strcmp(argv[i], "--rows") && i + 1 < argc)
      rows = std::atoll(argv[++i]);
    else if (!std::strcmp(argv[i], "--act-order"))
      actOrder = true;
    else {
      std::fprintf(stderr,
                   "usage: %s [--size K] [--rows M] [--act-order]\n", argv[0]);
      return 2;
    }
  }
  if (k < 128 || k % 128 != 0 || rows < 1) {
    std::fprintf(stderr, "size must be a positive multiple of 128\n");
    return 2;
  }
  const int64_t n = k;
  std::printf("GPTQ benchmark: %lld x %lld weights, %lld calibration rows, "
              "i4 symmetric, 1 thread, act-order %s\n",
              (long long)n, (long long)k, (long long)rows,
              actOrder ? "on" : "off");

  // Random layer and calibration inputs (fixed seed).
  std::mt19937_64 rng(42);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  std::vector<float> w(n * k);
  for (float &v : w)
    v = normal(rng) / std::sqrt(float(k));
  const int64_t rank = 64;
  RowMajorF g(rows, rank), b(rank, k), x(rows, k);
  for (int64_t i = 0; i < g.size(); ++i)
    g.data()[i] = normal(rng);
  for (int64_t i = 0; i < b.size(); ++i)
    b.data()[i] = normal(rng) / std::sqrt(float(rank));
  x = g * b;
  for (int64_t c = 0; c < k; ++c) {
    float magnitude = std::exp2(2.0f * uniform(rng)); // 0.25 .. 4
    for (int64_t r = 0; r < rows; ++r)
      x(r, c) = magnitude * (x(r, c) + normal(rng));
  }

  auto t0 = Clock::now();
  Eigen::MatrixXd hm = Eigen::MatrixXd::Zero(k, k);
  Eigen::MatrixXd xd = x.cast<double>();
  hm.selfadjointView<Eigen::Lower>().rankUpdate(xd.transpose());
  hm.triangularView<Eigen::StrictlyUpper>() = hm.transpose();
  xd.resize(0, 0);
  std::vector<double> h(k * k);
  Eigen::Map<Eigen::MatrixXd>(h.data(), k, k) = hm;
  hm.resize(0, 0);
  std::printf("H = X^T X (double): %.2f s\n", secondsSince(t0));

  bool ok = true;
  for (int64_t group : {int64_t(0), int64_t(128)}) {
    TensorDesc desc;
    desc.shape = {n, k};
    desc.scheme.format = ElementFormat::SInt;
    desc.scheme.bits = 4;
    desc.scheme.axis = group ? 1 : 0;
    desc.scheme.groupSize = group;
    std::string name = group ? "group 128" : "per-channel";

    RTNOptions rtnOpts;
    rtnOpts.computeObjective = false;
    std::string err;
    t0 = Clock::now();
    std::optional<RoundingResult> rtn = roundToNearest(w, desc, h, rtnOpts, &err);
    double rtnSeconds = secondsSince(t0);
    if (!rtn) {
      std::fprintf(stderr, "RTN failed: %s\n", err.c_str());
      return 1;
    }

    GPTQOptions opts;
    opts.actOrder = actOrder;
    opts.computeObjective = false;
    t0 = Clock::now();
    std::optional<RoundingResult> gptq = roundGPTQ(w, desc, h, opts, &err);
    double gptqSeconds = secondsSince(t0);
    if (!gptq) {
      std::fprintf(stderr, "GPTQ failed: %s\n", err.c_str());
      return 1;
    }

    double rtnObj = objectiveFromX(w, rtn->tensor, x);
    double gptqObj = objectiveFromX(w, gptq->tensor, x);
    bool better = gptqObj <= rtnObj;
    ok &= better && gptqSeconds < 10.0;
    std::printf("%-12s RTN  %7.2f s  objective %.6g\n", name.c_str(),
                rtnSeconds, rtnObj);
    std::printf("%-12s GPTQ %7.2f s  objective %.6g  (%.3f x RTN)%s%s\n",
                name.c_str(), gptqSeconds, gptqObj, gptqObj / rtnObj,
                better ? "" : "  WORSE THAN RTN",
                gptqSeconds < 10.0 ? "" : "  OVER 10 s");
  }
  return ok ? 0 : 1;
}
