//===- GPTQ.cpp - GPTQ weight rounding -------------------------------------===//
//
// GPTQ (Frantar, Ashkboos, Hoefler, Alistarh: "GPTQ: Accurate Post-Training
// Quantization for Generative Pre-trained Transformers", 2022), written from
// the paper's description:
//
//   1. Dead columns (H_kk == 0) get H_kk = 1 and zero weights; H is damped
//      with dampening * mean(diag H) on its diagonal.
//   2. With act-order, columns are processed in order of decreasing H_kk.
//   3. U = upper Cholesky factor of H^-1 (U^T U = H^-1).
//   4. For each column i in processing order: q = Q(w_i) with its block's
//      scale, e = (w_i - q) / U_ii, and every later column j gets
//      w_j -= e U_ij. Updates inside a block of `blockSize` columns are
//      applied at once; the block's errors reach the later columns in one
//      matrix product at the end of the block (lazy batch updates).
//
// The weights are updated in f32 (as the reference implementation does on
// GPUs); H, its factorization and U are double and U is rounded to f32 for
// the updates. The codes are quantizeValue of the updated weight with the
// block's stored scale, so dequantize() of the result is exactly the Ŵ the
// error feedback saw.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Rounding.h"

#include <Eigen/Cholesky>
#include <Eigen/Core>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

using namespace qforge;

namespace {

using MatrixD = Eigen::MatrixXd; // column-major
using MatrixF = Eigen::MatrixXf;

/// Inverts a lower-triangular matrix in place (blocked, LAPACK's trtri
/// scheme: for each diagonal block from the last, the sub-diagonal block
/// becomes -inv(L22) L21 inv(L11) with the already inverted trailing part).
void invertLowerInPlace(MatrixD &a) {
  const int64_t n = a.rows(), nb = 64;
  int64_t last = ((n - 1) / nb) * nb;
  for (int64_t j = last; j >= 0; j -= nb) {
    int64_t jb = std::min(nb, n - j), m = n - j - jb;
    if (m > 0) {
      auto sub = a.block(j + jb, j, m, jb);
      MatrixD t = a.block(j + jb, j + jb, m, m).triangularView<Eigen::Lower>() *
                  sub;
      a.block(j, j, jb, jb)
          .triangularView<Eigen::Lower>()
          .solveInPlace<Eigen::OnTheRight>(t);
      sub = -t;
    }
    MatrixD inv = MatrixD::Identity(jb, jb);
    a.block(j, j, jb, jb).triangularView<Eigen::Lower>().solveInPlace(inv);
    a.block(j, j, jb, jb).triangularView<Eigen::Lower>() = inv;
  }
}

/// Replaces a symmetric positive definite `h` by the upper U with
/// U^T U = h^-1. With J the order-reversing permutation, J h J = L L^T gives
/// h = (J L J)(J L J)^T with J L J upper, so h^-1 = U^T U for
/// U = (J L J)^-1 = J L^-1 J. This costs one Cholesky and one triangular
/// inverse instead of the reference's Cholesky, inverse and Cholesky.
/// Returns false if the factorization fails.
bool upperCholeskyOfInverseInPlace(MatrixD &h) {
  const int64_t n = h.rows();
  h = h.reverse().eval();
  Eigen::LLT<Eigen::Ref<MatrixD>, Eigen::Lower> llt(h);
  if (llt.info() != Eigen::Success)
    return false;
  for (int64_t j = 0; j < n; ++j) { // the factor must be positive and finite
    double d = h(j, j);
    if (!(d > 0) || !std::isfinite(d))
      return false;
  }
  h.triangularView<Eigen::StrictlyUpper>().setZero();
  invertLowerInPlace(h);
  h = h.reverse().eval();
  return h.allFinite();
}

/// Where the scales of one element live.
struct Blocks {
  enum Kind { PerTensor, PerRow, PerGroup } kind = PerTensor;
  int64_t group = 0, numGroups = 1;
  int64_t operator()(int64_t row, int64_t col) const {
    switch (kind) {
    case PerTensor:
      return 0;
    case PerRow:
      return row;
    case PerGroup:
      break;
    }
    return row * numGroups + col / group;
  }
};

/// The state of one GPTQ run.
class GPTQ {
public:
  GPTQ(const std::vector<float> &weights, const TensorDesc &desc,
       const std::vector<double> &hessian, const GPTQOptions &options)
      : scheme(desc.scheme), opts(options), n(desc.shape[0]),
        k(desc.shape[1]), hessian(hessian) {
    if (scheme.isPerAxis()) {
      blocks.kind = Blocks::PerRow;
    } else if (scheme.isPerGroup()) {
      blocks.kind = Blocks::PerGroup;
      blocks.group = scheme.groupSize;
      blocks.numGroups = k / scheme.groupSize;
    }
    int64_t numScales = *checkedNumElements(scaleShape(scheme, desc.shape));
    scales.resize(numScales);
    ready.assign(numScales, false);
    codes.resize(n * k);
    using RowMajorF =
        Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
    w = Eigen::Map<const RowMajorF>(weights.data(), n, k);
  }

  /// Runs the algorithm; false with `error` if H cannot be factored.
  bool run(std::string &error);

  QuantizedTensor result(const TensorDesc &desc) const;

private:
  void computeBlockScale(int64_t b, const float *values, const double *wts,
                         int64_t count);
  void computeRowScales();
  void computeGroupScales(int64_t g, int64_t i, int64_t i1,
                          const MatrixF &err, const MatrixF &u);

  const Scheme &scheme;
  const GPTQOptions &opts;
  const int64_t n, k;
  const std::vector<double> &hessian;
  Blocks blocks;
  /// Weights in processing order, column-major (a column is contiguous).
  MatrixF w;
  /// perm[i]: original column of processing position i; pos: its inverse.
  std::vector<int64_t> perm, pos;
  std::vector<BlockScale> scales;
  std::vector<bool> ready;
  std::vector<int32_t> codes; ///< row-major, original column order
  std::vector<float> buf;
  std::vector<double> wbuf;
};

void GPTQ::computeBlockScale(int64_t b, const float *values, const double *wts,
                             int64_t count) {
  scales[b] = searchBlockScale(values, wts, count, scheme, opts.clip);
  ready[b] = true;
}

/// Per-tensor and per-row scales, from the weights as given (dead columns
/// zeroed) before the loop: every element still has its original value.
void GPTQ::computeRowScales() {
  auto gatherRow = [&](int64_t r, float *vals, double *wts) {
    for (int64_t c = 0; c < k; ++c) {
      vals[c] = w(r, pos[c]);
      wts[c] = hessian[c * k + c];
    }
  };
  if (blocks.kind == Blocks::PerRow) {
    buf.resize(k);
    wbuf.resize(k);
    for (int64_t r = 0; r < n; ++r) {
      gatherRow(r, buf.data(), wbuf.data());
      computeBlockScale(r, buf.data(), wbuf.data(), k);
    }
  } else {
    buf.resize(n * k);
    wbuf.resize(n * k);
    for (int64_t r = 0; r < n; ++r)
      gatherRow(r, buf.data() + r * k, wbuf.data() + r * k);
    computeBlockScale(0, buf.data(), wbuf.data(), n * k);
  }
}

/// Scales of group g (original columns [g G, (g + 1) G)) for every row, from
/// the group's weights as they are before processing position i, whose
/// block started at i1: columns inside the current block are up to date,
/// later ones still miss the current block's errors err[:, 0 : i - i1].
void GPTQ::computeGroupScales(int64_t g, int64_t i, int64_t i1,
                              const MatrixF &err, const MatrixF &u) {
  const int64_t gs = blocks.group, i2 = std::min(i1 + opts.blockSize, k);
  MatrixF vals(n, gs);
  wbuf.resize(gs);
  for (int64_t c = 0; c < gs; ++c) {
    int64_t p = pos[g * gs + c];
    vals.col(c) = w.col(p);
    if (p >= i2 && i > i1)
      vals.col(c).noalias() -= err.leftCols(i - i1) * u.block(i1, p, i - i1, 1);
    wbuf[c] = hessian[(g * gs + c) * k + g * gs + c];
  }
  buf.resize(gs);
  for (int64_t r = 0; r < n; ++r) {
    for (int64_t c = 0; c < gs; ++c)
      buf[c] = vals(r, c);
    computeBlockScale(blocks(r, g * gs), buf.data(), wbuf.data(), gs);
  }
}

bool GPTQ::run(std::string &error) {
  // Dead columns and the processing order. H is symmetric (verifyLayer), so
  // its row-major values read column-major are H itself, up to the
  // tolerated asymmetry; the factorization reads one triangle.
  MatrixD h = Eigen::Map<const MatrixD>(hessian.data(), k, k);
  for (int64_t c = 0; c < k; ++c)
    if (h(c, c) == 0) {
      h(c, c) = 1;
      w.col(c).setZero();
    }
  perm.resize(k);
  std::iota(perm.begin(), perm.end(), 0);
  if (opts.actOrder)
    std::stable_sort(perm.begin(), perm.end(), [&](int64_t a, int64_t b) {
      return h(a, a) > h(b, b);
    });
  pos.resize(k);
  for (int64_t i = 0; i < k; ++i)
    pos[perm[i]] = i;
  double damp = opts.dampening * h.diagonal().mean();
  MatrixD hp;
  if (opts.actOrder) {
    hp.resize(k, k);
    MatrixF wp(n, k);
    for (int64_t j = 0; j < k; ++j) {
      wp.col(j) = w.col(perm[j]);
      for (int64_t i = 0; i < k; ++i)
        hp(i, j) = h(perm[i], perm[j]);
    }
    w = std::move(wp);
    h.resize(0, 0);
  } else {
    hp = std::move(h);
  }
  hp.diagonal().array() += damp;
  if (!upperCholeskyOfInverseInPlace(hp)) {
    error = "the damped Hessian is not positive definite (dampening " +
            std::to_string(opts.dampening) + "); increase the dampening";
    return false;
  }
  MatrixF u = hp.cast<float>();
  hp.resize(0, 0);

  // Scales known before the loop.
  if (blocks.kind != Blocks::PerGroup) {
    computeRowScales();
  } else if (opts.staticGroups) {
    MatrixF none;
    for (int64_t g = 0; g < blocks.numGroups; ++g)
      computeGroupScales(g, 0, 0, none, u);
  }

  const int64_t bsz = opts.blockSize;
  MatrixF err(n, std::min(bsz, k));
  for (int64_t i1 = 0; i1 < k; i1 += bsz) {
    int64_t i2 = std::min(i1 + bsz, k);
    for (int64_t i = i1; i < i2; ++i) {
      int64_t col = perm[i];
      if (blocks.kind == Blocks::PerGroup && !ready[blocks(0, col)])
        computeGroupScales(col / blocks.group, i, i1, err, u);
      float d = u(i, i);
      for (int64_t r = 0; r < n; ++r) {
        const BlockScale &bs = scales[blocks(r, col)];
        float x = w(r, i);
        int32_t code = quantizeValue(x, bs.scale, bs.zeroPoint, scheme);
        float q = dequantizeValue(code, bs.scale, bs.zeroPoint, scheme);
        codes[r * k + col] = code;
        err(r, i - i1) = (x - q) / d;
      }
      if (i + 1 < i2)
        w.middleCols(i + 1, i2 - i - 1).noalias() -=
            err.col(i - i1) * u.row(i).segment(i + 1, i2 - i - 1);
    }
    if (i2 < k)
      w.rightCols(k - i2).noalias() -=
          err.leftCols(i2 - i1) * u.block(i1, i2, i2 - i1, k - i2);
  }
  return true;
}

QuantizedTensor GPTQ::result(const TensorDesc &desc) const {
  QuantizedTensor q;
  q.desc = desc;
  q.codes = codes;
  q.scales.resize(scales.size());
  for (size_t b = 0; b < scales.size(); ++b)
    q.scales[b] = scales[b].scale;
  if (scheme.asymmetric) {
    q.zeroPoints.resize(scales.size());
    for (size_t b = 0; b < scales.size(); ++b)
      q.zeroPoints[b] = scales[b].zeroPoint;
  }
  return q;
}

} // namespace

std::optional<std::vector<double>>
qforge::upperCholeskyOfInverse(const std::vector<double> &hessian, int64_t k,
                               std::string *error) {
  int64_t kk = 0;
  if (k < 1 || __builtin_mul_overflow(k, k, &kk) ||
      int64_t(hessian.size()) != kk) {
    if (error)
      *error = "expected " + std::to_string(k) + " x " + std::to_string(k) +
               " values, got " + std::to_string(hessian.size());
    return std::nullopt;
  }
  MatrixD h(k, k);
  for (int64_t r = 0; r < k; ++r)
    for (int64_t c = 0; c < k; ++c)
      h(r, c) = hessian[r * k + c];
  if (!upperCholeskyOfInverseInPlace(h)) {
    if (error)
      *error = "the matrix is not positive definite";
    return std::nullopt;
  }
  std::vector<double> out(k * k);
  for (int64_t r = 0; r < k; ++r)
    for (int64_t c = 0; c < k; ++c)
      out[r * k + c] = h(r, c);
  return out;
}

std::optional<RoundingResult>
qforge::roundGPTQ(const std::vector<float> &weights, const TensorDesc &desc,
                  const std::vector<double> &hessian,
                  const GPTQOptions &options, std::string *error) {
  auto fail = [&](const std::string &msg) -> std::optional<RoundingResult> {
    if (error)
      *error = msg;
    return std::nullopt;
  };
  std::string err = verifyLayer(weights, desc, hessian, true);
  if (!err.empty())
    return fail(err);
  const Scheme &s = desc.scheme;
  if (s.axis > 0 && !s.isPerGroup())
    return fail("GPTQ needs per-tensor, per-output-channel (axis 0) or "
                "grouped (axis 1) scales, got per-axis scales on axis 1");
  if (s.axis == 0 && s.isPerGroup())
    return fail("GPTQ needs per-tensor, per-output-channel (axis 0) or "
                "grouped (axis 1) scales, got groups along axis 0");
  if (!(options.dampening >= 0) || !std::isfinite(options.dampening))
    return fail("dampening " + std::to_string(options.dampening) +
                " must be finite and non-negative");
  if (options.blockSize < 1)
    return fail("block size " + std::to_string(options.blockSize) +
                " must be positive");
  if (options.clip.enabled() && !(options.clip.minRatio > 0))
    return fail("clip ratio " + std::to_string(options.clip.minRatio) +
                " must be positive");

  GPTQ gptq(weights, desc, hessian, options);
  if (!gptq.run(err))
    return fail(err);
  RoundingResult result;
  result.tensor = gptq.result(desc);
  result.objective = std::numeric_limits<double>::quiet_NaN();
  if (options.computeObjective)
    result.objective = *layerObjective(weights, dequantize(result.tensor),
                                       hessian, desc.shape[0], desc.shape[1]);
  return result;
}
