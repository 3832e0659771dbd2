// The executor: broadcasting, strides, coalescing, outputs, aliasing, errors, threads,
// core dims. Kernels here are small loops written for the test; the expected values are
// worked out by hand (NumPy's rules).
#include <doctest/doctest.h>

#include <atomic>
#include <numeric>

#include "gfunc/call.hpp"
#include "gfunc/kernel.hpp"
#include "helpers.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;
using namespace pluribus::gfunc::testing;

namespace {

int add_f64(char** args, const int64_t* dims, const int64_t* steps, LoopContext*) noexcept {
  for (int64_t i = 0; i < dims[0]; ++i) {
    double a, b;
    std::memcpy(&a, args[0] + i * steps[0], 8);
    std::memcpy(&b, args[1] + i * steps[1], 8);
    double c = a + b;
    std::memcpy(args[2] + i * steps[2], &c, 8);
  }
  return loop_ok;
}

std::atomic<int> calls_contiguous{0};  // the threaded test calls it from several threads
int add_f64_contiguous(char** args, const int64_t* dims, const int64_t* steps, LoopContext* ctx) noexcept {
  ++calls_contiguous;
  return add_f64(args, dims, steps, ctx);
}

int div_i32(char** args, const int64_t* dims, const int64_t* steps, LoopContext* ctx) noexcept {
  for (int64_t i = 0; i < dims[0]; ++i) {
    int32_t a, b;
    std::memcpy(&a, args[0] + i * steps[0], 4);
    std::memcpy(&b, args[1] + i * steps[1], 4);
    if (b == 0) {
      ctx->error_index = i;
      return loop_divide_by_zero;
    }
    int32_t c = a / b;
    std::memcpy(args[2] + i * steps[2], &c, 4);
  }
  return loop_ok;
}

// (... * N * float64, ... * N * float64) -> ... * float64
int inner_f64(char** args, const int64_t* dims, const int64_t* steps, LoopContext*) noexcept {
  for (int64_t i = 0; i < dims[0]; ++i) {
    double s = 0;
    for (int64_t k = 0; k < dims[1]; ++k) {
      double a, b;
      std::memcpy(&a, args[0] + i * steps[0] + k * steps[3], 8);
      std::memcpy(&b, args[1] + i * steps[1] + k * steps[4], 8);
      s += a * b;
    }
    std::memcpy(args[2] + i * steps[2], &s, 8);
  }
  return loop_ok;
}

Registry& test_registry() {
  static Registry r;
  static bool once = [] {
    r.add("add", "(... * float64, ... * float64) -> ... * float64", add_f64, add_f64_contiguous);
    r.add("div", "(... * int32, ... * int32) -> ... * int32", div_i32);
    r.add("inner", "(... * N * float64, ... * N * float64) -> ... * float64", inner_f64);
    return true;
  }();
  (void)once;
  return r;
}

}  // namespace

TEST_CASE("call: NumPy broadcasting of (2, 3) with (3,) and (2, 1)") {
  Arena arena;
  const Function& add = test_registry().get("add");
  Array<double> a(ndt::float64, {2, 3}, {1, 2, 3, 4, 5, 6});
  Array<double> b(ndt::float64, {3}, {10, 20, 30});
  Array<double> c(ndt::float64, {2, 1}, {100, 200});
  BufferView ab[] = {a.view(), b.view()};
  auto r = call(add, ab, arena.options());
  REQUIRE(r.size() == 1);
  CHECK(r[0].shape == std::vector<int64_t>{2, 3});
  CHECK(to_vector<double>(r[0]) == std::vector<double>{11, 22, 33, 14, 25, 36});
  BufferView ac[] = {a.view(), c.view()};
  CHECK(to_vector<double>(call(add, ac, arena.options())[0]) == std::vector<double>{101, 102, 103, 204, 205, 206});
  BufferView cb[] = {c.view(), b.view()};  // (2, 1) with (3,) -> (2, 3)
  CHECK(to_vector<double>(call(add, cb, arena.options())[0]) == std::vector<double>{110, 120, 130, 210, 220, 230});

  Array<double> bad(ndt::float64, {4});
  BufferView abad[] = {a.view(), bad.view()};
  CHECK_THROWS_WITH_AS(call(add, abad, arena.options()),
                       doctest::Contains("operands could not be broadcast together with shapes (2, 3) (4,)"), Error);
}

TEST_CASE("call: strided, reversed and zero-stride inputs; contiguous runs use the contiguous loop") {
  Arena arena;
  const Function& add = test_registry().get("add");
  Array<double> a(ndt::float64, {6}, {0, 1, 2, 3, 4, 5});
  // a[::-2] = {5, 3, 1}; a[::2] = {0, 2, 4}
  std::vector<int64_t> shape{3}, rev{-16}, fwd{16};
  BufferView r1{reinterpret_cast<char*>(&a.values[5]), ndt::float64, shape, rev};
  BufferView r2{reinterpret_cast<char*>(&a.values[0]), ndt::float64, shape, fwd};
  BufferView in[] = {r1, r2};
  CHECK(to_vector<double>(call(add, in, arena.options())[0]) == std::vector<double>{5, 5, 5});

  // A (4, 5) C-contiguous pair coalesces into one run of 20.
  Array<double> x(ndt::float64, {4, 5}), y(ndt::float64, {4, 5});
  std::iota(x.values.begin(), x.values.end(), 0.0);
  std::iota(y.values.begin(), y.values.end(), 100.0);
  calls_contiguous = 0;
  BufferView xy[] = {x.view(), y.view()};
  auto out = call(add, xy, arena.options());
  CHECK(calls_contiguous == 1);
  CHECK(to_vector<double>(out[0])[19] == 19 + 119);
}

TEST_CASE("call_into: out= with shape checks, read-only outputs, exact in-place aliasing") {
  const Function& add = test_registry().get("add");
  Array<double> a(ndt::float64, {3}, {1, 2, 3});
  Array<double> o(ndt::float64, {3});
  BufferView in[] = {a.view(), a.view()};
  BufferView out[] = {o.view()};
  call_into(add, in, out);
  CHECK(o.values == std::vector<double>{2, 4, 6});
  call_into(add, in, std::span(in, 1));  // a += a in place
  CHECK(a.values == std::vector<double>{2, 4, 6});

  Array<double> wrong(ndt::float64, {2});
  BufferView w[] = {wrong.view()};
  CHECK_THROWS_WITH_AS(call_into(add, in, w), doctest::Contains("output 0 has shape (2,), the operands broadcast to (3,)"),
                       Error);
  BufferView ro = o.view();
  ro.readonly = true;
  CHECK_THROWS_WITH_AS(call_into(add, in, std::span(&ro, 1)), doctest::Contains("read-only"), Error);
}

TEST_CASE("call_into: a += a[::-1] sees the original a (NumPy's overlap semantics)") {
  const Function& add = test_registry().get("add");
  Array<double> a(ndt::float64, {5}, {1, 2, 3, 4, 5});
  std::vector<int64_t> shape{5}, rev{-8};
  BufferView reversed{reinterpret_cast<char*>(&a.values[4]), ndt::float64, shape, rev};
  BufferView in[] = {a.view(), reversed};
  BufferView out[] = {a.view()};
  call_into(add, in, out);
  CHECK(a.values == std::vector<double>{6, 6, 6, 6, 6});
  // Shifted overlap: a[1:] = a[1:] + a[:-1] with the original values.
  Array<double> b(ndt::float64, {5}, {1, 2, 3, 4, 5});
  std::vector<int64_t> s4{4}, st{8};
  BufferView head{reinterpret_cast<char*>(&b.values[0]), ndt::float64, s4, st};
  BufferView tail{reinterpret_cast<char*>(&b.values[1]), ndt::float64, s4, st};
  BufferView in2[] = {tail, head};
  BufferView out2[] = {tail};
  call_into(add, in2, out2);
  CHECK(b.values == std::vector<double>{1, 3, 5, 7, 9});
}

TEST_CASE("call: a failing loop names the function and the element's index") {
  Arena arena;
  const Function& div = test_registry().get("div");
  Array<int32_t> a(ndt::int32, {2, 3}, {1, 2, 3, 4, 5, 6});
  Array<int32_t> b(ndt::int32, {3}, {1, 0, 1});
  BufferView in[] = {a.view(), b.view()};
  CHECK_THROWS_WITH_AS(call(div, in, arena.options()), doctest::Contains("div: integer division by zero at index [0, 1]"),
                       Error);
  Array<int32_t> c(ndt::int32, {3}, {1, 1, 1});
  BufferView ok[] = {a.view(), c.view()};
  CHECK(to_vector<int32_t>(call(div, ok, arena.options())[0]) == std::vector<int32_t>{1, 2, 3, 4, 5, 6});
}

TEST_CASE("call: large work splits across threads with the same result") {
  Arena arena;
  const Function& add = test_registry().get("add");
  const int64_t n = 1 << 20;
  Array<double> a(ndt::float64, {n}), b(ndt::float64, {n});
  for (int64_t i = 0; i < n; ++i) {
    a.values[i] = static_cast<double>(i);
    b.values[i] = static_cast<double>(2 * i);
  }
  BufferView in[] = {a.view(), b.view()};
  auto one = call(add, in, arena.options(1));
  auto many = call(add, in, arena.options(0));
  auto v1 = to_vector<double>(one[0]);
  CHECK(v1 == to_vector<double>(many[0]));
  CHECK(v1[n - 1] == 3.0 * (n - 1));

  // A division by zero far in is reported at its index whatever the split.
  Array<int32_t> x(ndt::int32, {n}), y(ndt::int32, {n});
  std::fill(y.values.begin(), y.values.end(), 1);
  y.values[700001] = 0;
  y.values[900001] = 0;
  BufferView xy[] = {x.view(), y.view()};
  CHECK_THROWS_WITH_AS(call(test_registry().get("div"), xy, arena.options()), doctest::Contains("at index [700001]"), Error);
}

TEST_CASE("call: core dims bind across operands, broadcast loop dims, axis=") {
  Arena arena;
  const Function& inner = test_registry().get("inner");
  Array<double> a(ndt::float64, {2, 3}, {1, 2, 3, 4, 5, 6});
  Array<double> b(ndt::float64, {3}, {1, 10, 100});
  BufferView in[] = {a.view(), b.view()};
  auto r = call(inner, in, arena.options());
  CHECK(r[0].shape == std::vector<int64_t>{2});
  CHECK(to_vector<double>(r[0]) == std::vector<double>{321, 654});

  Array<double> bad(ndt::float64, {4});
  BufferView in2[] = {a.view(), bad.view()};
  CHECK_THROWS_WITH_AS(call(inner, in2, arena.options()), doctest::Contains("core dim N is 3 elsewhere but 4 in input 1"),
                       Error);
  Array<double> scalar(ndt::float64, {});
  BufferView in3[] = {scalar.view(), b.view()};
  CHECK_THROWS_WITH_AS(call(inner, in3, arena.options()), doctest::Contains("input 0 needs at least 1 dims"), Error);

  // axis=0: the core dim is each operand's first dim: columns of a (2, 3) against (2,).
  Array<double> c(ndt::float64, {2}, {1, 10});
  CallOptions o = arena.options();
  o.axis = 0;
  BufferView in4[] = {a.view(), c.view()};
  auto cols = call(inner, in4, o);
  CHECK(to_vector<double>(cols[0]) == std::vector<double>{41, 52, 63});
}

TEST_CASE("call: argument errors") {
  Arena arena;
  const Function& add = test_registry().get("add");
  Array<double> a(ndt::float64, {2});
  BufferView one[] = {a.view()};
  CHECK_THROWS_WITH_AS(call(add, one, arena.options()), doctest::Contains("add() takes 2 inputs, got 1"), Error);
  BufferView two[] = {a.view(), a.view()};
  CHECK_THROWS_WITH_AS(call(add, two, CallOptions{}), doctest::Contains("outputs need an allocator"), Error);
  Array<std::int8_t> s(ndt::parse("{a: int8}"), {2});
  BufferView rec[] = {a.view(), s.view()};
  CHECK_THROWS_WITH_AS(call(add, rec, arena.options()), doctest::Contains("add() has no kernel for (float64, {a: int8})"),
                       Error);
}
