// JSON text out: to_json of any array, and the JSON text of nested literals (Nested::json)
// behind the Array{{1, 2}, {3}} constructor.
#include <fmt/format.h>

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "container/json.hpp"
#include "gfunc/cast.hpp"
#include "ndt/error.hpp"

namespace pluribus::nd {

void json_append_quoted(std::string& out, std::string_view s);

namespace {

using ndt::Kind;

// The length of the valid UTF-8 sequence at s[i], or 0.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  std::size_t len;
  uint32_t cp;
  if (c < 0xC2) return 0;  // continuation bytes and overlong 2-byte leads
  if (c < 0xE0) {
    len = 2;
    cp = c & 0x1Fu;
  } else if (c < 0xF0) {
    len = 3;
    cp = c & 0x0Fu;
  } else if (c < 0xF5) {
    len = 4;
    cp = c & 0x07u;
  } else {
    return 0;
  }
  if (i + len > s.size()) return 0;
  for (std::size_t k = 1; k < len; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0u) != 0x80u) return 0;
    cp = (cp << 6) | (b & 0x3Fu);
  }
  if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return len;
}

// Appends `s` quoted; false (with `out` partly written) when `s` is not valid UTF-8.
bool append_quoted(std::string& out, std::string_view s) {
  out += '"';
  std::size_t i = 0;
  while (i < s.size()) {
    // The run of bytes that need no escape, appended at once.
    std::size_t j = i;
    while (j < s.size()) {
      const auto c = static_cast<unsigned char>(s[j]);
      if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
      ++j;
    }
    out.append(s.data() + i, j - i);
    i = j;
    if (i == s.size()) break;
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const std::size_t len = utf8_length(s, i);
      if (len == 0) return false;
      out.append(s.data() + i, len);
      i += len;
      continue;
    }
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        break;
    }
    ++i;
  }
  out += '"';
  return true;
}

// Shortest round-trip text, with ".0" on integral values so they read back as floats. False
// for NaN and infinities.
template <class F>
bool append_float(std::string& out, F value) {
  if (!std::isfinite(value)) return false;
  char buffer[64];
  char* end = fmt::format_to(buffer, "{}", value);
  const std::string_view text(buffer, static_cast<std::size_t>(end - buffer));
  out += text;
  if (text.find_first_of(".e") == std::string_view::npos) out += ".0";
  return true;
}

template <class T>
T load(const char* p) {
  T value;
  std::memcpy(&value, p, sizeof value);
  return value;
}

bool is_identifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

class Writer {
 public:
  explicit Writer(std::string& out) : out_(out) {}

  void dims(const Array& a, int level, const char* p) {
    if (level == a.ndim()) return value(a.dtype(), p);
    const auto n = a.shape()[static_cast<std::size_t>(level)];
    const auto stride = a.strides()[static_cast<std::size_t>(level)];
    out_ += '[';
    for (int64_t i = 0; i < n; ++i) {
      if (i) out_ += ',';
      path_.push_back({i, nullptr});
      dims(a, level + 1, p + i * stride);
      path_.pop_back();
    }
    out_ += ']';
  }

  void value(const ndt::Type& t, const char* p) {
    switch (t.kind()) {
      case Kind::Bool:
        out_ += *p ? "true" : "false";
        return;
      case Kind::Int8:
        return integer(load<int8_t>(p));
      case Kind::Int16:
        return integer(load<int16_t>(p));
      case Kind::Int32:
        return integer(load<int32_t>(p));
      case Kind::Int64:
        return integer(load<int64_t>(p));
      case Kind::UInt8:
        return integer(load<uint8_t>(p));
      case Kind::UInt16:
        return integer(load<uint16_t>(p));
      case Kind::UInt32:
        return integer(load<uint32_t>(p));
      case Kind::UInt64:
        return integer(load<uint64_t>(p));
      case Kind::Float16:
      case Kind::BFloat16:
        return small_float(t, p);
      case Kind::Float32:
        return real(load<float>(p));
      case Kind::Float64:
        return real(load<double>(p));
      case Kind::Complex64:
      case Kind::Complex128: {
        const bool wide = t.kind() == Kind::Complex128;
        const int64_t half = wide ? 8 : 4;
        out_ += '[';
        for (int k = 0; k < 2; ++k) {
          if (k) out_ += ',';
          path_.push_back({k, nullptr});
          if (wide)
            real(load<double>(p + k * half));
          else
            real(load<float>(p + k * half));
          path_.pop_back();
        }
        out_ += ']';
        return;
      }
      case Kind::String: {
        const auto* data = load<const char*>(p);
        const auto size = load<int64_t>(p + sizeof(const char*));
        if (!append_quoted(out_, std::string_view(data, static_cast<std::size_t>(size))))
          fail(ErrorCode::value, "the string is not valid UTF-8");
        return;
      }
      case Kind::FixedString:
        return fixed_string(t, p);
      case Kind::Option: {
        const ndt::Type& child = t.child();
        if (p[child.size()] == 0) {
          out_ += "null";
          return;
        }
        return value(child, p);
      }
      case Kind::Nominal:
      case Kind::Constructor:
        return value(t.child(), p);
      case Kind::FixedDim: {
        const ndt::Type& child = t.child();
        out_ += '[';
        for (int64_t i = 0; i < t.shape(); ++i) {
          if (i) out_ += ',';
          path_.push_back({i, nullptr});
          value(child, p + i * t.stride());
          path_.pop_back();
        }
        out_ += ']';
        return;
      }
      case Kind::VarDim: {
        const ndt::Type& child = t.child();
        const auto* data = load<const char*>(p);
        const auto size = load<int64_t>(p + sizeof(const char*));
        out_ += '[';
        for (int64_t i = 0; i < size; ++i) {
          if (i) out_ += ',';
          path_.push_back({i, nullptr});
          value(child, data + i * child.size());
          path_.pop_back();
        }
        out_ += ']';
        return;
      }
      case Kind::Tuple:
      case Kind::Record: {
        const bool record = t.kind() == Kind::Record;
        out_ += record ? '{' : '[';
        int64_t i = 0;
        for (const auto& f : t.fields()) {
          if (i) out_ += ',';
          if (record) {
            append_quoted(out_, f.name);
            out_ += ':';
          }
          path_.push_back({i++, record ? &f.name : nullptr});
          value(f.type, p + f.offset);
          path_.pop_back();
        }
        out_ += record ? '}' : ']';
        return;
      }
      default:
        fail(ErrorCode::type, fmt::format("{} has no JSON form", t.str()));
    }
  }

 private:
  struct Step {
    int64_t index;
    const std::string* name;  // record members
  };

  template <class I>
  void integer(I value) {
    char buffer[24];
    char* end = fmt::format_to(buffer, "{}", value);
    out_.append(buffer, static_cast<std::size_t>(end - buffer));
  }

  template <class F>
  void real(F value) {
    if (!append_float(out_, value))
      fail(ErrorCode::value, fmt::format("{} has no JSON form", value));
  }

  void small_float(const ndt::Type& t, const char* p) {
    // float16/bfloat16 -> float32 is exact; its shortest text reads back to the same value.
    gfunc::CastLoop& loop = t.kind() == Kind::Float16 ? half_ : bhalf_;
    if (!loop) loop = gfunc::find_cast(t, ndt::float32, gfunc::cast_nocheck);
    if (!loop) fail(ErrorCode::type, fmt::format("{} has no JSON form", t.str()));
    float value = 0;
    char* args[2] = {const_cast<char*>(p), reinterpret_cast<char*>(&value)};
    const int64_t count = 1;
    const int64_t steps[2] = {0, 0};
    gfunc::LoopContext context{loop.data};
    loop.loop(args, &count, steps, &context);
    real(value);
  }

  void fixed_string(const ndt::Type& t, const char* p) {
    const int64_t length = t.shape();
    std::string text;
    if (t.encoding() == ndt::Encoding::utf32) {
      for (int64_t i = 0; i < length; ++i) {
        const auto cp = load<uint32_t>(p + 4 * i);
        if (cp == 0) break;
        if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
          fail(ErrorCode::value, "the fixed_string holds an invalid code point");
        if (cp < 0x80) {
          text += static_cast<char>(cp);
        } else if (cp < 0x800) {
          text += static_cast<char>(0xC0 | (cp >> 6));
          text += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
          text += static_cast<char>(0xE0 | (cp >> 12));
          text += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
          text += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
          text += static_cast<char>(0xF0 | (cp >> 18));
          text += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
          text += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
          text += static_cast<char>(0x80 | (cp & 0x3F));
        }
      }
    } else if (t.encoding() == ndt::Encoding::ascii || t.encoding() == ndt::Encoding::utf8) {
      const void* nul = std::memchr(p, 0, static_cast<std::size_t>(length));
      text.assign(p, nul ? static_cast<std::size_t>(static_cast<const char*>(nul) - p)
                         : static_cast<std::size_t>(length));
    } else {
      fail(ErrorCode::type, fmt::format("{} has no JSON form", t.str()));
    }
    if (!append_quoted(out_, text)) fail(ErrorCode::value, "the fixed_string is not valid UTF-8");
  }

  [[noreturn]] void fail(ErrorCode code, const std::string& what) const {
    std::string where = "$";
    for (const Step& s : path_) {
      if (!s.name) {
        fmt::format_to(std::back_inserter(where), "[{}]", s.index);
      } else if (is_identifier(*s.name)) {
        where += '.';
        where += *s.name;
      } else {
        where += '[';
        append_quoted(where, *s.name);
        where += ']';
      }
    }
    throw Error(code, fmt::format("to_json: {}: {}", where, what));
  }

  std::string& out_;
  std::vector<Step> path_;
  gfunc::CastLoop half_, bhalf_;
};

}  // namespace

void json_append_quoted(std::string& out, std::string_view s) {
  // Text from the parser is valid UTF-8; anything else is shown byte by byte.
  std::string quoted;
  if (append_quoted(quoted, s)) {
    out += quoted;
    return;
  }
  out += '"';
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if (b >= 0x20 && b < 0x7F && c != '"' && c != '\\')
      out += c;
    else
      fmt::format_to(std::back_inserter(out), "\\x{:02x}", static_cast<unsigned>(b));
  }
  out += '"';
}

std::string to_json(const Array& a) {
  if (!a) throw Error(ErrorCode::invalid_argument, "to_json: an empty array handle");
  std::string out;
  Writer writer(out);
  writer.dims(a, 0, a.data());
  return out;
}

std::string Nested::json() const {
  std::string out;
  if (std::holds_alternative<Null>(value_)) {
    out = "null";
  } else if (const bool* b = std::get_if<bool>(&value_)) {
    out = *b ? "true" : "false";
  } else if (const int64_t* i = std::get_if<int64_t>(&value_)) {
    out = fmt::format("{}", *i);
  } else if (const double* d = std::get_if<double>(&value_)) {
    if (!append_float(out, *d))
      throw Error(ErrorCode::value, fmt::format("nd::Array{{...}}: {} has no JSON form", *d));
  } else if (const std::string* s = std::get_if<std::string>(&value_)) {
    if (!append_quoted(out, *s))
      throw Error(ErrorCode::value, "nd::Array{...}: a string that is not valid UTF-8");
  } else {
    const auto& items = std::get<std::vector<Nested>>(value_);
    out += '[';
    for (std::size_t k = 0; k < items.size(); ++k) {
      if (k) out += ',';
      out += items[k].json();
    }
    out += ']';
  }
  return out;
}

Array::Array(std::initializer_list<Nested> items) {
  std::string text = "[";
  for (const Nested& item : items) {
    if (text.size() > 1) text += ',';
    text += item.json();
  }
  text += ']';
  *this = from_json(text);
}

}  // namespace pluribus::nd
