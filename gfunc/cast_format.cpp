// Numbers as text: numeric -> string cast loops, the string -> string copy, and
// format_scalar for error messages.
//
// Text of a value: bool "true"/"false"; integers in decimal; floats the shortest text
// that reads back as the same value of their own type ("1.5", "300", "0.1" for float16
// 0.1, "1e+300", "inf", "-inf", "nan"); complex "(re+imj)" with each part as a float
// ("(1+2j)", "(0-1.5j)", "(nan+infj)"). cast_parse.cpp reads all of it back.
//
// Every string a cast loop writes is allocated with std::malloc (size + 1 bytes, NUL
// terminated, `size` not counting the NUL) and belongs to the caller, who frees it with
// std::free or release_strings(). The output slot's previous contents are overwritten
// unread. When an allocation fails the loop stops with loop_invalid at that element:
// the elements before it hold owned strings, the rest are untouched.
#include <fmt/format.h>

#include <array>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <utility>

#include "gfunc/cast.hpp"
#include "gfunc/cast_internal.hpp"

namespace pluribus::gfunc {
namespace cast_detail {
namespace {

// std::to_chars: integers in decimal, floats as their shortest round-trip text.
template <class T>
int put(char* buf, T v) noexcept {
  return static_cast<int>(std::to_chars(buf, buf + kNumberTextMax, v).ptr - buf);
}

int put_text(char* buf, const char* text) noexcept {
  const auto n = std::strlen(text);
  std::memcpy(buf, text, n);
  return static_cast<int>(n);
}

// float16: the fewest significant digits that read back (through float64) as the same
// half, printed like the other floats ("0.1", "65504", "6e-08").
int put_half(char* buf, f16 h) noexcept {
  const float f = static_cast<float>(h);
  if (std::isfinite(f)) {
    for (int digits = 1; digits <= 5; ++digits) {
      char tmp[kNumberTextMax];
      const char* end = std::to_chars(tmp, tmp + sizeof tmp, f, std::chars_format::scientific, digits - 1).ptr;
      double d = 0;
      std::from_chars(tmp, end, d);
      if (static_cast<f16>(d) == h) return put(buf, d);
    }
  }
  return put(buf, f);
}

// "(re+imj)", "(re-imj)"; each part as its float type prints it.
template <class R>
int put_complex(char* buf, std::complex<R> z) noexcept {
  int n = 0;
  buf[n++] = '(';
  n += static_cast<int>(std::to_chars(buf + n, buf + kNumberTextMax, z.real()).ptr - (buf + n));
  char* im = buf + n + 1;
  const int len = static_cast<int>(std::to_chars(im, buf + kNumberTextMax, z.imag()).ptr - im);
  if (im[0] == '-') {
    std::memmove(buf + n, im, static_cast<std::size_t>(len));
  } else {
    buf[n] = '+';
    ++n;
  }
  n += len;
  buf[n++] = 'j';
  buf[n++] = ')';
  return n;
}

}  // namespace

int format_number(int from, const char* p, char* buf) noexcept {
  switch (from) {
    case n_bool: return put_text(buf, load<bool>(p) ? "true" : "false");
    case n_int8: return put(buf, load<int8_t>(p));
    case n_int16: return put(buf, load<int16_t>(p));
    case n_int32: return put(buf, load<int32_t>(p));
    case n_int64: return put(buf, load<int64_t>(p));
    case n_uint8: return put(buf, load<uint8_t>(p));
    case n_uint16: return put(buf, load<uint16_t>(p));
    case n_uint32: return put(buf, load<uint32_t>(p));
    case n_uint64: return put(buf, load<uint64_t>(p));
    case n_float16: return put_half(buf, load<f16>(p));
    case n_float32: return put(buf, load<float>(p));
    case n_float64: return put(buf, load<double>(p));
    case n_complex64: return put_complex(buf, load<c64>(p));
    case n_complex128: return put_complex(buf, load<c128>(p));
    default: return 0;
  }
}

namespace {

// Stores a malloc'ed copy of text[0, n) into the string slot at `out`.
bool store_copy(char* out, const char* text, int64_t n) noexcept {
  auto* s = static_cast<char*>(std::malloc(static_cast<std::size_t>(n) + 1));
  if (s == nullptr) return false;
  if (n > 0) std::memcpy(s, text, static_cast<std::size_t>(n));
  s[n] = '\0';
  store(out, StringRef{s, n});
  return true;
}

template <int From>
int format_loop_t(char** args, const int64_t* dimensions, const int64_t* steps,
                  LoopContext* context) noexcept {
  const int64_t n = dimensions[0];
  const char* in = args[0];
  char* out = args[1];
  char buf[kNumberTextMax];
  for (int64_t i = 0; i < n; ++i) {
    const int len = format_number(From, in + i * steps[0], buf);
    if (!store_copy(out + i * steps[1], buf, len)) {
      if (context != nullptr) context->error_index = i;
      return loop_invalid;
    }
  }
  return loop_ok;
}

int copy_strings(char** args, const int64_t* dimensions, const int64_t* steps,
                 LoopContext* context) noexcept {
  const int64_t n = dimensions[0];
  for (int64_t i = 0; i < n; ++i) {
    const auto s = load<StringRef>(args[0] + i * steps[0]);
    if (s.size < 0 || (s.size > 0 && s.data == nullptr) ||
        !store_copy(args[1] + i * steps[1], s.data, s.size)) {
      if (context != nullptr) context->error_index = i;
      return loop_invalid;
    }
  }
  return loop_ok;
}

template <std::size_t... I>
constexpr std::array<StridedLoop, sizeof...(I)> format_table(std::index_sequence<I...>) {
  return {&format_loop_t<static_cast<int>(I)>...};
}
constexpr auto kFormat = format_table(std::make_index_sequence<n_count>());

// 'text' with \\, \', \n, \r, \t and other control bytes escaped (\xHH).
void quote(std::string& out, const StringRef& s) {
  out += '\'';
  for (int64_t i = 0; i < s.size; ++i) {
    const auto c = static_cast<unsigned char>(s.data[i]);
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          constexpr char kHex[] = "0123456789abcdef";
          out += "\\x";
          out += kHex[c >> 4];
          out += kHex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '\'';
}

}  // namespace

StridedLoop format_loop(int from) noexcept {
  return from >= 0 && from < n_count ? kFormat[static_cast<std::size_t>(from)] : nullptr;
}
StridedLoop string_copy_loop() noexcept { return copy_strings; }

}  // namespace cast_detail

using namespace cast_detail;

std::string format_scalar(const ndt::Type& dtype, const char* element) {
  if (!dtype) return "<no type>";
  if (const int i = numeric_index(dtype); i >= 0) {
    char buf[kNumberTextMax];
    return std::string(buf, static_cast<std::size_t>(format_number(i, element, buf)));
  }
  switch (dtype.kind()) {
    case ndt::Kind::String:
    case ndt::Kind::Json: {
      const auto s = load<StringRef>(element);
      if (s.size < 0 || (s.size > 0 && s.data == nullptr)) return "<invalid string>";
      std::string out;
      quote(out, s);
      return out;
    }
    case ndt::Kind::Option: {
      const ndt::Type& t = dtype.child();
      return element[t.size()] != 0 ? format_scalar(t, element) : std::string("NA");
    }
    case ndt::Kind::Nominal:
    case ndt::Kind::Constructor:
      return format_scalar(dtype.child(), element);
    default:
      return fmt::format("<{} value>", dtype.str());
  }
}

void release_strings(char* data, int64_t count, int64_t stride) noexcept {
  for (int64_t i = 0; i < count; ++i) {
    char* slot = data + i * stride;
    std::free(const_cast<char*>(load<StringRef>(slot).data));
    store(slot, StringRef{nullptr, 0});
  }
}

}  // namespace pluribus::gfunc
