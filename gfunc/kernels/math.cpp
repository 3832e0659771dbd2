// The math family: sqrt .. isfinite, for float32 and float64 (elementwise).
//
// Most functions are Highway SIMD loops compiled for every x86 target (foreach_target.h)
// and resolved once, at registration, to the best target this CPU runs. Each SIMD
// function has a fast range (e.g. |x| <= 39000 for sin, 0 < x < inf for log); a vector
// with a lane outside it (special values, subnormal results, huge arguments) has those
// lanes recomputed by the C library, so special values follow IEEE/C99 exactly as NumPy
// does, and every result stays within the ULP bounds in spec/gfunc-accuracy.md.
// cbrt, tan and arctan2 call the C library per element.
//
// Integer and bool inputs reach the float kernels through dispatch's safe casts, except
// isnan/isinf/isfinite, which have integer and bool kernels of their own (NumPy: isnan of
// an integer is false, isfinite true).

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "gfunc/kernels/math.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>
#include <hwy/contrib/math/math-inl.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>

#include "gfunc/kernel.hpp"
#include "gfunc/kernels/bytes.hpp"
#include "gfunc/kernels/families.hpp"
#include "gfunc/simd.hpp"
#include "gfunc/loop.hpp"

// The SIMD functions, one per (function, float type); each target compiles them all.
#ifndef PLURIBUS_GFUNC_MATH_LISTS
#define PLURIBUS_GFUNC_MATH_LISTS
#define PLURIBUS_MATH_SIMD_UNARY(X)                                                            \
  X(Sqrt) X(Exp) X(Exp2) X(Expm1) X(Log) X(Log2) X(Log10) X(Log1p) X(Sin) X(Cos) X(Arcsin)     \
  X(Arccos) X(Arctan) X(Sinh) X(Cosh) X(Tanh) X(Arcsinh) X(Arccosh) X(Arctanh) X(Floor) X(Ceil) \
  X(Trunc) X(Rint)
#define PLURIBUS_MATH_SIMD_BINARY(X) X(Hypot)
#endif

HWY_BEFORE_NAMESPACE();
namespace pluribus::gfunc::kernels::math_simd {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

template <class D>
using V = hn::Vec<D>;
template <class D>
using M = hn::Mask<D>;

// The most lanes any vector of T has on this target.
template <class T>
constexpr size_t kMaxLanes = HWY_MAX_BYTES / sizeof(T);

template <class D>
HWY_INLINE V<D> Const(D d, double value) {
  return hn::Set(d, static_cast<hn::TFromD<D>>(value));
}

// lo <= x <= hi (false for NaN).
template <class D>
HWY_INLINE M<D> Within(D d, V<D> x, double lo, double hi) {
  return hn::And(hn::Ge(x, Const(d, lo)), hn::Le(x, Const(d, hi)));
}

// |x| <= limit (false for NaN).
template <class D>
HWY_INLINE M<D> AbsWithin(D d, V<D> x, double limit) {
  return hn::Le(hn::Abs(x), Const(d, limit));
}

// x is finite (false for NaN and infinities).
template <class D>
HWY_INLINE M<D> Finite(D d, V<D> x) {
  return hn::Lt(hn::Abs(x), Const(d, HUGE_VAL));
}

template <class T>
constexpr double By(double f32, double f64) {
  return sizeof(T) == 4 ? f32 : f64;
}

// Lanes whose bit in `ok` is clear are recomputed by the scalar function.
template <class Op, class D>
HWY_NOINLINE V<D> FixLanes(D d, V<D> x, V<D> y, M<D> ok) {
  using T = hn::TFromD<D>;
  T xs[kMaxLanes<T>], ys[kMaxLanes<T>];
  uint8_t bits[kMaxLanes<T> / 8 + 8] = {};
  hn::StoreU(x, d, xs);
  hn::StoreU(y, d, ys);
  hn::StoreMaskBits(d, ok, bits);
  for (size_t i = 0, n = hn::Lanes(d); i < n; ++i)
    if (!((bits[i / 8] >> (i % 8)) & 1)) ys[i] = Op::Scalar(xs[i]);
  return hn::LoadU(d, ys);
}

template <class Op, class D>
HWY_NOINLINE V<D> FixLanes2(D d, V<D> x, V<D> y, V<D> r, M<D> ok) {
  using T = hn::TFromD<D>;
  T xs[kMaxLanes<T>], ys[kMaxLanes<T>], rs[kMaxLanes<T>];
  uint8_t bits[kMaxLanes<T> / 8 + 8] = {};
  hn::StoreU(x, d, xs);
  hn::StoreU(y, d, ys);
  hn::StoreU(r, d, rs);
  hn::StoreMaskBits(d, ok, bits);
  for (size_t i = 0, n = hn::Lanes(d); i < n; ++i)
    if (!((bits[i / 8] >> (i % 8)) & 1)) rs[i] = Op::Scalar(xs[i], ys[i]);
  return hn::LoadU(d, rs);
}

template <class Op, class D>
HWY_INLINE V<D> Apply(D d, V<D> x) {
  V<D> y = Op::Simd(d, x);
  if constexpr (Op::kChecked) {
    const M<D> ok = Op::Ok(d, x);
    if (HWY_UNLIKELY(!hn::AllTrue(d, ok))) y = FixLanes<Op>(d, x, y, ok);
  }
  return y;
}

template <class Op, class D>
HWY_INLINE V<D> Apply2(D d, V<D> x, V<D> y) {
  V<D> r = Op::Simd(d, x, y);
  const M<D> ok = Op::Ok(d, x, y);
  if (HWY_UNLIKELY(!hn::AllTrue(d, ok))) r = FixLanes2<Op>(d, x, y, r, ok);
  return r;
}

// out[i] = op(in[i]) for i < n; `out` may be `in`. The tail runs as one full vector on a
// copy padded with the last element.
template <class Op, class T>
HWY_INLINE void Map1(const T* in, T* out, size_t n) {
  const hn::ScalableTag<T> d;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  for (; i + 2 * N <= n; i += 2 * N) {
    const V<decltype(d)> x0 = hn::LoadU(d, in + i);
    const V<decltype(d)> x1 = hn::LoadU(d, in + i + N);
    hn::StoreU(Apply<Op>(d, x0), d, out + i);
    hn::StoreU(Apply<Op>(d, x1), d, out + i + N);
  }
  for (; i < n; i += N) {
    T buf[kMaxLanes<T>];
    const size_t m = std::min(N, n - i);
    std::memcpy(buf, in + i, m * sizeof(T));
    for (size_t j = m; j < N; ++j) buf[j] = buf[m - 1];
    hn::StoreU(Apply<Op>(d, hn::LoadU(d, buf)), d, buf);
    std::memcpy(out + i, buf, m * sizeof(T));
  }
}

template <class Op, class T>
HWY_INLINE void Map2(const T* a, const T* b, T* out, size_t n) {
  const hn::ScalableTag<T> d;
  const size_t N = hn::Lanes(d);
  size_t i = 0;
  for (; i + N <= n; i += N)
    hn::StoreU(Apply2<Op>(d, hn::LoadU(d, a + i), hn::LoadU(d, b + i)), d, out + i);
  if (i < n) {
    T abuf[kMaxLanes<T>], bbuf[kMaxLanes<T>];
    const size_t m = n - i;
    std::memcpy(abuf, a + i, m * sizeof(T));
    std::memcpy(bbuf, b + i, m * sizeof(T));
    for (size_t j = m; j < N; ++j) {
      abuf[j] = abuf[m - 1];
      bbuf[j] = bbuf[m - 1];
    }
    hn::StoreU(Apply2<Op>(d, hn::LoadU(d, abuf), hn::LoadU(d, bbuf)), d, abuf);
    std::memcpy(out + i, abuf, m * sizeof(T));
  }
}

// ---- the operations: Simd (vector), Ok (lanes Simd gets right), Scalar (the rest) ----

// An operation without a fast-range check: the vector instruction is exact everywhere.
struct Exact {
  static constexpr bool kChecked = false;
  template <class T>
  static T Scalar(T x) {
    return x;
  }
};

struct SqrtOp : Exact {
  template <class D>
  static HWY_INLINE V<D> Simd(D, V<D> x) {
    return hn::Sqrt(x);
  }
};
// The rounding functions keep the input's sign (ceil(-0.5) is -0.0, as IEEE says); Highway
// 1.0.3's SSSE3 and SCALAR targets, which round without SSE4's roundps, return +0.0 there.
struct FloorOp : Exact {
  template <class D>
  static HWY_INLINE V<D> Simd(D, V<D> x) {
    return hn::CopySign(hn::Floor(x), x);
  }
};
struct CeilOp : Exact {
  template <class D>
  static HWY_INLINE V<D> Simd(D, V<D> x) {
    return hn::CopySign(hn::Ceil(x), x);
  }
};
struct TruncOp : Exact {
  template <class D>
  static HWY_INLINE V<D> Simd(D, V<D> x) {
    return hn::CopySign(hn::Trunc(x), x);
  }
};
struct RintOp : Exact {  // round half to even, the default rounding mode
  template <class D>
  static HWY_INLINE V<D> Simd(D, V<D> x) {
    return hn::CopySign(hn::Round(x), x);
  }
};

struct Checked {
  static constexpr bool kChecked = true;
};

// e^x where the result is normal (ExpOp's fast range): x = n ln2 + r, n = rint(x / ln2)
// read from the low bits of x / ln2 + 1.5 * 2^p (p = mantissa bits), r in two parts with
// |r| <= ln2/2; e^r by Highway's polynomial; 2^n joins with one integer add to the exponent
// field. Highway's Exp converts n to int32 and back and scales by two multiplies.
template <class D>
HWY_INLINE V<D> ExpNormal(D d, V<D> x) {
  using T = hn::TFromD<D>;
  const hn::RebindToSigned<D> di;
  constexpr int kMantissa = sizeof(T) == 4 ? 23 : 52;
  const V<D> shifter = Const(d, By<T>(0x1.8p23, 0x1.8p52));
  const V<D> t = hn::MulAdd(x, Const(d, 1.442695040888963407359924681), shifter);
  const V<D> n = hn::Sub(t, shifter);
  // -ln2 = part0 + part1, part0 with trailing zeros (Highway's split)
  V<D> r = hn::MulAdd(n, Const(d, By<T>(-0.693145751953125, -0.6931471805596629565116018)), x);
  r = hn::MulAdd(n, Const(d, By<T>(-1.428606765330187045e-6, -0.28235290563031577122588448175e-12)), r);
  hn::impl::ExpImpl<T> impl;
  const V<D> p = hn::Add(impl.ExpPoly(d, r), Const(d, 1.0));  // e^r in [0.70, 1.42]
  // t's bits are those of 1.5 * 2^p plus n: shifted by p, only n << p remains.
  return hn::BitCast(d, hn::Add(hn::BitCast(di, p), hn::ShiftLeft<kMantissa>(hn::BitCast(di, t))));
}

struct ExpOp : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    return ExpNormal(d, x);
  }
  template <class D>  // normal, finite results
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    using T = hn::TFromD<D>;
    return Within(d, x, By<T>(-87.0, -708.0), By<T>(88.0, 706.0));
  }
  template <class T>
  static T Scalar(T x) {
    return std::exp(x);
  }
};

// 2^x = 2^n * e^(f ln 2) with n = rint(x) and f = x - n exact, |f| <= 1/2.
struct Exp2Op : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    using T = hn::TFromD<D>;
    hn::impl::ExpImpl<T> impl;
    constexpr long double kLn2 = 0.693147180559945309417232121458176568L;
    const V<D> ln2_hi = hn::Set(d, static_cast<T>(kLn2));
    const V<D> ln2_lo = hn::Set(d, static_cast<T>(kLn2 - static_cast<T>(kLn2)));
    const V<D> n = hn::Round(x);
    const V<D> f = hn::Sub(x, n);
    const V<D> r = hn::Mul(f, ln2_hi);
    const V<D> r_lo = hn::MulAdd(f, ln2_lo, hn::MulSub(f, ln2_hi, r));  // f ln2 = r + r_lo
    const V<D> p = impl.ExpPoly(d, r);                                    // e^r - 1
    // e^(r + r_lo) = e^r (1 + r_lo) = 1 + (p + e^r r_lo)
    const V<D> y = hn::Add(Const(d, 1.0), hn::MulAdd(hn::Add(p, Const(d, 1.0)), r_lo, p));
    return impl.LoadExpShortRange(d, y, impl.ToInt32(d, n));
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    using T = hn::TFromD<D>;
    return Within(d, x, By<T>(-125.0, -1021.0), By<T>(127.0, 1023.0));
  }
  template <class T>
  static T Scalar(T x) {
    return std::exp2(x);
  }
};

// f(-0) = -0 for these: pass zeros through (the polynomials may lose the sign).
template <class D>
HWY_INLINE V<D> KeepZero(D d, V<D> x, V<D> y) {
  return hn::IfThenElse(hn::Eq(x, hn::Zero(d)), x, y);
}

// e^x - 1 = 2^q (p + 1) - 1 = 2^q p + (2^q - 1), with p = e^r - 1, r = x - q ln 2, one
// rounding at the end (Highway's Expm1 rounds 2^q (p + 1) first: up to 4 ULP).
// Needs -1022 <= q <= 1023 (float: -126 <= q <= 127).
template <class D>
HWY_INLINE V<D> Expm1Core(D d, V<D> x) {
  using T = hn::TFromD<D>;
  hn::impl::ExpImpl<T> impl;
  const V<D> kOneOverLn2 = Const(d, 1.442695040888963407359924681);
  // q = trunc(x / ln 2 +- 1/2)
  const auto q = impl.ToInt32(d, hn::MulAdd(x, kOneOverLn2, hn::Or(Const(d, 0.5), hn::And(x, Const(d, -0.0)))));
  const V<D> p = impl.ExpPoly(d, impl.ExpReduce(d, x, q));
  const V<D> t = impl.Pow2I(d, q);
  return hn::MulAdd(t, p, hn::Sub(t, Const(d, 1.0)));
}

struct Expm1Op : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    return KeepZero(d, x, Expm1Core(d, x));
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    using T = hn::TFromD<D>;
    return Within(d, x, By<T>(-87.0, -708.0), By<T>(88.0, 706.0));
  }
  template <class T>
  static T Scalar(T x) {
    return std::expm1(x);
  }
};

// The logarithms are exact for 0 < x < inf (subnormals included).
template <class D>
HWY_INLINE M<D> Positive(D d, V<D> x) {
  return hn::And(hn::Gt(x, hn::Zero(d)), hn::Lt(x, Const(d, HUGE_VAL)));
}

// Normal positive finite x (subnormals are rare enough to take the C library's path).
template <class D>
HWY_INLINE M<D> PositiveNormal(D d, V<D> x) {
  using T = hn::TFromD<D>;
  return hn::And(hn::Ge(x, Const(d, static_cast<double>(std::numeric_limits<T>::min()))),
                 hn::Lt(x, Const(d, HUGE_VAL)));
}

// log x for normal positive finite x: Highway's Log (x = 2^e y, y in [sqrt(1/2),
// sqrt(2)), log y from z = (y - 1)/(y + 1)), with e turned into a float by placing its
// biased value in the mantissa of 2^p (p = mantissa bits) and subtracting, where Highway
// converts an int64 (several instructions on AVX2, which has no such conversion).
template <class D>
HWY_INLINE V<D> LogNormal(D d, V<D> x) {
  using T = hn::TFromD<D>;
  using TI = hwy::MakeSigned<T>;
  using TU = hwy::MakeUnsigned<T>;
  const hn::RebindToSigned<D> di;
  const hn::RebindToUnsigned<D> du;
  constexpr bool kF32 = sizeof(T) == 4;
  constexpr int kMantissa = kF32 ? 23 : 52;
  const auto kMagic = hn::Set(di, static_cast<TI>(kF32 ? 0x3F3504F3LL : 0x3FE6A09E00000000LL));
  const auto kExpMask = hn::Set(di, static_cast<TI>(kF32 ? 0x3F800000LL : 0x3FF0000000000000LL));
  const auto kManMask = hn::Set(di, static_cast<TI>(kF32 ? 0x7FFFFFLL : 0xFFFFF00000000LL));
  const auto kLowerBits = hn::Set(di, static_cast<TI>(kF32 ? 0 : 0xFFFFFFFFLL));
  const auto exp_bits = hn::Add(hn::BitCast(di, x), hn::Sub(kExpMask, kMagic));
  // 2^p + biased e, as a float, minus 2^p + bias: e exactly.
  const auto two_p = hn::Set(du, static_cast<TU>(kF32 ? 0x4B000000ULL : 0x4330000000000000ULL));
  const V<D> biased = hn::BitCast(d, hn::Or(hn::ShiftRight<kMantissa>(hn::BitCast(du, exp_bits)), two_p));
  const V<D> e = hn::Sub(biased, Const(d, kF32 ? 0x1p23 + 127 : 0x1p52 + 1023));
  const V<D> y = hn::Or(hn::And(x, hn::BitCast(d, kLowerBits)),
                        hn::BitCast(d, hn::Add(hn::And(exp_bits, kManMask), kMagic)));
  const V<D> ln2_hi = Const(d, kF32 ? 0.69313812256 : 0.693147180369123816490);
  const V<D> ln2_lo = Const(d, kF32 ? 9.0580006145e-6 : 1.90821492927058770002e-10);
  const V<D> ym1 = hn::Sub(y, Const(d, 1.0));
  const V<D> z = hn::Div(ym1, hn::Add(y, Const(d, 1.0)));
  hn::impl::LogImpl<T> impl;
  return hn::MulSub(e, ln2_hi, hn::Sub(hn::MulSub(z, hn::Sub(ym1, impl.LogPoly(d, z)), hn::Mul(e, ln2_lo)), ym1));
}

struct LogOp : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    return LogNormal(d, x);
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    return PositiveNormal(d, x);
  }
  template <class T>
  static T Scalar(T x) {
    return std::log(x);
  }
};
// log2 x = e + log(m) / ln 2 with x = 2^e m, sqrt(1/2) <= m < sqrt(2): exact at powers
// of two, as the C library is. Normal x only.
struct Log2Op : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    using T = hn::TFromD<D>;
    using TU = hwy::MakeUnsigned<T>;
    const hn::RebindToUnsigned<D> du;
    constexpr int kMantissa = std::numeric_limits<T>::digits - 1;
    constexpr TU kOne = static_cast<TU>(sizeof(T) == 4 ? 0x3F800000ull : 0x3FF0000000000000ull);
    constexpr TU kTwoToMantissa = kOne + (TU{kMantissa} << kMantissa);  // bits of 2^kMantissa
    const auto bits = hn::BitCast(du, x);
    V<D> m = hn::BitCast(d, hn::Or(hn::And(bits, hn::Set(du, (TU{1} << kMantissa) - 1)), hn::Set(du, kOne)));
    // e + 2^kMantissa + bias, exactly, then minus (2^kMantissa + bias)
    V<D> e = hn::Sub(hn::BitCast(d, hn::Or(hn::ShiftRight<kMantissa>(bits), hn::Set(du, kTwoToMantissa))),
                     Const(d, std::ldexp(1.0, kMantissa) + (std::numeric_limits<T>::max_exponent - 1)));
    const auto big = hn::Gt(m, Const(d, 1.41421356237309504880));
    m = hn::IfThenElse(big, hn::Mul(m, Const(d, 0.5)), m);
    e = hn::IfThenElse(big, hn::Add(e, Const(d, 1.0)), e);
    return hn::MulAdd(hn::Log(d, m), Const(d, 1.44269504088896340735992), e);
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    using T = hn::TFromD<D>;
    return hn::And(hn::Ge(x, Const(d, std::numeric_limits<T>::min())), hn::Lt(x, Const(d, HUGE_VAL)));
  }
  template <class T>
  static T Scalar(T x) {
    return std::log2(x);
  }
};
struct Log10Op : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    return hn::Log10(d, x);
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    return Positive(d, x);
  }
  template <class T>
  static T Scalar(T x) {
    return std::log10(x);
  }
};
struct Log1pOp : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    return hn::Log1p(d, x);
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    return hn::And(hn::Gt(x, Const(d, -1.0)), hn::Lt(x, Const(d, HUGE_VAL)));
  }
  template <class T>
  static T Scalar(T x) {
    return std::log1p(x);
  }
};

// Within [-1, 1] (the polynomials may round just past 1).
template <class D>
HWY_INLINE V<D> Clamp1(D d, V<D> y) {
  return hn::Min(hn::Max(y, Const(d, -1.0)), Const(d, 1.0));
}

// sin x for |x| <= 39000 (SinOp's fast range): the reduction x - q pi and Highway's
// polynomial, with q = rint(|x| / pi) read from the low bits of
// |x| / pi + 1.5 * 2^p (p = mantissa bits), and the sign (-1)^q from q's low bit; Highway's
// Sin converts q to int32 and back and widens it again for the sign.
template <class D>
HWY_INLINE V<D> SinReduced(D d, V<D> x) {
  using T = hn::TFromD<D>;
  const hn::RebindToSigned<D> di;
  constexpr int kSignShift = sizeof(T) * 8 - 1;
  const V<D> shifter = Const(d, By<T>(0x1.8p23, 0x1.8p52));
  const V<D> abs_x = hn::Abs(x);
  const V<D> t = hn::MulAdd(abs_x, Const(d, 0.31830988618379067153), shifter);
  const V<D> q = hn::Sub(t, shifter);
#if HWY_NATIVE_FMA
  // pi = p0 + p1 + p2, each the nearest T to what is left. A fused |x| - q p0 is exact
  // (q < 2^14, |r| < 2), so three parts do what Highway's four do.
  V<D> r = hn::NegMulAdd(q, Const(d, By<T>(0x1.921fb6p+1, 0x1.921fb54442d18p+1)), abs_x);
  r = hn::NegMulAdd(q, Const(d, By<T>(-0x1.777a5cp-24, 0x1.1a62633145c07p-53)), r);
  r = hn::NegMulAdd(q, Const(d, By<T>(-0x1.ee59dap-49, -0x1.f1976b7ed8fbcp-109)), r);
#else
  // Without fused multiply-adds, Highway's split: parts with trailing zeros, so that
  // q times each is exact.
  V<D> r = hn::MulAdd(q, Const(d, By<T>(-3.140625, -3.1415926218032836914)), abs_x);
  r = hn::MulAdd(q, Const(d, By<T>(-0.0009670257568359375, -3.1786509424591713469e-8)), r);
  r = hn::MulAdd(q, Const(d, By<T>(-6.2771141529083251953e-7, -1.2246467864107188502e-16)), r);
  r = hn::MulAdd(q, Const(d, By<T>(-1.2154201256553420762e-10, -1.2736634327021899816e-24)), r);
#endif
  // sin(|x|) = (-1)^q sin(r), sin(x) = sign(x) sin(|x|). The polynomial is odd to the bit,
  // so the sign goes on after it, and sin(-0) = -0 comes out without a test.
  const V<D> q_odd = hn::BitCast(d, hn::ShiftLeft<kSignShift>(hn::BitCast(di, t)));
  const V<D> sign = hn::Xor(q_odd, hn::Xor(abs_x, x));
  hn::impl::CosSinImpl<T> impl;
  return hn::Xor(Clamp1(d, impl.Poly(d, r)), sign);
}

struct SinOp : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    return SinReduced(d, x);
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    return AbsWithin(d, x, 39000.0);
  }
  template <class T>
  static T Scalar(T x) {
    return std::sin(x);
  }
};
struct CosOp : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    return Clamp1(d, hn::Cos(d, x));
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    return AbsWithin(d, x, 39000.0);
  }
  template <class T>
  static T Scalar(T x) {
    return std::cos(x);
  }
};

struct ArcsinOp : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    return hn::Asin(d, x);
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    return AbsWithin(d, x, 1.0);
  }
  template <class T>
  static T Scalar(T x) {
    return std::asin(x);
  }
};
struct ArccosOp : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    return hn::Acos(d, x);
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    return AbsWithin(d, x, 1.0);
  }
  template <class T>
  static T Scalar(T x) {
    return std::acos(x);
  }
};
struct ArctanOp : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    return hn::Atan(d, x);
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    return Finite(d, x);
  }
  template <class T>
  static T Scalar(T x) {
    return std::atan(x);
  }
};

// sinh x = sign(x) (y + 2) / (y + 1) * y / 2, y = e^|x| - 1
struct SinhOp : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    const V<D> sign = hn::And(x, Const(d, -0.0));
    const V<D> y = Expm1Core(d, hn::Abs(x));
    const V<D> z = hn::Mul(hn::Div(hn::Add(y, Const(d, 2.0)), hn::Add(y, Const(d, 1.0))), hn::Mul(y, Const(d, 0.5)));
    return KeepZero(d, x, hn::Xor(z, sign));
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    using T = hn::TFromD<D>;
    return AbsWithin(d, x, By<T>(88.0, 706.0));
  }
  template <class T>
  static T Scalar(T x) {
    return std::sinh(x);
  }
};
// cosh x = (e^|x| + 1/e^|x|) / 2
struct CoshOp : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    const V<D> e = hn::Exp(d, hn::Abs(x));
    const V<D> half = Const(d, 0.5);
    return hn::MulAdd(half, e, hn::Div(half, e));
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    using T = hn::TFromD<D>;
    return AbsWithin(d, x, By<T>(88.0, 706.0));
  }
  template <class T>
  static T Scalar(T x) {
    return std::cosh(x);
  }
};
// tanh x = sign(x) y / (y + 2), y = e^(2|x|) - 1; 1 beyond |x| = 22 (float: 10).
struct TanhOp : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    using T = hn::TFromD<D>;
    const V<D> sign = hn::And(x, Const(d, -0.0));
    const V<D> ax = hn::Abs(x);
    const auto saturated = hn::Gt(ax, Const(d, By<T>(10.0, 22.0)));
    const V<D> y = Expm1Core(d, hn::IfThenZeroElse(saturated, hn::Add(ax, ax)));
    const V<D> z = hn::IfThenElse(saturated, Const(d, 1.0), hn::Div(y, hn::Add(y, Const(d, 2.0))));
    return KeepZero(d, x, hn::Xor(z, sign));
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    return Finite(d, x);
  }
  template <class T>
  static T Scalar(T x) {
    return std::tanh(x);
  }
};
struct ArcsinhOp : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    return KeepZero(d, x, hn::Asinh(d, x));
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    return Finite(d, x);
  }
  template <class T>
  static T Scalar(T x) {
    return std::asinh(x);
  }
};
struct ArccoshOp : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    return hn::Acosh(d, x);
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    return hn::And(hn::Ge(x, Const(d, 1.0)), hn::Lt(x, Const(d, HUGE_VAL)));
  }
  template <class T>
  static T Scalar(T x) {
    return std::acosh(x);
  }
};
struct ArctanhOp : Checked {
  template <class D>
  static HWY_INLINE V<D> Simd(D d, V<D> x) {
    return KeepZero(d, x, hn::Atanh(d, x));
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x) {
    return hn::Lt(hn::Abs(x), Const(d, 1.0));
  }
  template <class T>
  static T Scalar(T x) {
    return std::atanh(x);
  }
};

// hypot(x, y) = sqrt(x^2 + y^2) with one fused rounding, where neither square overflows
// and at least one of them is normal.
struct HypotOp {
  template <class D>
  static HWY_INLINE V<D> Simd(D, V<D> x, V<D> y) {
    return hn::Sqrt(hn::MulAdd(x, x, hn::Mul(y, y)));
  }
  template <class D>
  static HWY_INLINE M<D> Ok(D d, V<D> x, V<D> y) {
    using T = hn::TFromD<D>;
    const V<D> big = Const(d, By<T>(0x1p60, 0x1p500)), small = Const(d, By<T>(0x1p-60, 0x1p-500));
    const V<D> ax = hn::Abs(x), ay = hn::Abs(y);
    return hn::And(hn::And(hn::Lt(ax, big), hn::Lt(ay, big)),
                   hn::Or(hn::Gt(ax, small), hn::Gt(ay, small)));
  }
  template <class T>
  static T Scalar(T x, T y) {
    return std::hypot(x, y);
  }
};

#define PLURIBUS_MATH_DEFINE_UNARY(Name)                          \
  void Name##F32(const float* in, float* out, size_t n) {         \
    Map1<Name##Op>(in, out, n);                                   \
  }                                                               \
  void Name##F64(const double* in, double* out, size_t n) {       \
    Map1<Name##Op>(in, out, n);                                   \
  }
#define PLURIBUS_MATH_DEFINE_BINARY(Name)                                       \
  void Name##F32(const float* a, const float* b, float* out, size_t n) {        \
    Map2<Name##Op>(a, b, out, n);                                               \
  }                                                                             \
  void Name##F64(const double* a, const double* b, double* out, size_t n) {     \
    Map2<Name##Op>(a, b, out, n);                                               \
  }
PLURIBUS_MATH_SIMD_UNARY(PLURIBUS_MATH_DEFINE_UNARY)
PLURIBUS_MATH_SIMD_BINARY(PLURIBUS_MATH_DEFINE_BINARY)
#undef PLURIBUS_MATH_DEFINE_UNARY
#undef PLURIBUS_MATH_DEFINE_BINARY

}  // namespace HWY_NAMESPACE
}  // namespace pluribus::gfunc::kernels::math_simd
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace pluribus::gfunc::kernels {

namespace math_simd {
#define PLURIBUS_MATH_EXPORT(Name) \
  HWY_EXPORT(Name##F32);           \
  HWY_EXPORT(Name##F64);
PLURIBUS_MATH_SIMD_UNARY(PLURIBUS_MATH_EXPORT)
PLURIBUS_MATH_SIMD_BINARY(PLURIBUS_MATH_EXPORT)
#undef PLURIBUS_MATH_EXPORT
}  // namespace math_simd

namespace {

// The dispatch table's entry for the chosen target (simd.hpp), resolved once (what
// HWY_DYNAMIC_DISPATCH does per call; Highway 1.0.3 has no HWY_DYNAMIC_POINTER).
template <class F, size_t N>
F resolve(F const (&table)[N]) {
  if constexpr (N == 1) {
    return table[0];
  } else {
    return table[simd_target_index()];
  }
}


// What a loop finds in LoopContext::kernel_data: the array function it runs.
template <class T>
struct Unary {
  void (*fn)(const T* in, T* out, size_t n);
};
template <class T>
struct Binary {
  void (*fn)(const T* a, const T* b, T* out, size_t n);
};

template <class T>
constexpr int64_t kSize = static_cast<int64_t>(sizeof(T));

constexpr int64_t kBlock = 256;  // elements gathered per call of the array function

template <class T>
int unary_contiguous(char** args, const int64_t* dimensions, const int64_t*, LoopContext* context) noexcept {
  const auto* k = static_cast<const Unary<T>*>(context->kernel_data);
  k->fn(reinterpret_cast<const T*>(args[0]), reinterpret_cast<T*>(args[1]),
        static_cast<size_t>(dimensions[0]));
  return loop_ok;
}

// Any strides: blocks are gathered into a contiguous buffer, computed, and scattered.
template <class T>
int unary_strided(char** args, const int64_t* dimensions, const int64_t* steps, LoopContext* context) noexcept {
  const int64_t n = dimensions[0], s0 = steps[0], s1 = steps[1];
  if (s0 == kSize<T> && s1 == kSize<T>) return unary_contiguous<T>(args, dimensions, steps, context);
  const auto* k = static_cast<const Unary<T>*>(context->kernel_data);
  const char* in = args[0];
  char* out = args[1];
  T a[kBlock], r[kBlock];
  for (int64_t i = 0; i < n; i += kBlock) {
    const int64_t m = std::min(kBlock, n - i);
    for (int64_t j = 0; j < m; ++j) a[j] = load<T>(in + (i + j) * s0);
    k->fn(a, r, static_cast<size_t>(m));
    for (int64_t j = 0; j < m; ++j) store<T>(out + (i + j) * s1, r[j]);
  }
  return loop_ok;
}

template <class T>
int binary_contiguous(char** args, const int64_t* dimensions, const int64_t*, LoopContext* context) noexcept {
  const auto* k = static_cast<const Binary<T>*>(context->kernel_data);
  k->fn(reinterpret_cast<const T*>(args[0]), reinterpret_cast<const T*>(args[1]),
        reinterpret_cast<T*>(args[2]), static_cast<size_t>(dimensions[0]));
  return loop_ok;
}

template <class T>
int binary_strided(char** args, const int64_t* dimensions, const int64_t* steps, LoopContext* context) noexcept {
  const int64_t n = dimensions[0], s0 = steps[0], s1 = steps[1], s2 = steps[2];
  if (s0 == kSize<T> && s1 == kSize<T> && s2 == kSize<T>)
    return binary_contiguous<T>(args, dimensions, steps, context);
  const auto* k = static_cast<const Binary<T>*>(context->kernel_data);
  const char *x = args[0], *y = args[1];
  char* out = args[2];
  T a[kBlock], b[kBlock], r[kBlock];
  for (int64_t i = 0; i < n; i += kBlock) {
    const int64_t m = std::min(kBlock, n - i);
    for (int64_t j = 0; j < m; ++j) {
      a[j] = load<T>(x + (i + j) * s0);
      b[j] = load<T>(y + (i + j) * s1);
    }
    k->fn(a, b, r, static_cast<size_t>(m));
    for (int64_t j = 0; j < m; ++j) store<T>(out + (i + j) * s2, r[j]);
  }
  return loop_ok;
}

// Array functions that call the C library per element.
template <class T, T (*F)(T)>
void scalar_unary(const T* in, T* out, size_t n) {
  const char* p = reinterpret_cast<const char*>(in);
  char* q = reinterpret_cast<char*>(out);
  for (size_t i = 0; i < n; ++i) store<T>(q + i * sizeof(T), F(load<T>(p + i * sizeof(T))));
}
template <class T, T (*F)(T, T)>
void scalar_binary(const T* a, const T* b, T* out, size_t n) {
  const char* p = reinterpret_cast<const char*>(a);
  const char* q = reinterpret_cast<const char*>(b);
  char* r = reinterpret_cast<char*>(out);
  for (size_t i = 0; i < n; ++i)
    store<T>(r + i * sizeof(T), F(load<T>(p + i * sizeof(T)), load<T>(q + i * sizeof(T))));
}

template <class T>
T cbrt_(T x) {
  return std::cbrt(x);
}
template <class T>
T tan_(T x) {
  return std::tan(x);
}
template <class T>
T atan2_(T y, T x) {
  return std::atan2(y, x);
}

// isnan, isinf, isfinite: T -> bool.
template <class T>
bool isnan_(T x) {
  return std::isnan(x);
}
template <class T>
bool isinf_(T x) {
  return std::isinf(x);
}
template <class T>
bool isfinite_(T x) {
  return std::isfinite(x);
}

template <class T, bool (*P)(T)>
int predicate_contiguous(char** args, const int64_t* dimensions, const int64_t*, LoopContext*) noexcept {
  const char* in = args[0];
  char* out = args[1];
  for (int64_t i = 0, n = dimensions[0]; i < n; ++i)
    out[i] = static_cast<char>(P(load<T>(in + i * kSize<T>)));
  return loop_ok;
}
template <class T, bool (*P)(T)>
int predicate_strided(char** args, const int64_t* dimensions, const int64_t* steps, LoopContext* context) noexcept {
  if (steps[0] == kSize<T> && steps[1] == 1) return predicate_contiguous<T, P>(args, dimensions, steps, context);
  const char* in = args[0];
  char* out = args[1];
  for (int64_t i = 0, n = dimensions[0]; i < n; ++i)
    out[i * steps[1]] = static_cast<char>(P(load<T>(in + i * steps[0])));
  return loop_ok;
}

// Integers and bools: the answer does not depend on the value.
template <bool kValue>
int constant_strided(char** args, const int64_t* dimensions, const int64_t* steps, LoopContext*) noexcept {
  char* out = args[1];
  const int64_t n = dimensions[0], s = steps[1];
  if (s == 1) {
    std::memset(out, kValue ? 1 : 0, static_cast<size_t>(n));
  } else {
    for (int64_t i = 0; i < n; ++i) out[i * s] = kValue ? 1 : 0;
  }
  return loop_ok;
}

// One function's kernels, float32 first (dispatch takes the first kernel reached by safe casts).
void add_unary(Registry& registry, const char* name, const Unary<float>* f32, const Unary<double>* f64) {
  registry.add(name, "(... * float32) -> ... * float32", unary_strided<float>, unary_contiguous<float>, f32);
  registry.add(name, "(... * float64) -> ... * float64", unary_strided<double>, unary_contiguous<double>, f64);
}
void add_binary(Registry& registry, const char* name, const Binary<float>* f32, const Binary<double>* f64) {
  registry.add(name, "(... * float32, ... * float32) -> ... * float32", binary_strided<float>,
               binary_contiguous<float>, f32);
  registry.add(name, "(... * float64, ... * float64) -> ... * float64", binary_strided<double>,
               binary_contiguous<double>, f64);
}

template <bool (*P32)(float), bool (*P64)(double), bool kIntegerValue>
void add_predicate(Registry& registry, const char* name) {
  registry.add(name, "(... * float32) -> ... * bool", predicate_strided<float, P32>, predicate_contiguous<float, P32>);
  registry.add(name, "(... * float64) -> ... * bool", predicate_strided<double, P64>,
               predicate_contiguous<double, P64>);
  for (const char* t : {"bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}) {
    std::string signature = std::string("(... * ") + t + ") -> ... * bool";
    registry.add(name, signature, constant_strided<kIntegerValue>, constant_strided<kIntegerValue>);
  }
}

}  // namespace

void register_math(Registry& registry) {
  // Resolved once per process; each registry's kernels point at these.
#define PLURIBUS_MATH_RESOLVE(Name)                                                   \
  static const Unary<float> Name##_f32{resolve(HWY_DISPATCH_TABLE(math_simd::Name##F32))}; \
  static const Unary<double> Name##_f64{resolve(HWY_DISPATCH_TABLE(math_simd::Name##F64))};
  PLURIBUS_MATH_SIMD_UNARY(PLURIBUS_MATH_RESOLVE)
#undef PLURIBUS_MATH_RESOLVE
  static const Binary<float> Hypot_f32{resolve(HWY_DISPATCH_TABLE(math_simd::HypotF32))};
  static const Binary<double> Hypot_f64{resolve(HWY_DISPATCH_TABLE(math_simd::HypotF64))};
  static const Unary<float> Cbrt_f32{scalar_unary<float, cbrt_<float>>};
  static const Unary<double> Cbrt_f64{scalar_unary<double, cbrt_<double>>};
  static const Unary<float> Tan_f32{scalar_unary<float, tan_<float>>};
  static const Unary<double> Tan_f64{scalar_unary<double, tan_<double>>};
  static const Binary<float> Arctan2_f32{scalar_binary<float, atan2_<float>>};
  static const Binary<double> Arctan2_f64{scalar_binary<double, atan2_<double>>};

  add_unary(registry, "sqrt", &Sqrt_f32, &Sqrt_f64);
  add_unary(registry, "cbrt", &Cbrt_f32, &Cbrt_f64);
  add_unary(registry, "exp", &Exp_f32, &Exp_f64);
  add_unary(registry, "exp2", &Exp2_f32, &Exp2_f64);
  add_unary(registry, "expm1", &Expm1_f32, &Expm1_f64);
  add_unary(registry, "log", &Log_f32, &Log_f64);
  add_unary(registry, "log2", &Log2_f32, &Log2_f64);
  add_unary(registry, "log10", &Log10_f32, &Log10_f64);
  add_unary(registry, "log1p", &Log1p_f32, &Log1p_f64);
  add_unary(registry, "sin", &Sin_f32, &Sin_f64);
  add_unary(registry, "cos", &Cos_f32, &Cos_f64);
  add_unary(registry, "tan", &Tan_f32, &Tan_f64);
  add_unary(registry, "arcsin", &Arcsin_f32, &Arcsin_f64);
  add_unary(registry, "arccos", &Arccos_f32, &Arccos_f64);
  add_unary(registry, "arctan", &Arctan_f32, &Arctan_f64);
  add_binary(registry, "arctan2", &Arctan2_f32, &Arctan2_f64);
  add_unary(registry, "sinh", &Sinh_f32, &Sinh_f64);
  add_unary(registry, "cosh", &Cosh_f32, &Cosh_f64);
  add_unary(registry, "tanh", &Tanh_f32, &Tanh_f64);
  add_unary(registry, "arcsinh", &Arcsinh_f32, &Arcsinh_f64);
  add_unary(registry, "arccosh", &Arccosh_f32, &Arccosh_f64);
  add_unary(registry, "arctanh", &Arctanh_f32, &Arctanh_f64);
  add_binary(registry, "hypot", &Hypot_f32, &Hypot_f64);
  add_unary(registry, "floor", &Floor_f32, &Floor_f64);
  add_unary(registry, "ceil", &Ceil_f32, &Ceil_f64);
  add_unary(registry, "trunc", &Trunc_f32, &Trunc_f64);
  add_unary(registry, "rint", &Rint_f32, &Rint_f64);
  add_predicate<isnan_<float>, isnan_<double>, false>(registry, "isnan");
  add_predicate<isinf_<float>, isinf_<double>, false>(registry, "isinf");
  add_predicate<isfinite_<float>, isfinite_<double>, true>(registry, "isfinite");
}

}  // namespace pluribus::gfunc::kernels
#endif  // HWY_ONCE
