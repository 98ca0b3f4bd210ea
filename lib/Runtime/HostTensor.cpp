//===- HostTensor.cpp - Tensors in host memory for the CPU runner ---------===//

#include "qforge/Runtime/HostTensor.h"

#include "llvm/ADT/APFloat.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace qforge;

namespace {

template <typename T> T load(const void *base, int64_t i) {
  T v;
  std::memcpy(&v, static_cast<const uint8_t *>(base) + i * sizeof(T),
              sizeof(T));
  return v;
}

template <typename T> void store(void *base, int64_t i, T v) {
  std::memcpy(static_cast<uint8_t *>(base) + i * sizeof(T), &v, sizeof(T));
}

float bf16ToFloat(uint16_t bits) {
  uint32_t u = uint32_t(bits) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

/// Rounds to the nearest bf16, ties to even; NaNs stay (quiet) NaNs.
uint16_t floatToBF16(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if (std::isnan(f))
    return static_cast<uint16_t>((u >> 16) | 0x40);
  u += 0x7FFF + ((u >> 16) & 1);
  return static_cast<uint16_t>(u >> 16);
}

double halfToDouble(uint16_t bits) {
  llvm::APFloat f(llvm::APFloat::IEEEhalf(), llvm::APInt(16, bits));
  bool losesInfo;
  f.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
            &losesInfo);
  return f.convertToDouble();
}

uint16_t floatToHalf(float value) {
  llvm::APFloat f(value);
  bool losesInfo;
  f.convert(llvm::APFloat::IEEEhalf(), llvm::APFloat::rmNearestTiesToEven,
            &losesInfo);
  return static_cast<uint16_t>(f.bitcastToAPInt().getZExtValue());
}

uint64_t splitmix64(uint64_t &state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/// "[1, 2]": the row-major multi-index of flat index `i`.
std::string formatIndex(const std::vector<int64_t> &shape, int64_t i) {
  std::vector<int64_t> index(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    index[d] = shape[d] ? i % shape[d] : 0;
    i = shape[d] ? i / shape[d] : 0;
  }
  std::string s = "[";
  for (size_t d = 0; d < index.size(); ++d)
    s += (d ? ", " : "") + std::to_string(index[d]);
  return s + "]";
}

std::string formatValue(double v) {
  std::string s;
  llvm::raw_string_ostream(s) << llvm::format("%g", v);
  return s;
}

bool isFloat(ElementType type) {
  return type == ElementType::F32 || type == ElementType::F16 ||
         type == ElementType::BF16 || type == ElementType::F64;
}

} // namespace

NpyDType qforge::npyDTypeFor(ElementType type) {
  switch (type) {
  case ElementType::F32:
  case ElementType::BF16:
    return NpyDType::F32;
  case ElementType::F16:
    return NpyDType::F16;
  case ElementType::F64:
    return NpyDType::F64;
  case ElementType::I8:
    return NpyDType::I8;
  case ElementType::I16:
    return NpyDType::I16;
  case ElementType::I32:
    return NpyDType::I32;
  case ElementType::I64:
    return NpyDType::I64;
  case ElementType::I1:
    return NpyDType::Bool;
  }
  return NpyDType::F32;
}

HostTensor::HostTensor(const TensorSpec &spec) : spec(spec) {
  size_t bytes = (spec.byteSize() + 63) / 64 * 64;
  storage.reset(
      static_cast<uint8_t *>(std::aligned_alloc(64, bytes ? bytes : 64)));
  if (storage)
    std::memset(storage.get(), 0, bytes);
}

double HostTensor::getAsDouble(int64_t i) const {
  const void *p = data();
  switch (spec.elementType) {
  case ElementType::F32:
    return load<float>(p, i);
  case ElementType::F16:
    return halfToDouble(load<uint16_t>(p, i));
  case ElementType::BF16:
    return bf16ToFloat(load<uint16_t>(p, i));
  case ElementType::F64:
    return load<double>(p, i);
  case ElementType::I8:
    return load<int8_t>(p, i);
  case ElementType::I16:
    return load<int16_t>(p, i);
  case ElementType::I32:
    return load<int32_t>(p, i);
  case ElementType::I64:
    return static_cast<double>(load<int64_t>(p, i));
  case ElementType::I1:
    return load<uint8_t>(p, i) ? 1 : 0;
  }
  return 0;
}

double qforge::npyElementAsDouble(const NpyArray &array, int64_t i) {
  const void *p = array.data.data();
  switch (array.dtype) {
  case NpyDType::F16:
    return halfToDouble(load<uint16_t>(p, i));
  case NpyDType::F32:
    return load<float>(p, i);
  case NpyDType::F64:
    return load<double>(p, i);
  case NpyDType::I8:
    return load<int8_t>(p, i);
  case NpyDType::U8:
    return load<uint8_t>(p, i);
  case NpyDType::I16:
    return load<int16_t>(p, i);
  case NpyDType::I32:
    return load<int32_t>(p, i);
  case NpyDType::I64:
    return static_cast<double>(load<int64_t>(p, i));
  case NpyDType::Bool:
    return load<uint8_t>(p, i) ? 1 : 0;
  }
  return 0;
}

bool HostTensor::fromNpy(const NpyArray &array, const TensorSpec &spec,
                         HostTensor &out, std::string &problem) {
  NpyDType want = npyDTypeFor(spec.elementType);
  bool dtypeOk = array.dtype == want || (spec.elementType == ElementType::I8 &&
                                         array.dtype == NpyDType::U8);
  if (array.shape != spec.shape || !dtypeOk) {
    problem =
        std::string("expected ") + formatNpyShape(spec.shape) + " " +
        npyDTypeName(want) + " (" + spec.str() +
        (spec.elementType == ElementType::BF16 ? ", passed as float32" : "") +
        "), got " + array.describe();
    return false;
  }
  out = HostTensor(spec);
  if (!out.data()) {
    problem = "out of memory";
    return false;
  }
  int64_t n = spec.numElements();
  if (spec.elementType == ElementType::BF16) {
    for (int64_t i = 0; i < n; ++i)
      store<uint16_t>(out.data(), i,
                      floatToBF16(load<float>(array.data.data(), i)));
  } else if (spec.elementType == ElementType::I1) {
    for (int64_t i = 0; i < n; ++i)
      store<uint8_t>(out.data(), i, array.data[i] ? 1 : 0);
  } else if (n > 0) {
    std::memcpy(out.data(), array.data.data(), spec.byteSize());
  }
  return true;
}

NpyArray HostTensor::toNpy() const {
  NpyArray array;
  array.dtype = npyDTypeFor(spec.elementType);
  array.shape = spec.shape;
  int64_t n = spec.numElements();
  array.data.resize(n * npyItemSize(array.dtype));
  if (spec.elementType == ElementType::BF16) {
    for (int64_t i = 0; i < n; ++i)
      store<float>(array.data.data(), i,
                   bf16ToFloat(load<uint16_t>(data(), i)));
  } else if (n > 0) {
    std::memcpy(array.data.data(), data(), array.data.size());
  }
  return array;
}

HostTensor HostTensor::random(const TensorSpec &spec, uint64_t seed,
                              uint64_t stream) {
  HostTensor t(spec);
  if (!t.data())
    return t;
  // Streams start at unrelated points of the sequence.
  uint64_t state = seed;
  state = splitmix64(state) ^ (stream * 0xD1B54A32D192ED03ull);
  for (int64_t i = 0, n = spec.numElements(); i < n; ++i) {
    uint64_t r = splitmix64(state);
    // 24 random bits: exact in every float type down to f32.
    float unit = static_cast<float>(r >> 40) * (1.0f / 8388608.0f) - 1.0f;
    int64_t small = static_cast<int64_t>(r >> 60) - 8;
    switch (spec.elementType) {
    case ElementType::F32:
      store<float>(t.data(), i, unit);
      break;
    case ElementType::F16:
      store<uint16_t>(t.data(), i, floatToHalf(unit));
      break;
    case ElementType::BF16:
      store<uint16_t>(t.data(), i, floatToBF16(unit));
      break;
    case ElementType::F64:
      store<double>(t.data(), i, unit);
      break;
    case ElementType::I8:
      store<int8_t>(t.data(), i, static_cast<int8_t>(small));
      break;
    case ElementType::I16:
      store<int16_t>(t.data(), i, static_cast<int16_t>(small));
      break;
    case ElementType::I32:
      store<int32_t>(t.data(), i, static_cast<int32_t>(small));
      break;
    case ElementType::I64:
      store<int64_t>(t.data(), i, small);
      break;
    case ElementType::I1:
      store<uint8_t>(t.data(), i, static_cast<uint8_t>(r >> 63));
      break;
    }
  }
  return t;
}

bool qforge::compareWithReference(const HostTensor &got, const NpyArray &ref,
                                  double rtol, double atol,
                                  std::string &report) {
  const TensorSpec &spec = got.getSpec();
  if (ref.shape != spec.shape) {
    report = "shape differs: the result is " + formatNpyShape(spec.shape) +
             ", the reference " + ref.describe();
    return false;
  }
  constexpr int kShown = 5;
  int64_t n = spec.numElements(), mismatches = 0;
  double maxAbs = 0, maxRel = 0;
  int64_t maxAbsAt = -1, maxRelAt = -1;
  std::string shown;
  for (int64_t i = 0; i < n; ++i) {
    double a = got.getAsDouble(i), b = npyElementAsDouble(ref, i);
    bool bothNaN = std::isnan(a) && std::isnan(b);
    double diff = (a == b || bothNaN) ? 0.0 : std::fabs(a - b);
    bool close = a == b || bothNaN || diff <= atol + rtol * std::fabs(b);
    if (!std::isnan(diff)) {
      double rel = diff == 0 ? 0
                   : b != 0  ? diff / std::fabs(b)
                             : std::numeric_limits<double>::infinity();
      if (diff > maxAbs || maxAbsAt < 0) {
        maxAbs = diff;
        maxAbsAt = i;
      }
      if (rel > maxRel || maxRelAt < 0) {
        maxRel = rel;
        maxRelAt = i;
      }
    }
    if (close)
      continue;
    if (mismatches++ < kShown)
      shown += "  " + formatIndex(spec.shape, i) + ": got " + formatValue(a) +
               ", expected " + formatValue(b) + "\n";
  }
  std::string tolerances =
      "rtol=" + formatValue(rtol) + " atol=" + formatValue(atol);
  auto at = [&](int64_t i) {
    return i < 0 ? std::string() : " at " + formatIndex(spec.shape, i);
  };
  auto error = [&](const char *what, double value, int64_t i) {
    return std::string(what) + " " + formatValue(value) +
           (value != 0 ? at(i) : "");
  };
  std::string errors = error("max abs error", maxAbs, maxAbsAt) + ", " +
                       error("max rel error", maxRel, maxRelAt);
  if (mismatches == 0) {
    report = "all " + std::to_string(n) + " elements match (" + tolerances +
             "); " + errors;
    return true;
  }
  report = std::to_string(mismatches) + " of " + std::to_string(n) +
           " elements differ (" + tolerances + "); " + errors + "\n" + shown;
  if (mismatches > kShown)
    report += "  ... and " + std::to_string(mismatches - kShown) + " more\n";
  report.pop_back();
  return false;
}

void qforge::printTensor(llvm::raw_ostream &os, const HostTensor &tensor,
                         int64_t maxElements) {
  const TensorSpec &spec = tensor.getSpec();
  int64_t n = spec.numElements();
  bool floating = isFloat(spec.elementType);
  auto value = [&](int64_t i) {
    double v = tensor.getAsDouble(i);
    if (floating)
      return formatValue(v);
    if (spec.elementType == ElementType::I64)
      return std::to_string(static_cast<long long>(
          *(static_cast<const int64_t *>(tensor.data()) + i)));
    return std::to_string(static_cast<long long>(v));
  };
  if (n > maxElements) {
    os << "[";
    for (int64_t i = 0; i < 16; ++i)
      os << value(i) << ", ";
    os << "...] (" << n << " elements)\n";
    return;
  }
  if (spec.shape.empty()) {
    os << value(0) << "\n";
    return;
  }
  // Nested brackets: open one per dimension whose index becomes 0, close one
  // per dimension whose index wraps.
  int64_t rank = spec.shape.size();
  if (n == 0) {
    os << std::string(rank, '[') << std::string(rank, ']') << "\n";
    return;
  }
  for (int64_t i = 0; i < n; ++i) {
    int64_t opens = 0, stride = 1;
    for (int64_t d = rank - 1; d >= 0; --d) {
      stride *= spec.shape[d];
      if (i % stride == 0)
        ++opens;
    }
    if (i > 0)
      os << (opens > 0 ? ",\n" + std::string(rank - opens, ' ') : ", ");
    os << std::string(opens, '[') << value(i);
    int64_t closes = 0;
    stride = 1;
    for (int64_t d = rank - 1; d >= 0; --d) {
      stride *= spec.shape[d];
      if ((i + 1) % stride == 0)
        ++closes;
    }
    os << std::string(closes, ']');
  }
  os << "\n";
}
