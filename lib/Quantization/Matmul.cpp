//===- Matmul.cpp - Reference quantized matrix multiplication -------------===//
//
// Loops in the order the lowering reduces: k (or kk inside a K-group)
// innermost and increasing, groups increasing. See Matmul.h.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Matmul.h"

#include "llvm/ADT/APFloat.h"

using namespace qforge;
using llvm::APFloat;

double qforge::roundToKind(double v, FloatKind kind) {
  switch (kind) {
  case FloatKind::F64:
    return v;
  case FloatKind::F32:
    return double(float(v));
  case FloatKind::F16:
  case FloatKind::BF16: {
    APFloat a(v);
    bool lost;
    a.convert(kind == FloatKind::F16 ? APFloat::IEEEhalf() : APFloat::BFloat(),
              APFloat::rmNearestTiesToEven, &lost);
    a.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven, &lost);
    return a.convertToDouble();
  }
  }
  return v;
}

std::optional<MatmulShape> qforge::matmulShape(const std::vector<int64_t> &lhs,
                                               const std::vector<int64_t> &rhs,
                                               bool transposeRhs,
                                               std::string *error) {
  auto fail = [&](const std::string &msg) -> std::optional<MatmulShape> {
    if (error)
      *error = msg;
    return std::nullopt;
  };
  if (lhs.size() < 2 || lhs.size() > 3 || rhs.size() < 2 ||
      rhs.size() > lhs.size())
    return fail("matmul operands must have rank 2 or 3");
  MatmulShape s;
  s.lhsBatched = lhs.size() == 3;
  s.rhsBatched = rhs.size() == 3;
  s.transposeRhs = transposeRhs;
  s.batch = s.lhsBatched ? lhs[0] : 1;
  s.m = lhs[lhs.size() - 2];
  s.k = lhs.back();
  size_t r = rhs.size();
  int64_t rk = transposeRhs ? rhs[r - 1] : rhs[r - 2];
  s.n = transposeRhs ? rhs[r - 2] : rhs[r - 1];
  if (rk != s.k)
    return fail("contracting dimensions differ");
  if (s.rhsBatched && rhs[0] != s.batch)
    return fail("batch sizes differ");
  return s;
}

namespace {
/// Row-major positions of lhs[b, m, k] and rhs[b, k, n] (or rhs[b, n, k]).
struct Indexer {
  const MatmulShape &s;
  int64_t lhs(int64_t b, int64_t m, int64_t k) const {
    return ((s.lhsBatched ? b : 0) * s.m + m) * s.k + k;
  }
  int64_t rhs(int64_t b, int64_t k, int64_t n) const {
    int64_t base = (s.rhsBatched ? b : 0) * s.k * s.n;
    return base + (s.transposeRhs ? n * s.k + k : k * s.n + n);
  }
};
} // namespace

std::vector<double> qforge::matmulWeightOnly(const std::vector<float> &x,
                                             const QuantizedTensor &rhs,
                                             const MatmulShape &shape,
                                             FloatKind valueKind,
                                             FloatKind accKind) {
  std::vector<float> w = dequantize(rhs);
  Indexer at{shape};
  std::vector<double> y(size_t(shape.batch * shape.m * shape.n));
  for (int64_t b = 0; b < shape.batch; ++b)
    for (int64_t m = 0; m < shape.m; ++m)
      for (int64_t n = 0; n < shape.n; ++n) {
        double acc = 0;
        for (int64_t k = 0; k < shape.k; ++k) {
          double xv = roundToKind(x[at.lhs(b, m, k)], accKind);
          double wv = roundToKind(roundToKind(w[at.rhs(b, k, n)], valueKind),
                                  accKind);
          acc = roundToKind(acc + roundToKind(xv * wv, accKind), accKind);
        }
        y[(b * shape.m + m) * shape.n + n] = roundToKind(acc, valueKind);
      }
  return y;
}

QuantizedMatmulResult qforge::matmulQuantized(const QuantizedTensor &lhs,
                                              const QuantizedTensor &rhs,
                                              const MatmulShape &shape) {
  const Scheme &ls = lhs.desc.scheme, &rs = rhs.desc.scheme;
  int64_t rank = rhs.desc.shape.size();
  int64_t kAxis = shape.transposeRhs ? rank - 1 : rank - 2;
  bool grouped = rs.isPerGroup() && rs.axis == kAxis;
  int64_t g = grouped ? rs.groupSize : shape.k;
  QuantizedMatmulResult out;
  out.groups = shape.k / g;
  Indexer at{shape};
  auto zp = [](const QuantizedTensor &q, int64_t linear) -> int64_t {
    return q.desc.scheme.asymmetric
               ? q.zeroPoints[scaleIndexOf(q.desc, linear)]
               : 0;
  };
  int64_t cells = shape.batch * shape.m * shape.n * out.groups;
  if (ls.isInteger())
    out.intAcc.assign(size_t(cells), 0);
  else
    out.floatAcc.assign(size_t(cells), 0.0f);
  for (int64_t b = 0; b < shape.batch; ++b)
    for (int64_t m = 0; m < shape.m; ++m)
      for (int64_t n = 0; n < shape.n; ++n)
        for (int64_t gi = 0; gi < out.groups; ++gi) {
          int64_t cell = ((b * shape.m + m) * shape.n + n) * out.groups + gi;
          int64_t iacc = 0;
          float facc = 0.0f;
          for (int64_t kk = 0; kk < g; ++kk) {
            int64_t li = at.lhs(b, m, gi * g + kk);
            int64_t ri = at.rhs(b, gi * g + kk, n);
            if (ls.isInteger()) {
              iacc += (int64_t(lhs.codes[li]) - zp(lhs, li)) *
                      (int64_t(rhs.codes[ri]) - zp(rhs, ri));
            } else {
              float a = dequantizeValue(lhs.codes[li], 1.0f, 0, ls);
              float w = dequantizeValue(rhs.codes[ri], 1.0f, 0, rs);
              facc = facc + a * w;
            }
          }
          if (ls.isInteger())
            out.intAcc[size_t(cell)] = iacc;
          else
            out.floatAcc[size_t(cell)] = facc;
        }
  out.y.assign(size_t(shape.batch * shape.m * shape.n), 0.0f);
  for (int64_t b = 0; b < shape.batch; ++b)
    for (int64_t m = 0; m < shape.m; ++m)
      for (int64_t n = 0; n < shape.n; ++n) {
        float sum = 0.0f;
        for (int64_t gi = 0; gi < out.groups; ++gi) {
          int64_t cell = ((b * shape.m + m) * shape.n + n) * out.groups + gi;
          float v = ls.isInteger() ? float(out.intAcc[size_t(cell)])
                                   : out.floatAcc[size_t(cell)];
          float sw = rhs.scales[scaleIndexOf(rhs.desc, at.rhs(b, gi * g, n))];
          if (rs.tensorScale)
            sw = sw * rhs.tensorScale;
          sum = sum + sw * v;
        }
        float sa = lhs.scales[scaleIndexOf(lhs.desc, at.lhs(b, m, 0))];
        out.y[size_t((b * shape.m + m) * shape.n + n)] = sa * sum;
      }
  return out;
}
