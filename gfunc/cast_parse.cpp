// string -> number cast loops: the text of a number (what cast_format.cpp writes, and
// the usual spellings) parsed with std::from_chars, no locale and no allocation.
//
//   integers  optional sign, decimal digits: "12", "-7", "+3" (a value outside the target
//             is loop_overflow whatever the checks: no wrapped value is meaningful)
//   bool      "true"/"false" ("True"/"False"), or an integer as NumPy does (0 false,
//             other true; not 0 or 1 is loop_overflow under cast_overflow)
//   floats    from_chars' general syntax plus a leading '+': "1.5", "-1e-3", ".5", "inf",
//             "-Infinity", "nan"; float32 parses directly (correctly rounded), float16
//             through float64. A finite decimal that becomes +-inf is loop_overflow under
//             cast_overflow, a nonzero one that becomes 0 is loop_inexact under
//             cast_inexact; ordinary rounding to nearest is the meaning of the text.
//   complex   "1+2j", "(1-2.5e3j)", "2j", "-j", "1", "nan+infj" (j or J; parentheses and
//             whitespace around optional)
// ASCII whitespace around the whole text is ignored; anything else is loop_invalid.
#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <limits>
#include <string_view>
#include <utility>

#include "gfunc/cast.hpp"
#include "gfunc/cast_internal.hpp"

namespace pluribus::gfunc::cast_detail {
namespace {

constexpr bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view trim(std::string_view s) noexcept {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

// Drops one leading '+' (from_chars takes only '-'); "+-1" and "+" stay invalid.
std::string_view drop_plus(std::string_view s) noexcept {
  if (s.size() > 1 && s[0] == '+' && s[1] != '-' && s[1] != '+') s.remove_prefix(1);
  return s;
}

// An integer of type I (one of the integer types) from its decimal text.
template <class I>
int parse_int(std::string_view s, I& out) noexcept {
  s = drop_plus(trim(s));
  if (s.empty()) return loop_invalid;
  const bool negative = s[0] == '-';
  // Parse in the widest type of the text's sign, so "-1" -> uint8 is an overflow, not junk.
  if (negative) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
    if (p != s.data() + s.size() || ec == std::errc::invalid_argument) return loop_invalid;
    if (ec == std::errc::result_out_of_range || !std::in_range<I>(v)) return loop_overflow;
    out = static_cast<I>(v);
  } else {
    uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, 10);
    if (p != s.data() + s.size() || ec == std::errc::invalid_argument) return loop_invalid;
    if (ec == std::errc::result_out_of_range || !std::in_range<I>(v)) return loop_overflow;
    out = static_cast<I>(v);
  }
  return loop_ok;
}

int parse_bool(std::string_view s, bool& out, uint32_t checks) noexcept {
  s = trim(s);
  if (s == "true" || s == "True") {
    out = true;
    return loop_ok;
  }
  if (s == "false" || s == "False") {
    out = false;
    return loop_ok;
  }
  int64_t v = 0;
  if (int st = parse_int(s, v)) {
    if (st == loop_overflow && (checks & cast_overflow) == 0) {
      out = true;  // a huge integer is nonzero
      return loop_ok;
    }
    return st;
  }
  if ((checks & cast_overflow) && v != 0 && v != 1) return loop_overflow;
  out = v != 0;
  return loop_ok;
}

// The sign of a decimal number that from_chars found out of range, and whether its
// magnitude is at least 1 (an overflow) rather than below (an underflow to zero). The
// text is already known to be a well-formed finite decimal.
std::pair<bool, bool> out_of_range_kind(std::string_view s) noexcept {
  const bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  int64_t int_digits = 0, first_nonzero = -1, index = 0;
  bool in_fraction = false;
  std::size_t i = 0;
  for (; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '.') {
      in_fraction = true;
    } else if (c >= '0' && c <= '9') {
      if (first_nonzero < 0 && c != '0') first_nonzero = index;
      if (!in_fraction) ++int_digits;
      ++index;
    } else {
      break;  // 'e' or 'E'
    }
  }
  int64_t exponent = 0;
  if (i < s.size()) {
    ++i;
    bool exp_negative = false;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) exp_negative = s[i++] == '-';
    for (; i < s.size(); ++i) exponent = std::min<int64_t>(exponent * 10 + (s[i] - '0'), 1'000'000'000);
    if (exp_negative) exponent = -exponent;
  }
  // The first nonzero digit stands for 10^(int_digits - 1 - first_nonzero + exponent).
  const bool big = first_nonzero >= 0 && int_digits - 1 - first_nonzero + exponent >= 0;
  return {negative, big};
}

// A float of type P (float or double) from text, with the overflow/underflow checks.
template <class P>
int parse_real(std::string_view s, P& out, uint32_t checks) noexcept {
  s = drop_plus(trim(s));
  if (s.empty()) return loop_invalid;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (p != s.data() + s.size() || ec == std::errc::invalid_argument) return loop_invalid;
  if (ec == std::errc::result_out_of_range) {
    const auto [negative, big] = out_of_range_kind(s);
    if (big && (checks & cast_overflow)) return loop_overflow;
    if (!big && (checks & cast_inexact)) return loop_inexact;
    out = big ? std::numeric_limits<P>::infinity() : P(0);
    if (negative) out = -out;
  }
  return loop_ok;
}

// float16: parsed as float64, then rounded (float64 overflow/underflow already checked).
int parse_half(std::string_view s, f16& out, uint32_t checks) noexcept {
  double d = 0;
  if (int st = parse_real(s, d, checks)) return st;
  out = static_cast<f16>(d);
  const float back = static_cast<float>(out);
  if ((checks & cast_overflow) && std::isinf(back) && !std::isinf(d)) return loop_overflow;
  if ((checks & cast_inexact) && back == 0 && d != 0) return loop_inexact;
  return loop_ok;
}

template <class R>
int parse_complex(std::string_view s, std::complex<R>& out, uint32_t checks) noexcept {
  s = trim(s);
  if (s.size() >= 2 && s.front() == '(' && s.back() == ')') s = trim(s.substr(1, s.size() - 2));
  if (s.empty()) return loop_invalid;
  R re = 0, im = 0;
  if (s.back() == 'j' || s.back() == 'J') {
    std::string_view body = s.substr(0, s.size() - 1);
    // The imaginary part starts at the last sign that is not an exponent's.
    std::size_t split = 0;
    for (std::size_t k = body.size(); k-- > 1;) {
      if ((body[k] == '+' || body[k] == '-') && body[k - 1] != 'e' && body[k - 1] != 'E') {
        split = k;
        break;
      }
    }
    std::string_view imag = body.substr(split);
    if (split > 0) {
      if (is_space(body[split - 1])) return loop_invalid;  // "1 +2j"
      if (int st = parse_real(body.substr(0, split), re, checks)) return st;
    }
    if (imag.empty() || imag == "+" || imag == "-") {
      im = imag == "-" ? R(-1) : R(1);
    } else if (is_space(imag.front()) || (imag.size() > 1 && is_space(imag[1]))) {
      return loop_invalid;  // "1+ 2j"
    } else if (int st = parse_real(imag, im, checks)) {
      return st;
    }
  } else if (int st = parse_real(s, re, checks)) {
    return st;
  }
  out = std::complex<R>(re, im);
  return loop_ok;
}

template <class T>
int parse_value(std::string_view s, T& out, uint32_t checks) noexcept {
  if constexpr (std::is_same_v<T, bool>) return parse_bool(s, out, checks);
  else if constexpr (std::is_integral_v<T>) return parse_int(s, out);
  else if constexpr (std::is_same_v<T, f16>) return parse_half(s, out, checks);
  else if constexpr (std::is_same_v<T, float> || std::is_same_v<T, double>) return parse_real(s, out, checks);
  else return parse_complex(s, out, checks);
}

template <class T>
int parse_loop_t(char** args, const int64_t* dimensions, const int64_t* steps,
                 LoopContext* context) noexcept {
  const uint32_t checks = checks_of(context);
  const int64_t n = dimensions[0];
  for (int64_t i = 0; i < n; ++i) {
    const auto text = load<StringRef>(args[0] + i * steps[0]);
    T value{};
    int st = loop_invalid;
    if (text.size >= 0 && (text.size == 0 || text.data != nullptr))
      st = parse_value(std::string_view(text.data, static_cast<std::size_t>(text.size)), value, checks);
    if (st != loop_ok) {
      if (context != nullptr) context->error_index = i;
      return st;
    }
    store<T>(args[1] + i * steps[1], value);
  }
  return loop_ok;
}

constexpr std::array<StridedLoop, n_count> kParse = {
    parse_loop_t<bool>,     parse_loop_t<int8_t>,   parse_loop_t<int16_t>,  parse_loop_t<int32_t>,
    parse_loop_t<int64_t>,  parse_loop_t<uint8_t>,  parse_loop_t<uint16_t>, parse_loop_t<uint32_t>,
    parse_loop_t<uint64_t>, parse_loop_t<f16>,      parse_loop_t<float>,    parse_loop_t<double>,
    parse_loop_t<c64>,      parse_loop_t<c128>,
};

}  // namespace

StridedLoop parse_loop(int to) noexcept {
  return to >= 0 && to < n_count ? kParse[static_cast<std::size_t>(to)] : nullptr;
}

}  // namespace pluribus::gfunc::cast_detail
