//===- SafeTensors.cpp - Reading and writing .safetensors files -----------===//
//
// The header is parsed by a small JSON reader of our own that accepts the
// whole JSON grammar but keeps only what the format needs (objects, arrays,
// strings, non-negative integers).
//
//===----------------------------------------------------------------------===//

#include "qforge/Support/SafeTensors.h"
#include "qforge/Support/FileIO.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <map>
#include <memory>

using namespace qforge;

namespace {

/// Header sizes above this are rejected (the reference implementation's
/// limit is 100 MB).
constexpr uint64_t kMaxHeaderBytes = 100u << 20;

struct DTypeName {
  NpyDType dtype;
  const char *name;
};
constexpr DTypeName kNames[] = {
    {NpyDType::F16, "F16"}, {NpyDType::F32, "F32"}, {NpyDType::F64, "F64"},
    {NpyDType::I8, "I8"},   {NpyDType::U8, "U8"},   {NpyDType::I16, "I16"},
    {NpyDType::I32, "I32"}, {NpyDType::I64, "I64"}, {NpyDType::Bool, "BOOL"},
};

//===--- A minimal JSON reader --------------------------------------------===//

struct Json {
  enum Kind { Null, Bool, Number, String, Array, Object } kind = Null;
  std::string str;      // String
  double number = 0;    // Number
  bool isInteger = false;
  uint64_t integer = 0; // Number, when a non-negative integer literal
  std::vector<Json> items;                          // Array
  std::vector<std::pair<std::string, Json>> fields; // Object, in order
};

class JsonParser {
public:
  explicit JsonParser(std::string_view text) : text(text) {}

  bool parse(Json &out, std::string &problem) {
    if (!value(out, 0))
      return problem = this->problem, false;
    skipSpace();
    if (pos != text.size())
      return problem = at("trailing characters after the JSON value"), false;
    return true;
  }

private:
  std::string at(const std::string &msg) {
    return msg + " at offset " + std::to_string(pos);
  }
  bool error(const std::string &msg) {
    problem = at(msg);
    return false;
  }
  void skipSpace() {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t' ||
                                 text[pos] == '\n' || text[pos] == '\r'))
      ++pos;
  }
  bool literal(const char *word) {
    size_t n = std::strlen(word);
    if (text.substr(pos, n) != word)
      return false;
    pos += n;
    return true;
  }
  bool value(Json &out, int depth) {
    if (depth > 64)
      return error("JSON nested too deeply");
    skipSpace();
    if (pos >= text.size())
      return error("unexpected end of the header");
    char c = text[pos];
    if (c == '{')
      return object(out, depth);
    if (c == '[')
      return array(out, depth);
    if (c == '"') {
      out.kind = Json::String;
      return string(out.str);
    }
    if (literal("true") || literal("false")) {
      out.kind = Json::Bool;
      return true;
    }
    if (literal("null")) {
      out.kind = Json::Null;
      return true;
    }
    return number(out);
  }
  bool number(Json &out) {
    size_t start = pos;
    if (pos < text.size() && text[pos] == '-')
      ++pos;
    size_t digits = pos;
    while (pos < text.size() && std::isdigit(uint8_t(text[pos])))
      ++pos;
    if (pos == digits)
      return error("expected a JSON value");
    bool integer = text[start] != '-';
    if (pos < text.size() && text[pos] == '.') {
      integer = false;
      ++pos;
      while (pos < text.size() && std::isdigit(uint8_t(text[pos])))
        ++pos;
    }
    if (pos < text.size() && (text[pos] == 'e' || text[pos] == 'E')) {
      integer = false;
      ++pos;
      if (pos < text.size() && (text[pos] == '+' || text[pos] == '-'))
        ++pos;
      while (pos < text.size() && std::isdigit(uint8_t(text[pos])))
        ++pos;
    }
    out.kind = Json::Number;
    std::string lit(text.substr(start, pos - start));
    out.number = std::strtod(lit.c_str(), nullptr);
    out.isInteger = integer && lit.size() <= 19;
    if (out.isInteger)
      out.integer = std::strtoull(lit.c_str(), nullptr, 10);
    return true;
  }
  bool string(std::string &out) {
    ++pos; // opening quote
    out.clear();
    while (true) {
      if (pos >= text.size())
        return error("unterminated string");
      char c = text[pos++];
      if (c == '"')
        return true;
      if (uint8_t(c) < 0x20)
        return error("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (pos >= text.size())
        return error("unterminated escape");
      char e = text[pos++];
      switch (e) {
      case '"': out += '"'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'u': {
        if (pos + 4 > text.size())
          return error("short \\u escape");
        unsigned cp = 0;
        for (int i = 0; i < 4; ++i) {
          char h = text[pos++];
          cp <<= 4;
          if (h >= '0' && h <= '9')
            cp |= h - '0';
          else if (h >= 'a' && h <= 'f')
            cp |= h - 'a' + 10;
          else if (h >= 'A' && h <= 'F')
            cp |= h - 'A' + 10;
          else
            return error("bad \\u escape");
        }
        // UTF-8 encode (surrogates are kept as their code units).
        if (cp < 0x80) {
          out += char(cp);
        } else if (cp < 0x800) {
          out += char(0xC0 | (cp >> 6));
          out += char(0x80 | (cp & 0x3F));
        } else {
          out += char(0xE0 | (cp >> 12));
          out += char(0x80 | ((cp >> 6) & 0x3F));
          out += char(0x80 | (cp & 0x3F));
        }
        break;
      }
      default:
        return error("bad escape");
      }
    }
  }
  bool array(Json &out, int depth) {
    ++pos;
    out.kind = Json::Array;
    skipSpace();
    if (pos < text.size() && text[pos] == ']')
      return ++pos, true;
    while (true) {
      out.items.emplace_back();
      if (!value(out.items.back(), depth + 1))
        return false;
      skipSpace();
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (pos < text.size() && text[pos] == ']')
        return ++pos, true;
      return error("expected ',' or ']'");
    }
  }
  bool object(Json &out, int depth) {
    ++pos;
    out.kind = Json::Object;
    skipSpace();
    if (pos < text.size() && text[pos] == '}')
      return ++pos, true;
    while (true) {
      skipSpace();
      if (pos >= text.size() || text[pos] != '"')
        return error("expected a string key");
      std::string key;
      if (!string(key))
        return false;
      skipSpace();
      if (pos >= text.size() || text[pos] != ':')
        return error("expected ':'");
      ++pos;
      out.fields.emplace_back(std::move(key), Json());
      if (!value(out.fields.back().second, depth + 1))
        return false;
      skipSpace();
      if (pos < text.size() && text[pos] == ',') {
        ++pos;
        continue;
      }
      if (pos < text.size() && text[pos] == '}')
        return ++pos, true;
      return error("expected ',' or '}'");
    }
  }

  std::string_view text;
  size_t pos = 0;
  std::string problem;
};

const Json *field(const Json &obj, std::string_view key) {
  for (const auto &[k, v] : obj.fields)
    if (k == key)
      return &v;
  return nullptr;
}

void appendJsonString(std::string &out, std::string_view s) {
  out += '"';
  for (char c : s) {
    switch (c) {
    case '"': out += "\\\""; break;
    case '\\': out += "\\\\"; break;
    case '\n': out += "\\n"; break;
    case '\r': out += "\\r"; break;
    case '\t': out += "\\t"; break;
    default:
      if (uint8_t(c) < 0x20) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\u%04x", unsigned(uint8_t(c)));
        out += buf;
      } else {
        out += c;
      }
    }
  }
  out += '"';
}

} // namespace

const char *qforge::safeTensorsDTypeName(NpyDType dtype) {
  for (const DTypeName &d : kNames)
    if (d.dtype == dtype)
      return d.name;
  return "?";
}

const NpyArray *SafeTensors::find(std::string_view name) const {
  for (const auto &[n, a] : tensors)
    if (n == name)
      return &a;
  return nullptr;
}

const std::string *SafeTensors::findMetadata(std::string_view key) const {
  for (const auto &[k, v] : metadata)
    if (k == key)
      return &v;
  return nullptr;
}

bool qforge::serializeSafeTensors(const SafeTensors &st, std::string &bytes,
                                  std::string &error) {
  std::string header = "{";
  bool first = true;
  if (!st.metadata.empty()) {
    header += "\"__metadata__\":{";
    for (size_t i = 0; i < st.metadata.size(); ++i) {
      if (i)
        header += ',';
      appendJsonString(header, st.metadata[i].first);
      header += ':';
      appendJsonString(header, st.metadata[i].second);
    }
    header += '}';
    first = false;
  }
  uint64_t offset = 0;
  std::vector<std::string> seen;
  for (const auto &[name, array] : st.tensors) {
    if (name.empty() || name == "__metadata__")
      return error = "invalid tensor name '" + name + "'", false;
    if (std::find(seen.begin(), seen.end(), name) != seen.end())
      return error = "tensor '" + name + "' is given twice", false;
    seen.push_back(name);
    int64_t n = array.numElements();
    for (int64_t d : array.shape)
      if (d < 0)
        return error = "tensor '" + name + "' has a negative dimension",
               false;
    uint64_t size = uint64_t(n) * npyItemSize(array.dtype);
    if (array.data.size() != size)
      return error = "tensor '" + name + "' holds " +
                     std::to_string(array.data.size()) + " bytes, its shape " +
                     array.describe() + " needs " + std::to_string(size),
             false;
    if (!first)
      header += ',';
    first = false;
    appendJsonString(header, name);
    header += ":{\"dtype\":\"";
    header += safeTensorsDTypeName(array.dtype);
    header += "\",\"shape\":[";
    for (size_t i = 0; i < array.shape.size(); ++i)
      header += (i ? "," : "") + std::to_string(array.shape[i]);
    header += "],\"data_offsets\":[" + std::to_string(offset) + "," +
              std::to_string(offset + size) + "]}";
    offset += size;
  }
  header += '}';
  // Pad the header with spaces so that the data starts 8-byte aligned.
  while ((8 + header.size()) % 8)
    header += ' ';
  bytes.clear();
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i)
    bytes += char((n >> (8 * i)) & 0xFF);
  bytes += header;
  for (const auto &entry : st.tensors)
    bytes.append(reinterpret_cast<const char *>(entry.second.data.data()),
                 entry.second.data.size());
  return true;
}

bool qforge::parseSafeTensors(std::string_view bytes, std::string_view name,
                              SafeTensors &st, std::string &error) {
  std::string file(name);
  auto fail = [&](const std::string &msg) {
    error = file + ": " + msg;
    return false;
  };
  if (bytes.size() < 8)
    return fail("not a safetensors file (shorter than its 8-byte header "
                "length)");
  uint64_t n = 0;
  for (int i = 0; i < 8; ++i)
    n |= uint64_t(uint8_t(bytes[i])) << (8 * i);
  if (n > kMaxHeaderBytes || n > bytes.size() - 8)
    return fail("header length " + std::to_string(n) +
                " exceeds the file (truncated or not a safetensors file)");
  Json root;
  std::string problem;
  if (!JsonParser(bytes.substr(8, n)).parse(root, problem))
    return fail("invalid JSON header: " + problem);
  if (root.kind != Json::Object)
    return fail("the header is not a JSON object");
  std::string_view data = bytes.substr(8 + n);
  st = SafeTensors();
  struct Span {
    uint64_t begin, end;
    size_t index;
  };
  std::vector<Span> spans;
  std::vector<std::pair<std::string, NpyArray>> tensors;
  for (const auto &[key, value] : root.fields) {
    if (key == "__metadata__") {
      if (value.kind != Json::Object)
        return fail("__metadata__ is not an object");
      for (const auto &[k, v] : value.fields) {
        if (v.kind != Json::String)
          return fail("metadata '" + k + "' is not a string");
        st.metadata.emplace_back(k, v.str);
      }
      continue;
    }
    auto bad = [&](const std::string &msg) {
      return fail("tensor '" + key + "': " + msg);
    };
    for (const auto &t : tensors)
      if (t.first == key)
        return bad("given twice");
    if (value.kind != Json::Object)
      return bad("entry is not an object");
    const Json *dtype = field(value, "dtype");
    const Json *shape = field(value, "shape");
    const Json *offsets = field(value, "data_offsets");
    if (!dtype || dtype->kind != Json::String || !shape ||
        shape->kind != Json::Array || !offsets ||
        offsets->kind != Json::Array || offsets->items.size() != 2)
      return bad("needs \"dtype\", \"shape\" and two \"data_offsets\"");
    NpyArray array;
    bool known = false;
    for (const DTypeName &d : kNames)
      if (dtype->str == d.name) {
        array.dtype = d.dtype;
        known = true;
      }
    if (!known)
      return bad("unsupported dtype \"" + dtype->str + "\"");
    uint64_t count = 1;
    for (const Json &d : shape->items) {
      if (d.kind != Json::Number || !d.isInteger ||
          d.integer > uint64_t(std::numeric_limits<int64_t>::max()))
        return bad("shape entries must be non-negative integers");
      array.shape.push_back(int64_t(d.integer));
      if (d.integer && count > (uint64_t(1) << 50) / d.integer)
        return bad("shape too large");
      count *= d.integer;
    }
    for (const Json &o : offsets->items)
      if (o.kind != Json::Number || !o.isInteger)
        return bad("data_offsets must be non-negative integers");
    uint64_t begin = offsets->items[0].integer, end = offsets->items[1].integer;
    if (begin > end || end > data.size())
      return bad("data_offsets [" + std::to_string(begin) + ", " +
                 std::to_string(end) + "] lie outside the " +
                 std::to_string(data.size()) + " data bytes (truncated?)");
    if (end - begin != count * npyItemSize(array.dtype))
      return bad("data_offsets span " + std::to_string(end - begin) +
                 " bytes, its shape and dtype need " +
                 std::to_string(count * npyItemSize(array.dtype)));
    array.data.assign(data.begin() + begin, data.begin() + end);
    spans.push_back({begin, end, tensors.size()});
    tensors.emplace_back(key, std::move(array));
  }
  // The data must be covered exactly, without overlaps.
  std::sort(spans.begin(), spans.end(), [](const Span &a, const Span &b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  uint64_t at = 0;
  for (const Span &s : spans) {
    if (s.begin != at)
      return fail("tensor '" + tensors[s.index].first + "' starts at " +
                  std::to_string(s.begin) + ", expected " +
                  std::to_string(at) + " (overlapping or a gap)");
    at = s.end;
  }
  if (at != data.size())
    return fail(std::to_string(data.size() - at) +
                " data bytes belong to no tensor");
  for (const Span &s : spans)
    st.tensors.push_back(std::move(tensors[s.index]));
  return true;
}

bool qforge::readSafeTensorsFile(const std::string &path, SafeTensors &st,
                                 std::string &error) {
  std::string bytes;
  if (!readFileBytes(path, bytes, error))
    return false;
  return parseSafeTensors(bytes, path, st, error);
}

bool qforge::writeSafeTensorsFile(const std::string &path,
                                  const SafeTensors &st, std::string &error) {
  std::string bytes;
  if (!serializeSafeTensors(st, bytes, error)) {
    error = path + ": " + error;
    return false;
  }
  return writeFileAtomically(path, bytes, error);
}
