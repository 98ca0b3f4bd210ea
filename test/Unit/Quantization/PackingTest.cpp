//===- PackingTest.cpp - Tests for code packing and blobs ------------------===//
//
// packCodes / unpackCodes bit layout, tiled code order, and blob round trips
// over every granularity, element format, scale format and layout.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Reference.h"

#include "gtest/gtest.h"

#include <algorithm>
#include <cstring>
#include <random>
#include <set>

using namespace qforge;

namespace {

TEST(PackCodes, HandComputedBytes) {
  int32_t four[] = {1, 2, 3};
  uint8_t out[2] = {0xAA, 0xAA}; // garbage must be overwritten
  packCodes(four, 3, 4, out);
  EXPECT_EQ(out[0], 0x21);
  EXPECT_EQ(out[1], 0x03);

  int32_t three[] = {1, 2, 3, 4, 5, 6, 7, 0};
  uint8_t out3[3] = {0xFF, 0xFF, 0xFF};
  packCodes(three, 8, 3, out3);
  EXPECT_EQ(out3[0], 0xD1);
  EXPECT_EQ(out3[1], 0x58);
  EXPECT_EQ(out3[2], 0x1F);

  // Signed codes keep their low bits only.
  int32_t neg[] = {-1, 0, -2, 1, -3};
  uint8_t outN[2] = {0, 0};
  packCodes(neg, 5, 3, outN);
  EXPECT_EQ(outN[0], 0x87);
  EXPECT_EQ(outN[1], 0x53);
  int32_t back[5];
  unpackCodes(outN, 5, 3, /*isSigned=*/true, back);
  EXPECT_EQ(std::vector<int32_t>(back, back + 5),
            std::vector<int32_t>(neg, neg + 5));
  unpackCodes(outN, 5, 3, /*isSigned=*/false, back);
  EXPECT_EQ(std::vector<int32_t>(back, back + 5),
            (std::vector<int32_t>{7, 0, 6, 1, 5}));

  // 1-bit: code i is bit i.
  int32_t ones[] = {1, 0, 0, 1, 1, 0, 1, 0, 1};
  uint8_t outB[2] = {0xFF, 0xFF};
  packCodes(ones, 9, 1, outB);
  EXPECT_EQ(outB[0], 0x59);
  EXPECT_EQ(outB[1], 0x01);
}

TEST(PackCodes, DoesNotWritePastTheEnd) {
  int32_t codes[13];
  for (int i = 0; i < 13; ++i)
    codes[i] = 0x7F;
  for (unsigned bits = 1; bits <= 8; ++bits) {
    std::vector<uint8_t> buf(32, 0xCD);
    size_t bytes = (13 * bits + 7) / 8;
    packCodes(codes, 13, bits, buf.data());
    for (size_t i = bytes; i < buf.size(); ++i)
      EXPECT_EQ(buf[i], 0xCD) << bits << " " << i;
    // Unused high bits of the last byte are zero.
    unsigned used = (13 * bits) % 8;
    if (used) {
      EXPECT_EQ(buf[bytes - 1] >> used, 0) << bits;
    }
  }
}

TEST(PackCodes, ExhaustiveRoundTrip) {
  std::mt19937 rng(99);
  for (unsigned bits = 1; bits <= 8; ++bits)
    for (bool isSigned : {false, true}) {
      int32_t lo = isSigned ? -(1 << (bits - 1)) : 0;
      int32_t hi = isSigned ? (1 << (bits - 1)) - 1 : (1 << bits) - 1;
      // Every code value, at every bit offset modulo 8.
      std::vector<int32_t> all;
      for (int rep = 0; rep < 8; ++rep)
        for (int32_t v = lo; v <= hi; ++v)
          all.push_back(v);
      all.push_back(lo); // odd total
      std::uniform_int_distribution<int32_t> dist(lo, hi);
      for (int64_t count : {int64_t(1), int64_t(7), int64_t(13), int64_t(100),
                            int64_t(all.size())}) {
        std::vector<int32_t> codes(count);
        if (count == int64_t(all.size()))
          codes = all;
        else
          for (int32_t &c : codes)
            c = dist(rng);
        std::vector<uint8_t> packed((count * bits + 7) / 8, 0xEE);
        packCodes(codes.data(), count, bits, packed.data());
        std::vector<int32_t> back(count, 12345);
        unpackCodes(packed.data(), count, bits, isSigned, back.data());
        ASSERT_EQ(back, codes) << bits << " signed=" << isSigned << " n="
                               << count;
      }
    }
}

TensorDesc makeDesc(std::vector<int64_t> shape, Scheme s,
                    std::vector<int64_t> tile = {}) {
  TensorDesc d;
  d.shape = std::move(shape);
  d.scheme = s;
  d.layout.tile = std::move(tile);
  return d;
}

TEST(LayoutCodeIndex, TiledIsBijectionOntoRealSlots) {
  TensorDesc d = makeDesc({2, 5, 7}, Scheme(), {4, 3});
  std::optional<BlobLayout> l = computeBlobLayout(d);
  ASSERT_TRUE(l);
  ASSERT_EQ(l->numCodes, 2 * 8 * 9);
  std::set<int64_t> seen;
  for (int64_t i = 0; i < 70; ++i) {
    int64_t k = layoutCodeIndex(d, i);
    ASSERT_GE(k, 0);
    ASSERT_LT(k, l->numCodes);
    EXPECT_TRUE(seen.insert(k).second) << "duplicate slot " << k;
    // Real slots are exactly those whose in-tile position is inside the
    // tensor.
    int64_t inLeading = k % 72, tile = inLeading / 12, pos = inLeading % 12;
    int64_t r = (tile / 3) * 4 + pos / 3, c = (tile % 3) * 3 + pos % 3;
    EXPECT_EQ(r, (i / 7) % 5) << i;
    EXPECT_EQ(c, i % 7) << i;
  }
  EXPECT_EQ(seen.size(), 70u);
  EXPECT_EQ(layoutCodeIndex(d, 0), 0);
  EXPECT_EQ(layoutCodeIndex(d, 1), 1);
  EXPECT_EQ(layoutCodeIndex(d, 3), 12);  // (0, 0, 3): tile (0, 1)
  EXPECT_EQ(layoutCodeIndex(d, 7), 3);   // (0, 1, 0)
  EXPECT_EQ(layoutCodeIndex(d, 28), 36); // (0, 4, 0): tile (1, 0)
  EXPECT_EQ(layoutCodeIndex(d, 34), 60); // (0, 4, 6): tile (1, 2)
  EXPECT_EQ(layoutCodeIndex(d, 35), 72); // (1, 0, 0)

  TensorDesc packed = makeDesc({2, 5, 7}, Scheme());
  for (int64_t i = 0; i < 70; ++i)
    EXPECT_EQ(layoutCodeIndex(packed, i), i);
}

/// Element formats with their widths, integer and float.
struct FormatCase {
  ElementFormat format;
  unsigned bits;
};

std::vector<FormatCase> allFormats() {
  std::vector<FormatCase> cases;
  for (unsigned b = 1; b <= 8; ++b) {
    cases.push_back({ElementFormat::SInt, b});
    cases.push_back({ElementFormat::UInt, b});
  }
  cases.push_back({ElementFormat::F8E4M3FN, 8});
  cases.push_back({ElementFormat::F8E5M2, 8});
  cases.push_back({ElementFormat::F4E2M1FN, 4});
  return cases;
}

/// Granularities for a rank: per-tensor, per-axis on every axis, groups of
/// 2 and 3 (ragged on odd dims) on every axis, and two-level groups.
std::vector<Scheme> granularities(int64_t rank) {
  std::vector<Scheme> out;
  out.push_back(Scheme());
  for (int64_t a = 0; a < rank; ++a) {
    Scheme s;
    s.axis = a;
    out.push_back(s);
    for (int64_t g : {2, 3}) {
      s.groupSize = g;
      out.push_back(s);
    }
    s.groupSize = 4;
    s.tensorScale = true;
    out.push_back(s);
  }
  return out;
}

TEST(Blob, RoundTripEverything) {
  std::mt19937 rng(2024);
  std::uniform_real_distribution<float> dist(-4.0f, 6.0f);
  const std::vector<std::vector<int64_t>> shapes = {
      {}, {13}, {5, 7}, {3, 5, 7}, {2, 3, 2, 5}};
  const std::vector<std::vector<int64_t>> tiles = {
      {}, {4, 3}, {1, 1}, {8, 8}, {2, 5}};
  const ScaleFormat scaleFormats[] = {ScaleFormat::F32, ScaleFormat::F16,
                                      ScaleFormat::BF16, ScaleFormat::E8M0,
                                      ScaleFormat::E4M3};
  int roundTrips = 0;
  for (const std::vector<int64_t> &shape : shapes) {
    int64_t n = *checkedNumElements(shape);
    std::vector<float> x(n);
    for (float &v : x)
      v = dist(rng);
    if (n > 3) {
      x[1] = 0.0f;
      x[2] *= 100.0f; // some blocks with a wide range
    }
    for (const Scheme &gran : granularities(int64_t(shape.size())))
      for (FormatCase fc : allFormats())
        for (bool asym : {false, true})
          for (ScaleFormat sf : scaleFormats)
            for (const std::vector<int64_t> &tile : tiles) {
              if (asym && fc.format != ElementFormat::SInt &&
                  fc.format != ElementFormat::UInt)
                continue;
              if (!tile.empty() && shape.size() < 2)
                continue;
              Scheme s = gran;
              s.format = fc.format;
              s.bits = fc.bits;
              s.asymmetric = asym;
              s.scaleFormat = sf;
              TensorDesc d = makeDesc(shape, s, tile);
              ASSERT_EQ(d.verify(/*requireDivisibleGroups=*/false), "");
              SCOPED_TRACE(::testing::Message()
                           << "rank " << shape.size() << " axis " << s.axis
                           << " group " << s.groupSize << " two-level "
                           << s.tensorScale << " " << toString(s.format)
                           << s.bits << " asym " << asym << " "
                           << toString(sf) << " tile " << tile.size());
              QuantizedTensor q = quantize(x, d);
              ASSERT_EQ(int64_t(q.codes.size()), n);
              std::vector<uint8_t> blob = packBlob(q);
              std::optional<BlobLayout> l = computeBlobLayout(d);
              ASSERT_TRUE(l);
              ASSERT_EQ(int64_t(blob.size()), l->totalBytes);
              std::string err;
              std::optional<QuantizedTensor> u =
                  unpackBlob(blob.data(), int64_t(blob.size()), d, &err);
              ASSERT_TRUE(u) << err;
              ASSERT_EQ(u->codes, q.codes);
              ASSERT_EQ(u->scales, q.scales);
              ASSERT_EQ(u->zeroPoints, q.zeroPoints);
              ASSERT_EQ(u->tensorScale, q.tensorScale);
              // Deterministic: repacking gives the same bytes.
              ASSERT_EQ(packBlob(*u), blob);
              ++roundTrips;
            }
  }
  EXPECT_GT(roundTrips, 10000);
}

TEST(Blob, TiledPaddingDequantizesToZero) {
  // Asymmetric uint8 per-row scales: padding columns take the row's zero
  // point, padding rows the last row's.
  Scheme s;
  s.format = ElementFormat::UInt;
  s.axis = 0;
  s.asymmetric = true;
  TensorDesc d = makeDesc({5, 7}, s, {4, 3});
  std::vector<float> x(35);
  for (int i = 0; i < 35; ++i)
    x[i] = float(i % 7) - float(i / 7) * 1.5f; // rows with different ranges
  QuantizedTensor q = quantize(x, d);
  std::set<int32_t> zps(q.zeroPoints.begin(), q.zeroPoints.end());
  ASSERT_GT(zps.size(), 2u);
  std::vector<uint8_t> blob = packBlob(q);
  std::optional<BlobLayout> l = computeBlobLayout(d);
  ASSERT_TRUE(l);
  std::vector<int32_t> stored(l->numCodes);
  unpackCodes(blob.data() + l->codesOffset, l->numCodes, 8, false,
              stored.data());
  for (int64_t r = 0; r < 8; ++r)
    for (int64_t c = 0; c < 9; ++c) {
      int64_t slot = ((r / 4) * 3 + c / 3) * 12 + (r % 4) * 3 + c % 3;
      int64_t rr = std::min<int64_t>(r, 4);
      if (r < 5 && c < 7) {
        EXPECT_EQ(stored[slot], q.codes[r * 7 + c]);
      } else {
        EXPECT_EQ(stored[slot], q.zeroPoints[rr]) << r << "," << c;
        EXPECT_EQ(dequantizeValue(stored[slot], q.scales[rr],
                                  q.zeroPoints[rr], s),
                  0.0f);
      }
    }

  // Symmetric / float formats pad with code 0 (+0.0).
  Scheme f;
  f.format = ElementFormat::F4E2M1FN;
  f.bits = 4;
  TensorDesc fd = makeDesc({3, 3}, f, {2, 2});
  std::vector<float> ones(9, -1.0f);
  std::vector<uint8_t> fb = packBlob(quantize(ones, fd));
  l = computeBlobLayout(fd);
  ASSERT_TRUE(l);
  std::vector<int32_t> fs(l->numCodes);
  unpackCodes(fb.data(), l->numCodes, 4, false, fs.data());
  int pads = 0;
  for (int32_t c : fs) {
    EXPECT_TRUE(c == 0 || c == quantize(ones, fd).codes[0]);
    pads += c == 0;
  }
  EXPECT_EQ(pads, 16 - 9);
}

TEST(Blob, SectionContents) {
  // int4 per-tensor, f32 scale 0.5: codes {1, -1, 2} -> bytes {0xF1, 0x02},
  // scale at offset 16.
  Scheme s;
  s.bits = 4;
  TensorDesc d = makeDesc({3}, s);
  std::optional<QuantizedTensor> q =
      quantizeWithScales({0.5f, -0.5f, 1.0f}, d, {0.5f}, {}, 1.0f);
  ASSERT_TRUE(q);
  std::vector<uint8_t> blob = packBlob(*q);
  ASSERT_EQ(blob.size(), 32u);
  EXPECT_EQ(blob[0], 0xF1);
  EXPECT_EQ(blob[1], 0x02);
  for (int i = 2; i < 16; ++i)
    EXPECT_EQ(blob[i], 0) << i;
  EXPECT_EQ(blob[16], 0x00);
  EXPECT_EQ(blob[17], 0x00);
  EXPECT_EQ(blob[18], 0x00);
  EXPECT_EQ(blob[19], 0x3F);

  // Signed zero points are stored in two's complement.
  s.asymmetric = true;
  d = makeDesc({3}, s);
  q = quantizeWithScales({0.5f, -0.5f, 1.0f}, d, {0.5f}, {-3}, 1.0f);
  ASSERT_TRUE(q);
  blob = packBlob(*q);
  ASSERT_EQ(blob.size(), 48u);
  EXPECT_EQ(blob[32], 0xFD);
}

TEST(Blob, UnpackErrors) {
  Scheme s;
  s.axis = 0;
  s.bits = 4;
  s.asymmetric = true;
  TensorDesc d = makeDesc({5, 3}, s);
  std::vector<float> x(15);
  for (int i = 0; i < 15; ++i)
    x[i] = float(i) - 4.0f;
  std::vector<uint8_t> blob = packBlob(quantize(x, d));
  std::optional<BlobLayout> l = computeBlobLayout(d);
  ASSERT_TRUE(l);
  std::string err;
  ASSERT_TRUE(unpackBlob(blob.data(), int64_t(blob.size()), d, &err)) << err;

  EXPECT_FALSE(unpackBlob(blob.data(), int64_t(blob.size()) - 1, d, &err));
  EXPECT_EQ(err, "blob has " + std::to_string(blob.size() - 1) +
                     " bytes, expected " + std::to_string(blob.size()));

  std::vector<uint8_t> bad = blob;
  encodeScale(-0.5f, ScaleFormat::F32, bad.data() + l->scalesOffset + 3 * 4);
  EXPECT_FALSE(unpackBlob(bad.data(), int64_t(bad.size()), d, &err));
  EXPECT_EQ(err, "scale 3 is -0.5, not finite and positive");
  encodeScale(0.0f, ScaleFormat::F32, bad.data() + l->scalesOffset + 1 * 4);
  EXPECT_FALSE(unpackBlob(bad.data(), int64_t(bad.size()), d, &err));
  EXPECT_EQ(err, "scale 1 is 0, not finite and positive");

  bad = blob;
  bad[l->zeroPointsOffset + 2] = 0x7F;
  EXPECT_FALSE(unpackBlob(bad.data(), int64_t(bad.size()), d, &err));
  EXPECT_EQ(err, "zero point 2 is 127, out of range [-8, 7]");
  bad[l->zeroPointsOffset + 2] = 0xF0; // -16
  EXPECT_FALSE(unpackBlob(bad.data(), int64_t(bad.size()), d, &err));
  EXPECT_EQ(err, "zero point 2 is -16, out of range [-8, 7]");

  // E8M0 NaN byte.
  Scheme e;
  e.scaleFormat = ScaleFormat::E8M0;
  TensorDesc ed = makeDesc({4}, e);
  std::vector<uint8_t> eb = packBlob(quantize({1, 2, 3, 4}, ed));
  l = computeBlobLayout(ed);
  eb[l->scalesOffset] = 0xFF;
  EXPECT_FALSE(unpackBlob(eb.data(), int64_t(eb.size()), ed, &err));
  EXPECT_EQ(err, "scale 0 is nan, not finite and positive");

  // Two-level tensor scale.
  Scheme t;
  t.axis = 0;
  t.groupSize = 2;
  t.tensorScale = true;
  TensorDesc td = makeDesc({4}, t);
  std::vector<uint8_t> tb = packBlob(quantize({1, 2, 3, 4}, td));
  l = computeBlobLayout(td);
  std::memset(tb.data() + l->tensorScaleOffset, 0, 4);
  EXPECT_FALSE(unpackBlob(tb.data(), int64_t(tb.size()), td, &err));
  EXPECT_EQ(err, "tensor scale is 0, not finite and positive");

  // Invalid description.
  TensorDesc invalid = makeDesc({4, 0}, Scheme());
  EXPECT_FALSE(unpackBlob(blob.data(), int64_t(blob.size()), invalid, &err));
  EXPECT_EQ(err, "dimension 1 has size 0, sizes must be positive");
  // packBlob of a malformed tensor gives no bytes.
  QuantizedTensor broken = quantize(x, d);
  broken.scales.pop_back();
  EXPECT_TRUE(packBlob(broken).empty());
}

// verifyBlob checks what unpackBlob checks, without decoding the codes.
TEST(Blob, VerifyAgreesWithUnpack) {
  Scheme s;
  s.axis = 1;
  s.groupSize = 2;
  s.bits = 3;
  s.asymmetric = true;
  s.scaleFormat = ScaleFormat::F16;
  TensorDesc d = makeDesc({3, 4}, s);
  std::vector<float> x(12);
  for (int i = 0; i < 12; ++i)
    x[i] = 0.3f * float(i) - 1.0f;
  std::vector<uint8_t> blob = packBlob(quantize(x, d));
  std::optional<BlobLayout> l = computeBlobLayout(d);
  ASSERT_TRUE(l);
  auto check = [&](const std::vector<uint8_t> &b, int64_t size,
                   bool valid) {
    std::string verifyErr, unpackErr;
    EXPECT_EQ(verifyBlob(b.data(), size, d, &verifyErr), valid);
    EXPECT_EQ(unpackBlob(b.data(), size, d, &unpackErr).has_value(), valid);
    EXPECT_EQ(verifyErr, unpackErr);
    EXPECT_EQ(verifyErr.empty(), valid);
  };
  check(blob, int64_t(blob.size()), true);
  check(blob, int64_t(blob.size()) + 16, false);
  std::vector<uint8_t> bad = blob;
  encodeScale(-1.0f, ScaleFormat::F16, bad.data() + l->scalesOffset + 2 * 2);
  check(bad, int64_t(bad.size()), false);
  bad = blob;
  bad[l->zeroPointsOffset + 5] = 0x04; // i3 range is [-4, 3]
  check(bad, int64_t(bad.size()), false);
  // Codes are not checked: any bit pattern is a valid code.
  bad = blob;
  bad[l->codesOffset] ^= 0xFF;
  check(bad, int64_t(bad.size()), true);
}

} // namespace
