// JSON into arrays (MB/s of text) and JSON out: 1e6 float64 numbers (fast scanner and the
// SAX path), and ~100 MB of `var * {id: int64, name: string, score: ?float64}` records with
// the peak resident memory of the read next to the input and the array's size.
#include <benchmark/benchmark.h>
#include <fmt/format.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <string>

#include "container/array.hpp"
#include "container/json.hpp"

namespace nd = pluribus::nd;
namespace ndt = pluribus::ndt;

namespace {

constexpr int64_t kNumbers = 1000000;

// 1e6 doubles of varied magnitude in their shortest round-trip form (~19 bytes each).
const std::string& numbers_text() {
  static const std::string text = [] {
    std::mt19937_64 random(42);
    std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
    std::uniform_int_distribution<int> exponent(-20, 20);
    std::string out = "[";
    out.reserve(static_cast<std::size_t>(kNumbers) * 24);
    for (int64_t i = 0; i < kNumbers; ++i) {
      if (i) out += ", ";
      fmt::format_to(std::back_inserter(out), "{}",
                     mantissa(random) * std::pow(10.0, exponent(random)));
    }
    out += "]";
    return out;
  }();
  return text;
}

int64_t current_rss_bytes() {
  long pages = 0, resident = 0;
  if (std::FILE* f = std::fopen("/proc/self/statm", "r")) {
    if (std::fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
    std::fclose(f);
  }
  return static_cast<int64_t>(resident) * ::sysconf(_SC_PAGESIZE);
}

int64_t peak_rss_bytes() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;
}

void BM_read_float64_1e6(benchmark::State& state) {
  const std::string& text = numbers_text();
  const ndt::Type type = ndt::make_fixed_dim(kNumbers, ndt::float64);
  for (auto _ : state) {
    nd::Array a = nd::from_json(text, type);
    benchmark::DoNotOptimize(a.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_read_float64_1e6)->Unit(benchmark::kMillisecond);

// The same text through nlohmann's SAX events (?float64 takes the general path).
void BM_read_float64_1e6_sax(benchmark::State& state) {
  const std::string& text = numbers_text();
  const ndt::Type type = ndt::make_fixed_dim(kNumbers, ndt::make_option(ndt::float64));
  for (auto _ : state) {
    nd::Array a = nd::from_json(text, type);
    benchmark::DoNotOptimize(a.data());
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_read_float64_1e6_sax)->Unit(benchmark::kMillisecond);

void BM_write_float64_1e6(benchmark::State& state) {
  nd::Array a = nd::from_json(numbers_text(), ndt::make_fixed_dim(kNumbers, ndt::float64));
  int64_t bytes = 0;
  for (auto _ : state) {
    std::string text = nd::to_json(a);
    bytes += static_cast<int64_t>(text.size());
    benchmark::DoNotOptimize(text.data());
  }
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_write_float64_1e6)->Unit(benchmark::kMillisecond);

void BM_discover_float64_1e6(benchmark::State& state) {
  const std::string& text = numbers_text();
  for (auto _ : state) benchmark::DoNotOptimize(nd::discover_json(text));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(text.size()));
}
BENCHMARK(BM_discover_float64_1e6)->Unit(benchmark::kMillisecond);

// ~100 MB of records; every tenth score is null.
struct Records {
  std::string text;
  int64_t count = 0;
  int64_t string_bytes = 0;  // name bytes plus their NUL terminators
};
const Records& records() {
  static const Records r = [] {
    Records out;
    const std::size_t target = std::size_t{100} << 20;
    out.text.reserve(target + 256);
    out.text += '[';
    std::mt19937_64 random(7);
    while (out.text.size() < target) {
      const int64_t i = out.count++;
      if (i) out.text += ",\n";
      const auto name = fmt::format("name_{}", random() % 1000000);
      out.string_bytes += static_cast<int64_t>(name.size()) + 1;
      if (i % 10 == 9)
        fmt::format_to(std::back_inserter(out.text), R"({{"id": {}, "name": "{}", "score": null}})",
                       i, name);
      else
        fmt::format_to(std::back_inserter(out.text), R"({{"id": {}, "name": "{}", "score": {}}})",
                       i, name, static_cast<double>(random() % 100000) / 64.0);
    }
    out.text += "]";
    return out;
  }();
  return r;
}

void BM_read_records_100MB(benchmark::State& state) {
  const Records& r = records();
  const ndt::Type type = ndt::parse("var * {id: int64, name: string, score: ?float64}");
  const int64_t base = current_rss_bytes();  // the input is resident already
  for (auto _ : state) {
    nd::Array a = nd::from_json(r.text, type);
    benchmark::DoNotOptimize(a.data());
  }
  const int64_t array_bytes = 16 + r.count * type.child().size() + r.string_bytes;
  const int64_t extra = peak_rss_bytes() - base;
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(r.text.size()));
  state.counters["input_MB"] = static_cast<double>(r.text.size()) / 1e6;
  state.counters["array_MB"] = static_cast<double>(array_bytes) / 1e6;
  state.counters["peak_over_input_MB"] = static_cast<double>(extra) / 1e6;
  // The target: peak <= input + 2 x array, i.e. this ratio <= 2.
  state.counters["peak_over_input_per_array"] =
      static_cast<double>(extra) / static_cast<double>(array_bytes);
}
BENCHMARK(BM_read_records_100MB)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
