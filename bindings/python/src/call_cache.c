/* call_cache.c: the short path of elementwise calls — the result dtype of each (function,
 * input dtypes) is learned once, then outputs are allocated here and filled by
 * plb_function_call with the cached plb_function pointer (no lookup by name per call). */
#include "call_cache.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CACHE_SLOTS 256 /* a power of two */
#define MAX_DIMS 32
#define FULL_MAX_DIMS 4

typedef struct {
  const plb_function* function; /* NULL: empty slot */
  int64_t nin;
  plb_type* inputs[PLBPY_CACHED_MAX_INPUTS]; /* references, like output */
  plb_type* output;
  int64_t itemsize;
  /* The whole datashape of the last output ("1 * float64"): plb_array_empty makes a small
   * array in one allocation (cheaper than memory of our own plus a handle) and asks for
   * transparent huge pages for large ones, as NumPy does. */
  plb_type* full;
  int32_t full_ndim;
  int64_t full_shape[FULL_MAX_DIMS];
} Entry;

/* Written and read with the GIL held only. Types are interned (equal types are one
 * object), so dtype pointers identify them. */
static Entry cache[CACHE_SLOTS];

static size_t slot_of(const plb_function* function, int64_t nin, const plb_buffer* const* in) {
  uintptr_t hash = (uintptr_t)function;
  for (int64_t i = 0; i < nin; ++i) hash = hash * 31u + ((uintptr_t)in[i]->dtype >> 4);
  hash ^= hash >> 17;
  return (size_t)(hash & (CACHE_SLOTS - 1));
}

static bool matches(const Entry* entry, const plb_function* function, int64_t nin,
                    const plb_buffer* const* in) {
  if (entry->function != function || entry->nin != nin) return false;
  for (int64_t i = 0; i < nin; ++i)
    if (entry->inputs[i] != in[i]->dtype) return false;
  return true;
}

/* Only plain numbers and bool: their memory needs no initialisation or freeing of parts. */
static bool is_plain(const plb_type* dtype) {
  plb_kind kind = PLB_KIND_ANY;
  if (plb_type_kind(dtype, &kind, NULL) != PLB_OK) return false;
  return kind == PLB_KIND_BOOL || (kind >= PLB_KIND_INT8 && kind <= PLB_KIND_COMPLEX128);
}

void plbpy_call_cache_learn(const plb_function* function, int64_t nin,
                            const plb_buffer* const* inputs, const plb_type* output) {
  if (nin > PLBPY_CACHED_MAX_INPUTS || !is_plain(output)) return;
  for (int64_t i = 0; i < nin; ++i)
    if (!is_plain(inputs[i]->dtype)) return;
  int64_t itemsize = 0;
  if (plb_type_size(output, &itemsize, NULL) != PLB_OK) return;
  Entry* entry = &cache[slot_of(function, nin, inputs)];
  /* The entry holds references to its dtypes, so no other type can reuse their addresses. */
  for (int64_t i = 0; i < PLBPY_CACHED_MAX_INPUTS; ++i) {
    plb_type_release(entry->inputs[i]);
    entry->inputs[i] = i < nin ? plb_type_retain((plb_type*)inputs[i]->dtype) : NULL;
  }
  plb_type_release(entry->output);
  plb_type_release(entry->full);
  entry->full = NULL;
  entry->function = function;
  entry->nin = nin;
  entry->output = plb_type_retain((plb_type*)output);
  entry->itemsize = itemsize;
}

static void free_block(void* block) { free(block); }

/* NumPy's broadcasting of the inputs' shapes; false when they do not broadcast (the
 * general path then reports the error). */
static bool broadcast(int64_t nin, const plb_buffer* const* inputs, int32_t* ndim, int64_t* shape) {
  int32_t n = 0;
  for (int64_t i = 0; i < nin; ++i)
    if (inputs[i]->ndim > n) n = inputs[i]->ndim;
  if (n > MAX_DIMS) return false;
  for (int32_t k = 0; k < n; ++k) shape[k] = 1;
  for (int64_t i = 0; i < nin; ++i) {
    const plb_buffer* b = inputs[i];
    for (int32_t k = 0; k < b->ndim; ++k) {
      int64_t extent = b->shape[k];
      int64_t* target = &shape[n - b->ndim + k];
      if (extent == *target || extent == 1) continue;
      if (*target != 1) return false;
      *target = extent;
    }
  }
  *ndim = n;
  return true;
}

/* The entry's datashape for an output of this shape, parsed when the shape changes; NULL
 * beyond FULL_MAX_DIMS dims (such outputs get memory of our own). */
static const plb_type* full_type(Entry* entry, int32_t ndim, const int64_t* shape) {
  if (ndim > FULL_MAX_DIMS) return NULL;
  if (entry->full != NULL && entry->full_ndim == ndim &&
      memcmp(entry->full_shape, shape, sizeof(int64_t) * (size_t)ndim) == 0)
    return entry->full;
  char* dtype = NULL;
  if (plb_type_to_string(entry->output, &dtype, NULL) != PLB_OK) return NULL;
  char datashape[FULL_MAX_DIMS * 24 + 64];
  size_t used = 0;
  for (int32_t k = 0; k < ndim; ++k)
    used +=
        (size_t)snprintf(datashape + used, sizeof datashape - used, "%lld * ", (long long)shape[k]);
  snprintf(datashape + used, sizeof datashape - used, "%s", dtype);
  plb_string_free(dtype);
  plb_type* full = NULL;
  if (plb_type_parse(datashape, PLB_NUL_TERMINATED, 0, &full, NULL) != PLB_OK) return NULL;
  plb_type_release(entry->full);
  entry->full = full;
  entry->full_ndim = ndim;
  memcpy(entry->full_shape, shape, sizeof(int64_t) * (size_t)ndim);
  return full;
}

plb_status plbpy_call_cached(const plb_function* function, int64_t nin,
                             const plb_buffer* const* inputs, bool release_gil,
                             plb_array** out_result, plb_buffer* out_described, plb_error* err) {
  *out_result = NULL;
  if (nin > PLBPY_CACHED_MAX_INPUTS) return PLB_NOT_IMPLEMENTED;
  Entry* entry = &cache[slot_of(function, nin, inputs)];
  if (!matches(entry, function, nin, inputs)) return PLB_NOT_IMPLEMENTED;
  int32_t ndim = 0;
  int64_t shape[MAX_DIMS], strides[MAX_DIMS];
  if (!broadcast(nin, inputs, &ndim, shape)) return PLB_NOT_IMPLEMENTED;
  int64_t bytes = entry->itemsize;
  for (int32_t k = ndim - 1; k >= 0; --k) {
    strides[k] = bytes;
    bytes *= shape[k];
  }
  plb_array* array = NULL;
  plb_buffer made = {0}; /* the output as the handle describes it */
  void* data = NULL;
  plb_status status;
  if (full_type(entry, ndim, shape) != NULL) {
    status = plb_array_empty(entry->full, &array, err);
    if (status == PLB_OK) status = plb_array_buffer(array, &made, err);
    if (status != PLB_OK) {
      plb_array_release(array);
      return status;
    }
    data = made.data;
  } else {
    data = malloc(bytes > 0 ? (size_t)bytes : 1);
    if (data == NULL) return PLB_MEMORY_ERROR;
    status = plb_array_from_pointer(data, entry->output, ndim, shape, strides, false, free_block,
                                    data, &array, err);
    if (status != PLB_OK) {
      free(data);
      return status;
    }
  }
  plb_buffer in[PLBPY_CACHED_MAX_INPUTS];
  for (int64_t i = 0; i < nin; ++i) in[i] = *inputs[i];
  plb_buffer out = {0};
  out.data = data;
  out.dtype = entry->output;
  out.ndim = ndim;
  out.shape = shape;
  out.strides = strides;
  if (release_gil) {
    Py_BEGIN_ALLOW_THREADS status = plb_function_call(function, nin, in, 1, &out, NULL, err);
    Py_END_ALLOW_THREADS
  } else {
    status = plb_function_call(function, nin, in, 1, &out, NULL, err);
  }
  if (status != PLB_OK) {
    plb_array_release(array);
    return status;
  }
  if (made.data == NULL) { /* memory of our own: now described by the handle */
    status = plb_array_buffer(array, &made, err);
    if (status != PLB_OK) {
      plb_array_release(array);
      return status;
    }
  }
  *out_result = array;
  *out_described = made;
  return PLB_OK;
}

plb_status plbpy_call_into(const plb_function* function, int64_t nin,
                           const plb_buffer* const* inputs, int64_t nout,
                           const plb_buffer* const* outputs, const plb_call_options* options,
                           bool release_gil, plb_error* err) {
  if (nin > PLBPY_CACHED_MAX_INPUTS || nout > PLBPY_CACHED_MAX_INPUTS) return PLB_NOT_IMPLEMENTED;
  plb_buffer in[PLBPY_CACHED_MAX_INPUTS], out[PLBPY_CACHED_MAX_INPUTS];
  for (int64_t i = 0; i < nin; ++i) {
    if (!is_plain(inputs[i]->dtype)) return PLB_NOT_IMPLEMENTED;
    in[i] = *inputs[i];
  }
  for (int64_t i = 0; i < nout; ++i) {
    if (!is_plain(outputs[i]->dtype)) return PLB_NOT_IMPLEMENTED;
    out[i] = *outputs[i];
  }
  plb_status status;
  if (release_gil) {
    Py_BEGIN_ALLOW_THREADS status = plb_function_call(function, nin, in, nout, out, options, err);
    Py_END_ALLOW_THREADS
  } else {
    status = plb_function_call(function, nin, in, nout, out, options, err);
  }
  return status;
}
