// Concurrent callers: dispatch resolves and caches under many threads at once, and each
// caller gets its own correct result (clean under ThreadSanitizer).
#include <doctest/doctest.h>

#include <tbb/task_arena.h>

#include <atomic>
#include <thread>

#include "gfunc/call.hpp"
#include "gfunc/define.hpp"
#include "gfunc/dispatch.hpp"
#include "helpers.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;
using namespace pluribus::gfunc::testing;

TEST_CASE("threads: concurrent calls resolve, cache and compute independently") {
  Registry r;
  r.define("mul", "(... * int32, ... * int32) -> ... * int32", [](int32_t a, int32_t b) { return a * b; });
  r.define("mul", "(... * int64, ... * int64) -> ... * int64", [](int64_t a, int64_t b) { return a * b; });
  r.define("mul", "(... * float64, ... * float64) -> ... * float64", [](double a, double b) { return a * b; });
  const Function& mul = r.get("mul");
  const ndt::Type kinds[] = {ndt::int8, ndt::int16, ndt::int32, ndt::uint8, ndt::uint16, ndt::int64, ndt::float32, ndt::float64};
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < 8; ++t)
    threads.emplace_back([&, t] {
      for (int i = 0; i < 200; ++i) {
        ndt::Type a = kinds[(t + i) % 8], b = kinds[(t * 3 + i) % 8];
        ndt::Type pair[] = {a, b};
        const Resolution& res = resolve(mul, pair);
        // The result dtype is the kernel NumPy's promotion reaches (int32/int64/float64 here).
        ndt::Type want = res.out_dtypes[0];
        if (want != ndt::int32 && want != ndt::int64 && want != ndt::float64) ++failures;
        Array<double> x(ndt::float64, {4}, {1, 2, 3, 4});
        Array<double> y(ndt::float64, {4}, {double(t), double(i), 2, 0.5});
        Array<double> z(ndt::float64, {4});
        BufferView in[] = {x.view(), y.view()};
        BufferView out[] = {z.view()};
        CallOptions serial;
        serial.max_threads = 1;
        call_into(mul, in, out, serial);
        if (z.values != std::vector<double>{double(t), 2.0 * i, 6, 2}) ++failures;
      }
    });
  for (auto& th : threads) th.join();
  CHECK(failures.load() == 0);
}

namespace {
std::atomic<int> concurrency_seen{0};
// A core-dim kernel that reports how many threads its own oneTBB work could use.
int sum_reporting(char** args, const int64_t* dims, const int64_t* steps, LoopContext*) noexcept {
  concurrency_seen = tbb::this_task_arena::max_concurrency();
  for (int64_t i = 0; i < dims[0]; ++i) {
    double s = 0;
    for (int64_t k = 0; k < dims[1]; ++k) s += *reinterpret_cast<const double*>(args[0] + i * steps[0] + k * steps[2]);
    *reinterpret_cast<double*>(args[1] + i * steps[1]) = s;
  }
  return loop_ok;
}
}  // namespace

TEST_CASE("threads: max_threads caps the threads a core-dim kernel's own parallel work may use") {
  Registry r;
  r.add("rowsum", "(... * N * float64) -> ... * float64", sum_reporting);
  Array<double> x(ndt::float64, {2, 3}, {1, 2, 3, 4, 5, 6});
  Array<double> y(ndt::float64, {2});
  BufferView in[] = {x.view()};
  BufferView out[] = {y.view()};
  for (int cap : {1, 2, 3}) {
    CAPTURE(cap);
    CallOptions o;
    o.max_threads = cap;
    concurrency_seen = 0;
    call_into(r.get("rowsum"), in, out, o);
    CHECK(concurrency_seen == cap);
    CHECK(y.values == std::vector<double>{6, 15});
  }
  concurrency_seen = 0;
  call_into(r.get("rowsum"), in, out);  // no cap: the default arena
  CHECK(concurrency_seen == tbb::this_task_arena::max_concurrency());
}
