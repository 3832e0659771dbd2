// Elementwise kernels, called directly through their contiguous loops, in ns/element
// (the "s/elem" counter). Single-threaded; operands are separate 64-byte-aligned buffers.
//
// NumPy 1.24 on the same machine, for comparison (best of 20, 1e7 float64):
//   /usr/bin/python3 -c "import numpy as np, timeit; a=np.random.rand(10**7); b=np.random.rand(10**7);
//     c=np.empty(10**7); print(min(timeit.repeat(lambda: np.add(a, b, out=c), number=1, repeat=20))/1e7*1e9)"
// gives ~1.06 ns/element for add and ~0.64 for less (np.less(a, b, out=bool array)).
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
