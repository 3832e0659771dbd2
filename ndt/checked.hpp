// Overflow-checked size arithmetic for layouts (internal to ndt).
#pragma once

#include <cstdint>
#include <string_view>

#include "ndt/error.hpp"

namespace pluribus::ndt::detail {

[[noreturn]] void throw_overflow(std::string_view what);

inline int64_t checked_mul(int64_t x, int64_t y, std::string_view what) {
  int64_t r;
  if (__builtin_mul_overflow(x, y, &r)) throw_overflow(what);
  return r;
}
inline int64_t checked_add(int64_t x, int64_t y, std::string_view what) {
  int64_t r;
  if (__builtin_add_overflow(x, y, &r)) throw_overflow(what);
  return r;
}
// Rounds x (>= 0) up to a multiple of align (a power of two).
inline int64_t round_up(int64_t x, int64_t align, std::string_view what) {
  return checked_add(x, align - 1, what) & ~(align - 1);
}
inline bool is_power_of_two(int64_t x) { return x > 0 && (x & (x - 1)) == 0; }

}  // namespace pluribus::ndt::detail
