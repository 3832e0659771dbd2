// Missing values: is_missing and fill_missing over ?T (T followed by a validity byte,
// nonzero when the value is present; see spec/datashape.md). Every other function
// propagates missingness by validity in the executor (dispatch.cpp, executor.cpp).
#include <complex>
#include <cstdint>
#include <cstring>
#include <string>

#include <fmt/format.h>

#include "gfunc/kernel.hpp"
#include "gfunc/kernels/families.hpp"

namespace pluribus::gfunc::kernels {
namespace {

// (... * ?T) -> ... * bool
template <std::size_t Size>
int is_missing_loop(char** args, const int64_t* dims, const int64_t* steps, LoopContext*) noexcept {
  for (int64_t i = 0; i < dims[0]; ++i) args[1][i * steps[1]] = args[0][i * steps[0] + Size] == 0;
  return loop_ok;
}

// (... * ?T, ... * T) -> ... * T: the value where present, else the fill value.
template <std::size_t Size>
int fill_missing_loop(char** args, const int64_t* dims, const int64_t* steps, LoopContext*) noexcept {
  for (int64_t i = 0; i < dims[0]; ++i) {
    const char* e = args[0] + i * steps[0];
    std::memmove(args[2] + i * steps[2], e[Size] != 0 ? e : args[1] + i * steps[1], Size);
  }
  return loop_ok;
}

template <std::size_t Size>
void add_dtype(Registry& r, const char* t) {
  r.add("is_missing", fmt::format("(... * ?{}) -> ... * bool", t), is_missing_loop<Size>);
  r.add("fill_missing", fmt::format("(... * ?{0}, ... * {0}) -> ... * {0}", t), fill_missing_loop<Size>);
}

}  // namespace

void register_missing(Registry& r) {
  add_dtype<1>(r, "bool");
  add_dtype<1>(r, "int8");
  add_dtype<1>(r, "uint8");
  add_dtype<2>(r, "int16");
  add_dtype<2>(r, "uint16");
  add_dtype<4>(r, "int32");
  add_dtype<4>(r, "uint32");
  add_dtype<8>(r, "int64");
  add_dtype<8>(r, "uint64");
  add_dtype<2>(r, "float16");
  add_dtype<4>(r, "float32");
  add_dtype<8>(r, "float64");
  add_dtype<8>(r, "complex64");
  add_dtype<16>(r, "complex128");
  add_dtype<16>(r, "string");
}

}  // namespace pluribus::gfunc::kernels
