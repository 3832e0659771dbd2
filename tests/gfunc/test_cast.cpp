// Casts: NumPy's safe-cast table, known conversions of every numeric pair (plain and
// checked), the checked ⟺ exact round-trip law, strides and error indices.
#include <doctest/doctest.h>

#include <array>
#include <cmath>
#include <complex>
#include <cstring>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "gfunc/cast.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;

namespace {

using c64 = std::complex<float>;
using c128 = std::complex<double>;

const std::array<ndt::Type, 14>& numeric_types() {
  static const std::array<ndt::Type, 14> types = {
      ndt::bool_,   ndt::int8,    ndt::int16,   ndt::int32,     ndt::int64,
      ndt::uint8,   ndt::uint16,  ndt::uint32,  ndt::uint64,    ndt::float16,
      ndt::float32, ndt::float64, ndt::complex64, ndt::complex128};
  return types;
}

// Runs the cast over n elements with byte strides; returns the status, error index in *err.
int run(const ndt::Type& from, const ndt::Type& to, uint32_t checks, const void* in,
        int64_t in_step, void* out, int64_t out_step, int64_t n, int64_t* err = nullptr) {
  CastLoop c = find_cast(from, to, checks);
  REQUIRE(c);
  char* args[2] = {const_cast<char*>(static_cast<const char*>(in)), static_cast<char*>(out)};
  const int64_t dims[1] = {n};
  const int64_t steps[2] = {in_step, out_step};
  LoopContext ctx{c.data};
  const int s = c.loop(args, dims, steps, &ctx);
  if (err != nullptr) *err = ctx.error_index;
  if (s == loop_ok) CHECK(ctx.error_index == -1);
  return s;
}

template <class T>
const ndt::Type& type_of() {
  if constexpr (std::is_same_v<T, bool>) return ndt::bool_;
  else if constexpr (std::is_same_v<T, int8_t>) return ndt::int8;
  else if constexpr (std::is_same_v<T, int16_t>) return ndt::int16;
  else if constexpr (std::is_same_v<T, int32_t>) return ndt::int32;
  else if constexpr (std::is_same_v<T, int64_t>) return ndt::int64;
  else if constexpr (std::is_same_v<T, uint8_t>) return ndt::uint8;
  else if constexpr (std::is_same_v<T, uint16_t>) return ndt::uint16;
  else if constexpr (std::is_same_v<T, uint32_t>) return ndt::uint32;
  else if constexpr (std::is_same_v<T, uint64_t>) return ndt::uint64;
  else if constexpr (std::is_same_v<T, _Float16>) return ndt::float16;
  else if constexpr (std::is_same_v<T, float>) return ndt::float32;
  else if constexpr (std::is_same_v<T, double>) return ndt::float64;
  else if constexpr (std::is_same_v<T, c64>) return ndt::complex64;
  else return ndt::complex128;
}

// One element From -> To; the status, and the result in *y.
template <class To, class From>
int cast_to(From x, To* y, uint32_t checks) {
  return run(type_of<From>(), type_of<To>(), checks, &x, sizeof x, y, sizeof *y, 1);
}

template <class To, class From>
To nocheck(From x) {
  To y{};
  REQUIRE(cast_to(x, &y, cast_nocheck) == loop_ok);
  return y;
}

template <class To, class From>
int status(From x, uint32_t checks = cast_all) {
  To y{};
  return cast_to(x, &y, checks);
}

}  // namespace

TEST_CASE("cast: can_cast_safely equals NumPy's np.can_cast(from, to, 'safe')") {
  // Generated with /usr/bin/python3 and NumPy 1.24.2:
  //   ts = ['?','i1','i2','i4','i8','u1','u2','u4','u8','f2','f4','f8','c8','c16']
  //   ''.join('1' if np.can_cast(a, b, 'safe') else '0' for b in ts)   for each a in ts
  // Rows are `from`, columns `to`, both in the order of numeric_types().
  static const char* const kNumPy[14] = {
      "11111111111111",  // bool
      "01111000011111",  // int8
      "00111000001111",  // int16
      "00011000000101",  // int32
      "00001000000101",  // int64
      "00111111111111",  // uint8
      "00011011101111",  // uint16
      "00001001100101",  // uint32
      "00000000100101",  // uint64
      "00000000011111",  // float16
      "00000000001111",  // float32
      "00000000000101",  // float64
      "00000000000011",  // complex64
      "00000000000001",  // complex128
  };
  const auto& ts = numeric_types();
  for (int i = 0; i < 14; ++i)
    for (int j = 0; j < 14; ++j) {
      CAPTURE(ts[i].str());
      CAPTURE(ts[j].str());
      CHECK(can_cast_safely(ts[i], ts[j]) == (kNumPy[i][j] == '1'));
    }
  CHECK_FALSE(can_cast_safely(ndt::int8, ndt::string));
  CHECK_FALSE(can_cast_safely(ndt::string, ndt::float64));
  CHECK(can_cast_safely(ndt::string, ndt::string));
  CHECK_FALSE(can_cast_safely(ndt::Type(), ndt::int8));
}

TEST_CASE("cast: a loop exists for every numeric pair and every check") {
  for (const auto& a : numeric_types())
    for (const auto& b : numeric_types())
      for (uint32_t checks = 0; checks <= cast_all; ++checks) CHECK(find_cast(a, b, checks));
  CHECK_FALSE(find_cast(ndt::int8, ndt::Type(), 0));
  CHECK_FALSE(find_cast(ndt::int8, ndt::bytes, 0));
  CHECK_FALSE(find_cast(ndt::parse("3 * int8"), ndt::int8, 0));
}

TEST_CASE("cast: integers wrap without checks and overflow with them") {
  CHECK(nocheck<uint8_t>(int8_t{-1}) == 255);
  CHECK(status<uint8_t>(int8_t{-1}) == loop_overflow);
  CHECK(status<uint8_t>(int8_t{-1}, cast_fractional | cast_inexact) == loop_ok);
  CHECK(nocheck<int8_t>(int16_t{300}) == 44);
  CHECK(status<int8_t>(int16_t{300}, cast_overflow) == loop_overflow);
  CHECK(status<int8_t>(int16_t{127}) == loop_ok);
  CHECK(status<int8_t>(int16_t{-128}) == loop_ok);
  CHECK(status<int8_t>(int16_t{-129}) == loop_overflow);
  CHECK(nocheck<int64_t>(std::numeric_limits<uint64_t>::max()) == -1);
  CHECK(status<int64_t>(std::numeric_limits<uint64_t>::max()) == loop_overflow);
  CHECK(status<uint64_t>(std::numeric_limits<int64_t>::max()) == loop_ok);
  CHECK(status<uint64_t>(int64_t{-1}) == loop_overflow);
  CHECK(nocheck<uint32_t>(int64_t{-1}) == 0xFFFFFFFFu);
  CHECK(nocheck<int16_t>(uint16_t{65535}) == -1);
  CHECK(nocheck<bool>(int32_t{2}) == true);
  CHECK(nocheck<bool>(int32_t{0}) == false);
  CHECK(status<bool>(int32_t{2}) == loop_overflow);
  CHECK(status<bool>(int32_t{1}) == loop_ok);
  CHECK(nocheck<int32_t>(true) == 1);
  CHECK(nocheck<double>(true) == 1.0);
  CHECK(nocheck<c64>(true) == c64(1, 0));
}

TEST_CASE("cast: float -> integer truncates, and out of range gives NumPy's x86-64 values") {
  CHECK(nocheck<int32_t>(2.5) == 2);
  CHECK(nocheck<int32_t>(-2.5) == -2);
  CHECK(status<int32_t>(2.5) == loop_fractional);
  CHECK(status<int32_t>(2.5, cast_overflow | cast_inexact) == loop_ok);
  CHECK(status<int32_t>(-0.5) == loop_fractional);
  CHECK(status<uint8_t>(-0.5, cast_overflow) == loop_ok);  // truncates to 0: in range
  CHECK(status<uint8_t>(255.5) == loop_fractional);
  CHECK(status<uint8_t>(256.0) == loop_overflow);
  CHECK(status<int8_t>(-128.9) == loop_fractional);
  CHECK(status<int8_t>(-129.0) == loop_overflow);
  CHECK(status<int64_t>(9223372036854775808.0) == loop_overflow);
  CHECK(status<int64_t>(-9223372036854775808.0) == loop_ok);
  CHECK(nocheck<int64_t>(-9223372036854775808.0) == std::numeric_limits<int64_t>::min());
  CHECK(status<uint64_t>(18446744073709549568.0) == loop_ok);
  CHECK(nocheck<uint64_t>(18446744073709549568.0) == 18446744073709549568ull);
  CHECK(status<uint64_t>(18446744073709551616.0) == loop_overflow);
  CHECK(status<int32_t>(-2147483648.5) == loop_fractional);  // truncates into range
  CHECK(status<int32_t>(-2147483649.0) == loop_overflow);
  const double nan = std::nan("");
  const double inf = std::numeric_limits<double>::infinity();
  CHECK(status<int32_t>(nan) == loop_overflow);
  CHECK(status<int32_t>(nan, cast_fractional | cast_inexact) == loop_ok);
  CHECK(status<int64_t>(inf) == loop_overflow);
  CHECK(status<bool>(2.0) == loop_overflow);
  CHECK(status<bool>(0.5) == loop_fractional);
  CHECK(status<bool>(1.0) == loop_ok);
  CHECK(nocheck<bool>(0.5) == true);
  CHECK(nocheck<bool>(nan) == true);
  CHECK(nocheck<bool>(-0.0) == false);

  // NumPy 1.24.2 on x86-64: np.array(vals).astype(t) for
  // vals = [300., -300., 3e9, -3e9, 1e19, 2**63, 1e20, -1e20, nan, inf, -inf, -1., -0.7,
  //         70000., 2.**32+5]
  const double vals[] = {300.,       -300., 3e9, -3e9, 1e19, 9223372036854775808., 1e20, -1e20,
                         nan,        inf,   -inf, -1., -0.7, 70000., 4294967301.};
  const int64_t i1[] = {44, -44, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0, 112, 0};
  const int64_t i2[] = {300, -300, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, 0, 4464, 0};
  const int64_t m32 = -2147483648;
  const int64_t i4[] = {300, -300, m32, m32, m32, m32, m32, m32, m32, m32, m32, -1, 0, 70000, m32};
  const int64_t m64 = std::numeric_limits<int64_t>::min();
  const int64_t i8[] = {300, -300, 3000000000, -3000000000, m64, m64, m64, m64,
                        m64, m64,  m64,        -1,          0,   70000, 4294967301};
  const uint64_t u1[] = {44, 212, 0, 0, 0, 0, 0, 0, 0, 0, 0, 255, 0, 112, 0};
  const uint64_t u2[] = {300, 65236, 0, 0, 0, 0, 0, 0, 0, 0, 0, 65535, 0, 4464, 0};
  const uint64_t u4[] = {300,        4294966996, 3000000000, 2147483648, 0, 0, 0, 2147483648,
                         2147483648, 0,          2147483648, 4294967295, 0, 70000, 0};
  const uint64_t u8[] = {300,
                         18446744073709551316ull,
                         3000000000,
                         18446744070709551616ull,
                         10000000000000000000ull,
                         9223372036854775808ull,
                         0,
                         9223372036854775808ull,
                         9223372036854775808ull,
                         0,
                         9223372036854775808ull,
                         18446744073709551615ull,
                         0,
                         70000,
                         4294967301};
  for (int k = 0; k < 15; ++k) {
    CAPTURE(vals[k]);
    CHECK(nocheck<int8_t>(vals[k]) == i1[k]);
    CHECK(nocheck<int16_t>(vals[k]) == i2[k]);
    CHECK(nocheck<int32_t>(vals[k]) == i4[k]);
    CHECK(nocheck<int64_t>(vals[k]) == i8[k]);
    CHECK(nocheck<uint8_t>(vals[k]) == u1[k]);
    CHECK(nocheck<uint16_t>(vals[k]) == u2[k]);
    CHECK(nocheck<uint32_t>(vals[k]) == u4[k]);
    CHECK(nocheck<uint64_t>(vals[k]) == u8[k]);
    // float32 gives the same for the values it holds exactly.
    if (static_cast<double>(static_cast<float>(vals[k])) == vals[k] || vals[k] != vals[k]) {
      CHECK(nocheck<int32_t>(static_cast<float>(vals[k])) == i4[k]);
      CHECK(nocheck<uint8_t>(static_cast<float>(vals[k])) == u1[k]);
    }
  }
}

TEST_CASE("cast: floats narrow with overflow and inexact checks") {
  CHECK(nocheck<float>(1e-300) == 0.0f);
  CHECK(status<float>(1e-300) == loop_inexact);
  CHECK(status<float>(1e-300, cast_overflow | cast_fractional) == loop_ok);
  CHECK(status<float>(0.1) == loop_inexact);
  CHECK(status<float>(0.5) == loop_ok);
  CHECK(std::isinf(nocheck<float>(1e300)));
  CHECK(status<float>(1e300) == loop_overflow);
  CHECK(status<float>(1e300, cast_inexact) == loop_ok);
  CHECK(status<float>(std::numeric_limits<double>::infinity()) == loop_ok);
  CHECK(status<float>(std::nan("")) == loop_ok);
  CHECK(std::isnan(nocheck<float>(std::nan(""))));
  CHECK(status<_Float16>(65504.0) == loop_ok);
  CHECK(status<_Float16>(70000.0) == loop_overflow);
  CHECK(status<_Float16>(int32_t{70000}) == loop_overflow);
  CHECK(std::isinf(static_cast<float>(nocheck<_Float16>(int32_t{70000}))));
  CHECK(status<_Float16>(int32_t{2049}) == loop_inexact);
  CHECK(static_cast<float>(nocheck<_Float16>(int32_t{2049})) == 2048.0f);
  CHECK(status<_Float16>(int32_t{2048}) == loop_ok);
  CHECK(status<_Float16>(1.5f) == loop_ok);
  CHECK(static_cast<double>(nocheck<_Float16>(0.1)) == 0.0999755859375);
  CHECK(nocheck<double>(static_cast<_Float16>(0.1)) == 0.0999755859375);
  CHECK(nocheck<int32_t>(static_cast<_Float16>(-3.75)) == -3);
  CHECK(status<int8_t>(static_cast<_Float16>(65504.0)) == loop_overflow);
}

TEST_CASE("cast: integers to floats round to nearest; inexact when checked") {
  const uint64_t umax = std::numeric_limits<uint64_t>::max();
  CHECK(nocheck<float>(umax) == 18446744073709551616.0f);
  CHECK(status<float>(umax) == loop_inexact);
  CHECK(status<double>(umax) == loop_inexact);
  const int64_t big = (int64_t{1} << 53) + 1;
  CHECK(nocheck<double>(big) == 9007199254740992.0);
  CHECK(status<double>(big) == loop_inexact);
  CHECK(status<double>(big, cast_overflow) == loop_ok);
  CHECK(status<double>(big - 1) == loop_ok);
  CHECK(status<double>(std::numeric_limits<int64_t>::min()) == loop_ok);
  CHECK(status<double>(std::numeric_limits<int64_t>::max()) == loop_inexact);
  CHECK(status<float>(int32_t{16777217}) == loop_inexact);
  CHECK(status<float>(int32_t{16777216}) == loop_ok);
  CHECK(nocheck<c128>(int64_t{-5}) == c128(-5, 0));
  CHECK(status<c64>(int32_t{16777217}) == loop_inexact);
}

TEST_CASE("cast: complex -> real drops the imaginary part only unchecked") {
  CHECK(nocheck<double>(c128(1.5, 2)) == 1.5);
  CHECK(status<double>(c128(1.5, 2)) == loop_inexact);
  CHECK(status<double>(c128(1.5, 2), cast_overflow | cast_fractional) == loop_ok);
  CHECK(status<double>(c128(1.5, 0)) == loop_ok);
  CHECK(nocheck<int32_t>(c128(-7.9, 1)) == -7);
  CHECK(status<int32_t>(c128(-7.9, 0)) == loop_fractional);
  CHECK(status<int32_t>(c128(-7, 1)) == loop_inexact);
  CHECK(status<int8_t>(c128(1000, 1)) == loop_overflow);
  CHECK(nocheck<bool>(c128(0, 1)) == true);
  CHECK(nocheck<bool>(c128(0, 0)) == false);
  CHECK(nocheck<c64>(c128(0.1, -2)) == c64(0.1f, -2.0f));
  CHECK(status<c64>(c128(0.5, 0.1)) == loop_inexact);
  CHECK(status<c64>(c128(1e300, 0)) == loop_overflow);
  CHECK(nocheck<c128>(c64(0.5f, -1.25f)) == c128(0.5, -1.25));
  CHECK(nocheck<float>(c64(3.0f, 4.0f)) == 3.0f);
}

namespace {

// An element of a numeric dtype, by value.
struct Sample {
  int type;  // index into numeric_types()
  std::array<char, 16> bytes{};
};

// Sample values of each numeric type: edges of the integer ranges and of the floats.
template <class T>
void add_samples(int type, std::vector<Sample>& out) {
  std::vector<T> v;
  if constexpr (std::is_same_v<T, bool>) {
    v = {false, true};
  } else if constexpr (std::is_integral_v<T>) {
    using L = std::numeric_limits<T>;
    v = {L::min(), L::max(), static_cast<T>(L::min() + 1), static_cast<T>(L::max() - 1),
         static_cast<T>(L::max() / 3)};
    for (int64_t x : {0LL, 1LL, 2LL, 100LL, 127LL, -1LL, -100LL, -128LL, 255LL, 256LL, 2049LL,
                      32767LL, 65504LL, 70000LL, 16777217LL, 2147483647LL, 4294967296LL,
                      9007199254740992LL, 9007199254740993LL})
      if (std::in_range<T>(x)) v.push_back(static_cast<T>(x));
  } else if constexpr (std::is_same_v<T, c64> || std::is_same_v<T, c128>) {
    using R = typename T::value_type;
    const R parts[] = {R(0), R(-0.0), R(0.5), R(-2.5), R(1), R(255), R(65520), R(2147483648.0),
                       R(1e30), R(0.1), R(16777217.0), std::numeric_limits<R>::infinity(),
                       std::numeric_limits<R>::quiet_NaN()};
    for (R re : parts)
      for (R im : {R(0), R(1), R(-0.5), R(1e30)}) v.push_back(T(re, im));
  } else {
    const double inf = std::numeric_limits<double>::infinity();
    for (double d : {0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.5, 100.0, 127.0, 128.0, -128.0, 255.0,
                     256.0, 2049.0, 65504.0, 65520.0, 1e5, 16777217.0, 2147483647.0,
                     2147483648.0, -2147483648.0, 4294967295.0, 4294967296.0,
                     9007199254740993.0, 9223372036854775808.0, -9223372036854775808.0,
                     18446744073709551616.0, 1e-300, 1e300, 0.1, 6e-8, inf, -inf,
                     std::nan("")})
      v.push_back(static_cast<T>(d));
  }
  for (const T& x : v) {
    Sample smp{type, {}};
    std::memcpy(smp.bytes.data(), &x, sizeof x);
    out.push_back(smp);
  }
}

// The exact value of an element as (real, imaginary) long doubles (x86's 64-bit
// significand holds every int64, uint64 and float64 exactly).
template <class T>
std::pair<long double, long double> value_of(const char* p) {
  T x;
  std::memcpy(&x, p, sizeof x);
  if constexpr (std::is_same_v<T, c64> || std::is_same_v<T, c128>) {
    return {x.real(), x.imag()};
  } else if constexpr (std::is_same_v<T, _Float16>) {
    return {static_cast<float>(x), 0};
  } else {
    return {static_cast<long double>(x), 0};
  }
}

using All = std::tuple<bool, int8_t, int16_t, int32_t, int64_t, uint8_t, uint16_t, uint32_t,
                       uint64_t, _Float16, float, double, c64, c128>;

template <std::size_t... I>
std::pair<long double, long double> value_any(int type, const char* p, std::index_sequence<I...>) {
  std::pair<long double, long double> v;
  ((type == static_cast<int>(I) ? (v = value_of<std::tuple_element_t<I, All>>(p), 0) : 0), ...);
  return v;
}
std::pair<long double, long double> value(int type, const char* p) {
  return value_any(type, p, std::make_index_sequence<14>());
}

bool same_value(std::pair<long double, long double> a, std::pair<long double, long double> b) {
  auto eq = [](long double x, long double y) { return x == y || (x != x && y != y); };
  return eq(a.first, b.first) && eq(a.second, b.second);
}

template <std::size_t... I>
std::vector<Sample> all_samples_of(std::index_sequence<I...>) {
  std::vector<Sample> out;
  (add_samples<std::tuple_element_t<I, All>>(static_cast<int>(I), out), ...);
  return out;
}
const std::vector<Sample>& all_samples() {
  static const std::vector<Sample> samples = all_samples_of(std::make_index_sequence<14>());
  return samples;
}

// bool is stored as 0/1 bytes here (a bool object may hold no other byte).
std::string text_of(const Sample& x) {
  return format_scalar(numeric_types()[static_cast<std::size_t>(x.type)], x.bytes.data());
}

}  // namespace

TEST_CASE("cast: every pair: a fully checked cast succeeds iff it keeps the value") {
  const auto& ts = numeric_types();
  int64_t failures = 0, successes = 0;
  for (const Sample& x : all_samples()) {
    for (int to = 0; to < 14; ++to) {
      const ndt::Type& from_t = ts[static_cast<std::size_t>(x.type)];
      const ndt::Type& to_t = ts[static_cast<std::size_t>(to)];
      std::array<char, 16> plain{}, checked{};
      REQUIRE(run(from_t, to_t, cast_nocheck, x.bytes.data(), 16, plain.data(), 16, 1) == loop_ok);
      int64_t err = -1;
      const int s = run(from_t, to_t, cast_all, x.bytes.data(), 16, checked.data(), 16, 1, &err);
      const bool kept = same_value(value(x.type, x.bytes.data()), value(to, plain.data()));
      INFO(from_t.str(), " -> ", to_t.str(), " value ", text_of(x), " status ", s);
      CHECK((s == loop_ok) == kept);
      if (s == loop_ok) {
        CHECK(plain == checked);
        ++successes;
      } else {
        CHECK(err == 0);
        ++failures;
      }
      // The checks one at a time: each passes whenever cast_all does.
      for (uint32_t c : {cast_overflow, cast_fractional, cast_inexact}) {
        const int one = run(from_t, to_t, c, x.bytes.data(), 16, checked.data(), 16, 1);
        if (s == loop_ok) CHECK(one == loop_ok);
        if (one != loop_ok) {
          CHECK(s != loop_ok);
          CHECK(one == (c == cast_overflow ? loop_overflow : c == cast_fractional ? loop_fractional : loop_inexact));
        }
      }
    }
  }
  CHECK(failures > 1000);
  CHECK(successes > 1000);
}

TEST_CASE("cast: strided and negative-stride inputs, error_index, untouched tail") {
  const int16_t in[8] = {1, 2, 3, 4, 5, 6, 7, 8};
  double out[4] = {0, 0, 0, 0};
  // Every other element backwards: 8, 6, 4, 2 into a stride of 2 doubles... here 1.
  CHECK(run(ndt::int16, ndt::float64, cast_nocheck, &in[7], -4, out, 8, 4) == loop_ok);
  CHECK(out[0] == 8.0);
  CHECK(out[1] == 6.0);
  CHECK(out[3] == 2.0);
  double wide[8] = {};
  CHECK(run(ndt::int16, ndt::float64, cast_all, &in[0], 2, &wide[7], -16, 4) == loop_ok);
  CHECK(wide[7] == 1.0);
  CHECK(wide[5] == 2.0);
  CHECK(wide[1] == 4.0);
  CHECK(wide[6] == 0.0);

  const int16_t bad[5] = {1, -2, 300, 4, 1000};
  int8_t small[5] = {9, 9, 9, 9, 9};
  int64_t err = -1;
  CHECK(run(ndt::int16, ndt::int8, cast_overflow, bad, 2, small, 1, 5, &err) == loop_overflow);
  CHECK(err == 2);
  CHECK(small[0] == 1);
  CHECK(small[1] == -2);
  CHECK(small[2] == 9);
  CHECK(small[3] == 9);
  CHECK(run(ndt::int16, ndt::int8, cast_overflow, &bad[4], -2, small, 1, 5, &err) == loop_overflow);
  CHECK(err == 0);
  CHECK(run(ndt::int16, ndt::int8, cast_overflow, &bad[3], -2, small, 1, 3, &err) == loop_overflow);
  CHECK(err == 1);
  CHECK(small[0] == 4);
  CHECK(run(ndt::int16, ndt::int8, cast_nocheck, bad, 2, small, 1, 5) == loop_ok);
  CHECK(small[2] == 44);

  // Broadcast input (stride 0) and a zero-length run.
  const double x = 2.5;
  float f[3] = {};
  CHECK(run(ndt::float64, ndt::float32, cast_all, &x, 0, f, 4, 3) == loop_ok);
  CHECK(f[2] == 2.5f);
  CHECK(run(ndt::float64, ndt::int32, cast_all, &x, 0, f, 4, 0) == loop_ok);
  CHECK(run(ndt::float64, ndt::int32, cast_all, &x, 0, f, 4, 3, &err) == loop_fractional);
  CHECK(err == 0);

  // bool reads any nonzero byte as true and writes 0/1.
  const uint8_t bytes[3] = {0, 2, 255};
  uint8_t norm[3] = {7, 7, 7};
  CHECK(run(ndt::bool_, ndt::bool_, cast_nocheck, bytes, 1, norm, 1, 3) == loop_ok);
  CHECK(norm[0] == 0);
  CHECK(norm[1] == 1);
  CHECK(norm[2] == 1);
}

TEST_CASE("cast: same-type byte copies for plain types, none for pointer-holding ones") {
  const ndt::Type rec = ndt::parse("{a: int32, b: ?float64, c: 2 * int8}");
  CastLoop c = find_cast(rec, rec, cast_all);
  REQUIRE(c);
  std::vector<char> in(static_cast<std::size_t>(rec.size() * 3)), out(in.size(), 0);
  for (std::size_t i = 0; i < in.size(); ++i) in[i] = static_cast<char>(i * 7 + 1);
  CHECK(run(rec, rec, 0, in.data(), rec.size(), out.data(), rec.size(), 3) == loop_ok);
  CHECK(in == out);
  std::fill(out.begin(), out.end(), 0);
  CHECK(run(rec, rec, 0, in.data() + 2 * rec.size(), -rec.size(), out.data(), rec.size(), 3) ==
        loop_ok);
  CHECK(std::memcmp(out.data(), in.data() + 2 * rec.size(), static_cast<std::size_t>(rec.size())) == 0);
  CHECK(std::memcmp(out.data() + 2 * rec.size(), in.data(), static_cast<std::size_t>(rec.size())) == 0);
  CHECK_FALSE(find_cast(ndt::parse("{a: int32, s: string}"), ndt::parse("{a: int32, s: string}"), 0));
  CHECK_FALSE(find_cast(ndt::parse("var * int32"), ndt::parse("var * int32"), 0));
  CHECK_FALSE(find_cast(ndt::parse("T"), ndt::parse("T"), 0));
  CHECK(find_cast(ndt::parse("3 * int32"), ndt::parse("3 * int32"), 0));
}

namespace {

struct Str {
  const char* data;
  int64_t size;
};

// Parses each text to `to` (elements of 16 bytes); the status, error index in *err.
int parse(const std::vector<std::string>& texts, const ndt::Type& to, uint32_t checks, void* out,
          int64_t* err = nullptr) {
  std::vector<Str> in;
  for (const auto& t : texts) in.push_back({t.data(), static_cast<int64_t>(t.size())});
  return run(ndt::string, to, checks, in.data(), sizeof(Str), out, 16,
             static_cast<int64_t>(in.size()), err);
}

template <class T>
int parse1(const std::string& text, T* out, uint32_t checks = cast_nocheck) {
  std::array<char, 16> buf{};
  const int s = parse({text}, type_of<T>(), checks, buf.data());
  std::memcpy(out, buf.data(), sizeof *out);
  return s;
}

template <class T>
T parsed(const std::string& text, uint32_t checks = cast_nocheck) {
  T v{};
  INFO("text ", text);
  REQUIRE(parse1(text, &v, checks) == loop_ok);
  return v;
}

template <class T>
int parse_status(const std::string& text, uint32_t checks = cast_nocheck) {
  T v{};
  return parse1(text, &v, checks);
}

// Formats one value through the number -> string cast, freeing the result.
std::string formatted(const ndt::Type& from, const void* element) {
  Str out{nullptr, -1};
  REQUIRE(run(from, ndt::string, cast_nocheck, element, 0, &out, sizeof out, 1) == loop_ok);
  REQUIRE(out.data != nullptr);
  CHECK(out.data[out.size] == '\0');
  std::string s(out.data, static_cast<std::size_t>(out.size));
  release_strings(reinterpret_cast<char*>(&out), 1, sizeof out);
  CHECK(out.data == nullptr);
  CHECK(out.size == 0);
  return s;
}

template <class T>
std::string formatted(T x) {
  return formatted(type_of<T>(), &x);
}

}  // namespace

TEST_CASE("cast: string -> integer") {
  CHECK(parsed<int8_t>("12") == 12);
  CHECK(parsed<int8_t>("-128") == -128);
  CHECK(parsed<int8_t>(" +7\n") == 7);
  CHECK(parsed<uint8_t>("-0") == 0);
  CHECK(parsed<uint64_t>("18446744073709551615") == std::numeric_limits<uint64_t>::max());
  CHECK(parsed<int64_t>("-9223372036854775808") == std::numeric_limits<int64_t>::min());
  CHECK(parse_status<int8_t>("300") == loop_overflow);
  CHECK(parse_status<int8_t>("300", cast_all) == loop_overflow);
  CHECK(parse_status<uint8_t>("-1") == loop_overflow);
  CHECK(parse_status<int64_t>("99999999999999999999") == loop_overflow);
  CHECK(parse_status<uint64_t>("18446744073709551616") == loop_overflow);
  for (const char* junk : {"abc", "", "  ", "1.5", "1e3", "0x10", "12abc", "+-1", "+", "-", "1 2", "١"})
    CHECK_MESSAGE(parse_status<int32_t>(junk) == loop_invalid, junk);
}

TEST_CASE("cast: string -> bool, float, complex") {
  CHECK(parsed<bool>("true") == true);
  CHECK(parsed<bool>("False") == false);
  CHECK(parsed<bool>("0") == false);
  CHECK(parsed<bool>("1") == true);
  CHECK(parsed<bool>("2") == true);  // NumPy: bool(int("2"))
  CHECK(parse_status<bool>("2", cast_overflow) == loop_overflow);
  CHECK(parse_status<bool>("yes") == loop_invalid);
  CHECK(parse_status<bool>("1.0") == loop_invalid);

  CHECK(parsed<double>("1.5") == 1.5);
  CHECK(parsed<double>("+1.5") == 1.5);
  CHECK(parsed<double>(" -2.5e-3 ") == -2.5e-3);
  CHECK(parsed<double>(".5") == 0.5);
  CHECK(parsed<double>("1e-310") == 1e-310);
  CHECK(std::isinf(parsed<double>("-inf")));
  CHECK(std::isinf(parsed<double>("Infinity")));
  CHECK(std::isnan(parsed<double>("nan")));
  CHECK(parsed<double>("1e400") == std::numeric_limits<double>::infinity());
  CHECK(parsed<double>("-1.5e400") == -std::numeric_limits<double>::infinity());
  CHECK(parse_status<double>("1e400", cast_overflow) == loop_overflow);
  CHECK(parse_status<double>("1e400", cast_inexact) == loop_ok);
  CHECK(parsed<double>("1e-400") == 0.0);
  CHECK(std::signbit(parsed<double>("-1e-400")));
  CHECK(parse_status<double>("1e-400", cast_inexact) == loop_inexact);
  CHECK(parse_status<double>("0.000e-99999", cast_all) == loop_ok);
  CHECK(parse_status<double>("0.1", cast_all) == loop_ok);  // rounding is the text's meaning
  CHECK(parsed<float>("0.1") == 0.1f);
  CHECK(parsed<float>("16777217") == 16777216.0f);
  CHECK(parse_status<float>("1e39", cast_overflow) == loop_overflow);
  CHECK(std::isinf(parsed<float>("1e39")));
  CHECK(parse_status<float>("1e-50", cast_inexact) == loop_inexact);
  CHECK(static_cast<float>(parsed<_Float16>("0.1")) == static_cast<float>(static_cast<_Float16>(0.1)));
  CHECK(static_cast<float>(parsed<_Float16>("65504")) == 65504.0f);
  CHECK(parse_status<_Float16>("70000", cast_overflow) == loop_overflow);
  CHECK(parse_status<_Float16>("1e-10", cast_inexact) == loop_inexact);
  for (const char* junk : {"abc", "", "1.5x", "1,5", "++1", "+-1", "e5", "1e", "0x1p3", "in", "1.5 1"})
    CHECK_MESSAGE(parse_status<double>(junk) == loop_invalid, junk);

  CHECK(parsed<c128>("1+2j") == c128(1, 2));
  CHECK(parsed<c128>(" (1-2.5j) ") == c128(1, -2.5));
  CHECK(parsed<c128>("2j") == c128(0, 2));
  CHECK(parsed<c128>("-j") == c128(0, -1));
  CHECK(parsed<c128>("3") == c128(3, 0));
  CHECK(parsed<c128>("-1e-5-2e+3J") == c128(-1e-5, -2e3));
  CHECK(parsed<c64>("0.5+0.25j") == c64(0.5f, 0.25f));
  const c128 z = parsed<c128>("nan+infj");
  CHECK(std::isnan(z.real()));
  CHECK(std::isinf(z.imag()));
  for (const char* junk : {"1+2", "1 + 2j", "1+2jj", "(1+2j", "()", "j1", "1+xj"})
    CHECK_MESSAGE(parse_status<c128>(junk) == loop_invalid, junk);
  CHECK(parse_status<c128>("1e400+1j", cast_overflow) == loop_overflow);
}

TEST_CASE("cast: string -> number: error index, strides, null and empty strings") {
  std::array<int32_t, 4> out = {-9, -9, -9, -9};
  std::vector<std::string> texts = {"1", "2", "x", "4"};
  std::vector<Str> in;
  for (const auto& t : texts) in.push_back({t.data(), static_cast<int64_t>(t.size())});
  int64_t err = -1;
  CHECK(run(ndt::string, ndt::int32, cast_nocheck, in.data(), sizeof(Str), out.data(), 4, 4, &err) ==
        loop_invalid);
  CHECK(err == 2);
  CHECK(out[0] == 1);
  CHECK(out[1] == 2);
  CHECK(out[2] == -9);
  CHECK(run(ndt::string, ndt::int32, cast_nocheck, &in[1], -static_cast<int64_t>(sizeof(Str)), &out[3],
            -4, 2) == loop_ok);
  CHECK(out[3] == 2);
  CHECK(out[2] == 1);
  const Str null_empty{nullptr, 0};
  CHECK(run(ndt::string, ndt::int32, cast_nocheck, &null_empty, 0, out.data(), 4, 1) == loop_invalid);
  const Str bad{nullptr, 3};
  CHECK(run(ndt::string, ndt::float64, cast_nocheck, &bad, 0, out.data(), 8, 1) == loop_invalid);
}

TEST_CASE("cast: number -> string writes owned, NUL-terminated text") {
  CHECK(cast_allocates(ndt::int8, ndt::string));
  CHECK(cast_allocates(ndt::string, ndt::string));
  CHECK_FALSE(cast_allocates(ndt::string, ndt::int8));
  CHECK_FALSE(cast_allocates(ndt::int8, ndt::float64));
  CHECK(formatted(int8_t{-128}) == "-128");
  CHECK(formatted(std::numeric_limits<uint64_t>::max()) == "18446744073709551615");
  CHECK(formatted(true) == "true");
  CHECK(formatted(false) == "false");
  CHECK(formatted(1.5) == "1.5");
  CHECK(formatted(300.0) == "300");
  CHECK(formatted(0.1f) == "0.1");
  CHECK(formatted(0.1) == "0.1");
  CHECK(formatted(static_cast<_Float16>(0.1)) == "0.1");
  CHECK(formatted(static_cast<_Float16>(65504)) == "65500");  // NumPy prints 65500.0 too
  CHECK(formatted(1e300) == "1e+300");
  CHECK(formatted(-0.0) == "-0");
  CHECK(formatted(std::nan("")) == "nan");
  CHECK(formatted(-std::numeric_limits<double>::infinity()) == "-inf");
  CHECK(formatted(c128(1, 2)) == "(1+2j)");
  CHECK(formatted(c128(0, -1.5)) == "(0-1.5j)");
  CHECK(formatted(c64(0.1f, std::numeric_limits<float>::infinity())) == "(0.1+infj)");

  // Strided output; the previous contents of the slots are not read.
  const int16_t in[3] = {7, -8, 9};
  Str out[6];
  for (auto& o : out) o = {reinterpret_cast<const char*>(0x1), 12345};
  CHECK(run(ndt::int16, ndt::string, cast_all, &in[2], -2, &out[1], 2 * sizeof(Str), 3) == loop_ok);
  CHECK(std::string(out[1].data) == "9");
  CHECK(std::string(out[3].data) == "-8");
  CHECK(std::string(out[5].data) == "7");
  CHECK(out[0].size == 12345);
  release_strings(reinterpret_cast<char*>(&out[1]), 3, 2 * sizeof(Str));
}

TEST_CASE("cast: every numeric value -> string -> back is exact under cast_all") {
  const auto& ts = numeric_types();
  for (const Sample& x : all_samples()) {
    const ndt::Type& t = ts[static_cast<std::size_t>(x.type)];
    Str text{nullptr, 0};
    REQUIRE(run(t, ndt::string, cast_nocheck, x.bytes.data(), 16, &text, 16, 1) == loop_ok);
    std::array<char, 16> back{};
    const std::string s(text.data, static_cast<std::size_t>(text.size));
    INFO(t.str(), " ", s);
    CHECK(s == text_of(x));
    CHECK(run(ndt::string, t, cast_all, &text, 16, back.data(), 16, 1) == loop_ok);
    CHECK(same_value(value(x.type, x.bytes.data()), value(x.type, back.data())));
    std::free(const_cast<char*>(text.data));
  }
}

TEST_CASE("cast: string -> string is a deep copy") {
  const std::string a = "héllo", b;
  Str in[2] = {{a.data(), static_cast<int64_t>(a.size())}, {nullptr, 0}};
  Str out[2];
  CHECK(run(ndt::string, ndt::string, cast_all, in, sizeof(Str), out, sizeof(Str), 2) == loop_ok);
  CHECK(out[0].data != a.data());
  CHECK(std::string(out[0].data, static_cast<std::size_t>(out[0].size)) == a);
  CHECK(out[1].size == 0);
  CHECK(out[1].data != nullptr);
  CHECK(out[1].data[0] == '\0');
  release_strings(reinterpret_cast<char*>(out), 2, sizeof(Str));
}

TEST_CASE("cast: format_scalar") {
  const int16_t i = 300;
  const double d = 1.5;
  const uint8_t t = 1;
  const c128 z(1, 2);
  CHECK(format_scalar(ndt::int16, reinterpret_cast<const char*>(&i)) == "300");
  CHECK(format_scalar(ndt::float64, reinterpret_cast<const char*>(&d)) == "1.5");
  CHECK(format_scalar(ndt::bool_, reinterpret_cast<const char*>(&t)) == "true");
  CHECK(format_scalar(ndt::complex128, reinterpret_cast<const char*>(&z)) == "(1+2j)");
  const std::string text = "it's\n\x01";
  const Str s{text.data(), static_cast<int64_t>(text.size())};
  CHECK(format_scalar(ndt::string, reinterpret_cast<const char*>(&s)) == "'it\\'s\\n\\x01'");
  const Str abc{"abc", 3};
  CHECK(format_scalar(ndt::string, reinterpret_cast<const char*>(&abc)) == "'abc'");
  const ndt::Type opt = ndt::parse("?int32");
  std::array<char, 8> o{};
  const int32_t five = 5;
  std::memcpy(o.data(), &five, 4);
  CHECK(format_scalar(opt, o.data()) == "NA");
  o[4] = 1;
  CHECK(format_scalar(opt, o.data()) == "5");
  CHECK(format_scalar(ndt::parse("{a: int8}"), o.data()) == "<{a: int8} value>");
}
