// NumPy-style printing of nd::Array (print.hpp). Two passes: an element format is fitted
// over every element that will be printed (NumPy's FloatingFormat, IntegerFormat, ...),
// then NumPy's _formatArray lays the elements out in nested, wrapped brackets.
#include "container/print.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <ostream>
#include <vector>

#include "gfunc/cast.hpp"

namespace pluribus::nd {
namespace {

template <class T>
T load(const char* p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// The layout of string, bytes, json and var dim elements.
struct Slot {
  const char* data;
  int64_t size;
};

const ndt::Type& unwrap(const ndt::Type& t) {
  const ndt::Type* p = &t;
  while (p->kind() == ndt::Kind::Nominal || p->kind() == ndt::Kind::Constructor) p = &p->child();
  return *p;
}

// Python's len(): the printed width of UTF-8 text in code points.
int64_t text_width(std::string_view s) noexcept {
  int64_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

void pad_left(std::string& out, std::string_view text, int64_t width) {
  const int64_t w = text_width(text);
  if (w < width) out.append(static_cast<std::size_t>(width - w), ' ');
  out += text;
}

// ----- floats ---------------------------------------------------------------------------
enum class FloatKind { f16, bf16, f32, f64 };

float round_to_bfloat16(double d) noexcept {
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
Digits read_scientific(const char* first, const char* last) {
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
Digits shortest(double v, FloatKind kind) {
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

void trim_zeros(std::string& s, std::size_t keep) {
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
FloatText positional(double v, FloatKind kind, int precision, bool plus) {
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
FloatText scientific(double v, FloatKind kind, int precision, bool plus) {
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

int exponent_digits(int exponent) {
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
std::string python_float(double v, FloatKind kind) {
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

FloatKind float_kind(ndt::Kind k) noexcept {
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

double load_float(ndt::Kind k, const char* p) noexcept {
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

// ----- other element texts ------------------------------------------------------------
// Python's bytes repr: b'ab\x00'.
std::string bytes_text(const char* element) {
  const Slot s = load<Slot>(element);
  if (s.size < 0 || (s.size > 0 && s.data == nullptr)) return "<invalid bytes>";
  std::string out = "b'";
  for (int64_t i = 0; i < s.size; ++i) {
    const auto c = static_cast<unsigned char>(s.data[i]);
    switch (c) {
      case '\\':
        out += "\\\\";
        break;
      case '\'':
        out += "\\'";
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
        if (c < 0x20 || c >= 0x7f)
          out += fmt::format("\\x{:02x}", c);
        else
          out += static_cast<char>(c);
    }
  }
  return out + "'";
}

// NumPy's datetime64[D] element: '2020-01-31' (days since 1970-01-01, proleptic Gregorian).
std::string date_text(int32_t days) {
  // Howard Hinnant's civil_from_days.
  const int64_t z = static_cast<int64_t>(days) + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t day = doy - (153 * mp + 2) / 5 + 1;
  const int64_t month = mp < 10 ? mp + 3 : mp - 9;
  const int64_t year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return fmt::format("'{:04d}-{:02d}-{:02d}'", year, month, day);
}

// 128-bit integers: a GNU extension (__extension__ keeps -Wpedantic quiet).
__extension__ using uint128 = unsigned __int128;
__extension__ using int128 = __int128;

std::string int128_text(uint128 magnitude, bool negative) {
  char buf[48];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + static_cast<int>(magnitude % 10));
    magnitude /= 10;
  } while (magnitude != 0);
  std::string out = negative ? "-" : "";
  while (n > 0) out += buf[--n];
  return out;
}

// ----- the nesting ---------------------------------------------------------------------
// Where the elements of each level of nesting are: the array's fixed dims (arrmeta), then
// the fixed and var dims at the top of the dtype.
class Layout {
 public:
  explicit Layout(const Array& a) : array_(a) {
    ndt::Type t = a.dtype();
    for (;;) {
      const ndt::Type& u = unwrap(t);
      if (u.kind() != ndt::Kind::FixedDim && u.kind() != ndt::Kind::VarDim) {
        leaf_ = u;
        break;
      }
      dims_.push_back(u);
      t = u.child();
    }
    levels_ = a.ndim() + static_cast<int>(dims_.size());
  }
  int levels() const noexcept { return levels_; }
  const ndt::Type& leaf() const noexcept { return leaf_; }
  bool is_var(int level) const {
    return level >= array_.ndim() &&
           dims_[static_cast<std::size_t>(level - array_.ndim())].kind() == ndt::Kind::VarDim;
  }

  int64_t extent(int level, const char* p) const {
    if (level < array_.ndim()) return array_.shape()[static_cast<std::size_t>(level)];
    const ndt::Type& t = dims_[static_cast<std::size_t>(level - array_.ndim())];
    return t.kind() == ndt::Kind::FixedDim ? t.shape() : std::max<int64_t>(0, load<Slot>(p).size);
  }
  const char* element(int level, const char* p, int64_t i) const {
    if (level < array_.ndim()) return p + i * array_.strides()[static_cast<std::size_t>(level)];
    const ndt::Type& t = dims_[static_cast<std::size_t>(level - array_.ndim())];
    if (t.kind() == ndt::Kind::FixedDim) return p + i * t.stride();
    return load<Slot>(p).data + i * t.child().size();
  }

  // The number of leaf elements below `p` at `level`, or a number > limit once it exceeds
  // `limit`.
  int64_t count(int level, const char* p, int64_t limit) const {
    if (level == levels_) return 1;
    const int64_t n = extent(level, p);
    if (n == 0) return 0;
    bool var_below = false;
    for (int l = level + 1; l < levels_; ++l) var_below |= is_var(l);
    if (!var_below) {
      int64_t total = 0;
      if (__builtin_mul_overflow(n, count(level + 1, element(level, p, 0), limit), &total))
        return std::numeric_limits<int64_t>::max();
      return total;
    }
    int64_t total = 0;
    for (int64_t i = 0; i < n && total <= limit; ++i)
      total += count(level + 1, element(level, p, i), limit - total);
    return total;
  }

 private:
  const Array& array_;
  std::vector<ndt::Type> dims_;
  ndt::Type leaf_;
  int levels_ = 0;
};

// The indices printed of a dim of extent n: all, or edgeitems at each end.
template <class F>
void for_printed(int64_t n, bool summarise, int64_t edge, F&& f) {
  if (summarise && n > 2 * edge) {
    for (int64_t i = 0; i < edge; ++i) f(i);
    for (int64_t i = n - edge; i < n; ++i) f(i);
  } else {
    for (int64_t i = 0; i < n; ++i) f(i);
  }
}

struct Context {
  bool summarise = false;
  int64_t edgeitems = 3;
  int precision = 8;
  bool pad_bools = true;  // " True": NumPy pads True except in a 0-dim array
};

// The format of one dtype, fitted over the elements that will be printed (collect each,
// then fit), mirroring the dtype: options, fields and inline dims have their own formats.
class Format {
 public:
  enum class Category {
    Bool,
    Signed,
    Unsigned,
    Wide,
    Float,
    Complex,
    String,
    Bytes,
    Date,
    Option,
    Record,
    Tuple,
    Dim,
    Var,
    Other
  };

  Format(const ndt::Type& dtype, const Context& context)
      : type_(unwrap(dtype)), context_(&context) {
    using K = ndt::Kind;
    switch (type_.kind()) {
      case K::Bool:
        category_ = Category::Bool;
        break;
      case K::Int8:
      case K::Int16:
      case K::Int32:
      case K::Int64:
        category_ = Category::Signed;
        break;
      case K::UInt8:
      case K::UInt16:
      case K::UInt32:
      case K::UInt64:
        category_ = Category::Unsigned;
        break;
      case K::Int128:
      case K::UInt128:
        category_ = Category::Wide;
        break;
      case K::Float16:
      case K::BFloat16:
      case K::Float32:
      case K::Float64:
        category_ = Category::Float;
        break;
      case K::Complex64:
      case K::Complex128:
        category_ = Category::Complex;
        break;
      case K::String:
      case K::Json:
        category_ = Category::String;
        break;
      case K::Bytes:
        category_ = Category::Bytes;
        break;
      case K::Date:
        category_ = Category::Date;
        break;
      case K::Option:
        category_ = Category::Option;
        break;
      case K::Record:
        category_ = Category::Record;
        break;
      case K::Tuple:
        category_ = Category::Tuple;
        break;
      case K::FixedDim:
        category_ = Category::Dim;
        break;
      case K::VarDim:
        category_ = Category::Var;
        break;
      default:
        category_ = Category::Other;
        break;
    }
    if (category_ == Category::Option || category_ == Category::Dim || category_ == Category::Var) {
      children_.emplace_back(type_.child(), context);
    } else if (category_ == Category::Record || category_ == Category::Tuple) {
      for (const auto& field : type_.fields()) children_.emplace_back(field.type, context);
    }
  }

  // Pass 1: one element that will be printed.
  void collect(const char* p) {
    switch (category_) {
      case Category::Signed:
        width_ = std::max(width_, static_cast<int64_t>(fmt::formatted_size("{}", load_signed(p))));
        break;
      case Category::Unsigned:
        width_ =
            std::max(width_, static_cast<int64_t>(fmt::formatted_size("{}", load_unsigned(p))));
        break;
      case Category::Wide:
        width_ = std::max(width_, static_cast<int64_t>(wide_text(p).size()));
        break;
      case Category::Float:
        real_.add(load_float(type_.kind(), p));
        break;
      case Category::Complex: {
        const int64_t half = type_.size() / 2;
        real_.add(load_float(type_.kind(), p));
        imag_.add(load_float(type_.kind(), p + half));
        break;
      }
      case Category::Option:
        if (present(p))
          children_[0].collect(p);
        else
          children_[0].collect_missing();
        break;
      case Category::Record:
      case Category::Tuple: {
        const auto fields = type_.fields();
        for (std::size_t i = 0; i < fields.size(); ++i) children_[i].collect(p + fields[i].offset);
        break;
      }
      case Category::Dim:
      case Category::Var: {
        const int64_t n = inline_extent(p);
        for_printed(n, context_->summarise, context_->edgeitems,
                    [&](int64_t i) { children_[0].collect(inline_element(p, i)); });
        break;
      }
      default:
        break;
    }
  }

  // Pass 1: an enclosing ?T is missing here (NA must fit the width).
  void collect_missing() {
    real_.add_missing();
    if (category_ == Category::Signed || category_ == Category::Unsigned ||
        category_ == Category::Wide)
      width_ = std::max<int64_t>(width_, 2);
  }

  void fit() {
    if (category_ == Category::Float)
      real_.fit(float_kind(type_.kind()), context_->precision, false);
    if (category_ == Category::Complex) {
      real_.fit(float_kind(type_.kind()), context_->precision, false);
      imag_.fit(float_kind(type_.kind()), context_->precision, true);
    }
    for (auto& child : children_) child.fit();
  }

  // The width NA is aligned to (0: not aligned).
  int64_t missing_width() const {
    switch (category_) {
      case Category::Bool:
        return context_->pad_bools ? 5 : 0;
      case Category::Signed:
      case Category::Unsigned:
      case Category::Wide:
        return width_;
      case Category::Float:
        return real_.width();
      case Category::Complex:
        return real_.width() + imag_.width() + 1;
      default:
        return 0;
    }
  }

  // Pass 2.
  void write(std::string& out, const char* p) const {
    switch (category_) {
      case Category::Bool:
        out += p[0] != 0 ? (context_->pad_bools ? " True" : "True") : "False";
        break;
      case Category::Signed:
        out += fmt::format("{:>{}}", load_signed(p), width_);
        break;
      case Category::Unsigned:
        out += fmt::format("{:>{}}", load_unsigned(p), width_);
        break;
      case Category::Wide:
        pad_left(out, wide_text(p), width_);
        break;
      case Category::Float:
        real_.write(out, load_float(type_.kind(), p));
        break;
      case Category::Complex: {
        // NumPy: the real part, then the imaginary part with 'j' before its padding.
        real_.write(out, load_float(type_.kind(), p));
        std::string imag;
        imag_.write(imag, load_float(type_.kind(), p + type_.size() / 2));
        const auto end = imag.find_last_not_of(' ') + 1;
        out.append(imag, 0, end);
        out += 'j';
        out.append(imag, end, std::string::npos);
        break;
      }
      case Category::String:
        out += gfunc::format_scalar(type_, p);
        break;
      case Category::Bytes:
        out += bytes_text(p);
        break;
      case Category::Date:
        out += date_text(load<int32_t>(p));
        break;
      case Category::Option:
        if (present(p))
          children_[0].write(out, p);
        else
          pad_left(out, "NA", children_[0].missing_width());
        break;
      case Category::Record:
      case Category::Tuple: {
        const auto fields = type_.fields();
        const bool record = category_ == Category::Record;
        out += record ? '{' : '(';
        for (std::size_t i = 0; i < fields.size(); ++i) {
          if (i > 0) out += ", ";
          if (record) {
            out += fields[i].name;
            out += ": ";
          }
          children_[i].write(out, p + fields[i].offset);
        }
        if (!record && fields.size() == 1) out += ',';
        out += record ? '}' : ')';
        break;
      }
      case Category::Dim:
      case Category::Var: {
        // NumPy's SubArrayFormat: one line, ", " between elements.
        const int64_t n = inline_extent(p);
        const bool summary = context_->summarise && n > 2 * context_->edgeitems;
        out += '[';
        for_printed(n, context_->summarise, context_->edgeitems, [&](int64_t i) {
          if (i > 0) out += ", ";
          if (summary && i == n - context_->edgeitems) out += "..., ";
          children_[0].write(out, inline_element(p, i));
        });
        out += ']';
        break;
      }
      case Category::Other:
        out += gfunc::format_scalar(type_, p);
        break;
    }
  }

  // NumPy's str() of a 0-dim array: the scalar's own str().
  std::string scalar_text(const char* p) const {
    switch (category_) {
      case Category::Bool:
        return p[0] != 0 ? "True" : "False";
      case Category::Float:
        return python_float(load_float(type_.kind(), p), float_kind(type_.kind()));
      case Category::Complex: {
        const FloatKind k = float_kind(type_.kind());
        const double re = load_float(type_.kind(), p),
                     im = load_float(type_.kind(), p + type_.size() / 2);
        auto part = [&](double v) {
          std::string s = python_float(v, k);
          if (s.size() > 2 && s.compare(s.size() - 2, 2, ".0") == 0) s.resize(s.size() - 2);
          return s;
        };
        std::string imag = part(im);
        if (re == 0 && !std::signbit(re)) return imag + "j";
        if (imag[0] != '-') imag = "+" + imag;
        return "(" + part(re) + imag + "j)";
      }
      case Category::String: {
        const Slot s = load<Slot>(p);
        if (s.size < 0 || (s.size > 0 && s.data == nullptr)) return "<invalid string>";
        return std::string(s.data, static_cast<std::size_t>(s.size));
      }
      case Category::Option:
        return present(p) ? children_[0].scalar_text(p) : std::string("NA");
      default: {
        std::string out;
        write(out, p);
        return out;
      }
    }
  }

 private:
  bool present(const char* p) const { return p[type_.child().size()] != 0; }
  int64_t inline_extent(const char* p) const {
    return category_ == Category::Dim ? type_.shape() : std::max<int64_t>(0, load<Slot>(p).size);
  }
  const char* inline_element(const char* p, int64_t i) const {
    return category_ == Category::Dim ? p + i * type_.stride()
                                      : load<Slot>(p).data + i * type_.child().size();
  }
  int64_t load_signed(const char* p) const {
    switch (type_.kind()) {
      case ndt::Kind::Int8:
        return load<int8_t>(p);
      case ndt::Kind::Int16:
        return load<int16_t>(p);
      case ndt::Kind::Int32:
        return load<int32_t>(p);
      default:
        return load<int64_t>(p);
    }
  }
  uint64_t load_unsigned(const char* p) const {
    switch (type_.kind()) {
      case ndt::Kind::UInt8:
        return load<uint8_t>(p);
      case ndt::Kind::UInt16:
        return load<uint16_t>(p);
      case ndt::Kind::UInt32:
        return load<uint32_t>(p);
      default:
        return load<uint64_t>(p);
    }
  }
  std::string wide_text(const char* p) const {
    const auto u = load<uint128>(p);
    if (type_.kind() == ndt::Kind::Int128 && static_cast<int128>(u) < 0)
      return int128_text(-u, true);
    return int128_text(u, false);
  }

  ndt::Type type_;
  const Context* context_;
  Category category_ = Category::Other;
  std::vector<Format> children_;
  FloatFormat real_, imag_;
  int64_t width_ = 0;
};

// ----- NumPy's _formatArray ------------------------------------------------------------
std::string_view rstrip(std::string_view s) {
  const auto end = s.find_last_not_of(' ');
  return end == std::string_view::npos ? std::string_view() : s.substr(0, end + 1);
}

class Printer {
 public:
  Printer(const Layout& layout, const Format& format, const Context& context, std::string separator)
      : layout_(layout), format_(format), context_(context), separator_(std::move(separator)) {}

  std::string print(int level, const char* p, const std::string& hanging, int64_t width) const {
    if (level == layout_.levels()) {
      std::string s;
      format_.write(s, p);
      return s;
    }
    const int64_t n = layout_.extent(level, p);
    if (n == 0) return "[]";
    const std::string next_hanging = hanging + ' ';
    const int64_t next_width = width - 1;
    const bool summary = context_.summarise && 2 * context_.edgeitems < n;
    const int64_t leading = summary ? context_.edgeitems : 0;
    const int64_t trailing = summary ? context_.edgeitems : n;
    auto item = [&](int64_t i) {
      return print(level + 1, layout_.element(level, p, i), next_hanging, next_width);
    };

    std::string s;
    const int axes_left = layout_.levels() - level;
    if (axes_left == 1) {
      const int64_t elem_width =
          width - std::max<int64_t>(static_cast<int64_t>(rstrip(separator_).size()), 1);
      std::string line = hanging;
      for (int64_t i = 0; i < leading; ++i) {
        extend(s, line, item(i), elem_width, hanging);
        line += separator_;
      }
      if (summary) {
        extend(s, line, "...", elem_width, hanging);
        line += separator_;
      }
      for (int64_t i = trailing; i > 1; --i) {
        extend(s, line, item(n - i), elem_width, hanging);
        line += separator_;
      }
      extend(s, line, item(n - 1), elem_width, hanging);
      s += line;
    } else {
      std::string line_sep(rstrip(separator_));
      line_sep.append(static_cast<std::size_t>(axes_left - 1), '\n');
      for (int64_t i = 0; i < leading; ++i) s += hanging + item(i) + line_sep;
      if (summary) s += hanging + "..." + line_sep;
      for (int64_t i = trailing; i > 1; --i) s += hanging + item(n - i) + line_sep;
      s += hanging + item(n - 1);
    }
    return "[" + s.substr(hanging.size()) + "]";
  }

 private:
  // NumPy's _extendLine: wrap before `word` when the line would pass `width`, unless the
  // line holds nothing but the indent.
  static void extend(std::string& s, std::string& line, const std::string& word, int64_t width,
                     const std::string& next_prefix) {
    const int64_t line_width = text_width(line);
    if (line_width + text_width(word) > width && line_width > text_width(next_prefix)) {
      s += rstrip(line);
      s += '\n';
      line = next_prefix;
    }
    line += word;
  }

  const Layout& layout_;
  const Format& format_;
  const Context& context_;
  std::string separator_;
};

// Fits the element format over what will be printed. An empty array prints "[]".
struct Fitted {
  Layout layout;
  Context context;
  Format format;
  bool empty;

  Fitted(const Array& a, const PrintOptions& options)
      : layout(a), format(layout.leaf(), context), empty(a.size() == 0) {
    context.edgeitems = std::max<int64_t>(options.edgeitems, 0);
    context.precision = std::max(options.precision, 0);
    context.pad_bools = layout.levels() > 0;
    if (empty) return;
    context.summarise = layout.count(0, a.data(), options.threshold) > options.threshold;
    collect(0, a.data());
    format.fit();
  }

  void collect(int level, const char* p) {
    if (level == layout.levels()) {
      format.collect(p);
      return;
    }
    for_printed(layout.extent(level, p), context.summarise, context.edgeitems,
                [&](int64_t i) { collect(level + 1, layout.element(level, p, i)); });
  }
};

}  // namespace

std::string repr(const Array& a, const PrintOptions& options) {
  if (!a) return "array(None)";
  const Fitted fitted(a, options);
  const std::string prefix = "array(";
  // NumPy's array_repr: the suffix "," comes off the line width; continuation lines are
  // indented past "array([".
  std::string out = prefix;
  if (fitted.empty) {
    out += "[]";
  } else {
    const Printer printer(fitted.layout, fitted.format, fitted.context, ", ");
    out += printer.print(0, a.data(), std::string(prefix.size() + 1, ' '), options.linewidth - 1);
  }
  out += ',';
  const std::string type_text = "type='" + a.type().str() + "')";
  const auto last_newline = out.rfind('\n');
  const int64_t last_line = text_width(last_newline == std::string::npos
                                           ? std::string_view(out)
                                           : std::string_view(out).substr(last_newline + 1));
  if (last_line + text_width(type_text) + 1 > options.linewidth) {
    out += '\n';
    out.append(prefix.size(), ' ');
  } else {
    out += ' ';
  }
  return out + type_text;
}

std::string to_string(const Array& a, const PrintOptions& options) {
  if (!a) return "None";
  const Fitted fitted(a, options);
  if (fitted.empty) return "[]";
  if (fitted.layout.levels() == 0) return fitted.format.scalar_text(a.data());
  const Printer printer(fitted.layout, fitted.format, fitted.context, " ");
  return printer.print(0, a.data(), " ", options.linewidth);
}

std::ostream& operator<<(std::ostream& os, const Array& a) { return os << repr(a); }

}  // namespace pluribus::nd
