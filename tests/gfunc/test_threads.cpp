// Concurrent callers: dispatch resolves and caches under many threads at once, and each
// caller gets its own correct result (clean under ThreadSanitizer).
#include <doctest/doctest.h>

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
