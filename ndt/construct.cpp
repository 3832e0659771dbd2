// Type constructors: validation, exact C-compatible layout, and interning.
#include <algorithm>
#include <cmath>
#include <array>
#include <cstring>
#include <functional>
#include <unordered_set>

#include <fmt/format.h>

#include "ndt/checked.hpp"
#include "ndt/node.hpp"

namespace pluribus::ndt {
namespace detail {

[[noreturn]] void throw_overflow(std::string_view what) {
  throw Error(ErrorCode::overflow, fmt::format("{}: size overflows int64", what));
}

}  // namespace detail

using detail::checked_add;
using detail::checked_mul;
using detail::is_power_of_two;
using detail::Node;
using detail::round_up;

namespace {

[[noreturn]] void invalid(const std::string& message) {
  throw Error(ErrorCode::invalid_argument, message);
}

struct PrimitiveInfo {
  Kind kind;
  int64_t size;
  int64_t align;
};

// Layouts of the attribute-free scalars (size -1: an abstract kind).
constexpr PrimitiveInfo kPrimitives[] = {
    {Kind::Any, -1, 0},          {Kind::Scalar, -1, 0},      {Kind::Integer, -1, 0},
    {Kind::Signed, -1, 0},       {Kind::Unsigned, -1, 0},    {Kind::Float, -1, 0},
    {Kind::Complex, -1, 0},      {Kind::FixedStringKind, -1, 0},
    {Kind::FixedBytesKind, -1, 0},
    {Kind::Void, 0, 1},          {Kind::Bool, 1, 1},         {Kind::Int8, 1, 1},
    {Kind::Int16, 2, 2},         {Kind::Int32, 4, 4},        {Kind::Int64, 8, 8},
    {Kind::Int128, 16, 16},      {Kind::UInt8, 1, 1},        {Kind::UInt16, 2, 2},
    {Kind::UInt32, 4, 4},        {Kind::UInt64, 8, 8},       {Kind::UInt128, 16, 16},
    {Kind::Float16, 2, 2},       {Kind::BFloat16, 2, 2},     {Kind::Float32, 4, 4},
    {Kind::Float64, 8, 8},       {Kind::Complex64, 8, 4},    {Kind::Complex128, 16, 8},
    {Kind::String, 16, 8},       {Kind::Bytes, 16, 8},       {Kind::Date, 4, 4},
    {Kind::Json, 16, 8},         {Kind::TypeType, 8, 8},
};

struct PrimitiveTable {
  std::array<Node*, 256> nodes{};
  PrimitiveTable() {
    // Immortal singletons outside the intern table: no constructor ever interns a node
    // equal to one of them (make_bytes(1) and make_date() return these directly).
    for (const auto& p : kPrimitives) {
      auto* n = new Node(p.kind);
      n->size = p.size;
      n->align = p.align;
      n->flags = detail::kImmortal | (p.size >= 0 ? detail::kConcrete : 0);
      if (p.kind == Kind::Bytes) n->a = 1;
      n->hash = detail::shallow_hash(*n);
      nodes[static_cast<int>(p.kind)] = n;
    }
  }
};

const PrimitiveTable& primitive_table() {
  static const PrimitiveTable table;
  return table;
}

int64_t char_size(Encoding enc) {
  switch (enc) {
    case Encoding::ascii:
    case Encoding::utf8:
      return 1;
    case Encoding::utf16:
    case Encoding::ucs2:
      return 2;
    case Encoding::utf32:
      return 4;
  }
  return 1;
}

bool concrete(const Type& t) { return t.is_concrete(); }

uint8_t inherit_flags(const Type& t) {
  return t.node()->flags & (detail::kHasVar | detail::kEllipsis);
}

void require(const Type& t, std::string_view what) {
  if (!t) invalid(fmt::format("{}: empty type", what));
}

void check_dim_element(const Type& element, const char* what) { require(element, what); }

// The interned node of `kind` with these a and b over `child`, when it exists. Dims,
// options and pointers have no name, second child or fields, and the rest of their node
// follows from these: found without building, validating or laying out a candidate (an
// interned node passed those when it was made).
Type find_wrapper(Kind kind, int64_t a, int64_t b, const Type& child) {
  struct Key {
    Kind kind;
    int64_t a, b;
    const Node* child;
  } key{kind, a, b, child.node()};
  std::size_t h = detail::hash_head(kind, Encoding::utf8, false, false, a, b);
  h = detail::hash_mix(h, child.hash());
  auto matches = [](const Node& n, const void* k) noexcept {
    const Key& want = *static_cast<const Key*>(k);
    return n.kind == want.kind && n.a == want.a && n.b == want.b && n.child.node() == want.child;
  };
  return detail::find_interned(h, matches, &key);
}

// The interned node of `kind` with this encoding, a, b, name and child (maybe none), when it
// exists: for the kinds whose node follows from these alone (no fields, outputs or
// categories; name-only dims and typevars, constructors, fixed strings, ...), found without
// building a candidate.
Type find_simple(Kind kind, Encoding encoding, int64_t a, int64_t b, std::string_view name,
                 const Type& child) {
  struct Key {
    Kind kind;
    Encoding encoding;
    int64_t a, b;
    std::string_view name;
    const Node* child;
  } key{kind, encoding, a, b, name, child.node()};
  std::size_t h = detail::hash_head(kind, encoding, false, false, a, b);
  if (!name.empty()) h = detail::hash_mix(h, detail::hash_name(name));
  if (child) h = detail::hash_mix(h, child.hash());
  auto matches = [](const Node& n, const void* k) noexcept {
    const Key& want = *static_cast<const Key*>(k);
    return n.kind == want.kind && n.encoding == want.encoding && n.a == want.a &&
           n.b == want.b && n.child.node() == want.child && n.name == want.name;
  };
  return detail::find_interned(h, matches, &key);
}

Type make_dim_node(Node&& n, const Type& element) {
  n.ndim = 1 + element.node()->ndim;
  n.flags |= inherit_flags(element);
  return detail::intern_with_child(std::move(n), element);
}

// Layout of a record/tuple. fields[i].align holds the effective alignment afterwards.
void lay_out(Node& n, std::vector<FieldSpec>& specs, const RecordOptions& options,
             std::string_view what) {
  if (options.align && !is_power_of_two(options.align))
    invalid(fmt::format("{}: align={} is not a power of two", what, options.align));
  if (options.pack && !is_power_of_two(options.pack))
    invalid(fmt::format("{}: pack={} is not a power of two", what, options.pack));
  if (options.align && options.pack)
    invalid(fmt::format("{}: align= and pack= are mutually exclusive", what));
  bool all_concrete = true;
  for (const auto& f : specs) {
    require(f.type, what);
    if (f.align && !is_power_of_two(f.align))
      invalid(fmt::format("{}: |align={}| is not a power of two", what, f.align));
    if (f.pack && !is_power_of_two(f.pack))
      invalid(fmt::format("{}: |pack={}| is not a power of two", what, f.pack));
    if (f.align && f.pack)
      invalid(fmt::format("{}: |align=| and |pack=| are mutually exclusive", what));
    all_concrete = all_concrete && concrete(f.type);
    n.flags |= inherit_flags(f.type);
  }
  n.variadic = options.variadic;
  n.fields.reserve(specs.size());
  if (!all_concrete || options.variadic) {
    // Abstract: keep the requested attributes (align > 0, pack < 0) so they print back.
    for (auto& f : specs)
      n.fields.push_back({std::move(f.name), std::move(f.type), 0, f.align ? f.align : -f.pack});
    n.a = options.align;
    n.b = options.pack;
    return;
  }
  int64_t offset = 0;
  int64_t max_align = 1;
  for (auto& f : specs) {
    const detail::Node& ft = *f.type.node();  // concrete: size and align are known
    int64_t a = ft.align;
    if (f.pack) a = std::min(a, f.pack);
    if (f.align) a = std::max(a, f.align);
    if (options.pack) a = std::min(a, options.pack);
    offset = round_up(offset, a, what);
    const int64_t size = ft.size;
    n.fields.push_back({std::move(f.name), std::move(f.type), offset, a});
    offset = checked_add(offset, size, what);
    max_align = std::max(max_align, a);
  }
  n.align = std::max(max_align, options.align);
  n.size = round_up(offset, n.align, what);
  n.flags |= detail::kConcrete;
}

// Names must be distinct: a quadratic scan for the usual few, an open-addressed table of
// indices beyond (the error names the first name that repeats an earlier one).
template <typename T, typename Name>
void check_unique_names(const std::vector<T>& items, Name name, const char* what) {
  const std::size_t n = items.size();
  if (n <= 8) {
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < i; ++j)
        if (name(items[i]) == name(items[j])) invalid(fmt::format("{} '{}'", what, name(items[i])));
    return;
  }
  std::size_t capacity = 32;
  while (capacity < 2 * n) capacity *= 2;
  constexpr uint32_t kEmpty = UINT32_MAX;
  std::array<uint32_t, 256> local;
  std::vector<uint32_t> heap;
  uint32_t* slots = local.data();
  if (capacity > local.size()) {
    heap.resize(capacity);
    slots = heap.data();
  }
  std::fill(slots, slots + capacity, kEmpty);
  for (std::size_t i = 0; i < n; ++i) {
    const std::string_view s = name(items[i]);
    std::size_t h = detail::hash_name(s) & (capacity - 1);
    for (; slots[h] != kEmpty; h = (h + 1) & (capacity - 1))
      if (name(items[slots[h]]) == s) invalid(fmt::format("{} '{}'", what, s));
    slots[h] = static_cast<uint32_t>(i);
  }
}

}  // namespace

Type primitive(Kind kind) {
  Node* n = primitive_table().nodes[static_cast<int>(kind)];
  if (!n) invalid(fmt::format("{} is not an attribute-free primitive", kind_name(kind)));
  return Type::adopt(n);
}

Type make_fixed_dim(int64_t shape, const Type& element) {
  return make_fixed_dim(shape, element, element.is_concrete() ? element.size() : 0);
}

Type make_fixed_dim(int64_t shape, const Type& element, int64_t stride) {
  check_dim_element(element, "fixed dim");
  if (shape < 0) invalid(fmt::format("fixed dim: negative shape {}", shape));
  if (Type t = find_wrapper(Kind::FixedDim, shape, element.is_concrete() ? stride : 0, element))
    return t;
  Node n(Kind::FixedDim);
  n.a = shape;
  if (element.is_concrete()) {
    // The byte span covered by all elements; strides may be negative or zero.
    const Node& e = *element.node();
    int64_t lo = e.span_lo;
    int64_t hi = checked_add(e.span_lo, e.size, "fixed dim");
    if (shape == 0 || e.size == 0) {
      // No element, or elements that hold nothing: the array covers no bytes.
      lo = hi = 0;
    } else {
      int64_t reach = checked_mul(shape - 1, stride, "fixed dim");
      if (reach < 0) lo = checked_add(lo, reach, "fixed dim");
      else hi = checked_add(hi, reach, "fixed dim");
    }
    n.b = stride;
    n.span_lo = lo;
    n.size = checked_add(hi, -lo, "fixed dim");
    n.align = e.align;
    n.flags = detail::kConcrete;
  }
  return make_dim_node(std::move(n), element);
}

Type make_var_dim(const Type& element) {
  check_dim_element(element, "var dim");
  if (Type t = find_wrapper(Kind::VarDim, 0, 0, element)) return t;
  Node n(Kind::VarDim);
  n.flags = detail::kHasVar;
  if (element.is_concrete()) {
    n.size = 16;
    n.align = 8;
    n.flags |= detail::kConcrete;
  }
  return make_dim_node(std::move(n), element);
}

Type make_symbolic_dim(std::string_view name, const Type& element) {
  check_dim_element(element, "symbolic dim");
  if (name.empty()) invalid("symbolic dim: empty name");
  if (Type t = find_simple(Kind::SymbolicDim, Encoding::utf8, 0, 0, name, element)) return t;
  Node n(Kind::SymbolicDim);
  n.name = name;
  return make_dim_node(std::move(n), element);
}

Type make_any_fixed_dim(const Type& element) {
  check_dim_element(element, "Fixed dim");
  if (Type t = find_wrapper(Kind::AnyFixedDim, 0, 0, element)) return t;
  return make_dim_node(Node(Kind::AnyFixedDim), element);
}

Type make_ellipsis_dim(std::string_view name, const Type& element) {
  check_dim_element(element, "ellipsis");
  // (An interned ellipsis dim passed the check below.)
  if (Type t = find_simple(Kind::EllipsisDim, Encoding::utf8, 0, 0, name, element)) return t;
  for (Type d = element; d.is_dim(); d = d.child())
    if (d.kind() == Kind::EllipsisDim) invalid("only one ellipsis is allowed among the dimensions");
  Node n(Kind::EllipsisDim);
  n.name = name;
  n.flags = detail::kEllipsis;
  return make_dim_node(std::move(n), element);
}

Type make_dim_power(const Type& base, std::string_view exponent, const Type& element) {
  check_dim_element(element, "dim power");
  require(base, "dim power");
  if (!base.is_dim() || base.child() != void_ || base.kind() == Kind::EllipsisDim ||
      base.kind() == Kind::DimPower)
    invalid("dim power: the base must be a single dimension over void");
  if (exponent.empty()) invalid("dim power: empty exponent");
  Node n(Kind::DimPower);
  n.name = exponent;
  n.child2 = base;
  n.flags |= inherit_flags(base);
  return make_dim_node(std::move(n), element);
}

Type make_fortran(const Type& t) {
  require(t, "make_fortran");
  // Collect the leading run of fixed dims.
  std::vector<int64_t> shape;
  Type cur = t;
  while (cur.kind() == Kind::FixedDim) {
    shape.push_back(cur.shape());
    cur = cur.child();
  }
  if (shape.empty() || !cur.is_concrete()) return t;
  std::vector<int64_t> stride(shape.size());
  int64_t s = cur.size();
  for (std::size_t i = 0; i < shape.size(); ++i) {
    stride[i] = s;
    s = checked_mul(s, std::max<int64_t>(shape[i], 1), "fixed dim");
  }
  for (std::size_t i = shape.size(); i-- > 0;) cur = make_fixed_dim(shape[i], cur, stride[i]);
  return cur;
}

Type make_option(const Type& t) {
  require(t, "option");
  if (t.kind() == Kind::Option) invalid("option: ?T is already optional; ??T is not a type");
  if (t.kind() == Kind::Function) invalid("option: a function type cannot be optional");
  if (Type found = find_wrapper(Kind::Option, 0, 0, t)) return found;
  Node n(Kind::Option);
  n.flags = inherit_flags(t);
  if (t.is_concrete()) {
    // T followed by one validity byte, padded to T's alignment.
    n.size = round_up(checked_add(t.size(), 1, "option"), t.align(), "option");
    n.align = t.align();
    n.flags |= detail::kConcrete;
  }
  return detail::intern_with_child(std::move(n), t);
}

Type make_pointer(const Type& t) {
  require(t, "pointer");
  if (Type found = find_wrapper(Kind::Pointer, 0, 0, t)) return found;
  Node n(Kind::Pointer);
  n.flags = inherit_flags(t) & ~detail::kHasVar;
  if (t.is_concrete()) {
    n.size = 8;
    n.align = 8;
    n.flags |= detail::kConcrete;
  }
  return detail::intern_with_child(std::move(n), t);
}

Type make_constructor(std::string_view name, const Type& t) {
  require(t, "constructor");
  if (name.empty()) invalid("constructor: empty name");
  if (Type found = find_simple(Kind::Constructor, Encoding::utf8, 0, 0, name, t)) return found;
  Node n(Kind::Constructor);
  n.name = name;
  n.flags = inherit_flags(t);
  n.ndim = 0;
  if (t.is_concrete()) {
    n.size = t.size();
    n.align = t.align();
    n.flags |= detail::kConcrete;
  }
  return detail::intern_with_child(std::move(n), t);
}

Type make_typevar(std::string_view name) {
  if (name.empty()) invalid("typevar: empty name");
  if (Type t = find_simple(Kind::Typevar, Encoding::utf8, 0, 0, name, {})) return t;
  Node n(Kind::Typevar);
  n.name = name;
  return detail::intern(std::move(n));
}

Type make_char(Encoding enc) {
  if (Type t = find_simple(Kind::Char, enc, 0, 0, {}, {})) return t;
  Node n(Kind::Char);
  n.encoding = enc;
  n.size = n.align = char_size(enc);
  n.flags = detail::kConcrete;
  return detail::intern(std::move(n));
}

Type make_fixed_string(int64_t length, Encoding enc) {
  if (length < 1) invalid(fmt::format("fixed_string: the length must be positive, not {}", length));
  if (Type t = find_simple(Kind::FixedString, enc, length, 0, {}, {})) return t;
  Node n(Kind::FixedString);
  n.a = length;
  n.encoding = enc;
  n.align = char_size(enc);
  n.size = checked_mul(length, n.align, "fixed_string");
  n.flags = detail::kConcrete;
  return detail::intern(std::move(n));
}

Type make_fixed_bytes(int64_t size, int64_t align) {
  if (size < 0) invalid(fmt::format("fixed_bytes: negative size {}", size));
  if (!is_power_of_two(align) || align > 4096)
    invalid(fmt::format("fixed_bytes: align={} is not a power of two up to 4096", align));
  if (size % align != 0)
    invalid(fmt::format("fixed_bytes: size {} is not a multiple of align={}", size, align));
  if (Type t = find_simple(Kind::FixedBytes, Encoding::utf8, size, align, {}, {})) return t;
  Node n(Kind::FixedBytes);
  n.a = size;
  n.b = align;
  n.size = size;
  n.align = align;
  n.flags = detail::kConcrete;
  return detail::intern(std::move(n));
}

Type make_bytes(int64_t target_align) {
  if (target_align == 1) return primitive(Kind::Bytes);
  if (!is_power_of_two(target_align) || target_align > 4096)
    invalid(fmt::format("bytes: align={} is not a power of two up to 4096", target_align));
  Node n(Kind::Bytes);
  n.a = target_align;
  n.size = 16;
  n.align = 8;
  n.flags = detail::kConcrete;
  return detail::intern(std::move(n));
}

Type make_categorical(std::vector<Type::CategoricalValue> values) {
  if (values.empty()) invalid("categorical: at least one value is required");
  for (std::size_t i = 0; i < values.size(); ++i)
    if (auto* d = std::get_if<double>(&values[i].value); d && !std::isfinite(*d))
      invalid(fmt::format("categorical: value #{} is not a finite number", i));
  for (std::size_t i = 0; i < values.size(); ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (values[i] == values[j]) invalid(fmt::format("categorical: value #{} repeats #{}", i, j));
  Node n(Kind::Categorical);
  n.categories = std::move(values);
  n.size = n.align = 8;
  n.flags = detail::kConcrete;
  return detail::intern(std::move(n));
}

Type make_decimal(int64_t precision, int64_t scale) {
  if (precision < 1 || precision > 38)
    invalid(fmt::format("decimal: precision {} is outside 1..38", precision));
  if (scale < 0 || scale > precision)
    invalid(fmt::format("decimal: scale {} is outside 0..{}", scale, precision));
  if (Type t = find_simple(Kind::Decimal, Encoding::utf8, precision, scale, {}, {})) return t;
  Node n(Kind::Decimal);
  n.a = precision;
  n.b = scale;
  n.size = 16;
  n.align = 8;
  n.flags = detail::kConcrete;
  return detail::intern(std::move(n));
}

Type make_date() { return primitive(Kind::Date); }

namespace {
Type make_clock(Kind kind, std::string_view tz) {
  if (Type t = find_simple(kind, Encoding::utf8, 0, 0, tz, {})) return t;
  Node n(kind);
  n.name = tz;
  n.size = n.align = 8;
  n.flags = detail::kConcrete;
  return detail::intern(std::move(n));
}
}  // namespace

Type make_time(std::string_view tz) { return make_clock(Kind::Time, tz); }
Type make_datetime(std::string_view tz) { return make_clock(Kind::DateTime, tz); }

Type make_timedelta(std::string_view unit) {
  static constexpr std::string_view kUnits[] = {"Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns"};
  if (std::find(std::begin(kUnits), std::end(kUnits), unit) == std::end(kUnits))
    invalid(fmt::format("timedelta: unknown unit '{}' (one of Y, M, W, D, h, m, s, ms, us, ns)",
                        unit));
  if (Type t = find_simple(Kind::TimeDelta, Encoding::utf8, 0, 0, unit, {})) return t;
  Node n(Kind::TimeDelta);
  n.name = unit;
  n.size = n.align = 8;
  n.flags = detail::kConcrete;
  return detail::intern(std::move(n));
}

Type make_tuple(std::vector<FieldSpec> members, const RecordOptions& options) {
  Node n(Kind::Tuple);
  for (auto& m : members) m.name.clear();
  lay_out(n, members, options, "tuple");
  return detail::intern(std::move(n));
}

Type make_record(std::vector<FieldSpec> fields, const RecordOptions& options) {
  Node n(Kind::Record);
  check_unique_names(fields, [](const FieldSpec& f) -> std::string_view { return f.name; },
                     "record: duplicate field name");
  lay_out(n, fields, options, "record");
  return detail::intern(std::move(n));
}

namespace detail {

namespace {

// The interned record or tuple (names empty) of these fields without attributes or
// options, when it exists. Without attributes a field's alignment is its type's when every
// type is concrete, and 0 otherwise.
template <Kind kind>
Type find_plain_fields(std::span<const std::string_view> names, std::span<const Type> types) {
  constexpr bool named = kind == Kind::Record;
  struct Key {
    std::span<const std::string_view> names;
    std::span<const Type> types;
    bool concrete = true;
    int64_t align = 0;  // the record's: with align= (which only it shows) this differs
  } key{names, types};
  for (const Type& t : types) key.concrete = key.concrete && t && t.is_concrete();
  if (key.concrete) {
    key.align = 1;
    for (const Type& t : types) key.align = std::max(key.align, t.node()->align);
  }
  std::size_t h = hash_head(kind, Encoding::utf8, false, false, 0, 0);
  for (std::size_t i = 0; i < types.size(); ++i)
    h = hash_field(h, named ? names[i] : std::string_view(), types[i].hash(),
                   key.concrete ? types[i].node()->align : 0);
  auto matches = [](const Node& n, const void* k) noexcept {
    const Key& want = *static_cast<const Key*>(k);
    if (n.kind != kind || n.variadic || n.a != 0 || n.b != 0 || n.align != want.align ||
        n.fields.size() != want.types.size())
      return false;
    for (std::size_t i = 0; i < want.types.size(); ++i) {
      const Type::Field& f = n.fields[i];
      const Node* t = want.types[i].node();
      if (f.type.node() != t || f.align != (want.concrete ? t->align : 0) ||
          (named ? f.name != want.names[i] : !f.name.empty()))
        return false;
    }
    return true;
  };
  return find_interned(h, matches, &key);
}

}  // namespace

Type make_plain_record(std::span<const std::string_view> names, std::span<const Type> types) {
  if (Type found = find_plain_fields<Kind::Record>(names, types)) return found;
  std::vector<FieldSpec> fields;
  fields.reserve(names.size());
  for (std::size_t i = 0; i < names.size(); ++i)
    fields.push_back({std::string(names[i]), types[i], 0, 0});
  return make_record(std::move(fields), {});
}

Type make_plain_tuple(std::span<const Type> types) {
  if (Type found = find_plain_fields<Kind::Tuple>({}, types)) return found;
  std::vector<FieldSpec> members;
  members.reserve(types.size());
  for (const Type& t : types) members.push_back({"", t, 0, 0});
  return make_tuple(std::move(members), {});
}

Type find_function(std::span<const ParameterView> parameters, int64_t npositional,
                   std::span<const Type> outputs, bool variadic, bool kw_variadic) {
  struct Key {
    std::span<const ParameterView> parameters;
    int64_t npositional;
    std::span<const Type> outputs;
    bool variadic, kw_variadic;
  } key{parameters, npositional, outputs, variadic, kw_variadic};
  for (const ParameterView& p : parameters)
    if (!*p.type) return {};  // (make_function reports it)
  for (const Type& t : outputs)
    if (!t) return {};
  // The steps of shallow_hash for a function node.
  std::size_t h = hash_head(Kind::Function, Encoding::utf8, variadic, kw_variadic, npositional, 0);
  for (const ParameterView& p : parameters) h = hash_field(h, p.name, p.type->hash(), 0);
  for (const Type& t : outputs) h = hash_mix(h, t.hash());
  auto matches = [](const Node& n, const void* k) noexcept {
    const Key& want = *static_cast<const Key*>(k);
    if (n.kind != Kind::Function || n.variadic != want.variadic ||
        n.kw_variadic != want.kw_variadic || n.a != want.npositional ||
        n.fields.size() != want.parameters.size() || n.outputs.size() != want.outputs.size())
      return false;
    for (std::size_t i = 0; i < want.parameters.size(); ++i) {
      const Type::Field& f = n.fields[i];
      if (f.type != *want.parameters[i].type || f.name != want.parameters[i].name) return false;
    }
    for (std::size_t i = 0; i < want.outputs.size(); ++i)
      if (n.outputs[i] != want.outputs[i]) return false;
    return true;
  };
  return find_interned(h, matches, &key);
}

Type find_categorical(std::span<const CategoryView> values) {
  // The steps of shallow_hash for a categorical node (std::hash of a string_view is that of
  // the equal std::string).
  std::size_t h = hash_head(Kind::Categorical, Encoding::utf8, false, false, 0, 0);
  for (const CategoryView& v : values) {
    h = hash_mix(h, v.index);
    switch (v.index) {
      case 1: h = hash_mix(h, static_cast<std::size_t>(v.integer)); break;
      case 2: h = hash_mix(h, std::hash<double>()(v.real)); break;
      case 3: h = hash_mix(h, std::hash<std::string_view>()(v.text)); break;
      default: break;
    }
  }
  auto matches = [](const Node& n, const void* k) noexcept {
    const auto& want = *static_cast<const std::span<const CategoryView>*>(k);
    if (n.kind != Kind::Categorical || n.categories.size() != want.size()) return false;
    for (std::size_t i = 0; i < want.size(); ++i) {
      const auto& c = n.categories[i].value;
      const CategoryView& v = want[i];
      if (c.index() != v.index) return false;
      switch (v.index) {
        case 1:
          if (std::get<int64_t>(c) != v.integer) return false;
          break;
        case 2:  // bitwise, as shallow_equal compares
          if (std::memcmp(&std::get<double>(c), &v.real, sizeof(double)) != 0) return false;
          break;
        case 3:
          if (std::get<std::string>(c) != v.text) return false;
          break;
        default: break;
      }
    }
    return true;
  };
  return find_interned(h, matches, &values);
}

}  // namespace detail

Type make_union(std::vector<std::pair<std::string, Type>> members) {
  if (members.empty()) invalid("union: at least one member is required");
  if (members.size() > 255) invalid("union: at most 255 members (the tag is one byte)");
  Node n(Kind::Union);
  std::unordered_set<std::string_view> seen;
  bool all_concrete = true;
  int64_t max_size = 0, max_align = 1;
  for (const auto& [name, t] : members) {
    require(t, "union");
    if (name.empty()) invalid("union: empty member name");
    if (!seen.insert(name).second) invalid(fmt::format("union: duplicate member '{}'", name));
    n.flags |= inherit_flags(t);
    if (t.is_concrete()) {
      max_size = std::max(max_size, t.size());
      max_align = std::max(max_align, t.align());
    } else {
      all_concrete = false;
    }
  }
  // uint8 tag at offset 0, then every member's payload at one aligned offset.
  const int64_t payload = all_concrete ? max_align : 0;
  for (auto& [name, t] : members) n.fields.push_back({name, t, payload, 0});
  if (all_concrete) {
    n.align = max_align;
    n.size = round_up(checked_add(payload, max_size, "union"), max_align, "union");
    n.flags |= detail::kConcrete;
  }
  return detail::intern(std::move(n));
}

Type make_function(std::vector<Type> positional,
                   std::vector<std::pair<std::string, Type>> keywords, std::vector<Type> outputs,
                   bool variadic, bool kw_variadic) {
  Node n(Kind::Function);
  // Each keyword is checked against those before it: by a scan for the usual few, with a
  // set beyond.
  std::unordered_set<std::string_view> seen;
  const bool use_set = keywords.size() > 8;
  n.fields.reserve(positional.size() + keywords.size());
  for (auto& t : positional) {
    require(t, "function");
    n.fields.push_back({"", std::move(t), 0, 0});
  }
  for (std::size_t i = 0; i < keywords.size(); ++i) {
    auto& [name, t] = keywords[i];
    require(t, "function");
    if (name.empty()) invalid("function: empty keyword name");
    bool repeated = false;
    if (use_set) {
      repeated = !seen.insert(name).second;
    } else {
      for (std::size_t j = 0; j < i; ++j) repeated = repeated || keywords[j].first == name;
    }
    if (repeated) invalid(fmt::format("function: duplicate keyword '{}'", name));
    n.fields.push_back({name, std::move(t), 0, 0});
  }
  for (const auto& t : outputs) require(t, "function");
  n.a = static_cast<int64_t>(positional.size());
  n.outputs = std::move(outputs);
  n.variadic = variadic;
  n.kw_variadic = kw_variadic;
  return detail::intern(std::move(n));
}

}  // namespace pluribus::ndt
