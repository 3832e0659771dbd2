// Pattern matching, substitution, unification and NumPy-compatible numeric promotion.
#include "ndt/match.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <optional>
#include <ostream>

#include "ndt/node.hpp"

namespace pluribus::ndt {
namespace {

// ----- single dims over void --------------------------------------------------------

// The repeated dim of a D**N power (a one-dim type over void).
const Type& power_base(const Type& dim) { return dim.node()->child2; }

// `dim` rebuilt over `element`; fixed dims get the C-contiguous stride.
Type put_dim(const Type& dim, const Type& element) {
  switch (dim.kind()) {
    case Kind::FixedDim:
      return make_fixed_dim(dim.shape(), element);
    case Kind::VarDim:
      return make_var_dim(element);
    case Kind::SymbolicDim:
      return make_symbolic_dim(dim.name(), element);
    case Kind::AnyFixedDim:
      return make_any_fixed_dim(element);
    case Kind::EllipsisDim:
      return make_ellipsis_dim(dim.name(), element);
    case Kind::DimPower:
      return make_dim_power(power_base(dim), dim.name(), element);
    default:
      throw Error(ErrorCode::internal, fmt::format("put_dim: '{}' is not a dim", dim.str()));
  }
}

// The outermost dim of `dim` alone, over void and without its stride.
Type dim_over_void(const Type& dim) { return put_dim(dim, void_); }

void print_dim(std::string& out, const Type& dim) {
  switch (dim.kind()) {
    case Kind::FixedDim:
      out += fmt::format("{}", dim.shape());
      break;
    case Kind::VarDim:
      out += "var";
      break;
    case Kind::SymbolicDim:
      out += dim.name();
      break;
    case Kind::AnyFixedDim:
      out += "Fixed";
      break;
    case Kind::EllipsisDim:
      out += dim.name() + "...";
      break;
    case Kind::DimPower:
      print_dim(out, power_base(dim));
      out += "**" + dim.name();
      break;
    default:
      out += dim.str();
      break;
  }
}

std::string ellipsis_label(std::string_view name) { return fmt::format("{}...", name); }

// The leading dims of `t` (each the dim node itself) and the element below them.
struct DimChain {
  std::vector<Type> dims;
  Type dtype;
};

DimChain split_dims(const Type& t) {
  DimChain chain;
  Type cur = t;
  while (cur.is_dim()) {
    chain.dims.push_back(cur);
    cur = cur.child();
  }
  chain.dtype = cur;
  return chain;
}

// NumPy broadcasting of two dims over void: equal dims, or shape 1 stretches; a var
// dim broadcasts with any dim and stays var (its runtime size is checked by the loop).
std::optional<Type> broadcast_dim(const Type& x, const Type& y) {
  if (x == y) return x;
  const bool x_one = x.kind() == Kind::FixedDim && x.shape() == 1;
  const bool y_one = y.kind() == Kind::FixedDim && y.shape() == 1;
  if (x_one) return y;
  if (y_one) return x;
  if (x.kind() == Kind::VarDim || y.kind() == Kind::VarDim) return make_var_dim(void_);
  return std::nullopt;
}

// Right-aligned broadcast of two dim lists (missing leading dims stretch).
std::optional<std::vector<Type>> broadcast_dims(const std::vector<Type>& x,
                                                const std::vector<Type>& y) {
  const std::size_t n = std::max(x.size(), y.size());
  std::vector<Type> out(n);
  for (std::size_t i = 0; i < n; ++i) {
    const bool has_x = i < x.size(), has_y = i < y.size();
    const Type& dx = has_x ? x[x.size() - 1 - i] : Type();
    const Type& dy = has_y ? y[y.size() - 1 - i] : Type();
    if (!has_x) {
      out[n - 1 - i] = dy;
    } else if (!has_y) {
      out[n - 1 - i] = dx;
    } else if (auto d = broadcast_dim(dx, dy)) {
      out[n - 1 - i] = *d;
    } else {
      return std::nullopt;
    }
  }
  return out;
}

// ----- the matcher ------------------------------------------------------------------
//
// Invariant: a function returning false may leave `b` half-updated; every caller that
// carries on after a false works on a copy (the backtracking loops and the public
// entry points).

bool match_type(const Type& p, const Type& c, Bindings& b);

bool bind_dim_consistently(const std::string& name, const DimBinding& value, Bindings& b) {
  if (const DimBinding* old = b.dim(name)) return *old == value;
  b.bind_dim(name, value);
  return true;
}

// `...` and `var...` broadcast with their earlier bindings; `Dims...` must repeat them.
bool bind_ellipsis(const std::string& name, std::vector<Type> dims, Bindings& b) {
  const bool var_only = name == "var";
  if (var_only) {
    for (const auto& d : dims)
      if (d.kind() != Kind::VarDim && !(d.kind() == Kind::EllipsisDim && d.name() == "var"))
        return false;
  }
  const std::vector<Type>* old = b.ellipsis(name);
  if (!old) {
    b.bind_ellipsis(name, std::move(dims));
    return true;
  }
  if (name.empty() || var_only) {
    auto merged = broadcast_dims(*old, dims);
    if (!merged) return false;
    b.bind_ellipsis(name, std::move(*merged));
    return true;
  }
  return *old == dims;
}

// One pattern dim (not an ellipsis or power) against one candidate dim.
bool match_one_dim(const Type& p, const Type& c, Bindings& b) {
  switch (p.kind()) {
    case Kind::FixedDim:  // strides are the candidate's business
      return c.kind() == Kind::FixedDim && c.shape() == p.shape();
    case Kind::VarDim:
      return c.kind() == Kind::VarDim;
    case Kind::AnyFixedDim:
      return c.kind() == Kind::FixedDim || c.kind() == Kind::AnyFixedDim ||
             c.kind() == Kind::SymbolicDim;
    case Kind::SymbolicDim:
      if (c.kind() == Kind::FixedDim)
        return bind_dim_consistently(p.name(), DimBinding::fixed(c.shape()), b);
      if (c.kind() == Kind::SymbolicDim)
        return bind_dim_consistently(p.name(), DimBinding::symbolic(c.name()), b);
      return false;
    default:
      return false;
  }
}

struct DimMatch {
  const DimChain& pattern;
  const DimChain& candidate;

  // Candidate dims that the pattern dims from `pi` on need at least.
  std::size_t min_needed(std::size_t pi) const {
    std::size_t n = 0;
    for (std::size_t i = pi; i < pattern.dims.size(); ++i)
      if (pattern.dims[i].kind() != Kind::EllipsisDim && pattern.dims[i].kind() != Kind::DimPower)
        ++n;
    return n;
  }

  std::vector<Type> absorbed(std::size_t ci, std::size_t count) const {
    std::vector<Type> out;
    for (std::size_t j = 0; j < count; ++j) out.push_back(dim_over_void(candidate.dims[ci + j]));
    return out;
  }

  // D**count against candidate dims [ci, ci + count), then the rest.
  bool power(std::size_t pi, std::size_t ci, std::size_t count, Bindings& b) const {
    const Type& base = power_base(pattern.dims[pi]);
    for (std::size_t j = 0; j < count; ++j)
      if (!match_one_dim(base, candidate.dims[ci + j], b)) return false;
    return run(pi + 1, ci + count, b);
  }

  bool run(std::size_t pi, std::size_t ci, Bindings& b) const {
    const std::size_t avail = candidate.dims.size() - ci;
    if (pi == pattern.dims.size()) {
      if (pattern.dtype.kind() == Kind::Any) return true;  // Any absorbs the remaining dims
      return avail == 0 && match_type(pattern.dtype, candidate.dtype, b);
    }
    const Type& p = pattern.dims[pi];
    const std::size_t need = min_needed(pi + 1);
    switch (p.kind()) {
      case Kind::EllipsisDim: {
        if (avail < need) return false;
        for (std::size_t k = avail - need + 1; k-- > 0;) {  // longest first
          Bindings trial = b;
          if (bind_ellipsis(p.name(), absorbed(ci, k), trial) && run(pi + 1, ci + k, trial)) {
            b = std::move(trial);
            return true;
          }
        }
        return false;
      }
      case Kind::DimPower: {
        if (const DimBinding* n = b.dim(p.name())) {
          if (n->tag != DimBinding::Tag::fixed || n->shape < 0 ||
              static_cast<std::size_t>(n->shape) > avail)
            return false;
          return power(pi, ci, static_cast<std::size_t>(n->shape), b);
        }
        if (avail < need) return false;
        for (std::size_t k = avail - need + 1; k-- > 0;) {
          Bindings trial = b;
          trial.bind_dim(p.name(), DimBinding::fixed(static_cast<int64_t>(k)));
          if (power(pi, ci, k, trial)) {
            b = std::move(trial);
            return true;
          }
        }
        return false;
      }
      default:
        if (avail == 0) return false;
        return match_one_dim(p, candidate.dims[ci], b) && run(pi + 1, ci + 1, b);
    }
  }
};

bool match_dims(const Type& p, const Type& c, Bindings& b) {
  const DimChain pattern = split_dims(p);
  const DimChain candidate = split_dims(c);
  return DimMatch{pattern, candidate}.run(0, 0, b);
}

bool match_kind(Kind k, const Type& c) {
  const Kind ck = c.kind();
  switch (k) {
    case Kind::Scalar:
      return c.is_scalar() || (ck >= Kind::Scalar && ck <= Kind::FixedBytesKind);
    case Kind::Integer:
      return c.is_integer() || ck == Kind::Integer || ck == Kind::Signed || ck == Kind::Unsigned;
    case Kind::Signed:
      return c.is_signed() || ck == Kind::Signed;
    case Kind::Unsigned:
      return c.is_unsigned() || ck == Kind::Unsigned;
    case Kind::Float:
      return c.is_float() || ck == Kind::Float;
    case Kind::Complex:
      return c.is_complex() || ck == Kind::Complex;
    case Kind::FixedStringKind:
      return ck == Kind::FixedString || ck == Kind::FixedStringKind;
    case Kind::FixedBytesKind:
      return ck == Kind::FixedBytes || ck == Kind::FixedBytesKind;
    default:
      return false;
  }
}

// Tuples and records: member-wise; a variadic pattern matches a prefix.
bool match_members(const Type& p, const Type& c, Bindings& b) {
  const auto pf = p.fields();
  const auto cf = c.fields();
  if (c.variadic() && !p.variadic()) return false;
  if (p.variadic() ? cf.size() < pf.size() : cf.size() != pf.size()) return false;
  for (std::size_t i = 0; i < pf.size(); ++i) {
    if (pf[i].name != cf[i].name) return false;
    if (!match_type(pf[i].type, cf[i].type, b)) return false;
  }
  if (p.is_concrete() && c.is_concrete()) {
    // Equal member types in a different layout (pack=, align=) are a different type.
    if (p.size() != c.size() || p.align() != c.align()) return false;
    for (std::size_t i = 0; i < pf.size(); ++i)
      if (pf[i].offset != cf[i].offset) return false;
  }
  return true;
}

bool match_union(const Type& p, const Type& c, Bindings& b) {
  const auto pf = p.fields();
  const auto cf = c.fields();
  if (pf.size() != cf.size()) return false;
  for (std::size_t i = 0; i < pf.size(); ++i)
    if (pf[i].name != cf[i].name || !match_type(pf[i].type, cf[i].type, b)) return false;
  return true;
}

bool match_function(const Type& p, const Type& c, Bindings& b) {
  const int64_t pn = p.npositional(), cn = c.npositional();
  if (c.variadic() && !p.variadic()) return false;
  if (p.variadic() ? cn < pn : cn != pn) return false;
  const auto pf = p.fields();
  const auto cf = c.fields();
  for (int64_t i = 0; i < pn; ++i)
    if (!match_type(pf[i].type, cf[i].type, b)) return false;
  // Keywords by name; without `...` the candidate has no others.
  const std::size_t p_kw = pf.size() - static_cast<std::size_t>(pn);
  const std::size_t c_kw = cf.size() - static_cast<std::size_t>(cn);
  if (c.kw_variadic() && !p.kw_variadic()) return false;
  if (p.kw_variadic() ? c_kw < p_kw : c_kw != p_kw) return false;
  for (std::size_t i = static_cast<std::size_t>(pn); i < pf.size(); ++i) {
    auto it = std::find_if(cf.begin() + cn, cf.end(),
                           [&](const Type::Field& f) { return f.name == pf[i].name; });
    if (it == cf.end() || !match_type(pf[i].type, it->type, b)) return false;
  }
  const auto po = p.outputs();
  const auto co = c.outputs();
  if (po.size() != co.size()) return false;
  for (std::size_t i = 0; i < po.size(); ++i)
    if (!match_type(po[i], co[i], b)) return false;
  return true;
}

bool match_type(const Type& p, const Type& c, Bindings& b) {
  if (p.kind() == Kind::Any) return true;
  if (p.is_dim() || c.is_dim()) return match_dims(p, c, b);
  if (p.is_concrete() && p == c) return true;
  switch (p.kind()) {
    case Kind::Scalar:
    case Kind::Integer:
    case Kind::Signed:
    case Kind::Unsigned:
    case Kind::Float:
    case Kind::Complex:
    case Kind::FixedStringKind:
    case Kind::FixedBytesKind:
      return match_kind(p.kind(), c);
    case Kind::Typevar:
      if (c.kind() == Kind::Function) return false;
      if (const Type* old = b.typevar(p.name())) return *old == c;
      b.bind_typevar(p.name(), c);
      return true;
    case Kind::Option:
    case Kind::Pointer:
      return c.kind() == p.kind() && match_type(p.child(), c.child(), b);
    case Kind::Constructor:
      return c.kind() == Kind::Constructor && c.name() == p.name() &&
             match_type(p.child(), c.child(), b);
    case Kind::Tuple:
    case Kind::Record:
      return c.kind() == p.kind() && match_members(p, c, b);
    case Kind::Union:
      return c.kind() == Kind::Union && match_union(p, c, b);
    case Kind::Function:
      return c.kind() == Kind::Function && match_function(p, c, b);
    default:  // concrete scalars and nominal types match only themselves
      return p == c;
  }
}

void require_type(const Type& t, const char* what) {
  if (!t) throw Error(ErrorCode::invalid_argument, fmt::format("{}: empty type", what));
}

// ----- substitution -----------------------------------------------------------------

class Substituter {
 public:
  Substituter(const Bindings& b, const Type& root) : b_(b), root_(root) {}

  Type run(const Type& p) const {
    if (p.is_concrete()) return p;
    if (p.is_dim()) return dims(p);
    switch (p.kind()) {
      case Kind::Typevar: {
        const Type* t = b_.typevar(p.name());
        if (!t) unbound(fmt::format("type variable '{}'", p.name()));
        return *t;
      }
      case Kind::Option: {
        Type child = run(p.child());
        return child.kind() == Kind::Option ? child : make_option(child);
      }
      case Kind::Pointer:
        return make_pointer(run(p.child()));
      case Kind::Constructor:
        return make_constructor(p.name(), run(p.child()));
      case Kind::Tuple:
      case Kind::Record:
        return members(p);
      case Kind::Union: {
        std::vector<std::pair<std::string, Type>> out;
        for (const auto& f : p.fields()) out.emplace_back(f.name, run(f.type));
        return make_union(std::move(out));
      }
      case Kind::Function:
        return function(p);
      default:
        return p;  // kinds, nominal types
    }
  }

 private:
  [[noreturn]] void unbound(const std::string& what) const {
    throw Error(ErrorCode::type,
                fmt::format("substitute: {} is unbound in '{}'", what, root_.str()));
  }

  // The dims that one pattern dim stands for (each over void).
  void expand(const Type& d, std::vector<Type>& out) const {
    switch (d.kind()) {
      case Kind::SymbolicDim: {
        const DimBinding* v = b_.dim(d.name());
        if (!v) unbound(fmt::format("dim variable '{}'", d.name()));
        switch (v->tag) {
          case DimBinding::Tag::fixed:
            out.push_back(make_fixed_dim(v->shape, void_));
            break;
          case DimBinding::Tag::var:
            out.push_back(make_var_dim(void_));
            break;
          case DimBinding::Tag::symbolic:
            out.push_back(make_symbolic_dim(v->symbol, void_));
            break;
        }
        return;
      }
      case Kind::EllipsisDim: {
        const std::vector<Type>* v = b_.ellipsis(d.name());
        if (!v) unbound(fmt::format("ellipsis '{}'", ellipsis_label(d.name())));
        out.insert(out.end(), v->begin(), v->end());
        return;
      }
      case Kind::DimPower: {
        const DimBinding* v = b_.dim(d.name());
        if (!v) unbound(fmt::format("dim power exponent '{}'", d.name()));
        if (v->tag != DimBinding::Tag::fixed)
          throw Error(ErrorCode::type,
                      fmt::format("substitute: dim power exponent '{}' is bound to '{}', not "
                                  "a count, in '{}'",
                                  d.name(), v->str(), root_.str()));
        std::vector<Type> base;
        expand(power_base(d), base);
        for (int64_t i = 0; i < v->shape; ++i) out.insert(out.end(), base.begin(), base.end());
        return;
      }
      default:
        out.push_back(dim_over_void(d));
        return;
    }
  }

  Type dims(const Type& p) const {
    const DimChain chain = split_dims(p);
    std::vector<Type> out;
    for (const auto& d : chain.dims) expand(d, out);
    Type t = run(chain.dtype);
    for (std::size_t i = out.size(); i-- > 0;) t = put_dim(out[i], t);
    return t;
  }

  Type members(const Type& p) const {
    std::vector<FieldSpec> specs;
    for (const auto& f : p.fields()) {
      // Abstract records keep the requested |align=| (> 0) or |pack=| (< 0) in align.
      specs.push_back({f.name, run(f.type), f.align > 0 ? f.align : 0, f.align < 0 ? -f.align : 0});
    }
    RecordOptions options{p.node()->a, p.node()->b, p.variadic()};
    return p.kind() == Kind::Tuple ? ndt::make_tuple(std::move(specs), options)
                                   : make_record(std::move(specs), options);
  }

  Type function(const Type& p) const {
    const auto fields = p.fields();
    const auto npos = static_cast<std::size_t>(p.npositional());
    std::vector<Type> positional;
    std::vector<std::pair<std::string, Type>> keywords;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i < npos)
        positional.push_back(run(fields[i].type));
      else
        keywords.emplace_back(fields[i].name, run(fields[i].type));
    }
    std::vector<Type> outputs;
    for (const auto& o : p.outputs()) outputs.push_back(run(o));
    return make_function(std::move(positional), std::move(keywords), std::move(outputs),
                         p.variadic(), p.kw_variadic());
  }

  const Bindings& b_;
  const Type& root_;
};

// ----- promotion and unification ----------------------------------------------------

bool is_numeric(const Type& t) {
  return t.kind() == Kind::Bool || t.is_integer() || t.is_float() || t.is_complex();
}

// Width of an integer type in bits (its size: integers have no padding).
int int_bits(const Type& t) { return static_cast<int>(t.size()) * 8; }

Kind signed_of_bits(int bits) {
  switch (bits) {
    case 8:
      return Kind::Int8;
    case 16:
      return Kind::Int16;
    case 32:
      return Kind::Int32;
    case 64:
      return Kind::Int64;
    default:
      return Kind::Int128;
  }
}

// The smallest float that holds every integer of `bits` bits, as NumPy chooses
// (64-bit integers go to float64 although it cannot hold them all).
Kind float_for_int(int bits) {
  return bits <= 8 ? Kind::Float16 : bits <= 16 ? Kind::Float32 : Kind::Float64;
}

Kind float_max(Kind x, Kind y) {
  if (x == y) return x;
  auto rank = [](Kind k) { return k == Kind::Float64 ? 3 : k == Kind::Float32 ? 2 : 1; };
  if (rank(x) == rank(y)) return Kind::Float32;  // float16 with bfloat16
  return rank(x) > rank(y) ? x : y;
}

// The real component of a complex, the float holding a value of any other numeric kind
// (nullopt for bool, which fits everywhere).
std::optional<Kind> component(const Type& t) {
  if (t.kind() == Kind::Complex64) return Kind::Float32;
  if (t.kind() == Kind::Complex128) return Kind::Float64;
  if (t.is_float()) return t.kind();
  if (t.is_integer()) return float_for_int(int_bits(t));
  return std::nullopt;
}

Type try_promote(const Type& a, const Type& b) {
  if (!is_numeric(a) || !is_numeric(b)) return {};
  if (a == b) return a;
  if (a.kind() == Kind::Bool) return b;
  if (b.kind() == Kind::Bool) return a;
  if (a.is_complex() || b.is_complex()) {
    const Kind f = float_max(*component(a), *component(b));
    return primitive(f == Kind::Float64 ? Kind::Complex128 : Kind::Complex64);
  }
  if (a.is_float() && b.is_float()) return primitive(float_max(a.kind(), b.kind()));
  if (a.is_float() || b.is_float()) {
    const Type& f = a.is_float() ? a : b;
    const int bits = int_bits(a.is_float() ? b : a);
    if (f.kind() == Kind::BFloat16 && bits == 8) return f;  // 8 significand bits suffice
    return primitive(float_max(f.kind(), float_for_int(bits)));
  }
  const int a_bits = int_bits(a), b_bits = int_bits(b);
  if (a.is_signed() == b.is_signed()) return a_bits >= b_bits ? a : b;
  const Type& s = a.is_signed() ? a : b;
  const int s_bits = a.is_signed() ? a_bits : b_bits;
  const int u_bits = a.is_signed() ? b_bits : a_bits;
  if (s_bits > u_bits) return s;
  if (u_bits < 64) return primitive(signed_of_bits(2 * u_bits));
  return float64;  // uint64 with a signed type: NumPy's choice
}

Type strip_option(const Type& t) { return t.kind() == Kind::Option ? t.child() : t; }

Type try_unify(const Type& a, const Type& b) {
  if (a == b) return a;
  if (a.kind() == Kind::Option || b.kind() == Kind::Option) {
    Type u = try_unify(strip_option(a), strip_option(b));
    if (!u) return {};
    return u.kind() == Kind::Option ? u : make_option(u);
  }
  if (is_numeric(a) && is_numeric(b)) return try_promote(a, b);
  if (a.kind() != b.kind()) return {};
  switch (a.kind()) {
    case Kind::FixedDim: {
      if (a.shape() != b.shape()) return {};
      Type e = try_unify(a.child(), b.child());
      return e ? make_fixed_dim(a.shape(), e) : Type();
    }
    case Kind::VarDim: {
      Type e = try_unify(a.child(), b.child());
      return e ? make_var_dim(e) : Type();
    }
    case Kind::Tuple:
    case Kind::Record: {
      const auto af = a.fields();
      const auto bf = b.fields();
      if (af.size() != bf.size() || a.variadic() || b.variadic()) return {};
      std::vector<FieldSpec> specs;
      for (std::size_t i = 0; i < af.size(); ++i) {
        if (af[i].name != bf[i].name) return {};
        Type e = try_unify(af[i].type, bf[i].type);
        if (!e) return {};
        specs.push_back({af[i].name, e});
      }
      return a.kind() == Kind::Tuple ? ndt::make_tuple(std::move(specs))
                                     : make_record(std::move(specs));
    }
    default:
      return {};
  }
}

}  // namespace

// ----- Bindings ---------------------------------------------------------------------

std::string DimBinding::str() const {
  switch (tag) {
    case Tag::fixed:
      return fmt::format("{}", shape);
    case Tag::var:
      return "var";
    case Tag::symbolic:
      return symbol;
  }
  return "?";
}

const Type* Bindings::typevar(std::string_view name) const {
  auto it = typevars_.find(name);
  return it == typevars_.end() ? nullptr : &it->second;
}

const DimBinding* Bindings::dim(std::string_view name) const {
  auto it = dims_.find(name);
  return it == dims_.end() ? nullptr : &it->second;
}

const std::vector<Type>* Bindings::ellipsis(std::string_view name) const {
  auto it = ellipses_.find(name);
  return it == ellipses_.end() ? nullptr : &it->second;
}

void Bindings::bind_typevar(std::string_view name, const Type& type) {
  require_type(type, "Bindings::bind_typevar");
  typevars_.insert_or_assign(std::string(name), type);
}

void Bindings::bind_dim(std::string_view name, const DimBinding& value) {
  dims_.insert_or_assign(std::string(name), value);
}

void Bindings::bind_ellipsis(std::string_view name, std::vector<Type> dims) {
  for (const auto& d : dims)
    if (!d || !d.is_dim() || d.child() != void_)
      throw Error(ErrorCode::invalid_argument,
                  "Bindings::bind_ellipsis: each dim must be a single dim over void");
  ellipses_.insert_or_assign(std::string(name), std::move(dims));
}

std::size_t Bindings::size() const noexcept {
  return typevars_.size() + dims_.size() + ellipses_.size();
}

void Bindings::clear() noexcept {
  typevars_.clear();
  dims_.clear();
  ellipses_.clear();
}

std::string Bindings::str() const {
  std::vector<std::string> parts;
  for (const auto& [name, t] : typevars_) parts.push_back(fmt::format("{} = {}", name, t.str()));
  for (const auto& [name, d] : dims_) parts.push_back(fmt::format("{} = {}", name, d.str()));
  for (const auto& [name, dims] : ellipses_)
    parts.push_back(fmt::format("{} = [{}]", ellipsis_label(name), dims_str(dims)));
  return fmt::format("{{{}}}", fmt::join(parts, ", "));
}

std::ostream& operator<<(std::ostream& os, const Bindings& b) { return os << b.str(); }

std::string dims_str(std::span<const Type> dims) {
  std::string out;
  for (std::size_t i = 0; i < dims.size(); ++i) {
    if (i) out += " * ";
    print_dim(out, dims[i]);
  }
  return out;
}

// ----- entry points -----------------------------------------------------------------

bool match(const Type& pattern, const Type& candidate, Bindings& out) {
  require_type(pattern, "match");
  require_type(candidate, "match");
  Bindings trial = out;
  if (!match_type(pattern, candidate, trial)) return false;
  out = std::move(trial);
  return true;
}

bool match_signature(const Type& fn, std::span<const Type> args, Bindings& out) {
  require_type(fn, "match_signature");
  if (fn.kind() != Kind::Function)
    throw Error(ErrorCode::type,
                fmt::format("match_signature: '{}' is not a function type", fn.str()));
  const auto npos = static_cast<std::size_t>(fn.npositional());
  if (args.size() < npos || (args.size() > npos && !fn.variadic())) return false;
  Bindings trial = out;
  const auto params = fn.fields();
  for (std::size_t i = 0; i < npos; ++i) {
    require_type(args[i], "match_signature");
    if (!match_type(params[i].type, args[i], trial)) return false;
  }
  out = std::move(trial);
  return true;
}

Type substitute(const Type& pattern, const Bindings& bindings) {
  require_type(pattern, "substitute");
  return Substituter(bindings, pattern).run(pattern);
}

Type promote(const Type& a, const Type& b) {
  require_type(a, "promote");
  require_type(b, "promote");
  Type t = try_promote(a, b);
  if (!t)
    throw Error(ErrorCode::type,
                fmt::format("promote: no common numeric type for '{}' and '{}'", a.str(), b.str()));
  return t;
}

Type unify(const Type& a, const Type& b) {
  require_type(a, "unify");
  require_type(b, "unify");
  Type t = try_unify(a, b);
  if (!t)
    throw Error(ErrorCode::type,
                fmt::format("unify: no common type for '{}' and '{}'", a.str(), b.str()));
  return t;
}

}  // namespace pluribus::ndt
