// Many threads parsing, comparing, hashing, printing and dropping types at once: hash-consing
// must still give one node per type, and freeing must never race with reviving a node.
// Clean under ThreadSanitizer (-DPLURIBUS_TSAN=ON).
#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <fmt/format.h>

#include "ndt/type.hpp"

using namespace pluribus;

TEST_CASE("types are shared safely across threads") {
  // A mix of shapes so that threads create, share and free the same nodes concurrently.
  std::vector<std::string> texts;
  for (int i = 0; i < 40; ++i) {
    texts.push_back(fmt::format("{} * {{a: int{}, b: ?string, c: var * float64}}", i % 7 + 1,
                                8 << (i % 4)));
    texts.push_back(fmt::format("var * {} * (int8, float32)", i));
    texts.push_back(fmt::format("(M * N * T, {} * T) -> M * T", i % 5 + 1));
  }
  // Reference types parsed before the threads start (kept alive in this thread).
  std::vector<ndt::Type> reference;
  for (const auto& t : texts) reference.push_back(ndt::parse(t));

  const int nthreads = 8;
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int k = 0; k < nthreads; ++k) {
    threads.emplace_back([&, k] {
      for (int round = 0; round < 150; ++round) {
        for (std::size_t i = 0; i < texts.size(); ++i) {
          std::size_t j = (i * 7 + static_cast<std::size_t>(k + round)) % texts.size();
          ndt::Type t = ndt::parse(texts[j]);
          if (t != reference[j] || t.hash() != reference[j].hash() || t.str() != reference[j].str())
            ++mismatches;
          // Types nobody else holds are created and dropped here, racing with other threads
          // reviving the same nodes.
          ndt::Type fresh = ndt::make_fixed_dim(static_cast<int64_t>(1000 + (round % 17)), t.is_concrete() ? t : ndt::int8);
          if (ndt::parse(fresh.str()) != fresh) ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(mismatches.load() == 0);
  // Still one node per type after all that churn.
  for (std::size_t i = 0; i < texts.size(); ++i) CHECK(ndt::parse(texts[i]) == reference[i]);
}

TEST_CASE("types no thread holds are freed and rebuilt safely across threads") {
  // More distinct types than the threads' caches and the rings of unused nodes keep, so
  // that nodes go through the whole cycle — created, cached, evicted, parked, freed — while
  // other threads revive the same types.
  const int64_t distinct = 24000;
  std::vector<ndt::Type> reference;  // every 97th type, kept alive throughout
  for (int64_t n = 0; n < distinct; n += 97) reference.push_back(ndt::make_fixed_dim(n, ndt::int16));

  const int nthreads = 4;
  std::atomic<int> mismatches{0};
  std::vector<std::thread> threads;
  for (int k = 0; k < nthreads; ++k) {
    threads.emplace_back([&, k] {
      for (int round = 0; round < 2; ++round) {
        for (int64_t i = 0; i < distinct; ++i) {
          // Threads walk the types in different orders, so they meet on the same ones.
          const int64_t n = (i * (2 * k + 1) + round * 5000) % distinct;
          ndt::Type t = ndt::parse(fmt::format("{} * int16", n));
          // 2-byte items laid out contiguously: a stride of 2 and a size of 2n bytes.
          if (t.shape() != n || t.stride() != 2 || t.size() != 2 * n) ++mismatches;
          if (t != ndt::make_fixed_dim(n, ndt::int16)) ++mismatches;
          if (n % 97 == 0 && t != reference[static_cast<std::size_t>(n / 97)]) ++mismatches;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(mismatches.load() == 0);
}
