// The math family against a higher-precision reference: long double (x87, 64-bit
// significand) for float64 kernels, double for float32 kernels. Every function is swept
// over random bit patterns (the whole finite range, subnormals included), uniform samples
// of its interesting interval, hard cases (near multiples of pi/2, near 1 for logarithms)
// and the special values (signed zeros, infinities, NaN, domain edges). The measured
// worst case per function is printed; spec/gfunc-accuracy.md records it.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "gfunc/kernel.hpp"
#include "gfunc/kernels/families.hpp"
#include "gfunc/simd.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;

namespace {

constexpr double kMaxUlp = 4.0;

const Registry& math_registry() {
  static Registry* registry = [] {
    static Registry r;
    kernels::register_math(r);
    return &r;
  }();
  return *registry;
}

template <class T>
const char* dtype_name() {
  return sizeof(T) == 4 ? "float32" : "float64";
}

const Kernel& find_kernel(const char* name, const std::string& signature) {
  const Function& f = math_registry().get(name);
  const ndt::Type want = ndt::parse(signature);
  for (const Kernel& k : f.kernels())
    if (k.signature == want) return k;
  throw std::runtime_error("no kernel " + std::string(name) + signature);
}

template <class T>
const Kernel& unary_kernel(const char* name) {
  return find_kernel(name, fmt::format("(... * {0}) -> ... * {0}", dtype_name<T>()));
}
template <class T>
const Kernel& binary_kernel(const char* name) {
  return find_kernel(name, fmt::format("(... * {0}, ... * {0}) -> ... * {0}", dtype_name<T>()));
}

// Runs a kernel over contiguous operands (or with every operand at stride `stride`
// elements, through the strided loop).
template <class T>
std::vector<T> run(const Kernel& k, const std::vector<const std::vector<T>*>& ins, int64_t stride = 1) {
  const size_t n = ins[0]->size();
  std::vector<std::vector<T>> bufs;
  for (const auto* in : ins) {
    std::vector<T> b(n * static_cast<size_t>(stride));
    for (size_t i = 0; i < n; ++i) b[i * static_cast<size_t>(stride)] = (*in)[i];
    bufs.push_back(std::move(b));
  }
  bufs.emplace_back(n * static_cast<size_t>(stride));
  std::vector<char*> args;
  std::vector<int64_t> steps;
  for (auto& b : bufs) {
    args.push_back(reinterpret_cast<char*>(b.data()));
    steps.push_back(stride * static_cast<int64_t>(sizeof(T)));
  }
  const int64_t dims[1] = {static_cast<int64_t>(n)};
  LoopContext context;
  context.kernel_data = k.data;
  StridedLoop loop = stride == 1 && k.contiguous ? k.contiguous : k.strided;
  REQUIRE(loop(args.data(), dims, steps.data(), &context) == loop_ok);
  std::vector<T> out(n);
  for (size_t i = 0; i < n; ++i) out[i] = bufs.back()[i * static_cast<size_t>(stride)];
  return out;
}

// The error of `got` in units in the last place of T at the exact value `ref`. Signed
// zeros, infinities and NaN must match exactly (an infinite error otherwise).
template <class T>
double ulp_error(T got, long double ref) {
  if (std::isnan(ref)) return std::isnan(got) ? 0 : HUGE_VAL;
  if (std::isnan(got)) return HUGE_VAL;
  const T rounded = static_cast<T>(ref);
  if (std::isinf(rounded) || std::isinf(got)) return got == rounded ? 0 : HUGE_VAL;
  if (ref == 0 || got == 0) {
    if (got == ref) return std::signbit(got) == std::signbit(ref) ? 0 : HUGE_VAL;
  }
  if (static_cast<long double>(got) == ref) return 0;
  int e = std::numeric_limits<T>::min_exponent;
  if (ref != 0) std::frexp(ref, &e);  // |ref| = m 2^e, 1/2 <= m < 1
  e = std::max(e, std::numeric_limits<T>::min_exponent);
  const long double ulp = std::ldexp(1.0L, e - std::numeric_limits<T>::digits);
  return static_cast<double>(std::fabs(static_cast<long double>(got) - ref) / ulp);
}

template <class T>
using Uint = std::conditional_t<sizeof(T) == 4, uint32_t, uint64_t>;

// Values every function sees: zeros, infinities, NaN, the ends of the ranges.
template <class T>
std::vector<T> special_values() {
  using L = std::numeric_limits<T>;
  std::vector<T> v{0,
                   L::infinity(),
                   L::quiet_NaN(),
                   L::denorm_min(),
                   L::min(),
                   L::min() / 2,
                   L::max(),
                   L::epsilon(),
                   L::epsilon() / 2,
                   1,
                   2,
                   3,
                   T(0.5),
                   T(0.25),
                   T(1.5),
                   T(10),
                   T(100),
                   T(1e-10),
                   T(1e-30),
                   T(3.14159265358979323846),
                   T(1.57079632679489661923),
                   T(0.78539816339744830962),
                   std::nextafter(T(1), T(0)),
                   std::nextafter(T(1), T(2)),
                   T(20),
                   T(30),
                   T(40),
                   T(88),
                   T(88.72),
                   T(89),
                   T(104),
                   T(127),
                   T(128),
                   T(149),
                   T(150),
                   T(700),
                   T(706),
                   T(708),
                   T(709),
                   T(709.78),
                   T(710),
                   T(711),
                   T(745),
                   T(746),
                   T(1022),
                   T(1024),
                   T(1074),
                   T(1075),
                   T(39000),
                   T(39001),
                   T(1e6),
                   T(1e22),
                   T(1e30)};
  const size_t n = v.size();
  for (size_t i = 0; i < n; ++i) v.push_back(-v[i]);
  return v;
}

// A sweep: random bit patterns (all finite values, log-uniform magnitudes), uniform
// samples in each interval, and the extra values.
template <class T>
std::vector<T> sweep(const std::vector<std::pair<double, double>>& intervals, const std::vector<T>& extra,
                     uint64_t seed, size_t bits = 60000, size_t per_interval = 60000) {
  std::mt19937_64 rng(seed);
  std::vector<T> v = special_values<T>();
  v.insert(v.end(), extra.begin(), extra.end());
  for (size_t i = 0; i < bits; ++i) {
    Uint<T> u = static_cast<Uint<T>>(rng());
    T x;
    std::memcpy(&x, &u, sizeof x);
    if (std::isfinite(x)) v.push_back(x);
  }
  for (const auto& [lo, hi] : intervals) {
    std::uniform_real_distribution<double> dist(lo, hi);
    for (size_t i = 0; i < per_interval; ++i) v.push_back(static_cast<T>(dist(rng)));
  }
  return v;
}

// Values next to multiples of pi/2 (where sin, cos and tan lose most to range reduction).
template <class T>
std::vector<T> near_half_pi_multiples(long double limit) {
  const long double half_pi = 1.570796326794896619231321691639751442L;
  std::vector<T> v;
  for (long double k = 1; k * half_pi <= limit; k += 1) {
    T x = static_cast<T>(k * half_pi);
    v.push_back(x);
    v.push_back(std::nextafter(x, T(0)));
    v.push_back(std::nextafter(x, T(1e30)));
  }
  return v;
}

struct Stats {
  double max_ulp = 0;
  std::string worst;
  size_t count = 0;
};

template <class T>
Stats measure1(const char* name, const std::function<long double(T)>& ref, const std::vector<T>& xs) {
  const std::vector<T> got = run<T>(unary_kernel<T>(name), {&xs});
  Stats s;
  s.count = xs.size();
  for (size_t i = 0; i < xs.size(); ++i) {
    const double e = ulp_error<T>(got[i], ref(xs[i]));
    if (e > s.max_ulp) {
      s.max_ulp = e;
      s.worst = fmt::format("{}({:a}) = {:a}, reference {:a}", name, xs[i], got[i],
                            static_cast<double>(ref(xs[i])));
    }
  }
  // The strided loop (every other element) and the contiguous loop agree bit for bit.
  const std::vector<T> strided = run<T>(unary_kernel<T>(name), {&xs}, 2);
  for (size_t i = 0; i < xs.size(); ++i)
    if (std::memcmp(&strided[i], &got[i], sizeof(T)) != 0) {
      FAIL_CHECK(name << ": strided loop differs at " << xs[i]);
      break;
    }
  return s;
}

template <class T>
Stats measure2(const char* name, const std::function<long double(T, T)>& ref, const std::vector<T>& xs,
               const std::vector<T>& ys) {
  const std::vector<T> got = run<T>(binary_kernel<T>(name), {&xs, &ys});
  Stats s;
  s.count = xs.size();
  for (size_t i = 0; i < xs.size(); ++i) {
    const double e = ulp_error<T>(got[i], ref(xs[i], ys[i]));
    if (e > s.max_ulp) {
      s.max_ulp = e;
      s.worst = fmt::format("{}({:a}, {:a}) = {:a}, reference {:a}", name, xs[i], ys[i], got[i],
                            static_cast<double>(ref(xs[i], ys[i])));
    }
  }
  const std::vector<T> strided = run<T>(binary_kernel<T>(name), {&xs, &ys}, 3);
  for (size_t i = 0; i < xs.size(); ++i)
    if (std::memcmp(&strided[i], &got[i], sizeof(T)) != 0) {
      FAIL_CHECK(name << ": strided loop differs at " << xs[i] << ", " << ys[i]);
      break;
    }
  return s;
}

// The reference: long double libm for float64, double libm for float32.
template <class T>
using Wide = std::conditional_t<sizeof(T) == 4, double, long double>;

#define REF1(fn) [](T x) -> long double { return static_cast<long double>(std::fn(static_cast<Wide<T>>(x))); }
#define REF2(fn)                                                                          \
  [](T x, T y) -> long double {                                                          \
    return static_cast<long double>(std::fn(static_cast<Wide<T>>(x), static_cast<Wide<T>>(y))); \
  }

template <class T>
std::map<std::string, Stats> measure_all() {
  const bool f32 = sizeof(T) == 4;
  const double exp_hi = f32 ? 90 : 712, exp_lo = f32 ? -105 : -746;
  const std::vector<T> trig_hard = near_half_pi_multiples<T>(f32 ? 1e5L : 1e5L);
  const std::vector<T> none;
  std::map<std::string, Stats> r;
  uint64_t seed = f32 ? 32 : 64;

  r["sqrt"] = measure1<T>("sqrt", REF1(sqrt), sweep<T>({{0, 4}, {0, 1e6}}, none, ++seed));
  r["cbrt"] = measure1<T>("cbrt", REF1(cbrt), sweep<T>({{-4, 4}, {-1e6, 1e6}}, none, ++seed));
  r["exp"] = measure1<T>("exp", REF1(exp), sweep<T>({{exp_lo, exp_hi}, {-2, 2}}, none, ++seed));
  r["exp2"] = measure1<T>("exp2", REF1(exp2),
                          sweep<T>({{f32 ? -152 : -1078, f32 ? 130 : 1026}, {-2, 2}}, none, ++seed));
  r["expm1"] = measure1<T>("expm1", REF1(expm1), sweep<T>({{exp_lo, exp_hi}, {-1, 1}, {-1e-3, 1e-3}}, none, ++seed));
  const std::vector<std::pair<double, double>> log_intervals{{0, 1e6}, {0.5, 2}, {0.999, 1.001}, {0, 1e-3}};
  r["log"] = measure1<T>("log", REF1(log), sweep<T>(log_intervals, none, ++seed));
  r["log2"] = measure1<T>("log2", REF1(log2), sweep<T>(log_intervals, none, ++seed));
  r["log10"] = measure1<T>("log10", REF1(log10), sweep<T>(log_intervals, none, ++seed));
  r["log1p"] = measure1<T>("log1p", REF1(log1p),
                           sweep<T>({{-1, 1e6}, {-1, 1}, {-1e-3, 1e-3}, {-1, -0.999}}, none, ++seed));
  const std::vector<std::pair<double, double>> trig_intervals{{-39000, 39000}, {-10, 10}, {-1e22, 1e22}};
  r["sin"] = measure1<T>("sin", REF1(sin), sweep<T>(trig_intervals, trig_hard, ++seed));
  r["cos"] = measure1<T>("cos", REF1(cos), sweep<T>(trig_intervals, trig_hard, ++seed));
  r["tan"] = measure1<T>("tan", REF1(tan), sweep<T>(trig_intervals, trig_hard, ++seed));
  r["arcsin"] = measure1<T>("arcsin", REF1(asin), sweep<T>({{-1, 1}, {-1.5, 1.5}, {0.99, 1}}, none, ++seed));
  r["arccos"] = measure1<T>("arccos", REF1(acos), sweep<T>({{-1, 1}, {-1.5, 1.5}, {0.99, 1}}, none, ++seed));
  r["arctan"] = measure1<T>("arctan", REF1(atan), sweep<T>({{-4, 4}, {-1e3, 1e3}}, none, ++seed));
  r["sinh"] = measure1<T>("sinh", REF1(sinh), sweep<T>({{-exp_hi, exp_hi}, {-2, 2}, {-1e-3, 1e-3}}, none, ++seed));
  r["cosh"] = measure1<T>("cosh", REF1(cosh), sweep<T>({{-exp_hi, exp_hi}, {-2, 2}}, none, ++seed));
  r["tanh"] = measure1<T>("tanh", REF1(tanh), sweep<T>({{-25, 25}, {-1, 1}, {-1e-3, 1e-3}}, none, ++seed));
  r["arcsinh"] = measure1<T>("arcsinh", REF1(asinh), sweep<T>({{-1e6, 1e6}, {-2, 2}, {-1e-3, 1e-3}}, none, ++seed));
  r["arccosh"] = measure1<T>("arccosh", REF1(acosh), sweep<T>({{1, 1e6}, {1, 3}, {1, 1.001}}, none, ++seed));
  r["arctanh"] = measure1<T>("arctanh", REF1(atanh), sweep<T>({{-1, 1}, {0.999, 1}, {-1e-3, 1e-3}}, none, ++seed));
  const std::vector<std::pair<double, double>> round_intervals{{-1e6, 1e6}, {-4, 4}, {-1e20, 1e20}};
  r["floor"] = measure1<T>("floor", REF1(floor), sweep<T>(round_intervals, none, ++seed));
  r["ceil"] = measure1<T>("ceil", REF1(ceil), sweep<T>(round_intervals, none, ++seed));
  r["trunc"] = measure1<T>("trunc", REF1(trunc), sweep<T>(round_intervals, none, ++seed));
  r["rint"] = measure1<T>("rint", REF1(rint), sweep<T>(round_intervals, none, ++seed));

  // Binary functions: every pair of special values, random bit patterns, uniform pairs,
  // and pairs of close magnitude.
  std::vector<T> xs, ys;
  const std::vector<T> sv = special_values<T>();
  for (T a : sv)
    for (T b : sv) {
      xs.push_back(a);
      ys.push_back(b);
    }
  const std::vector<T> ra = sweep<T>({{-10, 10}, {-1e-3, 1e-3}}, none, ++seed, 100000, 50000);
  const std::vector<T> rb = sweep<T>({{-10, 10}, {-1, 1}}, none, ++seed, 100000, 50000);
  std::mt19937_64 rng(++seed);
  std::uniform_real_distribution<double> scale(0.25, 4);
  for (size_t i = 0; i < ra.size() && i < rb.size(); ++i) {
    xs.push_back(ra[i]);
    ys.push_back(rb[i]);
    xs.push_back(ra[i]);
    ys.push_back(static_cast<T>(ra[i] * scale(rng)) * (i % 2 ? 1 : -1));
  }
  r["arctan2"] = measure2<T>("arctan2", REF2(atan2), xs, ys);
  r["hypot"] = measure2<T>("hypot", REF2(hypot), xs, ys);
  return r;
}

std::map<std::string, Stats>& results32() {
  static std::map<std::string, Stats> r = measure_all<float>();
  return r;
}
std::map<std::string, Stats>& results64() {
  static std::map<std::string, Stats> r = measure_all<double>();
  return r;
}

}  // namespace

TEST_CASE("math: every function within 4 ULP of the reference, float32 and float64") {
  const auto& r32 = results32();
  const auto& r64 = results64();
  std::string table = fmt::format("{:<10} {:>12} {:>12}\n", "function", "float32 ULP", "float64 ULP");
  for (const auto& [name, s64] : r64) {
    const Stats& s32 = r32.at(name);
    table += fmt::format("{:<10} {:>12.3f} {:>12.3f}\n", name, s32.max_ulp, s64.max_ulp);
    CHECK_MESSAGE(s32.max_ulp <= kMaxUlp, "float32 " << s32.worst);
    CHECK_MESSAGE(s64.max_ulp <= kMaxUlp, "float64 " << s64.worst);
  }
  MESSAGE("max ULP error over ~" << r64.at("exp").count << " inputs per function (Highway target "
                                 << std::string(simd_target()) << "):\n"
                                 << table);
  std::string worst;
  for (const auto& [name, s64] : r64) {
    const Stats& s32 = r32.at(name);
    if (s32.max_ulp > 2) worst += fmt::format("float32 {:.3f} ULP: {}\n", s32.max_ulp, s32.worst);
    if (s64.max_ulp > 2) worst += fmt::format("float64 {:.3f} ULP: {}\n", s64.max_ulp, s64.worst);
  }
  MESSAGE("worst cases above 2 ULP:\n" << worst);
}

TEST_CASE("math: special values follow IEEE / C99 (as NumPy)") {
  using L = std::numeric_limits<double>;
  const double inf = L::infinity(), nan = L::quiet_NaN();
  auto f = [](const char* name, double x) {
    std::vector<double> in{x};
    return run<double>(unary_kernel<double>(name), {&in})[0];
  };
  auto same = [](double got, double want) {
    if (std::isnan(want)) return std::isnan(got);
    return got == want && std::signbit(got) == std::signbit(want);
  };
  CHECK(same(f("exp", -inf), 0.0));
  CHECK(same(f("exp", inf), inf));
  CHECK(same(f("exp", nan), nan));
  CHECK(same(f("exp", 1000), inf));
  CHECK(same(f("exp", -1000), 0.0));
  CHECK(same(f("exp2", -inf), 0.0));
  CHECK(same(f("exp2", 1024), inf));
  CHECK(same(f("exp2", -1074), L::denorm_min()));
  CHECK(same(f("expm1", -inf), -1.0));
  CHECK(same(f("expm1", -0.0), -0.0));
  CHECK(same(f("log", 0.0), -inf));
  CHECK(same(f("log", -0.0), -inf));
  CHECK(same(f("log", -1.0), nan));
  CHECK(same(f("log", inf), inf));
  CHECK(same(f("log", 1.0), 0.0));
  CHECK(same(f("log2", 8.0), 3.0));
  CHECK(same(f("log10", 1000.0), 3.0));
  CHECK(same(f("log1p", -1.0), -inf));
  CHECK(same(f("log1p", -2.0), nan));
  CHECK(same(f("log1p", -0.0), -0.0));
  CHECK(same(f("sqrt", -0.0), -0.0));
  CHECK(same(f("sqrt", -1.0), nan));
  CHECK(same(f("sqrt", inf), inf));
  CHECK(same(f("cbrt", -8.0), -2.0));
  CHECK(same(f("sin", -0.0), -0.0));
  CHECK(same(f("sin", inf), nan));
  CHECK(same(f("cos", inf), nan));
  CHECK(same(f("tan", -0.0), -0.0));
  CHECK(same(f("arcsin", 2.0), nan));
  CHECK(same(f("arccos", 1.0), 0.0));
  CHECK(same(f("arctan", -inf), -M_PI_2));
  CHECK(same(f("sinh", -inf), -inf));
  CHECK(same(f("cosh", -inf), inf));
  CHECK(same(f("tanh", -inf), -1.0));
  CHECK(same(f("tanh", -0.0), -0.0));
  CHECK(same(f("arccosh", 0.5), nan));
  CHECK(same(f("arctanh", 1.0), inf));
  CHECK(same(f("floor", -0.5), -1.0));
  CHECK(same(f("ceil", -0.5), -0.0));
  CHECK(same(f("trunc", -0.5), -0.0));
  CHECK(same(f("rint", 2.5), 2.0));
  CHECK(same(f("rint", -3.5), -4.0));
  CHECK(same(f("floor", nan), nan));
  auto g = [](const char* name, double x, double y) {
    std::vector<double> a{x}, b{y};
    return run<double>(binary_kernel<double>(name), {&a, &b})[0];
  };
  CHECK(same(g("arctan2", 0.0, -0.0), M_PI));
  CHECK(same(g("arctan2", -0.0, -0.0), -M_PI));
  CHECK(same(g("arctan2", inf, -inf), 3 * M_PI_4));
  CHECK(same(g("hypot", inf, nan), inf));
  CHECK(same(g("hypot", nan, 1.0), nan));
  CHECK(same(g("hypot", 3e300, 4e300), 5e300));
  CHECK(same(g("hypot", 3e-320, 4e-320), 5e-320));
}

TEST_CASE("math: isnan, isinf, isfinite for floats, integers and bools") {
  auto pred = [](const char* name, const char* dtype, const void* data, int64_t step, int64_t n) {
    const Kernel& k = find_kernel(name, fmt::format("(... * {}) -> ... * bool", dtype));
    std::vector<char> out(static_cast<size_t>(n) * 2, 7);
    char* args[2] = {const_cast<char*>(static_cast<const char*>(data)), out.data()};
    const int64_t dims[1] = {n}, steps[2] = {step, 2};
    LoopContext context;
    context.kernel_data = k.data;
    REQUIRE(k.strided(args, dims, steps, &context) == loop_ok);
    std::string s;
    for (int64_t i = 0; i < n; ++i) s += out[static_cast<size_t>(2 * i)] ? '1' : '0';
    return s;
  };
  const double d[5] = {1.0, -HUGE_VAL, std::nan(""), HUGE_VAL, -0.0};
  const float f[5] = {1.0f, -HUGE_VALF, std::nanf(""), HUGE_VALF, 5e-45f};
  CHECK(pred("isnan", "float64", d, 8, 5) == "00100");
  CHECK(pred("isinf", "float64", d, 8, 5) == "01010");
  CHECK(pred("isfinite", "float64", d, 8, 5) == "10001");
  CHECK(pred("isnan", "float32", f, 4, 5) == "00100");
  CHECK(pred("isinf", "float32", f, 4, 5) == "01010");
  CHECK(pred("isfinite", "float32", f, 4, 5) == "10001");
  const int32_t i[3] = {0, -1, 2147483647};
  CHECK(pred("isnan", "int32", i, 4, 3) == "000");
  CHECK(pred("isinf", "int32", i, 4, 3) == "000");
  CHECK(pred("isfinite", "int32", i, 4, 3) == "111");
  const uint8_t b[2] = {0, 1};
  CHECK(pred("isfinite", "bool", b, 1, 2) == "11");
}

TEST_CASE("math: float32 kernels come before float64 ones, in place and tails") {
  for (const char* name : {"sqrt", "exp", "log", "sin", "arctan2", "hypot", "isnan"}) {
    const Function& f = math_registry().get(name);
    REQUIRE(f.kernels().size() >= 2);
    CHECK(f.kernels()[0].signature.str().find("float32") != std::string::npos);
    CHECK(f.kernels()[1].signature.str().find("float64") != std::string::npos);
  }
  // In place (output == input) over every length up to 40 (vector bodies and tails).
  const Kernel& k = unary_kernel<double>("exp");
  for (int64_t n = 0; n <= 40; ++n) {
    std::vector<double> v(static_cast<size_t>(n));
    for (int64_t j = 0; j < n; ++j) v[static_cast<size_t>(j)] = 0.1 * static_cast<double>(j) - 2;
    std::vector<double> want(v.size());
    for (size_t j = 0; j < v.size(); ++j) want[j] = std::exp(v[j]);
    char* args[2] = {reinterpret_cast<char*>(v.data()), reinterpret_cast<char*>(v.data())};
    const int64_t dims[1] = {n}, steps[2] = {8, 8};
    LoopContext context;
    context.kernel_data = k.data;
    REQUIRE(k.contiguous(args, dims, steps, &context) == loop_ok);
    for (size_t j = 0; j < v.size(); ++j) CHECK(ulp_error<double>(v[j], want[j]) <= 1.0);
  }
}
