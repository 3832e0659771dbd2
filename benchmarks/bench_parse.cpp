// Datashape parsing speed (issue targets: int64 <= 50 ns, `10 * 20 * float64` <= 130 ns,
// the ragged record <= 300 ns, a 20-field record <= 1,700 ns, corpus mean <= 220 ns) and
// O(1) equality and hashing.
#include <benchmark/benchmark.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "ndt/type.hpp"

namespace ndt = pluribus::ndt;

namespace {

void parse_one(benchmark::State& state, const std::string& text) {
  for (auto _ : state) benchmark::DoNotOptimize(ndt::parse(text));
}

std::string twenty_fields() {
  std::string s = "{";
  const char* types[] = {"int64", "float64", "string", "?int32", "var * float32"};
  for (int i = 0; i < 20; ++i) s += (i ? ", f" : "f") + std::to_string(i) + ": " + types[i % 5];
  return s + "}";
}

// Corpus rows every suite accepts (the typedef-free ones), as the conformance test reads them.
std::vector<std::string> corpus_ok_rows() {
  std::vector<std::string> rows;
  std::ifstream in(PLURIBUS_CONFORMANCE_TSV);
  std::string line;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    std::string col;
    while (std::getline(ss, col, '\t')) cols.push_back(col);
    if (cols.size() < 4) continue;
    bool ok = false, err = false;
    for (int c = 1; c <= 3; ++c) {
      ok |= cols[c] == "ok";
      err |= cols[c] == "err";
    }
    if (!ok || err || cols[0].find('\\') != std::string::npos) continue;
    try {
      (void)ndt::parse(cols[0]);
      rows.push_back(cols[0]);
    } catch (const std::exception&) {
      // rows needing typedefs or listed exceptions
    }
  }
  return rows;
}

void BM_parse_corpus_mean(benchmark::State& state) {
  static const auto rows = corpus_ok_rows();
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(ndt::parse(rows[i]));
    if (++i == rows.size()) i = 0;
  }
  state.counters["rows"] = static_cast<double>(rows.size());
}

void BM_equal(benchmark::State& state) {
  ndt::Type a = ndt::parse("var * {name: string, amount: float64, tags: var * string}");
  ndt::Type b = ndt::parse("var * {name: string, amount: float64, tags: var * string}");
  for (auto _ : state) benchmark::DoNotOptimize(a == b);
}

void BM_hash(benchmark::State& state) {
  ndt::Type a = ndt::parse(twenty_fields());
  for (auto _ : state) benchmark::DoNotOptimize(a.hash());
}

}  // namespace

BENCHMARK_CAPTURE(parse_one, int64, std::string("int64"));
BENCHMARK_CAPTURE(parse_one, fixed_2d, std::string("10 * 20 * float64"));
BENCHMARK_CAPTURE(parse_one, ragged_record,
                  std::string("var * {name: string, amount: float64, tags: var * string}"));
BENCHMARK_CAPTURE(parse_one, record_20_fields, twenty_fields());
BENCHMARK(BM_parse_corpus_mean);
BENCHMARK(BM_equal);
BENCHMARK(BM_hash);

BENCHMARK_MAIN();
