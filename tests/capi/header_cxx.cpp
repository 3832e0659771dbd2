// Compiles pluribus.h as C++ (with the project's warnings) and checks it is self-contained.
#include "pluribus.h"

static_assert(sizeof(plb_dlpack_dtype) == 4, "plb_dlpack_dtype must match DLDataType");
static_assert(PLB_OK == 0 && PLB_INTERNAL_ERROR == 10);
// The plb_buffer layout is ABI: 64 bytes on LP64 targets, reserved fields included.
static_assert(sizeof(void*) != 8 || sizeof(plb_buffer) == 64, "plb_buffer layout changed");
static_assert(sizeof(plb_loop_context) == sizeof(void*) + 2 * sizeof(int64_t) || sizeof(void*) != 8);
// The initialiser macros compile as C++ too.
[[maybe_unused]] static const plb_call_options call_defaults = PLB_CALL_OPTIONS_INIT;
[[maybe_unused]] static const plb_reduce_options reduce_defaults = PLB_REDUCE_OPTIONS_INIT;
