// Reductions and scans of the built-in registry: axes, keepdims, initial, identities,
// NaN handling, accuracy, thread independence. Expected values are worked by hand or
// follow NumPy 1.24's documented results.
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <memory>
#include <numeric>
#include <random>

#include "gfunc/call.hpp"
#include "gfunc/kernel.hpp"
#include "helpers.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;
using namespace pluribus::gfunc::testing;

namespace {
const Function& fn(const char* name) { return builtins().get(name); }

}  // namespace

TEST_CASE("reduce: sum over every axis, one axis, a tuple of axes, keepdims") {
  Arena arena;
  // x = arange(24).reshape(2, 3, 4)
  Array<int64_t> x(ndt::int64, {2, 3, 4});
  std::iota(x.values.begin(), x.values.end(), 0);
  auto all = reduce(fn("sum"), x.view(), {}, arena.options());
  CHECK(all.shape.empty());
  CHECK(to_vector<int64_t>(all) == std::vector<int64_t>{276});

  auto a0 = reduce(fn("sum"), x.view(), axes({0}), arena.options());
  CHECK(a0.shape == std::vector<int64_t>{3, 4});
  CHECK(to_vector<int64_t>(a0) == std::vector<int64_t>{12, 14, 16, 18, 20, 22, 24, 26, 28, 30, 32, 34});

  auto a02 = reduce(fn("sum"), x.view(), axes({0, -1}, true), arena.options());
  CHECK(a02.shape == std::vector<int64_t>{1, 3, 1});
  CHECK(to_vector<int64_t>(a02) == std::vector<int64_t>{60, 92, 124});

  auto a1 = reduce(fn("sum"), x.view(), axes({1}), arena.options());
  CHECK(to_vector<int64_t>(a1) == std::vector<int64_t>{12, 15, 18, 21, 48, 51, 54, 57});

  CHECK_THROWS_WITH_AS(reduce(fn("sum"), x.view(), axes({3}), arena.options()),
                       doctest::Contains("axis 3 is out of bounds for an array of 3 dims"), Error);
  CHECK_THROWS_WITH_AS(reduce(fn("sum"), x.view(), axes({1, -2}), arena.options()), doctest::Contains("given twice"),
                       Error);
}

TEST_CASE("reduce: result dtypes follow NumPy (bool and int8 sum to int64, uint8 to uint64, mean to float64)") {
  Arena arena;
  Array<uint8_t> b(ndt::bool_, {5}, {1, 0, 1, 1, 0});  // bool storage
  auto s = reduce(fn("sum"), b.view(), {}, arena.options());
  CHECK(s.dtype == ndt::int64);
  CHECK(to_vector<int64_t>(s)[0] == 3);
  Array<int8_t> i8(ndt::int8, {3}, {100, 100, 100});
  auto s8 = reduce(fn("sum"), i8.view(), {}, arena.options());
  CHECK(s8.dtype == ndt::int64);
  CHECK(to_vector<int64_t>(s8)[0] == 300);
  Array<uint8_t> u8(ndt::uint8, {2}, {200, 200});
  auto su = reduce(fn("sum"), u8.view(), {}, arena.options());
  CHECK(su.dtype == ndt::uint64);
  CHECK(to_vector<uint64_t>(su)[0] == 400);
  Array<int32_t> i32(ndt::int32, {4}, {1, 2, 3, 5});
  auto m = reduce(fn("mean"), i32.view(), {}, arena.options());
  CHECK(m.dtype == ndt::float64);
  CHECK(to_vector<double>(m)[0] == 2.75);
  Array<float> f32(ndt::float32, {2}, {1.0f, 2.0f});
  CHECK(reduce(fn("sum"), f32.view(), {}, arena.options()).dtype == ndt::float32);
}

TEST_CASE("reduce: identities, initial, and functions without an identity") {
  Arena arena;
  Array<double> empty(ndt::float64, {0, 3});
  auto s = reduce(fn("sum"), empty.view(), axes({0}), arena.options());
  CHECK(to_vector<double>(s) == std::vector<double>{0, 0, 0});
  auto p = reduce(fn("prod"), empty.view(), axes({0}), arena.options());
  CHECK(to_vector<double>(p) == std::vector<double>{1, 1, 1});
  CHECK_THROWS_WITH_AS(reduce(fn("max"), empty.view(), axes({0}), arena.options()),
                       doctest::Contains("zero-size reduction has no identity"), Error);
  ReduceOptions init = axes({0});
  init.initial = -5;
  CHECK(to_vector<double>(reduce(fn("max"), empty.view(), init, arena.options())) == std::vector<double>{-5, -5, -5});
  Array<double> x(ndt::float64, {3}, {1, 2, 3});
  ReduceOptions ten;
  ten.initial = 10;
  CHECK(to_vector<double>(reduce(fn("sum"), x.view(), ten, arena.options()))[0] == 16);
  ReduceOptions big;
  big.initial = 7;
  CHECK(to_vector<double>(reduce(fn("max"), x.view(), big, arena.options()))[0] == 7);
  CHECK(to_vector<double>(reduce(fn("min"), x.view(), {}, arena.options()))[0] == 1);
}

TEST_CASE("reduce: min/max propagate NaN; any/all") {
  Arena arena;
  const double nan = std::numeric_limits<double>::quiet_NaN();
  Array<double> x(ndt::float64, {2, 3}, {3, nan, 1, 4, 5, -6});
  auto mx = to_vector<double>(reduce(fn("max"), x.view(), axes({1}), arena.options()));
  CHECK(std::isnan(mx[0]));
  CHECK(mx[1] == 5);
  auto mn = to_vector<double>(reduce(fn("min"), x.view(), axes({0}), arena.options()));
  CHECK(mn[0] == 3);
  CHECK(std::isnan(mn[1]));
  CHECK(mn[2] == -6);
  Array<int32_t> z(ndt::int32, {2, 2}, {0, 0, 0, 7});
  CHECK(to_vector<uint8_t>(reduce(fn("any"), z.view(), axes({1}), arena.options())) == std::vector<uint8_t>{0, 1});
  CHECK(to_vector<uint8_t>(reduce(fn("all"), z.view(), {}, arena.options())) == std::vector<uint8_t>{0});
}

TEST_CASE("reduce: float sums are at least as accurate as NumPy's pairwise sum, and thread-independent") {
  Arena arena;
  const int64_t n = 10'000'000;
  Array<float> x(ndt::float32, {n});
  std::mt19937 rng(42);
  std::uniform_real_distribution<float> dist(0.0f, 1.0f);
  long double exact = 0;
  for (auto& v : x.values) {
    v = dist(rng);
    exact += v;
  }
  auto one = to_vector<float>(reduce(fn("sum"), x.view(), {}, arena.options(1)))[0];
  auto many = to_vector<float>(reduce(fn("sum"), x.view(), {}, arena.options(0)))[0];
  CHECK(one == many);
  // A naive float32 loop is off by about 1e-2 relative here; pairwise stays within 1e-6.
  CHECK(std::fabs(static_cast<long double>(one) - exact) / exact < 1e-6L);

  // Strided (every other element): same accuracy.
  std::vector<int64_t> shape{n / 2}, strides{8};
  BufferView half{reinterpret_cast<char*>(x.values.data()), ndt::float32, shape, strides};
  long double exact_half = 0;
  for (int64_t i = 0; i < n; i += 2) exact_half += x.values[i];
  float h = to_vector<float>(reduce(fn("sum"), half, {}, arena.options()))[0];
  CHECK(std::fabs(static_cast<long double>(h) - exact_half) / exact_half < 1e-6L);
}

TEST_CASE("argmin/argmax and scans along an axis") {
  Arena arena;
  Array<double> x(ndt::float64, {2, 3}, {3, 9, 1, 4, 2, 8});
  BufferView in[] = {x.view()};
  auto am = call(fn("argmax"), in, arena.options());
  CHECK(am[0].dtype == ndt::int64);
  CHECK(to_vector<int64_t>(am[0]) == std::vector<int64_t>{1, 2});
  CallOptions ax0 = arena.options();
  ax0.axis = 0;
  CHECK(to_vector<int64_t>(call(fn("argmin"), in, ax0)[0]) == std::vector<int64_t>{0, 1, 0});

  // NumPy: np.argmax(np.zeros((2, 0)), axis=1) raises "attempt to get argmax of an empty sequence".
  Array<double> empty(ndt::float64, {2, 0});
  BufferView ein[] = {empty.view()};
  CHECK_THROWS_WITH_AS(call(fn("argmax"), ein, arena.options()),
                       "argmax: attempt to get argmax of an empty sequence (loop index [0])", Error);

  auto cs = call(fn("cumsum"), in, arena.options());
  CHECK(cs[0].shape == std::vector<int64_t>{2, 3});
  CHECK(to_vector<double>(cs[0]) == std::vector<double>{3, 12, 13, 4, 6, 14});
  auto cs0 = call(fn("cumsum"), in, ax0);
  CHECK(cs0[0].shape == std::vector<int64_t>{2, 3});
  CHECK(to_vector<double>(cs0[0]) == std::vector<double>{3, 9, 1, 7, 11, 9});
  Array<int8_t> small(ndt::int8, {4}, {1, 2, 3, 4});
  BufferView sin_[] = {small.view()};
  auto cp = call(fn("cumprod"), sin_, arena.options());
  CHECK(cp[0].dtype == ndt::int64);
  CHECK(to_vector<int64_t>(cp[0]) == std::vector<int64_t>{1, 2, 6, 24});
}

TEST_CASE("dispatch: boolean subtract and negative are refused, as in NumPy; bool with int promotes") {
  Arena arena;
  Array<uint8_t> b(ndt::bool_, {2}, {1, 0});  // bool storage
  BufferView bb[] = {b.view(), b.view()};
  CHECK_THROWS_WITH_AS(call(fn("subtract"), bb, arena.options()), doctest::Contains("boolean subtract is not supported"),
                       Error);
  BufferView one[] = {b.view()};
  CHECK_THROWS_WITH_AS(call(fn("negative"), one, arena.options()), doctest::Contains("boolean negative is not supported"),
                       Error);
  Array<int8_t> i(ndt::int8, {2}, {5, 5});
  BufferView bi[] = {b.view(), i.view()};  // NumPy: bool - int8 is int8
  auto r = call(fn("subtract"), bi, arena.options());
  CHECK(r[0].dtype == ndt::int8);
  CHECK(to_vector<int8_t>(r[0]) == std::vector<int8_t>{-4, -5});
  CHECK(to_vector<uint8_t>(call(fn("add"), bb, arena.options())[0]) == std::vector<uint8_t>{1, 0});  // logical or
}

TEST_CASE("reductions called as core-dim functions start from a seeded output, not from its memory") {
  // call(min, x) is min over the last axis (or axis=); outputs come from an allocator that
  // hands out garbage, so a result that read its output's old bytes would show.
  std::vector<std::unique_ptr<char[]>> blocks;
  CallOptions dirty;
  dirty.allocate = [&](int64_t size, int64_t) -> void* {
    blocks.push_back(std::make_unique<char[]>(static_cast<std::size_t>(size > 0 ? size : 1)));
    std::memset(blocks.back().get(), 0x7f, static_cast<std::size_t>(size));
    return blocks.back().get();
  };
  // x = [[1, 2, 3], [4, 5, 6]] (float64)
  Array<double> x(ndt::float64, {2, 3}, {1, 2, 3, 4, 5, 6});
  const BufferView in[] = {x.view()};
  auto one = [&](const char* name, const CallOptions& o) {
    auto out = call(fn(name), in, o);
    REQUIRE(out.size() == 1);
    return out[0];
  };
  CHECK(to_vector<double>(one("min", dirty)) == std::vector<double>{1, 4});
  CHECK(to_vector<double>(one("max", dirty)) == std::vector<double>{3, 6});
  CHECK(to_vector<double>(one("sum", dirty)) == std::vector<double>{6, 15});
  CHECK(to_vector<double>(one("mean", dirty)) == std::vector<double>{2, 5});
  CHECK(to_vector<double>(one("prod", dirty)) == std::vector<double>{6, 120});
  CHECK(to_vector<int64_t>(one("argmax", dirty)) == std::vector<int64_t>{2, 2});
  CallOptions axis0 = dirty;
  axis0.axis = 0;
  CHECK(to_vector<double>(one("min", axis0)) == std::vector<double>{1, 2, 3});
  CHECK(to_vector<double>(one("mean", axis0)) == std::vector<double>{2.5, 3.5, 4.5});
  // Into a caller's output holding old values.
  Array<double> out(ndt::float64, {2}, {-100, -100});
  const BufferView outs[] = {out.view()};
  call_into(fn("max"), in, outs);
  CHECK(out.values == std::vector<double>{3, 6});
  call_into(fn("mean"), in, outs);
  CHECK(out.values == std::vector<double>{2, 5});
}
