// plb_type: parsing, printing, comparison and layout queries of types over the C ABI.
#include <fmt/format.h>

#include "boundary.hpp"

namespace {

using pluribus::Error;
using pluribus::ErrorCode;
using pluribus::capi::borrow;
using pluribus::capi::give;
using pluribus::capi::give_string;
using pluribus::capi::guard;
using pluribus::capi::require;
namespace ndt = pluribus::ndt;

static_assert(PLB_KIND_ANY == static_cast<int>(ndt::Kind::Any));
static_assert(PLB_KIND_VOID == static_cast<int>(ndt::Kind::Void));
static_assert(PLB_KIND_COMPLEX128 == static_cast<int>(ndt::Kind::Complex128));
static_assert(PLB_KIND_TYPE == static_cast<int>(ndt::Kind::TypeType));
static_assert(PLB_KIND_OPTION == static_cast<int>(ndt::Kind::Option));
static_assert(PLB_KIND_FIXED_DIM == static_cast<int>(ndt::Kind::FixedDim));
static_assert(PLB_KIND_DIM_POWER == static_cast<int>(ndt::Kind::DimPower));
static_assert(PLB_KIND_TUPLE == static_cast<int>(ndt::Kind::Tuple));
static_assert(PLB_KIND_TYPEVAR == static_cast<int>(ndt::Kind::Typevar));

// Writes one int64 per leading dim, checking the caller's capacity first.
void write_dims(const std::vector<int64_t>& values, int64_t* out, int64_t capacity) {
  if (capacity < 0)
    throw Error(ErrorCode::invalid_argument, fmt::format("capacity {} is negative", capacity));
  if (capacity < static_cast<int64_t>(values.size()))
    throw Error(ErrorCode::invalid_argument,
                fmt::format("capacity {} is smaller than ndim {}", capacity, values.size()));
  if (!values.empty()) require(out, "out array");
  for (std::size_t i = 0; i < values.size(); ++i) out[i] = values[i];
}

const ndt::Type::Field& field_at(const ndt::Type& t, int64_t index) {
  const auto fields = t.fields();
  if (index < 0 || index >= static_cast<int64_t>(fields.size()))
    throw Error(ErrorCode::index, fmt::format("field index {} is out of range for type '{}' "
                                              "with {} fields",
                                              index, t.str(), fields.size()));
  return fields[static_cast<std::size_t>(index)];
}

}  // namespace

extern "C" {

const char* plb_kind_name(plb_kind kind) {
  if (kind < PLB_KIND_ANY || kind > PLB_KIND_TYPEVAR) return nullptr;
  // kind_name returns views of string literals, so data() is NUL-terminated.
  return ndt::kind_name(static_cast<ndt::Kind>(kind)).data();
}

plb_status plb_type_parse(const char* datashape, size_t length, unsigned flags,
                          plb_type** out_type, plb_error* err) {
  if (out_type) *out_type = nullptr;
  return guard(err, [&] {
    const auto text = pluribus::capi::text_argument(datashape, length, "datashape");
    require(out_type, "out_type");
    if (flags & ~static_cast<unsigned>(PLB_PARSE_REQUIRE_CONCRETE))
      throw Error(ErrorCode::invalid_argument, fmt::format("unknown parse flags {:#x}", flags));
    ndt::ParseOptions options;
    options.require_concrete = (flags & PLB_PARSE_REQUIRE_CONCRETE) != 0;
    *out_type = give(ndt::parse(text, options));
  });
}

plb_type* plb_type_retain(plb_type* type) {
  if (type) ndt::detail::retain(reinterpret_cast<const ndt::detail::Node*>(type));
  return type;
}

void plb_type_release(plb_type* type) {
  if (type) ndt::detail::release(reinterpret_cast<const ndt::detail::Node*>(type));
}

plb_status plb_type_to_string(const plb_type* type, char** out_string, plb_error* err) {
  if (out_string) *out_string = nullptr;
  return guard(err, [&] {
    const ndt::Type t = borrow(type);
    require(out_string, "out_string");
    *out_string = give_string(t.str());
  });
}

plb_status plb_type_equal(const plb_type* a, const plb_type* b, bool* out_equal, plb_error* err) {
  return guard(err, [&] {
    require(a, "a");
    require(b, "b");
    require(out_equal, "out_equal");
    // Hash-consing makes structural equality identity of the nodes.
    *out_equal = borrow(a) == borrow(b);
  });
}

plb_status plb_type_hash(const plb_type* type, uint64_t* out_hash, plb_error* err) {
  return guard(err, [&] {
    const ndt::Type t = borrow(type);
    require(out_hash, "out_hash");
    *out_hash = static_cast<uint64_t>(t.hash());
  });
}

plb_status plb_type_kind(const plb_type* type, plb_kind* out_kind, plb_error* err) {
  return guard(err, [&] {
    const ndt::Type t = borrow(type);
    require(out_kind, "out_kind");
    *out_kind = static_cast<plb_kind>(t.kind());
  });
}

plb_status plb_type_is_concrete(const plb_type* type, bool* out_concrete, plb_error* err) {
  return guard(err, [&] {
    const ndt::Type t = borrow(type);
    require(out_concrete, "out_concrete");
    *out_concrete = t.is_concrete();
  });
}

plb_status plb_type_size(const plb_type* type, int64_t* out_size, plb_error* err) {
  return guard(err, [&] {
    const ndt::Type t = borrow(type);
    require(out_size, "out_size");
    *out_size = t.size();
  });
}

plb_status plb_type_alignment(const plb_type* type, int64_t* out_alignment, plb_error* err) {
  return guard(err, [&] {
    const ndt::Type t = borrow(type);
    require(out_alignment, "out_alignment");
    *out_alignment = t.align();
  });
}

plb_status plb_type_ndim(const plb_type* type, int64_t* out_ndim, plb_error* err) {
  return guard(err, [&] {
    const ndt::Type t = borrow(type);
    require(out_ndim, "out_ndim");
    *out_ndim = t.ndim();
  });
}

plb_status plb_type_shape(const plb_type* type, int64_t* out_shape, int64_t capacity,
                          plb_error* err) {
  return guard(err, [&] { write_dims(borrow(type).shape_vector(), out_shape, capacity); });
}

plb_status plb_type_strides(const plb_type* type, int64_t* out_strides, int64_t capacity,
                            plb_error* err) {
  return guard(err, [&] { write_dims(borrow(type).strides(), out_strides, capacity); });
}

plb_status plb_type_dtype(const plb_type* type, plb_type** out_dtype, plb_error* err) {
  if (out_dtype) *out_dtype = nullptr;
  return guard(err, [&] {
    const ndt::Type t = borrow(type);
    require(out_dtype, "out_dtype");
    *out_dtype = give(t.dtype());
  });
}

plb_status plb_type_child(const plb_type* type, plb_type** out_child, plb_error* err) {
  if (out_child) *out_child = nullptr;
  return guard(err, [&] {
    const ndt::Type t = borrow(type);
    require(out_child, "out_child");
    *out_child = give(t.child());
  });
}

plb_status plb_type_field_count(const plb_type* type, int64_t* out_count, plb_error* err) {
  return guard(err, [&] {
    const ndt::Type t = borrow(type);
    require(out_count, "out_count");
    *out_count = static_cast<int64_t>(t.fields().size());
  });
}

plb_status plb_type_field_name(const plb_type* type, int64_t index, char** out_name,
                               size_t* out_length, plb_error* err) {
  if (out_name) *out_name = nullptr;
  return guard(err, [&] {
    const ndt::Type t = borrow(type);
    require(out_name, "out_name");
    const auto& field = field_at(t, index);
    *out_name = give_string(field.name);
    if (out_length) *out_length = field.name.size();
  });
}

plb_status plb_type_field_type(const plb_type* type, int64_t index, plb_type** out_type,
                               plb_error* err) {
  if (out_type) *out_type = nullptr;
  return guard(err, [&] {
    const ndt::Type t = borrow(type);
    require(out_type, "out_type");
    *out_type = give(field_at(t, index).type);
  });
}

plb_status plb_type_field_offset(const plb_type* type, int64_t index, int64_t* out_offset,
                                 plb_error* err) {
  return guard(err, [&] {
    const ndt::Type t = borrow(type);
    require(out_offset, "out_offset");
    const auto& field = field_at(t, index);
    if (t.kind() == ndt::Kind::Function)
      throw Error(ErrorCode::type,
                  fmt::format("parameters of function type '{}' have no offsets", t.str()));
    if (!t.is_concrete())
      throw Error(ErrorCode::type,
                  fmt::format("type '{}' is abstract: its fields have no offsets", t.str()));
    *out_offset = field.offset;
  });
}

plb_status plb_type_field_index(const plb_type* type, const char* name, int64_t* out_index,
                                plb_error* err) {
  return guard(err, [&] {
    const ndt::Type t = borrow(type);
    require(name, "name");
    require(out_index, "out_index");
    if (t.kind() != ndt::Kind::Record)
      throw Error(ErrorCode::type, fmt::format("type '{}' is not a record", t.str()));
    const int64_t index = t.field_index(name);
    if (index < 0)
      throw Error(ErrorCode::lookup, fmt::format("type '{}' has no field '{}'", t.str(), name));
    *out_index = index;
  });
}

}  // extern "C"
