// The math family's loops in ns/element at 1e6 contiguous elements (and one strided
// case), called directly through the registered kernels.
//
// NumPy 1.24 on this machine class (targets: at least 3x faster for float64, 1.5x for float32):
//   np.exp  float64 5.0  float32 1.5 ns/element
//   np.sin  float64 20.4 float32 1.9
//   np.log  float64 4.4  float32 2.1
// e.g. python3 -m timeit -s "import numpy as np; x = np.random.uniform(-10, 10, 10**6)" "np.exp(x)"
#include <benchmark/benchmark.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gfunc/kernel.hpp"
#include "gfunc/kernels/families.hpp"
#include "gfunc/simd.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;

namespace {

const Registry& registry() {
  static Registry* r = [] {
    static Registry reg;
    kernels::register_math(reg);
    return &reg;
  }();
  return *r;
}

template <class T>
const Kernel& kernel(const char* name) {
  const char* dtype = sizeof(T) == 4 ? "float32" : "float64";
  const ndt::Type want = ndt::parse(std::string("(... * ") + dtype + ") -> ... * " + dtype);
  for (const Kernel& k : registry().get(name).kernels())
    if (k.signature == want) return k;
  std::abort();
}

template <class T>
void bench_unary(benchmark::State& state, const char* name, double lo, double hi, int64_t stride) {
  const Kernel& k = kernel<T>(name);
  const int64_t n = state.range(0);
  std::vector<T> in(static_cast<size_t>(n * stride)), out(static_cast<size_t>(n * stride));
  std::mt19937_64 rng(42);
  std::uniform_real_distribution<double> dist(lo, hi);
  for (auto& x : in) x = static_cast<T>(dist(rng));
  char* args[2] = {reinterpret_cast<char*>(in.data()), reinterpret_cast<char*>(out.data())};
  const int64_t dims[1] = {n};
  const int64_t steps[2] = {stride * static_cast<int64_t>(sizeof(T)), stride * static_cast<int64_t>(sizeof(T))};
  LoopContext context;
  context.kernel_data = k.data;
  StridedLoop loop = stride == 1 ? k.contiguous : k.strided;
  for (auto _ : state) {
    loop(args, dims, steps, &context);
    benchmark::DoNotOptimize(out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations() * n);
  state.counters["ns/elem"] =
      benchmark::Counter(static_cast<double>(n) * 1e-9, benchmark::Counter::kIsIterationInvariantRate |
                                                            benchmark::Counter::kInvert);
}

#define MATH_BENCH(fn, T, lo, hi)                                                                \
  void BM_##fn##_##T(benchmark::State& state) { bench_unary<T>(state, #fn, lo, hi, 1); }         \
  BENCHMARK(BM_##fn##_##T)->Arg(1000000)->Unit(benchmark::kMillisecond);

MATH_BENCH(exp, double, -10, 10)
MATH_BENCH(sin, double, -100, 100)
MATH_BENCH(log, double, 0, 1000)
MATH_BENCH(exp, float, -10, 10)
MATH_BENCH(sin, float, -100, 100)
MATH_BENCH(log, float, 0, 1000)
MATH_BENCH(cos, double, -100, 100)
MATH_BENCH(tanh, double, -5, 5)
MATH_BENCH(exp2, double, -10, 10)
MATH_BENCH(sqrt, double, 0, 1000)

// Every other element of 2e6 (the strided loop gathers blocks for the SIMD loop).
void BM_exp_double_stride2(benchmark::State& state) { bench_unary<double>(state, "exp", -10, 10, 2); }
BENCHMARK(BM_exp_double_stride2)->Arg(1000000)->Unit(benchmark::kMillisecond);

}  // namespace

int main(int argc, char** argv) {
  registry();
  benchmark::AddCustomContext("highway_target", simd_target());
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
