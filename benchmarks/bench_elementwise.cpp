// Elementwise kernels, called directly through their contiguous loops, in ns/element
// (the "s/elem" counter, from CPU time). Single-threaded; operands are separate
// 64-byte-aligned buffers.
//
// NumPy 1.24 on the same machine, for comparison (np.add(a, b, out=c) etc. on 1e7 float64,
// best of 15, CPU time via time.process_time, since the machine is shared):
//   /usr/bin/python3 -c "import numpy as np, time; a=np.random.rand(10**7); b=np.random.rand(10**7);
//     c=np.empty(10**7); t=[(time.process_time(), np.add(a, b, out=c), time.process_time()) for _ in range(15)];
//     print(min(e - s for s, _, e in t) / 1e7 * 1e9)"
// Best of three alternating rounds (load average 11-14 on 2 cores), ns/element:
//                 here    NumPy
//   add f64       0.58    0.68   (output streamed past the caches: no read-for-ownership)
//   multiply f64  0.51    0.68
//   add f32       0.30    0.34
//   less f64      0.54    0.62   (AVX-512: 64 compare bits expanded to 64 bytes per store)
//   less f32      0.21    0.32
//   maximum f64   0.65    0.81
// Unloaded, NumPy's add f64 is 1.06 ns/element wall time, at the one-core plain-store limit.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <cstring>
#include <random>

#include "gfunc/kernel.hpp"
#include "gfunc/kernels/families.hpp"

namespace {
using namespace pluribus;
using namespace pluribus::gfunc;

const Registry& registry() {
  static Registry* r = [] {
    auto* reg = new Registry;
    kernels::register_arithmetic(*reg);
    kernels::register_comparison(*reg);
    return reg;
  }();
  return *r;
}

StridedLoop contiguous(const char* name, const char* signature) {
  const ndt::Type sig = ndt::parse(signature);
  for (const Kernel& k : registry().get(name).kernels())
    if (k.signature == sig) return k.contiguous;
  std::abort();
}

struct Buffer {
  explicit Buffer(std::size_t bytes) : p(static_cast<char*>(std::aligned_alloc(64, (bytes + 63) / 64 * 64))) {
    std::memset(p, 0, bytes);
  }
  ~Buffer() { std::free(p); }
  Buffer(const Buffer&) = delete;
  char* p;
};

template <class T, class R>
void run(benchmark::State& state, const char* name, const char* signature) {
  const int64_t n = state.range(0);
  Buffer a(n * sizeof(T)), b(n * sizeof(T)), r(n * sizeof(R));
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> u(0.0, 1.0);
  for (int64_t i = 0; i < n; ++i) {
    reinterpret_cast<T*>(a.p)[i] = static_cast<T>(u(rng));
    reinterpret_cast<T*>(b.p)[i] = static_cast<T>(u(rng));
  }
  StridedLoop loop = contiguous(name, signature);
  char* args[3] = {a.p, b.p, r.p};
  const int64_t steps[3] = {sizeof(T), sizeof(T), sizeof(R)};
  LoopContext ctx;
  for (auto _ : state) {
    loop(args, &n, steps, &ctx);
    benchmark::DoNotOptimize(r.p);
    benchmark::ClobberMemory();
  }
  state.counters["s/elem"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate |
                                                     benchmark::Counter::kInvert);
}

void BM_add_float64(benchmark::State& s) { run<double, double>(s, "add", "(... * float64, ... * float64) -> ... * float64"); }
void BM_add_float32(benchmark::State& s) { run<float, float>(s, "add", "(... * float32, ... * float32) -> ... * float32"); }
void BM_multiply_float64(benchmark::State& s) {
  run<double, double>(s, "multiply", "(... * float64, ... * float64) -> ... * float64");
}
void BM_add_int64(benchmark::State& s) { run<int64_t, int64_t>(s, "add", "(... * int64, ... * int64) -> ... * int64"); }
void BM_less_float64(benchmark::State& s) { run<double, uint8_t>(s, "less", "(... * float64, ... * float64) -> ... * bool"); }
void BM_less_float32(benchmark::State& s) { run<float, uint8_t>(s, "less", "(... * float32, ... * float32) -> ... * bool"); }
void BM_maximum_float64(benchmark::State& s) {
  run<double, double>(s, "maximum", "(... * float64, ... * float64) -> ... * float64");
}

BENCHMARK(BM_add_float64)->Arg(1000)->Arg(100000)->Arg(1 << 17)->Arg(1000000)->Arg(10000000);
BENCHMARK(BM_add_float32)->Arg(10000000);
BENCHMARK(BM_multiply_float64)->Arg(10000000);
BENCHMARK(BM_add_int64)->Arg(10000000);
BENCHMARK(BM_less_float64)->Arg(1000)->Arg(10000000);
BENCHMARK(BM_less_float32)->Arg(10000000);
BENCHMARK(BM_maximum_float64)->Arg(10000000);

}  // namespace

BENCHMARK_MAIN();
