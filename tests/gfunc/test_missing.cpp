// Missing values: ?T inputs propagate missingness by validity, never by sentinels.
#include <doctest/doctest.h>

#include <cmath>

#include "gfunc/call.hpp"
#include "gfunc/define.hpp"
#include "helpers.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;
using namespace pluribus::gfunc::testing;

namespace {

Registry& registry() {
  static Registry r;
  static bool once = [] {
    r.define("add", "(... * float64, ... * float64) -> ... * float64", [](double a, double b) { return a + b; });
    r.define("div", "(... * int32, ... * int32) -> ... * int32", [](int32_t a, int32_t b) {
      if (b == 0) throw std::domain_error("division by zero");
      return a / b;
    });
    return true;
  }();
  (void)once;
  return r;
}

}  // namespace

TEST_CASE("missing: ?float64 + float64 is ?float64, missing where the input is") {
  Arena arena;
  REQUIRE(ndt::parse("?float64").size() == static_cast<int64_t>(sizeof(Opt<double>)));
  Array<Opt<double>> a(ndt::parse("?float64"), {3}, {{1.5, 1}, {-1e300, 0}, {3, 1}});
  Array<double> b(ndt::float64, {3}, {10, 20, 30});
  BufferView in[] = {a.view(), b.view()};
  auto out = call(registry().get("add"), in, arena.options());
  CHECK(out[0].dtype.str() == "?float64");
  auto v = to_vector<Opt<double>>(out[0]);
  CHECK(v[0].valid);
  CHECK(v[0].value == 11.5);
  CHECK(!v[1].valid);
  CHECK(v[2].valid);
  CHECK(v[2].value == 33);
  // Both optional: missing where either is.
  Array<Opt<double>> c(ndt::parse("?float64"), {3}, {{1, 1}, {2, 1}, {3, 0}});
  BufferView in2[] = {a.view(), c.view()};
  auto w = to_vector<Opt<double>>(call(registry().get("add"), in2, arena.options())[0]);
  CHECK((w[0].valid && !w[1].valid && !w[2].valid));
  CHECK(w[0].value == 2.5);
}

TEST_CASE("missing: a missing divisor is not a division by zero; a present one is") {
  Arena arena;
  Array<int32_t> a(ndt::int32, {3}, {7, 8, 9});
  Array<Opt<int32_t>> b(ndt::parse("?int32"), {3}, {{2, 1}, {0, 0}, {3, 1}});
  BufferView in[] = {a.view(), b.view()};
  auto v = to_vector<Opt<int32_t>>(call(registry().get("div"), in, arena.options())[0]);
  CHECK((v[0].valid && v[0].value == 3));
  CHECK(!v[1].valid);
  CHECK((v[2].valid && v[2].value == 3));
  Array<Opt<int32_t>> z(ndt::parse("?int32"), {3}, {{2, 1}, {0, 0}, {0, 1}});
  BufferView in2[] = {a.view(), z.view()};
  CHECK_THROWS_WITH_AS(call(registry().get("div"), in2, arena.options()), doctest::Contains("at index [2]"), Error);
  // A non-optional out= cannot hold a missing result.
  Array<int32_t> o(ndt::int32, {3});
  BufferView out[] = {o.view()};
  CHECK_THROWS_WITH_AS(call_into(registry().get("div"), in, out), doctest::Contains("output 0 must be ?int32"), Error);
}

TEST_CASE("missing: is_missing and fill_missing (built in)") {
  Arena arena;
  Array<Opt<double>> a(ndt::parse("?float64"), {3}, {{1.5, 1}, {0, 0}, {3, 1}});
  BufferView in[] = {a.view()};
  auto m = call(builtins().get("is_missing"), in, arena.options());
  CHECK(m[0].dtype == ndt::bool_);
  CHECK(to_vector<uint8_t>(m[0]) == std::vector<uint8_t>{0, 1, 0});
  Array<double> fill(ndt::float64, {}, {-1});
  BufferView in2[] = {a.view(), fill.view()};
  auto f = call(builtins().get("fill_missing"), in2, arena.options());
  CHECK(f[0].dtype == ndt::float64);
  CHECK(to_vector<double>(f[0]) == std::vector<double>{1.5, -1, 3});
}
