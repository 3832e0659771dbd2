// Elementwise arithmetic: add .. power, negative .. sign, maximum .. fmin, clip, where.
//
// One kernel per dtype, registered in NumPy's loop order (bool, int8, uint8, ..., uint64,
// float16, float32, float64, complex64, complex128) so that dispatch sends mixed inputs
// to the same kernel NumPy's type resolution picks. The dtypes of each function are
// NumPy 1.24's `np.<func>.types` (without long double, object and time types):
//   add, multiply         bool (or, and), integers, floats, complex
//   subtract              integers, floats, complex
//   divide                every integer and bool -> float64 (true division), floats, complex
//   floor_divide, remainder   integers, floats (Python's floor semantics)
//   power                 integers, floats, complex
//   negative, positive, sign  integers, floats, complex
//   absolute              bool, integers, floats; complex -> its real magnitude
//   maximum, minimum (NaN-propagating), fmax, fmin (NaN-ignoring), clip   every dtype
//   where(cond, x, y)     cond bool, x and y of any dtype
// Integers wrap on overflow as NumPy's do (INT_MIN // -1 == INT_MIN); integer division
// or remainder by zero is loop_divide_by_zero and an integer to a negative integer power
// is loop_invalid, both with error_index set. Floats follow IEEE/NumPy: 1.0 // 0.0 is inf,
// 1.0 % 0.0 is NaN.
#include <cmath>
#include <limits>

#include "gfunc/kernels/elementwise.hpp"
#include "gfunc/kernels/families.hpp"

namespace pluribus::gfunc::kernels {
namespace {

template <class T>
inline constexpr bool is_int_v = std::is_integral_v<T> && !std::is_same_v<T, bool>;

template <class T>
T wrap_add(T a, T b) noexcept {
  return static_cast<T>(static_cast<wrap_t<T>>(a) + static_cast<wrap_t<T>>(b));
}
template <class T>
T wrap_sub(T a, T b) noexcept {
  return static_cast<T>(static_cast<wrap_t<T>>(a) - static_cast<wrap_t<T>>(b));
}
template <class T>
T wrap_mul(T a, T b) noexcept {
  return static_cast<T>(static_cast<wrap_t<T>>(a) * static_cast<wrap_t<T>>(b));
}

// Complex helpers with NumPy's formulas (no C99 Annex G NaN recovery in multiply).
template <class C>
C cmul(C a, C b) noexcept {
  return C(a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real());
}
template <class C>
C cdiv(C a, C b) noexcept {  // Smith's algorithm, as NumPy's complex true_divide
  using F = typename C::value_type;
  const F ar = a.real(), ai = a.imag(), br = b.real(), bi = b.imag();
  const F abs_br = std::fabs(br), abs_bi = std::fabs(bi);
  if (abs_br >= abs_bi) {
    if (abs_br == 0 && abs_bi == 0) return C(ar / abs_br, ai / abs_br);
    const F rat = bi / br, scl = F(1) / (br + bi * rat);
    return C((ar + ai * rat) * scl, (ai - ar * rat) * scl);
  }
  const F rat = br / bi, scl = F(1) / (bi + br * rat);
  return C((ar * rat + ai) * scl, (ai * rat - ar) * scl);
}
template <class C>
bool cnan(C a) noexcept {
  return std::isnan(a.real()) || std::isnan(a.imag());
}
// NumPy's complex order (npy_math CGE/CLE): lexicographic, a NaN compares false.
template <class C>
bool cge(C a, C b) noexcept {
  return (a.real() > b.real() && !std::isnan(a.imag()) && !std::isnan(b.imag())) ||
         (a.real() == b.real() && a.imag() >= b.imag());
}
template <class C>
bool cle(C a, C b) noexcept {
  return (a.real() < b.real() && !std::isnan(a.imag()) && !std::isnan(b.imag())) ||
         (a.real() == b.real() && a.imag() <= b.imag());
}

struct Pure {
  static constexpr int status = loop_ok;
};

struct Add : Pure {
  template <class T>
  static T f(T a, T b) noexcept {
    if constexpr (std::is_same_v<T, bool>) return a || b;
    else if constexpr (is_int_v<T>) return wrap_add(a, b);
    else return a + b;
  }
};
struct Subtract : Pure {
  template <class T>
  static T f(T a, T b) noexcept {
    if constexpr (is_int_v<T>) return wrap_sub(a, b);
    else return a - b;
  }
};
struct Multiply : Pure {
  template <class T>
  static T f(T a, T b) noexcept {
    if constexpr (std::is_same_v<T, bool>) return a && b;
    else if constexpr (is_int_v<T>) return wrap_mul(a, b);
    else if constexpr (is_complex_v<T>) return cmul(a, b);
    else return a * b;
  }
};
struct Divide : Pure {  // true division: bool and integers divide as float64
  template <class T>
  static auto f(T a, T b) noexcept {
    if constexpr (std::is_integral_v<T>) return static_cast<double>(a) / static_cast<double>(b);
    else if constexpr (is_complex_v<T>) return cdiv(a, b);
    else return a / b;
  }
};

// Python's floor division and remainder on integers; b == 0 fails the loop.
struct FloorDivideInt {
  static constexpr int status = loop_divide_by_zero;
  template <class T>
  static int f(T a, T b, T& out) noexcept {
    if (b == 0) return status;
    if constexpr (std::is_signed_v<T>) {
      if (b == -1) {  // INT_MIN // -1 wraps to INT_MIN
        out = wrap_sub(T(0), a);
        return loop_ok;
      }
      T q = static_cast<T>(a / b);
      if (a % b != 0 && ((a < 0) != (b < 0))) --q;
      out = q;
    } else {
      out = static_cast<T>(a / b);
    }
    return loop_ok;
  }
};
struct RemainderInt {
  static constexpr int status = loop_divide_by_zero;
  template <class T>
  static int f(T a, T b, T& out) noexcept {
    if (b == 0) return status;
    if constexpr (std::is_signed_v<T>) {
      if (b == -1) {
        out = 0;
        return loop_ok;
      }
      T r = static_cast<T>(a % b);
      if (r != 0 && ((r < 0) != (b < 0))) r = static_cast<T>(r + b);
      out = r;
    } else {
      out = static_cast<T>(a % b);
    }
    return loop_ok;
  }
};

// NumPy's npy_divmod: the floor quotient and the remainder with the divisor's sign.
template <class T>
T float_divmod(T a, T b, T& mod) noexcept {
  mod = std::fmod(a, b);
  if (b == 0) return a / b;
  T div = (a - mod) / b;
  if (mod != 0) {
    if ((b < 0) != (mod < 0)) {
      mod += b;
      div -= T(1);
    }
  } else {
    mod = std::copysign(T(0), b);
  }
  T floordiv;
  if (div != 0) {
    floordiv = std::floor(div);
    if (div - floordiv > T(0.5)) floordiv += T(1);
  } else {
    floordiv = std::copysign(T(0), a / b);
  }
  return floordiv;
}
struct FloorDivideFloat : Pure {
  template <class T>
  static T f(T a, T b) noexcept {
    if (b == 0) return a / b;
    T mod;
    return float_divmod(a, b, mod);
  }
};
struct RemainderFloat : Pure {
  template <class T>
  static T f(T a, T b) noexcept {
    if (b == 0) return std::fmod(a, b);
    T mod;
    float_divmod(a, b, mod);
    return mod;
  }
};

struct PowerInt {
  static constexpr int status = loop_invalid;  // an integer to a negative integer power
  template <class T>
  static int f(T a, T b, T& out) noexcept {
    if constexpr (std::is_signed_v<T>) {
      if (b < 0) return status;
    }
    using W = wrap_t<T>;
    W base = static_cast<W>(a), result = 1;
    for (auto e = static_cast<std::make_unsigned_t<T>>(b); e != 0; e >>= 1) {
      if (e & 1) result *= base;
      base *= base;
    }
    out = static_cast<T>(result);
    return loop_ok;
  }
};
struct Power : Pure {
  template <class T>
  static T f(T a, T b) noexcept {
    if constexpr (is_complex_v<T>) {
      // NumPy's nc_pow: exact small integer powers by repeated multiplication.
      using F = typename T::value_type;
      if (b.real() == 0 && b.imag() == 0) return T(1, 0);
      if (a.real() == 0 && a.imag() == 0) {
        if (b.real() > 0 && b.imag() == 0) return T(0, 0);
        return T(std::numeric_limits<F>::quiet_NaN(), std::numeric_limits<F>::quiet_NaN());
      }
      if (b.imag() == 0 && b.real() > -100 && b.real() < 100) {
        const auto n = static_cast<int>(b.real());
        if (static_cast<F>(n) == b.real()) {
          if (n == 1) return a;
          if (n == 2) return cmul(a, a);
          if (n == 3) return cmul(cmul(a, a), a);
          T acc(1, 0), p = a;
          for (unsigned m = static_cast<unsigned>(n < 0 ? -n : n);;) {
            if (m & 1) acc = cmul(acc, p);
            m >>= 1;
            if (m == 0) break;
            p = cmul(p, p);
          }
          return n < 0 ? cdiv(T(1, 0), acc) : acc;
        }
      }
      return std::pow(a, b);
    } else {
      return std::pow(a, b);
    }
  }
};

struct Negative : Pure {
  template <class T>
  static T f(T a) noexcept {
    if constexpr (is_int_v<T>) return wrap_sub(T(0), a);
    else return -a;
  }
};
struct Positive : Pure {
  template <class T>
  static T f(T a) noexcept {
    return a;
  }
};
struct Absolute : Pure {
  template <class T>
  static auto f(T a) noexcept {
    if constexpr (is_complex_v<T>) return std::hypot(a.real(), a.imag());
    else if constexpr (std::is_unsigned_v<T>) return a;  // bool too
    else if constexpr (is_int_v<T>) return a < 0 ? wrap_sub(T(0), a) : a;
    else return std::fabs(a);
  }
};
struct Sign : Pure {
  template <class T>
  static T f(T a) noexcept {
    if constexpr (is_complex_v<T>) {
      // NumPy 1.24: the sign of the first nonzero of (real, imag), as a complex.
      using F = typename T::value_type;
      const F r = a.real(), i = a.imag();
      if ((r > 0 && !std::isnan(i)) || (r == 0 && i > 0)) return T(1, 0);   // CGT(a, 0)
      if ((r < 0 && !std::isnan(i)) || (r == 0 && i < 0)) return T(-1, 0);  // CLT(a, 0)
      if (r == 0 && i == 0) return T(0, 0);
      return T(std::numeric_limits<F>::quiet_NaN(), 0);
    } else if constexpr (std::is_unsigned_v<T>) {
      return a > 0 ? 1 : 0;
    } else if constexpr (is_int_v<T>) {
      return static_cast<T>((a > 0) - (a < 0));
    } else {
      return a > 0 ? T(1) : a < 0 ? T(-1) : a == 0 ? T(0) : a;
    }
  }
};

// maximum/minimum propagate NaN (from either side); fmax/fmin prefer the non-NaN.
struct Maximum : Pure {
  template <class T>
  static T f(T a, T b) noexcept {
    if constexpr (is_complex_v<T>) return cge(a, b) || cnan(a) ? a : b;
    else if constexpr (std::is_floating_point_v<T>) return a >= b || std::isnan(a) ? a : b;
    else return a >= b ? a : b;
  }
};
struct Minimum : Pure {
  template <class T>
  static T f(T a, T b) noexcept {
    if constexpr (is_complex_v<T>) return cle(a, b) || cnan(a) ? a : b;
    else if constexpr (std::is_floating_point_v<T>) return a <= b || std::isnan(a) ? a : b;
    else return a <= b ? a : b;
  }
};
struct Fmax : Pure {
  template <class T>
  static T f(T a, T b) noexcept {
    if constexpr (is_complex_v<T>) return cge(a, b) || cnan(b) ? a : b;
    else if constexpr (std::is_floating_point_v<T>) return a >= b || std::isnan(b) ? a : b;
    else return a >= b ? a : b;
  }
};
struct Fmin : Pure {
  template <class T>
  static T f(T a, T b) noexcept {
    if constexpr (is_complex_v<T>) return cle(a, b) || cnan(b) ? a : b;
    else if constexpr (std::is_floating_point_v<T>) return a <= b || std::isnan(b) ? a : b;
    else return a <= b ? a : b;
  }
};

// clip(x, lo, hi) = min(max(x, lo), hi), NaN-propagating, as NumPy's clip ufunc.
struct Clip : Pure {
  template <class T>
  static T f(T x, T lo, T hi) noexcept {
    if constexpr (is_complex_v<T>) {
      auto gt = [](T p, T q) { return p.real() == q.real() ? p.imag() > q.imag() : p.real() > q.real(); };
      auto lt = [](T p, T q) { return p.real() == q.real() ? p.imag() < q.imag() : p.real() < q.real(); };
      const T m = cnan(x) || gt(x, lo) ? x : lo;
      return cnan(m) || lt(m, hi) ? m : hi;
    } else if constexpr (std::is_floating_point_v<T>) {
      const T m = std::isnan(x) || x > lo ? x : lo;
      return std::isnan(m) || m < hi ? m : hi;
    } else {
      const T m = x > lo ? x : lo;
      return m < hi ? m : hi;
    }
  }
};

// where(cond, x, y): copies bytes, so one loop per element size.
struct Where : Pure {
  template <class T>
  static T f(bool c, T x, T y) noexcept {
    return c ? x : y;
  }
};
struct Bytes16 {
  uint64_t lo, hi;
};
template <class S>
using raw_t = std::conditional_t<
    sizeof(S) == 1, uint8_t,
    std::conditional_t<sizeof(S) == 2, uint16_t,
                       std::conditional_t<sizeof(S) == 4, uint32_t, std::conditional_t<sizeof(S) == 8, uint64_t, Bytes16>>>>;

template <class... Ts>
struct list {};
using Ints = list<int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t>;
using Floats = list<f16, float, double>;
using Complex = list<c64, c128>;
using All = list<Bool, int8_t, uint8_t, int16_t, uint16_t, int32_t, uint32_t, int64_t, uint64_t, f16, float, double,
                 c64, c128>;

template <class Op, class... Ts>
void binaries(Registry& r, const char* name, list<Ts...>) {
  (add_binary<Op, Ts>(r, name), ...);
}
template <class Op, class... Ts>
void unaries(Registry& r, const char* name, list<Ts...>) {
  (add_unary<Op, Ts>(r, name), ...);
}
template <class Op, class... Ts>
void clips(Registry& r, const char* name, list<Ts...>) {
  (r.add(name, signature({dtype_name<Ts>(), dtype_name<Ts>(), dtype_name<Ts>()}, dtype_name<Ts>()),
         &ternary_strided<Op, Ts, Ts, Ts>, &ternary_contiguous<Op, Ts, Ts, Ts>),
   ...);
}
template <class... Ts>
void wheres(Registry& r, list<Ts...>) {
  (r.add("where", signature({"bool", dtype_name<Ts>(), dtype_name<Ts>()}, dtype_name<Ts>()),
         &ternary_strided<Where, Bool, raw_t<Ts>, raw_t<Ts>>, &ternary_contiguous<Where, Bool, raw_t<Ts>, raw_t<Ts>>),
   ...);
}

template <class Op>
void signed_unaries(Registry& r, const char* name) {
  unaries<Op>(r, name, Ints{});
  unaries<Op>(r, name, Floats{});
  unaries<Op>(r, name, Complex{});
}

// Floats and complex, with the Highway loop for contiguous float32/float64.
template <class Op>
void hot(Registry& r, const char* name, LoopPair f32, LoopPair f64) {
  add_binary<Op, f16>(r, name);
  add_binary<Op, float>(r, name, f32);
  add_binary<Op, double>(r, name, f64);
  binaries<Op>(r, name, Complex{});
}

template <class Op>
void extremum(Registry& r, const char* name, LoopPair f32, LoopPair f64) {
  add_binary<Op, Bool>(r, name);
  binaries<Op>(r, name, Ints{});
  hot<Op>(r, name, f32, f64);
}

}  // namespace

void register_arithmetic(Registry& r) {
  const SimdArithmeticLoops simd = simd_arithmetic_loops();

  add_binary<Add, Bool>(r, "add");
  binaries<Add>(r, "add", Ints{});
  hot<Add>(r, "add", simd.add_f32, simd.add_f64);

  binaries<Subtract>(r, "subtract", Ints{});
  hot<Subtract>(r, "subtract", simd.subtract_f32, simd.subtract_f64);
  r.set_bool_refusal("subtract", "boolean subtract is not supported (as in NumPy); use logical_xor or bitwise_xor");

  add_binary<Multiply, Bool>(r, "multiply");
  binaries<Multiply>(r, "multiply", Ints{});
  hot<Multiply>(r, "multiply", simd.multiply_f32, simd.multiply_f64);

  add_binary<Divide, Bool, double>(r, "divide");
  [&]<class... Ts>(list<Ts...>) { (add_binary<Divide, Ts, double>(r, "divide"), ...); }(Ints{});
  hot<Divide>(r, "divide", simd.divide_f32, simd.divide_f64);

  binaries<FloorDivideInt>(r, "floor_divide", Ints{});
  binaries<FloorDivideFloat>(r, "floor_divide", Floats{});
  binaries<RemainderInt>(r, "remainder", Ints{});
  binaries<RemainderFloat>(r, "remainder", Floats{});
  binaries<PowerInt>(r, "power", Ints{});
  binaries<Power>(r, "power", Floats{});
  binaries<Power>(r, "power", Complex{});

  signed_unaries<Negative>(r, "negative");
  r.set_bool_refusal("negative", "boolean negative is not supported (as in NumPy); use logical_not or invert");
  signed_unaries<Positive>(r, "positive");
  signed_unaries<Sign>(r, "sign");
  add_unary<Absolute, Bool>(r, "absolute");
  unaries<Absolute>(r, "absolute", Ints{});
  unaries<Absolute>(r, "absolute", Floats{});
  add_unary<Absolute, c64, float>(r, "absolute");
  add_unary<Absolute, c128, double>(r, "absolute");

  extremum<Maximum>(r, "maximum", simd.maximum_f32, simd.maximum_f64);
  extremum<Minimum>(r, "minimum", simd.minimum_f32, simd.minimum_f64);
  extremum<Fmax>(r, "fmax", simd.fmax_f32, simd.fmax_f64);
  extremum<Fmin>(r, "fmin", simd.fmin_f32, simd.fmin_f64);
  clips<Clip>(r, "clip", All{});
  wheres(r, All{});
}

}  // namespace pluribus::gfunc::kernels
