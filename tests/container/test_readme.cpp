// The C++ array example of README.md, checked: each stated result is asserted here.
#include <doctest/doctest.h>

#include "container/array.hpp"
#include "container/json.hpp"
#include "container/print.hpp"

namespace nd = pluribus::nd;
namespace ndt = pluribus::ndt;

TEST_CASE("array: the README example") {
  nd::Array a = nd::Array::arange(0, 12).reshape({3, 4});
  nd::Array v = a(nd::slice(std::nullopt, std::nullopt, -1), 1);  // a[::-1, 1]: [9, 5, 1]
  CHECK(v.data() == a.data() + 8 * 8 + 8);
  nd::Array b = (a * 2.5 + v(nd::all, nd::newaxis)).sum(std::vector<int>{0});
  // Column j: 2.5 * (j + (4 + j) + (8 + j)) + (9 + 5 + 1) = 7.5 * j + 30 + 15.
  for (int j = 0; j < 4; ++j) CHECK(b(j).as<double>() == 7.5 * j + 45);
  nd::Array r = nd::Array{{1, 2}, {3}};
  CHECK(r.type() == ndt::parse("2 * var * int64"));
  CHECK(r(0, 1).as<int64_t>() == 2);
  auto people = nd::from_json(R"([{"name": "Ada", "amount": 1.5}, {"name": "Bo", "amount": null}])",
                              ndt::parse("var * {name: string, amount: ?float64}"));
  CHECK(people(1, "amount").is_missing());
  CHECK(people(0, "name").as<std::string>() == "Ada");
  CHECK(nd::repr(a.transpose()) ==
        "array([[ 0,  4,  8],\n       [ 1,  5,  9],\n       [ 2,  6, 10],\n       [ 3,  7, 11]], type='4 * 3 * int64')");
  CHECK_THROWS_WITH_AS((a * 100).astype(ndt::int8, pluribus::gfunc::cast_overflow),
                       "assign: casting 200 at index [0, 2] to int8 would cause overflow", pluribus::Error);
}
