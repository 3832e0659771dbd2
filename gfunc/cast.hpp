// Casts between dtypes (`assign`): all numeric types, bool, and strings <-> numbers.
//
// The dispatcher casts mixed inputs blockwise through these loops, and the container's
// astype/assignment uses them with the caller's checks.
#pragma once

#include <cstdint>
#include <string>

#include "gfunc/loop.hpp"
#include "ndt/api.hpp"
#include "ndt/type.hpp"

namespace pluribus::gfunc {

// Which lossy conversions a checked cast rejects (combine with |).
enum CastChecks : uint32_t {
  cast_nocheck = 0,
  cast_overflow = 1u << 0,    // the value does not fit the target's range
  cast_fractional = 1u << 1,  // float -> integer would drop a fractional part
  cast_inexact = 1u << 2,     // the value would change (float64 -> float32 rounding, ...)
  cast_all = cast_overflow | cast_fractional | cast_inexact,
};

// A strided loop with one input (args[0], type `from`) and one output (args[1], type
// `to`), plus the data to put in LoopContext::kernel_data. A failing checked cast
// returns loop_overflow / loop_fractional / loop_inexact with error_index set.
struct CastLoop {
  StridedLoop loop = nullptr;
  const void* data = nullptr;
  explicit operator bool() const noexcept { return loop != nullptr; }
};

// The cast loop between two scalar dtypes; an empty CastLoop when none exists.
PLURIBUS_API CastLoop find_cast(const ndt::Type& from, const ndt::Type& to, uint32_t checks);

// True when every value of `from` converts to `to` exactly (NumPy's can_cast "safe").
PLURIBUS_API bool can_cast_safely(const ndt::Type& from, const ndt::Type& to);

// The value at `element` printed for an error message ("300", "1.5", "'abc'").
PLURIBUS_API std::string format_scalar(const ndt::Type& dtype, const char* element);

}  // namespace pluribus::gfunc
