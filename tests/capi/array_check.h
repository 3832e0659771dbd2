/* Helpers of the array tests: handles made, read and compared through the C API. A helper
 * that fails counts a failed check and says why on stderr. */
#ifndef PLURIBUS_TESTS_CAPI_ARRAY_CHECK_H
#define PLURIBUS_TESTS_CAPI_ARRAY_CHECK_H

#include <stdbool.h>
#include <stdint.h>

#include "pluribus.h"

/* True when the last error message contains `text` (else it is printed). */
int message_has(const char* text);
/* plb_array_zeros of a datashape. */
plb_array* make_zeros(const char* datashape);
plb_buffer buffer_of(const plb_array* array);
/* True when the array's datashape prints as `expected`. */
int has_type(const plb_array* array, const char* expected);
/* True when the array has these extents (and byte strides, unless NULL). */
int shape_is(const plb_array* array, int32_t ndim, const int64_t* shape, const int64_t* strides);
/* The single element through plb_array_get. */
double get_double(const plb_array* array);
int64_t get_int64(const plb_array* array);
/* The view array[i]. */
plb_array* at(const plb_array* array, int64_t i);
/* Element (i, j) of a 1- or 2-dim float64 array, read from its buffer. */
double element2(const plb_array* array, int64_t i, int64_t j);
/* A release callback counting its calls in *(int*)user. */
void count_release(void* user);

plb_index integer_index(int64_t i);
plb_index slice_index(bool has_start, int64_t start, bool has_stop, int64_t stop, int64_t step);
plb_index kind_index(plb_index_kind kind);
/* A 2 * 3 float64 array holding 1 .. 6. */
plb_array* one_to_six(void);

/* The C layout of the record below is the reference for field offsets. */
struct point {
  int32_t x;
  double y;
};

#endif
