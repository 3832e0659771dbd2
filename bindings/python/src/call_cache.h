/* call_cache.h: the short path of elementwise calls (call_cache.c). */
#ifndef PLURIBUS_PYTHON_CALL_CACHE_H
#define PLURIBUS_PYTHON_CALL_CACHE_H

#include "module.h"

#define PLBPY_CACHED_MAX_INPUTS 4

/* Records that `function` on these input dtypes gives `output` (after a general call).
 * Only plain numeric and bool dtypes are kept. Call with the GIL held. */
void plbpy_call_cache_learn(const plb_function* function, int64_t nin,
                            const plb_buffer* const* inputs, const plb_type* output);

/* Calls `function` into a new C-contiguous output of the learned dtype (*out_result, with
 * its description from plb_array_buffer in *out_described). PLB_NOT_IMPLEMENTED
 * (with nothing done) when the combination is not cached or the shapes do not broadcast:
 * the caller then takes the general path. Call with the GIL held. */
plb_status plbpy_call_cached(const plb_function* function, int64_t nin,
                             const plb_buffer* const* inputs, bool release_gil,
                             plb_array** out_result, plb_buffer* out_described, plb_error* err);

/* Calls `function` into the caller's outputs (out=) when every operand has a plain
 * numeric or bool dtype; PLB_NOT_IMPLEMENTED (nothing done) otherwise. */
plb_status plbpy_call_into(const plb_function* function, int64_t nin,
                           const plb_buffer* const* inputs, int64_t nout,
                           const plb_buffer* const* outputs, const plb_call_options* options,
                           bool release_gil, plb_error* err);

#endif
