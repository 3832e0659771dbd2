// nd::Array benchmarks: creating arrays and views (targets <= 100 ns each), and the strided
// copy / astype / transpose-copy of a 3000 x 3000 float64 array that compare_numpy.py sets
// beside np.copyto / astype / np.ascontiguousarray(a.T).
#include <benchmark/benchmark.h>

#include "container/array.hpp"
#include "gfunc/simd.hpp"

namespace nd = pluribus::nd;
namespace ndt = pluribus::ndt;

namespace {

constexpr int64_t kSide = 3000;

nd::Array grid(int64_t rows, int64_t cols) {
  nd::Array a = nd::Array::empty(ndt::make_fixed_dim(rows, ndt::make_fixed_dim(cols, ndt::float64)));
  auto* p = reinterpret_cast<double*>(a.data());
  for (int64_t i = 0; i < rows * cols; ++i) p[i] = static_cast<double>((i * 7919) % 10007) / 10007.0;
  return a;
}

void BM_create_scalar(benchmark::State& state) {
  for (auto _ : state) {
    nd::Array a = nd::Array::scalar(1.5);
    benchmark::DoNotOptimize(a.data());
  }
}
BENCHMARK(BM_create_scalar);

void BM_create_one_element(benchmark::State& state) {
  const ndt::Type t = ndt::parse("1 * float64");
  for (auto _ : state) {
    nd::Array a = nd::Array::empty(t);
    benchmark::DoNotOptimize(a.data());
  }
}
BENCHMARK(BM_create_one_element);

void BM_view_index(benchmark::State& state) {
  nd::Array a = grid(4, 4);
  for (auto _ : state) {
    nd::Array v = a(1);
    benchmark::DoNotOptimize(v.data());
  }
}
BENCHMARK(BM_view_index);

void BM_view_slice(benchmark::State& state) {
  nd::Array a = grid(4, 4);
  for (auto _ : state) {
    nd::Array v = a(nd::all, nd::slice(std::nullopt, std::nullopt, -1));
    benchmark::DoNotOptimize(v.data());
  }
}
BENCHMARK(BM_view_slice);

// np.copyto(dst, src[:, ::2]): every other column of a 3000 x 6000 array.
void BM_copy_strided(benchmark::State& state) {
  nd::Array src = grid(kSide, 2 * kSide)(nd::all, nd::slice(std::nullopt, std::nullopt, 2));
  nd::Array dst = nd::Array::empty(src.type());
  for (auto _ : state) dst.assign(src);
  state.SetItemsProcessed(state.iterations() * kSide * kSide);
}
BENCHMARK(BM_copy_strided)->UseRealTime()->Unit(benchmark::kMillisecond);

// a.astype(np.float32)
void BM_astype_f64_f32(benchmark::State& state) {
  nd::Array a = grid(kSide, kSide);
  for (auto _ : state) {
    nd::Array b = a.astype(ndt::float32);
    benchmark::DoNotOptimize(b.data());
  }
  state.SetItemsProcessed(state.iterations() * kSide * kSide);
}
BENCHMARK(BM_astype_f64_f32)->UseRealTime()->Unit(benchmark::kMillisecond);

// np.copyto(dst32, a, casting="unsafe"): the same cast into an existing array (no page faults).
void BM_assign_f64_f32(benchmark::State& state) {
  nd::Array a = grid(kSide, kSide);
  nd::Array b = a.astype(ndt::float32);
  for (auto _ : state) b.assign(a);
  state.SetItemsProcessed(state.iterations() * kSide * kSide);
}
BENCHMARK(BM_assign_f64_f32)->UseRealTime()->Unit(benchmark::kMillisecond);

// np.ascontiguousarray(a.T)
void BM_transpose_copy(benchmark::State& state) {
  nd::Array a = grid(kSide, kSide);
  for (auto _ : state) {
    nd::Array b = a.transpose().copy();
    benchmark::DoNotOptimize(b.data());
  }
  state.SetItemsProcessed(state.iterations() * kSide * kSide);
}
BENCHMARK(BM_transpose_copy)->UseRealTime()->Unit(benchmark::kMillisecond);

}  // namespace

// The SIMD target the kernels ran on, in the report's context (compare_numpy.py prints it).
const bool kTargetReported =
    (benchmark::AddCustomContext("simd_target", pluribus::gfunc::simd_target()), true);

BENCHMARK_MAIN();
