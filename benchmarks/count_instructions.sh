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
count() {
  valgrind --tool=callgrind --callgrind-out-file=/dev/null "$work/loop" "$1" "$2" 2>&1 |
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
