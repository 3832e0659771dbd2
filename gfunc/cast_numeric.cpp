// Casts between the numeric dtypes (bool, int8..uint64, float16..float64, complex64/128):
// one plain loop and one checked loop per pair, both a single template level deep.
//
// Plain conversion (cast_nocheck, NumPy's astype):
//   integer -> integer   two's-complement wrap (int8(-1) -> uint8 255)
//   -> bool              value != 0 (a complex: either part nonzero; NaN is true)
//   integer/float -> float   rounded to nearest (int64 -> float16 beyond 65504: inf)
//   float -> integer     truncation toward zero when in range. Out of range and NaN give
//                        what NumPy 1.24 gives on x86-64 for a float64 input:
//                        int32/int64: the minimum (INT_MIN); int8/int16/uint8/uint16: the
//                        int32 result wrapped (300.0 -> int8 44, NaN -> 0); uint32/uint64:
//                        wrapped when in the signed or unsigned range, 0 above it (+inf
//                        included), 2^(N-1) below it and for NaN. Never undefined behaviour.
//   complex -> real      the real part converted as above (the imaginary part dropped)
//   real -> complex      (value, 0)
// Checked conversion: the checks are independent categories; each pair reports the first
// that applies, in the order overflow, fractional, inexact:
//   cast_overflow    the value lies outside the target's range: integer out of range,
//                    NaN/inf or a truncation outside the range for float -> integer, a
//                    finite value that becomes +-inf in a narrower float. bool is the
//                    range {0, 1} (2 -> bool overflows).
//   cast_fractional  float -> integer/bool would drop a nonzero fractional part.
//   cast_inexact     a value in range would change: rounding (int64 2^53+1 -> float64,
//                    float64 0.1 -> float32, 1e-300 -> float32 0) or a complex -> real cast
//                    dropping a nonzero imaginary part. NaN -> NaN is exact.
#include <array>
#include <cmath>
#include <limits>
#include <tuple>
#include <utility>

#include "gfunc/cast.hpp"
#include "gfunc/cast_internal.hpp"

namespace pluribus::gfunc::cast_detail {
namespace {

using Types = std::tuple<bool, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t,
                         uint64_t, f16, float, double, c64, c128>;
template <std::size_t I>
using NumT = std::tuple_element_t<I, Types>;
static_assert(std::tuple_size_v<Types> == n_count);

template <class T>
inline constexpr bool is_complex = std::is_same_v<T, c64> || std::is_same_v<T, c128>;
template <class T>
inline constexpr bool is_float = std::is_same_v<T, f16> || std::is_same_v<T, float> ||
                                 std::is_same_v<T, double>;
// Integers and bool (bool is the unsigned range {0, 1} for range checks).
template <class T>
inline constexpr bool is_integral = std::is_integral_v<T>;

// The type a float computes in: float16 widens to float (exactly).
inline float wide(f16 x) noexcept { return static_cast<float>(x); }
inline float wide(float x) noexcept { return x; }
inline double wide(double x) noexcept { return x; }

template <class T>
inline bool is_inf(T x) noexcept { return std::isinf(wide(x)); }

template <class F>
constexpr F pow2(int n) noexcept {
  F r = 1;
  for (int i = 0; i < n; ++i) r *= 2;
  return r;
}

// True when trunc(x) lies in To's range (false for NaN and infinities). F: float, double.
template <class To, class F>
inline bool in_range(F x) noexcept {
  constexpr F hi = pow2<F>(std::numeric_limits<To>::digits);  // 2^(N-1) signed, 2^N unsigned
  if constexpr (std::is_signed_v<To>) {
    constexpr F lo = -hi;
    constexpr F lo_minus_one = lo - 1;
    if constexpr (lo_minus_one != lo) {
      return x > lo_minus_one && x < hi;
    } else {
      return x >= lo && x < hi;
    }
  } else {
    return x > F(-1) && x < hi;
  }
}

// float -> integer without undefined behaviour (see the file comment).
template <class To, class F>
inline To float_to_int(F x) noexcept {
  if constexpr (std::is_signed_v<To> && sizeof(To) >= 4) {
    return in_range<To>(x) ? static_cast<To>(x) : std::numeric_limits<To>::min();
  } else if constexpr (sizeof(To) < 4) {
    return static_cast<To>(float_to_int<int32_t>(x));
  } else {
    using S = std::make_signed_t<To>;
    if (in_range<S>(x)) return static_cast<To>(static_cast<S>(x));
    if (in_range<To>(x)) return static_cast<To>(x);
    constexpr F hi = pow2<F>(std::numeric_limits<To>::digits);
    return x >= hi ? To(0) : To(To(1) << (std::numeric_limits<To>::digits - 1));
  }
}

template <class From, class To>
inline To convert(From x) noexcept {
  if constexpr (std::is_same_v<From, To>) {
    return x;
  } else if constexpr (std::is_same_v<To, bool>) {
    if constexpr (is_complex<From>) {
      return x.real() != 0 || x.imag() != 0;
    } else {
      return x != From(0);
    }
  } else if constexpr (is_complex<From>) {
    using R = typename From::value_type;
    if constexpr (is_complex<To>) {
      using S = typename To::value_type;
      return To(static_cast<S>(x.real()), static_cast<S>(x.imag()));
    } else {
      return convert<R, To>(x.real());
    }
  } else if constexpr (is_complex<To>) {
    using S = typename To::value_type;
    return To(convert<From, S>(x), S(0));
  } else if constexpr (is_float<From> && is_integral<To>) {
    return float_to_int<To>(wide(x));
  } else {
    return static_cast<To>(x);
  }
}

// 0 or the LoopStatus of the first failing check (see the file comment).
template <class From, class To>
inline int check(From x, uint32_t checks) noexcept {
  if constexpr (std::is_same_v<From, bool> || std::is_same_v<From, To>) {
    return 0;
  } else if constexpr (is_complex<From>) {
    using R = typename From::value_type;
    if constexpr (is_complex<To>) {
      using S = typename To::value_type;
      if (int s = check<R, S>(x.real(), checks)) return s;
      return check<R, S>(x.imag(), checks);
    } else {
      if (int s = check<R, To>(x.real(), checks)) return s;
      if ((checks & cast_inexact) && x.imag() != 0) return loop_inexact;
      return 0;
    }
  } else if constexpr (is_complex<To>) {
    return check<From, typename To::value_type>(x, checks);
  } else if constexpr (is_integral<From>) {
    if constexpr (std::is_same_v<To, bool>) {
      if ((checks & cast_overflow) && x != 0 && x != 1) return loop_overflow;
    } else if constexpr (is_integral<To>) {
      if ((checks & cast_overflow) && !std::in_range<To>(x)) return loop_overflow;
    } else {
      const To r = static_cast<To>(x);
      if (is_inf(r)) return (checks & cast_overflow) ? loop_overflow : 0;
      if ((checks & cast_inexact) &&
          static_cast<long double>(wide(r)) != static_cast<long double>(x))
        return loop_inexact;
    }
    return 0;
  } else {  // a float source
    const auto w = wide(x);
    if constexpr (is_integral<To>) {
      if ((checks & cast_overflow) && !in_range<To>(w)) return loop_overflow;
      if ((checks & cast_fractional) && w == w && w != std::trunc(w)) return loop_fractional;
    } else {
      const To r = static_cast<To>(x);
      if (is_inf(r) && !is_inf(x)) return (checks & cast_overflow) ? loop_overflow : 0;
      if ((checks & cast_inexact) && w == w &&
          static_cast<long double>(wide(r)) != static_cast<long double>(w))
        return loop_inexact;
    }
    return 0;
  }
}

// A run of contiguous elements. `in` and `out` do not overlap (or are the same memory with
// elements of one size), so a fixed-length block vectorizes even under -O2's very cheap
// cost model (no alias check, no epilogue); the tail runs the same code element by element.
constexpr int64_t kBlock = 256;

template <class From, class To, int64_t N>
inline void convert_block(const char* __restrict in, char* __restrict out) noexcept {
  constexpr int64_t from_size = sizeof(From), to_size = sizeof(To);
  for (int64_t i = 0; i < N; ++i)
    store<To>(out + i * to_size, convert<From, To>(load<From>(in + i * from_size)));
}

template <class From, class To>
int plain_loop(char** args, const int64_t* dimensions, const int64_t* steps,
               LoopContext*) noexcept {
  const int64_t n = dimensions[0];
  const char* in = args[0];
  char* out = args[1];
  const int64_t si = steps[0], so = steps[1];
  constexpr int64_t from_size = sizeof(From), to_size = sizeof(To);
  if (si == from_size && so == to_size) {
    int64_t i = 0;
    for (; i + kBlock <= n; i += kBlock)
      convert_block<From, To, kBlock>(in + i * from_size, out + i * to_size);
    for (; i < n; ++i) store<To>(out + i * to_size, convert<From, To>(load<From>(in + i * from_size)));
  } else {
    for (int64_t i = 0; i < n; ++i) store<To>(out + i * so, convert<From, To>(load<From>(in + i * si)));
  }
  return loop_ok;
}

template <class From, class To>
int checked_loop(char** args, const int64_t* dimensions, const int64_t* steps,
                 LoopContext* context) noexcept {
  const uint32_t checks = checks_of(context);
  const int64_t n = dimensions[0];
  const char* in = args[0];
  char* out = args[1];
  const int64_t si = steps[0], so = steps[1];
  for (int64_t i = 0; i < n; ++i) {
    const From x = load<From>(in + i * si);
    if (int s = check<From, To>(x, checks)) {
      if (context != nullptr) context->error_index = i;
      return s;
    }
    store<To>(out + i * so, convert<From, To>(x));
  }
  return loop_ok;
}

template <std::size_t... I>
constexpr std::array<StridedLoop, sizeof...(I)> plain_table(std::index_sequence<I...>) {
  return {&plain_loop<NumT<I / n_count>, NumT<I % n_count>>...};
}
template <std::size_t... I>
constexpr std::array<StridedLoop, sizeof...(I)> checked_table(std::index_sequence<I...>) {
  return {&checked_loop<NumT<I / n_count>, NumT<I % n_count>>...};
}

constexpr auto kPlain = plain_table(std::make_index_sequence<n_count * n_count>());
constexpr auto kChecked = checked_table(std::make_index_sequence<n_count * n_count>());

// Class and significant bits of each Num: integers count value bits (int8 7, uint8 8),
// floats and complex their significand (float16 11, float32 24, float64 53).
enum Class { c_bool, c_signed, c_unsigned, c_float, c_complex };
struct Info {
  Class cls;
  int digits;
};
constexpr Info kInfo[n_count] = {
    {c_bool, 1},     {c_signed, 7},   {c_signed, 15},   {c_signed, 31},    {c_signed, 63},
    {c_unsigned, 8}, {c_unsigned, 16}, {c_unsigned, 32}, {c_unsigned, 64}, {c_float, 11},
    {c_float, 24},   {c_float, 53},   {c_complex, 24},  {c_complex, 53},
};

}  // namespace

StridedLoop numeric_loop(int from, int to, bool checked) noexcept {
  if (from < 0 || from >= n_count || to < 0 || to >= n_count) return nullptr;
  return (checked ? kChecked : kPlain)[from * n_count + to];
}

bool numeric_lossless(int from, int to) noexcept {
  if (from < 0 || from >= n_count || to < 0 || to >= n_count) return false;
  const Info f = kInfo[from], t = kInfo[to];
  if (from == to || f.cls == c_bool) return true;
  switch (t.cls) {
    case c_bool:
      return false;
    case c_signed:
      return (f.cls == c_signed || f.cls == c_unsigned) && f.digits <= t.digits;
    case c_unsigned:
      return f.cls == c_unsigned && f.digits <= t.digits;
    case c_float:
      return f.cls != c_complex && f.digits <= t.digits;
    case c_complex:
      return f.digits <= t.digits;
  }
  return false;
}

}  // namespace pluribus::gfunc::cast_detail
