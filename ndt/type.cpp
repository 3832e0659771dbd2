// Accessors of ndt::Type.
#include <fmt/format.h>

#include "ndt/node.hpp"

namespace pluribus::ndt {
namespace {

const detail::Node& node_of(const Type& t) {
  if (!t.node()) throw Error(ErrorCode::invalid_argument, "empty type handle");
  return *t.node();
}

[[noreturn]] void wrong_kind(const Type& t, const char* what) {
  throw Error(ErrorCode::type, fmt::format("{}: not defined for type '{}'", what, t.str()));
}

}  // namespace

std::size_t Type::hash() const noexcept { return node_ ? node_->hash : 0; }
Kind Type::kind() const noexcept { return node_ ? node_->kind : Kind::Void; }
bool Type::is_concrete() const noexcept { return node_ && (node_->flags & detail::kConcrete); }
bool Type::is_dim() const noexcept { return node_ && detail::kind_is_dim(node_->kind); }
bool Type::is_scalar() const noexcept {
  return node_ && node_->kind >= Kind::Void && node_->kind <= Kind::TypeType;
}
bool Type::is_integer() const noexcept {
  return node_ && node_->kind >= Kind::Int8 && node_->kind <= Kind::UInt128;
}
bool Type::is_signed() const noexcept {
  return node_ && node_->kind >= Kind::Int8 && node_->kind <= Kind::Int128;
}
bool Type::is_unsigned() const noexcept {
  return node_ && node_->kind >= Kind::UInt8 && node_->kind <= Kind::UInt128;
}
bool Type::is_float() const noexcept {
  return node_ && node_->kind >= Kind::Float16 && node_->kind <= Kind::Float64;
}
bool Type::is_complex() const noexcept {
  return node_ && (node_->kind == Kind::Complex64 || node_->kind == Kind::Complex128);
}
bool Type::has_var_dim() const noexcept { return node_ && (node_->flags & detail::kHasVar); }
bool Type::has_ellipsis() const noexcept { return node_ && (node_->flags & detail::kEllipsis); }

int64_t Type::size() const {
  const auto& n = node_of(*this);
  if (n.size < 0)
    throw Error(ErrorCode::type, fmt::format("type '{}' is abstract: it has no size", str()));
  return n.size;
}

int64_t Type::align() const {
  const auto& n = node_of(*this);
  if (n.size < 0)
    throw Error(ErrorCode::type,
                fmt::format("type '{}' is abstract: it has no alignment", str()));
  return n.align;
}

int Type::ndim() const noexcept { return node_ ? node_->ndim : 0; }

Type Type::dtype() const {
  Type t = *this;
  while (t.is_dim()) t = t.child();
  return t;
}

const Type& Type::child() const {
  const auto& n = node_of(*this);
  if (!n.child) wrong_kind(*this, "child");
  return n.child;
}

int64_t Type::shape() const {
  const auto& n = node_of(*this);
  if (n.kind != Kind::FixedDim && n.kind != Kind::FixedString && n.kind != Kind::FixedBytes)
    wrong_kind(*this, "shape");
  return n.a;
}

int64_t Type::stride() const {
  const auto& n = node_of(*this);
  if (n.kind != Kind::FixedDim) wrong_kind(*this, "stride");
  return n.b;
}

std::vector<int64_t> Type::shape_vector() const {
  std::vector<int64_t> out;
  for (Type t = *this; t.is_dim(); t = t.child())
    out.push_back(t.kind() == Kind::FixedDim ? t.node()->a : -1);
  return out;
}

std::vector<int64_t> Type::strides() const {
  std::vector<int64_t> out;
  for (Type t = *this; t.is_dim(); t = t.child())
    out.push_back(t.kind() == Kind::FixedDim ? t.node()->b : 0);
  return out;
}

const std::string& Type::name() const {
  const auto& n = node_of(*this);
  switch (n.kind) {
    case Kind::Typevar:
    case Kind::SymbolicDim:
    case Kind::EllipsisDim:
    case Kind::Nominal:
    case Kind::Constructor:
    case Kind::DimPower:
      return n.name;
    default:
      wrong_kind(*this, "name");
  }
}

Encoding Type::encoding() const {
  const auto& n = node_of(*this);
  if (n.kind != Kind::Char && n.kind != Kind::FixedString) wrong_kind(*this, "encoding");
  return n.encoding;
}

std::span<const Type::Field> Type::fields() const {
  const auto& n = node_of(*this);
  if (n.kind != Kind::Record && n.kind != Kind::Tuple && n.kind != Kind::Union &&
      n.kind != Kind::Function)
    wrong_kind(*this, "fields");
  return n.fields;
}

int64_t Type::field_index(std::string_view name) const noexcept {
  if (!node_ || node_->kind != Kind::Record) return -1;
  for (std::size_t i = 0; i < node_->fields.size(); ++i)
    if (node_->fields[i].name == name) return static_cast<int64_t>(i);
  return -1;
}

const Type::Field& Type::field(std::string_view name) const {
  int64_t i = field_index(name);
  if (i < 0)
    throw Error(ErrorCode::index, fmt::format("type '{}' has no field '{}'", str(), name));
  return node_->fields[i];
}

bool Type::variadic() const noexcept { return node_ && node_->variadic; }
bool Type::kw_variadic() const noexcept { return node_ && node_->kw_variadic; }

int64_t Type::npositional() const {
  const auto& n = node_of(*this);
  if (n.kind != Kind::Function) wrong_kind(*this, "npositional");
  return n.a;
}

std::span<const Type> Type::outputs() const {
  const auto& n = node_of(*this);
  if (n.kind != Kind::Function) wrong_kind(*this, "outputs");
  return n.outputs;
}

int64_t Type::precision() const {
  const auto& n = node_of(*this);
  if (n.kind != Kind::Decimal) wrong_kind(*this, "precision");
  return n.a;
}

int64_t Type::scale() const {
  const auto& n = node_of(*this);
  if (n.kind != Kind::Decimal) wrong_kind(*this, "scale");
  return n.b;
}

const std::string& Type::unit() const {
  const auto& n = node_of(*this);
  if (n.kind != Kind::TimeDelta) wrong_kind(*this, "unit");
  return n.name;
}

const std::string& Type::timezone() const {
  const auto& n = node_of(*this);
  if (n.kind != Kind::Time && n.kind != Kind::DateTime) wrong_kind(*this, "timezone");
  return n.name;
}

int64_t Type::target_align() const {
  const auto& n = node_of(*this);
  if (n.kind != Kind::Bytes) wrong_kind(*this, "target_align");
  return n.a;
}

std::span<const Type::CategoricalValue> Type::categories() const {
  const auto& n = node_of(*this);
  if (n.kind != Kind::Categorical) wrong_kind(*this, "categories");
  return n.categories;
}

std::string Type::repr() const { return fmt::format("ndt.type(\"{}\")", str()); }

}  // namespace pluribus::ndt
