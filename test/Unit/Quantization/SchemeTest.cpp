//===- SchemeTest.cpp - Tests for schemes, validation and blob layout ------===//
//
// Scheme::verify / TensorDesc::verify diagnostics, code ranges, scale shapes,
// and computeBlobLayout offsets and overflow handling.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/Scheme.h"

#include "gtest/gtest.h"

#include <limits>

using namespace qforge;

namespace {

Scheme intScheme(ElementFormat f, unsigned bits) {
  Scheme s;
  s.format = f;
  s.bits = bits;
  return s;
}

TensorDesc desc(std::vector<int64_t> shape, Scheme s, Layout l = {}) {
  TensorDesc d;
  d.shape = std::move(shape);
  d.scheme = s;
  d.layout = std::move(l);
  return d;
}

TEST(Scheme, CodeRanges) {
  for (unsigned b = 1; b <= 8; ++b) {
    Scheme s = intScheme(ElementFormat::SInt, b);
    EXPECT_EQ(s.qmin(), -(1 << (b - 1))) << b;
    EXPECT_EQ(s.qmax(), (1 << (b - 1)) - 1) << b;
    Scheme u = intScheme(ElementFormat::UInt, b);
    EXPECT_EQ(u.qmin(), 0) << b;
    EXPECT_EQ(u.qmax(), (1 << b) - 1) << b;
    EXPECT_EQ(u.maxMagnitude(), double((1 << b) - 1)) << b;
  }
  EXPECT_EQ(intScheme(ElementFormat::SInt, 8).maxMagnitude(), 127.0);
  EXPECT_EQ(intScheme(ElementFormat::SInt, 4).maxMagnitude(), 7.0);
  EXPECT_EQ(intScheme(ElementFormat::SInt, 2).maxMagnitude(), 1.0);
  EXPECT_EQ(intScheme(ElementFormat::SInt, 1).maxMagnitude(), 1.0);
  EXPECT_EQ(intScheme(ElementFormat::F8E4M3FN, 8).maxMagnitude(), 448.0);
  EXPECT_EQ(intScheme(ElementFormat::F8E5M2, 8).maxMagnitude(), 57344.0);
  EXPECT_EQ(intScheme(ElementFormat::F4E2M1FN, 4).maxMagnitude(), 6.0);
}

TEST(Scheme, Predicates) {
  Scheme s;
  EXPECT_TRUE(s.isPerTensor());
  s.axis = 1;
  EXPECT_TRUE(s.isPerAxis());
  s.groupSize = 32;
  EXPECT_TRUE(s.isPerGroup());
  EXPECT_FALSE(s.isPerAxis());
  EXPECT_EQ(s.noiseKind(), NoiseKind::Additive);
  s.format = ElementFormat::F8E4M3FN;
  EXPECT_EQ(s.noiseKind(), NoiseKind::Multiplicative);
  EXPECT_FALSE(s.isInteger());
}

TEST(Scheme, Equality) {
  Scheme a, b;
  EXPECT_EQ(a, b);
  b.rounding = RoundingMode::TowardZero;
  EXPECT_NE(a, b);
  b = a;
  b.tensorScale = true;
  EXPECT_NE(a, b);
  b = a;
  b.scaleFormat = ScaleFormat::BF16;
  EXPECT_NE(a, b);
}

TEST(Scheme, VerifyAcceptsValid) {
  for (unsigned b = 1; b <= 8; ++b) {
    EXPECT_EQ(intScheme(ElementFormat::SInt, b).verify(), "");
    EXPECT_EQ(intScheme(ElementFormat::UInt, b).verify(), "");
  }
  EXPECT_EQ(intScheme(ElementFormat::F8E4M3FN, 8).verify(), "");
  EXPECT_EQ(intScheme(ElementFormat::F8E5M2, 8).verify(), "");
  EXPECT_EQ(intScheme(ElementFormat::F4E2M1FN, 4).verify(), "");
  Scheme nv = intScheme(ElementFormat::F4E2M1FN, 4);
  nv.axis = 1;
  nv.groupSize = 16;
  nv.scaleFormat = ScaleFormat::E4M3;
  nv.tensorScale = true;
  EXPECT_EQ(nv.verify(), "");
}

TEST(Scheme, VerifyMessages) {
  EXPECT_EQ(intScheme(ElementFormat::SInt, 0).verify(),
            "element width 0 is out of range [1, 8]");
  EXPECT_EQ(intScheme(ElementFormat::UInt, 9).verify(),
            "element width 9 is out of range [1, 8]");
  EXPECT_EQ(intScheme(ElementFormat::F8E4M3FN, 4).verify(),
            "fp8 element formats are 8 bits wide, got 4");
  EXPECT_EQ(intScheme(ElementFormat::F8E5M2, 7).verify(),
            "fp8 element formats are 8 bits wide, got 7");
  EXPECT_EQ(intScheme(ElementFormat::F4E2M1FN, 8).verify(),
            "fp4 element formats are 4 bits wide, got 8");

  Scheme s = intScheme(ElementFormat::F8E4M3FN, 8);
  s.asymmetric = true;
  EXPECT_EQ(s.verify(),
            "zero points need an integer element format, got f8E4M3FN");

  s = Scheme();
  s.groupSize = 32;
  EXPECT_EQ(s.verify(), "group size needs an axis (group size 32, axis -1)");
  s.axis = 0;
  s.groupSize = -3;
  EXPECT_EQ(s.verify(), "group size -3 must be positive");
  s = Scheme();
  s.axis = -2;
  EXPECT_EQ(s.verify(), "axis -2 must be -1 (per-tensor) or non-negative");

  s = Scheme();
  s.axis = 0;
  s.tensorScale = true;
  EXPECT_EQ(s.verify(), "two-level scales need a group size (group size 0)");

  s = intScheme(ElementFormat::F4E2M1FN, 4);
  s.rounding = RoundingMode::NearestAway;
  EXPECT_EQ(s.verify(), "rounding mode nearest_away applies only to integer "
                        "formats, got f4E2M1FN");
  s.rounding = RoundingMode::TowardZero;
  EXPECT_NE(s.verify().find("toward_zero"), std::string::npos);
  EXPECT_EQ(intScheme(ElementFormat(42), 8).verify(),
            "unknown element format 42");
}

TEST(TensorDesc, VerifyMessages) {
  Scheme s;
  EXPECT_EQ(desc({4, 8}, s).verify(), "");
  EXPECT_EQ(desc({}, s).verify(), ""); // rank 0
  EXPECT_EQ(desc({4, 8}, intScheme(ElementFormat::SInt, 0)).verify(),
            "element width 0 is out of range [1, 8]");
  EXPECT_EQ(desc({4, 8}, intScheme(ElementFormat::SInt, 9)).verify(),
            "element width 9 is out of range [1, 8]");
  EXPECT_EQ(desc({4, 0}, s).verify(),
            "dimension 1 has size 0, sizes must be positive");
  EXPECT_EQ(desc({-2, 3}, s).verify(),
            "dimension 0 has size -2, sizes must be positive");

  s.axis = 2;
  EXPECT_EQ(desc({4, 8}, s).verify(),
            "axis 2 is out of range for a tensor of rank 2");
  s.axis = 0;
  EXPECT_EQ(desc({}, s).verify(),
            "axis 0 is out of range for a tensor of rank 0");

  s.axis = 1;
  s.groupSize = 32;
  EXPECT_EQ(desc({4, 100}, s).verify(),
            "group size 32 does not divide dimension 1 (100)");
  EXPECT_EQ(desc({4, 100}, s).verify(/*requireDivisibleGroups=*/false), "");
  EXPECT_EQ(desc({4, 96}, s).verify(), "");
  s.groupSize = -3;
  EXPECT_EQ(desc({4, 96}, s).verify(), "group size -3 must be positive");

  Scheme p;
  EXPECT_EQ(desc({4, 8}, p, Layout{{4}}).verify(),
            "a tiled layout needs 2 tile sizes, got 1");
  EXPECT_EQ(desc({4, 8}, p, Layout{{4, 4, 4}}).verify(),
            "a tiled layout needs 2 tile sizes, got 3");
  EXPECT_EQ(desc({4, 8}, p, Layout{{4, 0}}).verify(),
            "tile size 0 must be positive");
  EXPECT_EQ(desc({8}, p, Layout{{4, 4}}).verify(),
            "a tiled layout needs a tensor of rank >= 2, got rank 1");
  EXPECT_EQ(desc({5, 7}, p, Layout{{4, 3}}).verify(), "");
}

TEST(TensorDesc, TooLarge) {
  Scheme s;
  std::string msg = desc({1000000000, 1000000000}, s).verify();
  EXPECT_NE(msg.find("too large"), std::string::npos) << msg;
  EXPECT_NE(msg.find("1000000000x1000000000"), std::string::npos) << msg;
  // Element count overflows int64.
  msg = desc({int64_t(1) << 40, int64_t(1) << 40}, s).verify();
  EXPECT_NE(msg.find("too large"), std::string::npos) << msg;
  // Exactly 2^40 code bytes plus a scale section is over the limit.
  msg = desc({int64_t(1) << 40}, s).verify();
  EXPECT_NE(msg.find("too large"), std::string::npos) << msg;
  // 2^43 one-bit codes plus scales: also over.
  msg = desc({int64_t(1) << 43}, intScheme(ElementFormat::UInt, 1)).verify();
  EXPECT_NE(msg.find("too large"), std::string::npos) << msg;
  EXPECT_EQ(desc({int64_t(1) << 36}, s).verify(), "");
  // Tile padding overflows even though the tensor is tiny.
  msg = desc({1, 1}, s, Layout{{std::numeric_limits<int64_t>::max() / 2, 4}})
            .verify();
  EXPECT_NE(msg.find("too large"), std::string::npos) << msg;
  msg = desc({3, 3}, s,
             Layout{{std::numeric_limits<int64_t>::max(),
                     std::numeric_limits<int64_t>::max()}})
            .verify();
  EXPECT_NE(msg.find("too large"), std::string::npos) << msg;
}

TEST(Shapes, CheckedNumElements) {
  EXPECT_EQ(checkedNumElements({}), 1);
  EXPECT_EQ(checkedNumElements({3, 4, 5}), 60);
  EXPECT_EQ(checkedNumElements({3, 0}), 0);
  EXPECT_EQ(checkedNumElements({3, -1}), std::nullopt);
  EXPECT_EQ(checkedNumElements({int64_t(1) << 32, int64_t(1) << 32}),
            std::nullopt);
  EXPECT_EQ(checkedNumElements({int64_t(1) << 31, int64_t(1) << 31}),
            int64_t(1) << 62);
}

TEST(Shapes, ScaleShape) {
  Scheme s;
  EXPECT_EQ(scaleShape(s, {4, 8}), std::vector<int64_t>{});
  s.axis = 0;
  EXPECT_EQ(scaleShape(s, {4, 8}), std::vector<int64_t>{4});
  s.axis = 1;
  EXPECT_EQ(scaleShape(s, {4, 8}), std::vector<int64_t>{8});
  s.groupSize = 4;
  EXPECT_EQ(scaleShape(s, {4, 8}), (std::vector<int64_t>{4, 2}));
  EXPECT_EQ(scaleShape(s, {4, 9}), (std::vector<int64_t>{4, 3})); // ragged
  s.axis = 0;
  s.groupSize = 3;
  EXPECT_EQ(scaleShape(s, {7, 2, 5}), (std::vector<int64_t>{3, 2, 5}));
}

TEST(Shapes, ScaleBytes) {
  EXPECT_EQ(scaleBytes(ScaleFormat::F32), 4u);
  EXPECT_EQ(scaleBytes(ScaleFormat::F16), 2u);
  EXPECT_EQ(scaleBytes(ScaleFormat::BF16), 2u);
  EXPECT_EQ(scaleBytes(ScaleFormat::E8M0), 1u);
  EXPECT_EQ(scaleBytes(ScaleFormat::E4M3), 1u);
}

TEST(BlobLayout, HandComputedTiled) {
  // 5x7 sint4, groups of 4 along dim 1 (2 groups per row, ragged), asym,
  // f16 scales, two-level, 4x3 tiles: the grid is 2x3 tiles of 12 codes.
  Scheme s = intScheme(ElementFormat::SInt, 4);
  s.axis = 1;
  s.groupSize = 4;
  s.asymmetric = true;
  s.scaleFormat = ScaleFormat::F16;
  s.tensorScale = true;
  std::string err;
  std::optional<BlobLayout> l =
      computeBlobLayout(desc({5, 7}, s, Layout{{4, 3}}), &err);
  ASSERT_TRUE(l) << err;
  EXPECT_EQ(l->numCodes, 72);
  EXPECT_EQ(l->numScales, 10);
  EXPECT_EQ(l->codesOffset, 0);
  EXPECT_EQ(l->codesBytes, 36);
  EXPECT_EQ(l->scalesOffset, 48);
  EXPECT_EQ(l->scalesBytes, 20);
  EXPECT_EQ(l->zeroPointsOffset, 80);
  EXPECT_EQ(l->zeroPointsBytes, 10);
  EXPECT_EQ(l->tensorScaleOffset, 96);
  EXPECT_EQ(l->tensorScaleBytes, 4);
  EXPECT_EQ(l->totalBytes, 112);
}

TEST(BlobLayout, HandComputedPacked) {
  Scheme s = intScheme(ElementFormat::SInt, 4);
  s.axis = 1;
  s.groupSize = 4;
  s.asymmetric = true;
  s.scaleFormat = ScaleFormat::F16;
  s.tensorScale = true;
  std::optional<BlobLayout> l = computeBlobLayout(desc({5, 7}, s));
  ASSERT_TRUE(l);
  EXPECT_EQ(l->numCodes, 35);
  EXPECT_EQ(l->codesBytes, 18); // ceil(140 / 8)
  EXPECT_EQ(l->scalesOffset, 32);
  EXPECT_EQ(l->zeroPointsOffset, 64);
  EXPECT_EQ(l->tensorScaleOffset, 80);
  EXPECT_EQ(l->totalBytes, 96);

  // Symmetric, one level: absent sections sit at the running offset.
  s.asymmetric = false;
  s.tensorScale = false;
  l = computeBlobLayout(desc({5, 7}, s));
  ASSERT_TRUE(l);
  EXPECT_EQ(l->scalesBytes, 20);
  EXPECT_EQ(l->zeroPointsOffset, 64);
  EXPECT_EQ(l->zeroPointsBytes, 0);
  EXPECT_EQ(l->tensorScaleOffset, 64);
  EXPECT_EQ(l->tensorScaleBytes, 0);
  EXPECT_EQ(l->totalBytes, 64);
}

TEST(BlobLayout, ScalarAndSubByte) {
  std::optional<BlobLayout> l = computeBlobLayout(desc({}, Scheme()));
  ASSERT_TRUE(l);
  EXPECT_EQ(l->numCodes, 1);
  EXPECT_EQ(l->codesBytes, 1);
  EXPECT_EQ(l->numScales, 1);
  EXPECT_EQ(l->scalesOffset, 16);
  EXPECT_EQ(l->scalesBytes, 4);
  EXPECT_EQ(l->totalBytes, 32);

  Scheme s = intScheme(ElementFormat::UInt, 3);
  s.axis = 0;
  s.scaleFormat = ScaleFormat::E8M0;
  l = computeBlobLayout(desc({3, 11}, s)); // 99 bits -> 13 bytes
  ASSERT_TRUE(l);
  EXPECT_EQ(l->codesBytes, 13);
  EXPECT_EQ(l->scalesOffset, 16);
  EXPECT_EQ(l->scalesBytes, 3);
  EXPECT_EQ(l->totalBytes, 32);

  // Rank-3 tiled: leading 2, rows 5 -> 8, cols 7 -> 9.
  l = computeBlobLayout(desc({2, 5, 7}, Scheme(), Layout{{4, 3}}));
  ASSERT_TRUE(l);
  EXPECT_EQ(l->numCodes, 144);
  EXPECT_EQ(l->codesBytes, 144);
  EXPECT_EQ(l->scalesOffset, 144);
  EXPECT_EQ(l->totalBytes, 160);
}

TEST(BlobLayout, Errors) {
  std::string err;
  EXPECT_FALSE(computeBlobLayout(desc({1000000000, 1000000000}, Scheme()),
                                 &err));
  EXPECT_NE(err.find("too large"), std::string::npos) << err;
  err.clear();
  EXPECT_FALSE(computeBlobLayout(
      desc({4, 8}, intScheme(ElementFormat::SInt, 9)), &err));
  EXPECT_EQ(err, "element width 9 is out of range [1, 8]");
  EXPECT_FALSE(computeBlobLayout(desc({4, 0}, Scheme()))); // null error ok
  // Ragged groups are accepted by the layout.
  Scheme g;
  g.axis = 1;
  g.groupSize = 32;
  std::optional<BlobLayout> l = computeBlobLayout(desc({4, 100}, g), &err);
  ASSERT_TRUE(l) << err;
  EXPECT_EQ(l->numScales, 16);
}

TEST(Spellings, ToString) {
  EXPECT_STREQ(toString(ElementFormat::SInt), "sint");
  EXPECT_STREQ(toString(ElementFormat::UInt), "uint");
  EXPECT_STREQ(toString(ElementFormat::F8E4M3FN), "f8E4M3FN");
  EXPECT_STREQ(toString(ElementFormat::F8E5M2), "f8E5M2");
  EXPECT_STREQ(toString(ElementFormat::F4E2M1FN), "f4E2M1FN");
  EXPECT_STREQ(toString(ScaleFormat::F32), "f32");
  EXPECT_STREQ(toString(ScaleFormat::F16), "f16");
  EXPECT_STREQ(toString(ScaleFormat::BF16), "bf16");
  EXPECT_STREQ(toString(ScaleFormat::E8M0), "f8E8M0FNU");
  EXPECT_STREQ(toString(ScaleFormat::E4M3), "f8E4M3FN");
  EXPECT_STREQ(toString(RoundingMode::NearestEven), "nearest_even");
  EXPECT_STREQ(toString(RoundingMode::NearestAway), "nearest_away");
  EXPECT_STREQ(toString(RoundingMode::TowardZero), "toward_zero");
  EXPECT_STREQ(toString(NoiseKind::Additive), "additive");
  EXPECT_STREQ(toString(NoiseKind::Multiplicative), "multiplicative");
}

} // namespace

// Narrow and odd grids: value ranges, the stored code of every value and
// back, and the verifier's rules.
TEST(Scheme, IntegerGrids) {
  for (unsigned b = 1; b <= 8; ++b) {
    Scheme odd = intScheme(ElementFormat::SInt, b);
    odd.grid = IntegerGrid::Odd;
    EXPECT_EQ(odd.verify(), "") << b;
    EXPECT_EQ(odd.qmax(), (1 << b) - 1) << b;
    EXPECT_EQ(odd.qmin(), -((1 << b) - 1)) << b;
    EXPECT_EQ(odd.maxMagnitude(), double((1 << b) - 1)) << b;
    EXPECT_FALSE(odd.hasSignedCodes());
    EXPECT_FALSE(odd.valuesFitWidth());
    // Every odd value has a distinct code in [0, 2^b - 1], and back.
    std::vector<bool> seen(1u << b, false);
    for (int32_t v = odd.qmin(); v <= odd.qmax(); v += 2) {
      int32_t c = odd.codeOfValue(v);
      ASSERT_GE(c, 0);
      ASSERT_LT(c, 1 << b);
      EXPECT_FALSE(seen[c]);
      seen[c] = true;
      EXPECT_EQ(odd.valueOfCode(c), v);
    }
    if (b >= 2) {
      Scheme narrow = intScheme(ElementFormat::SInt, b);
      narrow.grid = IntegerGrid::Narrow;
      EXPECT_EQ(narrow.verify(), "") << b;
      EXPECT_EQ(narrow.qmax(), (1 << (b - 1)) - 1) << b;
      EXPECT_EQ(narrow.qmin(), -narrow.qmax()) << b;
      EXPECT_TRUE(narrow.hasSignedCodes());
      EXPECT_EQ(narrow.codeOfValue(-1), -1);
    }
  }
  Scheme binary = intScheme(ElementFormat::SInt, 1);
  binary.grid = IntegerGrid::Odd;
  EXPECT_EQ(binary.valueOfCode(0), -1);
  EXPECT_EQ(binary.valueOfCode(1), 1);
  Scheme ternary = intScheme(ElementFormat::SInt, 2);
  ternary.grid = IntegerGrid::Narrow;
  EXPECT_EQ(ternary.qmin(), -1);
  EXPECT_EQ(ternary.qmax(), 1);

  Scheme s = intScheme(ElementFormat::UInt, 4);
  s.grid = IntegerGrid::Odd;
  EXPECT_EQ(s.verify(), "the odd grid needs a signed integer format, got uint");
  s = intScheme(ElementFormat::SInt, 1);
  s.grid = IntegerGrid::Narrow;
  EXPECT_EQ(s.verify(), "the narrow grid needs at least 2 bits (1-bit narrow "
                        "codes hold only 0)");
  s = intScheme(ElementFormat::SInt, 3);
  s.grid = IntegerGrid::Odd;
  s.asymmetric = true;
  EXPECT_EQ(s.verify(), "the odd grid is symmetric: no zero points");
  s.asymmetric = false;
  Layout tiled;
  tiled.tile = {2, 2};
  EXPECT_EQ(desc({4, 4}, s, tiled).verify(),
            "a tiled layout pads with the code of zero; the odd grid needs "
            "the packed layout");
  Scheme a = intScheme(ElementFormat::SInt, 2), b2 = a;
  b2.grid = IntegerGrid::Narrow;
  EXPECT_NE(a, b2);
}
