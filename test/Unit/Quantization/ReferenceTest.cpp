//===- ReferenceTest.cpp - Tests for the reference quantizer ---------------===//
//
// Hand-computed cases for rounding, saturation, minifloat codes, scale
// rounding and encoding, dynamic scales, and a property test bounding the
// integer quantization error.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Reference.h"

#include "gtest/gtest.h"

#include <cfloat>
#include <cmath>
#include <limits>
#include <random>

using namespace qforge;

namespace {

const float kInf = std::numeric_limits<float>::infinity();
const float kNaN = std::numeric_limits<float>::quiet_NaN();

Scheme scheme(ElementFormat f, unsigned bits,
              RoundingMode m = RoundingMode::NearestEven) {
  Scheme s;
  s.format = f;
  s.bits = bits;
  s.rounding = m;
  return s;
}

TensorDesc desc(std::vector<int64_t> shape, Scheme s) {
  TensorDesc d;
  d.shape = std::move(shape);
  d.scheme = s;
  return d;
}

TEST(RoundInteger, Modes) {
  const RoundingMode ne = RoundingMode::NearestEven;
  EXPECT_EQ(roundInteger(0.5f, ne), 0.0f);
  EXPECT_EQ(roundInteger(1.5f, ne), 2.0f);
  EXPECT_EQ(roundInteger(2.5f, ne), 2.0f);
  EXPECT_EQ(roundInteger(-2.5f, ne), -2.0f);
  EXPECT_EQ(roundInteger(-3.5f, ne), -4.0f);
  EXPECT_EQ(roundInteger(2.4999998f, ne), 2.0f);
  EXPECT_EQ(roundInteger(2.5000002f, ne), 3.0f);
  EXPECT_EQ(roundInteger(8388607.5f, ne), 8388608.0f);
  const RoundingMode na = RoundingMode::NearestAway;
  EXPECT_EQ(roundInteger(0.5f, na), 1.0f);
  EXPECT_EQ(roundInteger(2.5f, na), 3.0f);
  EXPECT_EQ(roundInteger(-2.5f, na), -3.0f);
  const RoundingMode tz = RoundingMode::TowardZero;
  EXPECT_EQ(roundInteger(2.7f, tz), 2.0f);
  EXPECT_EQ(roundInteger(-2.7f, tz), -2.0f);
  EXPECT_TRUE(std::isinf(roundInteger(kInf, ne)));
  EXPECT_TRUE(std::isnan(roundInteger(kNaN, ne)));
}

TEST(QuantizeValue, IntegerRounding) {
  Scheme s = scheme(ElementFormat::SInt, 8);
  EXPECT_EQ(quantizeValue(0.5f, 1.0f, 0, s), 0);
  EXPECT_EQ(quantizeValue(1.5f, 1.0f, 0, s), 2);
  EXPECT_EQ(quantizeValue(2.5f, 1.0f, 0, s), 2);
  EXPECT_EQ(quantizeValue(-2.5f, 1.0f, 0, s), -2);
  EXPECT_EQ(quantizeValue(-0.5f, 1.0f, 0, s), 0);
  EXPECT_EQ(quantizeValue(1.0f, 0.4f, 0, s), 2); // 2.5 -> 2
  Scheme a = scheme(ElementFormat::SInt, 8, RoundingMode::NearestAway);
  EXPECT_EQ(quantizeValue(0.5f, 1.0f, 0, a), 1);
  EXPECT_EQ(quantizeValue(2.5f, 1.0f, 0, a), 3);
  EXPECT_EQ(quantizeValue(-2.5f, 1.0f, 0, a), -3);
  Scheme z = scheme(ElementFormat::SInt, 8, RoundingMode::TowardZero);
  EXPECT_EQ(quantizeValue(2.9f, 1.0f, 0, z), 2);
  EXPECT_EQ(quantizeValue(-2.9f, 1.0f, 0, z), -2);
  EXPECT_EQ(quantizeValue(-200.0f, 1.0f, 0, z), -128);
}

TEST(QuantizeValue, TrueDivision) {
  // x / 0.1f rounds to 15.499999 (code 15), while x * (1 / 0.1f) would give
  // exactly 15.5 (code 16 with ties to even).
  float x = 0x1.8ccccc0p+0f, scale = 0x1.99999ap-4f;
  ASSERT_EQ(scale, 0.1f);
  ASSERT_EQ(x * (1.0f / scale), 15.5f);
  EXPECT_EQ(quantizeValue(x, scale, 0, scheme(ElementFormat::SInt, 8)), 15);
}

TEST(QuantizeValue, IntegerSaturationAndSpecials) {
  Scheme s = scheme(ElementFormat::SInt, 8);
  EXPECT_EQ(quantizeValue(1000.0f, 1.0f, 0, s), 127);
  EXPECT_EQ(quantizeValue(-1000.0f, 1.0f, 0, s), -128);
  EXPECT_EQ(quantizeValue(kInf, 1.0f, 0, s), 127);
  EXPECT_EQ(quantizeValue(-kInf, 1.0f, 0, s), -128);
  EXPECT_EQ(quantizeValue(FLT_MAX, 1e-30f, 0, s), 127); // x / s overflows
  EXPECT_EQ(quantizeValue(3e38f, 1.0f, 5, s), 127);
  EXPECT_EQ(quantizeValue(kNaN, 1.0f, 0, s), 0);
  EXPECT_EQ(quantizeValue(kNaN, 1.0f, -7, s), -7);

  Scheme s4 = scheme(ElementFormat::SInt, 4);
  EXPECT_EQ(quantizeValue(7.4f, 1.0f, 0, s4), 7);
  EXPECT_EQ(quantizeValue(7.6f, 1.0f, 0, s4), 7);
  EXPECT_EQ(quantizeValue(-8.6f, 1.0f, 0, s4), -8);
  Scheme s1 = scheme(ElementFormat::SInt, 1);
  EXPECT_EQ(quantizeValue(5.0f, 1.0f, 0, s1), 0);
  EXPECT_EQ(quantizeValue(-5.0f, 1.0f, 0, s1), -1);

  Scheme u = scheme(ElementFormat::UInt, 8);
  u.asymmetric = true;
  EXPECT_EQ(quantizeValue(1.0f, 0.5f, 128, u), 130);
  EXPECT_EQ(quantizeValue(-1.0f, 0.5f, 128, u), 126);
  EXPECT_EQ(quantizeValue(-100.0f, 0.5f, 128, u), 0);
  EXPECT_EQ(quantizeValue(100.0f, 0.5f, 128, u), 255);
  EXPECT_EQ(quantizeValue(kNaN, 0.5f, 10, u), 10);
  EXPECT_EQ(quantizeValue(-kInf, 0.5f, 10, u), 0);
  EXPECT_EQ(dequantizeValue(130, 0.5f, 128, u), 1.0f);
  EXPECT_EQ(dequantizeValue(0, 0.5f, 128, u), -64.0f);
  EXPECT_EQ(dequantizeValue(-3, 0.25f, 0, s), -0.75f);
}

TEST(QuantizeValue, Fp8E4M3) {
  Scheme s = scheme(ElementFormat::F8E4M3FN, 8);
  EXPECT_EQ(quantizeValue(448.0f, 1.0f, 0, s), 0x7E);
  EXPECT_EQ(quantizeValue(500.0f, 1.0f, 0, s), 0x7E);
  EXPECT_EQ(quantizeValue(470.0f, 1.0f, 0, s), 0x7E);
  EXPECT_EQ(quantizeValue(-500.0f, 1.0f, 0, s), 0xFE);
  EXPECT_EQ(quantizeValue(kInf, 1.0f, 0, s), 0x7E);
  EXPECT_EQ(quantizeValue(-kInf, 1.0f, 0, s), 0xFE);
  EXPECT_EQ(quantizeValue(kNaN, 1.0f, 0, s) & 0x7F, 0x7F);
  EXPECT_EQ(quantizeValue(1.0f, 1.0f, 0, s), 0x38);
  EXPECT_EQ(quantizeValue(-1.0f, 1.0f, 0, s), 0xB8);
  EXPECT_EQ(quantizeValue(896.0f, 2.0f, 0, s), 0x7E);
  EXPECT_EQ(quantizeValue(0.0f, 1.0f, 0, s), 0x00);
  // Subnormals: 2^-9 is the smallest; 2^-10 ties to 0; 1.5 * 2^-9 ties to 2.
  EXPECT_EQ(quantizeValue(std::ldexp(1.0f, -9), 1.0f, 0, s), 0x01);
  EXPECT_EQ(quantizeValue(std::ldexp(1.0f, -10), 1.0f, 0, s), 0x00);
  EXPECT_EQ(quantizeValue(std::ldexp(1.5f, -9), 1.0f, 0, s), 0x02);
  EXPECT_EQ(quantizeValue(std::ldexp(1.0f, -12), 1.0f, 0, s), 0x00);
  // 1.0625 ties between 1.0 and 1.125: even mantissa (1.0).
  EXPECT_EQ(quantizeValue(1.0625f, 1.0f, 0, s), 0x38);
  EXPECT_EQ(quantizeValue(1.1875f, 1.0f, 0, s), 0x3A); // tie -> 1.25

  EXPECT_EQ(dequantizeValue(0x7E, 1.0f, 0, s), 448.0f);
  EXPECT_EQ(dequantizeValue(0x01, 1.0f, 0, s), std::ldexp(1.0f, -9));
  EXPECT_EQ(dequantizeValue(0xB8, 0.5f, 0, s), -0.5f);
  EXPECT_TRUE(std::isnan(dequantizeValue(0x7F, 1.0f, 0, s)));
  EXPECT_TRUE(std::isnan(
      dequantizeValue(quantizeValue(kNaN, 1.0f, 0, s), 1.0f, 0, s)));
  // Every non-NaN code round-trips exactly.
  for (int32_t c = 0; c < 256; ++c) {
    if ((c & 0x7F) == 0x7F)
      continue;
    EXPECT_EQ(quantizeValue(dequantizeValue(c, 1.0f, 0, s), 1.0f, 0, s), c)
        << c;
  }
}

TEST(QuantizeValue, Fp8E5M2) {
  Scheme s = scheme(ElementFormat::F8E5M2, 8);
  EXPECT_EQ(quantizeValue(1.0f, 1.0f, 0, s), 0x3C);
  EXPECT_EQ(quantizeValue(57344.0f, 1.0f, 0, s), 0x7B);
  EXPECT_EQ(quantizeValue(1e6f, 1.0f, 0, s), 0x7B);
  EXPECT_EQ(quantizeValue(kInf, 1.0f, 0, s), 0x7B); // saturates
  EXPECT_EQ(quantizeValue(-kInf, 1.0f, 0, s), 0xFB);
  int32_t nan = quantizeValue(kNaN, 1.0f, 0, s);
  EXPECT_EQ(nan & 0x7C, 0x7C); // exponent all ones
  EXPECT_NE(nan & 0x03, 0);    // non-zero mantissa
  EXPECT_TRUE(std::isnan(dequantizeValue(nan, 1.0f, 0, s)));
  EXPECT_EQ(dequantizeValue(0x7B, 1.0f, 0, s), 57344.0f);
  for (int32_t c = 0; c < 256; ++c) {
    if ((c & 0x7C) == 0x7C)
      continue; // inf / NaN
    EXPECT_EQ(quantizeValue(dequantizeValue(c, 1.0f, 0, s), 1.0f, 0, s), c)
        << c;
  }
}

TEST(QuantizeValue, Fp4E2M1) {
  Scheme s = scheme(ElementFormat::F4E2M1FN, 4);
  const float values[] = {0.0f, 0.5f, 1.0f, 1.5f, 2.0f, 3.0f, 4.0f, 6.0f};
  for (int32_t c = 0; c < 8; ++c) {
    EXPECT_EQ(quantizeValue(values[c], 1.0f, 0, s), c) << values[c];
    EXPECT_EQ(quantizeValue(-values[c], 1.0f, 0, s), c | 8) << values[c];
    EXPECT_EQ(dequantizeValue(c, 1.0f, 0, s), values[c]);
    EXPECT_EQ(dequantizeValue(c | 8, 1.0f, 0, s), -values[c]);
  }
  // Ties go to the even code.
  EXPECT_EQ(quantizeValue(0.25f, 1.0f, 0, s), 0);
  EXPECT_EQ(quantizeValue(0.75f, 1.0f, 0, s), 2);
  EXPECT_EQ(quantizeValue(1.25f, 1.0f, 0, s), 2);
  EXPECT_EQ(quantizeValue(1.75f, 1.0f, 0, s), 4);
  EXPECT_EQ(quantizeValue(2.5f, 1.0f, 0, s), 4);
  EXPECT_EQ(quantizeValue(3.5f, 1.0f, 0, s), 6);
  EXPECT_EQ(quantizeValue(5.0f, 1.0f, 0, s), 6);
  EXPECT_EQ(quantizeValue(-5.0f, 1.0f, 0, s), 14);
  // Non-ties and saturation.
  EXPECT_EQ(quantizeValue(2.9f, 1.0f, 0, s), 5);
  EXPECT_EQ(quantizeValue(5.1f, 1.0f, 0, s), 7);
  EXPECT_EQ(quantizeValue(7.0f, 1.0f, 0, s), 7);
  EXPECT_EQ(quantizeValue(100.0f, 1.0f, 0, s), 7);
  EXPECT_EQ(quantizeValue(-kInf, 1.0f, 0, s), 15);
  EXPECT_EQ(quantizeValue(kNaN, 1.0f, 0, s), 0);
  EXPECT_EQ(quantizeValue(3.0f, 0.5f, 0, s), 7); // 3 / 0.5 = 6
  EXPECT_EQ(dequantizeValue(7, 0.5f, 0, s), 3.0f);
}

TEST(RoundScale, Formats) {
  EXPECT_EQ(roundScale(0.1f, ScaleFormat::F32), 0.1f);
  EXPECT_EQ(roundScale(kInf, ScaleFormat::F32), FLT_MAX);

  EXPECT_EQ(roundScale(3.0f, ScaleFormat::E8M0), 4.0f);
  EXPECT_EQ(roundScale(4.0f, ScaleFormat::E8M0), 4.0f);
  EXPECT_EQ(roundScale(4.0001f, ScaleFormat::E8M0), 8.0f);
  EXPECT_EQ(roundScale(0.3f, ScaleFormat::E8M0), 0.5f);
  EXPECT_EQ(roundScale(1.0f, ScaleFormat::E8M0), 1.0f);
  EXPECT_EQ(roundScale(1e-40f, ScaleFormat::E8M0), std::ldexp(1.0f, -127));
  EXPECT_EQ(roundScale(1e38f, ScaleFormat::E8M0), std::ldexp(1.0f, 127));
  EXPECT_EQ(roundScale(3e38f, ScaleFormat::E8M0), std::ldexp(1.0f, 127));

  EXPECT_EQ(roundScale(0.1f, ScaleFormat::F16), 0.0999755859375f);
  EXPECT_EQ(roundScale(1.0f, ScaleFormat::F16), 1.0f);
  EXPECT_EQ(roundScale(1e5f, ScaleFormat::F16), 65504.0f);
  EXPECT_EQ(roundScale(65519.0f, ScaleFormat::F16), 65504.0f);
  EXPECT_EQ(roundScale(1e-9f, ScaleFormat::F16), std::ldexp(1.0f, -24));
  EXPECT_EQ(roundScale(std::ldexp(3.0f, -24), ScaleFormat::F16),
            std::ldexp(3.0f, -24)); // subnormal kept

  EXPECT_EQ(roundScale(0.1f, ScaleFormat::BF16), 0.10009765625f);
  EXPECT_EQ(roundScale(1.0f + 1.0f / 256, ScaleFormat::BF16), 1.0f); // tie
  EXPECT_EQ(roundScale(FLT_MAX, ScaleFormat::BF16),
            std::ldexp(255.0f / 128, 127));

  EXPECT_EQ(roundScale(0.1f, ScaleFormat::E4M3), 0.1015625f);
  EXPECT_EQ(roundScale(500.0f, ScaleFormat::E4M3), 448.0f);
  EXPECT_EQ(roundScale(1e-5f, ScaleFormat::E4M3), std::ldexp(1.0f, -9));
  EXPECT_EQ(roundScale(44.8f, ScaleFormat::E4M3), 44.0f);

  // Idempotent on every format.
  for (ScaleFormat f : {ScaleFormat::F32, ScaleFormat::F16, ScaleFormat::BF16,
                        ScaleFormat::E8M0, ScaleFormat::E4M3})
    for (float v : {1e-30f, 0.013f, 0.7f, 3.0f, 1234.5f, 1e20f}) {
      float r = roundScale(v, f);
      EXPECT_GT(r, 0.0f);
      EXPECT_EQ(roundScale(r, f), r) << toString(f) << " " << v;
    }
}

TEST(ScaleEncoding, Bytes) {
  uint8_t b[4] = {};
  encodeScale(1.0f, ScaleFormat::F32, b);
  EXPECT_EQ(b[0], 0x00);
  EXPECT_EQ(b[1], 0x00);
  EXPECT_EQ(b[2], 0x80);
  EXPECT_EQ(b[3], 0x3F);
  encodeScale(1.0f, ScaleFormat::F16, b);
  EXPECT_EQ(b[0], 0x00);
  EXPECT_EQ(b[1], 0x3C);
  encodeScale(1.0f, ScaleFormat::BF16, b);
  EXPECT_EQ(b[0], 0x80);
  EXPECT_EQ(b[1], 0x3F);
  encodeScale(448.0f, ScaleFormat::E4M3, b);
  EXPECT_EQ(b[0], 0x7E);
  encodeScale(4.0f, ScaleFormat::E8M0, b);
  EXPECT_EQ(b[0], 129);
  encodeScale(3.0f, ScaleFormat::E8M0, b); // rounds up to 4
  EXPECT_EQ(b[0], 129);
  encodeScale(std::ldexp(1.0f, -127), ScaleFormat::E8M0, b);
  EXPECT_EQ(b[0], 0);
  encodeScale(kNaN, ScaleFormat::E8M0, b);
  EXPECT_EQ(b[0], 0xFF);

  uint8_t e[1] = {127};
  EXPECT_EQ(decodeScale(e, ScaleFormat::E8M0), 1.0f);
  e[0] = 0xFE;
  EXPECT_EQ(decodeScale(e, ScaleFormat::E8M0), std::ldexp(1.0f, 127));
  e[0] = 0xFF;
  EXPECT_TRUE(std::isnan(decodeScale(e, ScaleFormat::E8M0)));
  uint8_t h[2] = {0x66, 0x2E};
  EXPECT_EQ(decodeScale(h, ScaleFormat::F16), 0.0999755859375f);
}

TEST(ScaleEncoding, RoundTripsEveryCode) {
  // Every finite positive code of the 1- and 2-byte formats decodes, rounds
  // and re-encodes to itself.
  for (ScaleFormat f : {ScaleFormat::F16, ScaleFormat::BF16, ScaleFormat::E8M0,
                        ScaleFormat::E4M3}) {
    unsigned n = scaleBytes(f);
    uint32_t limit = n == 1 ? 0x100 : 0x10000;
    int checked = 0;
    for (uint32_t code = 0; code < limit; ++code) {
      uint8_t in[2] = {uint8_t(code), uint8_t(code >> 8)};
      float v = decodeScale(in, f);
      if (!std::isfinite(v) || !(v > 0))
        continue;
      ++checked;
      ASSERT_EQ(roundScale(v, f), v) << toString(f) << " " << code;
      uint8_t out[2] = {0, 0};
      encodeScale(v, f, out);
      ASSERT_EQ(out[0], in[0]) << toString(f) << " " << code;
      if (n == 2) {
        ASSERT_EQ(out[1], in[1]) << toString(f) << " " << code;
      }
    }
    EXPECT_GT(checked, 100) << toString(f);
  }
}

TEST(ComputeScales, HandComputed) {
  Scheme s = scheme(ElementFormat::SInt, 8);
  s.axis = 0;
  std::vector<float> scales;
  std::vector<int32_t> zps;
  float ts = 0;
  computeScales({1, -2, 0.5f, 0, 0, 0, 0, 0}, desc({2, 4}, s), scales, zps, ts);
  ASSERT_EQ(scales.size(), 2u);
  EXPECT_EQ(scales[0], 2.0f / 127);
  EXPECT_EQ(scales[1], 1.0f); // all-zero block
  EXPECT_TRUE(zps.empty());
  EXPECT_EQ(ts, 1.0f);

  // NaNs are ignored.
  computeScales({kNaN, 2, kNaN, -1}, desc({2, 2}, s), scales, zps, ts);
  EXPECT_EQ(scales[0], 2.0f / 127);
  EXPECT_EQ(scales[1], 1.0f / 127);

  // Asymmetric uint8: lo = -1, hi = 3, s = 4/255, zp = 0 + 63.75 -> 64.
  Scheme u = scheme(ElementFormat::UInt, 8);
  u.asymmetric = true;
  computeScales({-1, 3, 0.5f, 2}, desc({4}, u), scales, zps, ts);
  ASSERT_EQ(scales.size(), 1u);
  EXPECT_EQ(scales[0], 4.0f / 255);
  ASSERT_EQ(zps.size(), 1u);
  EXPECT_EQ(zps[0], 64);
  // Same data as sint8: zp = -128 + 63.75 -> -64.
  Scheme a = scheme(ElementFormat::SInt, 8);
  a.asymmetric = true;
  computeScales({-1, 3, 0.5f, 2}, desc({4}, a), scales, zps, ts);
  EXPECT_EQ(zps[0], -64);
  // All-positive data: lo = 0 so zp = qmin.
  computeScales({1, 3}, desc({2}, a), scales, zps, ts);
  EXPECT_EQ(scales[0], 3.0f / 255);
  EXPECT_EQ(zps[0], -128);
  computeScales({0, 0}, desc({2}, a), scales, zps, ts);
  EXPECT_EQ(scales[0], 1.0f);
  EXPECT_EQ(zps[0], 0);

  // Uint symmetric uses max(x, 0).
  computeScales({-9, 3}, desc({2}, scheme(ElementFormat::UInt, 4)), scales,
                zps, ts);
  EXPECT_EQ(scales[0], 3.0f / 15);

  // Zero point after scale rounding: e8m0 scale 4/255 -> 1/32, zp = 32.
  u.scaleFormat = ScaleFormat::E8M0;
  computeScales({-1, 3}, desc({2}, u), scales, zps, ts);
  EXPECT_EQ(scales[0], 1.0f / 32);
  EXPECT_EQ(zps[0], 32);
}

TEST(ComputeScales, TwoLevel) {
  Scheme s = scheme(ElementFormat::F4E2M1FN, 4);
  s.axis = 1;
  s.groupSize = 4;
  s.scaleFormat = ScaleFormat::E4M3;
  s.tensorScale = true;
  std::vector<float> x = {6, 1, -2, 0, 0.6f, -0.3f, 0.1f, 0};
  std::vector<float> scales;
  std::vector<int32_t> zps;
  float ts = 0;
  TensorDesc d = desc({1, 8}, s);
  computeScales(x, d, scales, zps, ts);
  EXPECT_EQ(ts, float(6.0 / (6.0 * 448.0)));
  ASSERT_EQ(scales.size(), 2u);
  EXPECT_EQ(scales[0], 448.0f);
  EXPECT_EQ(scales[1], 44.0f); // 0.1 / ts = 44.8 -> 44 in e4m3
  QuantizedTensor q = quantize(x, d);
  EXPECT_EQ(q.tensorScale, ts);
  EXPECT_EQ(q.codes[0], 7); // 6 / (448 * ts) = 6
  std::vector<float> back = dequantize(q);
  ASSERT_EQ(back.size(), x.size());
  EXPECT_NEAR(back[0], 6.0f, 1e-5f);
  EXPECT_NEAR(back[2], -2.0f, 1e-5f);
}

TEST(QuantizeWithScales, ValidatesAndRounds) {
  Scheme s = scheme(ElementFormat::UInt, 4);
  s.axis = 0;
  s.asymmetric = true;
  s.scaleFormat = ScaleFormat::E8M0;
  TensorDesc d = desc({2, 2}, s);
  std::vector<float> x = {0.0f, 3.0f, -3.0f, 1.0f};
  std::string err;
  std::optional<QuantizedTensor> q =
      quantizeWithScales(x, d, {3.0f, 0.5f}, {0, 8}, 1.0f, &err);
  ASSERT_TRUE(q) << err;
  EXPECT_EQ(q->scales, (std::vector<float>{4.0f, 0.5f}));
  EXPECT_EQ(q->codes, (std::vector<int32_t>{0, 1, 2, 10}));

  EXPECT_FALSE(quantizeWithScales(x, d, {1.0f}, {0, 0}, 1.0f, &err));
  EXPECT_EQ(err, "expected 2 scales, got 1");
  EXPECT_FALSE(quantizeWithScales(x, d, {1.0f, -0.5f}, {0, 0}, 1.0f, &err));
  EXPECT_EQ(err, "scale 1 is -0.5, not finite and positive");
  EXPECT_FALSE(quantizeWithScales(x, d, {kInf, 1.0f}, {0, 0}, 1.0f, &err));
  EXPECT_EQ(err, "scale 0 is inf, not finite and positive");
  EXPECT_FALSE(quantizeWithScales(x, d, {1.0f, 1.0f}, {0, 16}, 1.0f, &err));
  EXPECT_EQ(err, "zero point 1 is 16, out of range [0, 15]");
  EXPECT_FALSE(quantizeWithScales(x, d, {1.0f, 1.0f}, {}, 1.0f, &err));
  EXPECT_EQ(err, "expected 2 zero points, got 0");
  EXPECT_FALSE(quantizeWithScales({1.0f}, d, {1.0f, 1.0f}, {0, 0}, 1.0f, &err));
  EXPECT_EQ(err, "expected 4 values, got 1");

  Scheme t = scheme(ElementFormat::SInt, 8);
  t.axis = 0;
  t.groupSize = 2;
  t.tensorScale = true;
  EXPECT_FALSE(quantizeWithScales(x, desc({4}, t), {1.0f, 1.0f}, {}, 0.0f,
                                  &err));
  EXPECT_EQ(err, "tensor scale is 0, not finite and positive");
  q = quantizeWithScales(x, desc({4}, t), {2.0f, 1.0f}, {}, 0.5f, &err);
  ASSERT_TRUE(q) << err;
  EXPECT_EQ(q->codes, (std::vector<int32_t>{0, 3, -6, 2}));
}

/// Scale index of a row-major element, computed from its multi-index
/// (independently of the library's closed form).
int64_t blockOf(const TensorDesc &d, int64_t linear) {
  const Scheme &s = d.scheme;
  if (s.axis < 0)
    return 0;
  std::vector<int64_t> idx(d.shape.size());
  for (int64_t k = int64_t(d.shape.size()) - 1; k >= 0; --k) {
    idx[k] = linear % d.shape[k];
    linear /= d.shape[k];
  }
  if (s.groupSize == 0)
    return idx[s.axis];
  std::vector<int64_t> ss = scaleShape(s, d.shape);
  idx[s.axis] /= s.groupSize;
  int64_t b = 0;
  for (size_t k = 0; k < ss.size(); ++k)
    b = b * ss[k] + idx[k];
  return b;
}

/// Random data with a different magnitude per call.
std::vector<float> randomData(std::mt19937 &rng, int64_t n, bool nonNegative,
                              bool nonPositive) {
  std::uniform_real_distribution<float> mag(0.01f, 100.0f);
  float m = mag(rng);
  float lo = nonNegative ? 0.0f : -m, hi = nonPositive ? 0.0f : m;
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> x(n);
  for (float &v : x)
    v = dist(rng);
  return x;
}

// |dequantize(quantize(x)) - x| <= scale / 2 for integer schemes, for every
// element whose x / scale + zp lies within the code range (all of them when
// the scale is not rounded down, i.e. f32 or e8m0 scales).
TEST(Property, IntegerErrorBound) {
  std::mt19937 rng(12345);
  const std::vector<std::vector<int64_t>> shapes = {{37}, {6, 9}, {3, 4, 10}};
  int checked = 0;
  for (ElementFormat f : {ElementFormat::SInt, ElementFormat::UInt})
    for (unsigned bits = 1; bits <= 8; ++bits)
      for (bool asym : {false, true})
        for (ScaleFormat sf : {ScaleFormat::F32, ScaleFormat::F16,
                               ScaleFormat::BF16, ScaleFormat::E8M0,
                               ScaleFormat::E4M3})
          for (const std::vector<int64_t> &shape : shapes)
            for (int g = 0; g < 4; ++g) {
              Scheme s = scheme(f, bits);
              s.asymmetric = asym;
              s.scaleFormat = sf;
              int64_t rank = int64_t(shape.size());
              if (g >= 1) // 1: per-axis, 2: groups of 4, 3: two-level
                s.axis = rank - 1 - (g % rank);
              if (g >= 2)
                s.groupSize = 4;
              s.tensorScale = g == 3;
              TensorDesc d = desc(shape, s);
              if (!d.verify(false).empty())
                continue;
              // Symmetric uint and 1-bit sint cannot represent one sign.
              bool nonNeg = !asym && f == ElementFormat::UInt;
              bool nonPos = !asym && f == ElementFormat::SInt && bits == 1;
              std::vector<float> x =
                  randomData(rng, *checkedNumElements(shape), nonNeg, nonPos);
              QuantizedTensor q = quantize(x, d);
              std::vector<float> y = dequantize(q);
              ASSERT_EQ(y.size(), x.size());
              std::vector<float> sc;
              std::vector<int32_t> zp;
              float ts;
              computeScales(x, d, sc, zp, ts);
              ASSERT_EQ(sc, q.scales);
              ASSERT_EQ(zp, q.zeroPoints);
              bool exactRange =
                  sf == ScaleFormat::F32 || sf == ScaleFormat::E8M0;
              for (size_t i = 0; i < x.size(); ++i) {
                int64_t b = blockOf(d, int64_t(i));
                float eff = s.tensorScale ? q.scales[b] * q.tensorScale
                                          : q.scales[b];
                int32_t z = asym ? q.zeroPoints[b] : 0;
                ASSERT_EQ(q.codes[i], quantizeValue(x[i], eff, z, s));
                ASSERT_EQ(y[i], dequantizeValue(q.codes[i], eff, z, s));
                double pos = double(x[i]) / eff + z;
                bool inRange = pos >= s.qmin() - 0.5 && pos <= s.qmax() + 0.5;
                if (!exactRange && !inRange)
                  continue;
                ASSERT_LE(std::fabs(double(y[i]) - double(x[i])),
                          0.5 * eff * (1 + 1e-4) + 1e-30)
                    << toString(f) << bits << " asym=" << asym << " "
                    << toString(sf) << " g=" << g << " i=" << i;
                ++checked;
              }
            }
  EXPECT_GT(checked, 10000);
}

// Relative error of fp8 e4m3 quantization is at most 2^-4 in the normal range.
TEST(Property, Fp8RelativeError) {
  std::mt19937 rng(7);
  Scheme s = scheme(ElementFormat::F8E4M3FN, 8);
  s.axis = 0;
  TensorDesc d = desc({8, 64}, s);
  std::vector<float> x = randomData(rng, 8 * 64, false, false);
  QuantizedTensor q = quantize(x, d);
  std::vector<float> y = dequantize(q);
  for (size_t i = 0; i < x.size(); ++i) {
    float sc = q.scales[i / 64];
    if (std::fabs(x[i] / sc) < std::ldexp(1.0f, -6))
      continue;
    EXPECT_LE(std::fabs(y[i] - x[i]), std::fabs(x[i]) / 16 * (1 + 1e-5))
        << i;
  }
  // The block's largest magnitude maps to +-448.
  size_t big = 0;
  for (size_t i = 0; i < 64; ++i)
    if (std::fabs(x[i]) > std::fabs(x[big]))
      big = i;
  EXPECT_EQ(q.codes[big] & 0x7F, 0x7E);
}

TEST(Quantize, PreconditionViolations) {
  QuantizedTensor q = quantize({1.0f, 2.0f}, desc({3}, Scheme()));
  EXPECT_TRUE(q.codes.empty());
  q = quantize({1.0f}, desc({1}, scheme(ElementFormat::SInt, 0)));
  EXPECT_TRUE(q.codes.empty());
}

} // namespace

// transpose2D commutes with dequantize for per-tensor, per-axis and grouped
// (asymmetric) schemes, and refuses other ranks.
TEST(Transpose2D, CommutesWithDequantize) {
  std::vector<float> x(6 * 8);
  for (size_t i = 0; i < x.size(); ++i)
    x[i] = std::sin(0.7 * double(i)) * (1.0 + double(i % 5));
  std::vector<Scheme> schemes(4);
  schemes[0].bits = 4;
  schemes[1].bits = 3;
  schemes[1].axis = 1;
  schemes[2].bits = 4;
  schemes[2].axis = 0;
  schemes[2].groupSize = 2;
  schemes[3] = schemes[2];
  schemes[3].format = ElementFormat::UInt;
  schemes[3].asymmetric = true;
  schemes[3].axis = 1;
  schemes[3].groupSize = 4;
  for (const Scheme &s : schemes) {
    TensorDesc desc{{6, 8}, s, {}};
    ASSERT_EQ(desc.verify(), "");
    QuantizedTensor q = quantize(x, desc);
    std::optional<QuantizedTensor> t = transpose2D(q);
    ASSERT_TRUE(t);
    EXPECT_EQ(t->desc.shape, (std::vector<int64_t>{8, 6}));
    EXPECT_EQ(t->desc.verify(), "");
    std::vector<float> a = dequantize(q), b = dequantize(*t);
    for (int64_t r = 0; r < 6; ++r)
      for (int64_t c = 0; c < 8; ++c)
        EXPECT_EQ(a[r * 8 + c], b[c * 6 + r]) << r << "," << c;
    // Transposing twice gives the original back.
    std::optional<QuantizedTensor> back = transpose2D(*t);
    ASSERT_TRUE(back);
    EXPECT_EQ(back->codes, q.codes);
    EXPECT_EQ(back->scales, q.scales);
    EXPECT_EQ(back->zeroPoints, q.zeroPoints);
  }
  TensorDesc rank1{{8}, Scheme{}, {}};
  std::string error;
  EXPECT_FALSE(transpose2D(quantize(std::vector<float>(8, 1.0f), rank1), &error));
  EXPECT_NE(error.find("rank-2"), std::string::npos);
}
