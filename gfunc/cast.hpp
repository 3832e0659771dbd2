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

// The cast loop between two dtypes; an empty CastLoop when none exists. Casts exist
// between any two numeric dtypes (bool, int8..uint64, float16..float64, complex64/128),
// from string to each of them and back, and from any concrete type to itself when a byte
// copy is a copy (no string, bytes, json, pointer, var dim or type inside).
//
// Numeric semantics (cast_numeric.cpp documents them fully):
//   cast_nocheck     NumPy's astype: integers wrap, floats truncate toward zero, complex
//                    -> real drops the imaginary part; float -> integer out of range or
//                    NaN gives what NumPy 1.24 gives on x86-64 for float64 (int32/int64:
//                    the minimum; int8/int16/uint8/uint16: the int32 result wrapped;
//                    uint32/uint64: 0 above the range, 2^(N-1) below it and for NaN).
//   cast_overflow    outside the target's range (NaN/inf -> integer included; a finite
//                    value that would become inf) -> loop_overflow
//   cast_fractional  float -> integer dropping a fractional part -> loop_fractional
//   cast_inexact     any other change of value (rounding, underflow, a nonzero
//                    imaginary part dropped) -> loop_inexact
// The checks are independent; a value failing several reports the first in that order.
// On failure, context->error_index is the failing iteration, the outputs before it are
// written and the rest are untouched. Loops read their parameters (the checks, a copy's
// element size) from context->kernel_data: always call them with LoopContext{cast.data}.
// Input and output must not overlap, except as the very same elements of equal size.
//
// Strings (UTF-8 `string`, {const char* data; int64 size}):
//   string -> number   ASCII whitespace around the text is ignored. Integers: an
//                      optional sign and decimal digits ("12", "-7", "+3"); bool also
//                      takes "true"/"false" ("True"/"False") and, like NumPy, any integer
//                      (0 is false, others true; 2 is loop_overflow when checked).
//                      Floats: std::from_chars syntax plus a leading '+' ("1.5", "1e-3",
//                      "inf", "-nan"); complex: "1+2j", "(1-2.5j)", "2j", "1". Text that is
//                      not a number is loop_invalid whatever the checks; an integer outside
//                      the target is always loop_overflow. A float that becomes +-inf is
//                      loop_overflow under cast_overflow, a nonzero one that becomes 0
//                      loop_inexact under cast_inexact (rounding to nearest is not).
//   number -> string   the text of format_scalar ("true", "-7", "1.5", "(1+2j)").
//   string -> string   a deep copy.
// OWNERSHIP: every string a cast writes (number -> string, string -> string) is a new
// std::malloc block of size + 1 bytes, NUL terminated (size excludes the NUL); the
// caller owns it and frees it with std::free (release_strings frees a strided run). The
// slot's previous contents are overwritten without being read or freed. A failed
// allocation stops the loop with loop_invalid and error_index at that element.
PLURIBUS_API CastLoop find_cast(const ndt::Type& from, const ndt::Type& to, uint32_t checks);

// True when the cast's loop allocates its output strings (`to` is string), which the
// caller must then free.
PLURIBUS_API bool cast_allocates(const ndt::Type& from, const ndt::Type& to);

// Frees `count` strings at data, data + stride, ... (std::free of each data pointer) and
// sets each to {nullptr, 0}.
PLURIBUS_API void release_strings(char* data, int64_t count, int64_t stride) noexcept;

// True when NumPy 1.24's np.can_cast(from, to, "safe") is: every value of `from`
// converts to `to` exactly, except that every integer may go to float64/complex128.
// Between the numeric dtypes and bool only; any type casts safely to itself; strings
// never do (a string <-> number cast is explicit).
PLURIBUS_API bool can_cast_safely(const ndt::Type& from, const ndt::Type& to);

// The value at `element` printed for an error message: numbers as the number -> string
// cast writes them ("300", "1.5", "true", "(1+2j)"), strings quoted ("'abc'"), ?T as
// "NA" when missing.
PLURIBUS_API std::string format_scalar(const ndt::Type& dtype, const char* element);

}  // namespace pluribus::gfunc
