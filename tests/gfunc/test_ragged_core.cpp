// Core-dimension functions and reductions over var (ragged) dims: per-row reductions of
// `N * var * T`, scans along the var dim, inner products of ragged rows, nested var dims,
// looped dims that broadcast, caller-supplied outputs, empty rows. Expected values come
// from plain loops over the same rows in the test, or by hand.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "gfunc/call.hpp"
#include "gfunc/kernel.hpp"
#include "helpers.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;
using namespace pluribus::gfunc::testing;

namespace {

const Function& fn(const char* name) { return builtins().get(name); }

template <class T>
std::vector<std::vector<T>> rows_of(const char* data, int64_t n, int64_t stride) {
  std::vector<std::vector<T>> out;
  for (int64_t i = 0; i < n; ++i) {
    VarSlot e;
    std::memcpy(&e, data + i * stride, sizeof e);
    const T* p = static_cast<const T*>(e.data);
    out.emplace_back(p, p + e.size);
  }
  return out;
}

using Rows = std::vector<std::vector<double>>;

ReduceOptions last_axis() {
  ReduceOptions o;
  o.axes = std::vector<int>{-1};
  return o;
}

// Rows with an empty one, negative and fractional values.
const Rows kRows = {{1.5, -2, 3}, {}, {-4.5, 10}, {7}, {2, 8, 8, -1}};

}  // namespace

TEST_CASE("ragged core: per-row reductions of N * var * float64, through call and reduce") {
  Arena arena;
  RaggedArray<double> x(ndt::float64, kRows);
  BufferView in[] = {x.view()};
  std::vector<double> sum, mean, prod;
  std::vector<int64_t> argmax;
  std::vector<uint8_t> any;
  for (const auto& row : kRows) {
    double s = 0, p = 1;
    int64_t best = 0;
    uint8_t a = 0;
    for (std::size_t j = 0; j < row.size(); ++j) {
      s += row[j];
      p *= row[j];
      if (row[j] > row[static_cast<std::size_t>(best)]) best = static_cast<int64_t>(j);
      if (row[j] != 0) a = 1;
    }
    sum.push_back(s);
    prod.push_back(p);
    mean.push_back(row.empty() ? std::nan("") : s / static_cast<double>(row.size()));
    argmax.push_back(best);
    any.push_back(a);
  }

  auto s = call(fn("sum"), in, arena.options());
  CHECK(s[0].dtype == ndt::float64);
  CHECK(s[0].shape == std::vector<int64_t>{5});
  CHECK(to_vector<double>(s[0]) == sum);  // the empty row sums to 0
  CHECK(sum[1] == 0);

  auto r = reduce(fn("sum"), x.view(), last_axis(), arena.options());
  CHECK(r.shape == std::vector<int64_t>{5});
  CHECK(to_vector<double>(r) == sum);
  CHECK(to_vector<double>(reduce(fn("prod"), x.view(), last_axis(), arena.options())) == prod);
  CHECK(prod[1] == 1);

  // reduce's axis counts the var dim too: axis 1 of (5, var) is the same dim.
  ReduceOptions axis1;
  axis1.axes = std::vector<int>{1};
  CHECK(to_vector<double>(reduce(fn("sum"), x.view(), axis1, arena.options())) == sum);

  ReduceOptions initial = last_axis();
  initial.initial = 10;
  std::vector<double> sum10;
  for (double v : sum) sum10.push_back(v + 10);
  CHECK(to_vector<double>(reduce(fn("sum"), x.view(), initial, arena.options())) == sum10);

  auto m = to_vector<double>(reduce(fn("mean"), x.view(), last_axis(), arena.options()));
  REQUIRE(m.size() == 5);
  for (std::size_t i = 0; i < 5; ++i) {
    if (std::isnan(mean[i])) CHECK(std::isnan(m[i]));  // NumPy: mean of an empty row is nan
    else CHECK(m[i] == doctest::Approx(mean[i]));
  }

  CHECK_THROWS_WITH_AS(call(fn("argmax"), in, arena.options()),
                       "argmax: attempt to get argmax of an empty sequence (the element at index [1])", Error);
  auto any_r = reduce(fn("any"), x.view(), last_axis(), arena.options());
  CHECK(any_r.dtype == ndt::bool_);
  CHECK(to_vector<uint8_t>(any_r) == any);

  CHECK_THROWS_WITH_AS(reduce(fn("min"), x.view(), last_axis(), arena.options()),
                       "min: zero-size array to reduction operation minimum which has no identity "
                       "(the element at index [1])",
                       Error);
  CHECK_THROWS_WITH_AS(call(fn("max"), in, arena.options()),
                       doctest::Contains("zero-size array to reduction operation maximum which has no identity"),
                       Error);

  // Without the empty row: min, max, argmax against the loop's values.
  Rows full = {kRows[0], kRows[2], kRows[3], kRows[4]};
  RaggedArray<double> y(ndt::float64, full);
  BufferView yin[] = {y.view()};
  std::vector<double> mins, maxs;
  std::vector<int64_t> argmax_full;
  for (std::size_t i : {0, 2, 3, 4}) {
    mins.push_back(*std::min_element(kRows[i].begin(), kRows[i].end()));
    maxs.push_back(*std::max_element(kRows[i].begin(), kRows[i].end()));
    argmax_full.push_back(argmax[i]);
  }
  CHECK(to_vector<double>(reduce(fn("min"), y.view(), last_axis(), arena.options())) == mins);
  CHECK(to_vector<double>(call(fn("max"), yin, arena.options())[0]) == maxs);
  CHECK(to_vector<int64_t>(call(fn("argmax"), yin, arena.options())[0]) == argmax_full);
  CHECK(argmax_full == std::vector<int64_t>{2, 1, 0, 1});  // by hand: the first 8 of {2, 8, 8, -1}
}

TEST_CASE("ragged core: int64 rows (and int32 rows, cast to the int64 kernels)") {
  Arena arena;
  std::vector<std::vector<int64_t>> rows = {{3, -1, 4}, {}, {1000000000000, 5}, {-9}};
  RaggedArray<int64_t> x(ndt::int64, rows);
  std::vector<int64_t> sum, mins;
  std::vector<double> mean;
  for (const auto& row : rows) {
    int64_t s = 0;
    for (int64_t v : row) s += v;
    sum.push_back(s);
    mean.push_back(row.empty() ? 0 : static_cast<double>(s) / static_cast<double>(row.size()));
  }
  auto s = reduce(fn("sum"), x.view(), last_axis(), arena.options());
  CHECK(s.dtype == ndt::int64);
  CHECK(to_vector<int64_t>(s) == sum);
  CHECK(sum == std::vector<int64_t>{6, 0, 1000000000005, -9});
  auto m = reduce(fn("mean"), x.view(), last_axis(), arena.options());
  CHECK(m.dtype == ndt::float64);
  auto mv = to_vector<double>(m);
  CHECK(mv[0] == doctest::Approx(2.0));
  CHECK(std::isnan(mv[1]));
  CHECK(mv[2] == doctest::Approx(mean[2]));
  CHECK(mv[3] == -9.0);

  std::vector<std::vector<int32_t>> rows32 = {{1, 2}, {}, {-7, 70000, 1}};
  RaggedArray<int32_t> x32(ndt::int32, rows32);
  auto s32 = reduce(fn("sum"), x32.view(), last_axis(), arena.options());
  CHECK(s32.dtype == ndt::int64);
  CHECK(to_vector<int64_t>(s32) == std::vector<int64_t>{3, 0, 69994});
  BufferView in32[] = {x32.view()};
  auto cs = call(fn("cumsum"), in32, arena.options());
  CHECK(cs[0].dtype.str() == "var * int64");
  CHECK(rows_of<int64_t>(cs[0].data, 3, cs[0].strides[0]) ==
        std::vector<std::vector<int64_t>>{{1, 3}, {}, {-7, 69993, 69994}});
}

TEST_CASE("ragged core: cumsum and cumprod along the var dim") {
  Arena arena;
  RaggedArray<double> x(ndt::float64, kRows);
  BufferView in[] = {x.view()};
  Rows want_sum, want_prod;
  for (const auto& row : kRows) {
    std::vector<double> s, p;
    double acc = 0, prod = 1;
    for (double v : row) {
      s.push_back(acc += v);
      p.push_back(prod *= v);
    }
    want_sum.push_back(s);
    want_prod.push_back(p);
  }
  auto cs = call(fn("cumsum"), in, arena.options());
  CHECK(cs[0].dtype.str() == "var * float64");
  CHECK(cs[0].shape == std::vector<int64_t>{5});
  CHECK(rows_of<double>(cs[0].data, 5, cs[0].strides[0]) == want_sum);
  auto cp = call(fn("cumprod"), in, arena.options());
  CHECK(rows_of<double>(cp[0].data, 5, cp[0].strides[0]) == want_prod);

  CallOptions last = arena.options();
  last.axis = -1;
  CHECK(rows_of<double>(call(fn("cumsum"), in, last)[0].data, 5, 16) == want_sum);
  CallOptions first = arena.options();
  first.axis = 0;
  CHECK_THROWS_WITH_AS(call(fn("cumsum"), in, first),
                       "cumsum: axis=0 over var dims: only the last dim can be the core dim", Error);

  // Into caller-supplied ragged rows of the right lengths; a wrong length is named.
  Rows out_rows;
  for (const auto& row : kRows) out_rows.emplace_back(row.size(), -1.0);
  RaggedArray<double> out(ndt::float64, out_rows);
  BufferView outs[] = {out.view()};
  call_into(fn("cumsum"), in, outs, arena.options());
  CHECK(out.rows == want_sum);
  out.elements[2].size = 1;
  CHECK_THROWS_WITH_AS(call_into(fn("cumsum"), in, outs, arena.options()),
                       "cumsum: core dim N is 2 elsewhere but 1 in output 0 at index [2]", Error);
}

TEST_CASE("ragged core: inner of two ragged operands, lengths checked per element") {
  Arena arena;
  RaggedArray<double> a(ndt::float64, {{1, 2, 3}, {}, {4, -5}});
  RaggedArray<double> b(ndt::float64, {{0.5, 2, -1}, {}, {3, 1}});
  BufferView in[] = {a.view(), b.view()};
  std::vector<double> want;
  for (std::size_t i = 0; i < a.rows.size(); ++i) {
    double s = 0;
    for (std::size_t j = 0; j < a.rows[i].size(); ++j) s += a.rows[i][j] * b.rows[i][j];
    want.push_back(s);
  }
  auto r = call(fn("inner"), in, arena.options());
  CHECK(r[0].dtype == ndt::float64);
  CHECK(r[0].shape == std::vector<int64_t>{3});
  CHECK(to_vector<double>(r[0]) == want);
  CHECK(want == std::vector<double>{1.5, 0, 7});

  RaggedArray<double> c(ndt::float64, {{1, 1, 1}, {}, {1, 1, 1}});
  BufferView bad[] = {a.view(), c.view()};
  CHECK_THROWS_WITH_AS(call(fn("inner"), bad, arena.options()),
                       "inner: core dim N is 2 elsewhere but 3 in input 1 at index [2]", Error);

  // A ragged row against a fixed core dim: every row must have its length.
  RaggedArray<double> d(ndt::float64, {{1, 2}, {3, 4}});
  Array<double> fixed(ndt::float64, {2}, {10, 100});
  BufferView mixed[] = {d.view(), fixed.view()};
  CHECK(to_vector<double>(call(fn("inner"), mixed, arena.options())[0]) == std::vector<double>{210, 430});
  BufferView mixed_bad[] = {a.view(), fixed.view()};
  CHECK_THROWS_WITH_AS(call(fn("inner"), mixed_bad, arena.options()),
                       "inner: core dim N is 3 elsewhere but 2 in input 1 at index [0]", Error);
}

TEST_CASE("ragged core: looped dims broadcast, fixed in arrmeta or inside the dtype") {
  Arena arena;
  // a: 2 * var * float64; b: 3 * 2 * var * float64 (the 2 inside b's dtype).
  RaggedArray<double> a(ndt::float64, {{1, 2}, {3}});
  Rows brows = {{1, 1}, {2}, {0, 1}, {-1}, {5, 5}, {10}};
  std::vector<VarSlot> belements;
  for (auto& row : brows) belements.push_back({row.data(), static_cast<int64_t>(row.size())});
  std::vector<int64_t> bshape{3}, bstrides{32};
  BufferView b{reinterpret_cast<char*>(belements.data()), ndt::parse("2 * var * float64"), bshape, bstrides, false};
  BufferView in[] = {a.view(), b};
  auto r = call(fn("inner"), in, arena.options());
  CHECK(r[0].shape == std::vector<int64_t>{3, 2});
  CHECK(r[0].dtype == ndt::float64);
  std::vector<double> want;
  for (std::size_t i = 0; i < 3; ++i)
    for (std::size_t j = 0; j < 2; ++j) {
      double s = 0;
      for (std::size_t k = 0; k < a.rows[j].size(); ++k) s += a.rows[j][k] * brows[2 * i + j][k];
      want.push_back(s);
    }
  CHECK(to_vector<double>(r[0]) == want);
  CHECK(want == std::vector<double>{3, 6, 2, -3, 15, 30});

  // A looped dim that does not broadcast.
  RaggedArray<double> three(ndt::float64, {{1}, {1}, {1}});
  BufferView bad[] = {three.view(), b};
  CHECK_THROWS_WITH_AS(call(fn("inner"), bad, arena.options()),
                       doctest::Contains("dims of lengths 3 and 2 (level 1) cannot be broadcast together"), Error);
}

TEST_CASE("ragged core: var * var * float64, reducing the inner dim and every dim") {
  Arena arena;
  Rows inner = {{1, 2, 3}, {}, {4}, {-1.5, 0.5}};
  std::vector<VarSlot> rows;
  for (auto& row : inner) rows.push_back({row.data(), static_cast<int64_t>(row.size())});
  VarSlot outer{rows.data(), 4};
  BufferView x{reinterpret_cast<char*>(&outer), ndt::parse("var * var * float64"), {}, {}, false};

  auto s = reduce(fn("sum"), x, last_axis(), arena.options());
  CHECK(s.dtype.str() == "var * float64");
  CHECK(s.shape.empty());
  std::vector<double> want;
  double total = 0;
  int64_t count = 0;
  for (const auto& row : inner) {
    double acc = 0;
    for (double v : row) acc += v;
    want.push_back(acc);
    total += acc;
    count += static_cast<int64_t>(row.size());
  }
  CHECK(rows_of<double>(s.data, 1, 16)[0] == want);
  BufferView in[] = {x};
  auto cs = call(fn("cumsum"), in, arena.options());
  CHECK(cs[0].dtype.str() == "var * var * float64");

  auto all = reduce(fn("sum"), x, {}, arena.options());
  CHECK(all.dtype == ndt::float64);
  CHECK(all.shape.empty());
  CHECK(to_vector<double>(all)[0] == total);
  CHECK(total == 9);
  CHECK(to_vector<double>(reduce(fn("mean"), x, {}, arena.options()))[0] == doctest::Approx(total / count));
  CHECK(to_vector<double>(reduce(fn("min"), x, {}, arena.options()))[0] == -1.5);  // empty rows are skipped
  CHECK(to_vector<double>(reduce(fn("max"), x, {}, arena.options()))[0] == 4);

  VarSlot empty{rows.data(), 0};
  BufferView none{reinterpret_cast<char*>(&empty), ndt::parse("var * var * float64"), {}, {}, false};
  CHECK(to_vector<double>(reduce(fn("sum"), none, {}, arena.options()))[0] == 0);
  CHECK_THROWS_WITH_AS(reduce(fn("max"), none, {}, arena.options()),
                       "max: zero-size array to reduction operation maximum which has no identity", Error);
}

TEST_CASE("ragged core: every axis of N * var; axes out of range") {
  Arena arena;
  RaggedArray<double> x(ndt::float64, kRows);
  double total = 0;
  for (const auto& row : kRows)
    for (double v : row) total += v;
  CHECK(to_vector<double>(reduce(fn("sum"), x.view(), {}, arena.options()))[0] == total);
  ReduceOptions both;
  both.axes = std::vector<int>{0, 1};
  CHECK(to_vector<double>(reduce(fn("sum"), x.view(), both, arena.options()))[0] == total);

  // Axis 0 folds the rows elementwise (test_ragged_reduce.cpp): these rows' lengths differ.
  ReduceOptions axis0;
  axis0.axes = std::vector<int>{0};
  CHECK_THROWS_WITH_AS(reduce(fn("sum"), x.view(), axis0, arena.options()),
                       "sum: dims of lengths 3 and 0 at index [] (level 1) cannot be broadcast together", Error);
  ReduceOptions out_of_range;
  out_of_range.axes = std::vector<int>{2};
  CHECK_THROWS_WITH_AS(reduce(fn("sum"), x.view(), out_of_range, arena.options()),
                       doctest::Contains("axis 2 is out of bounds for an array of 2 dims"), Error);
}

TEST_CASE("ragged core: caller-supplied outputs for reductions") {
  Arena arena;
  RaggedArray<double> x(ndt::float64, kRows);
  std::vector<double> sum;
  for (const auto& row : kRows) {
    double s = 0;
    for (double v : row) s += v;
    sum.push_back(s);
  }
  Array<double> out(ndt::float64, {5});
  std::fill(out.values.begin(), out.values.end(), 99.0);
  reduce_into(fn("sum"), x.view(), out.view(), last_axis(), arena.options());
  CHECK(out.values == sum);

  std::fill(out.values.begin(), out.values.end(), 99.0);
  BufferView in[] = {x.view()};
  BufferView outs[] = {out.view()};
  call_into(fn("sum"), in, outs, arena.options());
  CHECK(out.values == sum);

  // A strided output (every other element of 10).
  Array<double> wide(ndt::float64, {10});
  std::vector<int64_t> shape{5}, strides{16};
  BufferView every_other{reinterpret_cast<char*>(wide.values.data()), ndt::float64, shape, strides, false};
  reduce_into(fn("sum"), x.view(), every_other, last_axis(), arena.options());
  for (std::size_t i = 0; i < 5; ++i) CHECK(wide.values[2 * i] == sum[i]);

  Array<double> short_out(ndt::float64, {4});
  CHECK_THROWS_WITH_AS(reduce_into(fn("sum"), x.view(), short_out.view(), last_axis(), arena.options()),
                       "sum: output 0 has a dim of 4 at index [], the inputs give 5", Error);
  Array<float> f32(ndt::float32, {5});
  CHECK_THROWS_WITH_AS(reduce_into(fn("sum"), x.view(), f32.view(), last_axis(), arena.options()),
                       "sum: output 0 must have dtype float64, not float32", Error);
  Array<double> scalar(ndt::float64, {});
  reduce_into(fn("sum"), x.view(), scalar.view(), {}, arena.options());
  double total = 0;
  for (double v : sum) total += v;
  CHECK(scalar.values[0] == total);
}
