// Internal to print.cpp: reading elements for printing, and NumPy's float formatting
// (shortest digits per float width, positional or scientific text, the common format
// fitted over the printed elements).
#pragma once

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>

#include "ndt/type.hpp"

namespace pluribus::nd::print_detail {

template <class T>
inline T load(const char* p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The layout of string, bytes, json and var dim elements.
struct Slot {
  const char* data;
  int64_t size;
};

inline const ndt::Type& unwrap(const ndt::Type& t) {
  const ndt::Type* p = &t;
  while (p->kind() == ndt::Kind::Nominal || p->kind() == ndt::Kind::Constructor) p = &p->child();
  return *p;
}

// Python's len(): the printed width of UTF-8 text in code points.
inline int64_t text_width(std::string_view s) noexcept {
  int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

inline void pad_left(std::string& out, std::string_view text, int64_t width) {
  const int64_t w = text_width(text);
  if (w < width) out.append(static_cast<std::size_t>(width - w), ' ');
  out += text;
}

// ----- floats ---------------------------------------------------------------------------
enum class FloatKind { f16, bf16, f32, f64 };

inline float round_to_bfloat16(double d) noexcept {
  float f = static_cast<float>(d);
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  if ((bits & 0x7f800000u) != 0x7f800000u) bits += 0x7fffu + ((bits >> 16) & 1u);
  bits &= 0xffff0000u;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}

// Decimal digits d1 d2 ... (no leading zero except for 0 itself) with
// value = d1.d2... * 10^exponent.
struct Digits {
  std::string digits;
  int exponent = 0;
};

// Reads "d.ddde+XX" / "de-XX" as std::to_chars and fmt write it.
inline Digits read_scientific(const char* first, const char* last) {
  Digits d;
  const char* p = first;
  for (; p != last && *p != 'e'; ++p)
    if (*p != '.') d.digits += *p;
  if (p != last) ++p;
  if (p != last && *p == '+') ++p;
  std::from_chars(p, last, d.exponent);
  return d;
}

// The fewest digits that read back as `v` (finite, >= 0) in its own float type: NumPy's
// unique Dragon4 digits.
inline Digits shortest(double v, FloatKind kind) {
  char buf[64];
  switch (kind) {
    case FloatKind::f64: {
      auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
      return read_scientific(buf, r.ptr);
    }
    case FloatKind::f32: {
      auto r = std::to_chars(buf, buf + sizeof buf, static_cast<float>(v),
                             std::chars_format::scientific);
      return read_scientific(buf, r.ptr);
    }
    case FloatKind::f16:
    case FloatKind::bf16:
      break;
  }
  for (int p = 0; p < 17; ++p) {
    auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific, p);
    double back = 0;
    std::from_chars(buf, r.ptr, back);
    const double rounded = kind == FloatKind::f16 ? static_cast<double>(static_cast<_Float16>(back))
                                                  : static_cast<double>(round_to_bfloat16(back));
    if (rounded == v) return read_scientific(buf, r.ptr);
  }
  auto r = std::to_chars(buf, buf + sizeof buf, v, std::chars_format::scientific);
  return read_scientific(buf, r.ptr);
}

inline void trim_zeros(std::string& s, std::size_t keep) {
  while (s.size() > keep && s.back() == '0') s.pop_back();
}

// One finite value's text before padding: sign and integer digits, fraction digits, and
// the exponent in scientific notation.
struct FloatText {
  std::string integer;
  std::string fraction;
  int exponent = 0;
};

// NumPy's dragon4_positional(x, precision, unique=True, fractional=True, trim='.').
inline FloatText positional(double v, FloatKind kind, int precision, bool plus) {
  FloatText t;
  t.integer = std::signbit(v) ? "-" : plus ? "+" : "";
  const double a = std::fabs(v);
  const Digits d = shortest(a, kind);
  const int ndigits = static_cast<int>(d.digits.size());
  if (std::max(0, ndigits - 1 - d.exponent) > precision) {
    // More digits than allowed: the exact value rounded (half to even) to `precision`.
    const std::string s = fmt::format("{:.{}f}", a, precision);
    const auto dot = s.find('.');
    t.integer += s.substr(0, dot);
    if (dot != std::string::npos) t.fraction = s.substr(dot + 1);
    trim_zeros(t.fraction, 0);
  } else if (d.exponent >= 0) {
    const int nint = d.exponent + 1;
    t.integer += d.digits.substr(0, static_cast<std::size_t>(std::min(nint, ndigits)));
    if (nint > ndigits) t.integer.append(static_cast<std::size_t>(nint - ndigits), '0');
    if (ndigits > nint) t.fraction = d.digits.substr(static_cast<std::size_t>(nint));
  } else {
    t.integer += '0';
    t.fraction.assign(static_cast<std::size_t>(-d.exponent - 1), '0');
    t.fraction += d.digits;
  }
  return t;
}

// NumPy's dragon4_scientific(x, precision, unique=True, trim='.').
inline FloatText scientific(double v, FloatKind kind, int precision, bool plus) {
  FloatText t;
  t.integer = std::signbit(v) ? "-" : plus ? "+" : "";
  const double a = std::fabs(v);
  Digits d = shortest(a, kind);
  if (static_cast<int>(d.digits.size()) - 1 > precision) {
    const std::string s = fmt::format("{:.{}e}", a, precision);
    d = read_scientific(s.data(), s.data() + s.size());
    trim_zeros(d.digits, 1);
  }
  t.integer += d.digits[0];
  t.fraction = d.digits.substr(1);
  t.exponent = d.exponent;
  return t;
}

inline int exponent_digits(int exponent) {
  return std::max(2, static_cast<int>(std::to_string(std::abs(exponent)).size()));
}

// NumPy's FloatingFormat (floatmode 'maxprec', suppress=False): fitted over the printed
// values, then every value is written with the same padding and digit count.
class FloatFormat {
 public:
  void add(double v) { values_.push_back(v); }
  void add_missing() noexcept { missing_ = true; }

  void fit(FloatKind kind, int precision, bool plus) {
    kind_ = kind;
    precision_ = precision;
    plus_ = plus;
    double max_value = 0, min_value = std::numeric_limits<double>::infinity();
    bool any_finite = false, any_nonfinite = false, negative_inf = false;
    for (double v : values_) {
      if (!std::isfinite(v)) {
        any_nonfinite = true;
        negative_inf |= std::isinf(v) && v < 0;
        continue;
      }
      any_finite = true;
      if (v != 0) {
        max_value = std::max(max_value, std::fabs(v));
        min_value = std::min(min_value, std::fabs(v));
      }
    }
    if (max_value > 0)
      exp_format_ = max_value >= 1e8 || min_value < 1e-4 || max_value / min_value > 1000.;
    if (!any_finite) {
      pad_left_ = pad_right_ = 0;
    } else if (exp_format_) {
      int digits = 0;
      for (double v : values_) {
        if (!std::isfinite(v)) continue;
        const FloatText t = scientific(v, kind_, precision_, plus_);
        digits = std::max(digits, static_cast<int>(t.fraction.size()));
        pad_left_ = std::max(pad_left_, static_cast<int64_t>(t.integer.size()));
        exp_size_ = std::max(exp_size_, exponent_digits(t.exponent));
      }
      precision_ = digits;
      pad_right_ = exp_size_ + 2 + precision_;
    } else {
      for (double v : values_) {
        if (!std::isfinite(v)) continue;
        const FloatText t = positional(v, kind_, precision_, plus_);
        pad_left_ = std::max(pad_left_, static_cast<int64_t>(t.integer.size()));
        pad_right_ = std::max(pad_right_, static_cast<int64_t>(t.fraction.size()));
      }
    }
    const int64_t offset = pad_right_ + 1;
    if (any_nonfinite) {
      const int64_t inf_length = 3 + ((plus_ || negative_inf) ? 1 : 0);
      pad_left_ = std::max({pad_left_, 3 - offset, inf_length - offset});
    }
    if (missing_) pad_left_ = std::max(pad_left_, 2 - offset);
    values_.clear();
    values_.shrink_to_fit();
  }

  int64_t width() const noexcept { return pad_left_ + pad_right_ + 1; }

  void write(std::string& out, double v) const {
    if (!std::isfinite(v)) {
      const char* text = std::isnan(v) ? (plus_ ? "+nan" : "nan")
                         : v < 0       ? "-inf"
                         : plus_       ? "+inf"
                                       : "inf";
      pad_left(out, text, width());
      return;
    }
    if (exp_format_) {
      FloatText t = scientific(v, kind_, precision_, plus_);
      if (static_cast<int>(t.fraction.size()) < precision_) {
        // NumPy's min_digits: the digits past the shortest ones are the exact value's,
        // rounded (nonzero for float32/float16 values, whose exact expansions go on).
        const std::string s = fmt::format("{:.{}e}", std::fabs(v), precision_);
        const Digits d = read_scientific(s.data(), s.data() + s.size());
        t.integer.back() = d.digits[0];
        t.fraction = d.digits.substr(1);
        t.exponent = d.exponent;
      }
      pad_left(out, t.integer, pad_left_);
      out += '.';
      out += t.fraction;
      out += 'e';
      out += t.exponent < 0 ? '-' : '+';
      const std::string e = std::to_string(std::abs(t.exponent));
      if (static_cast<int>(e.size()) < exp_size_)
        out.append(static_cast<std::size_t>(exp_size_) - e.size(), '0');
      out += e;
    } else {
      FloatText t = positional(v, kind_, precision_, plus_);
      pad_left(out, t.integer, pad_left_);
      out += '.';
      out += t.fraction;
      if (static_cast<int64_t>(t.fraction.size()) < pad_right_)
        out.append(static_cast<std::size_t>(pad_right_) - t.fraction.size(), ' ');
    }
  }

 private:
  std::vector<double> values_;
  bool missing_ = false;
  FloatKind kind_ = FloatKind::f64;
  int precision_ = 8;
  bool plus_ = false;
  bool exp_format_ = false;
  int64_t pad_left_ = 0, pad_right_ = 0;
  int exp_size_ = -1;
};

// Python's repr() of a float (NumPy's str() of a float scalar): the shortest digits,
// positional with at least one fraction digit for 1e-4 <= |v| < 1e16, else scientific.
inline std::string python_float(double v, FloatKind kind) {
  if (std::isnan(v)) return "nan";
  if (std::isinf(v)) return v < 0 ? "-inf" : "inf";
  const Digits d = shortest(std::fabs(v), kind);
  std::string out = std::signbit(v) ? "-" : "";
  if (v == 0 || (d.exponent >= -4 && d.exponent < 16)) {
    FloatText t = positional(v, kind, 400, false);
    out = t.integer + "." + (t.fraction.empty() ? "0" : t.fraction);
    return out;
  }
  out += d.digits[0];
  if (d.digits.size() > 1) out += "." + d.digits.substr(1);
  return out + fmt::format("e{}{:02d}", d.exponent < 0 ? '-' : '+', std::abs(d.exponent));
}

inline FloatKind float_kind(ndt::Kind k) noexcept {
  switch (k) {
    case ndt::Kind::Float16:
      return FloatKind::f16;
    case ndt::Kind::BFloat16:
      return FloatKind::bf16;
    case ndt::Kind::Float32:
    case ndt::Kind::Complex64:
      return FloatKind::f32;
    default:
      return FloatKind::f64;
  }
}

inline double load_float(ndt::Kind k, const char* p) noexcept {
  switch (k) {
    case ndt::Kind::Float16:
      return static_cast<double>(load<_Float16>(p));
    case ndt::Kind::BFloat16: {
      const uint32_t bits = static_cast<uint32_t>(load<uint16_t>(p)) << 16;
      float f;
      std::memcpy(&f, &bits, sizeof f);
      return f;
    }
    case ndt::Kind::Float32:
    case ndt::Kind::Complex64:
      return load<float>(p);
    default:
      return load<double>(p);
  }
}

}  // namespace pluribus::nd::print_detail
