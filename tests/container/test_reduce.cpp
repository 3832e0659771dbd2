// nd::reduce and nd::call over missing values and ragged rows: the options reach gfunc
// (skip_missing, keepdims, axes). Expected values are worked by hand from the JSON input.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "container/array.hpp"
#include "container/json.hpp"

using namespace pluribus;
using nd::Array;

TEST_CASE("reduce: ?float64 rows skip nulls; skip_missing=false propagates them") {
  Array x = nd::from_json("[[1.5, null, -2], [null, null, null], [0.25, 3, null]]", ndt::parse("3 * 3 * ?float64"));
  nd::ReduceOptions rows;
  rows.axes = std::vector<int>{1};
  Array s = nd::reduce("sum", x, rows);
  CHECK(s.dtype().str() == "?float64");
  CHECK(nd::to_json(s) == "[-0.5,null,3.25]");
  CHECK(nd::to_json(nd::reduce("mean", x, rows)) == "[-0.25,null,1.625]");
  rows.skip_missing = false;
  CHECK(nd::to_json(nd::reduce("max", x, rows)) == "[null,null,null]");
  nd::ReduceOptions cols;
  cols.axes = std::vector<int>{0};
  cols.initial = 0;
  CHECK(nd::to_json(nd::reduce("sum", x, cols)) == "[1.75,3.0,-2.0]");
  CHECK(nd::to_json(x.min()) == "-2.0");

  CHECK(nd::to_json(nd::call1("argmax", {x})) == "[0,null,1]");
  nd::CallOptions strict;
  strict.skip_missing = false;
  CHECK(nd::to_json(nd::call1("cumsum", {x}, strict)) == "[[1.5,null,null],[null,null,null],[0.25,3.25,null]]");

  // out= of ?float64, or float64 while no result is missing.
  Array out = Array::zeros(ndt::parse("3 * float64"));
  nd::ReduceOptions into;
  into.axes = std::vector<int>{1};
  into.out = out;
  CHECK_THROWS_WITH_AS(nd::reduce("sum", x, into),
                       "sum: cannot write a missing result to float64 at index [1] (the output needs dtype ?float64)",
                       Error);
}

TEST_CASE("reduce: ragged rows fold over the fixed dim above them; keepdims broadcasts back") {
  Array r = nd::from_json("[[1, 2, 3], [10], [100, 200, 300]]", ndt::parse("3 * var * float64"));
  nd::ReduceOptions down;
  down.axes = std::vector<int>{0};
  Array s = nd::reduce("sum", r, down);
  CHECK(s.dtype().str() == "var * float64");
  CHECK(nd::to_json(s) == "[111.0,212.0,313.0]");

  nd::ReduceOptions keep;
  keep.axes = std::vector<int>{-1};
  keep.keepdims = true;
  Array m = nd::reduce("mean", r, keep);
  CHECK(nd::to_json(m) == "[[2.0],[10.0],[200.0]]");
  CHECK(nd::to_json(r - m) == "[[-1.0,0.0,1.0],[0.0],[-100.0,0.0,100.0]]");
  CHECK(nd::to_json(r.max(std::vector<int>{1}, true)) == "[[3.0],[10.0],[300.0]]");
}
