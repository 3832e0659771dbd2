#!/usr/bin/env bash
# Instructions per parse of the benchmark datashapes, counted by callgrind: repeatable on a
# busy machine, unlike timings. Usage: benchmarks/count_instructions.sh [BUILD_DIR]
# (BUILD_DIR holds a Release build of pluribus_ndt; default build-rel.)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-rel}
cmake --build "$build" --target pluribus_ndt > /dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/loop.cpp" <<'CPP'
#include <cstdlib>
#include "ndt/type.hpp"
int main(int argc, char** argv) {
  for (int i = 0, n = std::atoi(argv[2]); i < n; ++i) (void)pluribus::ndt::parse(argv[1]);
}
CPP
g++ -std=c++20 -O2 -I. "$work/loop.cpp" "$build/libpluribus_ndt.a" -lfmt -o "$work/loop"
# The corpus rows BM_parse_corpus_mean cycles through (the ok rows that parse without
# typedefs), parsed in order, passes times over.
cat > "$work/corpus.cpp" <<'CPP'
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include "ndt/type.hpp"
int main(int argc, char** argv) {
  std::ifstream in(argv[1]);
  std::string line;
  std::vector<std::string> rows;
  std::getline(in, line);
  while (std::getline(in, line)) {
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
    if (cols.size() < 4) continue;
    bool ok = false, err = false;
    for (int c = 1; c <= 3; ++c) ok |= cols[c] == "ok", err |= cols[c] == "err";
    if (!ok || err || cols[0].find('\\') != std::string::npos) continue;
    try {
      (void)pluribus::ndt::parse(cols[0]);
      rows.push_back(cols[0]);
    } catch (const std::exception&) {
    }
  }
  for (int i = 0, n = std::atoi(argv[2]); i < n; ++i)
    for (const auto& r : rows) (void)pluribus::ndt::parse(r);
  if (argc > 3) std::printf("%zu\n", rows.size());
}
CPP
g++ -std=c++20 -O2 -I. "$work/corpus.cpp" "$build/libpluribus_ndt.a" -lfmt -o "$work/corpus"
corpus=../shared/conformance/datashape_vectors.tsv
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "${prog:-$work/loop}" "$1" "$2" 2>&1 |
    sed -n 's/.*I *refs: *//p' | tr -d ,
}
fields=""
types=(int64 float64 string ?int32 "var * float32")
for i in $(seq 0 19); do fields+="${fields:+, }f$i: ${types[$((i % 5))]}"; done
for s in "int64" "10 * 20 * float64" "var * {name: string, amount: float64, tags: var * string}" \
         "{$fields}"; do
  one=$(count "$s" 1)
  many=$(count "$s" 1001)
  echo "$(( (many - one) / 1000 )) instructions/parse  ${s:0:60}"
done
rows=$("$work/corpus" "$corpus" 0 rows)
one=$(prog="$work/corpus" count "$corpus" 1)
three=$(prog="$work/corpus" count "$corpus" 3)
echo "$(( (three - one) / (2 * rows) )) instructions/parse  corpus mean over $rows ok rows (steady state)"
