// Registry and dispatch: kernels by name, exact and promoted resolution, the cache.
#include <doctest/doctest.h>

#include "gfunc/dispatch.hpp"
#include "gfunc/kernel.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;

namespace {
int noop(char**, const int64_t*, const int64_t*, LoopContext*) noexcept { return loop_ok; }
int noop2(char**, const int64_t*, const int64_t*, LoopContext*) noexcept { return loop_ok; }
}  // namespace

TEST_CASE("registry: functions by name, kernels in order, arity checked") {
  Registry r;
  r.add("f", "(... * int32, ... * int32) -> ... * int32", noop);
  r.add("f", "(... * float64, ... * float64) -> ... * float64", noop2);
  r.add("a", "(... * float64) -> ... * float64", noop);
  const Function& f = r.get("f");
  CHECK(f.kernels().size() == 2);
  CHECK(f.nin() == 2);
  CHECK(f.nout() == 1);
  CHECK(r.find("zzz") == nullptr);
  CHECK_THROWS_AS(r.get("zzz"), Error);
  auto all = r.functions();
  REQUIRE(all.size() == 2);
  CHECK(all[0]->name() == "a");
  CHECK_THROWS_WITH_AS(r.add("f", "(... * int8) -> ... * int8", noop),
                       doctest::Contains("takes 2 inputs and 1 outputs"), Error);
  CHECK_THROWS_AS(r.add("g", "int32", noop), Error);
  CHECK_THROWS_AS(r.add("g", "(int32) -> int32", nullptr), Error);
}

TEST_CASE("dispatch: exact, then the first kernel reached by safe casts, cached") {
  Registry r;
  r.add("f", "(... * int16, ... * int16) -> ... * int16", noop);
  r.add("f", "(... * int32, ... * int32) -> ... * int32", noop);
  r.add("f", "(... * float64, ... * float64) -> ... * float64", noop2);
  const Function& f = r.get("f");

  std::vector<ndt::Type> d{ndt::int32, ndt::int32};
  const Resolution& exact = resolve(f, d);
  CHECK(exact.kernel == &f.kernels()[1]);
  CHECK(!exact.in_casts[0]);
  CHECK(&resolve(f, d) == &exact);  // the second call is a cache hit

  std::vector<ndt::Type> mixed{ndt::int8, ndt::uint8};  // NumPy: int16
  const Resolution& m = resolve(f, mixed);
  CHECK(m.kernel == &f.kernels()[0]);
  CHECK(m.in_casts[0]);
  CHECK(m.in_casts[1]);
  CHECK(m.out_dtypes[0] == ndt::int16);

  std::vector<ndt::Type> fl{ndt::int64, ndt::float32};  // NumPy: float64
  CHECK(resolve(f, fl).out_dtypes[0] == ndt::float64);

  std::vector<ndt::Type> bad{ndt::complex128, ndt::int8};
  CHECK_THROWS_WITH_AS(resolve(f, bad), doctest::Contains("f() has no kernel for (complex128, int8)"), Error);
  std::vector<ndt::Type> one{ndt::int8};
  CHECK_THROWS_WITH_AS(resolve(f, one), doctest::Contains("takes 2 inputs, got 1"), Error);
}

TEST_CASE("dispatch: typevar kernels bind their output dtype") {
  Registry r;
  r.add("copy", "(... * T) -> ... * T", noop);
  std::vector<ndt::Type> d{ndt::parse("{a: int8, b: float32}")};
  const Resolution& res = resolve(r.get("copy"), d);
  CHECK(res.out_dtypes[0] == d[0]);
  CHECK(res.elementwise);
  r.add("inner", "(... * N * float64, ... * N * float64) -> ... * float64", noop);
  std::vector<ndt::Type> f2{ndt::float64, ndt::float64};
  const Resolution& inner = resolve(r.get("inner"), f2);
  CHECK(!inner.elementwise);
  CHECK(inner.in_core[0].str() == "N * float64");
}

TEST_CASE("dispatch: add_first puts a narrower kernel ahead of those registered before it") {
  Registry r;
  r.add("f", "(... * float32) -> ... * float32", noop);
  r.add("f", "(... * float64) -> ... * float64", noop);
  const Function& f = r.get("f");
  const ndt::Type int8[] = {ndt::parse("int8")};
  const Kernel* before = resolve(f, int8).kernel;
  CHECK(before->signature == ndt::parse("(... * float32) -> ... * float32"));
  r.add_first("f", Kernel{ndt::parse("(... * float16) -> ... * float16"), noop2, nullptr, nullptr, kernel_default, {}});
  CHECK(f.kernels().front().signature == ndt::parse("(... * float16) -> ... * float16"));
  // The cached choice is dropped; the float32 kernel the old one pointed at is still alive.
  CHECK(resolve(f, int8).out_dtypes.at(0) == ndt::parse("float16"));
  CHECK(before->signature == ndt::parse("(... * float32) -> ... * float32"));
  const ndt::Type int16[] = {ndt::parse("int16")};
  CHECK(resolve(f, int16).out_dtypes.at(0) == ndt::parse("float32"));
  CHECK_THROWS_AS(r.add_first("g", Kernel{ndt::parse("(... * float16) -> ... * float16"), noop, nullptr, nullptr, kernel_default, {}}), Error);
  CHECK_THROWS_AS(r.add_first("f", Kernel{ndt::parse("(... * int8, ... * int8) -> ... * int8"), noop, nullptr, nullptr, kernel_default, {}}), Error);
}
