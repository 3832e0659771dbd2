// Test helpers for gfunc: owned typed buffers and an allocator that frees at scope exit.
#pragma once

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <vector>

#include "gfunc/buffer.hpp"
#include "gfunc/call.hpp"

namespace pluribus::gfunc::testing {

// An allocator whose memory lives as long as the arena.
struct Arena {
  std::vector<std::unique_ptr<char[]>> blocks;
  Allocator allocator() {
    return [this](int64_t size, int64_t) -> void* {
      blocks.push_back(std::make_unique<char[]>(static_cast<std::size_t>(size > 0 ? size : 1)));
      return blocks.back().get();
    };
  }
  CallOptions options(int max_threads = 0) {
    CallOptions o;
    o.allocate = allocator();
    o.max_threads = max_threads;
    return o;
  }
};

// A C-contiguous array of T with the given shape, owning its memory.
template <class T>
struct Array {
  std::vector<T> values;
  std::vector<int64_t> shape, strides;
  ndt::Type dtype;
  Array(ndt::Type t, std::vector<int64_t> s, std::vector<T> v = {}) : values(std::move(v)), shape(std::move(s)), dtype(std::move(t)) {
    int64_t n = 1;
    for (int64_t d : shape) n *= d;
    values.resize(static_cast<std::size_t>(n));
    strides = contiguous_strides(shape, sizeof(T));
  }
  BufferView view() { return {reinterpret_cast<char*>(values.data()), dtype, shape, strides, false}; }
};

template <class T>
std::vector<T> to_vector(const Buffer& b) {
  int64_t n = element_count(b.shape);
  std::vector<T> out(static_cast<std::size_t>(n));
  // Walk in C order through the strides.
  std::vector<int64_t> idx(b.shape.size(), 0);
  for (int64_t i = 0; i < n; ++i) {
    const char* p = b.data;
    for (std::size_t d = 0; d < idx.size(); ++d) p += idx[d] * b.strides[d];
    std::memcpy(&out[static_cast<std::size_t>(i)], p, sizeof(T));
    for (std::size_t d = idx.size(); d-- > 0;) {
      if (++idx[d] < b.shape[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

// One `?T` element as the library stores it: the value, then the validity byte (padded to
// T's alignment).
template <class T>
struct Opt {
  T value;
  uint8_t valid;
};

// One `var * T` element as the library stores it: a pointer and a length.
struct VarSlot {
  const void* data;
  int64_t size;
};

// A 1-dim array (arrmeta shape {n}) of `var * T` elements over rows the test owns.
template <class T>
struct RaggedArray {
  std::vector<std::vector<T>> rows;
  std::vector<VarSlot> elements;
  std::vector<int64_t> shape, strides{16};
  ndt::Type dtype;
  RaggedArray(ndt::Type scalar, std::vector<std::vector<T>> r) : rows(std::move(r)), dtype(ndt::make_var_dim(scalar)) {
    for (auto& row : rows) elements.push_back({row.data(), static_cast<int64_t>(row.size())});
    shape = {static_cast<int64_t>(rows.size())};
  }
  BufferView view() { return {reinterpret_cast<char*>(elements.data()), dtype, shape, strides, false}; }
};

// Reduction options over `a` (negative from the end).
inline ReduceOptions axes(std::vector<int> a, bool keepdims = false) {
  ReduceOptions o;
  o.axes = std::move(a);
  o.keepdims = keepdims;
  return o;
}

// Equal within a relative 1e-12, NaN matching NaN (NaN marks a missing result).
inline bool same(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (!(std::isnan(a[i]) && std::isnan(b[i])) && std::fabs(a[i] - b[i]) > 1e-12 * std::fabs(b[i])) return false;
  return true;
}

}  // namespace pluribus::gfunc::testing
