// Elementwise comparisons, logical and bitwise functions.
//
// One kernel per dtype in NumPy's loop order; the dtypes are NumPy 1.24's:
//   equal, not_equal, less, less_equal, greater, greater_equal   every dtype -> bool
//       (complex: NumPy's lexicographic order; any NaN compares false, not_equal true)
//   logical_and, logical_or, logical_xor, logical_not   every dtype -> bool (nonzero is true)
//   bitwise_and, bitwise_or, bitwise_xor, invert        bool and integers
//   left_shift, right_shift                             integers
// Shifts follow NumPy: a shift by a negative amount or by the type's width or more gives
// 0 (-1 for a right shift of a negative number), never undefined behaviour.
#include <cmath>

#include "gfunc/kernels/elementwise.hpp"
#include "gfunc/kernels/families.hpp"

namespace pluribus::gfunc::kernels {
namespace {

struct Pure {
  static constexpr int status = loop_ok;
};

// NumPy's complex order (loops.c.src CLT .. CNE).
template <class T>
bool no_nan_imag(T a, T b) noexcept {
  return !std::isnan(a.imag()) && !std::isnan(b.imag());
}

struct Equal : Pure {
  template <class T>
  static bool f(T a, T b) noexcept {
    return a == b;  // complex: both parts equal
  }
};
struct NotEqual : Pure {
  template <class T>
  static bool f(T a, T b) noexcept {
    return a != b;
  }
};
struct Less : Pure {
  template <class T>
  static bool f(T a, T b) noexcept {
    if constexpr (is_complex_v<T>)
      return (a.real() < b.real() && no_nan_imag(a, b)) || (a.real() == b.real() && a.imag() < b.imag());
    else return a < b;
  }
};
struct LessEqual : Pure {
  template <class T>
  static bool f(T a, T b) noexcept {
    if constexpr (is_complex_v<T>)
      return (a.real() < b.real() && no_nan_imag(a, b)) || (a.real() == b.real() && a.imag() <= b.imag());
    else return a <= b;
  }
};
struct Greater : Pure {
  template <class T>
  static bool f(T a, T b) noexcept {
    if constexpr (is_complex_v<T>)
      return (a.real() > b.real() && no_nan_imag(a, b)) || (a.real() == b.real() && a.imag() > b.imag());
    else return a > b;
  }
};
struct GreaterEqual : Pure {
  template <class T>
  static bool f(T a, T b) noexcept {
    if constexpr (is_complex_v<T>)
      return (a.real() > b.real() && no_nan_imag(a, b)) || (a.real() == b.real() && a.imag() >= b.imag());
    else return a >= b;
  }
};

template <class T>
bool truth(T a) noexcept {
  if constexpr (is_complex_v<T>) return a.real() != 0 || a.imag() != 0;
  else return a != 0;  // NaN is true
}
struct LogicalAnd : Pure {
  template <class T>
  static bool f(T a, T b) noexcept {
    return truth(a) && truth(b);
  }
};
struct LogicalOr : Pure {
  template <class T>
  static bool f(T a, T b) noexcept {
    return truth(a) || truth(b);
  }
};
struct LogicalXor : Pure {
  template <class T>
  static bool f(T a, T b) noexcept {
    return truth(a) != truth(b);
  }
};
struct LogicalNot : Pure {
  template <class T>
  static bool f(T a) noexcept {
    return !truth(a);
  }
};

struct BitwiseAnd : Pure {
  template <class T>
  static T f(T a, T b) noexcept {
    return static_cast<T>(a & b);
  }
};
struct BitwiseOr : Pure {
  template <class T>
  static T f(T a, T b) noexcept {
    return static_cast<T>(a | b);
  }
};
struct BitwiseXor : Pure {
  template <class T>
  static T f(T a, T b) noexcept {
    return static_cast<T>(a ^ b);
  }
};
struct Invert : Pure {
  template <class T>
  static T f(T a) noexcept {
    if constexpr (std::is_same_v<T, bool>) return !a;
    else return static_cast<T>(~a);
  }
};

// NumPy's npy_lshift / npy_rshift: the amount is compared as an unsigned size, so a
// negative amount is out of range too.
template <class T>
bool shift_in_range(T b) noexcept {
  return static_cast<uint64_t>(b) < sizeof(T) * 8;
}
struct LeftShift : Pure {
  template <class T>
  static T f(T a, T b) noexcept {
    return shift_in_range(b) ? static_cast<T>(static_cast<wrap_t<T>>(a) << b) : T(0);
  }
};
struct RightShift : Pure {
  template <class T>
  static T f(T a, T b) noexcept {
    if (shift_in_range(b)) return static_cast<T>(a >> b);
    if constexpr (std::is_signed_v<T>) return a < 0 ? T(-1) : T(0);
    else return T(0);
  }
};

template <class... Ts>
struct list {};
using BoolInts = list<Bool, int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t>;
using Ints = list<int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t>;

template <class Op, class R, class... Ts>
void binaries(Registry& r, const char* name, list<Ts...>) {
  if constexpr (std::is_void_v<R>) (add_binary<Op, Ts, Ts>(r, name), ...);
  else (add_binary<Op, Ts, R>(r, name), ...);
}

// Every dtype -> bool; the float32/float64 contiguous loops from Highway when given.
template <class Op>
void predicate(Registry& r, const char* name, const StridedLoop* simd = nullptr) {
  binaries<Op, Bool>(r, name, BoolInts{});
  add_binary<Op, f16, Bool>(r, name);
  add_binary<Op, float, Bool>(r, name, {nullptr, simd ? simd[0] : nullptr});
  add_binary<Op, double, Bool>(r, name, {nullptr, simd ? simd[1] : nullptr});
  add_binary<Op, c64, Bool>(r, name);
  add_binary<Op, c128, Bool>(r, name);
}

}  // namespace

void register_comparison(Registry& r) {
  const SimdComparisonLoops simd = simd_comparison_loops();
  predicate<Equal>(r, "equal", simd.equal);
  predicate<NotEqual>(r, "not_equal", simd.not_equal);
  predicate<Less>(r, "less", simd.less);
  predicate<LessEqual>(r, "less_equal", simd.less_equal);
  predicate<Greater>(r, "greater", simd.greater);
  predicate<GreaterEqual>(r, "greater_equal", simd.greater_equal);

  predicate<LogicalAnd>(r, "logical_and");
  predicate<LogicalOr>(r, "logical_or");
  predicate<LogicalXor>(r, "logical_xor");
  [&]<class... Ts>(list<Ts...>) {
    (add_unary<LogicalNot, Ts, Bool>(r, "logical_not"), ...);
  }(list<Bool, int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t, f16, float, double, c64,
         c128>{});

  binaries<BitwiseAnd, void>(r, "bitwise_and", BoolInts{});
  binaries<BitwiseOr, void>(r, "bitwise_or", BoolInts{});
  binaries<BitwiseXor, void>(r, "bitwise_xor", BoolInts{});
  [&]<class... Ts>(list<Ts...>) { (add_unary<Invert, Ts>(r, "invert"), ...); }(BoolInts{});
  binaries<LeftShift, void>(r, "left_shift", Ints{});
  binaries<RightShift, void>(r, "right_shift", Ints{});
}

}  // namespace pluribus::gfunc::kernels
