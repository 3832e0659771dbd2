// Internal to the container: reading the slots of ragged elements and strings, walking the
// elements of strided arrays, deep copies and deep comparisons of single elements.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <vector>

#include "container/memory.hpp"
#include "ndt/type.hpp"

namespace pluribus::nd::element {

// A var dim element and a string/bytes element: {pointer, int64 size}, 16 bytes.
struct Slot {
  char* data;
  int64_t size;
};
inline Slot var_slot(const char* p) noexcept {
  Slot s;
  std::memcpy(static_cast<void*>(&s.data), p, sizeof(void*));
  std::memcpy(&s.size, p + sizeof(char*), sizeof(int64_t));
  return s;
}
inline void set_slot(char* p, const char* data, int64_t size) noexcept {
  std::memcpy(p, static_cast<const void*>(&data), sizeof(void*));
  std::memcpy(p + sizeof(char*), &size, sizeof(int64_t));
}
inline std::string_view string_at(const char* p) noexcept {
  Slot s = var_slot(p);
  return {s.data, static_cast<std::size_t>(s.size)};
}

// True when the dtype holds pointers (string, bytes, json, var dims, pointer, type values):
// copying such an element means copying what it points to.
bool has_references(const ndt::Type& dtype);
// True for ?T at the top of the dtype or anywhere inside.
bool has_option(const ndt::Type& dtype);

// Calls f(char* x, char* y) for every pair of elements of two strided arrays of one shape.
template <class F>
void for_each2(std::span<const int64_t> shape, char* x, std::span<const int64_t> x_strides, char* y,
               std::span<const int64_t> y_strides, F&& f) {
  const std::size_t nd = shape.size();
  for (int64_t extent : shape)
    if (extent == 0) return;
  if (nd == 0) {
    f(x, y);
    return;
  }
  std::vector<int64_t> idx(nd, 0);
  const int64_t inner = shape[nd - 1], sx = x_strides[nd - 1], sy = y_strides[nd - 1];
  for (;;) {
    char* p = x;
    char* q = y;
    for (int64_t i = 0; i < inner; ++i, p += sx, q += sy) f(p, q);
    std::size_t d = nd - 1;
    for (;;) {
      if (d == 0) return;
      --d;
      x += x_strides[d];
      y += y_strides[d];
      if (++idx[d] < shape[d]) break;
      x -= idx[d] * x_strides[d];
      y -= idx[d] * y_strides[d];
      idx[d] = 0;
    }
  }
}

// Calls f(char* element) for every element of the strided fixed dims, in C order.
template <class F>
void for_each(char* data, std::span<const int64_t> shape, std::span<const int64_t> strides, F&& f) {
  for_each2(shape, data, strides, data, strides, [&](char* x, char*) { f(x); });
}

// Copies elements of `itemsize` bytes (1, 2, 4, 8 or 16) between two non-overlapping layouts
// of one shape by tiles when the destination's last dim is contiguous and the source's
// second-to-last is (a transpose made contiguous). False, copying nothing, otherwise.
bool copy_tiled(int64_t itemsize, std::span<const int64_t> shape, char* dst, std::span<const int64_t> dst_strides,
                const char* src, std::span<const int64_t> src_strides);

// Copies one element of `dtype` from src to dst. What strings and ragged elements point to
// is copied into `memory` (src and dst may be the same slot only when dtype has no references).
void deep_copy(const ndt::Type& dtype, char* dst, const char* src, Memory& memory);
// Compares two elements of one dtype by value (NaN == NaN when nan_equal).
bool deep_equal(const ndt::Type& dtype, const char* x, const char* y, bool nan_equal);

}  // namespace pluribus::nd::element
