// User kernels: a scalar C++ callable lifted to a full function.
#include <doctest/doctest.h>

#include <stdexcept>

#include "gfunc/call.hpp"
#include "gfunc/define.hpp"
#include "helpers.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;
using namespace pluribus::gfunc::testing;

TEST_CASE("define: a lambda becomes a broadcasting, strided function") {
  Registry r;
  r.define("hypot2", "(... * float64, ... * float64) -> ... * float64", [](double x, double y) { return x * x + y * y; });
  int32_t offset = 1000;
  r.define("shift", "(... * int32) -> ... * int64", [offset](int32_t x) { return int64_t{x} + offset; });
  Arena arena;
  Array<double> a(ndt::float64, {2, 2}, {1, 2, 3, 4});
  Array<double> b(ndt::float64, {2}, {10, 20});
  BufferView in[] = {a.view(), b.view()};
  auto out = call(r.get("hypot2"), in, arena.options());
  CHECK(to_vector<double>(out[0]) == std::vector<double>{101, 404, 109, 416});

  Array<int32_t> x(ndt::int32, {3}, {-1, 0, 7});
  BufferView xin[] = {x.view()};
  auto s = call(r.get("shift"), xin, arena.options());
  CHECK(s[0].dtype == ndt::int64);
  CHECK(to_vector<int64_t>(s[0]) == std::vector<int64_t>{999, 1000, 1007});
}

TEST_CASE("define: the callable must fit the signature") {
  Registry r;
  CHECK_THROWS_WITH_AS(r.define("f", "(... * float32) -> ... * float64", [](double x) { return x; }),
                       doctest::Contains("define('f'): parameter 0 is float32 but the callable's type is float64"),
                       Error);
  CHECK_THROWS_WITH_AS(r.define("f", "(... * float64) -> ... * int32", [](double x) { return x; }),
                       doctest::Contains("the result is int32"), Error);
  CHECK_THROWS_WITH_AS(r.define("f", "(... * float64, ... * float64) -> ... * float64", [](double x) { return x; }),
                       doctest::Contains("has 2 parameters, the callable takes 1"), Error);
  CHECK_THROWS_WITH_AS(r.define("f", "(... * N * float64) -> ... * float64", [](double x) { return x; }),
                       doctest::Contains("elementwise"), Error);
  CHECK(r.find("f") == nullptr);
}

TEST_CASE("define: a throwing callable fails the call at the element") {
  Registry r;
  r.define("checked_sqrt", "(... * float64) -> ... * float64", [](double x) {
    if (x < 0) throw std::domain_error("negative");
    return x;
  });
  Arena arena;
  Array<double> a(ndt::float64, {3}, {1, -2, 3});
  BufferView in[] = {a.view()};
  CHECK_THROWS_WITH_AS(call(r.get("checked_sqrt"), in, arena.options()), doctest::Contains("at index [1]"), Error);
}
