// find_cast and can_cast_safely: which loop converts one dtype to another.
//
//   numeric <-> numeric     cast_numeric.cpp (plain or checked loop per pair)
//   string  -> numeric      cast_parse.cpp (malformed text: loop_invalid)
//   numeric -> string       cast_format.cpp (allocates each output string, see cast.hpp)
//   string  -> string       cast_format.cpp (a deep copy, allocated likewise)
//   T -> T                  a byte copy, for every concrete type that holds no pointer
#include <cstdlib>
#include <cstring>

#include "gfunc/cast.hpp"
#include "gfunc/cast_internal.hpp"

namespace pluribus::gfunc {
namespace cast_detail {

int numeric_index(const ndt::Type& t) noexcept {
  if (!t) return -1;
  switch (t.kind()) {
    case ndt::Kind::Bool: return n_bool;
    case ndt::Kind::Int8: return n_int8;
    case ndt::Kind::Int16: return n_int16;
    case ndt::Kind::Int32: return n_int32;
    case ndt::Kind::Int64: return n_int64;
    case ndt::Kind::UInt8: return n_uint8;
    case ndt::Kind::UInt16: return n_uint16;
    case ndt::Kind::UInt32: return n_uint32;
    case ndt::Kind::UInt64: return n_uint64;
    case ndt::Kind::Float16: return n_float16;
    case ndt::Kind::Float32: return n_float32;
    case ndt::Kind::Float64: return n_float64;
    case ndt::Kind::Complex64: return n_complex64;
    case ndt::Kind::Complex128: return n_complex128;
    default: return -1;
  }
}

const void* checks_data(uint32_t checks) noexcept {
  static constexpr uint32_t kChecks[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  return &kChecks[checks & cast_all];
}

}  // namespace cast_detail

namespace {
using namespace cast_detail;

// True when a byte copy of `t` is a correct copy: no pointers, no references inside.
bool plain_bytes(const ndt::Type& t) {
  switch (t.kind()) {
    case ndt::Kind::String:
    case ndt::Kind::Bytes:
    case ndt::Kind::Json:
    case ndt::Kind::Pointer:
    case ndt::Kind::VarDim:
    case ndt::Kind::TypeType:
      return false;
    case ndt::Kind::Option:
    case ndt::Kind::FixedDim:
    case ndt::Kind::Nominal:
    case ndt::Kind::Constructor:
      return plain_bytes(t.child());
    case ndt::Kind::Tuple:
    case ndt::Kind::Record:
    case ndt::Kind::Union:
      for (const auto& f : t.fields())
        if (!plain_bytes(f.type)) return false;
      return true;
    default:
      return true;
  }
}

// T -> T for a plain type: kernel_data holds the element size itself (not a pointer).
int copy_loop(char** args, const int64_t* dimensions, const int64_t* steps,
              LoopContext* context) noexcept {
  const auto size = static_cast<int64_t>(
      reinterpret_cast<std::uintptr_t>(context != nullptr ? context->kernel_data : nullptr));
  const int64_t n = dimensions[0];
  if (size == 0 || n <= 0) return loop_ok;
  const char* in = args[0];
  char* out = args[1];
  if (steps[0] == size && steps[1] == size) {
    std::memmove(out, in, static_cast<std::size_t>(n * size));
  } else {
    for (int64_t i = 0; i < n; ++i)
      std::memmove(out + i * steps[1], in + i * steps[0], static_cast<std::size_t>(size));
  }
  return loop_ok;
}

}  // namespace

CastLoop find_cast(const ndt::Type& from, const ndt::Type& to, uint32_t checks) {
  if (!from || !to) return {};
  const int fi = numeric_index(from), ti = numeric_index(to);
  checks &= cast_all;
  if (fi >= 0 && ti >= 0) {
    const bool checked = checks != 0 && !numeric_lossless(fi, ti);
    return {numeric_loop(fi, ti, checked), checked ? checks_data(checks) : nullptr};
  }
  const bool from_string = from.kind() == ndt::Kind::String;
  const bool to_string = to.kind() == ndt::Kind::String;
  if (from_string && ti >= 0) return {parse_loop(ti), checks_data(checks)};
  if (fi >= 0 && to_string) return {format_loop(fi), nullptr};
  if (from_string && to_string) return {string_copy_loop(), nullptr};
  if (from == to && from.is_concrete() && plain_bytes(from)) {
    return {copy_loop, reinterpret_cast<const void*>(static_cast<std::uintptr_t>(from.size()))};
  }
  return {};
}

bool cast_allocates(const ndt::Type& from, const ndt::Type& to) {
  return from && to && to.kind() == ndt::Kind::String &&
         (from.kind() == ndt::Kind::String || numeric_index(from) >= 0);
}

bool can_cast_safely(const ndt::Type& from, const ndt::Type& to) {
  if (!from || !to) return false;
  if (from == to) return true;
  const int fi = numeric_index(from), ti = numeric_index(to);
  if (fi < 0 || ti < 0) return false;
  // NumPy's "safe" rule: every value converts without change, except that any integer
  // may go to float64 and complex128 (int64 -> float64 is "safe" though it rounds).
  if (numeric_lossless(fi, ti)) return true;
  const bool from_int = fi >= n_int8 && fi <= n_uint64;
  return from_int && (ti == n_float64 || ti == n_complex128);
}

}  // namespace pluribus::gfunc
