// Creating arrays: empty/zeros/ones/full, arange/linspace, scalars and missing values.
#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "container/array.hpp"
#include "container/element.hpp"
#include "ndt/checked.hpp"

namespace pluribus::nd {

namespace {
Array allocate(const ndt::Type& type, bool zero) {
  if (type && type.kind() != ndt::Kind::FixedDim && type.is_scalar() && type.is_concrete()) {
    // A scalar dtype: no arrmeta to compute.
    zero = zero || element::has_references(type);
    auto memory = Memory::allocate(type.size(), std::max<int64_t>(type.align(), 1), zero);
    char* data = memory->data();
    return ArrayBuilder::make(std::move(memory), data, type, {}, {}, false);
  }
  if (type && type.is_concrete() && type.ndim() <= Array::kInlineDims) {
    // Up to kInlineDims fixed dims: arrmeta on the stack.
    int64_t shape[Array::kInlineDims], strides[Array::kInlineDims];
    int nd = 0;
    const ndt::Type* t = &type;
    while (t->kind() == ndt::Kind::FixedDim) {
      shape[nd++] = t->shape();
      t = &t->child();
    }
    const int64_t itemsize = t->size();
    // C-contiguous strides as gfunc::contiguous_strides gives them (extent 0 counts as 1).
    int64_t step = itemsize, bytes = itemsize;
    for (int i = nd; i-- > 0;) {
      strides[i] = step;
      step = ndt::detail::checked_mul(step, std::max<int64_t>(shape[i], 1), "array size");
      bytes = ndt::detail::checked_mul(bytes, shape[i], "array size");
    }
    zero = zero || element::has_references(*t) || element::has_option(*t);
    auto memory = Memory::allocate(bytes, std::max<int64_t>(t->align(), 1), zero);
    char* data = memory->data();
    return ArrayBuilder::make(std::move(memory), data, *t, std::span<const int64_t>(shape, static_cast<std::size_t>(nd)),
                              std::span<const int64_t>(strides, static_cast<std::size_t>(nd)), false);
  }
  if (!type) throw Error(ErrorCode::invalid_argument, "an array needs a type");
  // More dims than fit inline: the shape and dtype as gfunc splits a full type.
  gfunc::Buffer s = gfunc::Buffer::from_type(type, nullptr);
  int64_t count = gfunc::element_count(s.shape);
  int64_t bytes = ndt::detail::checked_mul(count, s.dtype.size(), "array size");
  zero = zero || element::has_references(s.dtype) || element::has_option(s.dtype);
  auto memory = Memory::allocate(bytes, std::max<int64_t>(s.dtype.align(), 1), zero);
  auto strides = gfunc::contiguous_strides(s.shape, s.dtype.size());
  char* data = memory->data();
  return ArrayBuilder::make(std::move(memory), data, std::move(s.dtype), s.shape, strides, false);
}
}  // namespace

Array Array::empty(const ndt::Type& type) { return allocate(type, false); }
Array Array::zeros(const ndt::Type& type) { return allocate(type, true); }

Array Array::ones(const ndt::Type& type) { return full(type, scalar(int64_t{1})); }

Array Array::full(const ndt::Type& type, const Array& value) {
  Array a = allocate(type, false);
  a.assign(value, gfunc::cast_overflow | gfunc::cast_fractional);
  return a;
}

Array Array::arange(int64_t start, int64_t stop, int64_t step, const ndt::Type& dtype) {
  if (step == 0) throw Error(ErrorCode::value, "arange: step cannot be zero");
  int64_t count = 0;
  // Counted in unsigned arithmetic: stop - start can exceed int64's range.
  if (step > 0 && stop > start)
    count = static_cast<int64_t>((static_cast<uint64_t>(stop) - static_cast<uint64_t>(start) - 1) /
                                 static_cast<uint64_t>(step)) + 1;
  if (step < 0 && start > stop)
    count = static_cast<int64_t>((static_cast<uint64_t>(start) - static_cast<uint64_t>(stop) - 1) /
                                 (0 - static_cast<uint64_t>(step))) + 1;
  Array values = allocate(ndt::make_fixed_dim(count, ndt::int64), false);
  auto* p = reinterpret_cast<int64_t*>(values.data());
  for (int64_t i = 0; i < count; ++i) p[i] = static_cast<int64_t>(static_cast<uint64_t>(start) + static_cast<uint64_t>(i) * static_cast<uint64_t>(step));
  if (dtype == ndt::int64) return values;
  return values.astype(dtype, gfunc::cast_overflow);
}

Array Array::arange(double start, double stop, double step, const ndt::Type& dtype) {
  if (step == 0 || !std::isfinite(step) || !std::isfinite(start) || !std::isfinite(stop))
    throw Error(ErrorCode::value, fmt::format("arange({}, {}, {}): bounds and step must be finite, step nonzero", start, stop, step));
  double n = std::ceil((stop - start) / step);
  if (n > 9.0e18) throw Error(ErrorCode::overflow, "arange: too many elements");
  int64_t count = n > 0 ? static_cast<int64_t>(n) : 0;
  Array values = allocate(ndt::make_fixed_dim(count, ndt::float64), false);
  auto* p = reinterpret_cast<double*>(values.data());
  for (int64_t i = 0; i < count; ++i) p[i] = start + static_cast<double>(i) * step;
  if (dtype == ndt::float64) return values;
  return values.astype(dtype);
}

Array Array::linspace(double start, double stop, int64_t count, bool endpoint, const ndt::Type& dtype) {
  if (count < 0) throw Error(ErrorCode::value, fmt::format("linspace: negative count {}", count));
  Array values = allocate(ndt::make_fixed_dim(count, ndt::float64), false);
  auto* p = reinterpret_cast<double*>(values.data());
  const int64_t div = endpoint ? count - 1 : count;
  const double delta = stop - start;
  // NumPy's formula: start + i * (delta / div), and the endpoint exactly `stop`.
  if (div > 0) {
    const double step = delta / static_cast<double>(div);
    for (int64_t i = 0; i < count; ++i)
      p[i] = step == 0 ? start + static_cast<double>(i) / static_cast<double>(div) * delta
                       : start + static_cast<double>(i) * step;
  } else if (count > 0) {
    p[0] = start;
  }
  if (endpoint && count > 1) p[count - 1] = stop;
  if (dtype == ndt::float64) return values;
  return values.astype(dtype);
}

namespace {
template <class T>
Array make_scalar(const ndt::Type& dtype, T value) {
  auto memory = Memory::allocate(sizeof(T), alignof(T), false);
  std::memcpy(memory->data(), &value, sizeof(T));
  char* data = memory->data();
  return ArrayBuilder::make(std::move(memory), data, dtype, {}, {}, false);
}
}  // namespace

Array Array::scalar(bool value) { return make_scalar(ndt::bool_, static_cast<uint8_t>(value)); }
Array Array::scalar(int64_t value) { return make_scalar(ndt::int64, value); }
Array Array::scalar(double value) { return make_scalar(ndt::float64, value); }

Array Array::scalar(std::string_view value) {
  Array a = allocate(ndt::string, true);
  char* bytes = a.memory()->allocate_extra(ndt::detail::checked_add(static_cast<int64_t>(value.size()), 1, "string size"), 1);
  std::memcpy(bytes, value.data(), value.size());
  bytes[value.size()] = '\0';
  element::set_slot(a.data(), bytes, static_cast<int64_t>(value.size()));
  return a;
}

Array Array::missing(const ndt::Type& dtype) {
  ndt::Type t = dtype.kind() == ndt::Kind::Option ? dtype : ndt::make_option(dtype);
  return allocate(t, true);
}

}  // namespace pluribus::nd
