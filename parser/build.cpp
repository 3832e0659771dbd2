// Turns the parse tree of a datashape into types: names, constructor arguments, dims,
// records, tuples, signatures. Every rejection names its position in the input.
#include <algorithm>
#include <array>
#include <cstring>
#include <unordered_map>

#include <boost/container/small_vector.hpp>
#include <fmt/format.h>

#include "ndt/node.hpp"
#include "parser/ast.hpp"

namespace pluribus::ndt {

namespace parser {
namespace {

// Runs a constructor and turns its (unpositioned) error into a positioned parse error.
template <typename F>
Type at(const Source& src, std::size_t pos, F&& f) {
  try {
    return f();
  } catch (const ParseError&) {
    throw;
  } catch (const Error& e) {
    fail(src, pos, e.what());
  }
}

const std::unordered_map<std::string_view, Type>& builtin_names() {
  static const auto* table = new std::unordered_map<std::string_view, Type>{
      {"void", void_},
      {"bool", bool_},
      {"int8", int8},
      {"int16", int16},
      {"int32", int32},
      {"int64", int64},
      {"int128", primitive(Kind::Int128)},
      {"uint8", uint8},
      {"uint16", uint16},
      {"uint32", uint32},
      {"uint64", uint64},
      {"uint128", primitive(Kind::UInt128)},
      {"float16", float16},
      {"bfloat16", bfloat16},
      {"float32", float32},
      {"float64", float64},
      {"complex64", complex64},
      {"complex128", complex128},
      // Aliases of the Blaze and DyND dialects (64-bit platform).
      {"int", int32},
      {"real", float64},
      {"complex", complex128},
      {"intptr", int64},
      {"uintptr", uint64},
      {"size", uint64},
      {"size_t", uint64},
      {"string", string},
      {"bytes", bytes},
      {"char", make_char(Encoding::utf32)},
      {"json", primitive(Kind::Json)},
      {"date", make_date()},
      {"time", make_time()},
      {"datetime", make_datetime()},
      {"timedelta", make_timedelta()},
      {"type", primitive(Kind::TypeType)},
      // Kinds (the DyND spellings and the ndtypes `...Kind` spellings).
      {"Any", any},
      {"Scalar", primitive(Kind::Scalar)},
      {"ScalarKind", primitive(Kind::Scalar)},
      {"Int", primitive(Kind::Integer)},
      {"Signed", primitive(Kind::Signed)},
      {"SignedKind", primitive(Kind::Signed)},
      {"Unsigned", primitive(Kind::Unsigned)},
      {"UnsignedKind", primitive(Kind::Unsigned)},
      {"Float", primitive(Kind::Float)},
      {"FloatKind", primitive(Kind::Float)},
      {"Complex", primitive(Kind::Complex)},
      {"ComplexKind", primitive(Kind::Complex)},
      {"FixedString", primitive(Kind::FixedStringKind)},
      {"FixedStringKind", primitive(Kind::FixedStringKind)},
      {"FixedBytes", primitive(Kind::FixedBytesKind)},
      {"FixedBytesKind", primitive(Kind::FixedBytesKind)},
      // ndtypes' lower-case kind spellings.
      {"signed", primitive(Kind::Signed)},
      {"unsigned", primitive(Kind::Unsigned)},
      {"float", primitive(Kind::Float)},
  };
  return *table;
}

// The built-in names in an open-addressed table with a cheap hash: looking a name up is
// the most frequent step of parsing. A name of up to 16 bytes is exactly its length and
// two overlapping loads (its first and last 8, 4, 2 or 1 bytes), so the key compares as
// three integers.
class BuiltinTable {
 public:
  BuiltinTable() {
    for (const auto& [name, type] : builtin_names()) {
      const Key k = key(name);
      std::size_t i = slot(k);
      while (slots_[i].type) i = (i + 1) % kSlots;
      slots_[i] = {k, &type};
    }
  }
  const Type* find(std::string_view name) const {
    if (name.empty() || name.size() > kLongest) return nullptr;
    const Key k = key(name);
    for (std::size_t i = slot(k); slots_[i].type; i = (i + 1) % kSlots)
      if (slots_[i].key == k) return slots_[i].type;
    return nullptr;
  }

 private:
  static constexpr std::size_t kSlots = 256;  // a power of two, over four times the names
  static constexpr std::size_t kLongest = 16;
  struct Key {
    uint64_t first = 0, last = 0, size = 0;
    bool operator==(const Key&) const = default;
  };
  template <typename Word>
  static void load(Key& k, const char* p, std::size_t n) {
    Word a, b;
    std::memcpy(&a, p, sizeof(Word));
    std::memcpy(&b, p + n - sizeof(Word), sizeof(Word));
    k.first = a;
    k.last = b;
  }
  static Key key(std::string_view s) {  // 1 <= s.size() <= 16
    Key k;
    k.size = s.size();
    if (s.size() >= 8) load<uint64_t>(k, s.data(), s.size());
    else if (s.size() >= 4) load<uint32_t>(k, s.data(), s.size());
    else if (s.size() >= 2) load<uint16_t>(k, s.data(), s.size());
    else k.first = static_cast<unsigned char>(s[0]);
    return k;
  }
  static std::size_t slot(const Key& k) {
    const uint64_t h = (k.first * 0x9e3779b97f4a7c15ULL) ^ (k.last * 0xc4ceb9fe1a85ec53ULL) ^ k.size;
    return static_cast<std::size_t>((h ^ (h >> 29)) * 0xff51afd7ed558ccdULL >> 56) % kSlots;
  }
  struct Slot {
    Key key;
    const Type* type = nullptr;
  };
  std::array<Slot, kSlots> slots_{};
};

const Type* builtin_type(std::string_view name) {
  static const BuiltinTable table;
  return table.find(name);
}

bool is_upper(char c) { return c >= 'A' && c <= 'Z'; }

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<Encoding> encoding_from(std::string_view s) {
  static const std::pair<std::string_view, Encoding> kNames[] = {
      {"A", Encoding::ascii},       {"ascii", Encoding::ascii},  {"us-ascii", Encoding::ascii},
      {"U8", Encoding::utf8},       {"utf8", Encoding::utf8},    {"utf-8", Encoding::utf8},
      {"U16", Encoding::utf16},     {"utf16", Encoding::utf16},  {"utf-16", Encoding::utf16},
      {"U32", Encoding::utf32},     {"utf32", Encoding::utf32},  {"utf-32", Encoding::utf32},
      {"ucs2", Encoding::ucs2},     {"ucs-2", Encoding::ucs2},   {"ucs_2", Encoding::ucs2},
  };
  for (const auto& [name, enc] : kNames)
    if (name == s) return enc;
  return std::nullopt;
}

// ----- argument helpers ------------------------------------------------------------------

struct ArgReader {
  const Source& src;
  std::string_view ctor;
  const Args& args;
  std::size_t pos;

  [[noreturn]] void error(std::size_t at_pos, const std::string& msg) const {
    fail(src, at_pos, fmt::format("{}: {}", ctor, msg));
  }
  std::size_t positional() const {
    std::size_t n = 0;
    for (const auto& a : args.list) n += a.key.empty();
    return n;
  }
  const Arg* positional(std::size_t i) const {
    std::size_t n = 0;
    for (const auto& a : args.list)
      if (a.key.empty() && n++ == i) return &a;
    return nullptr;
  }
  // The argument given at position i or as key=..., but not both.
  const Arg* either(std::size_t i, std::string_view key) const {
    const Arg* p = positional(i);
    const Arg* k = keyword(key);
    if (p && k) error(k->pos, fmt::format("{} is given twice (by position and as {}=)", key, key));
    return p ? p : k;
  }
  const Arg* keyword(std::string_view key) const {
    for (const auto& a : args.list)
      if (a.key == key) return &a;
    return nullptr;
  }
  // Rejects keywords outside `allowed`, repeated keywords and positionals after keywords.
  void check(std::initializer_list<std::string_view> allowed, std::size_t max_positional) const {
    bool seen_keyword = false;
    for (std::size_t i = 0; i < args.list.size(); ++i) {
      const Arg& a = args.list[i];
      if (a.key.empty()) {
        if (seen_keyword) error(a.pos, "a positional argument cannot follow a keyword argument");
        continue;
      }
      seen_keyword = true;
      if (std::find(allowed.begin(), allowed.end(), a.key) == allowed.end())
        error(a.pos, fmt::format("unexpected keyword argument '{}'", a.key));
      for (std::size_t j = 0; j < i; ++j)
        if (args.list[j].key == a.key) error(a.pos, fmt::format("repeated argument '{}'", a.key));
    }
    if (positional() > max_positional)
      error(positional(max_positional)->pos,
            fmt::format("takes at most {} positional argument{}", max_positional,
                        max_positional == 1 ? "" : "s"));
  }
  int64_t integer(const Arg& a, const char* what) const {
    if (a.value.kind != ArgValue::Int) error(a.pos, fmt::format("{} must be an integer", what));
    return a.value.i;
  }
  std::string text(const Arg& a, const char* what) const {
    if (a.value.kind != ArgValue::String)
      error(a.pos, fmt::format("{} must be a quoted string", what));
    return a.value.s;
  }
  Type type(const Arg& a, const char* what) const {
    if (a.value.kind != ArgValue::Datashape)
      error(a.pos, fmt::format("{} must be a datashape", what));
    return a.value.type;
  }
  Encoding encoding(const Arg& a) const {
    std::string name = text(a, "the encoding");
    if (auto enc = encoding_from(name)) return *enc;
    error(a.pos, fmt::format("unknown encoding '{}' (ascii, utf8, utf16, utf32 or ucs2)", name));
  }
  const Arg& required(std::size_t i, const char* what) const {
    const Arg* a = positional(i);
    if (!a) error(args.pos, fmt::format("missing {}", what));
    return *a;
  }
  // The one datashape argument of `Name[T]` / `Name(T)`.
  Type single_type() const {
    check({}, 1);
    return type(required(0, "its type argument"), "the argument");
  }
};

Type::CategoricalValue category(const ArgReader& r, const ArgValue& v) {
  using CV = Type::CategoricalValue;
  switch (v.kind) {
    case ArgValue::Int: return CV{v.i};
    case ArgValue::Double: return CV{v.d};
    case ArgValue::String: return CV{v.s};
    case ArgValue::Datashape:
      if (v.type.kind() == Kind::Typevar && v.type.name() == "NA") return CV{CV::NA{}};
      [[fallthrough]];
    default:
      r.error(v.pos, "values must be integers, floats, strings or NA");
  }
}

// The interned categorical of these positional values when it exists (an interned node's
// values passed make_categorical's checks): found without copying the values.
Type find_categorical(const std::vector<Arg>& args) {
  boost::container::small_vector<detail::CategoryView, 16> views;
  for (const Arg& a : args) {
    const ArgValue& v = a.value;
    detail::CategoryView& c = views.emplace_back();
    switch (v.kind) {
      case ArgValue::Int: c.index = 1, c.integer = v.i; break;
      case ArgValue::Double: c.index = 2, c.real = v.d; break;
      case ArgValue::String: c.index = 3, c.text = v.s; break;
      case ArgValue::Datashape:
        if (v.type.kind() == Kind::Typevar && v.type.name() == "NA") break;  // index 0
        return {};
      default: return {};  // an error, reported by the usual path
    }
  }
  if (views.empty()) return {};
  return detail::find_categorical({views.data(), views.size()});
}

Type build_categorical(const ArgReader& r) {
  std::vector<Type::CategoricalValue> values;
  const Arg* first = r.positional(0);
  if (first && first->value.kind == ArgValue::List) {
    // Blaze: categorical[[v, ...], type=T, ordered=False]
    r.check({"type", "ordered"}, 1);
    values.reserve(first->value.list.size());
    for (const auto& v : first->value.list) values.push_back(category(r, v));
    if (const Arg* t = r.keyword("type")) {
      Type vt = r.type(*t, "type=");
      for (std::size_t i = 0; i < values.size(); ++i) {
        const auto& cv = values[i].value;
        bool ok = std::holds_alternative<Type::CategoricalValue::NA>(cv) ||
                  (std::holds_alternative<std::string>(cv) && vt.kind() == Kind::String) ||
                  (std::holds_alternative<int64_t>(cv) && vt.is_integer()) ||
                  (std::holds_alternative<double>(cv) && vt.is_float());
        if (!ok)
          r.error(first->value.list[i].pos, fmt::format("value does not have type {}", vt.str()));
      }
    }
    if (const Arg* o = r.keyword("ordered")) {
      Type flag = r.type(*o, "ordered=");
      if (flag.kind() != Kind::Typevar || (flag.name() != "False" && flag.name() != "True"))
        r.error(o->pos, "ordered= must be True or False");
      if (flag.name() == "True") r.error(o->pos, "ordered categoricals are not supported");
    }
  } else {
    r.check({}, SIZE_MAX);
    if (Type found = find_categorical(r.args.list)) return found;
    values.reserve(r.args.list.size());
    for (const auto& a : r.args.list) values.push_back(category(r, a.value));
  }
  return at(r.src, r.pos, [&] { return make_categorical(std::move(values)); });
}

Type build_constructor(const ArgReader& r) {
  std::string_view name = r.ctor;
  if (name == "fixed_string") {
    r.check({}, 2);
    int64_t n = r.integer(r.required(0, "the length"), "the length");
    Encoding enc = Encoding::utf8;
    if (const Arg* e = r.positional(1)) enc = r.encoding(*e);
    return at(r.src, r.pos, [&] { return make_fixed_string(n, enc); });
  }
  if (name == "fixed_bytes") {
    r.check({"size", "align"}, 1);
    const Arg* size = r.either(0, "size");
    if (!size) r.error(r.args.pos, "missing the size");
    int64_t n = r.integer(*size, "the size");
    int64_t align = 1;
    if (const Arg* a = r.keyword("align")) align = r.integer(*a, "align=");
    return at(r.src, r.pos, [&] { return make_fixed_bytes(n, align); });
  }
  if (name == "bytes") {
    r.check({"align"}, 0);
    int64_t align = 1;
    if (const Arg* a = r.keyword("align")) align = r.integer(*a, "align=");
    return at(r.src, r.pos, [&] { return make_bytes(align); });
  }
  if (name == "char") {
    r.check({}, 1);
    return make_char(r.encoding(r.required(0, "the encoding")));
  }
  if (name == "string") {
    // Blaze: string['U8'] is string; string[N] and string[N, enc] are fixed strings.
    r.check({}, 2);
    const Arg& a0 = r.required(0, "an argument");
    if (a0.value.kind == ArgValue::String) {
      if (r.positional(1)) r.error(r.positional(1)->pos, "unexpected second argument");
      if (r.encoding(a0) != Encoding::utf8)
        r.error(a0.pos, "variable-length strings are UTF-8; use fixed_string for other encodings");
      return string;
    }
    int64_t n = r.integer(a0, "the length");
    Encoding enc = Encoding::utf8;
    if (const Arg* e = r.positional(1)) enc = r.encoding(*e);
    return at(r.src, r.pos, [&] { return make_fixed_string(n, enc); });
  }
  if (name == "complex") {
    Type t = r.single_type();
    if (t == float32) return complex64;
    if (t == float64) return complex128;
    r.error(r.args.pos, fmt::format("the part type must be float32 or float64, not {}", t.str()));
  }
  if (name == "option") return at(r.src, r.pos, [&] { return make_option(r.single_type()); });
  if (name == "pointer" || name == "ref")
    return at(r.src, r.pos, [&] { return make_pointer(r.single_type()); });
  if (name == "categorical") return build_categorical(r);
  if (name == "decimal") {
    r.check({"precision", "scale"}, 2);
    const Arg* p = r.either(0, "precision");
    const Arg* s = r.either(1, "scale");
    if (!p) r.error(r.args.pos, "missing the precision");
    int64_t precision = r.integer(*p, "the precision");
    int64_t scale = s ? r.integer(*s, "the scale") : 0;
    return at(r.src, r.pos, [&] { return make_decimal(precision, scale); });
  }
  if (name == "timedelta") {
    r.check({"unit"}, 1);
    const Arg* u = r.either(0, "unit");
    if (!u) r.error(r.args.pos, "missing the unit");
    // Blaze's unit spellings: 's', 'second', 'seconds', 'dates' ...
    static const std::pair<std::string_view, std::string_view> kAliases[] = {
        {"year", "Y"},       {"month", "M"},        {"week", "W"},         {"day", "D"},
        {"date", "D"},       {"hour", "h"},         {"minute", "m"},       {"second", "s"},
        {"millisecond", "ms"}, {"microsecond", "us"}, {"nanosecond", "ns"},
    };
    std::string unit = r.text(*u, "the unit");
    std::string singular = unit.size() > 2 && unit.back() == 's' ? unit.substr(0, unit.size() - 1) : unit;
    for (const auto& [alias, canonical] : kAliases)
      if (singular == alias) unit = canonical;
    return at(r.src, u->pos, [&] { return make_timedelta(unit); });
  }
  if (name == "time" || name == "datetime") {
    r.check({"tz"}, 1);
    const Arg* tz = r.either(0, "tz");
    if (!tz) r.error(r.args.pos, "missing the time zone");
    std::string zone = r.text(*tz, "tz=");
    return name == "time" ? make_time(zone) : make_datetime(zone);
  }
  if (name == "C") return r.single_type();
  if (name == "F") return at(r.src, r.pos, [&] { return make_fortran(r.single_type()); });
  if (is_upper(name[0])) {
    if (builtin_names().count(name))
      r.error(r.pos, "a kind takes no arguments");
    return at(r.src, r.pos, [&] { return make_constructor(name, r.single_type()); });
  }
  r.error(r.pos, "unknown type constructor");
}

bool is_dim_word(std::string_view name) {
  return name == "var" || name == "fixed" || name == "Fixed" || name == "array" || name == "Dim";
}

}  // namespace

void fail(const Source& src, std::size_t pos, const std::string& message) {
  throw_parse_error(src.input, pos, message);
}

Type build_named(const Source& src, std::string_view name, const Args& args, std::size_t pos) {
  if (args.present) return build_constructor(ArgReader{src, name, args, pos});
  if (const Type* t = builtin_type(name)) return *t;
  const auto& names = builtin_names();
  if (is_dim_word(name))
    fail(src, pos, fmt::format("'{}' is a dimension: it needs '* <element type>' after it", name));
  if (is_upper(name[0])) return make_typevar(name);
  if (name == "object" || name == "null" || name == "map" || name == "units")
    fail(src, pos, fmt::format("'{}' is not supported (see spec/datashape.md)", name));
  try {
    return make_nominal(name);
  } catch (const Error&) {
    // Suggest a concrete built-in spelt the same up to case, or one the name extends
    // (`int64x`): the shortest such, then the first in alphabetical order.
    std::string_view best;
    for (const auto& [known, t] : names) {
      if (!t.is_concrete()) continue;
      if (!(lower(known) == lower(name) || (known.size() > 3 && name.starts_with(known)))) continue;
      if (best.empty() || known.size() < best.size() || (known.size() == best.size() && known < best))
        best = known;
    }
    std::string hint = best.empty() ? std::string() : fmt::format(" (did you mean '{}'?)", best);
    fail(src, pos, fmt::format("unknown type name '{}'{}", name, hint));
  }
}

namespace {

int64_t checked_step(int64_t step, int64_t itemsize) {
  int64_t r;
  if (__builtin_mul_overflow(step, itemsize, &r))
    throw Error(ErrorCode::overflow, "fixed dim: step times the item size overflows int64");
  return r;
}

Type build_one_dim(const Source& src, const Dim& d, const Type& element, int64_t itemsize) {
  std::string_view name = d.name;
  switch (d.kind) {
    case Dim::Fixed:
      return at(src, d.pos, [&] { return make_fixed_dim(d.shape, element); });
    case Dim::Ellipsis:
      if (!name.empty() && !is_upper(name[0]) && name != "var" && name != "array")
        fail(src, d.pos, fmt::format("an ellipsis name must be capitalised, not '{}'", name));
      return at(src, d.pos, [&] { return make_ellipsis_dim(name == "array" ? std::string_view("var") : name, element); });
    case Dim::Named:
      break;
  }
  ArgReader r{src, name, d.args, d.pos};
  if (name == "var" || name == "array") {
    if (d.args.present) {
      // ndtypes: var(offsets=[0, 2, 5]) spells the offsets of the data; they belong to the
      // data, not the type, so they are validated and dropped.
      // (checked in check_offsets).
      r.check({"offsets"}, 0);
      if (!r.keyword("offsets")) r.error(d.args.pos, "missing offsets=");
    }
    return make_var_dim(element);
  }
  if (name == "fixed") {
    r.check({"shape", "step", "stride"}, 1);
    const Arg* s = r.either(0, "shape");
    if (!s) r.error(d.args.pos, "missing the shape");
    int64_t shape = r.integer(*s, "the shape");
    if (r.keyword("step") && r.keyword("stride"))
      r.error(r.keyword("stride")->pos, "give step= (in items) or stride= (in bytes), not both");
    if (const Arg* stride = r.keyword("stride")) {
      int64_t bytes = r.integer(*stride, "stride=");
      if (itemsize < 0) r.error(stride->pos, "stride= needs a concrete element type");
      return at(src, d.pos, [&] { return make_fixed_dim(shape, element, bytes); });
    }
    if (const Arg* step = r.keyword("step")) {
      int64_t k = r.integer(*step, "step=");
      if (itemsize < 0) r.error(step->pos, "step= needs a concrete element type");
      return at(src, d.pos, [&] {
        return make_fixed_dim(shape, element, checked_step(k, itemsize));
      });
    }
    return at(src, d.pos, [&] { return make_fixed_dim(shape, element); });
  }
  if (d.args.present) r.error(d.args.pos, "a dimension variable takes no arguments");
  if (name == "Fixed") return make_any_fixed_dim(element);
  if (is_upper(name[0])) return make_symbolic_dim(name, element);
  fail(src, d.pos, fmt::format("unknown dimension '{}'", name));
}

// ndtypes' var(offsets=[...]): each list starts at 0 and never decreases, and an inner
// list has one entry more than the last offset of the list outside it.
void check_offsets(const Source& src, std::span<const Dim> dims) {
  const Arg* outer = nullptr;
  for (const Dim& d : dims) {
    if (d.kind != Dim::Named || (d.name != "var" && d.name != "array") || !d.args.present) {
      if (outer && d.kind == Dim::Named && (d.name == "var" || d.name == "array"))
        fail(src, d.pos, "every var dim needs offsets= when the outer one has them");
      continue;
    }
    const Arg* o = nullptr;
    for (const auto& a : d.args.list)
      if (a.key == "offsets") o = &a;
    if (!o) fail(src, d.args.pos, "var: missing offsets=");
    if (o->value.kind != ArgValue::List || o->value.list.size() < 2)
      fail(src, o->pos, "var: offsets= must be a list of at least two integers");
    int64_t prev = 0;
    for (std::size_t i = 0; i < o->value.list.size(); ++i) {
      const ArgValue& v = o->value.list[i];
      if (v.kind != ArgValue::Int) fail(src, v.pos, "var: offsets must be integers");
      if (i == 0 && v.i != 0) fail(src, v.pos, "var: offsets must start at 0");
      if (v.i < prev) fail(src, v.pos, "var: offsets must not decrease");
      prev = v.i;
    }
    if (outer) {
      const int64_t expected = outer->value.list.back().i + 1;
      if (static_cast<int64_t>(o->value.list.size()) != expected)
        fail(src, o->pos,
             fmt::format("var: expected {} offsets (one more than the outer dim's last offset)",
                         expected));
    } else if (o->value.list.size() != 2) {
      fail(src, o->pos, "var: the outermost dim has exactly two offsets [0, n]");
    }
    outer = o;
  }
}

}  // namespace

Type build_datashape(const Source& src, std::span<const Dim> dims, const Type& dtype) {
  const detail::Node* element = dtype.node();
  const int64_t itemsize = element && (element->flags & detail::kConcrete) ? element->size : -1;
  // The usual dims (no arguments, '!' or powers) need none of the checks below.
  bool plain = true;
  for (const Dim& d : dims)
    plain = plain && !d.args.present && !d.fortran && !d.power_int && d.power_name.empty();
  if (plain) {
    Type cur = build_one_dim(src, dims.back(), dtype, itemsize);
    for (std::size_t i = dims.size() - 1; i-- > 0;) cur = build_one_dim(src, dims[i], cur, itemsize);
    return cur;
  }
  check_offsets(src, dims);
  // A '!' orders the whole run of fixed dims after it; a second '!' in that run is an error.
  bool in_fortran_run = false;
  for (const Dim& d : dims) {
    const bool fixed = d.kind == Dim::Fixed || (d.kind == Dim::Named && d.name == "fixed");
    if (d.fortran && in_fortran_run) fail(src, d.pos, "'!' already applies to this dimension");
    in_fortran_run = fixed && (in_fortran_run || d.fortran);
  }
  Type cur = dtype;
  for (std::size_t i = dims.size(); i-- > 0;) {
    const Dim& d = dims[i];
    if (d.kind == Dim::Ellipsis && (d.power_int || !d.power_name.empty()))
      fail(src, d.pos, "an ellipsis cannot be raised to a power");
    if (d.power_int) {
      if (*d.power_int > 1024) fail(src, d.pos, "a dim power is limited to 1024 repetitions");
      for (int64_t k = 0; k < *d.power_int; ++k) cur = build_one_dim(src, d, cur, itemsize);
    } else if (!d.power_name.empty()) {
      if (!is_upper(d.power_name[0]))
        fail(src, d.pos, fmt::format("the exponent '{}' must be a capitalised dim variable",
                                     d.power_name));
      Type base = build_one_dim(src, d, void_, 0);
      cur = at(src, d.pos, [&] { return make_dim_power(base, d.power_name, cur); });
    } else {
      cur = build_one_dim(src, d, cur, itemsize);
    }
    if (d.fortran) {
      if (d.kind != Dim::Fixed && !(d.kind == Dim::Named && d.name == "fixed"))
        fail(src, d.pos, "'!' (Fortran order) applies to fixed dimensions");
      cur = at(src, d.pos, [&] { return make_fortran(cur); });
    }
  }
  return cur;
}

namespace {

RecordOptions record_options(const Source& src, const Item& item, RecordOptions options) {
  if (item.name == "align") {
    if (options.align) fail(src, item.pos, "repeated align=");
    options.align = item.value;
  } else if (item.name == "pack") {
    if (options.pack) fail(src, item.pos, "repeated pack=");
    options.pack = item.value;
  } else {
    fail(src, item.pos, fmt::format("unknown attribute '{}' (align= or pack=)", item.name));
  }
  if (item.value <= 0) fail(src, item.pos, fmt::format("{}= must be positive", item.name));
  return options;
}

// Takes the item's type (its name stays, for the messages about duplicates).
FieldSpec field_spec(const Source& src, Item& item) {
  FieldSpec f{item.name, std::move(item.type), 0, 0};
  for (const auto& [key, value] : item.field_attrs) {
    int64_t* slot = key == "align" ? &f.align : key == "pack" ? &f.pack : nullptr;
    if (!slot) fail(src, item.pos, fmt::format("unknown field attribute '{}' (align or pack)", key));
    if (*slot) fail(src, item.pos, fmt::format("repeated field attribute '{}'", key));
    if (value <= 0) fail(src, item.pos, fmt::format("{}= must be positive", key));
    *slot = value;
  }
  return f;
}

// Members, then an optional `...`, then attributes: the order of every record and tuple.
std::vector<FieldSpec> members(const Source& src, std::vector<Item>& items,
                               RecordOptions& options, const char* what) {
  std::vector<FieldSpec> out;
  out.reserve(items.size());
  for (Item& item : items) {
    switch (item.kind) {
      case Item::Member:
        if (options.variadic) fail(src, item.pos, fmt::format("'...' must end the {}", what));
        if (options.align || options.pack)
          fail(src, item.pos, fmt::format("{} attributes must come after the members", what));
        out.push_back(field_spec(src, item));
        break;
      case Item::Variadic:
        if (options.variadic) fail(src, item.pos, "repeated '...'");
        options.variadic = true;
        break;
      case Item::Attribute:
        options = record_options(src, item, options);
        break;
    }
  }
  return out;
}

}  // namespace

void check_trailing_comma(const Source& src, const std::vector<Item>& items, bool trailing) {
  if (trailing && !items.empty() && items.back().kind == Item::Variadic)
    fail(src, items.back().pos, "'...' ends the list: no ',' may follow it");
}

Type build_native_endian(const Source& src, const Type& t, std::size_t pos) {
  if (!(t.is_integer() || t.is_float() || t.is_complex() || t.kind() == Kind::Bool))
    fail(src, pos, fmt::format("a byte-order prefix applies to a number type, not '{}'", t.str()));
  return t;  // '<' and '=' both name the native little-endian layout
}

Type build_record(const Source& src, std::vector<Item>& items, bool trailing_comma,
                  std::size_t pos) {
  check_trailing_comma(src, items, trailing_comma);
  RecordOptions options;
  auto fields = members(src, items, options, "record");
  try {
    return make_record(std::move(fields), options);
  } catch (const Error& e) {
    // Point at the repeated name (found only on this error path: make_record checks).
    for (std::size_t i = 0; i < items.size(); ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (items[i].kind == Item::Member && items[j].kind == Item::Member &&
            items[i].name == items[j].name)
          fail(src, items[i].pos, fmt::format("duplicate field name '{}'", items[i].name));
    fail(src, pos, e.what());
  }
}

Type build_group(const Source& src, Group& group) {
  check_trailing_comma(src, group.items, group.trailing_comma);
  if (!group.arrow) {
    for (const Item& item : group.items)
      if (item.named)
        fail(src, item.pos, "a tuple member has no name (a record is spelt {name: type})");
    // Members without attributes (the usual tuple): found in the intern table when it exists.
    const bool plain = std::all_of(group.items.begin(), group.items.end(), [](const Item& item) {
      return item.kind == Item::Member && item.field_attrs.empty();
    });
    if (plain && group.items.size() <= 16) {
      std::array<Type, 16> types;
      for (std::size_t i = 0; i < group.items.size(); ++i) types[i] = std::move(group.items[i].type);
      return at(src, group.pos, [&] {
        return detail::make_plain_tuple(std::span<const Type>(types.data(), group.items.size()));
      });
    }
    RecordOptions options;
    auto fields = members(src, group.items, options, "tuple");
    return at(src, group.pos, [&] { return ndt::make_tuple(std::move(fields), options); });
  }
  // The parameters are checked and seen in place first: an interned signature is found
  // without copying them.
  boost::container::small_vector<detail::ParameterView, 8> parameters;
  int64_t npositional = 0;
  bool any_keyword = false;
  bool variadic = false, kw_variadic = false;
  for (const Item& item : group.items) {
    if (item.kind == Item::Attribute)
      fail(src, item.pos, "a function signature takes no layout attributes");
    if (!item.field_attrs.empty())
      fail(src, item.pos, "a function parameter takes no layout attributes");
    if (item.kind == Item::Variadic) {
      bool& flag = !any_keyword ? variadic : kw_variadic;
      if (flag) fail(src, item.pos, "repeated '...'");
      flag = true;
    } else if (item.named) {
      if (kw_variadic) fail(src, item.pos, "'...' must end the keyword parameters");
      any_keyword = true;
      parameters.push_back({item.name, &item.type});
    } else {
      if (any_keyword)
        fail(src, item.pos, "a positional parameter cannot follow a keyword parameter");
      if (variadic) fail(src, item.pos, "'...' must end the positional parameters");
      ++npositional;
      parameters.push_back({{}, &item.type});
    }
  }
  if (Type found = detail::find_function({parameters.data(), parameters.size()}, npositional,
                                         {&group.output, 1}, variadic, kw_variadic))
    return found;
  std::vector<Type> positional;
  std::vector<std::pair<std::string, Type>> keywords;
  positional.reserve(static_cast<std::size_t>(npositional));
  keywords.reserve(parameters.size() - static_cast<std::size_t>(npositional));
  for (const detail::ParameterView& p : parameters) {
    if (positional.size() < static_cast<std::size_t>(npositional)) positional.push_back(*p.type);
    else keywords.emplace_back(p.name, *p.type);
  }
  return at(src, group.pos, [&] {
    return make_function(std::move(positional), std::move(keywords), {group.output}, variadic,
                         kw_variadic);
  });
}

Type build_union(const Source& src, const std::vector<std::pair<std::string, Type>>& members,
                 std::size_t pos) {
  for (const auto& [name, t] : members)
    if (!is_upper(name[0]))
      fail(src, pos, fmt::format("a union member name is capitalised, not '{}'", name));
  return at(src, pos, [&] { return make_union(members); });
}

Type build_top(const Source& src, const std::vector<Type>& list, bool arrow,
               const std::vector<Type>& outputs, std::size_t pos) {
  if (arrow) {
    // `A, B -> C` or `T -> T`: a signature without parentheses.
    boost::container::small_vector<detail::ParameterView, 8> parameters;
    for (const Type& t : list) parameters.push_back({{}, &t});
    if (Type found = detail::find_function({parameters.data(), parameters.size()},
                                           static_cast<int64_t>(list.size()), outputs, false,
                                           false))
      return found;
    return at(src, pos, [&] { return make_function(list, {}, outputs); });
  }
  if (list.size() == 1) return list[0];
  // `(A) -> B, C` or `A, (B, ...) -> C, D`: the arrow was read with the parenthesised group
  // before it, but it belongs to the whole list: what precedes the group are arguments, the
  // group itself is the last argument (a tuple) unless it is the whole argument list, and
  // what follows continues the outputs.
  std::size_t k = 0;
  while (k < list.size() && list[k].kind() != Kind::Function) ++k;
  if (k == list.size()) fail(src, src.input.find(','), "expected '->' after a list of arguments");
  const Type& f = list[k];
  std::vector<Type> positional(list.begin(), list.begin() + k);
  std::vector<std::pair<std::string, Type>> keywords;
  std::vector<Type> group_members;
  for (int64_t i = 0; i < f.npositional(); ++i) group_members.push_back(f.fields()[i].type);
  for (std::size_t i = f.npositional(); i < f.fields().size(); ++i)
    keywords.emplace_back(f.fields()[i].name, f.fields()[i].type);
  bool variadic = f.variadic(), kw_variadic = f.kw_variadic();
  if (k == 0) {
    positional = std::move(group_members);
  } else {
    if (!keywords.empty() || kw_variadic) fail(src, pos, "a tuple argument has no names");
    std::vector<FieldSpec> members;
    for (auto& t : group_members) members.push_back({"", t, 0, 0});
    RecordOptions options;
    options.variadic = variadic;
    positional.push_back(at(src, pos, [&] { return ndt::make_tuple(members, options); }));
    variadic = false;
  }
  std::vector<Type> outs(f.outputs().begin(), f.outputs().end());
  outs.insert(outs.end(), list.begin() + k + 1, list.end());
  for (std::size_t i = k + 1; i < list.size(); ++i)
    if (list[i].kind() == Kind::Function) fail(src, pos, "a signature has one '->'");
  return at(src, pos, [&] {
    return make_function(std::move(positional), std::move(keywords), std::move(outs), variadic,
                         kw_variadic);
  });
}

}  // namespace parser

namespace {

// The first type variable or kind inside t (for the require_concrete message).
Type first_abstract(const Type& t) {
  if (t.is_concrete()) return {};
  switch (t.kind()) {
    case Kind::Typevar:
    case Kind::SymbolicDim:
    case Kind::AnyFixedDim:
    case Kind::EllipsisDim:
    case Kind::DimPower:
      return t;
    default:
      break;
  }
  if (t.kind() < Kind::Void) return t;
  if (t.kind() == Kind::Tuple || t.kind() == Kind::Record || t.kind() == Kind::Union ||
      t.kind() == Kind::Function) {
    for (const auto& f : t.fields())
      if (Type a = first_abstract(f.type)) return a;
    return t;
  }
  if (t.is_dim() || t.kind() == Kind::Option || t.kind() == Kind::Pointer ||
      t.kind() == Kind::Constructor)
    return first_abstract(t.child());
  return t;
}

std::size_t find_word(std::string_view input, std::string_view word) {
  for (std::size_t p = input.find(word); p != std::string_view::npos; p = input.find(word, p + 1)) {
    auto is_ident = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    bool left = p == 0 || !is_ident(input[p - 1]);
    bool right = p + word.size() >= input.size() || !is_ident(input[p + word.size()]);
    if (left && right) return p;
  }
  return 0;
}

}  // namespace

namespace {

// A datashape that is one built-in name (`int64`, ` float64 `) is by far the most common
// input: the grammar would produce exactly the table's entry, so look it up directly.
Type builtin_name_only(std::string_view s) {
  auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  if (s.empty() || s.size() > 16) return {};
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return {};
  const Type* t = parser::builtin_type(s);
  return t ? *t : Type();
}

}  // namespace

Type parse(std::string_view datashape, const ParseOptions& options) {
  if (Type t = builtin_name_only(datashape); t && (t.is_concrete() || !options.require_concrete))
    return t;
  parser::Source src{datashape, options.require_concrete};
  Type t = parser::parse_top(src);
  if (options.require_concrete && !t.is_concrete()) {
    Type a = first_abstract(t);
    std::string word;
    std::string message;
    if (a && a.kind() == Kind::Typevar) {
      word = a.name();
      message = fmt::format("'{}' is a type variable, but a concrete type is required here", word);
      std::string low = parser::lower(word);
      for (const auto& [known, bt] : parser::builtin_names())
        if (known == low && bt.is_concrete()) message += fmt::format(" (did you mean '{}'?)", known);
    } else if (a && (a.kind() == Kind::SymbolicDim || a.kind() == Kind::EllipsisDim ||
                     a.kind() == Kind::DimPower)) {
      word = a.name();
      message = fmt::format("'{}' is a dimension variable, but a concrete type is required here",
                            a.kind() == Kind::EllipsisDim ? word + "..." : word);
    } else {
      word = a ? std::string(a.str()) : std::string();
      message = fmt::format("'{}' is abstract, but a concrete type is required here",
                            a ? a.str() : t.str());
    }
    parser::fail(src, word.empty() ? 0 : find_word(datashape, word), message);
  }
  return t;
}

}  // namespace pluribus::ndt
