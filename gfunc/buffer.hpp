// A typed buffer: the non-owning view of memory that every gfunc function works on.
//
// The leading fixed dims are arrmeta (shape and byte strides, like a NumPy array), so a
// view or a slice needs no new type. `dtype` is everything below them; it may begin with
// var dims, whose ragged elements live in the data ({T* data; int64 size} each).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ndt/api.hpp"
#include "ndt/type.hpp"

namespace pluribus::gfunc {

struct BufferView {
  char* data = nullptr;
  ndt::Type dtype;
  std::span<const int64_t> shape;    // fixed dims, outermost first
  std::span<const int64_t> strides;  // byte strides, same length as shape
  bool readonly = false;

  int ndim() const noexcept { return static_cast<int>(shape.size()); }
};

// A buffer with its own shape/stride storage (for results and for views of a full type).
struct Buffer {
  char* data = nullptr;
  ndt::Type dtype;
  std::vector<int64_t> shape;
  std::vector<int64_t> strides;
  bool readonly = false;

  BufferView view() const noexcept { return {data, dtype, shape, strides, readonly}; }
  operator BufferView() const noexcept { return view(); }

  // Splits a full type (leading fixed dims with their strides, then the dtype) over `data`.
  PLURIBUS_API static Buffer from_type(const ndt::Type& type, void* data, bool readonly = false);
};

// The number of elements of the leading fixed dims (1 for ndim 0); overflow-checked.
PLURIBUS_API int64_t element_count(std::span<const int64_t> shape);
// C-contiguous byte strides for `shape` with elements of `itemsize` bytes.
PLURIBUS_API std::vector<int64_t> contiguous_strides(std::span<const int64_t> shape, int64_t itemsize);

}  // namespace pluribus::gfunc
