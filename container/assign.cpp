// Assignment with broadcasting and casting, deep copies, astype, missing values and the
// single-value accessors.
#include <fmt/format.h>

#include <cstring>

#include "container/array.hpp"
#include "container/element.hpp"
#include "gfunc/call.hpp"
#include "ndt/checked.hpp"

namespace pluribus::nd {

namespace {

// The index tuple of the `flat`-th element (C order) of `shape`, as "[i, j]".
std::string index_text(std::span<const int64_t> shape, int64_t flat) {
  std::vector<int64_t> index(shape.size());
  for (std::size_t d = shape.size(); d-- > 0;) {
    index[d] = shape[d] > 0 ? flat % shape[d] : 0;
    flat = shape[d] > 0 ? flat / shape[d] : 0;
  }
  return fmt::format("[{}]", fmt::join(index, ", "));
}

// A view of the same elements with another dtype at a byte offset (the value or validity
// part of ?T).
Array retyped(const Array& a, const ndt::Type& dtype, int64_t offset) {
  return ArrayBuilder::make(a.memory(), a.data() + offset, dtype, a.shape(), a.strides(), a.readonly());
}

void assign_value(const Array& to, const Array& from, uint32_t checks);

void assign_strings(const Array& to, const Array& from, uint32_t checks) {
  // gfunc's casts malloc each string. They are written to a zeroed scratch array first, so
  // a failure midway frees exactly what was written and the target keeps its old values.
  Array scratch = Array::zeros(to.type());
  try {
    gfunc::assign(scratch.writable_view(), from.view(), checks);
  } catch (...) {
    gfunc::release_strings(scratch.data(), scratch.size(), to.dtype().size());
    throw;
  }
  Memory& memory = *to.memory();
  element::for_each2(to.shape(), to.data(), to.strides(), scratch.data(), scratch.strides(), [&](char* x, char* y) {
    element::Slot s = element::var_slot(y);
    memory.adopt_malloc(s.data);
    element::set_slot(y, nullptr, 0);
    element::set_slot(x, s.data, s.size);
  });
}

void assign_same(const Array& to, const Array& from) {
  if (!element::has_references(to.dtype())) {
    const bool shared = from.memory() == to.memory() || from.memory()->data() == to.memory()->data();
    if (!shared && to.size() >= 4096 &&
        element::copy_tiled(to.dtype().size(), to.shape(), to.data(), to.strides(), from.data(), from.strides()))
      return;
    gfunc::assign(to.writable_view(), from.view());
    return;
  }
  // Deep copy; a source sharing the target's memory is copied out first, so overlapping
  // views read the original values.
  Array source = from.memory() == to.memory() ? from.copy() : from;
  Memory& memory = *to.memory();
  const ndt::Type& dtype = to.dtype();
  element::for_each2(to.shape(), to.data(), to.strides(), source.data(), source.strides(),
                     [&](char* x, char* y) { element::deep_copy(dtype, x, y, memory); });
}

void assign_value(const Array& to, const Array& from, uint32_t checks) {
  const ndt::Type& td = to.dtype();
  const ndt::Type& fd = from.dtype();
  if (td == fd) return assign_same(to, from);
  if (td.kind() == ndt::Kind::Option) {
    const ndt::Type& value = td.child();
    Array valid = retyped(to, ndt::bool_, value.size());
    if (fd.kind() == ndt::Kind::Option) {
      // Missing elements hold zero value bytes, so the value cast cannot fail on them.
      assign_value(retyped(to, value, 0), retyped(from, fd.child(), 0), checks);
      gfunc::assign(valid.writable_view(), retyped(from, ndt::bool_, fd.child().size()).view());
    } else {
      assign_value(retyped(to, value, 0), from, checks);
      gfunc::assign(valid.writable_view(), Array::scalar(true).view());
    }
    return;
  }
  if (fd.kind() == ndt::Kind::Option) {
    const int64_t n = fd.child().size();
    int64_t flat = 0;
    element::for_each(from.data(), from.shape(), from.strides(), [&](char* p) {
      if (p[n] == 0)
        throw Error(ErrorCode::value, fmt::format("cannot assign a missing value to {} at index {}", td.str(),
                                                  index_text(from.shape(), flat)));
      ++flat;
    });
    return assign_value(to, retyped(from, fd.child(), 0), checks);
  }
  if (td.kind() == ndt::Kind::Record && fd.kind() == ndt::Kind::Record) {
    if (td.fields().size() != fd.fields().size())
      throw Error(ErrorCode::type, fmt::format("cannot assign {} to {}: different fields", fd.str(), td.str()));
    for (const auto& f : td.fields()) {
      if (fd.field_index(f.name) < 0)
        throw Error(ErrorCode::type, fmt::format("cannot assign {} to {}: no field '{}'", fd.str(), td.str(), f.name));
      Array x = to.field(f.name), y = from.field(f.name);
      assign_value(x, y.broadcast_to(x.shape()), checks);
    }
    return;
  }
  if (td.kind() == ndt::Kind::Tuple && fd.kind() == ndt::Kind::Tuple && td.fields().size() == fd.fields().size()) {
    for (std::size_t i = 0; i < td.fields().size(); ++i) {
      Array x = to.field(static_cast<int64_t>(i)), y = from.field(static_cast<int64_t>(i));
      assign_value(x, y.broadcast_to(x.shape()), checks);
    }
    return;
  }
  if (gfunc::cast_allocates(fd, td)) return assign_strings(to, from, checks);
  gfunc::assign(to.writable_view(), from.view(), checks);
}

// The single element of a one-element array.
const char* single(const Array& a, const char* what) {
  if (!a) throw Error(ErrorCode::invalid_argument, fmt::format("{}: an empty array handle", what));
  int64_t n = a.size();
  if (n != 1)
    throw Error(ErrorCode::value, fmt::format("{} needs exactly one element; the array has {}", what, n));
  return a.data();
}

}  // namespace

void Array::assign(const Array& from, uint32_t checks) const {
  writable_view();
  if (!from) throw Error(ErrorCode::invalid_argument, "assigning from an empty array handle");
  assign_value(*this, from.broadcast_to(shape()), checks);
}

Array Array::copy() const {
  Array out = Array::empty(type());
  out.assign(*this);
  return out;
}

Array Array::astype(const ndt::Type& dtype, uint32_t checks) const {
  if (dtype.is_dim() && dtype.kind() != ndt::Kind::VarDim)
    throw Error(ErrorCode::type, fmt::format("astype takes an element type, not {}", dtype.str()));
  ndt::Type t = dtype;
  for (std::size_t i = shape().size(); i-- > 0;) t = ndt::make_fixed_dim(shape()[i], t);
  Array out = Array::empty(t);
  out.assign(*this, checks);
  return out;
}

void Array::set_missing() const {
  writable_view();
  if (dtype_.kind() != ndt::Kind::Option)
    throw Error(ErrorCode::type, fmt::format("set_missing needs a ?T dtype, not {}", dtype_.str()));
  const auto n = static_cast<std::size_t>(dtype_.size());
  element::for_each(data_, shape(), strides(), [&](char* p) { std::memset(p, 0, n); });
}

bool Array::is_missing() const {
  const char* p = single(*this, "is_missing");
  return dtype_.kind() == ndt::Kind::Option && p[dtype_.child().size()] == 0;
}

namespace detail {

void read_scalar(const Array& a, const ndt::Type& to, void* out) {
  const char* p = single(a, "as<T>()");
  ndt::Type dtype = a.dtype();
  if (dtype.kind() == ndt::Kind::Option) {
    if (p[dtype.child().size()] == 0) throw Error(ErrorCode::value, "as<T>(): the value is missing");
    dtype = dtype.child();
  }
  gfunc::BufferView from{const_cast<char*>(p), dtype, {}, {}, true};
  gfunc::BufferView into{static_cast<char*>(out), to, {}, {}, false};
  if (gfunc::cast_allocates(dtype, to)) throw Error(ErrorCode::type, "as<T>(): T must not be a string type");
  gfunc::assign(into, from, gfunc::cast_overflow | gfunc::cast_fractional);
}

std::string read_string(const Array& a) {
  const char* p = single(a, "as<std::string>()");
  ndt::Type dtype = a.dtype();
  if (dtype.kind() == ndt::Kind::Option) {
    if (p[dtype.child().size()] == 0) throw Error(ErrorCode::value, "as<std::string>(): the value is missing");
    dtype = dtype.child();
  }
  if (dtype.kind() == ndt::Kind::String || dtype.kind() == ndt::Kind::Bytes || dtype.kind() == ndt::Kind::Json)
    return std::string(element::string_at(p));
  return gfunc::format_scalar(dtype, p);
}

}  // namespace detail

bool array_equal(const Array& a, const Array& b, bool nan_equal) {
  if (!a || !b) return !a && !b;
  if (!std::equal(a.shape().begin(), a.shape().end(), b.shape().begin(), b.shape().end())) return false;
  if (a.dtype() == b.dtype()) {
    bool equal = true;
    const ndt::Type& dtype = a.dtype();
    element::for_each2(a.shape(), a.data(), a.strides(), b.data(), b.strides(), [&](char* x, char* y) {
      if (equal && !element::deep_equal(dtype, x, y, nan_equal)) equal = false;
    });
    return equal;
  }
  return (a == b).all().as<bool>();
}

}  // namespace pluribus::nd
