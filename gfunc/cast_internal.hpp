// Internal to the cast files (cast.cpp, cast_numeric.cpp, cast_parse.cpp, cast_format.cpp):
// the numeric dtypes by index, the string layout and the loop tables each file provides.
#pragma once

#include <complex>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "gfunc/loop.hpp"
#include "ndt/type.hpp"

namespace pluribus::gfunc::cast_detail {

// The numeric dtypes that casts convert between, in NumPy's order. `bool` is stored as
// one byte; any nonzero byte reads as true, and casts write 0 or 1.
enum Num : int {
  n_bool, n_int8, n_int16, n_int32, n_int64, n_uint8, n_uint16, n_uint32, n_uint64,
  n_float16, n_float32, n_float64, n_complex64, n_complex128,
  n_count
};

// The Num of a dtype, or -1 when it is not one of them.
int numeric_index(const ndt::Type& t) noexcept;

// The C++ type of each Num (bool as itself; loads and stores go through a byte).
using f16 = _Float16;
using c64 = std::complex<float>;
using c128 = std::complex<double>;

// The memory layout of `string` (and `json`, `bytes`): a pointer and a byte count.
struct StringRef {
  const char* data;
  int64_t size;
};

// Unaligned, aliasing-safe element access; a bool reads any nonzero byte as true.
template <class T>
inline T load(const char* p) noexcept {
  if constexpr (std::is_same_v<T, bool>) {
    return *reinterpret_cast<const unsigned char*>(p) != 0;
  } else {
    T v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
}
template <class T>
inline void store(char* p, T v) noexcept {
  if constexpr (std::is_same_v<T, bool>) {
    *reinterpret_cast<unsigned char*>(p) = v ? 1 : 0;
  } else {
    std::memcpy(p, &v, sizeof v);
  }
}

// The checks of a checked loop live behind LoopContext::kernel_data (a uint32_t).
const void* checks_data(uint32_t checks) noexcept;
inline uint32_t checks_of(const LoopContext* context) noexcept {
  return context != nullptr && context->kernel_data != nullptr
             ? *static_cast<const uint32_t*>(context->kernel_data)
             : 0u;
}

// cast_numeric.cpp: the loop between two numeric dtypes; `checked` selects the loop that
// reads its checks from kernel_data (a plain conversion loop otherwise).
StridedLoop numeric_loop(int from, int to, bool checked) noexcept;
// True when every value of `from` converts to `to` without change (no check can fail).
bool numeric_lossless(int from, int to) noexcept;

// cast_parse.cpp: string -> numeric dtype `to` (always checks that the text is a number).
StridedLoop parse_loop(int to) noexcept;

// cast_format.cpp: numeric dtype `from` -> string (each output string malloc'ed), and the
// string -> string deep copy.
StridedLoop format_loop(int from) noexcept;
StridedLoop string_copy_loop() noexcept;
// Writes the shortest text that reads back as the value at `element` (no NUL) and
// returns its length; `buf` holds kNumberTextMax bytes.
inline constexpr int kNumberTextMax = 64;
int format_number(int from, const char* element, char* buf) noexcept;

}  // namespace pluribus::gfunc::cast_detail
