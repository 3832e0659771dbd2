/* Helpers of the array tests (test_arrays.c, test_array_exchange.c): handles made, read and
 * compared through the C API, with failures counted like CHECK's. */
#include "array_check.h"

#include <stdio.h>
#include <string.h>

#include "check.h"

int message_has(const char* text) {
  int found = strstr(plb_error_message(err), text) != NULL;
  if (!found) fprintf(stderr, "  message '%s' lacks '%s'\n", plb_error_message(err), text);
  return found;
}

plb_array* make_zeros(const char* datashape) {
  plb_type* type = parse(datashape);
  plb_array* array = NULL;
  if (plb_array_zeros(type, &array, err) != PLB_OK) {
    fprintf(stderr, "zeros '%s': %s\n", datashape, plb_error_message(err));
    ++failed;
  }
  plb_type_release(type);
  return array;
}

plb_buffer buffer_of(const plb_array* array) {
  plb_buffer b = {0};
  if (plb_array_buffer(array, &b, err) != PLB_OK) ++failed;
  return b;
}

int has_type(const plb_array* array, const char* expected) {
  plb_type* type = NULL;
  if (plb_array_type(array, &type, err) != PLB_OK) return 0;
  int same = prints_as(type, expected);
  plb_type_release(type);
  return same;
}

int shape_is(const plb_array* array, int32_t ndim, const int64_t* shape, const int64_t* strides) {
  plb_buffer b = buffer_of(array);
  if (b.ndim != ndim) return 0;
  for (int32_t i = 0; i < ndim; ++i)
    if (b.shape[i] != shape[i] || (strides && b.strides[i] != strides[i])) return 0;
  return 1;
}

double get_double(const plb_array* array) {
  plb_type* float64 = parse("float64");
  double value = -12345.0;
  if (plb_array_get(array, float64, &value, err) != PLB_OK) {
    fprintf(stderr, "  get: %s\n", plb_error_message(err));
    ++failed;
  }
  plb_type_release(float64);
  return value;
}

int64_t get_int64(const plb_array* array) {
  plb_type* int64 = parse("int64");
  int64_t value = -12345;
  if (plb_array_get(array, int64, &value, err) != PLB_OK) {
    fprintf(stderr, "  get: %s\n", plb_error_message(err));
    ++failed;
  }
  plb_type_release(int64);
  return value;
}

plb_array* at(const plb_array* array, int64_t i) {
  plb_index index = {0};
  index.kind = PLB_INDEX_INTEGER;
  index.integer = i;
  index.step = 1;
  plb_array* view = NULL;
  if (plb_array_index(array, 1, &index, &view, err) != PLB_OK) {
    fprintf(stderr, "  index %lld: %s\n", (long long)i, plb_error_message(err));
    ++failed;
  }
  return view;
}

/* The element at flat position i of a 1- or 2-dim float64 array (C order). */
double element2(const plb_array* array, int64_t i, int64_t j) {
  plb_buffer b = buffer_of(array);
  const char* p = (const char*)b.data + i * b.strides[0] + (b.ndim > 1 ? j * b.strides[1] : 0);
  double value;
  memcpy(&value, p, sizeof value);
  return value;
}

/* Counts the calls of a release callback; `user` points to the counter. */
void count_release(void* user) { ++*(int*)user; }

plb_index integer_index(int64_t i) {
  plb_index index = {0};
  index.kind = PLB_INDEX_INTEGER;
  index.integer = i;
  index.step = 1;
  return index;
}

plb_index slice_index(bool has_start, int64_t start, bool has_stop, int64_t stop, int64_t step) {
  plb_index index = {0};
  index.kind = PLB_INDEX_SLICE;
  index.has_start = has_start;
  index.start = start;
  index.has_stop = has_stop;
  index.stop = stop;
  index.step = step;
  return index;
}

plb_index kind_index(plb_index_kind kind) {
  plb_index index = {0};
  index.kind = kind;
  index.step = 1;
  return index;
}

/* A 2 * 3 float64 array holding 1 .. 6, made through the C API. */
plb_array* one_to_six(void) {
  plb_array* a = make_zeros("2 * 3 * float64");
  plb_buffer b = buffer_of(a);
  double* values = b.data;
  for (int i = 0; i < 6; ++i) values[i] = i + 1;
  return a;
}
