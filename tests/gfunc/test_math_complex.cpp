// The math family's complex64/complex128 and float16 kernels, and its result dtypes.
//
// Complex values are measured against std::complex<long double> evaluations (glibc's
// x87 long double complex functions, 11 more bits than float64) of the same
// mathematical definitions; special values against C99 Annex G by hand. float16 results
// must equal the float32 kernel's result rounded once. Result dtypes come from a table
// made with NumPy. The measured errors are printed; spec/gfunc-accuracy.md records them.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "gfunc/dispatch.hpp"
#include "gfunc/kernel.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;

namespace {

using L = long double;
using CL = std::complex<L>;

const Kernel& find_kernel(const char* name, const std::string& signature) {
  const ndt::Type want = ndt::parse(signature);
  for (const Kernel& k : builtins().get(name).kernels())
    if (k.signature == want) return k;
  FAIL("no kernel " << name << " " << signature);
  throw 0;
}

template <class T>
const char* dtype_name() {
  if constexpr (std::is_same_v<T, _Float16>)
    return "float16";
  else if constexpr (std::is_same_v<T, float>)
    return "float32";
  else if constexpr (std::is_same_v<T, double>)
    return "float64";
  else if constexpr (std::is_same_v<T, std::complex<float>>)
    return "complex64";
  else
    return "complex128";
}

// Runs a kernel's loop over n elements of each input, every operand at `stride` elements.
template <class R, class A>
std::vector<R> run(const Kernel& k, const std::vector<std::vector<A>>& ins, int64_t stride = 1) {
  const size_t n = ins[0].size(), s = static_cast<size_t>(stride);
  std::vector<std::vector<A>> bufs;
  std::vector<char*> args;
  std::vector<int64_t> steps;
  for (const auto& in : ins) {
    std::vector<A> b(n * s);
    for (size_t i = 0; i < n; ++i) b[i * s] = in[i];
    bufs.push_back(std::move(b));
  }
  for (auto& b : bufs) {
    args.push_back(reinterpret_cast<char*>(b.data()));
    steps.push_back(stride * static_cast<int64_t>(sizeof(A)));
  }
  std::vector<R> out(n * s);
  args.push_back(reinterpret_cast<char*>(out.data()));
  steps.push_back(stride * static_cast<int64_t>(sizeof(R)));
  const int64_t dims[1] = {static_cast<int64_t>(n)};
  LoopContext context;
  context.kernel_data = k.data;
  const StridedLoop loop = stride == 1 && k.contiguous ? k.contiguous : k.strided;
  REQUIRE(loop(args.data(), dims, steps.data(), &context) == loop_ok);
  std::vector<R> result(n);
  for (size_t i = 0; i < n; ++i) result[i] = out[i * s];
  return result;
}

template <class C>
std::vector<C> run_complex(const char* name, const std::vector<C>& z, int64_t stride = 1) {
  const std::string t = dtype_name<C>();
  return run<C, C>(find_kernel(name, "(... * " + t + ") -> ... * " + t), {z}, stride);
}

// ---- result dtypes ----

// np.<f>(np.ones(2, dtype)).dtype for NumPy 1.24.2 (Debian 12's python3-numpy), made once
// with: for each function and dtype, str(np.<f>(*[np.ones(2, dtype)] * nin).dtype), or "-"
// where NumPy raises TypeError. Binary functions take two inputs of the dtype. Columns:
// bool int8 int16 int32 int64 uint8 uint16 uint32 uint64 float16 float32 float64
// complex64 complex128; b = bool, f16 = float16 ... c128 = complex128.
struct DtypeRow {
  const char* function;
  const char* results;
};
const DtypeRow kNumpyResultDtypes[] = {
    {"sqrt", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"cbrt", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 - -"},
    {"exp", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"exp2", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"expm1", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"log", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"log2", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"log10", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"log1p", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"sin", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"cos", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"tan", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"arcsin", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"arccos", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"arctan", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"sinh", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"cosh", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"tanh", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"arcsinh", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"arccosh", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"arctanh", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"floor", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 - -"},
    {"ceil", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 - -"},
    {"trunc", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 - -"},
    {"rint", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 c64 c128"},
    {"isnan", "b b b b b b b b b b b b b b"},
    {"isinf", "b b b b b b b b b b b b b b"},
    {"isfinite", "b b b b b b b b b b b b b b"},
    {"arctan2", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 - -"},
    {"hypot", "f16 f16 f32 f64 f64 f16 f32 f64 f64 f16 f32 f64 - -"},
};

ndt::Type short_dtype(const std::string& s) {
  if (s == "b") return ndt::parse("bool");
  if (s == "f16") return ndt::parse("float16");
  if (s == "f32") return ndt::parse("float32");
  if (s == "f64") return ndt::parse("float64");
  if (s == "c64") return ndt::parse("complex64");
  return ndt::parse("complex128");
}

}  // namespace

TEST_CASE("math: result dtypes are NumPy's for every bool, integer, float and complex input") {
  const char* inputs[] = {"bool",    "int8",    "int16",     "int32",     "int64",
                          "uint8",   "uint16",  "uint32",    "uint64",    "float16",
                          "float32", "float64", "complex64", "complex128"};
  for (const DtypeRow& row : kNumpyResultDtypes) {
    const Function& f = builtins().get(row.function);
    std::istringstream results(row.results);
    for (const char* input : inputs) {
      std::string want;
      results >> want;
      CAPTURE(row.function);
      CAPTURE(input);
      const std::vector<ndt::Type> dtypes(static_cast<size_t>(f.nin()), ndt::parse(input));
      if (want == "-") {
        CHECK_THROWS_AS(resolve(f, dtypes), Error);
      } else {
        CHECK(resolve(f, dtypes).out_dtypes.at(0) == short_dtype(want));
      }
    }
  }
}

TEST_CASE("math: float16 kernels come first, so int8 reaches float16 and int16 float32") {
  const Function& exp = builtins().get("exp");
  CHECK(exp.kernels().front().signature == ndt::parse("(... * float16) -> ... * float16"));
  const ndt::Type int8[] = {ndt::parse("int8")}, int16[] = {ndt::parse("int16")};
  CHECK(resolve(exp, int8).in_dtypes.at(0) == ndt::parse("float16"));
  CHECK(resolve(exp, int16).in_dtypes.at(0) == ndt::parse("float32"));
}

// ---- float16 ----

namespace {

using Half = _Float16;

std::vector<Half> every_half() {
  std::vector<Half> v(65536);
  for (uint32_t b = 0; b < 65536; ++b) {
    const uint16_t bits = static_cast<uint16_t>(b);
    std::memcpy(&v[b], &bits, 2);
  }
  return v;
}

uint16_t bits_of(Half h) {
  uint16_t b;
  std::memcpy(&b, &h, 2);
  return b;
}

// The half the float32 result rounds to (NaNs compare as NaN, whatever their payload).
bool same_half(Half got, float single) {
  const Half want = static_cast<Half>(single);
  if (single != single) return got != got;
  return bits_of(got) == bits_of(want);
}

}  // namespace

TEST_CASE("math: float16 results are the float32 kernel's, rounded once, for every half") {
  const std::vector<Half> halves = every_half();
  std::vector<float> singles(halves.begin(), halves.end());
  for (const char* name :
       {"sqrt",    "cbrt",    "exp",     "exp2",   "expm1",  "log",    "log2", "log10", "log1p",
        "sin",     "cos",     "tan",     "arcsin", "arccos", "arctan", "sinh", "cosh",  "tanh",
        "arcsinh", "arccosh", "arctanh", "floor",  "ceil",   "trunc",  "rint"}) {
    CAPTURE(name);
    const auto single =
        run<float, float>(find_kernel(name, "(... * float32) -> ... * float32"), {singles});
    const Kernel& k = find_kernel(name, "(... * float16) -> ... * float16");
    for (int64_t stride : {1, 3}) {
      const auto half = run<Half, Half>(k, {halves}, stride);
      int mismatches = 0;
      for (size_t i = 0; i < halves.size(); ++i)
        if (!same_half(half[i], single[i]) && ++mismatches < 5)
          FAIL_CHECK(fmt::format("{}(half 0x{:04x}) = 0x{:04x}, want 0x{:04x}", name,
                                 bits_of(halves[i]), bits_of(half[i]),
                                 bits_of(static_cast<Half>(single[i]))));
      CHECK(mismatches == 0);
    }
  }
  // Signed zeros survive the round trip: the float32 kernels' f(-0) = -0.
  const auto s =
      run<Half, Half>(find_kernel("sin", "(... * float16) -> ... * float16"), {{Half(-0.0f)}});
  CHECK(bits_of(s[0]) == 0x8000);
}

TEST_CASE("math: float16 arctan2 and hypot round the float32 results once") {
  std::mt19937 rng(7);
  std::vector<Half> a, b;
  const std::vector<Half> halves = every_half();
  for (int i = 0; i < 200000; ++i) {
    a.push_back(halves[rng() % 65536]);
    b.push_back(halves[rng() % 65536]);
  }
  for (const char* name : {"arctan2", "hypot"}) {
    CAPTURE(name);
    const auto single = run<float, float>(
        find_kernel(name, "(... * float32, ... * float32) -> ... * float32"),
        {std::vector<float>(a.begin(), a.end()), std::vector<float>(b.begin(), b.end())});
    const auto half = run<Half, Half>(
        find_kernel(name, "(... * float16, ... * float16) -> ... * float16"), {a, b}, 2);
    int mismatches = 0;
    for (size_t i = 0; i < a.size(); ++i) mismatches += !same_half(half[i], single[i]);
    CHECK(mismatches == 0);
  }
}

TEST_CASE("math: float16 isnan, isinf and isfinite for every half") {
  const std::vector<Half> halves = every_half();
  for (int64_t stride : {1, 2}) {
    const auto nan =
        run<uint8_t, Half>(find_kernel("isnan", "(... * float16) -> ... * bool"), {halves}, stride);
    const auto inf =
        run<uint8_t, Half>(find_kernel("isinf", "(... * float16) -> ... * bool"), {halves}, stride);
    const auto fin = run<uint8_t, Half>(find_kernel("isfinite", "(... * float16) -> ... * bool"),
                                        {halves}, stride);
    int wrong = 0;
    for (size_t i = 0; i < halves.size(); ++i) {
      const float x = halves[i];
      wrong += bool(nan[i]) != std::isnan(x) || bool(inf[i]) != std::isinf(x) ||
               bool(fin[i]) != std::isfinite(x);
    }
    CHECK(wrong == 0);
  }
}

// ---- complex ----

namespace {

// The definitions, in long double (exp2, log2, log10 by their mathematical identities;
// expm1 and log1p by formulas without cancellation where the sweep goes).
CL ref_exp2(CL z) { return std::exp(z * std::log(2.0L)); }
CL ref_log2(CL z) { return std::log(z) / std::log(2.0L); }
CL ref_log10(CL z) { return std::log(z) / std::log(10.0L); }
CL ref_expm1(CL z) {
  const L x = z.real(), y = z.imag(), s = std::sin(y / 2);
  return {std::expm1(x) * std::cos(y) - 2 * s * s, std::exp(x) * std::sin(y)};
}
CL ref_log1p(CL z) {
  // |1 + z|^2 - 1 = x (2 + x) + y^2 loses nothing unless |1 + z| is small, and then 1 + x
  // is exact (x in [-1.5, -0.5]).
  const L x = z.real(), y = z.imag();
  const L re = std::abs(CL(1 + x, y)) < 0.5L ? std::log(std::hypot(1 + x, y))
                                             : 0.5L * std::log1p(x * (2 + x) + y * y);
  return {re, std::atan2(y, 1 + x)};
}

struct ComplexFunction {
  const char* name;
  CL (*reference)(CL);
};
const ComplexFunction kComplexFunctions[] = {
    {"sqrt", [](CL z) { return std::sqrt(z); }},
    {"exp", [](CL z) { return std::exp(z); }},
    {"exp2", ref_exp2},
    {"expm1", ref_expm1},
    {"log", [](CL z) { return std::log(z); }},
    {"log2", ref_log2},
    {"log10", ref_log10},
    {"log1p", ref_log1p},
    {"sin", [](CL z) { return std::sin(z); }},
    {"cos", [](CL z) { return std::cos(z); }},
    {"tan", [](CL z) { return std::tan(z); }},
    {"arcsin", [](CL z) { return std::asin(z); }},
    {"arccos", [](CL z) { return std::acos(z); }},
    {"arctan", [](CL z) { return std::atan(z); }},
    {"sinh", [](CL z) { return std::sinh(z); }},
    {"cosh", [](CL z) { return std::cosh(z); }},
    {"tanh", [](CL z) { return std::tanh(z); }},
    {"arcsinh", [](CL z) { return std::asinh(z); }},
    {"arccosh", [](CL z) { return std::acosh(z); }},
    {"arctanh", [](CL z) { return std::atanh(z); }},
};

// Inputs: random parts +-10^u (u uniform in [-6, 2.5], zeros too), the unit circle and
// the axes (branch cuts approached from both sides, +-0 imaginary parts on them).
template <class T>
std::vector<std::complex<T>> sweep() {
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> expo(-6, 2.5);
  auto part = [&] {
    const uint64_t r = rng();
    if (r % 16 == 0) return T(r & 16 ? -0.0 : 0.0);
    return static_cast<T>((r & 32 ? -1 : 1) * std::pow(10.0, expo(rng)));
  };
  std::vector<std::complex<T>> z;
  for (int i = 0; i < 40000; ++i) z.emplace_back(part(), part());
  for (int i = 0; i < 2000; ++i) {
    const double t = 2 * 3.14159265358979323846 * i / 2000;
    z.emplace_back(static_cast<T>(std::cos(t)), static_cast<T>(std::sin(t)));
  }
  for (int i = -400; i <= 400; ++i) {
    const T x = static_cast<T>(i / 100.0);
    for (T y : {T(0), T(-0.0), T(1e-30), T(-1e-30), T(1e-5), T(-1e-5)}) {
      z.emplace_back(x, y);
      z.emplace_back(y, x);
    }
  }
  return z;
}

// ULPs of T between got and ref, at ref's binade (0 when equal; signed zeros ignored).
template <class T>
double component_ulp(T got, L ref) {
  if (static_cast<L>(got) == ref) return 0;
  int e = std::numeric_limits<T>::min_exponent;
  if (ref != 0) std::frexp(ref, &e);
  e = std::max(e, std::numeric_limits<T>::min_exponent);
  return static_cast<double>(std::fabs(static_cast<L>(got) - ref) /
                             std::ldexp(1.0L, e - std::numeric_limits<T>::digits));
}

struct Measured {
  double normwise = 0;       // max |got - ref| / |ref|, in units of T's epsilon
  double componentwise = 0;  // max ULP error of a part, where that part is at least 1e-3 |ref|
  std::complex<double> normwise_at, componentwise_at;
};

template <class T>
Measured measure(const ComplexFunction& f) {
  using C = std::complex<T>;
  const std::vector<C> z = sweep<T>();
  const std::vector<C> got = run_complex<C>(f.name, z);
  Measured m;
  const L eps = std::numeric_limits<T>::epsilon();
  for (size_t i = 0; i < z.size(); ++i) {
    const CL ref = f.reference(CL(z[i].real(), z[i].imag()));
    const L norm = std::abs(ref);
    // Results outside T's normal range (overflow, underflow) are the special-value tests' job.
    if (!std::isfinite(norm) || norm > std::numeric_limits<T>::max() ||
        norm < std::numeric_limits<T>::min() || !std::isfinite(got[i].real()) ||
        !std::isfinite(got[i].imag()))
      continue;
    const double e =
        static_cast<double>(std::abs(CL(got[i].real(), got[i].imag()) - ref) / norm / eps);
    if (e > m.normwise) {
      m.normwise = e;
      m.normwise_at = z[i];
    }
    for (int part = 0; part < 2; ++part) {
      const L r = part ? ref.imag() : ref.real();
      if (std::fabs(r) < 1e-3L * norm || std::fabs(r) < std::numeric_limits<T>::min()) continue;
      const double u = component_ulp<T>(part ? got[i].imag() : got[i].real(), r);
      if (u > m.componentwise) {
        m.componentwise = u;
        m.componentwise_at = z[i];
      }
    }
  }
  return m;
}

}  // namespace

TEST_CASE("math: complex accuracy against long double (normwise and per part)") {
  fmt::print(
      "complex accuracy (normwise: |error| / |exact| in epsilons; per part: ULP of parts >= 1e-3 "
      "|exact|)\n");
  for (const ComplexFunction& f : kComplexFunctions) {
    CAPTURE(f.name);
    const Measured m64 = measure<float>(f);
    const Measured m128 = measure<double>(f);
    fmt::print(
        "  {:8} complex64 {:7.3f} eps, {:10.3f} ULP | complex128 {:7.3f} eps, {:10.3f} ULP  (worst "
        "part at {}{:+}j)\n",
        f.name, m64.normwise, m64.componentwise, m128.normwise, m128.componentwise,
        m128.componentwise_at.real(), m128.componentwise_at.imag());
    CHECK(m64.normwise < 4);
    CHECK(m128.normwise < 4);
  }
}

TEST_CASE("math: complex kernels run strided as contiguous") {
  using C = std::complex<double>;
  const std::vector<C> z = sweep<double>();
  for (const ComplexFunction& f : kComplexFunctions) {
    CAPTURE(f.name);
    const auto a = run_complex<C>(f.name, z, 1), b = run_complex<C>(f.name, z, 3);
    CHECK(std::memcmp(a.data(), b.data(), a.size() * sizeof(C)) == 0);
  }
}

namespace {

constexpr double kPi = 3.14159265358979323846;
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// got == want with signed zeros and NaN positions; finite parts within 2 epsilons.
bool same(std::complex<double> got, std::complex<double> want, double eps) {
  auto part = [&](double g, double w) {
    if (std::isnan(w)) return std::isnan(g);
    if (std::isinf(w) || w == 0) return g == w && std::signbit(g) == std::signbit(w);
    return std::fabs(g - w) <= 2 * std::fabs(w) * eps;
  };
  return part(got.real(), want.real()) && part(got.imag(), want.imag());
}

}  // namespace

TEST_CASE("math: complex special values (C99 Annex G, NumPy's definitions)") {
  using C = std::complex<double>;
  struct Case {
    const char* name;
    C z, want;
  };
  const double acosh2 = 1.3169578969248167086;  // acosh(2)
  const Case cases[] = {
      {"sqrt", {-4, 0}, {0, 2}},
      {"sqrt", {-4, -0.0}, {0, -2}},
      {"sqrt", {-0.0, 0}, {0, 0}},
      {"sqrt", {1, kInf}, {kInf, kInf}},
      {"sqrt", {-kInf, 1}, {0, kInf}},
      {"exp", {-0.0, 0}, {1, 0}},
      {"exp", {kInf, 0}, {kInf, 0}},
      {"exp", {-kInf, 1}, {0, 0}},
      {"exp", {kNaN, 0}, {kNaN, 0}},
      {"exp2", {kInf, 0}, {kInf, 0}},  // part by part: no NaN from inf * 0
      {"exp2", {-kInf, 0}, {0, 0}},
      {"exp2", {0, 0}, {1, 0}},
      {"expm1", {0, 0}, {0, 0}},
      {"expm1", {-0.0, -0.0}, {-0.0, -0.0}},
      {"expm1", {1e-20, 1e-20}, {1e-20, 1e-20}},
      {"log", {-0.0, 0}, {-kInf, kPi}},
      {"log", {0, -0.0}, {-kInf, -0.0}},
      {"log", {-1, 0}, {0, kPi}},
      {"log", {-1, -0.0}, {0, -kPi}},
      {"log", {-kInf, kInf}, {kInf, 3 * kPi / 4}},
      {"log", {kNaN, kInf}, {kInf, kNaN}},
      {"log2", {-1, -0.0}, {0, -kPi / std::log(2.0)}},
      {"log10", {-1, 0}, {0, kPi / std::log(10.0)}},
      {"log10", {0, 0}, {-kInf, 0}},
      {"log1p", {-1, 0}, {-kInf, 0}},
      {"log1p", {0, -0.0}, {0, -0.0}},
      {"log1p", {1e-20, 0}, {1e-20, 0}},  // NumPy 1.24 returns 0 here
      {"log1p", {-2, 0}, {0, kPi}},
      {"sin", {0, -0.0}, {0, -0.0}},
      {"sin", {kInf, 1}, {kNaN, kNaN}},
      {"cos", {0, kInf}, {kInf, -0.0}},
      {"tan", {0, kInf}, {0, 1}},
      {"arcsin", {2, 0}, {kPi / 2, acosh2}},
      {"arcsin", {2, -0.0}, {kPi / 2, -acosh2}},
      {"arccos", {1, 0}, {0, -0.0}},
      {"arccos", {2, -0.0}, {0, acosh2}},
      {"arctan", {0, 1}, {0, kInf}},
      {"arctan", {0, -2}, {kPi / 2, -0.5493061443340548457}},
      {"sinh", {-0.0, 0}, {-0.0, 0}},
      {"cosh", {kInf, 0}, {kInf, 0}},
      {"tanh", {kInf, 1}, {1, 0}},
      {"arcsinh", {0, 2}, {acosh2, kPi / 2}},
      {"arccosh", {1, 0}, {0, 0}},
      {"arccosh", {-1, 0}, {0, kPi}},
      {"arctanh", {1, 0}, {kInf, 0}},
      {"arctanh", {2, -0.0}, {0.5493061443340548457, -kPi / 2}},
      {"rint", {2.5, -0.5}, {2, -0.0}},
      {"rint", {-1.5, 3.5}, {-2, 4}},
      {"rint", {kNaN, kInf}, {kNaN, kInf}},
  };
  for (const Case& c : cases) {
    const C got = run_complex<C>(c.name, {c.z})[0];
    INFO(c.name << "(" << c.z << ") = " << got << ", want " << c.want);
    CHECK(same(got, c.want, std::numeric_limits<double>::epsilon()));
    // complex64 gives the same special values.
    const std::complex<float> z32(static_cast<float>(c.z.real()), static_cast<float>(c.z.imag()));
    const std::complex<float> g32 = run_complex<std::complex<float>>(c.name, {z32})[0];
    INFO("complex64: " << g32);
    CHECK(same(C(g32.real(), g32.imag()), c.want, std::numeric_limits<float>::epsilon()));
  }
}

TEST_CASE("math: complex isnan, isinf and isfinite look at both parts") {
  using C = std::complex<double>;
  const std::vector<C> z = {{1, 2},     {kNaN, 0},  {0, kNaN},   {kInf, kNaN},
                            {1, -kInf}, {-kInf, 0}, {kNaN, kNaN}};
  const std::vector<bool> nan = {false, true, true, true, false, false, true};
  const std::vector<bool> inf = {false, false, false, true, true, true, false};
  for (int64_t stride : {1, 2}) {
    const auto n =
        run<uint8_t, C>(find_kernel("isnan", "(... * complex128) -> ... * bool"), {z}, stride);
    const auto i =
        run<uint8_t, C>(find_kernel("isinf", "(... * complex128) -> ... * bool"), {z}, stride);
    const auto f =
        run<uint8_t, C>(find_kernel("isfinite", "(... * complex128) -> ... * bool"), {z}, stride);
    const std::vector<std::complex<float>> z32(z.begin(), z.end());
    const auto n32 = run<uint8_t, std::complex<float>>(
        find_kernel("isnan", "(... * complex64) -> ... * bool"), {z32});
    for (size_t k = 0; k < z.size(); ++k) {
      CAPTURE(z[k]);
      CHECK(bool(n[k]) == nan[k]);
      CHECK(bool(i[k]) == inf[k]);
      CHECK(bool(f[k]) == (!nan[k] && !inf[k]));
      CHECK(bool(n32[k]) == nan[k]);
    }
  }
}
