// Compiles pluribus.h as C++ (with the project's warnings) and checks it is self-contained.
#include "pluribus.h"

static_assert(sizeof(plb_dlpack_dtype) == 4, "plb_dlpack_dtype must match DLDataType");
static_assert(PLB_OK == 0 && PLB_INTERNAL_ERROR == 10);
