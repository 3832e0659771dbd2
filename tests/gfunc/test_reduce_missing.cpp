// Reductions, positions and scans of ?T inputs: missing values are skipped (Apache Arrow's
// skip_nulls=true, min_count=1), or make results missing with skip_missing=false.
//
// Expected values: NumPy 1.24's nansum / nanmean / nanmin / nanmax / nanprod / nanargmin /
// nanargmax on the same numbers with NaN at the missing places (printed once and copied
// here), except where NumPy has no missing result: a reduction set without a present value
// gives a missing result here (NumPy: nansum 0, nanmin NaN with a warning), and a scan keeps
// missing places missing (pandas' cumsum(skipna=True), not nancumsum's running total).
#include <doctest/doctest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <numeric>

#include "gfunc/call.hpp"
#include "gfunc/kernel.hpp"
#include "helpers.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;
using namespace pluribus::gfunc::testing;

namespace {

const Function& fn(const char* name) { return builtins().get(name); }
const double M = std::numeric_limits<double>::quiet_NaN();  // marks a missing value

// ?T elements from values where NaN marks a missing one (a missing value's bytes are zero).
template <class T>
Array<Opt<T>> optional(const char* type, std::vector<int64_t> shape, const std::vector<double>& values) {
  Array<Opt<T>> a(ndt::parse(type), std::move(shape));
  REQUIRE(a.dtype.size() == static_cast<int64_t>(sizeof(Opt<T>)));
  REQUIRE(a.values.size() == values.size());
  for (std::size_t i = 0; i < values.size(); ++i) {
    std::memset(&a.values[i], 0, sizeof(Opt<T>));
    if (!std::isnan(values[i])) a.values[i] = {static_cast<T>(values[i]), 1};
  }
  return a;
}

// A ?T result as doubles, NaN where missing; checks the validity bytes and that a missing
// value's bytes are zero.
template <class T>
std::vector<double> values_of(const Buffer& b) {
  std::vector<double> out;
  for (const Opt<T>& e : to_vector<Opt<T>>(b)) {
    CHECK((e.valid == 0 || e.valid == 1));
    if (e.valid) {
      out.push_back(static_cast<double>(e.value));
    } else {
      CHECK(e.value == T(0));
      out.push_back(M);
    }
  }
  return out;
}

// x = [[1.5, M, -2, 4], [M, M, M, M], [0.25, 3, M, -1]]: a row with no present value.
const std::vector<double> kX = {1.5, M, -2, 4, M, M, M, M, 0.25, 3, M, -1};

}  // namespace

TEST_CASE("missing reductions: sum, mean, min, max, prod skip missing values over any axes") {
  Arena arena;
  auto x = optional<double>("?float64", {3, 4}, kX);
  auto run = [&](const char* name, ReduceOptions o) {
    Buffer r = reduce(fn(name), x.view(), o, arena.options());
    CHECK(r.dtype.str() == (std::string(name) == "mean" ? "?float64" : "?float64"));
    return r;
  };
  Buffer all = run("sum", {});
  CHECK(all.shape.empty());
  CHECK(same(values_of<double>(all), {5.75}));
  CHECK(same(values_of<double>(run("sum", axes({1}))), {3.5, M, 2.25}));  // NumPy: [3.5, 0, 2.25]
  CHECK(same(values_of<double>(run("sum", axes({0}))), {1.75, 3, -2, 3}));
  CHECK(same(values_of<double>(run("sum", axes({0, 1}))), {5.75}));
  CHECK(same(values_of<double>(run("mean", axes({1}))), {3.5 / 3, M, 0.75}));
  CHECK(same(values_of<double>(run("mean", axes({0}))), {0.875, 3, -2, 1.5}));
  CHECK(same(values_of<double>(run("mean", {})), {0.9583333333333334}));
  CHECK(same(values_of<double>(run("min", axes({1}))), {-2, M, -1}));
  CHECK(same(values_of<double>(run("max", axes({0}))), {1.5, 3, -2, 4}));
  CHECK(same(values_of<double>(run("prod", axes({-1}))), {-12, M, -0.75}));  // NumPy: [-12, 1, -0.75]

  Buffer kept = run("sum", axes({1}, true));
  CHECK(kept.shape == std::vector<int64_t>{3, 1});
  CHECK(same(values_of<double>(kept), {3.5, M, 2.25}));
  Buffer kept0 = run("max", axes({0, 1}, true));
  CHECK(kept0.shape == std::vector<int64_t>{1, 1});
  CHECK(same(values_of<double>(kept0), {4}));

  // A strided, transposed view: axis 0 of x.T is axis 1 of x.
  std::vector<int64_t> tshape{4, 3}, tstrides{16, 64};
  BufferView xt{x.view().data, x.dtype, tshape, tstrides, false};
  CHECK(same(values_of<double>(reduce(fn("min"), xt, axes({0}), arena.options())), {-2, M, -1}));
}

TEST_CASE("missing reductions: initial counts as a present value; skip_missing=false propagates") {
  Arena arena;
  auto x = optional<double>("?float64", {3, 4}, kX);
  ReduceOptions ten = axes({1});
  ten.initial = 10;
  CHECK(same(values_of<double>(reduce(fn("sum"), x.view(), ten, arena.options())), {13.5, 10, 12.25}));
  ReduceOptions big = axes({1});
  big.initial = 3.5;
  CHECK(same(values_of<double>(reduce(fn("max"), x.view(), big, arena.options())), {4, 3.5, 3.5}));
  CHECK(same(values_of<double>(reduce(fn("min"), x.view(), big, arena.options())), {-2, 3.5, -1}));

  // Rows 0 and 2: NumPy's plain sum over axis 0 is [1.75, nan, nan, 3].
  auto y = optional<double>("?float64", {2, 4}, {1.5, M, -2, 4, 0.25, 3, M, -1});
  ReduceOptions strict = axes({0});
  strict.skip_missing = false;
  CHECK(same(values_of<double>(reduce(fn("sum"), y.view(), strict, arena.options())), {1.75, M, M, 3}));
  CHECK(same(values_of<double>(reduce(fn("mean"), y.view(), strict, arena.options())), {0.875, M, M, 1.5}));
  CHECK(same(values_of<double>(reduce(fn("min"), y.view(), strict, arena.options())), {0.25, M, M, -1}));
  strict.initial = 100;  // a missing element still wins
  CHECK(same(values_of<double>(reduce(fn("sum"), y.view(), strict, arena.options())), {101.75, M, M, 103}));
  ReduceOptions strict_all;
  strict_all.skip_missing = false;
  CHECK(same(values_of<double>(reduce(fn("max"), y.view(), strict_all, arena.options())), {M}));
}

TEST_CASE("missing reductions: integers and bools (result dtypes as without missing values)") {
  Arena arena;
  auto i = optional<int32_t>("?int32", {2, 3}, {7, M, -2, M, M, M});
  Buffer s = reduce(fn("sum"), i.view(), axes({1}), arena.options());
  CHECK(s.dtype.str() == "?int64");
  CHECK(same(values_of<int64_t>(s), {5, M}));
  Buffer m = reduce(fn("mean"), i.view(), axes({1}), arena.options());
  CHECK(m.dtype.str() == "?float64");
  CHECK(same(values_of<double>(m), {2.5, M}));
  Buffer mn = reduce(fn("min"), i.view(), axes({1}), arena.options());
  CHECK(mn.dtype.str() == "?int32");
  CHECK(same(values_of<int32_t>(mn), {-2, M}));

  // any/all over the present values: [0, M, 0] -> false, [1, M] -> true, all missing -> missing.
  auto b = optional<bool>("?bool", {3, 2}, {0, M, 1, M, M, M});
  Buffer any = reduce(fn("any"), b.view(), axes({1}), arena.options());
  CHECK(any.dtype.str() == "?bool");
  CHECK(same(values_of<bool>(any), {0, 1, M}));
  Buffer all = reduce(fn("all"), b.view(), axes({1}), arena.options());
  CHECK(same(values_of<bool>(all), {0, 1, M}));
  CHECK(same(values_of<bool>(reduce(fn("any"), i.view(), axes({1}), arena.options())), {1, M}));
}

TEST_CASE("missing reductions: empty reduction sets are missing, not errors") {
  Arena arena;
  Array<Opt<double>> empty(ndt::parse("?float64"), {0, 3});
  CHECK(same(values_of<double>(reduce(fn("sum"), empty.view(), axes({0}), arena.options())), {M, M, M}));
  CHECK(same(values_of<double>(reduce(fn("max"), empty.view(), axes({0}), arena.options())), {M, M, M}));
  ReduceOptions init = axes({0});
  init.initial = -5;
  CHECK(same(values_of<double>(reduce(fn("max"), empty.view(), init, arena.options())), {-5, -5, -5}));
  CHECK(reduce(fn("sum"), empty.view(), axes({1}), arena.options()).shape == std::vector<int64_t>{0});
}

TEST_CASE("missing reductions: outputs of ?R or R; a missing result in R names its index") {
  Arena arena;
  auto x = optional<double>("?float64", {3, 4}, kX);
  Array<Opt<double>> out(ndt::parse("?float64"), {3});
  for (auto& e : out.values) e = {99, 7};  // old contents must not leak into the results
  reduce_into(fn("sum"), x.view(), out.view(), axes({1}));
  CHECK(same(values_of<double>(Buffer{out.view().data, out.dtype, out.shape, out.strides}), {3.5, M, 2.25}));

  Array<double> plain(ndt::float64, {3});
  CHECK_THROWS_WITH_AS(reduce_into(fn("sum"), x.view(), plain.view(), axes({1})),
                       "sum: cannot write a missing result to float64 at index [1] (the output needs dtype ?float64)",
                       Error);
  Array<double> cols(ndt::float64, {4});
  reduce_into(fn("sum"), x.view(), cols.view(), axes({0}));  // every column has a present value
  CHECK(cols.values == std::vector<double>{1.75, 3, -2, 3});
  Array<float> wrong(ndt::float32, {4});
  CHECK_THROWS_WITH_AS(reduce_into(fn("sum"), x.view(), wrong.view(), axes({0})),
                       "sum: the output must have dtype ?float64 (or float64), not float32", Error);

  // A strided output (every other element of 8).
  Array<Opt<double>> wide(ndt::parse("?float64"), {8});
  std::vector<int64_t> shape{4}, strides{32};
  BufferView every_other{reinterpret_cast<char*>(wide.values.data()), wide.dtype, shape, strides, false};
  reduce_into(fn("min"), x.view(), every_other, axes({0}));
  for (std::size_t i = 0; i < 4; ++i) CHECK(wide.values[2 * i].valid == 1);
  CHECK(wide.values[2].value == 3);
  CHECK(wide.values[4].value == -2);
}

TEST_CASE("missing reductions: long rows keep pairwise accuracy and do not depend on threads") {
  Arena arena;
  const int64_t n = 1'000'003;
  Array<Opt<float>> x(ndt::parse("?float32"), {n});
  long double exact = 0;
  int64_t present = 0;
  for (int64_t i = 0; i < n; ++i) {
    float v = static_cast<float>((i * 7919) % 1000) / 1000.0f + 0.1f;
    std::memset(&x.values[static_cast<std::size_t>(i)], 0, sizeof(Opt<float>));
    if (i % 3 == 1) continue;  // every third missing
    x.values[static_cast<std::size_t>(i)] = {v, 1};
    exact += v;
    ++present;
  }
  auto one = values_of<float>(reduce(fn("sum"), x.view(), {}, arena.options(1)));
  auto many = values_of<float>(reduce(fn("sum"), x.view(), {}, arena.options(0)));
  CHECK(one == many);
  CHECK(std::fabs(static_cast<long double>(one[0]) - exact) / exact < 1e-6L);
  auto mean = values_of<float>(reduce(fn("mean"), x.view(), {}, arena.options()));
  CHECK(std::fabs(static_cast<long double>(mean[0]) - exact / present) / (exact / present) < 1e-6L);

  // A long run whose chunks hold no present value at all, then one value.
  Array<Opt<double>> sparse(ndt::parse("?float64"), {100'000});
  sparse.values.back() = {2.5, 1};
  CHECK(same(values_of<double>(reduce(fn("max"), sparse.view(), {}, arena.options())), {2.5}));
  CHECK(same(values_of<double>(reduce(fn("mean"), sparse.view(), {}, arena.options())), {2.5}));
}

TEST_CASE("reductions whose result dtype differs from the input's fold long runs correctly") {
  // More elements than one chunk: the chunks' partial results (float64 for the mean of
  // int32, bool for any) are folded by the kernel of the result dtype.
  Arena arena;
  Array<int32_t> x(ndt::int32, {100'000});
  std::iota(x.values.begin(), x.values.end(), 0);
  CHECK(to_vector<double>(reduce(fn("mean"), x.view(), {}, arena.options()))[0] == 49999.5);
  Array<int32_t> zeros(ndt::int32, {100'000});
  zeros.values[70'000] = 3;
  CHECK(to_vector<uint8_t>(reduce(fn("any"), zeros.view(), {}, arena.options()))[0] == 1);
  CHECK(to_vector<uint8_t>(reduce(fn("all"), x.view(), {}, arena.options()))[0] == 0);
}

TEST_CASE("missing positions and scans: argmin, argmax, cumsum, cumprod along an axis") {
  Arena arena;
  auto x = optional<double>("?float64", {3, 4}, kX);
  BufferView in[] = {x.view()};
  auto am = call(fn("argmax"), in, arena.options());
  CHECK(am[0].dtype.str() == "?int64");
  CHECK(same(values_of<int64_t>(am[0]), {3, M, 1}));  // nanargmax of rows 0 and 2: [3, 1]
  CHECK(same(values_of<int64_t>(call(fn("argmin"), in, arena.options())[0]), {2, M, 3}));
  CallOptions ax0 = arena.options();
  ax0.axis = 0;
  CHECK(same(values_of<int64_t>(call(fn("argmax"), in, ax0)[0]), {0, 2, 0, 0}));
  CallOptions strict = arena.options();
  strict.skip_missing = false;
  CHECK(same(values_of<int64_t>(call(fn("argmax"), in, strict)[0]), {M, M, M}));

  // pandas: Series([1.5, nan, -2, 4]).cumsum() is [1.5, nan, -0.5, 3.5].
  auto cs = call(fn("cumsum"), in, arena.options());
  CHECK(cs[0].dtype.str() == "?float64");
  CHECK(cs[0].shape == std::vector<int64_t>{3, 4});
  CHECK(same(values_of<double>(cs[0]), {1.5, M, -0.5, 3.5, M, M, M, M, 0.25, 3.25, M, 2.25}));
  // skipna=False: [1.5, nan, nan, nan].
  CHECK(same(values_of<double>(call(fn("cumsum"), in, strict)[0]),
             {1.5, M, M, M, M, M, M, M, 0.25, 3.25, M, M}));
  CHECK(same(values_of<double>(call(fn("cumprod"), in, ax0)[0]), {1.5, M, -2, 4, M, M, M, M, 0.375, 3, M, -4}));

  // ?int8 runs the int64 scan after a cast of the present values.
  auto small = optional<int8_t>("?int8", {4}, {100, M, 100, 100});
  BufferView sin_[] = {small.view()};
  auto c8 = call(fn("cumsum"), sin_, arena.options());
  CHECK(c8[0].dtype.str() == "?int64");
  CHECK(same(values_of<int64_t>(c8[0]), {100, M, 200, 300}));

  // call(sum, x) is a reduction over the last axis; into an int64 output of positions.
  CHECK(same(values_of<double>(call(fn("sum"), in, arena.options())[0]), {3.5, M, 2.25}));
  Array<int64_t> positions(ndt::int64, {4});
  BufferView outs[] = {positions.view()};
  call_into(fn("argmin"), in, outs, ax0);
  CHECK(positions.values == std::vector<int64_t>{2, 2, 0, 2});
  Array<int64_t> rows(ndt::int64, {3});
  BufferView row_out[] = {rows.view()};
  CHECK_THROWS_WITH_AS(call_into(fn("argmin"), in, row_out),
                       "argmin: cannot write a missing result to int64 at index [1] (the output needs dtype ?int64)",
                       Error);
}

TEST_CASE("missing positions: a user's position kernel over ?T must give int64") {
  Arena arena;
  static Registry r;
  StridedLoop first = [](char**, const int64_t*, const int64_t*, LoopContext*) noexcept { return int(loop_ok); };
  r.add("first32", "(... * N * float64) -> ... * int32", first, nullptr, nullptr, kernel_position);
  auto x = optional<double>("?float64", {2}, {1, M});
  BufferView in[] = {x.view()};
  CHECK_THROWS_WITH_AS(call(r.get("first32"), in, arena.options()),
                       "first32: a position kernel must give int64, not int32", Error);
}
