// Uses the installed C++ API: ndt::parse, layout queries and the exception family.
#include <cstdio>

#include <ndt/type.hpp>

namespace ndt = pluribus::ndt;

int main() {
  const ndt::Type t = ndt::parse("2 * {x: int16, y: float32}");
  std::printf("c++: %s size %lld\n", t.str().c_str(), static_cast<long long>(t.size()));
  try {
    ndt::parse("2 * * int8");
    return 1;
  } catch (const pluribus::ParseError& e) {
    std::printf("c++: parse error at column %d\n", e.column());
  }
  return t.size() == 16 && t.dtype().field("y").offset == 4 ? 0 : 1;
}
