// Reductions over var dims beyond the innermost-or-all cases: a dim above a var dim (its
// rows fold elementwise, broadcasting as elementwise calls do), keepdims (a fixed dim of 1
// in place of each reduced dim), and var rows of ?T with missing values and empty rows.
// Expected values are worked by hand from the rows in each test.
#include <doctest/doctest.h>

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
const double M = std::numeric_limits<double>::quiet_NaN();  // marks a missing value

// Rows of ?float64 from doubles, NaN marking the missing ones.
RaggedArray<Opt<double>> optional_rows(const std::vector<std::vector<double>>& rows) {
  std::vector<std::vector<Opt<double>>> out;
  for (const auto& row : rows) {
    out.emplace_back();
    for (double v : row) {
      Opt<double> e;
      std::memset(&e, 0, sizeof e);
      if (!std::isnan(v)) e = {v, 1};
      out.back().push_back(e);
    }
  }
  return RaggedArray<Opt<double>>(ndt::parse("?float64"), std::move(out));
}

double value(const Opt<double>& e) {
  CHECK((e.valid == 0 || e.valid == 1));
  if (e.valid) return e.value;
  CHECK(e.value == 0);
  return M;
}

// The elements of one var element at `p`, as doubles (T: double or Opt<double>).
template <class T>
std::vector<double> element_values(const char* p) {
  VarSlot e;
  std::memcpy(&e, p, sizeof e);
  std::vector<double> out;
  const T* v = static_cast<const T*>(e.data);
  for (int64_t i = 0; i < e.size; ++i) {
    if constexpr (std::is_same_v<T, Opt<double>>) out.push_back(value(v[i]));
    else out.push_back(v[i]);
  }
  return out;
}

std::vector<double> optional_values(const Buffer& b) {
  std::vector<double> out;
  for (const Opt<double>& e : to_vector<Opt<double>>(b)) out.push_back(value(e));
  return out;
}

}  // namespace

TEST_CASE("ragged reduce: var rows of ?float64 skip missing values; empty and all-missing rows are missing") {
  Arena arena;
  auto x = optional_rows({{1.5, M, -2}, {}, {M, M}, {7}, {M, 8, 8, -1}});
  auto r = [&](const char* name, ReduceOptions o) { return reduce(fn(name), x.view(), o, arena.options()); };
  Buffer s = r("sum", axes({-1}));
  CHECK(s.dtype.str() == "?float64");
  CHECK(s.shape == std::vector<int64_t>{5});
  CHECK(same(optional_values(s), {-0.5, M, M, 7, 15}));
  CHECK(same(optional_values(r("mean", axes({1}))), {-0.25, M, M, 7, 5}));
  CHECK(same(optional_values(r("min", axes({1}))), {-2, M, M, 7, -1}));  // no error for the empty row
  ReduceOptions ten = axes({1});
  ten.initial = 10;
  CHECK(same(optional_values(r("sum", ten)), {9.5, 10, 10, 17, 25}));
  ReduceOptions strict = axes({1});
  strict.skip_missing = false;
  CHECK(same(optional_values(r("sum", strict)), {M, M, M, 7, M}));

  // Every dim: the present values 1.5, -2, 7, 8, 8, -1.
  CHECK(same(optional_values(r("sum", {})), {21.5}));
  CHECK(same(optional_values(r("mean", {})), {21.5 / 6}));
  CHECK(same(optional_values(r("min", axes({0, 1}))), {-2}));
  ReduceOptions strict_all;
  strict_all.skip_missing = false;
  CHECK(same(optional_values(r("max", strict_all)), {M}));
  auto none = optional_rows({{M}, {}});
  CHECK(same(optional_values(reduce(fn("max"), none.view(), {}, arena.options())), {M}));

  BufferView in[] = {x.view()};
  auto am = call(fn("argmax"), in, arena.options());
  CHECK(am[0].dtype.str() == "?int64");
  std::vector<double> positions;
  for (const Opt<int64_t>& e : to_vector<Opt<int64_t>>(am[0])) positions.push_back(e.valid ? static_cast<double>(e.value) : M);
  CHECK(same(positions, {0, M, M, 0, 1}));  // the first 8 of the last row is its element 1
  auto cs = call(fn("cumsum"), in, arena.options());
  CHECK(cs[0].dtype.str() == "var * ?float64");
  CHECK(same(element_values<Opt<double>>(cs[0].data), {1.5, M, -0.5}));
  CHECK(element_values<Opt<double>>(cs[0].data + 16).empty());
  CHECK(same(element_values<Opt<double>>(cs[0].data + 64), {M, 8, 16, 15}));

  // Into outputs: ?float64, or float64 while no result is missing.
  Array<Opt<double>> out(ndt::parse("?float64"), {5});
  reduce_into(fn("sum"), x.view(), out.view(), axes({-1}), arena.options());
  CHECK(same(optional_values(Buffer{out.view().data, out.dtype, out.shape, out.strides}), {-0.5, M, M, 7, 15}));
  Array<double> plain(ndt::float64, {5});
  CHECK_THROWS_WITH_AS(reduce_into(fn("sum"), x.view(), plain.view(), axes({-1}), arena.options()),
                       "sum: cannot write a missing result to float64 at index [1] (the output needs dtype ?float64)",
                       Error);
  Array<double> total(ndt::float64, {});
  reduce_into(fn("sum"), x.view(), total.view(), {}, arena.options());
  CHECK(total.values[0] == 21.5);
}

TEST_CASE("ragged reduce: a fixed dim above a var dim folds its rows elementwise, rows of length 1 broadcast") {
  Arena arena;
  RaggedArray<double> x(ndt::float64, {{1, 2, 3}, {10}, {100, 200, 300}});
  Buffer s = reduce(fn("sum"), x.view(), axes({0}), arena.options());
  CHECK(s.dtype.str() == "var * float64");
  CHECK(s.shape.empty());
  CHECK(element_values<double>(s.data) == std::vector<double>{111, 212, 313});
  CHECK(same(element_values<double>(reduce(fn("mean"), x.view(), axes({0}), arena.options()).data),
             {37, 212.0 / 3, 313.0 / 3}));
  CHECK(element_values<double>(reduce(fn("max"), x.view(), axes({0}), arena.options()).data) ==
        std::vector<double>{100, 200, 300});
  ReduceOptions init = axes({0});
  init.initial = 1000;
  CHECK(element_values<double>(reduce(fn("min"), x.view(), init, arena.options()).data) ==
        std::vector<double>{1, 2, 3});

  // ?float64 rows: a missing element of a length-1 row is missing at every place.
  auto y = optional_rows({{1, M, 3}, {M}, {100, 200, M}});
  Buffer ys = reduce(fn("sum"), y.view(), axes({0}), arena.options());
  CHECK(ys.dtype.str() == "var * ?float64");
  CHECK(same(element_values<Opt<double>>(ys.data), {101, 200, 3}));
  ReduceOptions strict = axes({0});
  strict.skip_missing = false;
  CHECK(same(element_values<Opt<double>>(reduce(fn("sum"), y.view(), strict, arena.options()).data), {M, M, M}));

  RaggedArray<double> bad(ndt::float64, {{1, 2}, {1}, {1, 2, 3}});
  CHECK_THROWS_WITH_AS(reduce(fn("sum"), bad.view(), axes({0}), arena.options()),
                       "sum: dims of lengths 2 and 3 at index [] (level 1) cannot be broadcast together", Error);
  RaggedArray<double> no_rows(ndt::float64, {});
  CHECK(element_values<double>(reduce(fn("sum"), no_rows.view(), axes({0}), arena.options()).data).empty());

  // var * var * float64, axis 0: [[1, 2], [3, 4], [5, 6]] -> [9, 12].
  std::vector<std::vector<double>> inner = {{1, 2}, {3, 4}, {5, 6}};
  std::vector<VarSlot> rows;
  for (auto& row : inner) rows.push_back({row.data(), 2});
  VarSlot outer{rows.data(), 3};
  BufferView nested{reinterpret_cast<char*>(&outer), ndt::parse("var * var * float64"), {}, {}, false};
  Buffer ns = reduce(fn("sum"), nested, axes({0}), arena.options());
  CHECK(ns.dtype.str() == "var * float64");
  CHECK(element_values<double>(ns.data) == std::vector<double>{9, 12});

  // A caller's output: a var element of the broadcast length, or an error naming the length.
  std::vector<double> room(3, -1);
  VarSlot given{room.data(), 3};
  BufferView out{reinterpret_cast<char*>(&given), ndt::parse("var * float64"), {}, {}, false};
  reduce_into(fn("sum"), x.view(), out, axes({0}), arena.options());
  CHECK(room == std::vector<double>{111, 212, 313});
  VarSlot short_element{room.data(), 2};
  BufferView short_out{reinterpret_cast<char*>(&short_element), ndt::parse("var * float64"), {}, {}, false};
  CHECK_THROWS_WITH_AS(reduce_into(fn("sum"), x.view(), short_out, axes({0}), arena.options()),
                       "sum: the output has a var element of length 2 at index [], the reduction gives 3", Error);
}

TEST_CASE("ragged reduce: two dims above a kept var dim, and a reduced var dim below a kept one") {
  Arena arena;
  // (2, 2) * var: rows [[1, 2], [3]], [[10, 20], [30, 40]] -> axes (0, 1): [44, 65].
  std::vector<std::vector<double>> data = {{1, 2}, {3}, {10, 20}, {30, 40}};
  std::vector<VarSlot> elements;
  for (auto& row : data) elements.push_back({row.data(), static_cast<int64_t>(row.size())});
  std::vector<int64_t> shape{2, 2}, strides{32, 16};
  BufferView x{reinterpret_cast<char*>(elements.data()), ndt::parse("var * float64"), shape, strides, false};
  Buffer s = reduce(fn("sum"), x, axes({0, 1}), arena.options());
  CHECK(s.dtype.str() == "var * float64");
  CHECK(element_values<double>(s.data) == std::vector<double>{44, 65});
  // axes (0, 2): per column of the fixed dim, the rows' elements: [1 + 2 + 10 + 20, 3 + 30 + 40].
  Buffer cols = reduce(fn("sum"), x, axes({0, 2}), arena.options());
  CHECK(cols.shape == std::vector<int64_t>{2});
  CHECK(to_vector<double>(cols) == std::vector<double>{33, 73});
}

TEST_CASE("ragged reduce: keepdims leaves a dim of 1 that broadcasts back against the rows") {
  Arena arena;
  RaggedArray<double> x(ndt::float64, {{1.5, -2, 3}, {}, {-4.5, 10}, {7}});
  Buffer m = reduce(fn("mean"), x.view(), axes({-1}, true), arena.options());
  CHECK(m.dtype == ndt::float64);
  CHECK(m.shape == std::vector<int64_t>{4, 1});
  auto means = to_vector<double>(m);
  CHECK(means[0] == doctest::Approx(2.5 / 3));
  CHECK(std::isnan(means[1]));  // NumPy: the mean of an empty row is nan
  CHECK(means[2] == 2.75);
  CHECK(means[3] == 7);

  // x - mean(x, axis=-1, keepdims=True): each row centred.
  BufferView in[] = {x.view(), m.view()};
  auto centred = call(fn("subtract"), in, arena.options());
  CHECK(centred[0].dtype.str() == "var * float64");
  auto row0 = element_values<double>(centred[0].data);
  CHECK(row0.size() == 3);
  CHECK(row0[0] == doctest::Approx(1.5 - 2.5 / 3));
  CHECK(element_values<double>(centred[0].data + 16).empty());
  CHECK(element_values<double>(centred[0].data + 32) == std::vector<double>{-7.25, 7.25});
  CHECK(element_values<double>(centred[0].data + 48) == std::vector<double>{0});

  Buffer all = reduce(fn("sum"), x.view(), ReduceOptions{std::nullopt, true, std::nullopt}, arena.options());
  CHECK(all.shape == std::vector<int64_t>{1, 1});
  CHECK(to_vector<double>(all) == std::vector<double>{15});

  RaggedArray<double> y(ndt::float64, {{1, 2, 3}, {10}, {100, 200, 300}});
  Buffer a0 = reduce(fn("sum"), y.view(), axes({0}, true), arena.options());
  CHECK(a0.shape == std::vector<int64_t>{1});
  CHECK(a0.dtype.str() == "var * float64");
  CHECK(element_values<double>(a0.data) == std::vector<double>{111, 212, 313});

  // var * var * float64, the inner dim: var * 1 * float64.
  std::vector<std::vector<double>> inner = {{1, 2, 3}, {}, {4}};
  std::vector<VarSlot> rows;
  for (auto& row : inner) rows.push_back({row.data(), static_cast<int64_t>(row.size())});
  VarSlot outer{rows.data(), 3};
  BufferView nested{reinterpret_cast<char*>(&outer), ndt::parse("var * var * float64"), {}, {}, false};
  Buffer ns = reduce(fn("sum"), nested, axes({1}, true), arena.options());
  CHECK(ns.dtype.str() == "var * 1 * float64");
  CHECK(element_values<double>(ns.data) == std::vector<double>{6, 0, 4});

  // A caller's output in the keepdims shape; ?T rows.
  auto z = optional_rows({{1, M}, {M}, {}});
  Array<Opt<double>> out(ndt::parse("?float64"), {3, 1});
  reduce_into(fn("max"), z.view(), out.view(), axes({1}, true), arena.options());
  CHECK(same(optional_values(Buffer{out.view().data, out.dtype, out.shape, out.strides}), {1, M, M}));
  Array<Opt<double>> wrong(ndt::parse("?float64"), {3, 2});
  CHECK_THROWS_WITH_AS(reduce_into(fn("max"), z.view(), wrong.view(), axes({1}, true), arena.options()),
                       "max: with keepdims, the output's dim 1 must be 1, not 2", Error);
}
