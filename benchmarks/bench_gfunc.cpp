// gfunc through its public entry points (call_into, reduce_into, assign) on the built-in
// registry: the same work benchmarks/compare_numpy.py times in NumPy, in the same run.
// Counters: ns per element (or GFLOP/s for matmul).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstring>
#include <memory>
#include <numeric>
#include <vector>

#include "gfunc/call.hpp"
#include "gfunc/kernel.hpp"
#include "gfunc/simd.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;

namespace {

struct Array {
  std::unique_ptr<char[], void (*)(void*)> memory{nullptr, std::free};
  std::vector<int64_t> shape, strides;
  ndt::Type dtype;
  Array(ndt::Type t, std::vector<int64_t> s) : shape(std::move(s)), dtype(std::move(t)) {
    int64_t n = element_count(shape);
    memory.reset(static_cast<char*>(std::aligned_alloc(64, static_cast<std::size_t>((n * dtype.size() + 63) / 64 * 64))));
    std::memset(memory.get(), 0, static_cast<std::size_t>(n * dtype.size()));
    strides = contiguous_strides(shape, dtype.size());
  }
  template <class T>
  T* as() { return reinterpret_cast<T*>(memory.get()); }
  BufferView view() const { return {memory.get(), dtype, shape, strides, false}; }
};

template <class T>
void fill(Array& a, double lo, double hi) {
  int64_t n = element_count(a.shape);
  T* p = a.as<T>();
  for (int64_t i = 0; i < n; ++i) p[i] = static_cast<T>(lo + (hi - lo) * static_cast<double>((i * 7919) % 10007) / 10007.0);
}

const Function* lookup(benchmark::State& state, const char* name) {
  const Function* f = builtins().find(name);
  if (!f) state.SkipWithError("function not registered");
  return f;
}

CallOptions threads(benchmark::State& state) {
  CallOptions o;
  o.max_threads = static_cast<int>(state.range(1));
  return o;
}

// Elements per second (compare_numpy.py prints ns per element).
void per_element(benchmark::State& state, int64_t n) {
  state.counters["elements"] = benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}

// Binary elementwise: f(a, b) -> out, all float64 of n elements.
void BM_binary(benchmark::State& state, const char* name, ndt::Type out_dtype) {
  const Function* f = lookup(state, name);
  if (!f) return;
  int64_t n = state.range(0);
  Array a(ndt::float64, {n}), b(ndt::float64, {n}), c(out_dtype, {n});
  fill<double>(a, -1, 1);
  fill<double>(b, -1, 1);
  BufferView in[] = {a.view(), b.view()};
  BufferView out[] = {c.view()};
  CallOptions o = threads(state);
  for (auto _ : state) call_into(*f, in, out, o);
  per_element(state, n);
}
BENCHMARK_CAPTURE(BM_binary, add_f64, "add", ndt::float64)->Args({10'000'000, 1})->Args({10'000'000, 2})->UseRealTime();
BENCHMARK_CAPTURE(BM_binary, less_f64, "less", ndt::bool_)->Args({10'000'000, 1})->UseRealTime();
// Where threads start to pay (the executor's threshold, gfunc/call.cpp kParallelThreshold).
BENCHMARK_CAPTURE(BM_binary, add_f64_threshold, "add", ndt::float64)
    ->ArgsProduct({{1 << 14, 1 << 16, 1 << 17, 1 << 18, 1 << 20}, {1, 2}})->UseRealTime();

// Broadcast add: (3000, 3000) + (3000,) and (3000, 1) + (1, 3000).
void BM_broadcast_add(benchmark::State& state) {
  const Function* f = lookup(state, "add");
  if (!f) return;
  const int64_t n = 3000;
  bool outer = state.range(0) == 1;
  Array a(ndt::float64, outer ? std::vector<int64_t>{n, 1} : std::vector<int64_t>{n, n});
  Array b(ndt::float64, outer ? std::vector<int64_t>{1, n} : std::vector<int64_t>{n});
  Array c(ndt::float64, {n, n});
  fill<double>(a, 0, 1);
  fill<double>(b, 0, 1);
  BufferView in[] = {a.view(), b.view()};
  BufferView out[] = {c.view()};
  CallOptions o = threads(state);
  for (auto _ : state) call_into(*f, in, out, o);
  per_element(state, n * n);
}
BENCHMARK(BM_broadcast_add)->Args({0, 1})->Args({1, 1})->Args({0, 2})->UseRealTime();

// Unary math at 1e6 elements.
void BM_unary(benchmark::State& state, const char* name, bool f64, double lo, double hi) {
  const Function* f = lookup(state, name);
  if (!f) return;
  int64_t n = state.range(0);
  ndt::Type t = f64 ? ndt::float64 : ndt::float32;
  Array a(t, {n}), c(t, {n});
  if (f64) fill<double>(a, lo, hi);
  else fill<float>(a, lo, hi);
  BufferView in[] = {a.view()};
  BufferView out[] = {c.view()};
  CallOptions o = threads(state);
  for (auto _ : state) call_into(*f, in, out, o);
  per_element(state, n);
}
BENCHMARK_CAPTURE(BM_unary, exp_f64, "exp", true, -50.0, 50.0)->Args({1'000'000, 1})->Args({1'000'000, 2})->UseRealTime();
BENCHMARK_CAPTURE(BM_unary, log_f64, "log", true, 1e-3, 1e3)->Args({1'000'000, 1})->Args({1'000'000, 2})->UseRealTime();
BENCHMARK_CAPTURE(BM_unary, sin_f64, "sin", true, -100.0, 100.0)->Args({1'000'000, 1})->Args({1'000'000, 2})->UseRealTime();
BENCHMARK_CAPTURE(BM_unary, exp_f32, "exp", false, -50.0, 50.0)->Args({1'000'000, 1})->Args({1'000'000, 2})->UseRealTime();
BENCHMARK_CAPTURE(BM_unary, log_f32, "log", false, 1e-3, 1e3)->Args({1'000'000, 1})->Args({1'000'000, 2})->UseRealTime();
BENCHMARK_CAPTURE(BM_unary, sin_f32, "sin", false, -100.0, 100.0)->Args({1'000'000, 1})->Args({1'000'000, 2})->UseRealTime();

BENCHMARK_CAPTURE(BM_unary, exp_f64_threshold, "exp", true, -50.0, 50.0)
    ->ArgsProduct({{1 << 12, 1 << 14, 1 << 16, 1 << 17, 1 << 18}, {1, 2}})->UseRealTime();

void BM_sum_f64(benchmark::State& state) {
  const Function* f = lookup(state, "sum");
  if (!f) return;
  int64_t n = state.range(0);
  Array a(ndt::float64, {n}), c(ndt::float64, {});
  fill<double>(a, 0, 1);
  CallOptions o = threads(state);
  for (auto _ : state) reduce_into(*f, a.view(), c.view(), {}, o);
  per_element(state, n);
}
BENCHMARK(BM_sum_f64)->Args({10'000'000, 1})->Args({10'000'000, 2})->UseRealTime();

void BM_cast_i32_f64(benchmark::State& state) {
  int64_t n = state.range(0);
  Array a(ndt::int32, {n}), c(ndt::float64, {n});
  std::iota(a.as<int32_t>(), a.as<int32_t>() + n, 0);
  CallOptions o = threads(state);
  for (auto _ : state) assign(c.view(), a.view(), cast_nocheck, o);
  per_element(state, n);
}
BENCHMARK(BM_cast_i32_f64)->Args({10'000'000, 1})->UseRealTime();

// Dispatch overhead: one element, warm cache, caller-supplied output.
void BM_add_one_element(benchmark::State& state) {
  const Function* f = lookup(state, "add");
  if (!f) return;
  double x = 1, y = 2, z = 0;
  BufferView in[] = {{reinterpret_cast<char*>(&x), ndt::float64, {}, {}}, {reinterpret_cast<char*>(&y), ndt::float64, {}, {}}};
  BufferView out[] = {{reinterpret_cast<char*>(&z), ndt::float64, {}, {}}};
  for (auto _ : state) {
    call_into(*f, in, out);
    benchmark::DoNotOptimize(z);
  }
}
BENCHMARK(BM_add_one_element);

void BM_matmul_f64(benchmark::State& state) {
  const Function* f = lookup(state, "matmul");
  if (!f) return;
  int64_t n = state.range(0);
  Array a(ndt::float64, {n, n}), b(ndt::float64, {n, n}), c(ndt::float64, {n, n});
  fill<double>(a, -1, 1);
  fill<double>(b, -1, 1);
  BufferView in[] = {a.view(), b.view()};
  BufferView out[] = {c.view()};
  CallOptions o = threads(state);
  for (auto _ : state) call_into(*f, in, out, o);
  state.counters["GFLOPs"] = benchmark::Counter(2.0 * n * n * n * static_cast<double>(state.iterations()) / 1e9,
                                                benchmark::Counter::kIsRate);
}
BENCHMARK(BM_matmul_f64)->Args({512, 1})->Args({512, 2})->UseRealTime();

}  // namespace

// The SIMD target the kernels ran on, in the report's context (compare_numpy.py prints it).
const bool kTargetReported = (benchmark::AddCustomContext("simd_target", simd_target()), true);

BENCHMARK_MAIN();
