//===- CalibrationFileTest.cpp - The calibration file's gains -------------===//
//
// Round trips of the optional gain tensor: the three-value form (additive
// probe only, as older files hold it) and the seven-value form (with the KL
// gain and the multiplicative probe's gains); malformed gains are errors
// that name the tensor.
//
//===----------------------------------------------------------------------===//

#include "qforge/Quantization/CalibrationFile.h"
#include "qforge/Support/SafeTensors.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <limits>
#include <string>

using namespace qforge;

namespace {

std::string tempPath(const char *name) {
  return ::testing::TempDir() + "/qforge-calfile-" + name + ".safetensors";
}

CalibrationFile oneRecord(bool allGains) {
  TensorStats stats(2, /*hessian=*/true);
  float rows[] = {1.0f, -2.0f, 0.5f, 3.0f};
  stats.addRows(rows, 2);
  CalibrationFile file;
  file.metadata = {{"format", kCalibrationFormat},
                   {"format_version", kCalibrationFormatVersion},
                   {"observed", "fc.input"}};
  CalibrationRecord r = CalibrationRecord::fromStats("fc.input", stats);
  r.gain = 2.5;
  r.gainProbe = 0.125;
  r.gainBits = 4;
  if (allGains) {
    r.gainKL = 0.03;
    r.gainMult = 1.75;
    r.gainMultKL = 0.02;
    r.gainMultProbe = 0.5;
  }
  file.records.push_back(r);
  return file;
}

} // namespace

TEST(CalibrationFile, GainsRoundTrip) {
  for (bool all : {false, true}) {
    std::string path = tempPath(all ? "all" : "additive"), error;
    ASSERT_TRUE(writeCalibrationFile(path, oneRecord(all), error)) << error;
    SafeTensors st;
    ASSERT_TRUE(readSafeTensorsFile(path, st, error)) << error;
    const NpyArray *g = st.find("fc.input.gain");
    ASSERT_NE(g, nullptr);
    EXPECT_EQ(g->shape, std::vector<int64_t>{all ? 7 : 3});
    CalibrationFile back;
    ASSERT_TRUE(readCalibrationFile(path, back, error)) << error;
    ASSERT_EQ(back.records.size(), 1u);
    const CalibrationRecord &r = back.records[0];
    EXPECT_EQ(r.gain, 2.5);
    EXPECT_EQ(r.gainProbe, 0.125);
    EXPECT_EQ(r.gainBits, 4u);
    EXPECT_EQ(r.gainKL, all ? 0.03 : -1.0);
    EXPECT_EQ(r.gainMult, all ? 1.75 : -1.0);
    EXPECT_EQ(r.gainMultKL, all ? 0.02 : -1.0);
    EXPECT_EQ(r.gainMultProbe, all ? 0.5 : 0.0);
    std::remove(path.c_str());
  }
}

TEST(CalibrationFile, MalformedGainsAreErrors) {
  std::string path = tempPath("bad"), error;
  ASSERT_TRUE(writeCalibrationFile(path, oneRecord(true), error)) << error;
  SafeTensors st;
  ASSERT_TRUE(readSafeTensorsFile(path, st, error)) << error;
  for (auto &[name, array] : st.tensors)
    if (name == "fc.input.gain") {
      // Five values: neither layout.
      array.shape = {5};
      array.data.resize(5 * sizeof(double));
    }
  ASSERT_TRUE(writeSafeTensorsFile(path, st, error)) << error;
  CalibrationFile back;
  EXPECT_FALSE(readCalibrationFile(path, back, error));
  EXPECT_NE(error.find("fc.input.gain' must be F64 [3] or [7]"),
            std::string::npos)
      << error;
  // A NaN among the seven values.
  for (auto &[name, array] : st.tensors)
    if (name == "fc.input.gain") {
      array.shape = {7};
      array.data.resize(7 * sizeof(double));
      double nan = std::numeric_limits<double>::quiet_NaN();
      std::memcpy(array.data.data() + 4 * sizeof(double), &nan, sizeof(nan));
    }
  ASSERT_TRUE(writeSafeTensorsFile(path, st, error)) << error;
  error.clear();
  EXPECT_FALSE(readCalibrationFile(path, back, error));
  EXPECT_NE(error.find("non-finite"), std::string::npos) << error;
  std::remove(path.c_str());
}
