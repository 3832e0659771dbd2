// Test helpers for gfunc: owned typed buffers and an allocator that frees at scope exit.
#pragma once

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

}  // namespace pluribus::gfunc::testing
