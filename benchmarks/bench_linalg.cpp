// matmul and inner speed, in FLOP/s (2*M*N*P per product), single-threaded ("/1thread")
// and with oneTBB's default thread count ("/threads"), with the best Highway target of the
// CPU and, for comparison, with the AVX2 target ("_avx2"). Target: float64 512x512 single
// thread >= 4x NumPy as Debian ships it (reference BLAS), i.e. >= 18.4 GFLOP/s here.
// The loops are called directly through the gufunc ABI (no executor overhead).
//
// NumPy for comparison:
//   /usr/bin/python3 -m timeit -s "import numpy as np; a=np.random.rand(512,512); b=np.random.rand(512,512)" "a@b"
#include <benchmark/benchmark.h>
#include <hwy/targets.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <cstdint>
#include <memory>
#include <random>
#include <vector>

#include "gfunc/kernel.hpp"
#include "gfunc/simd.hpp"
#include "gfunc/kernels/families.hpp"

namespace gfunc = pluribus::gfunc;

namespace {

const gfunc::Registry& registry() {
  static gfunc::Registry* r = [] {
    static gfunc::Registry reg;
    gfunc::kernels::register_linalg(reg);
    return &reg;
  }();
  return *r;
}

// The loops of the AVX2 target, whatever the CPU's best is (AVX3 = AVX-512 on Zen 4/5).
const gfunc::Registry& registry_avx2() {
  static gfunc::Registry* r = [] {
    static gfunc::Registry reg;
    gfunc::kernels::use_simd_target(HWY_AVX2);
    gfunc::kernels::register_linalg(reg);
    gfunc::kernels::use_simd_target(0);
    return &reg;
  }();
  return *r;
}

template <typename T>
const gfunc::Kernel& kernel(const char* name, bool avx2 = false) {
  // registration order: int32, int64, float32, float64, complex64, complex128
  return (avx2 ? registry_avx2() : registry()).get(name).kernels()[sizeof(T) == 4 ? 2 : 3];
}

template <typename T>
std::vector<T> random_matrix(int64_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> u(-1, 1);
  std::vector<T> v(static_cast<size_t>(n));
  for (auto& x : v) x = static_cast<T>(u(rng));
  return v;
}

// C (n x n) = A (n x n) B (n x n), row-major, or B transposed when `transposed_b`.
template <typename T>
void matmul(benchmark::State& state, bool single_thread, bool transposed_b, bool avx2 = false) {
  const int64_t n = state.range(0);
  std::unique_ptr<tbb::global_control> limit;
  if (single_thread)
    limit = std::make_unique<tbb::global_control>(tbb::global_control::max_allowed_parallelism, 1);
  std::vector<T> a = random_matrix<T>(n * n, 1), b = random_matrix<T>(n * n, 2), c(n * n);
  const gfunc::Kernel& k = kernel<T>("matmul", avx2);
  const int64_t es = sizeof(T);
  char* args[3] = {reinterpret_cast<char*>(a.data()), reinterpret_cast<char*>(b.data()),
                   reinterpret_cast<char*>(c.data())};
  const int64_t dims[4] = {1, n, n, n};
  const int64_t bk = transposed_b ? es : n * es, bp = transposed_b ? n * es : es;
  const int64_t steps[9] = {0, 0, 0, n * es, es, bk, bp, n * es, es};
  gfunc::LoopContext ctx;
  for (auto _ : state) {
    k.strided(args, dims, steps, &ctx);
    benchmark::DoNotOptimize(c.data());
    benchmark::ClobberMemory();
  }
  state.counters["FLOP/s"] =
      benchmark::Counter(2.0 * static_cast<double>(n * n * n), benchmark::Counter::kIsIterationInvariantRate);
}

template <typename T>
void inner(benchmark::State& state) {
  const int64_t n = state.range(0);
  std::vector<T> a = random_matrix<T>(n, 1), b = random_matrix<T>(n, 2);
  T out{};
  const gfunc::Kernel& k = kernel<T>("inner");
  char* args[3] = {reinterpret_cast<char*>(a.data()), reinterpret_cast<char*>(b.data()),
                   reinterpret_cast<char*>(&out)};
  const int64_t dims[2] = {1, n};
  const int64_t steps[5] = {0, 0, 0, sizeof(T), sizeof(T)};
  gfunc::LoopContext ctx;
  for (auto _ : state) {
    k.strided(args, dims, steps, &ctx);
    benchmark::DoNotOptimize(out);
  }
  state.counters["FLOP/s"] =
      benchmark::Counter(2.0 * static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}

// The machine is shared: report wall time and also the best repetition
// (--benchmark_repetitions=N), the figure least disturbed by other processes: the "min"
// row for times, the "max" row for FLOP/s.
double best(const std::vector<double>& v) { return *std::min_element(v.begin(), v.end()); }
double most(const std::vector<double>& v) { return *std::max_element(v.begin(), v.end()); }

void BM_matmul_f64_1thread(benchmark::State& s) { matmul<double>(s, true, false); }
void BM_matmul_f32_1thread(benchmark::State& s) { matmul<float>(s, true, false); }
void BM_matmul_f64_avx2_1thread(benchmark::State& s) { matmul<double>(s, true, false, true); }
void BM_matmul_f32_avx2_1thread(benchmark::State& s) { matmul<float>(s, true, false, true); }
void BM_matmul_f64_transposed_b_1thread(benchmark::State& s) { matmul<double>(s, true, true); }
void BM_matmul_f64_threads(benchmark::State& s) { matmul<double>(s, false, false); }
void BM_matmul_f32_threads(benchmark::State& s) { matmul<float>(s, false, false); }
void BM_inner_f64(benchmark::State& s) { inner<double>(s); }
void BM_inner_f32(benchmark::State& s) { inner<float>(s); }

}  // namespace

BENCHMARK(BM_matmul_f64_1thread)->Arg(64)->Arg(512)->Unit(benchmark::kMicrosecond)
    ->UseRealTime()->ComputeStatistics("min", best)->ComputeStatistics("max", most);
BENCHMARK(BM_matmul_f32_1thread)->Arg(64)->Arg(512)->Unit(benchmark::kMicrosecond)
    ->UseRealTime()->ComputeStatistics("min", best)->ComputeStatistics("max", most);
BENCHMARK(BM_matmul_f64_avx2_1thread)->Arg(64)->Arg(512)->Unit(benchmark::kMicrosecond)
    ->UseRealTime()->ComputeStatistics("min", best)->ComputeStatistics("max", most);
BENCHMARK(BM_matmul_f32_avx2_1thread)->Arg(512)->Unit(benchmark::kMicrosecond)
    ->UseRealTime()->ComputeStatistics("min", best)->ComputeStatistics("max", most);
BENCHMARK(BM_matmul_f64_transposed_b_1thread)->Arg(512)->Unit(benchmark::kMicrosecond)
    ->UseRealTime()->ComputeStatistics("min", best)->ComputeStatistics("max", most);
BENCHMARK(BM_matmul_f64_threads)->Arg(512)->Arg(1024)->Unit(benchmark::kMicrosecond)
    ->UseRealTime()->ComputeStatistics("min", best)->ComputeStatistics("max", most);
BENCHMARK(BM_matmul_f32_threads)->Arg(512)->Unit(benchmark::kMicrosecond)
    ->UseRealTime()->ComputeStatistics("min", best)->ComputeStatistics("max", most);
BENCHMARK(BM_inner_f64)->Arg(1000)->Arg(100000)
    ->UseRealTime()->ComputeStatistics("min", best)->ComputeStatistics("max", most);
BENCHMARK(BM_inner_f32)->Arg(1000)->Arg(100000)
    ->UseRealTime()->ComputeStatistics("min", best)->ComputeStatistics("max", most);

BENCHMARK_MAIN();
