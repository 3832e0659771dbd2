// Uses the installed C++ API: ndt::parse, layout queries, the exception family, a gfunc
// user kernel called on typed buffers, and nd::Array views and operators.
#include <cstdio>

#include <container/array.hpp>
#include <gfunc/call.hpp>
#include <gfunc/define.hpp>
#include <ndt/type.hpp>

namespace ndt = pluribus::ndt;
namespace gfunc = pluribus::gfunc;
namespace nd = pluribus::nd;

int main() {
  const ndt::Type t = ndt::parse("2 * {x: int16, y: float32}");
  std::printf("c++: %s size %lld\n", t.str().c_str(), static_cast<long long>(t.size()));
  try {
    ndt::parse("2 * * int8");
    return 1;
  } catch (const pluribus::ParseError& e) {
    std::printf("c++: parse error at column %d\n", e.column());
  }

  gfunc::Registry registry;
  registry.define("axpy", "(... * float64, ... * float64) -> ... * float64",
                  [](double x, double y) { return 2 * x + y; });
  double a[3] = {1, 2, 3}, b[1] = {10}, c[3] = {};
  int64_t n3[] = {3}, n1[] = {1}, step[] = {8};
  gfunc::BufferView in[] = {{reinterpret_cast<char*>(a), ndt::float64, n3, step},
                            {reinterpret_cast<char*>(b), ndt::float64, n1, step}};
  gfunc::BufferView out[] = {{reinterpret_cast<char*>(c), ndt::float64, n3, step}};
  gfunc::call_into(registry.get("axpy"), in, out);
  std::printf("c++: axpy %g %g %g\n", c[0], c[1], c[2]);
  // 0..5 as 2 x 3, the second column doubled and summed: 2 * (1 + 4) = 10.
  nd::Array m = nd::Array::arange(0, 6).reshape({2, 3});
  const int64_t column = (m(nd::all, 1) * 2).sum().as<int64_t>();
  std::printf("c++: array column sum %lld\n", static_cast<long long>(column));
  return t.size() == 16 && t.dtype().field("y").offset == 4 && c[0] == 12 && c[2] == 16 && column == 10 ? 0 : 1;
}
