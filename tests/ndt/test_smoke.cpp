// First checks of parsing and printing.
#include <doctest/doctest.h>

#include "ndt/type.hpp"

using namespace pluribus;

TEST_CASE("parse primitives") {
  CHECK(ndt::parse("int64") == ndt::int64);
  CHECK(ndt::parse("  float64 ") == ndt::float64);
  CHECK(ndt::parse("10 * 20 * float64").str() == "10 * 20 * float64");
}
