//===- NpyTest.cpp - Tests for the .npy reader and writer ----------------===//
//
// Round trips for every dtype (in memory and through files), the exact bytes
// numpy writes, header variants numpy and older writers produce, and one
// test per malformed-input message, plus a mutation fuzz that must never
// crash.
//
//===----------------------------------------------------------------------===//

#include "qforge/Support/Npy.h"

#include "gtest/gtest.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <random>
#include <unistd.h>

using namespace qforge;

namespace {

/// A .npy file as bytes: magic, version, header length, header, data.
std::string makeNpy(const std::string &header, const std::string &data,
                    unsigned major = 1) {
  std::string s("\x93NUMPY", 6);
  s += static_cast<char>(major);
  s += '\0';
  size_t len = header.size();
  for (unsigned i = 0; i < (major == 1 ? 2u : 4u); ++i)
    s += static_cast<char>((len >> (8 * i)) & 0xFF);
  return s + header + data;
}

/// Parses `bytes` expecting failure; returns the message.
std::string parseError(const std::string &bytes) {
  NpyArray a;
  std::string error;
  EXPECT_FALSE(parseNpy(bytes, "x.npy", a, error));
  return error;
}

NpyArray parseOk(const std::string &bytes) {
  NpyArray a;
  std::string error;
  EXPECT_TRUE(parseNpy(bytes, "x.npy", a, error)) << error;
  return a;
}

const NpyDType kAllDTypes[] = {NpyDType::F16, NpyDType::F32, NpyDType::F64,
                               NpyDType::I8,  NpyDType::U8,  NpyDType::I16,
                               NpyDType::I32, NpyDType::I64, NpyDType::Bool};

/// A temporary directory removed with its files at the end of the test.
class TempDir {
public:
  TempDir() {
    char tmpl[] = "/tmp/qforge-npy-test-XXXXXX";
    char *p = ::mkdtemp(tmpl);
    EXPECT_NE(p, nullptr);
    path = p ? p : "/tmp";
  }
  ~TempDir() {
    for (const std::string &f : files())
      std::remove((path + "/" + f).c_str());
    ::rmdir(path.c_str());
  }
  std::vector<std::string> files() const {
    std::vector<std::string> out;
    if (DIR *d = ::opendir(path.c_str())) {
      while (dirent *e = ::readdir(d))
        if (std::strcmp(e->d_name, ".") && std::strcmp(e->d_name, ".."))
          out.push_back(e->d_name);
      ::closedir(d);
    }
    return out;
  }
  std::string path;
};

TEST(Npy, RoundTripEveryDType) {
  for (NpyDType dtype : kAllDTypes) {
    for (const std::vector<int64_t> &shape :
         {std::vector<int64_t>{}, {5}, {2, 3}, {2, 0, 4}, {1, 2, 3, 2}}) {
      NpyArray a;
      a.dtype = dtype;
      a.shape = shape;
      a.data.resize(a.numElements() * npyItemSize(dtype));
      for (size_t i = 0; i < a.data.size(); ++i)
        a.data[i] = dtype == NpyDType::Bool ? i % 2 : uint8_t(i * 37 + 11);
      std::string bytes, error;
      ASSERT_TRUE(serializeNpy(a, bytes, error)) << error;
      NpyArray b = parseOk(bytes);
      EXPECT_EQ(b.dtype, dtype) << npyDTypeName(dtype);
      EXPECT_EQ(b.shape, shape);
      EXPECT_EQ(b.data, a.data);
    }
  }
}

TEST(Npy, RoundTripThroughFilesLeavesNoTemporaries) {
  TempDir dir;
  for (NpyDType dtype : kAllDTypes) {
    NpyArray a;
    a.dtype = dtype;
    a.shape = {3, 4};
    a.data.assign(12 * npyItemSize(dtype), 1);
    std::string path = dir.path + "/" + npyDTypeName(dtype) + ".npy";
    std::string error;
    ASSERT_TRUE(writeNpyFile(path, a, error)) << error;
    NpyArray b;
    ASSERT_TRUE(readNpyFile(path, b, error)) << error;
    EXPECT_EQ(b.dtype, dtype);
    EXPECT_EQ(b.shape, a.shape);
    EXPECT_EQ(b.data, a.data);
    // Overwriting an existing file works too.
    a.data.assign(a.data.size(), 2);
    ASSERT_TRUE(writeNpyFile(path, a, error)) << error;
    ASSERT_TRUE(readNpyFile(path, b, error)) << error;
    EXPECT_EQ(b.data, a.data);
  }
  EXPECT_EQ(dir.files().size(), sizeof(kAllDTypes) / sizeof(kAllDTypes[0]));
}

TEST(Npy, WritesExactlyWhatNumpyWrites) {
  // np.save(f, np.arange(6, dtype='<f4').reshape(2, 3)) with numpy 1.24.
  NpyArray a;
  a.dtype = NpyDType::F32;
  a.shape = {2, 3};
  for (int i = 0; i < 6; ++i) {
    float f = static_cast<float>(i);
    uint8_t b[4];
    std::memcpy(b, &f, 4);
    a.data.insert(a.data.end(), b, b + 4);
  }
  std::string bytes, error;
  ASSERT_TRUE(serializeNpy(a, bytes, error)) << error;
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': "
                       "(2, 3), }";
  header.append(117 - header.size(), ' ');
  header += '\n';
  EXPECT_EQ(bytes.size(), 152u);
  EXPECT_EQ(bytes.substr(0, 128), makeNpy(header, ""));
  EXPECT_EQ(bytes.substr(128),
            std::string(reinterpret_cast<char *>(a.data.data()), 24));

  // Rank 0 and rank 1 tuples are spelled as Python spells them.
  a.shape = {};
  a.data.resize(4);
  ASSERT_TRUE(serializeNpy(a, bytes, error));
  EXPECT_NE(bytes.find("'shape': (), }"), std::string::npos);
  a.shape = {1};
  ASSERT_TRUE(serializeNpy(a, bytes, error));
  EXPECT_NE(bytes.find("'shape': (1,), }"), std::string::npos);
  EXPECT_EQ(bytes.size() % 64, 4u); // 64-byte header, 4 bytes of data
}

TEST(Npy, LargeHeadersUseVersionTwo) {
  NpyArray a;
  a.dtype = NpyDType::U8;
  a.shape.assign(23000, 1); // "1, " per dimension: more than 65535 bytes
  a.data.assign(1, 7);
  std::string bytes, error;
  ASSERT_TRUE(serializeNpy(a, bytes, error)) << error;
  EXPECT_EQ(bytes[6], 2);
  EXPECT_EQ((bytes.size() - 1) % 64, 0u);
  NpyArray b = parseOk(bytes);
  EXPECT_EQ(b.shape.size(), 23000u);
  EXPECT_EQ(b.data, a.data);
}

TEST(Npy, HeaderVariants) {
  std::string four(16, '\0');
  // Version 2.0 and 3.0 use a four-byte length.
  for (unsigned major : {2u, 3u}) {
    NpyArray a = parseOk(
        makeNpy("{'descr': '<i4', 'fortran_order': False, 'shape': (4,), }\n",
                four, major));
    EXPECT_EQ(a.dtype, NpyDType::I32);
    EXPECT_EQ(a.shape, std::vector<int64_t>{4});
  }
  // Old numpy padded to 16 bytes; any padding is fine.
  NpyArray b = parseOk(makeNpy(
      "{'descr': '<f2', 'fortran_order': False, 'shape': (2, 4), }   \n",
      four));
  EXPECT_EQ(b.dtype, NpyDType::F16);
  EXPECT_EQ(b.shape, (std::vector<int64_t>{2, 4}));
  // Other key orders, double quotes, no trailing comma, Python 2 longs,
  // odd whitespace.
  NpyArray c = parseOk(makeNpy(
      "{ \"shape\" : ( 2L ,8 ) ,\"fortran_order\":False,\"descr\":\"|u1\"}",
      four));
  EXPECT_EQ(c.dtype, NpyDType::U8);
  EXPECT_EQ(c.shape, (std::vector<int64_t>{2, 8}));
  // One-byte types with any byte-order character.
  EXPECT_EQ(parseOk(makeNpy("{'descr': '<b1', 'fortran_order': False, "
                            "'shape': (16,)}",
                            four))
                .dtype,
            NpyDType::Bool);
  EXPECT_EQ(parseOk(makeNpy("{'descr': '=i1', 'fortran_order': False, "
                            "'shape': (16,)}",
                            four))
                .dtype,
            NpyDType::I8);
  // Rank 0 holds one element; a zero-sized dimension holds none.
  EXPECT_EQ(parseOk(makeNpy("{'descr': '<f8', 'fortran_order': False, "
                            "'shape': ()}",
                            std::string(8, '\0')))
                .numElements(),
            1);
  EXPECT_EQ(parseOk(makeNpy("{'descr': '<f8', 'fortran_order': False, "
                            "'shape': (3, 0)}",
                            ""))
                .numElements(),
            0);
}

TEST(Npy, MalformedFiles) {
  const std::string good =
      "{'descr': '<f4', 'fortran_order': False, 'shape': (4, 8), }\n";
  std::string data(128, '\0');

  EXPECT_EQ(parseError(""), "x.npy: empty file, not a .npy file");
  EXPECT_EQ(parseError("PK\x03\x04 zip"),
            "x.npy: not a .npy file (bad magic string)");
  EXPECT_EQ(parseError(std::string("\x93NUM", 4)),
            "x.npy: truncated: 4 bytes, too short for a .npy header");
  EXPECT_EQ(parseError(std::string("\x93NUMPY\x01\x00\x10", 9)),
            "x.npy: truncated: 9 bytes, too short for a .npy header");
  EXPECT_EQ(parseError(makeNpy(good, data, 4)),
            "x.npy: unsupported .npy format version 4.0 (supported: 1.0, "
            "2.0, 3.0)");
  std::string v11 = makeNpy(good, data);
  v11[7] = 1;
  EXPECT_EQ(parseError(v11), "x.npy: unsupported .npy format version 1.1 "
                             "(supported: 1.0, 2.0, 3.0)");
  EXPECT_EQ(parseError(makeNpy(good, data).substr(0, 40)),
            "x.npy: truncated: header length is 60 bytes, but only 30 bytes "
            "follow");
  EXPECT_EQ(parseError(makeNpy(good, data.substr(0, 100))),
            "x.npy: truncated: header says 4x8 float32 (128 bytes of data), "
            "file has 100");
  EXPECT_EQ(parseError(makeNpy(good, data + "xx")),
            "x.npy: trailing data: header says 4x8 float32 (128 bytes of "
            "data), file has 130");
  EXPECT_EQ(parseError(makeNpy("{'descr': '<f4', 'fortran_order': True, "
                               "'shape': (4, 8), }",
                               data)),
            "x.npy: fortran_order is True: only C-order arrays are supported");
  EXPECT_EQ(parseError(makeNpy("{'descr': '>f4', 'fortran_order': False, "
                               "'shape': (4, 8), }",
                               data)),
            "x.npy: big-endian dtype '>f4' is not supported");
  EXPECT_EQ(parseError(makeNpy("{'descr': '<c8', 'fortran_order': False, "
                               "'shape': (4, 8), }",
                               data)),
            "x.npy: unsupported dtype '<c8' (supported: float16, float32, "
            "float64, int8, uint8, int16, int32, int64, bool)");
  EXPECT_EQ(parseError(makeNpy("{'descr': '|f4', 'fortran_order': False, "
                               "'shape': (4, 8), }",
                               data)),
            "x.npy: dtype '|f4' has no byte order");
  EXPECT_EQ(parseError(makeNpy("{'descr': [('a', '<f4')], 'fortran_order': "
                               "False, 'shape': (4, 8), }",
                               data)),
            "x.npy: structured dtypes are not supported");
  EXPECT_EQ(parseError(makeNpy("{'descr': '<f4', 'shape': (4, 8), }", data)),
            "x.npy: malformed header: missing key 'fortran_order'");
  EXPECT_EQ(parseError(makeNpy("{'descr': '<f4', 'descr': '<f4', "
                               "'fortran_order': False, 'shape': (4, 8)}",
                               data)),
            "x.npy: malformed header: duplicate key 'descr'");
  EXPECT_EQ(parseError(makeNpy("{'descr': '<f4', 'fortran_order': False, "
                               "'shape': (4, 8), 'extra': 1}",
                               data)),
            "x.npy: malformed header: unexpected key 'extra'");
  EXPECT_EQ(parseError(makeNpy("{'descr': '<f4', 'fortran_order': False, "
                               "'shape': (4, -8)}",
                               data)),
            "x.npy: malformed header: negative dimension in shape");
  EXPECT_EQ(parseError(makeNpy("{'descr': '<f4', 'fortran_order': False, "
                               "'shape': (4, x)}",
                               data)),
            "x.npy: malformed header: malformed shape");
  EXPECT_EQ(parseError(makeNpy("{'descr': '<f4', 'fortran_order': False, "
                               "'shape': 32}",
                               data)),
            "x.npy: malformed header: 'shape' is not a tuple");
  EXPECT_EQ(parseError(makeNpy("{'descr': '<f4', 'fortran_order': False, "
                               "'shape': (99999999999999999999,)}",
                               data)),
            "x.npy: malformed header: dimension in shape is too large");
  EXPECT_EQ(parseError(makeNpy("{'descr': '<f8', 'fortran_order': False, "
                               "'shape': (4000000000000000000, "
                               "4000000000000000000)}",
                               data)),
            "x.npy: shape (4000000000000000000x4000000000000000000) is too "
            "large");
  EXPECT_EQ(parseError(makeNpy("{'descr': '<f4', 'fortran_order': Maybe, "
                               "'shape': (4, 8)}",
                               data)),
            "x.npy: malformed header: 'fortran_order' is not True or False");
  EXPECT_EQ(parseError(makeNpy("['descr', '<f4']", data)),
            "x.npy: malformed header: expected a dict");
  EXPECT_EQ(
      parseError(makeNpy("{'descr': '<f4' 'fortran_order': False}", data)),
      "x.npy: malformed header: expected ',' or '}'");
  EXPECT_EQ(parseError(makeNpy("{'descr': '<f4', 'fortran_order': False, "
                               "'shape': (4, 8)} junk",
                               data)),
            "x.npy: malformed header: text after the dict");
  EXPECT_EQ(parseError(makeNpy("{'descr: '<f4'", data)),
            "x.npy: malformed header: expected 'key': value");
}

TEST(Npy, MutatedFilesNeverCrash) {
  NpyArray a;
  a.dtype = NpyDType::I16;
  a.shape = {3, 5};
  a.data.assign(30, 3);
  std::string good, error;
  ASSERT_TRUE(serializeNpy(a, good, error));
  std::mt19937 rng(1234);
  int parsed = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string bytes = good;
    int edits = 1 + rng() % 4;
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 3) {
      case 0: // flip a byte
        bytes[rng() % bytes.size()] = static_cast<char>(rng());
        break;
      case 1: // truncate
        bytes.resize(rng() % (bytes.size() + 1));
        break;
      default: // insert garbage
        bytes.insert(rng() % (bytes.size() + 1), 1, static_cast<char>(rng()));
        break;
      }
      if (bytes.empty())
        break;
    }
    NpyArray b;
    if (parseNpy(bytes, "fuzz.npy", b, error)) {
      ++parsed;
      EXPECT_EQ(b.data.size(), b.numElements() * npyItemSize(b.dtype));
    } else {
      EXPECT_EQ(error.rfind("fuzz.npy: ", 0), 0u) << error;
    }
  }
  EXPECT_GT(parsed, 0); // some edits only touch the data or the padding
}

TEST(Npy, FileErrors) {
  TempDir dir;
  NpyArray a;
  std::string error;
  EXPECT_FALSE(readNpyFile(dir.path + "/missing.npy", a, error));
  EXPECT_EQ(error, dir.path + "/missing.npy: cannot open: No such file or "
                              "directory");
  EXPECT_FALSE(readNpyFile(dir.path, a, error));
  EXPECT_EQ(error, dir.path + ": cannot read: Is a directory");

  a.dtype = NpyDType::F32;
  a.shape = {2};
  a.data.assign(8, 0);
  EXPECT_FALSE(writeNpyFile(dir.path + "/no/such/dir/out.npy", a, error));
  EXPECT_EQ(error.rfind(dir.path + "/no/such/dir/out.npy: cannot create a "
                                   "temporary file next to it: ",
                        0),
            0u)
      << error;
  // Writing over a directory fails and leaves no temporary behind.
  std::string sub = dir.path + "/sub";
  ASSERT_EQ(::mkdir(sub.c_str(), 0755), 0);
  EXPECT_FALSE(writeNpyFile(sub, a, error));
  EXPECT_EQ(error.rfind(sub + ": cannot rename", 0), 0u) << error;
  EXPECT_EQ(dir.files(), std::vector<std::string>{"sub"});
  ::rmdir(sub.c_str());

  // Data that does not match the shape is refused.
  a.data.resize(7);
  std::string bytes;
  EXPECT_FALSE(serializeNpy(a, bytes, error));
  EXPECT_EQ(error, "2 float32 needs 8 bytes of data, got 7");
  EXPECT_FALSE(writeNpyFile(dir.path + "/bad.npy", a, error));
  EXPECT_EQ(error, dir.path + "/bad.npy: 2 float32 needs 8 bytes of data, "
                              "got 7");
  EXPECT_TRUE(dir.files().empty());
}

} // namespace
