//===- Npy.cpp - Reading and writing NumPy .npy files ---------------------===//
//
// The header is a Python dict literal, e.g.
//   {'descr': '<f4', 'fortran_order': False, 'shape': (4, 8), }
// parsed here by a small tokenizer that accepts what numpy writes (either
// quote style, any key order, trailing commas, "4L" from Python 2) and
// rejects everything else with a message.
//
//===----------------------------------------------------------------------===//

#include "qforge/Support/Npy.h"
#include "qforge/Support/FileIO.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>

using namespace qforge;

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

struct DTypeInfo {
  NpyDType dtype;
  char kind;
  size_t size;
  const char *descr;
  const char *name;
};

constexpr DTypeInfo kDTypes[] = {
    {NpyDType::F16, 'f', 2, "<f2", "float16"},
    {NpyDType::F32, 'f', 4, "<f4", "float32"},
    {NpyDType::F64, 'f', 8, "<f8", "float64"},
    {NpyDType::I8, 'i', 1, "|i1", "int8"},
    {NpyDType::U8, 'u', 1, "|u1", "uint8"},
    {NpyDType::I16, 'i', 2, "<i2", "int16"},
    {NpyDType::I32, 'i', 4, "<i4", "int32"},
    {NpyDType::I64, 'i', 8, "<i8", "int64"},
    {NpyDType::Bool, 'b', 1, "|b1", "bool"},
};

const DTypeInfo &info(NpyDType dtype) {
  for (const DTypeInfo &i : kDTypes)
    if (i.dtype == dtype)
      return i;
  return kDTypes[1];
}

/// Maps a numpy descr ("<f4", "|u1", ...) to a dtype. One-byte types accept
/// any byte-order character; wider ones must be little-endian ('<', or '='
/// which is native, little-endian on every host qforge supports).
bool lookupDescr(const std::string &descr, NpyDType &dtype,
                 std::string &problem) {
  if (descr.size() < 2) {
    problem = "unsupported dtype '" + descr + "'";
    return false;
  }
  char order = descr[0];
  std::string rest = descr.substr(1);
  if (order != '<' && order != '>' && order != '|' && order != '=') {
    // numpy always writes a byte-order character; a bare "f4" is unexpected
    // but unambiguous.
    order = '=';
    rest = descr;
  }
  for (const DTypeInfo &i : kDTypes) {
    if (rest != std::string(1, i.kind) + std::to_string(i.size))
      continue;
    if (order == '>' && i.size > 1) {
      problem = "big-endian dtype '" + descr + "' is not supported";
      return false;
    }
    if (order == '|' && i.size > 1) {
      problem = "dtype '" + descr + "' has no byte order";
      return false;
    }
    dtype = i.dtype;
    return true;
  }
  problem = "unsupported dtype '" + descr +
            "' (supported: float16, float32, float64, int8, uint8, int16, "
            "int32, int64, bool)";
  return false;
}

/// A cursor over the header dict with the few token kinds it contains.
class HeaderParser {
public:
  explicit HeaderParser(std::string_view text) : text(text) {}

  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                                 text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }
  bool atEnd() {
    skipSpace();
    return pos >= text.size();
  }
  /// Consumes `c` if it is the next non-space character.
  bool consume(char c) {
    skipSpace();
    if (pos < text.size() && text[pos] == c) {
      ++pos;
      return true;
    }
    return false;
  }
  char peek() {
    skipSpace();
    return pos < text.size() ? text[pos] : '\0';
  }
  /// A quoted string without escapes (numpy never writes any).
  bool parseString(std::string &out) {
    skipSpace();
    if (pos >= text.size() || (text[pos] != '\'' && text[pos] != '"'))
      return false;
    char quote = text[pos++];
    size_t end = text.find(quote, pos);
    if (end == std::string_view::npos)
      return false;
    out = std::string(text.substr(pos, end - pos));
    if (out.find('\\') != std::string::npos)
      return false;
    pos = end + 1;
    return true;
  }
  /// An identifier such as True / False.
  std::string parseWord() {
    skipSpace();
    size_t start = pos;
    while (pos < text.size() &&
           (std::isalnum(static_cast<unsigned char>(text[pos])) ||
            text[pos] == '_'))
      ++pos;
    return std::string(text.substr(start, pos - start));
  }
  /// A non-negative decimal integer below 2^62 (with an optional Python 2
  /// 'L' suffix). Returns false on anything else.
  bool parseDim(int64_t &out, std::string &problem) {
    skipSpace();
    if (pos < text.size() && text[pos] == '-') {
      problem = "negative dimension in shape";
      return false;
    }
    size_t start = pos;
    int64_t value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      int64_t digit = text[pos] - '0';
      if (value > ((int64_t(1) << 62) - 1 - digit) / 10) {
        problem = "dimension in shape is too large";
        return false;
      }
      value = value * 10 + digit;
      ++pos;
    }
    if (pos == start) {
      problem = "malformed shape";
      return false;
    }
    if (pos < text.size() && text[pos] == 'L')
      ++pos;
    out = value;
    return true;
  }

private:
  std::string_view text;
  size_t pos = 0;
};

/// Parses the header dict into dtype, fortran order and shape.
bool parseHeader(std::string_view text, NpyArray &array, std::string &problem) {
  HeaderParser p(text);
  if (!p.consume('{')) {
    problem = "malformed header: expected a dict";
    return false;
  }
  bool haveDescr = false, haveOrder = false, haveShape = false;
  while (!p.consume('}')) {
    std::string key;
    if (!p.parseString(key) || !p.consume(':')) {
      problem = "malformed header: expected 'key': value";
      return false;
    }
    if (key == "descr") {
      if (haveDescr) {
        problem = "malformed header: duplicate key 'descr'";
        return false;
      }
      haveDescr = true;
      if (p.peek() == '[') {
        problem = "structured dtypes are not supported";
        return false;
      }
      std::string descr;
      if (!p.parseString(descr)) {
        problem = "malformed header: 'descr' is not a string";
        return false;
      }
      if (!lookupDescr(descr, array.dtype, problem))
        return false;
    } else if (key == "fortran_order") {
      if (haveOrder) {
        problem = "malformed header: duplicate key 'fortran_order'";
        return false;
      }
      haveOrder = true;
      std::string word = p.parseWord();
      if (word == "True") {
        problem = "fortran_order is True: only C-order arrays are supported";
        return false;
      }
      if (word != "False") {
        problem = "malformed header: 'fortran_order' is not True or False";
        return false;
      }
    } else if (key == "shape") {
      if (haveShape) {
        problem = "malformed header: duplicate key 'shape'";
        return false;
      }
      haveShape = true;
      array.shape.clear();
      if (!p.consume('(')) {
        problem = "malformed header: 'shape' is not a tuple";
        return false;
      }
      while (!p.consume(')')) {
        int64_t dim = 0;
        if (!p.parseDim(dim, problem)) {
          problem = "malformed header: " + problem;
          return false;
        }
        array.shape.push_back(dim);
        if (!p.consume(',') && p.peek() != ')') {
          problem = "malformed header: 'shape' is not a tuple of integers";
          return false;
        }
      }
    } else {
      problem = "malformed header: unexpected key '" + key + "'";
      return false;
    }
    if (!p.consume(',') && p.peek() != '}') {
      problem = "malformed header: expected ',' or '}'";
      return false;
    }
  }
  if (!p.atEnd()) {
    problem = "malformed header: text after the dict";
    return false;
  }
  if (!haveDescr || !haveOrder || !haveShape) {
    problem = std::string("malformed header: missing key '") +
              (!haveDescr   ? "descr"
               : !haveOrder ? "fortran_order"
                            : "shape") +
              "'";
    return false;
  }
  return true;
}

uint64_t readLE(const char *p, size_t n) {
  uint64_t v = 0;
  for (size_t i = 0; i < n; ++i)
    v |= uint64_t(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

/// Bytes of data `array`'s shape and dtype call for; false on overflow.
bool dataBytes(const NpyArray &array, uint64_t &bytes) {
  uint64_t n = 1;
  for (int64_t d : array.shape) {
    if (d < 0 || __builtin_mul_overflow(n, uint64_t(d), &n))
      return false;
  }
  return !__builtin_mul_overflow(n, uint64_t(npyItemSize(array.dtype)), &bytes);
}

} // namespace

size_t qforge::npyItemSize(NpyDType dtype) { return info(dtype).size; }
const char *qforge::npyDescr(NpyDType dtype) { return info(dtype).descr; }
const char *qforge::npyDTypeName(NpyDType dtype) { return info(dtype).name; }

int64_t NpyArray::numElements() const {
  int64_t n = 1;
  for (int64_t d : shape)
    n *= d;
  return n;
}

std::string qforge::formatNpyShape(const std::vector<int64_t> &shape) {
  if (shape.empty())
    return "scalar";
  std::string s;
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? "x" : "") + std::to_string(shape[i]);
  return s;
}

std::string NpyArray::describe() const {
  return formatNpyShape(shape) + " " + npyDTypeName(dtype);
}

bool qforge::parseNpy(std::string_view bytes, std::string_view name,
                      NpyArray &array, std::string &error) {
  auto fail = [&](const std::string &problem) {
    error = std::string(name) + ": " + problem;
    return false;
  };
  if (bytes.empty())
    return fail("empty file, not a .npy file");
  size_t prefix = std::min(bytes.size(), kMagicSize);
  if (bytes.substr(0, prefix) != std::string_view(kMagic, prefix))
    return fail("not a .npy file (bad magic string)");
  if (bytes.size() < kMagicSize + 2)
    return fail("truncated: " + std::to_string(bytes.size()) +
                " bytes, too short for a .npy header");
  unsigned major = static_cast<unsigned char>(bytes[6]);
  unsigned minor = static_cast<unsigned char>(bytes[7]);
  if (minor != 0 || major < 1 || major > 3)
    return fail("unsupported .npy format version " + std::to_string(major) +
                "." + std::to_string(minor) + " (supported: 1.0, 2.0, 3.0)");
  size_t lenSize = major == 1 ? 2 : 4;
  size_t start = kMagicSize + 2 + lenSize;
  if (bytes.size() < start)
    return fail("truncated: " + std::to_string(bytes.size()) +
                " bytes, too short for a .npy header");
  uint64_t headerLen = readLE(bytes.data() + kMagicSize + 2, lenSize);
  if (headerLen > bytes.size() - start)
    return fail("truncated: header length is " + std::to_string(headerLen) +
                " bytes, but only " + std::to_string(bytes.size() - start) +
                " bytes follow");
  std::string problem;
  if (!parseHeader(bytes.substr(start, headerLen), array, problem))
    return fail(problem);

  uint64_t need = 0;
  if (!dataBytes(array, need))
    return fail("shape (" + formatNpyShape(array.shape) + ") is too large");
  uint64_t have = bytes.size() - start - headerLen;
  std::string says = "header says " + array.describe() + " (" +
                     std::to_string(need) + " bytes of data)";
  if (have < need)
    return fail("truncated: " + says + ", file has " + std::to_string(have));
  if (have > need)
    return fail("trailing data: " + says + ", file has " +
                std::to_string(have));
  const char *data = bytes.data() + start + headerLen;
  array.data.assign(reinterpret_cast<const uint8_t *>(data),
                    reinterpret_cast<const uint8_t *>(data) + need);
  return true;
}

bool qforge::readNpyFile(const std::string &path, NpyArray &array,
                         std::string &error) {
  std::string bytes;
  if (!readFileBytes(path, bytes, error))
    return false;
  return parseNpy(bytes, path, array, error);
}

bool qforge::serializeNpy(const NpyArray &array, std::string &bytes,
                          std::string &error) {
  uint64_t need = 0;
  if (!dataBytes(array, need)) {
    error = "invalid shape (" + formatNpyShape(array.shape) + ")";
    return false;
  }
  if (need != array.data.size()) {
    error = array.describe() + " needs " + std::to_string(need) +
            " bytes of data, got " + std::to_string(array.data.size());
    return false;
  }
  std::string header = std::string("{'descr': '") + npyDescr(array.dtype) +
                       "', 'fortran_order': False, 'shape': (";
  for (size_t i = 0; i < array.shape.size(); ++i)
    header += (i ? ", " : "") + std::to_string(array.shape[i]);
  header += array.shape.size() == 1 ? ",), }" : "), }";

  // Pad with spaces and end with a newline so that the data is 64-aligned.
  unsigned major = header.size() + 1 + 10 + 63 <= 0xFFFF ? 1 : 2;
  size_t prefix = major == 1 ? 10 : 12;
  size_t total = (prefix + header.size() + 1 + 63) / 64 * 64;
  header.append(total - prefix - header.size() - 1, ' ');
  header += '\n';

  bytes.assign(kMagic, kMagicSize);
  bytes += static_cast<char>(major);
  bytes += '\0';
  uint64_t len = header.size();
  for (size_t i = 0; i < (major == 1 ? 2u : 4u); ++i)
    bytes += static_cast<char>((len >> (8 * i)) & 0xFF);
  bytes += header;
  bytes.append(reinterpret_cast<const char *>(array.data.data()),
               array.data.size());
  return true;
}

bool qforge::writeNpyFile(const std::string &path, const NpyArray &array,
                          std::string &error) {
  std::string bytes;
  if (!serializeNpy(array, bytes, error)) {
    error = path + ": " + error;
    return false;
  }
  return writeFileAtomically(path, bytes, error);
}
