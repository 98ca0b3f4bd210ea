//===- SafeTensorsTest.cpp - The safetensors reader and writer ------------===//

#include "qforge/Support/SafeTensors.h"

#include <gtest/gtest.h>

#include <cstring>

using namespace qforge;

namespace {

NpyArray f64Array(std::vector<int64_t> shape, std::vector<double> values) {
  NpyArray a;
  a.dtype = NpyDType::F64;
  a.shape = std::move(shape);
  a.data.resize(values.size() * 8);
  std::memcpy(a.data.data(), values.data(), a.data.size());
  return a;
}

SafeTensors sample() {
  SafeTensors st;
  st.metadata = {{"format", "qforge-calibration"}, {"note", "a \"quoted\"\n"}};
  st.tensors.emplace_back("fc1.hessian", f64Array({2, 2}, {1, 2, 2, 5}));
  NpyArray i;
  i.dtype = NpyDType::I64;
  i.shape = {3};
  i.data.resize(24);
  int64_t v[3] = {7, -1, 1 << 30};
  std::memcpy(i.data.data(), v, 24);
  st.tensors.emplace_back("fc1.hist", i);
  st.tensors.emplace_back("empty", f64Array({0, 4}, {}));
  return st;
}

std::string serialize(const SafeTensors &st) {
  std::string bytes, error;
  EXPECT_TRUE(serializeSafeTensors(st, bytes, error)) << error;
  return bytes;
}

/// Replaces the header of `bytes` by `header` (fixing the length).
std::string withHeader(const std::string &bytes, const std::string &header) {
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i)
    n |= uint64_t(uint8_t(bytes[i])) << (8 * i);
  std::string out;
  for (int i = 0; i < 8; ++i)
    out += char((header.size() >> (8 * i)) & 0xFF);
  return out + header + bytes.substr(8 + n);
}

std::string parseError(const std::string &bytes) {
  SafeTensors st;
  std::string error;
  EXPECT_FALSE(parseSafeTensors(bytes, "f.safetensors", st, error));
  return error;
}

TEST(SafeTensors, RoundTripsAndIsDeterministic) {
  std::string bytes = serialize(sample());
  EXPECT_EQ(bytes, serialize(sample()));
  // The header is 8-byte aligned JSON.
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i)
    n |= uint64_t(uint8_t(bytes[i])) << (8 * i);
  EXPECT_EQ((8 + n) % 8, 0u);
  EXPECT_EQ(bytes[8], '{');
  SafeTensors st;
  std::string error;
  ASSERT_TRUE(parseSafeTensors(bytes, "f", st, error)) << error;
  ASSERT_EQ(st.tensors.size(), 3u);
  EXPECT_EQ(st.tensors[0].first, "fc1.hessian");
  EXPECT_EQ(st.tensors[0].second.data, sample().tensors[0].second.data);
  EXPECT_EQ(st.find("fc1.hist")->shape, std::vector<int64_t>{3});
  EXPECT_EQ(st.find("fc1.hist")->data, sample().tensors[1].second.data);
  EXPECT_EQ(st.find("empty")->numElements(), 0);
  ASSERT_NE(st.findMetadata("note"), nullptr);
  EXPECT_EQ(*st.findMetadata("note"), "a \"quoted\"\n");
  EXPECT_EQ(st.find("missing"), nullptr);
}

TEST(SafeTensors, ParsesForeignHeaders) {
  // Another writer's layout: whitespace, key order, escapes, extra fields.
  std::string data(16, '\0');
  double d = 2.5;
  std::memcpy(&data[8], &d, 8);
  std::string header =
      "{ \"b\" : {\"data_offsets\": [8, 16], \"shape\": [1], \"dtype\": "
      "\"F64\", \"extra\": null},\n \"a\\u0041\": {\"dtype\": \"U8\", "
      "\"shape\": [2, 4], \"data_offsets\": [0, 8]}, \"__metadata__\": "
      "{\"k\": \"v\"} }";
  std::string bytes;
  for (int i = 0; i < 8; ++i)
    bytes += char((header.size() >> (8 * i)) & 0xFF);
  bytes += header + data;
  SafeTensors st;
  std::string error;
  ASSERT_TRUE(parseSafeTensors(bytes, "f", st, error)) << error;
  ASSERT_EQ(st.tensors.size(), 2u);
  EXPECT_EQ(st.tensors[0].first, "aA"); // in data order
  EXPECT_EQ(st.tensors[1].first, "b");
  double got;
  std::memcpy(&got, st.tensors[1].second.data.data(), 8);
  EXPECT_EQ(got, 2.5);
}

TEST(SafeTensors, RejectsCorruptFiles) {
  std::string bytes = serialize(sample());
  EXPECT_NE(parseError(bytes.substr(0, 5)).find("shorter than"),
            std::string::npos);
  EXPECT_NE(parseError(bytes.substr(0, 40)).find("exceeds the file"),
            std::string::npos);
  EXPECT_NE(parseError(bytes.substr(0, bytes.size() - 3))
                .find("outside the"),
            std::string::npos);
  EXPECT_NE(parseError(bytes + "xx").find("belong to no tensor"),
            std::string::npos);
  EXPECT_NE(parseError(withHeader(bytes, "{\"a\": [1,}")).find("invalid JSON"),
            std::string::npos);
  EXPECT_NE(parseError(withHeader(bytes, "[]")).find("not a JSON object"),
            std::string::npos);
  std::string h = "{\"x\":{\"dtype\":\"C64\",\"shape\":[1],\"data_offsets\":"
                  "[0,8]}}";
  EXPECT_NE(parseError(withHeader(bytes, h)).find("unsupported dtype"),
            std::string::npos);
  h = "{\"x\":{\"dtype\":\"F64\",\"shape\":[3],\"data_offsets\":[0,8]}}";
  EXPECT_NE(parseError(withHeader(bytes, h)).find("need 24"),
            std::string::npos);
  h = "{\"x\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},"
      "\"y\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]}}";
  EXPECT_NE(parseError(withHeader(bytes, h)).find("overlapping or a gap"),
            std::string::npos);
  h = "{\"x\":{\"dtype\":\"F64\",\"shape\":[-1],\"data_offsets\":[0,8]}}";
  EXPECT_NE(parseError(withHeader(bytes, h)).find("non-negative"),
            std::string::npos);
  h = "{\"__metadata__\":{\"k\":3}}";
  EXPECT_NE(parseError(withHeader(bytes, h)).find("not a string"),
            std::string::npos);
}

TEST(SafeTensors, WriterRejectsBadInput) {
  SafeTensors st = sample();
  st.tensors.push_back(st.tensors[0]);
  std::string bytes, error;
  EXPECT_FALSE(serializeSafeTensors(st, bytes, error));
  EXPECT_NE(error.find("given twice"), std::string::npos);
  st = sample();
  st.tensors[0].second.data.pop_back();
  EXPECT_FALSE(serializeSafeTensors(st, bytes, error));
  EXPECT_NE(error.find("needs 32"), std::string::npos);
}

} // namespace
