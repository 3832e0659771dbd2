// complex64 and complex128 kernels of the math family: the functions NumPy 1.24 defines
// on complex (sqrt .. arctanh, rint, isnan/isinf/isfinite), one scalar loop per function
// and type. floor, ceil, trunc, cbrt, arctan2 and hypot have no complex kernels (NumPy
// refuses them too).
//
// Values are the C library's complex functions where C has one (libstdc++'s std::exp of
// std::complex<float/double> is glibc's cexpf/cexp, likewise sqrt, log and the trig and
// hyperbolic functions and their inverses), so special values, signed zeros and branch
// cuts are C99 Annex G's, as in NumPy. The others follow NumPy's own definitions (umath
// funcs.inc.src):
//   exp2(z)  = exp(z ln 2), each part multiplied by ln 2 (for special values and huge
//              arguments; elsewhere 2^x cis(y ln 2) with y ln 2 kept exact enough)
//   log2(z)  = log(z) log2(e), log10(z) = log(z) log10(e), each part multiplied
//   expm1(z) = expm1(x) cos(y) - 2 sin^2(y/2)  +  i e^x sin(y)
//   log1p(z) = log(hypot(1 + x, y))  +  i atan2(y, 1 + x)
// except that log1p's real part is 0.5 log1p(x (2 + x) + y^2) for |x|, |y| < 1/2, where
// NumPy's hypot rounds 1 + tiny to 1 and returns 0 (NumPy: log1p(1e-20) = 0; here 1e-20).
// isnan: either part NaN; isinf: either part infinite; isfinite: both parts finite.
#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "gfunc/kernel.hpp"
#include "gfunc/kernels/families.hpp"

namespace pluribus::gfunc::kernels {
namespace {

template <class T>
using Complex = std::complex<T>;

// NumPy's NPY_LOGE2, NPY_LOG2E, NPY_LOG10E rounded to T.
template <class T>
constexpr T kLn2 = static_cast<T>(0.693147180559945309417232121458176568L);
template <class T>
constexpr T kLog2E = static_cast<T>(1.442695040888963407359924681001892137L);
template <class T>
constexpr T kLog10E = static_cast<T>(0.434294481903251827651128918916605082L);

template <class T>
Complex<T> sqrt_(Complex<T> z) {
  return std::sqrt(z);
}
template <class T>
Complex<T> exp_(Complex<T> z) {
  return std::exp(z);
}
// 2^x (cos(y ln 2) + i sin(y ln 2)), with y ln 2 carried in two parts (float64) or in
// float64 (float32): NumPy's exp(z ln 2) rounds z ln 2 first, an error that grows as |z|
// (118 epsilons at |z| = 350). Special values, overflow, underflow and |y| >= 2^20 take
// NumPy's definition, part by part (a complex product would turn (inf + 0i) ln 2 into
// inf + nan i).
template <class T>
Complex<T> exp2_(Complex<T> z) {
  constexpr double kLn2Hi = 0.693147180559945309417232121458176568;
  constexpr double kLn2Lo = static_cast<double>(0.693147180559945309417232121458176568L - kLn2Hi);
  const T x = z.real(), y = z.imag();
  if (std::isfinite(x) && std::fabs(y) < T(0x1p20)) {
    const double r = std::exp2(static_cast<double>(x));
    if (r >= std::numeric_limits<T>::min() && r <= std::numeric_limits<T>::max()) {
      if (y == 0) return {static_cast<T>(r), y};
      double c, s;
      if constexpr (std::is_same_v<T, float>) {
        const double t = static_cast<double>(y) * kLn2Hi;  // 24 x 53 bits: within 2^-53 of y ln 2
        c = std::cos(t);
        s = std::sin(t);
      } else {
        const double hi = y * kLn2Hi, lo = std::fma(y, kLn2Hi, -hi) + y * kLn2Lo;  // |lo| < 2^-33
        c = std::cos(hi) - std::sin(hi) * lo;  // cos(hi + lo) to first order (lo^2 < 2^-66)
        s = std::sin(hi) + std::cos(hi) * lo;
      }
      return {static_cast<T>(r * c), static_cast<T>(r * s)};
    }
  }
  return std::exp(Complex<T>(x * kLn2<T>, y * kLn2<T>));
}
template <class T>
Complex<T> expm1_(Complex<T> z) {
  const T x = z.real(), y = z.imag();
  const T a = std::sin(y / 2);
  return {std::expm1(x) * std::cos(y) - 2 * a * a, std::exp(x) * std::sin(y)};
}
template <class T>
Complex<T> log_(Complex<T> z) {
  return std::log(z);
}
template <class T>
Complex<T> log2_(Complex<T> z) {
  const Complex<T> l = std::log(z);
  return {l.real() * kLog2E<T>, l.imag() * kLog2E<T>};
}
template <class T>
Complex<T> log10_(Complex<T> z) {
  const Complex<T> l = std::log(z);
  return {l.real() * kLog10E<T>, l.imag() * kLog10E<T>};
}
template <class T>
Complex<T> log1p_(Complex<T> z) {
  const T x = z.real(), y = z.imag(), x1 = x + 1;
  // |1 + z|^2 - 1 = x (2 + x) + y^2 without forming 1 + x first, for small z.
  const T re = std::fabs(x) < T(0.5) && std::fabs(y) < T(0.5)
                   ? T(0.5) * std::log1p(x * (2 + x) + y * y)
                   : std::log(std::hypot(x1, y));
  return {re, std::atan2(y, x1)};
}
template <class T>
Complex<T> sin_(Complex<T> z) {
  return std::sin(z);
}
template <class T>
Complex<T> cos_(Complex<T> z) {
  return std::cos(z);
}
template <class T>
Complex<T> tan_(Complex<T> z) {
  return std::tan(z);
}
template <class T>
Complex<T> arcsin_(Complex<T> z) {
  return std::asin(z);
}
template <class T>
Complex<T> arccos_(Complex<T> z) {
  return std::acos(z);
}
template <class T>
Complex<T> arctan_(Complex<T> z) {
  return std::atan(z);
}
template <class T>
Complex<T> sinh_(Complex<T> z) {
  return std::sinh(z);
}
template <class T>
Complex<T> cosh_(Complex<T> z) {
  return std::cosh(z);
}
template <class T>
Complex<T> tanh_(Complex<T> z) {
  return std::tanh(z);
}
template <class T>
Complex<T> arcsinh_(Complex<T> z) {
  return std::asinh(z);
}
template <class T>
Complex<T> arccosh_(Complex<T> z) {
  return std::acosh(z);
}
template <class T>
Complex<T> arctanh_(Complex<T> z) {
  return std::atanh(z);
}
template <class T>
Complex<T> rint_(Complex<T> z) {  // each part to the nearest integer, halves to even
  return {std::rint(z.real()), std::rint(z.imag())};
}

template <class T>
bool isnan_(Complex<T> z) {
  return std::isnan(z.real()) || std::isnan(z.imag());
}
template <class T>
bool isinf_(Complex<T> z) {
  return std::isinf(z.real()) || std::isinf(z.imag());
}
template <class T>
bool isfinite_(Complex<T> z) {
  return std::isfinite(z.real()) && std::isfinite(z.imag());
}

template <class C>
C load(const char* p) noexcept {
  C v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// One loop serves any strides (a scalar loop gains nothing from a contiguous variant).
template <class T, Complex<T> (*F)(Complex<T>)>
int unary(char** args, const int64_t* dimensions, const int64_t* steps, LoopContext*) noexcept {
  const char* in = args[0];
  char* out = args[1];
  for (int64_t i = 0, n = dimensions[0]; i < n; ++i) {
    const Complex<T> r = F(load<Complex<T>>(in + i * steps[0]));
    std::memcpy(out + i * steps[1], &r, sizeof r);
  }
  return loop_ok;
}

template <class T, bool (*P)(Complex<T>)>
int predicate(char** args, const int64_t* dimensions, const int64_t* steps, LoopContext*) noexcept {
  const char* in = args[0];
  char* out = args[1];
  for (int64_t i = 0, n = dimensions[0]; i < n; ++i)
    out[i * steps[1]] = static_cast<char>(P(load<Complex<T>>(in + i * steps[0])));
  return loop_ok;
}

// complex64 then complex128, after the float kernels: integer inputs keep reaching
// float64 first, as in NumPy.
template <Complex<float> (*F32)(Complex<float>), Complex<double> (*F64)(Complex<double>)>
void add_unary(Registry& registry, const char* name) {
  registry.add(name, "(... * complex64) -> ... * complex64", unary<float, F32>, unary<float, F32>);
  registry.add(name, "(... * complex128) -> ... * complex128", unary<double, F64>,
               unary<double, F64>);
}
template <bool (*P32)(Complex<float>), bool (*P64)(Complex<double>)>
void add_predicate(Registry& registry, const char* name) {
  registry.add(name, "(... * complex64) -> ... * bool", predicate<float, P32>,
               predicate<float, P32>);
  registry.add(name, "(... * complex128) -> ... * bool", predicate<double, P64>,
               predicate<double, P64>);
}

}  // namespace

void register_math_complex(Registry& registry) {
  add_unary<sqrt_<float>, sqrt_<double>>(registry, "sqrt");
  add_unary<exp_<float>, exp_<double>>(registry, "exp");
  add_unary<exp2_<float>, exp2_<double>>(registry, "exp2");
  add_unary<expm1_<float>, expm1_<double>>(registry, "expm1");
  add_unary<log_<float>, log_<double>>(registry, "log");
  add_unary<log2_<float>, log2_<double>>(registry, "log2");
  add_unary<log10_<float>, log10_<double>>(registry, "log10");
  add_unary<log1p_<float>, log1p_<double>>(registry, "log1p");
  add_unary<sin_<float>, sin_<double>>(registry, "sin");
  add_unary<cos_<float>, cos_<double>>(registry, "cos");
  add_unary<tan_<float>, tan_<double>>(registry, "tan");
  add_unary<arcsin_<float>, arcsin_<double>>(registry, "arcsin");
  add_unary<arccos_<float>, arccos_<double>>(registry, "arccos");
  add_unary<arctan_<float>, arctan_<double>>(registry, "arctan");
  add_unary<sinh_<float>, sinh_<double>>(registry, "sinh");
  add_unary<cosh_<float>, cosh_<double>>(registry, "cosh");
  add_unary<tanh_<float>, tanh_<double>>(registry, "tanh");
  add_unary<arcsinh_<float>, arcsinh_<double>>(registry, "arcsinh");
  add_unary<arccosh_<float>, arccosh_<double>>(registry, "arccosh");
  add_unary<arctanh_<float>, arctanh_<double>>(registry, "arctanh");
  add_unary<rint_<float>, rint_<double>>(registry, "rint");
  add_predicate<isnan_<float>, isnan_<double>>(registry, "isnan");
  add_predicate<isinf_<float>, isinf_<double>>(registry, "isinf");
  add_predicate<isfinite_<float>, isfinite_<double>>(registry, "isfinite");
}

}  // namespace pluribus::gfunc::kernels
