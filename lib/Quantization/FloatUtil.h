//===- FloatUtil.h - Float helpers of the quantization library --*- C++ -*-===//
//
// Private to lib/Quantization: rounding and conversion rules that the
// reference (Reference.cpp) and the rounding algorithms (RTN.cpp) must apply
// identically.
//
//===----------------------------------------------------------------------===//

#ifndef QFORGE_LIB_QUANTIZATION_FLOATUTIL_H
#define QFORGE_LIB_QUANTIZATION_FLOATUTIL_H

#include <cfloat>
#include <cmath>
#include <limits>

namespace qforge::detail {

/// Round half to even, independent of the floating-point environment.
template <typename T> T roundHalfEven(T x) {
  if (!std::isfinite(x))
    return x;
  T t = std::trunc(x);
  T frac = std::fabs(x - t); // exact
  if (frac < T(0.5))
    return t;
  T away = t + (x < 0 ? T(-1) : T(1));
  if (frac > T(0.5))
    return away;
  return std::fmod(t, T(2)) == 0 ? t : away;
}

/// A double clamped into float range and rounded to float (+-Inf beyond
/// it; avoids the undefined out-of-range conversion).
inline float toFloatSaturating(double d) {
  if (d > double(FLT_MAX))
    return std::numeric_limits<float>::infinity();
  if (d < -double(FLT_MAX))
    return -std::numeric_limits<float>::infinity();
  return float(d);
}

} // namespace qforge::detail

#endif // QFORGE_LIB_QUANTIZATION_FLOATUTIL_H
