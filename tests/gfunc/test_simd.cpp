// The SIMD target choice: PLURIBUS_SIMD_TARGET caps it (ctest runs the gfunc tests again
// under AVX2, SSSE3 and SCALAR, so every kernel family is checked on those targets too).
#include <doctest/doctest.h>
#include <hwy/targets.h>

#include <cmath>
#include <cstdlib>
#include <string>

#include "gfunc/call.hpp"
#include "gfunc/kernel.hpp"
#include "gfunc/simd.hpp"
#include "helpers.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;

TEST_CASE("simd: the chosen target honours PLURIBUS_SIMD_TARGET") {
  const std::string target = simd_target();
  MESSAGE("SIMD target: " << target);
  int64_t bit = 0;  // the chosen target's
  for (const int64_t t : {HWY_AVX3_DL, HWY_AVX3, HWY_AVX2, HWY_SSE4, HWY_SSSE3, HWY_SCALAR})
    if (target == hwy::TargetName(t)) bit = t;
  REQUIRE(bit != 0);
  // Under a cap this CPU runs (ctest sets AVX2, SSSE3 and SCALAR), that target is chosen.
  const char* cap = std::getenv("PLURIBUS_SIMD_TARGET");
  if (cap != nullptr && *cap != '\0') {
    for (const int64_t t : {HWY_AVX3_DL, HWY_AVX3, HWY_AVX2, HWY_SSE4, HWY_SSSE3, HWY_SCALAR})
      if (std::string(cap) == hwy::TargetName(t) && ((hwy::SupportedTargets() | HWY_SCALAR) & t))
        CHECK(target == std::string(cap));
  }
  // The kernels' dispatch index is that target's, and stays so whatever Highway's own
  // process-wide choice does (its SupportedTargets() resets that choice).
  hwy::ChosenTarget expected;
  expected.Update(bit);
  CHECK(kernels::simd_target_index() == expected.GetIndex());
  hwy::GetChosenTarget().Update(hwy::SupportedTargets());
  CHECK(kernels::simd_target_index() == expected.GetIndex());
  CHECK(std::string(simd_target()) == target);
}

TEST_CASE("simd: kernels give the same answers whatever the target") {
  // Values whose results every target rounds identically: exact operations and
  // correctly rounded sqrt, plus signed zeros through the rounding functions.
  const std::vector<double> x{-2.5, -0.5, -0.0, 0.0, 0.5, 1.5, 2.5, 9.0, 1e300, -1e-300};
  const int64_t n = static_cast<int64_t>(x.size());
  auto run = [&](const char* name) {
    testing::Array<double> in(ndt::float64, {n}, x), out(ndt::float64, {n}, std::vector<double>(x.size(), 7.0));
    const BufferView ins[] = {in.view()}, outs[] = {out.view()};
    call_into(builtins().get(name), ins, outs);
    return out.values;
  };
  const auto ceil = run("ceil"), floor = run("floor"), rint = run("rint"), trunc = run("trunc");
  const auto sqrt_ = run("sqrt"), neg = run("negative");
  for (std::size_t i = 0; i < x.size(); ++i) {
    CAPTURE(x[i]);
    CHECK(std::signbit(ceil[i]) == std::signbit(std::ceil(x[i])));
    CHECK(ceil[i] == std::ceil(x[i]));
    CHECK(std::signbit(floor[i]) == std::signbit(std::floor(x[i])));
    CHECK(floor[i] == std::floor(x[i]));
    CHECK(std::signbit(rint[i]) == std::signbit(std::nearbyint(x[i])));
    CHECK(rint[i] == std::nearbyint(x[i]));
    CHECK(std::signbit(trunc[i]) == std::signbit(std::trunc(x[i])));
    CHECK(trunc[i] == std::trunc(x[i]));
    CHECK(neg[i] == -x[i]);
    if (x[i] >= 0) CHECK(sqrt_[i] == std::sqrt(x[i]));
  }
}
