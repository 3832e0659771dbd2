/* C11 tests of the function API of pluribus.h: lookup and listing, calls on typed buffers
 * (caller-supplied and allocated outputs), reductions, assignment and C loops. Expected
 * values are worked out by hand (NumPy gives the same). */
#include <stdalign.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

/* ----- helpers ----------------------------------------------------------------------- */

static plb_buffer buffer(void* data, const plb_type* dtype, int32_t ndim, const int64_t* shape,
                         const int64_t* strides) {
  plb_buffer b = {0};
  b.data = data;
  b.dtype = dtype;
  b.ndim = ndim;
  b.shape = shape;
  b.strides = strides;
  return b;
}

static const plb_function* lookup(const char* name) {
  const plb_function* function = NULL;
  if (plb_function_lookup(name, &function, err) != PLB_OK) {
    fprintf(stderr, "no function '%s': %s\n", name, plb_error_message(err));
    ++failed;
  }
  return function;
}

static int message_has(const char* text) {
  int found = strstr(plb_error_message(err), text) != NULL;
  if (!found) fprintf(stderr, "  message '%s' lacks '%s'\n", plb_error_message(err), text);
  return found;
}

/* An allocator that records its blocks, so that the test can free them all. */
typedef struct tracker {
  void* blocks[16];
  int count;
  int fail; /* when set, allocation fails */
} tracker;

static void* track_allocate(void* user, int64_t size, int64_t align) {
  tracker* t = user;
  if (t->fail || t->count == 16 || align <= 0 || align > 64) return NULL;
  /* aligned_alloc wants a size that is a multiple of the alignment. */
  size_t bytes = (size_t)((size + 63) / 64 * 64);
  void* block = aligned_alloc(64, bytes ? bytes : 64);
  if (block) t->blocks[t->count++] = block;
  return block;
}

static void track_free(tracker* t) {
  for (int i = 0; i < t->count; ++i) free(t->blocks[i]);
  t->count = 0;
}

static int owned_by(const tracker* t, const void* block) {
  for (int i = 0; i < t->count; ++i)
    if (t->blocks[i] == block) return 1;
  return 0;
}

/* ----- C loops ----------------------------------------------------------------------- */

static int contiguous_calls = 0;
static int strided_calls = 0;
static int64_t seen_call_size = -1; /* context->call_size in the last contiguous call */

/* out = a * k + b with k = *(const double*)kernel_data: checks that kernel_data arrives. */
static int axpy_strided(char** args, const int64_t* dimensions, const int64_t* steps,
                        plb_loop_context* context) {
  const double k = *(const double*)context->kernel_data;
  char* a = args[0];
  char* b = args[1];
  char* out = args[2];
  ++strided_calls;
  for (int64_t i = 0; i < dimensions[0]; ++i) {
    *(double*)out = *(const double*)a * k + *(const double*)b;
    a += steps[0];
    b += steps[1];
    out += steps[2];
  }
  return PLB_LOOP_OK;
}

static int axpy_contiguous(char** args, const int64_t* dimensions, const int64_t* steps,
                           plb_loop_context* context) {
  const double k = *(const double*)context->kernel_data;
  const double* a = (const double*)args[0];
  const double* b = (const double*)args[1];
  double* out = (double*)args[2];
  (void)steps;
  ++contiguous_calls;
  seen_call_size = context->call_size;
  for (int64_t i = 0; i < dimensions[0]; ++i) out[i] = a[i] * k + b[i];
  return PLB_LOOP_OK;
}

/* Integer division that reports division by zero at the failing iteration. */
static int divide_loop(char** args, const int64_t* dimensions, const int64_t* steps,
                       plb_loop_context* context) {
  for (int64_t i = 0; i < dimensions[0]; ++i) {
    int64_t a = *(const int64_t*)(args[0] + i * steps[0]);
    int64_t b = *(const int64_t*)(args[1] + i * steps[1]);
    if (b == 0) {
      context->error_index = i;
      return PLB_LOOP_DIVIDE_BY_ZERO;
    }
    *(int64_t*)(args[2] + i * steps[2]) = a / b;
  }
  return PLB_LOOP_OK;
}

static const double three = 3.0;

/* ----- tests ------------------------------------------------------------------------- */

static void test_lookup_and_list(void) {
  const plb_function* sum = NULL;
  CHECK_STATUS(plb_function_lookup("sum", &sum, err), PLB_OK);
  CHECK(sum != NULL && strcmp(plb_function_name(sum), "sum") == 0);
  const plb_function* again = NULL;
  CHECK_STATUS(plb_function_lookup("sum", &again, err), PLB_OK);
  CHECK(again == sum); /* one function, one handle */

  const plb_function* missing = (const plb_function*)&sum;
  CHECK_STATUS(plb_function_lookup("no_such_function", &missing, err), PLB_LOOKUP_ERROR);
  CHECK(missing == NULL);
  CHECK(message_has("no_such_function"));
  CHECK_STATUS(plb_function_lookup(NULL, &missing, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_lookup("sum", NULL, err), PLB_INVALID_ARGUMENT);
  CHECK(plb_function_name(NULL) == NULL);

  int64_t nin = -1, nout = -1, nkernels = -1;
  CHECK_STATUS(plb_function_nin(sum, &nin, err), PLB_OK);
  CHECK_STATUS(plb_function_nout(sum, &nout, err), PLB_OK);
  CHECK(nin == 1 && nout == 1);
  CHECK_STATUS(plb_function_nin(NULL, &nin, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_nout(sum, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_kernel_count(sum, &nkernels, err), PLB_OK);
  CHECK(nkernels > 0);
  CHECK_STATUS(plb_function_kernel_count(NULL, &nkernels, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_kernel_count(sum, NULL, err), PLB_INVALID_ARGUMENT);

  /* sum has a kernel "(... * N * int64) -> ... * int64" among others. */
  plb_type* expected = parse("(... * N * int64) -> ... * int64");
  int found = 0;
  for (int64_t i = 0; i < nkernels; ++i) {
    plb_type* signature = NULL;
    CHECK_STATUS(plb_function_kernel_signature(sum, i, &signature, err), PLB_OK);
    plb_kind kind = PLB_KIND_ANY;
    plb_type_kind(signature, &kind, err);
    CHECK(kind == PLB_KIND_FUNCTION);
    bool equal = false;
    plb_type_equal(signature, expected, &equal, err);
    found += equal;
    plb_type_release(signature);
  }
  CHECK(found == 1);
  plb_type_release(expected);
  plb_type* signature = (plb_type*)1;
  CHECK_STATUS(plb_function_kernel_signature(sum, nkernels, &signature, err), PLB_INDEX_ERROR);
  CHECK(signature == NULL);
  CHECK_STATUS(plb_function_kernel_signature(sum, -1, &signature, err), PLB_INDEX_ERROR);
  CHECK_STATUS(plb_function_kernel_signature(NULL, 0, &signature, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_kernel_signature(sum, 0, NULL, err), PLB_INVALID_ARGUMENT);

  /* The list: sorted by name, sum among the functions. */
  int64_t count = 0;
  CHECK_STATUS(plb_function_count(&count, err), PLB_OK);
  CHECK(count > 0);
  int sorted = 1, has_sum = 0;
  const char* previous = "";
  for (int64_t i = 0; i < count; ++i) {
    const plb_function* f = NULL;
    CHECK_STATUS(plb_function_at(i, &f, err), PLB_OK);
    const char* name = plb_function_name(f);
    if (!name || strcmp(previous, name) >= 0) sorted = 0;
    if (f == sum) has_sum = 1;
    previous = name ? name : "";
  }
  CHECK(sorted && has_sum);
  const plb_function* f = (const plb_function*)&sum;
  CHECK_STATUS(plb_function_at(count, &f, err), PLB_INDEX_ERROR);
  CHECK(f == NULL);
  CHECK_STATUS(plb_function_at(-1, &f, err), PLB_INDEX_ERROR);
  CHECK_STATUS(plb_function_at(0, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_count(NULL, err), PLB_INVALID_ARGUMENT);
}

static void test_register(void) {
  const char* signature = "(... * float64, ... * float64) -> ... * float64";
  const plb_function* axpy = NULL;
  CHECK_STATUS(plb_function_register("capi_test_axpy", signature, axpy_strided, axpy_contiguous,
                                     &three, 0, &axpy, err),
               PLB_OK);
  CHECK(axpy != NULL && axpy == lookup("capi_test_axpy"));
  int64_t nin = 0, nkernels = 0;
  plb_function_nin(axpy, &nin, err);
  plb_function_kernel_count(axpy, &nkernels, err);
  CHECK(nin == 2 && nkernels == 1);
  plb_type* got = NULL;
  CHECK_STATUS(plb_function_kernel_signature(axpy, 0, &got, err), PLB_OK);
  CHECK(prints_as(got, signature));
  plb_type_release(got);

  const plb_function* f = (const plb_function*)&axpy;
  CHECK_STATUS(plb_function_register(NULL, signature, axpy_strided, NULL, NULL, 0, &f, err),
               PLB_INVALID_ARGUMENT);
  CHECK(f == NULL);
  CHECK_STATUS(plb_function_register("x", NULL, axpy_strided, NULL, NULL, 0, &f, err),
               PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_register("x", signature, NULL, NULL, NULL, 0, &f, err),
               PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_register("x", signature, axpy_strided, NULL, NULL, 0, NULL, err),
               PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_register("", signature, axpy_strided, NULL, NULL, 0, &f, err),
               PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_register("capi_test_bad", signature, axpy_strided, NULL, NULL, 64,
                                     &f, err),
               PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_register("capi_test_bad", "(... * float64 ->", axpy_strided, NULL,
                                     NULL, 0, &f, err),
               PLB_PARSE_ERROR);
  CHECK_STATUS(plb_function_register("capi_test_bad", "float64", axpy_strided, NULL, NULL, 0,
                                     &f, err),
               PLB_TYPE_ERROR);
  /* A failed registration leaves no empty function behind. */
  CHECK_STATUS(plb_function_lookup("capi_test_bad", &f, err), PLB_LOOKUP_ERROR);
  /* Every kernel of a function has the same nin and nout. */
  CHECK_STATUS(plb_function_register("capi_test_axpy", "(... * float64) -> ... * float64",
                                     axpy_strided, NULL, NULL, 0, &f, err),
               PLB_TYPE_ERROR);
  plb_function_kernel_count(axpy, &nkernels, err);
  CHECK(nkernels == 1);
}

static void test_call(void) {
  const plb_function* axpy = lookup("capi_test_axpy");
  plb_type* float64 = parse("float64");
  /* a: 2 x 3, b: 3 (broadcast along axis 0), out = 3 * a + b. */
  double a[6] = {1, 2, 3, 4, 5, 6};
  double b[3] = {10, 20, 30};
  double out[6] = {0};
  int64_t shape23[2] = {2, 3}, strides23[2] = {24, 8};
  int64_t shape3[1] = {3}, strides3[1] = {8};
  plb_buffer inputs[2] = {buffer(a, float64, 2, shape23, strides23),
                          buffer(b, float64, 1, shape3, strides3)};
  plb_buffer output = buffer(out, float64, 2, shape23, strides23);
  strided_calls = contiguous_calls = 0;
  CHECK_STATUS(plb_function_call(axpy, 2, inputs, 1, &output, NULL, err), PLB_OK);
  CHECK(out[0] == 13 && out[1] == 26 && out[2] == 39 && out[3] == 22 && out[4] == 35 &&
        out[5] == 48);
  CHECK(contiguous_calls == 2 && strided_calls == 0); /* one contiguous run per row */
  CHECK(seen_call_size == 6); /* each run is told the size of the whole call */

  /* Same shapes: one contiguous run. */
  plb_buffer same[2] = {buffer(a, float64, 2, shape23, strides23),
                        buffer(a, float64, 2, shape23, strides23)};
  strided_calls = contiguous_calls = 0;
  CHECK_STATUS(plb_function_call(axpy, 2, same, 1, &output, NULL, err), PLB_OK);
  CHECK(contiguous_calls == 1 && strided_calls == 0);
  CHECK(out[0] == 4 && out[5] == 24);

  /* Reversed strides (a view a[:, ::-1]) and a scalar input. */
  double scalar = 100;
  int64_t reversed[2] = {24, -8};
  plb_buffer views[2] = {buffer(a + 2, float64, 2, shape23, reversed),
                         buffer(&scalar, float64, 0, NULL, NULL)};
  strided_calls = contiguous_calls = 0;
  CHECK_STATUS(plb_function_call(axpy, 2, views, 1, &output, NULL, err), PLB_OK);
  CHECK(strided_calls > 0 && contiguous_calls == 0);
  CHECK(out[0] == 109 && out[2] == 103 && out[3] == 118 && out[5] == 112);

  /* Inputs reach the float64 kernel through safe casts (int32 -> float64). */
  plb_type* int32 = parse("int32");
  int32_t ia[3] = {1, 2, 3};
  int64_t int_strides[1] = {4};
  plb_buffer ints[2] = {buffer(ia, int32, 1, shape3, int_strides),
                        buffer(b, float64, 1, shape3, strides3)};
  plb_buffer out3 = buffer(out, float64, 1, shape3, strides3);
  CHECK_STATUS(plb_function_call(axpy, 2, ints, 1, &out3, NULL, err), PLB_OK);
  CHECK(out[0] == 13 && out[1] == 26 && out[2] == 39);

  /* Errors. */
  int64_t shape2[1] = {2};
  plb_buffer mismatched[2] = {buffer(a, float64, 1, shape2, strides3),
                              buffer(b, float64, 1, shape3, strides3)};
  CHECK_STATUS(plb_function_call(axpy, 2, mismatched, 1, &out3, NULL, err), PLB_VALUE_ERROR);
  CHECK(message_has("could not be broadcast"));
  CHECK_STATUS(plb_function_call(axpy, 2, inputs, 1, &out3, NULL, err), PLB_VALUE_ERROR);
  CHECK(message_has("shape"));
  CHECK_STATUS(plb_function_call(axpy, 1, inputs, 1, &output, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_call(axpy, 2, inputs, 0, NULL, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_call(NULL, 2, inputs, 1, &output, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_call(axpy, 2, NULL, 1, &output, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_call(axpy, 2, inputs, 1, NULL, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_call(axpy, -1, inputs, 1, &output, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_call(axpy, 9, inputs, 1, &output, NULL, err), PLB_NOT_IMPLEMENTED);
  plb_buffer broken[2] = {inputs[0], inputs[1]};
  broken[1].dtype = NULL;
  CHECK_STATUS(plb_function_call(axpy, 2, broken, 1, &output, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("input 1"));
  broken[1] = inputs[1];
  broken[1].reserved[0] = &scalar;
  CHECK_STATUS(plb_function_call(axpy, 2, broken, 1, &output, NULL, err), PLB_INVALID_ARGUMENT);
  broken[1] = inputs[1];
  broken[1].ndim = -1;
  CHECK_STATUS(plb_function_call(axpy, 2, broken, 1, &output, NULL, err), PLB_INVALID_ARGUMENT);
  broken[1] = inputs[1];
  broken[1].shape = NULL;
  CHECK_STATUS(plb_function_call(axpy, 2, broken, 1, &output, NULL, err), PLB_INVALID_ARGUMENT);
  plb_buffer readonly = output;
  readonly.readonly = true;
  CHECK_STATUS(plb_function_call(axpy, 2, inputs, 1, &readonly, NULL, err), PLB_VALUE_ERROR);
  /* No safe cast from complex128 to float64: no kernel. */
  plb_type* complex128 = parse("complex128");
  double zs[2] = {1, 2};
  plb_buffer complexes[2] = {buffer(zs, complex128, 0, NULL, NULL),
                             buffer(zs, complex128, 0, NULL, NULL)};
  plb_buffer scalar_out = buffer(out, float64, 0, NULL, NULL);
  CHECK_STATUS(plb_function_call(axpy, 2, complexes, 1, &scalar_out, NULL, err), PLB_TYPE_ERROR);
  plb_type_release(complex128);
  plb_type_release(int32);
  plb_type_release(float64);
}

static void test_loop_failure(void) {
  const plb_function* divide = NULL;
  CHECK_STATUS(plb_function_register("capi_test_divide",
                                     "(... * int64, ... * int64) -> ... * int64", divide_loop,
                                     NULL, NULL, 0, &divide, err),
               PLB_OK);
  plb_type* int64 = parse("int64");
  int64_t a[4] = {8, 9, 10, 11}, b[4] = {2, 3, 0, 1}, out[4] = {0};
  int64_t shape[2] = {2, 2}, strides[2] = {16, 8};
  plb_buffer inputs[2] = {buffer(a, int64, 2, shape, strides), buffer(b, int64, 2, shape, strides)};
  plb_buffer output = buffer(out, int64, 2, shape, strides);
  CHECK_STATUS(plb_function_call(divide, 2, inputs, 1, &output, NULL, err), PLB_VALUE_ERROR);
  CHECK(message_has("capi_test_divide"));
  CHECK(message_has("division by zero"));
  CHECK(message_has("[1, 0]")); /* the element b[1][0] */
  b[2] = 5;
  CHECK_STATUS(plb_function_call(divide, 2, inputs, 1, &output, NULL, err), PLB_OK);
  CHECK(out[0] == 4 && out[1] == 3 && out[2] == 2 && out[3] == 11);
  plb_type_release(int64);
}

static void test_options(void) {
  const plb_function* axpy = lookup("capi_test_axpy");
  plb_type* float64 = parse("float64");
  double a[2] = {1, 2}, out[2] = {0};
  int64_t shape[1] = {2}, strides[1] = {8};
  plb_buffer inputs[2] = {buffer(a, float64, 1, shape, strides), buffer(a, float64, 1, shape, strides)};
  plb_buffer output = buffer(out, float64, 1, shape, strides);

  plb_call_options options = PLB_CALL_OPTIONS_INIT;
  options.max_threads = 1;
  CHECK_STATUS(plb_function_call(axpy, 2, inputs, 1, &output, &options, err), PLB_OK);
  CHECK(out[0] == 4 && out[1] == 8);
  options.max_threads = -1;
  CHECK_STATUS(plb_function_call(axpy, 2, inputs, 1, &output, &options, err),
               PLB_INVALID_ARGUMENT);
  options.max_threads = 0;
  options.struct_size = 0;
  CHECK_STATUS(plb_function_call(axpy, 2, inputs, 1, &output, &options, err),
               PLB_INVALID_ARGUMENT);
  /* An older caller's smaller struct: the fields it lacks take their defaults. */
  options.struct_size = offsetof(plb_call_options, max_threads) + sizeof(int32_t);
  options.has_axis = true; /* beyond struct_size: ignored */
  options.axis = 99;
  CHECK_STATUS(plb_function_call(axpy, 2, inputs, 1, &output, &options, err), PLB_OK);
  /* A newer caller's larger struct: accepted while the unknown bytes are zero. */
  struct {
    plb_call_options base;
    int64_t newer_field;
  } newer = {PLB_CALL_OPTIONS_INIT, 0};
  newer.base.struct_size = sizeof newer;
  CHECK_STATUS(plb_function_call(axpy, 2, inputs, 1, &output, &newer.base, err), PLB_OK);
  newer.newer_field = 1;
  CHECK_STATUS(plb_function_call(axpy, 2, inputs, 1, &output, &newer.base, err),
               PLB_INVALID_ARGUMENT);

  /* axis= of a core-dim function: cumsum of a 2 x 3 int64 along axis 0. */
  const plb_function* cumsum = lookup("cumsum");
  plb_type* int64 = parse("int64");
  int64_t m[6] = {1, 2, 3, 4, 5, 6}, sums[6] = {0};
  int64_t shape23[2] = {2, 3}, strides23[2] = {24, 8};
  plb_buffer in = buffer(m, int64, 2, shape23, strides23);
  plb_buffer sums_buffer = buffer(sums, int64, 2, shape23, strides23);
  plb_call_options axis0 = PLB_CALL_OPTIONS_INIT;
  axis0.has_axis = true;
  axis0.axis = 0;
  CHECK_STATUS(plb_function_call(cumsum, 1, &in, 1, &sums_buffer, &axis0, err), PLB_OK);
  CHECK(sums[0] == 1 && sums[2] == 3 && sums[3] == 5 && sums[4] == 7 && sums[5] == 9);
  CHECK_STATUS(plb_function_call(cumsum, 1, &in, 1, &sums_buffer, NULL, err), PLB_OK);
  CHECK(sums[0] == 1 && sums[1] == 3 && sums[2] == 6 && sums[3] == 4 && sums[5] == 15);
  plb_type_release(int64);
  plb_type_release(float64);
}

static void test_call_alloc(void) {
  const plb_function* axpy = lookup("capi_test_axpy");
  plb_type* float64 = parse("float64");
  double a[6] = {1, 2, 3, 4, 5, 6}, b[3] = {10, 20, 30};
  int64_t shape23[2] = {2, 3}, strides23[2] = {24, 8};
  int64_t shape3[1] = {3}, strides3[1] = {8};
  plb_buffer inputs[2] = {buffer(a, float64, 2, shape23, strides23),
                          buffer(b, float64, 1, shape3, strides3)};
  tracker t = {{0}, 0, 0};
  plb_call_options options = PLB_CALL_OPTIONS_INIT;
  options.allocate = track_allocate;
  options.allocate_user = &t;

  plb_result* result = NULL;
  CHECK_STATUS(plb_function_call_alloc(axpy, 2, inputs, &options, &result, err), PLB_OK);
  CHECK(result != NULL && t.count == 1);
  int64_t count = 0;
  CHECK_STATUS(plb_result_count(result, &count, err), PLB_OK);
  CHECK(count == 1);
  plb_buffer out = {0};
  CHECK_STATUS(plb_result_buffer(result, 0, &out, err), PLB_OK);
  CHECK(owned_by(&t, out.data));
  CHECK(out.dtype == float64); /* types are interned: equal types are one object */
  CHECK(out.ndim == 2 && out.shape[0] == 2 && out.shape[1] == 3);
  CHECK(out.strides[0] == 24 && out.strides[1] == 8);
  CHECK(!out.readonly && out.reserved[0] == NULL);
  const double* values = out.data;
  CHECK(values[0] == 13 && values[2] == 39 && values[3] == 22 && values[5] == 48);
  plb_buffer unused;
  CHECK_STATUS(plb_result_buffer(result, 1, &unused, err), PLB_INDEX_ERROR);
  CHECK_STATUS(plb_result_buffer(result, -1, &unused, err), PLB_INDEX_ERROR);
  CHECK_STATUS(plb_result_buffer(NULL, 0, &unused, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_result_buffer(result, 0, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_result_count(NULL, &count, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_result_count(result, NULL, err), PLB_INVALID_ARGUMENT);
  plb_result_release(result);
  plb_result_release(NULL);
  CHECK(t.count == 1); /* releasing the result leaves the data to its owner */
  track_free(&t);

  /* Without an allocator, or when it fails. */
  result = (plb_result*)&t;
  CHECK_STATUS(plb_function_call_alloc(axpy, 2, inputs, NULL, &result, err),
               PLB_INVALID_ARGUMENT);
  CHECK(result == NULL);
  t.fail = 1;
  CHECK_STATUS(plb_function_call_alloc(axpy, 2, inputs, &options, &result, err),
               PLB_MEMORY_ERROR);
  t.fail = 0;
  CHECK_STATUS(plb_function_call_alloc(axpy, 2, inputs, &options, NULL, err),
               PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_call_alloc(NULL, 2, inputs, &options, &result, err),
               PLB_INVALID_ARGUMENT);
  CHECK(t.count == 0);
  plb_type_release(float64);
}

static void test_reduce(void) {
  const plb_function* sum = lookup("sum");
  plb_type* int64 = parse("int64");
  int64_t m[6] = {1, 2, 3, 4, 5, 6};
  int64_t shape23[2] = {2, 3}, strides23[2] = {24, 8};
  plb_buffer input = buffer(m, int64, 2, shape23, strides23);

  /* Over axis 0 into a caller's buffer. */
  int64_t columns[3] = {0};
  int64_t shape3[1] = {3}, strides3[1] = {8};
  plb_buffer output = buffer(columns, int64, 1, shape3, strides3);
  int32_t axis0[1] = {0};
  plb_reduce_options over0 = PLB_REDUCE_OPTIONS_INIT;
  over0.naxes = 1;
  over0.axes = axis0;
  CHECK_STATUS(plb_function_reduce(sum, &input, &output, &over0, NULL, err), PLB_OK);
  CHECK(columns[0] == 5 && columns[1] == 7 && columns[2] == 9);

  /* keepdims: shape (1, 3). */
  int64_t shape13[2] = {1, 3}, strides13[2] = {24, 8};
  plb_buffer kept = buffer(columns, int64, 2, shape13, strides13);
  over0.keepdims = true;
  CHECK_STATUS(plb_function_reduce(sum, &input, &kept, &over0, NULL, err), PLB_OK);
  CHECK(columns[0] == 5 && columns[2] == 9);
  CHECK_STATUS(plb_function_reduce(sum, &input, &output, &over0, NULL, err), PLB_VALUE_ERROR);
  over0.keepdims = false;

  /* Every axis (NULL options) into a scalar; then with an initial value. */
  int64_t total = 0;
  plb_buffer scalar = buffer(&total, int64, 0, NULL, NULL);
  CHECK_STATUS(plb_function_reduce(sum, &input, &scalar, NULL, NULL, err), PLB_OK);
  CHECK(total == 21);
  plb_reduce_options initial = PLB_REDUCE_OPTIONS_INIT;
  initial.has_initial = true;
  initial.initial = 100;
  CHECK_STATUS(plb_function_reduce(sum, &input, &scalar, &initial, NULL, err), PLB_OK);
  CHECK(total == 121);
  /* No axes at all: nothing is reduced. */
  int64_t copy[6] = {0};
  plb_buffer same_shape = buffer(copy, int64, 2, shape23, strides23);
  plb_reduce_options none = PLB_REDUCE_OPTIONS_INIT;
  none.axes = axis0;
  CHECK_STATUS(plb_function_reduce(sum, &input, &same_shape, &none, NULL, err), PLB_OK);
  CHECK(copy[0] == 1 && copy[5] == 6);

  /* Errors. */
  int32_t axis5[1] = {5};
  plb_reduce_options bad = PLB_REDUCE_OPTIONS_INIT;
  bad.naxes = 1;
  bad.axes = axis5;
  CHECK_STATUS(plb_function_reduce(sum, &input, &output, &bad, NULL, err), PLB_INDEX_ERROR);
  bad.axes = NULL;
  CHECK_STATUS(plb_function_reduce(sum, &input, &output, &bad, NULL, err), PLB_INVALID_ARGUMENT);
  bad.naxes = -1;
  CHECK_STATUS(plb_function_reduce(sum, &input, &output, &bad, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_reduce(sum, NULL, &output, NULL, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_reduce(sum, &input, NULL, NULL, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_reduce(NULL, &input, &output, NULL, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_function_reduce(lookup("capi_test_axpy"), &input, &output, &over0, NULL, err),
               PLB_TYPE_ERROR);

  /* Allocated: the tracker owns the block, the result describes it. */
  tracker t = {{0}, 0, 0};
  plb_call_options options = PLB_CALL_OPTIONS_INIT;
  options.allocate = track_allocate;
  options.allocate_user = &t;
  plb_result* result = NULL;
  CHECK_STATUS(plb_function_reduce_alloc(sum, &input, &over0, &options, &result, err), PLB_OK);
  plb_buffer out = {0};
  CHECK_STATUS(plb_result_buffer(result, 0, &out, err), PLB_OK);
  CHECK(out.dtype == int64 && out.ndim == 1 && out.shape[0] == 3 && out.strides[0] == 8);
  CHECK(owned_by(&t, out.data));
  const int64_t* values = out.data;
  CHECK(values[0] == 5 && values[1] == 7 && values[2] == 9);
  plb_result_release(result);
  CHECK_STATUS(plb_function_reduce_alloc(sum, &input, NULL, NULL, &result, err),
               PLB_INVALID_ARGUMENT);
  CHECK(result == NULL);
  CHECK_STATUS(plb_function_reduce_alloc(sum, &input, NULL, &options, NULL, err),
               PLB_INVALID_ARGUMENT);
  track_free(&t);
  plb_type_release(int64);
}

/* ?float64 as C lays it out: the value, then the validity byte (nonzero: present). */
typedef struct {
  double value;
  uint8_t valid;
} optional_f64;
typedef struct {
  int64_t value;
  uint8_t valid;
} optional_i64;

/* Reductions of ?float64: nulls skipped (Arrow's default), or propagated; an older
 * caller's struct without the field gets the default. Rows: [1.5, -], [-, -], [4, -1]. */
static void test_reduce_missing(void) {
  const plb_function* sum = lookup("sum");
  plb_type* option = parse("?float64");
  plb_type* float64 = parse("float64");
  CHECK(sizeof(optional_f64) == 16);
  optional_f64 x[6] = {{1.5, 1}, {0, 0}, {0, 0}, {0, 0}, {4, 1}, {-1, 1}};
  int64_t shape32[2] = {3, 2}, strides32[2] = {32, 16};
  plb_buffer input = buffer(x, option, 2, shape32, strides32);
  optional_f64 rows[3];
  int64_t shape3[1] = {3}, strides3[1] = {16};
  plb_buffer output = buffer(rows, option, 1, shape3, strides3);
  int32_t axis1[1] = {1};
  plb_reduce_options over1 = PLB_REDUCE_OPTIONS_INIT;
  CHECK(!over1.propagate_missing);
  over1.naxes = 1;
  over1.axes = axis1;
  CHECK_STATUS(plb_function_reduce(sum, &input, &output, &over1, NULL, err), PLB_OK);
  CHECK(rows[0].valid && rows[0].value == 1.5);
  CHECK(!rows[1].valid && rows[1].value == 0);
  CHECK(rows[2].valid && rows[2].value == 3);

  over1.propagate_missing = true;
  CHECK_STATUS(plb_function_reduce(sum, &input, &output, &over1, NULL, err), PLB_OK);
  CHECK(!rows[0].valid && !rows[1].valid);
  CHECK(rows[2].valid && rows[2].value == 3);
  /* An older caller's struct ends before propagate_missing: the field is not read. */
  over1.struct_size = offsetof(plb_reduce_options, initial) + sizeof(double);
  CHECK_STATUS(plb_function_reduce(sum, &input, &output, &over1, NULL, err), PLB_OK);
  CHECK(rows[0].valid && rows[0].value == 1.5 && !rows[1].valid);
  over1.struct_size = sizeof(plb_reduce_options);
  over1.propagate_missing = false;

  /* A float64 output cannot hold the missing row. */
  double plain[3] = {0};
  int64_t strides8[1] = {8};
  plb_buffer plain_output = buffer(plain, float64, 1, shape3, strides8);
  CHECK_STATUS(plb_function_reduce(sum, &input, &plain_output, &over1, NULL, err), PLB_VALUE_ERROR);
  CHECK(message_has("at index [1]"));

  /* argmax along the rows: positions of the present maximum; propagate_missing in the
   * call options. */
  plb_type* option_int64 = parse("?int64");
  optional_i64 positions[3];
  plb_buffer positions_output = buffer(positions, option_int64, 1, shape3, strides3);
  CHECK_STATUS(plb_function_call(lookup("argmax"), 1, &input, 1, &positions_output, NULL, err), PLB_OK);
  CHECK(positions[0].valid && positions[0].value == 0);
  CHECK(!positions[1].valid);
  CHECK(positions[2].valid && positions[2].value == 0);
  plb_call_options strict = PLB_CALL_OPTIONS_INIT;
  strict.propagate_missing = true;
  CHECK_STATUS(plb_function_call(lookup("argmax"), 1, &input, 1, &positions_output, &strict, err), PLB_OK);
  CHECK(!positions[0].valid && !positions[1].valid && positions[2].valid);
  plb_type_release(option_int64);
  plb_type_release(float64);
  plb_type_release(option);
}

static void test_assign(void) {
  plb_type* float64 = parse("float64");
  plb_type* int32 = parse("int32");
  double from[3] = {1.5, 2.0, -3.0};
  int32_t to[3] = {0};
  int64_t shape[1] = {3}, fstrides[1] = {8}, istrides[1] = {4};
  plb_buffer source = buffer(from, float64, 1, shape, fstrides);
  plb_buffer destination = buffer(to, int32, 1, shape, istrides);
  CHECK_STATUS(plb_assign(&destination, &source, PLB_CAST_NOCHECK, NULL, err), PLB_OK);
  CHECK(to[0] == 1 && to[1] == 2 && to[2] == -3);
  CHECK_STATUS(plb_assign(&destination, &source, PLB_CAST_FRACTIONAL, NULL, err),
               PLB_VALUE_ERROR);
  CHECK(message_has("[0]"));
  from[0] = 1.0;
  CHECK_STATUS(plb_assign(&destination, &source, PLB_CAST_ALL, NULL, err), PLB_OK);
  CHECK(to[0] == 1);
  /* A scalar broadcasts to the destination's shape. */
  double seven = 7;
  plb_buffer scalar = buffer(&seven, float64, 0, NULL, NULL);
  CHECK_STATUS(plb_assign(&destination, &scalar, PLB_CAST_ALL, NULL, err), PLB_OK);
  CHECK(to[0] == 7 && to[1] == 7 && to[2] == 7);
  /* Errors. */
  CHECK_STATUS(plb_assign(&scalar, &source, PLB_CAST_NOCHECK, NULL, err), PLB_VALUE_ERROR);
  CHECK_STATUS(plb_assign(&destination, &source, 8, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_assign(NULL, &source, 0, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_assign(&destination, NULL, 0, NULL, err), PLB_INVALID_ARGUMENT);
  destination.readonly = true;
  CHECK_STATUS(plb_assign(&destination, &source, 0, NULL, err), PLB_VALUE_ERROR);
  plb_type_release(int32);
  plb_type_release(float64);
}

void test_functions(void) {
  /* The C enums equal gfunc's numbers (also checked by static_assert in capi/). */
  CHECK(PLB_LOOP_OK == 0 && PLB_LOOP_DIVIDE_BY_ZERO == 1 && PLB_LOOP_INVALID == 5);
  CHECK(PLB_CAST_ALL == (PLB_CAST_OVERFLOW | PLB_CAST_FRACTIONAL | PLB_CAST_INEXACT));
  CHECK(sizeof(plb_loop_context) == 24);
  test_lookup_and_list();
  test_register();
  test_call();
  test_loop_failure();
  test_options();
  test_call_alloc();
  test_reduce();
  test_reduce_missing();
  test_assign();
}
