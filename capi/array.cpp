// Arrays over the C ABI: handles and their counts, creation (library or caller memory),
// the typed-buffer description, views, single elements, assignment and copies.
#include <cstddef>
#include <cstring>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <fmt/format.h>

#include "array_handle.hpp"
#include "boundary.hpp"
#include "container/array.hpp"

namespace {

using pluribus::Error;
using pluribus::ErrorCode;
using pluribus::capi::array_of;
using pluribus::capi::borrow;
using pluribus::capi::clear_out;
using pluribus::capi::give_array;
using pluribus::capi::guard;
using pluribus::capi::require;
namespace nd = pluribus::nd;
namespace ndt = pluribus::ndt;

void check_casts(uint32_t checks) {
  if (checks & ~static_cast<uint32_t>(PLB_CAST_ALL))
    throw Error(ErrorCode::invalid_argument, fmt::format("unknown cast checks {:#x}", checks));
}

// A count argument (ndim, naxes, nindices) with its array: negative counts are refused and
// a positive count needs the array.
template <class T>
std::span<const T> counted(const T* items, int64_t count, const char* count_name,
                           const char* items_name) {
  if (count < 0)
    throw Error(ErrorCode::invalid_argument, fmt::format("{} {} is negative", count_name, count));
  if (count == 0) return {};
  require(items, items_name);
  return {items, static_cast<std::size_t>(count)};
}

std::vector<int> axes_of(const int32_t* axes, int32_t naxes) {
  const auto span = counted(axes, naxes, "naxes", "axes");
  return {span.begin(), span.end()};
}

nd::Index index_of(const plb_index& index, int64_t position) {
  // A C caller may store any int in the enum field; reading it as plb_index_kind would be
  // undefined for values outside the enum's range, so the bytes are read as an integer.
  std::underlying_type_t<plb_index_kind> kind;
  static_assert(sizeof kind == sizeof index.kind);
  std::memcpy(&kind, &index.kind, sizeof kind);
  switch (kind) {
    case PLB_INDEX_INTEGER:
      return nd::Index(index.integer);
    case PLB_INDEX_SLICE: {
      nd::Slice s;
      if (index.has_start) s.start = index.start;
      if (index.has_stop) s.stop = index.stop;
      s.step = index.step;
      return nd::Index(s);
    }
    case PLB_INDEX_ELLIPSIS:
      return nd::Index(nd::ellipsis);
    case PLB_INDEX_NEWAXIS:
      return nd::Index(nd::newaxis);
    case PLB_INDEX_FIELD:
      if (!index.field)
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("index {} is a field whose name is NULL", position));
      return nd::Index(index.field);
  }
  throw Error(ErrorCode::invalid_argument,
              fmt::format("index {} has an unknown kind {}", position, kind));
}

// plb_array_get converts to numbers and bool only (strings: plb_array_get_string).
void check_numeric(const ndt::Type& to) {
  const bool numeric =
      to.kind() == ndt::Kind::Bool || to.is_integer() || to.is_float() || to.is_complex();
  if (!numeric)
    throw Error(ErrorCode::type,
                fmt::format("plb_array_get converts to a number or bool, not {}", to.str()));
}

// Runs `make` and stores its array as a new handle in *out (NULL first, so that a failure
// leaves NULL).
template <class Make>
plb_status make_array(plb_array** out, plb_error* err, Make&& make) {
  clear_out(out);
  return guard(err, [&] {
    require(out, "out_array");
    *out = give_array(make());
  });
}

}  // namespace

extern "C" {

// ----- handles ------------------------------------------------------------------------------

plb_array* plb_array_retain(plb_array* array) {
  if (array) array->references.fetch_add(1, std::memory_order_relaxed);
  return array;
}

void plb_array_release(plb_array* array) {
  if (array && array->references.fetch_sub(1, std::memory_order_acq_rel) == 1) delete array;
}

// ----- creation -----------------------------------------------------------------------------

plb_status plb_array_empty(const plb_type* type, plb_array** out_array, plb_error* err) {
  return make_array(out_array, err, [&] { return nd::Array::empty(borrow(type)); });
}

plb_status plb_array_zeros(const plb_type* type, plb_array** out_array, plb_error* err) {
  return make_array(out_array, err, [&] { return nd::Array::zeros(borrow(type)); });
}

plb_status plb_array_from_pointer(void* data, const plb_type* dtype, int32_t ndim,
                                  const int64_t* shape, const int64_t* strides, bool readonly,
                                  plb_release_fn release, void* release_user, plb_array** out_array,
                                  plb_error* err) {
  clear_out(out_array);
  return guard(err, [&] {
    require(dtype, "dtype");
    const ndt::Type element = borrow(dtype);
    require(out_array, "out_array");
    const auto extents = counted(shape, ndim, "ndim", "shape");
    const auto steps = counted(strides, ndim, "ndim", "strides");
    bool empty = false;
    for (int64_t extent : extents) empty = empty || extent == 0;
    if (!empty) require(data, "data");
    // The callback is armed only once the handle exists: until then every failure (a
    // validation in from_pointer, the handle's allocation) drops the memory owner without
    // running it, and the memory stays the caller's.
    auto armed = std::make_shared<bool>(false);
    std::function<void()> on_release;
    if (release)
      on_release = [armed, release, release_user] {
        if (*armed) release(release_user);
      };
    plb_array* handle = give_array(
        nd::Array::from_pointer(data, element, extents, steps, std::move(on_release), readonly));
    *armed = true;
    *out_array = handle;
  });
}

// ----- description --------------------------------------------------------------------------

plb_status plb_array_buffer(const plb_array* array, plb_buffer* out_buffer, plb_error* err) {
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(out_buffer, "out_buffer");
    plb_buffer b{};
    b.data = a.data();
    // Borrowed: the type node the handle's array holds (no reference is added).
    b.dtype = reinterpret_cast<const plb_type*>(a.dtype().node());
    b.ndim = a.ndim();
    b.readonly = a.readonly();
    b.shape = a.shape().data();
    b.strides = a.strides().data();
    *out_buffer = b;
  });
}

plb_status plb_array_type(const plb_array* array, plb_type** out_type, plb_error* err) {
  clear_out(out_type);
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(out_type, "out_type");
    *out_type = pluribus::capi::give(a.type());
  });
}

plb_status plb_array_size(const plb_array* array, int64_t* out_size, plb_error* err) {
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(out_size, "out_size");
    *out_size = a.size();
  });
}

// ----- views --------------------------------------------------------------------------------

plb_status plb_array_index(const plb_array* array, int64_t nindices, const plb_index* indices,
                           plb_array** out_view, plb_error* err) {
  clear_out(out_view);
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(out_view, "out_view");
    std::vector<nd::Index> list;
    int64_t position = 0;
    for (const plb_index& index : counted(indices, nindices, "nindices", "indices"))
      list.push_back(index_of(index, position++));
    *out_view = give_array(a(std::span<const nd::Index>(list)));
  });
}

plb_status plb_array_field(const plb_array* array, const char* name, plb_array** out_view,
                           plb_error* err) {
  clear_out(out_view);
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(name, "name");
    require(out_view, "out_view");
    *out_view = give_array(a.field(std::string_view(name)));
  });
}

plb_status plb_array_transpose(const plb_array* array, int32_t naxes, const int32_t* axes,
                               plb_array** out_view, plb_error* err) {
  clear_out(out_view);
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(out_view, "out_view");
    const std::vector<int> list = axes_of(axes, naxes);
    *out_view = give_array(a.transpose(std::span<const int>(list)));
  });
}

plb_status plb_array_reshape(const plb_array* array, int32_t ndim, const int64_t* shape,
                             plb_array** out_array, plb_error* err) {
  clear_out(out_array);
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(out_array, "out_array");
    *out_array = give_array(a.reshape(counted(shape, ndim, "ndim", "shape")));
  });
}

plb_status plb_array_broadcast_to(const plb_array* array, int32_t ndim, const int64_t* shape,
                                  plb_array** out_view, plb_error* err) {
  clear_out(out_view);
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(out_view, "out_view");
    *out_view = give_array(a.broadcast_to(counted(shape, ndim, "ndim", "shape")));
  });
}

plb_status plb_array_squeeze(const plb_array* array, int32_t naxes, const int32_t* axes,
                             plb_array** out_view, plb_error* err) {
  clear_out(out_view);
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(out_view, "out_view");
    const std::vector<int> list = axes_of(axes, naxes);
    *out_view = give_array(a.squeeze(std::span<const int>(list)));
  });
}

// ----- elements -----------------------------------------------------------------------------

plb_status plb_array_get(const plb_array* array, const plb_type* to, void* out, plb_error* err) {
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(to, "to");
    const ndt::Type target = borrow(to);
    require(out, "out");
    check_numeric(target);
    nd::detail::read_scalar(a, target, out);
  });
}

plb_status plb_array_get_string(const plb_array* array, char** out_string, plb_error* err) {
  clear_out(out_string);
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(out_string, "out_string");
    *out_string = pluribus::capi::give_string(nd::detail::read_string(a));
  });
}

plb_status plb_array_is_missing(const plb_array* array, bool* out_missing, plb_error* err) {
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(out_missing, "out_missing");
    *out_missing = a.is_missing();
  });
}

plb_status plb_array_set(const plb_array* array, const plb_type* from, const void* value,
                         uint32_t checks, plb_error* err) {
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(from, "from");
    const ndt::Type source_type = borrow(from);
    require(value, "value");
    check_casts(checks);
    if (source_type.is_dim())
      throw Error(ErrorCode::type,
                  fmt::format("plb_array_set takes one element, not {}", source_type.str()));
    // A read-only 0-dim view of the caller's value; it owns nothing.
    const nd::Array source =
        nd::Array::from_pointer(const_cast<void*>(value), source_type, {}, true);
    a.assign(source, checks);
  });
}

plb_status plb_array_set_string(const plb_array* array, const char* text, size_t length,
                                plb_error* err) {
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    const std::string_view value = pluribus::capi::text_argument(text, length, "text");
    a.assign(nd::Array::scalar(value));
  });
}

plb_status plb_array_set_missing(const plb_array* array, plb_error* err) {
  return guard(err, [&] { array_of(array).set_missing(); });
}

// ----- copies and assignment ----------------------------------------------------------------

plb_status plb_array_assign(const plb_array* to, const plb_array* from, uint32_t checks,
                            plb_error* err) {
  return guard(err, [&] {
    const nd::Array& target = array_of(to, "to");
    const nd::Array& source = array_of(from, "from");
    check_casts(checks);
    target.assign(source, checks);
  });
}

plb_status plb_array_copy(const plb_array* array, plb_array** out_array, plb_error* err) {
  return make_array(out_array, err, [&] { return array_of(array).copy(); });
}

plb_status plb_array_astype(const plb_array* array, const plb_type* dtype, uint32_t checks,
                            plb_array** out_array, plb_error* err) {
  return make_array(out_array, err, [&] {
    const nd::Array& a = array_of(array);
    require(dtype, "dtype");
    const ndt::Type target = borrow(dtype);
    check_casts(checks);
    return a.astype(target, checks);
  });
}

}  // extern "C"
