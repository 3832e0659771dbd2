// The per-call cost of calling a function through the C ABI (plb_function_call) next to
// the same call in C++ (gfunc::call_into): a 1-element float64 add into a caller-supplied
// output, so the figure is the overhead of dispatch and setup, not arithmetic. Target for
// the C path: <= 100 ns. `allocs` counts heap allocations per call (operator new).
// The calls are opaque (libpluribus), so nothing is optimised away; the output is not
// passed to DoNotOptimize, whose "+r,m" asm (Debian's Google Benchmark 1.7) made GCC 12
// write a stale register back into the double.
//
//   build/benchmarks/bench_capi_call
#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

#include <benchmark/benchmark.h>

#include "gfunc/call.hpp"
#include "pluribus.h"

namespace {

std::atomic<int64_t> allocations{0};

}  // namespace

// Counting replacements of the global allocation functions (they also serve libpluribus).
// GCC cannot see that this operator new is malloc, hence the pragma around free().
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
void* operator new(std::size_t size) {
  allocations.fetch_add(1, std::memory_order_relaxed);
  if (void* p = std::malloc(size ? size : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }
#pragma GCC diagnostic pop

namespace {

namespace gfunc = pluribus::gfunc;
namespace ndt = pluribus::ndt;

constexpr const char* kAddSignature = "(... * float64, ... * float64) -> ... * float64";

int c_add(char** args, const int64_t* dimensions, const int64_t* steps, plb_loop_context*) {
  char* a = args[0];
  char* b = args[1];
  char* out = args[2];
  for (int64_t i = 0; i < dimensions[0]; ++i) {
    *reinterpret_cast<double*>(out) = *reinterpret_cast<const double*>(a) +
                                      *reinterpret_cast<const double*>(b);
    a += steps[0];
    b += steps[1];
    out += steps[2];
  }
  return PLB_LOOP_OK;
}

// A float64 add registered from C: its loop runs behind the C-loop trampoline.
const plb_function* c_add_function() {
  static const plb_function* function = [] {
    const plb_function* out = nullptr;
    if (plb_function_register("bench_capi_add", kAddSignature, c_add, nullptr, nullptr, 0, &out,
                              nullptr) != PLB_OK)
      std::abort();
    return out;
  }();
  return function;
}

// The built-in add when the registry has one, else the C-registered add.
const plb_function* add_function() {
  const plb_function* function = nullptr;
  if (plb_function_lookup("add", &function, nullptr) == PLB_OK) return function;
  return c_add_function();
}

const gfunc::Function& cxx(const plb_function* function) {
  return gfunc::builtins().get(plb_function_name(function));
}

struct Operands {
  double a = 1, b = 2, out = 0;
  int64_t shape[1] = {1};
  int64_t strides[1] = {sizeof(double)};
};

void c_call(benchmark::State& state, const plb_function* function) {
  Operands o;
  plb_type* float64 = nullptr;
  plb_type_parse("float64", PLB_NUL_TERMINATED, 0, &float64, nullptr);
  plb_buffer inputs[2] = {};
  plb_buffer output = {};
  for (plb_buffer* b : {&inputs[0], &inputs[1], &output}) {
    b->dtype = float64;
    b->ndim = 1;
    b->shape = o.shape;
    b->strides = o.strides;
  }
  inputs[0].data = &o.a;
  inputs[1].data = &o.b;
  output.data = &o.out;
  plb_error* err = plb_error_new();
  const int64_t before = allocations.load();
  for (auto _ : state) {
    plb_status status = plb_function_call(function, 2, inputs, 1, &output, nullptr, err);
    benchmark::DoNotOptimize(status);
  }
  state.counters["allocs"] = benchmark::Counter(static_cast<double>(allocations.load() - before),
                                                benchmark::Counter::kAvgIterations);
  if (plb_error_code(err) != PLB_OK || o.out != 3) state.SkipWithError(plb_error_message(err));
  plb_error_free(err);
  plb_type_release(float64);
}

void cxx_call(benchmark::State& state, const gfunc::Function& function) {
  Operands o;
  const ndt::Type float64 = ndt::parse("float64");
  const gfunc::BufferView inputs[2] = {
      {reinterpret_cast<char*>(&o.a), float64, o.shape, o.strides},
      {reinterpret_cast<char*>(&o.b), float64, o.shape, o.strides}};
  const gfunc::BufferView outputs[1] = {
      {reinterpret_cast<char*>(&o.out), float64, o.shape, o.strides}};
  const int64_t before = allocations.load();
  for (auto _ : state) {
    gfunc::call_into(function, inputs, outputs);
  }
  state.counters["allocs"] = benchmark::Counter(static_cast<double>(allocations.load() - before),
                                                benchmark::Counter::kAvgIterations);
  if (o.out != 3) state.SkipWithError("wrong sum");
}

// The add the registry offers ("add" once the arithmetic family is in, else the C loop).
void BM_add_1_c(benchmark::State& state) { c_call(state, add_function()); }
void BM_add_1_cxx(benchmark::State& state) { cxx_call(state, cxx(add_function())); }
// The C-registered add: the same call plus the trampoline into the C loop.
void BM_c_loop_add_1_c(benchmark::State& state) { c_call(state, c_add_function()); }
void BM_c_loop_add_1_cxx(benchmark::State& state) { cxx_call(state, cxx(c_add_function())); }

BENCHMARK(BM_add_1_c);
BENCHMARK(BM_add_1_cxx);
BENCHMARK(BM_c_loop_add_1_c);
BENCHMARK(BM_c_loop_add_1_cxx);

}  // namespace

BENCHMARK_MAIN();
