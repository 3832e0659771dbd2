// Elementwise calls over var (ragged) dims: pairwise broadcasting of ragged elements,
// fixed dims meeting var elements, allocated ragged results, errors with positions.
#include <doctest/doctest.h>

#include "gfunc/call.hpp"
#include "gfunc/define.hpp"
#include "helpers.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;
using namespace pluribus::gfunc::testing;

namespace {

struct VarElement {
  double* data;
  int64_t size;
};

// A 1-dim array (arrmeta shape {n}) of `var * float64` elements.
struct Ragged {
  std::vector<std::vector<double>> rows;
  std::vector<VarElement> elements;
  std::vector<int64_t> shape, strides{16};
  explicit Ragged(std::vector<std::vector<double>> r) : rows(std::move(r)) {
    for (auto& row : rows) elements.push_back({row.data(), static_cast<int64_t>(row.size())});
    shape = {static_cast<int64_t>(rows.size())};
  }
  BufferView view() {
    return {reinterpret_cast<char*>(elements.data()), ndt::parse("var * float64"), shape, strides, false};
  }
};

std::vector<std::vector<double>> rows_of(const Buffer& b) {
  REQUIRE(b.dtype.str() == "var * float64");
  std::vector<std::vector<double>> out;
  for (int64_t i = 0; i < b.shape[0]; ++i) {
    VarElement e;
    std::memcpy(&e, b.data + i * b.strides[0], sizeof e);
    out.emplace_back(e.data, e.data + e.size);
  }
  return out;
}

Registry& registry() {
  static Registry r;
  static bool once = [] {
    r.define("add", "(... * float64, ... * float64) -> ... * float64", [](double a, double b) { return a + b; });
    r.define("recip", "(... * float64) -> ... * float64", [](double a) {
      if (a == 0) throw std::domain_error("zero");
      return 1 / a;
    });
    return true;
  }();
  (void)once;
  return r;
}

using Rows = std::vector<std::vector<double>>;

}  // namespace

TEST_CASE("ragged: var elements meet their partners pairwise") {
  Arena arena;
  Ragged a({{1, 2}, {3}}), b({{10, 20}, {30}});
  BufferView in[] = {a.view(), b.view()};
  auto out = call(registry().get("add"), in, arena.options());
  CHECK(out[0].shape == std::vector<int64_t>{2});
  CHECK(rows_of(out[0]) == Rows{{11, 22}, {33}});

  Ragged c({{10}, {30, 40}});  // length-1 elements broadcast
  BufferView in2[] = {a.view(), c.view()};
  CHECK(rows_of(call(registry().get("add"), in2, arena.options())[0]) == Rows{{11, 12}, {33, 43}});

  Ragged bad({{1, 2, 3}, {4}});
  BufferView in3[] = {a.view(), bad.view()};
  CHECK_THROWS_WITH_AS(call(registry().get("add"), in3, arena.options()),
                       doctest::Contains("dims of lengths 2 and 3 at index [0]"), Error);
}

TEST_CASE("ragged: scalars and fixed dims broadcast against var elements") {
  Arena arena;
  Ragged a({{1, 2}, {3}, {}});
  Array<double> s(ndt::float64, {}, {100});
  BufferView in[] = {a.view(), s.view()};
  CHECK(rows_of(call(registry().get("add"), in, arena.options())[0]) == Rows{{101, 102}, {103}, {}});
  // A fixed dim of 2 meets var elements of length 2 or 1 (not 0).
  Ragged a2({{1, 2}, {3}});
  Array<double> f(ndt::float64, {2}, {10, 20});
  BufferView in2[] = {a2.view(), f.view()};
  CHECK(rows_of(call(registry().get("add"), in2, arena.options())[0]) == Rows{{11, 22}, {13, 23}});
  BufferView in3[] = {a.view(), f.view()};
  CHECK_THROWS_WITH_AS(call(registry().get("add"), in3, arena.options()),
                       doctest::Contains("dims of lengths 0 and 2 at index [2]"), Error);
}

TEST_CASE("ragged: a failing element is named by its ragged position; out= with matching lengths") {
  Arena arena;
  Ragged a({{1, 2}, {4, 0, 5}});
  BufferView in[] = {a.view()};
  CHECK_THROWS_WITH_AS(call(registry().get("recip"), in, arena.options()), doctest::Contains("at index [1, 1]"), Error);
  Ragged b({{1, 2}, {4, 8}});
  Ragged out({{0, 0}, {0, 0}});
  BufferView bin[] = {b.view()};
  BufferView o[] = {out.view()};
  call_into(registry().get("recip"), bin, o);
  CHECK(out.rows == Rows{{1, 0.5}, {0.25, 0.125}});
  Ragged short_out({{0, 0}, {0}});
  BufferView so[] = {short_out.view()};
  CHECK_THROWS_WITH_AS(call_into(registry().get("recip"), bin, so), doctest::Contains("var element of length 1 at index [1]"),
                       Error);
}
