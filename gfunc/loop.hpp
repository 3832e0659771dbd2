// The inner-loop ABI every gfunc kernel implements: NumPy's gufunc loop ABI
// (`args, dimensions, steps`) plus a status return, so data-dependent failures
// (integer division by zero, a checked cast that overflows) leave the loop cleanly.
//
// This header is part of the kernel writer's API and mirrors plb_loop in pluribus.h.
#pragma once

#include <cstdint>

namespace pluribus::gfunc {

// Numbers are shared with the C API (PLB_LOOP_*): append only.
enum LoopStatus : int {
  loop_ok = 0,
  loop_divide_by_zero = 1,  // integer division or remainder by zero
  loop_overflow = 2,        // a checked cast or operation overflowed
  loop_fractional = 3,      // a checked cast would drop a fractional part
  loop_inexact = 4,         // a checked cast would lose precision
  loop_invalid = 5,         // a value outside the function's domain (e.g. a malformed string)
};

// What a loop sees besides its operands.
struct LoopContext {
  const void* kernel_data = nullptr;  // the pointer registered with the kernel
  int64_t error_index = -1;           // a failing loop stores the failing iteration here
  // The iterations of the whole call, over all its loop calls and threads (0: unknown).
  // A hint: a loop may stream a large call's output past the caches, since no part of it
  // will still be cached when the call returns.
  int64_t call_size = 0;
};

// One call of a loop processes dimensions[0] iterations.
//   args[k]        first element of operand k (inputs first, then outputs)
//   dimensions[0]  iteration count; dimensions[1..] the core-dimension sizes, in the
//                  order the signature's dim variables first appear
//   steps[k]       byte stride of operand k along the iterations (k < nargs); then,
//                  operand by operand, the byte strides of its core dimensions
// A loop returns loop_ok or a LoopStatus; it never throws.
using StridedLoop = int (*)(char** args, const int64_t* dimensions, const int64_t* steps,
                            LoopContext* context) noexcept;

}  // namespace pluribus::gfunc
