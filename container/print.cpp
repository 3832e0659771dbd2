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

#include "container/print_float.hpp"
#include "gfunc/cast.hpp"

namespace pluribus::nd {
namespace {

using namespace print_detail;

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
