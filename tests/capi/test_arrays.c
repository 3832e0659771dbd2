/* C11 tests of the array API of pluribus.h: handles, creation over library and caller memory
 * (release callbacks counted), views, elements, assignment, copies, calls and reductions.
 * Expected values are worked out by hand (strides from the C layout, sums by arithmetic). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_check.h"
#include "check.h"

/* ----- handles and creation ---------------------------------------------------------- */

static void test_create(void) {
  plb_type* type = parse("2 * 3 * float64");
  plb_array* a = NULL;
  CHECK_STATUS(plb_array_zeros(type, &a, err), PLB_OK);
  plb_buffer b = buffer_of(a);
  CHECK(b.data != NULL && b.ndim == 2 && !b.readonly);
  CHECK(b.shape[0] == 2 && b.shape[1] == 3);
  CHECK(b.strides[0] == 3 * (int64_t)sizeof(double) && b.strides[1] == (int64_t)sizeof(double));
  CHECK(prints_as(b.dtype, "float64"));
  CHECK(b.reserved[0] == NULL && b.reserved[1] == NULL && b.reserved[2] == NULL);
  const double* values = b.data;
  int all_zero = 1;
  for (int i = 0; i < 6; ++i) all_zero = all_zero && values[i] == 0.0;
  CHECK(all_zero);
  CHECK(has_type(a, "2 * 3 * float64"));
  int64_t size = 0;
  CHECK_STATUS(plb_array_size(a, &size, err), PLB_OK);
  CHECK(size == 6);

  /* The buffer can go straight into plb_function_call (the dtype is a borrowed node). */
  plb_type* dtype = plb_type_retain((plb_type*)b.dtype);
  plb_array_release(a);
  plb_type_release(dtype);

  /* Retain adds a reference: the array lives until both are dropped. */
  CHECK_STATUS(plb_array_empty(type, &a, err), PLB_OK);
  CHECK(plb_array_retain(a) == a);
  plb_array_release(a);
  CHECK(has_type(a, "2 * 3 * float64"));
  plb_array_release(a);
  CHECK(plb_array_retain(NULL) == NULL);
  plb_array_release(NULL);

  /* A 0-dim array has one element. */
  plb_type* scalar = parse("int32");
  CHECK_STATUS(plb_array_empty(scalar, &a, err), PLB_OK);
  CHECK_STATUS(plb_array_size(a, &size, err), PLB_OK);
  CHECK(size == 1);
  b = buffer_of(a);
  CHECK(b.ndim == 0 && prints_as(b.dtype, "int32"));
  plb_array_release(a);
  plb_type_release(scalar);

  /* Strings start empty, ?T missing. */
  a = make_zeros("2 * ?string");
  plb_array* first = at(a, 0);
  bool missing = false;
  CHECK_STATUS(plb_array_is_missing(first, &missing, err), PLB_OK);
  CHECK(missing);
  plb_array_release(first);
  plb_array_release(a);
  plb_type* strings = parse("3 * string");
  CHECK_STATUS(plb_array_empty(strings, &a, err), PLB_OK);
  first = at(a, 2);
  char* text = NULL;
  CHECK_STATUS(plb_array_get_string(first, &text, err), PLB_OK);
  CHECK(text != NULL && strcmp(text, "") == 0);
  plb_string_free(text);
  plb_array_release(first);
  plb_array_release(a);
  plb_type_release(strings);

  /* Errors: abstract types, NULL arguments. The out pointer is NULL after a failure. */
  plb_type* abstract = parse("N * int32");
  a = (plb_array*)1;
  CHECK_STATUS(plb_array_zeros(abstract, &a, err), PLB_TYPE_ERROR);
  CHECK(a == NULL);
  a = (plb_array*)1;
  CHECK_STATUS(plb_array_empty(abstract, &a, err), PLB_TYPE_ERROR);
  CHECK(a == NULL);
  plb_type_release(abstract);
  CHECK_STATUS(plb_array_zeros(NULL, &a, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'type'"));
  CHECK_STATUS(plb_array_empty(NULL, &a, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_zeros(type, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("out_array"));
  CHECK_STATUS(plb_array_empty(type, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK(plb_array_zeros(NULL, &a, NULL) == PLB_INVALID_ARGUMENT); /* no error object */

  a = make_zeros("4 * int16");
  CHECK_STATUS(plb_array_buffer(NULL, &b, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'array'"));
  CHECK_STATUS(plb_array_buffer(a, NULL, err), PLB_INVALID_ARGUMENT);
  plb_type* out_type = (plb_type*)1;
  CHECK_STATUS(plb_array_type(NULL, &out_type, err), PLB_INVALID_ARGUMENT);
  CHECK(out_type == NULL);
  CHECK_STATUS(plb_array_type(a, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_size(NULL, &size, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_size(a, NULL, err), PLB_INVALID_ARGUMENT);
  plb_array_release(a);
  plb_type_release(type);
}

/* ----- caller memory ------------------------------------------------------------------ */

static void test_from_pointer(void) {
  double data[2][3] = {{1, 2, 3}, {4, 5, 6}};
  const int64_t shape[2] = {2, 3};
  const int64_t strides[2] = {(int64_t)sizeof data[0], (int64_t)sizeof data[0][0]};
  plb_type* float64 = parse("float64");
  int released = 0;
  plb_array* a = NULL;
  CHECK_STATUS(plb_array_from_pointer(data, float64, 2, shape, strides, false, count_release,
                                      &released, &a, err),
               PLB_OK);
  plb_buffer b = buffer_of(a);
  CHECK(b.data == (void*)data && !b.readonly);
  CHECK(shape_is(a, 2, shape, strides));
  CHECK(element2(a, 1, 2) == 6.0);
  /* Writes through the array reach the caller's memory and the other way round. */
  const double seven = 7.0;
  plb_array* row = at(a, 1);
  plb_array* corner = at(row, 0);
  CHECK_STATUS(plb_array_set(corner, float64, &seven, PLB_CAST_ALL, err), PLB_OK);
  CHECK(data[1][0] == 7.0);
  data[1][0] = 8.0;
  CHECK(get_double(corner) == 8.0);

  /* Views outlive the handle they came from; the release runs once, after the last one. */
  plb_array_release(a);
  plb_array_release(row);
  CHECK(released == 0);
  CHECK(get_double(corner) == 8.0);
  plb_array* copy = NULL;
  CHECK_STATUS(plb_array_copy(corner, &copy, err), PLB_OK);
  plb_array_release(corner);
  CHECK(released == 1);
  CHECK(get_double(copy) == 8.0); /* a copy owns its memory */
  plb_array_release(copy);
  CHECK(released == 1);

  /* A read-only array refuses writes and reports read-only. */
  released = 0;
  CHECK_STATUS(plb_array_from_pointer(data, float64, 2, shape, strides, true, count_release,
                                      &released, &a, err),
               PLB_OK);
  CHECK(buffer_of(a).readonly);
  CHECK_STATUS(plb_array_set(a, float64, &seven, PLB_CAST_ALL, err), PLB_VALUE_ERROR);
  CHECK(message_has("read-only"));
  CHECK(data[0][0] == 1.0);
  plb_array* target = make_zeros("2 * 3 * float64");
  CHECK_STATUS(plb_array_assign(a, target, PLB_CAST_NOCHECK, err), PLB_VALUE_ERROR);
  CHECK(message_has("read-only"));
  CHECK_STATUS(plb_array_assign(target, a, PLB_CAST_NOCHECK, err), PLB_OK);
  CHECK(element2(target, 0, 1) == 2.0);
  plb_array_release(target);
  plb_array_release(a);
  CHECK(released == 1);

  /* A NULL release and a 0-dim array over one value; NULL shape/strides with ndim 0. */
  double value = 2.5;
  CHECK_STATUS(plb_array_from_pointer(&value, float64, 0, NULL, NULL, false, NULL, NULL, &a, err),
               PLB_OK);
  CHECK(get_double(a) == 2.5);
  plb_array_release(a);

  /* Reversed (negative) strides view the caller's memory backwards. */
  const int64_t reversed_shape[1] = {3};
  const int64_t reversed_strides[1] = {-(int64_t)sizeof(double)};
  CHECK_STATUS(plb_array_from_pointer(&data[0][2], float64, 1, reversed_shape, reversed_strides,
                                      false, NULL, NULL, &a, err),
               PLB_OK);
  CHECK(element2(a, 0, 0) == 3.0 && element2(a, 2, 0) == 1.0);
  plb_array_release(a);

  /* Every failure leaves the memory the caller's: release never runs. */
  released = 0;
  const int64_t negative[2] = {2, -1};
  a = (plb_array*)1;
  CHECK_STATUS(plb_array_from_pointer(data, float64, 2, negative, strides, false, count_release,
                                      &released, &a, err),
               PLB_INVALID_ARGUMENT);
  CHECK(a == NULL);
  CHECK(message_has("negative extent"));
  plb_type* abstract = parse("T");
  CHECK_STATUS(plb_array_from_pointer(data, abstract, 2, shape, strides, false, count_release,
                                      &released, &a, err),
               PLB_TYPE_ERROR);
  plb_type_release(abstract);
  const int64_t huge_shape[2] = {INT64_MAX / 2, 4};
  const int64_t huge_strides[2] = {64, 8};
  CHECK_STATUS(plb_array_from_pointer(data, float64, 2, huge_shape, huge_strides, false,
                                      count_release, &released, &a, err),
               PLB_OVERFLOW_ERROR);
  CHECK_STATUS(plb_array_from_pointer(data, NULL, 2, shape, strides, false, count_release,
                                      &released, &a, err),
               PLB_INVALID_ARGUMENT);
  CHECK(message_has("'dtype'"));
  CHECK_STATUS(plb_array_from_pointer(data, float64, 2, NULL, strides, false, count_release,
                                      &released, &a, err),
               PLB_INVALID_ARGUMENT);
  CHECK(message_has("'shape'"));
  CHECK_STATUS(plb_array_from_pointer(data, float64, 2, shape, NULL, false, count_release,
                                      &released, &a, err),
               PLB_INVALID_ARGUMENT);
  CHECK(message_has("'strides'"));
  CHECK_STATUS(plb_array_from_pointer(NULL, float64, 2, shape, strides, false, count_release,
                                      &released, &a, err),
               PLB_INVALID_ARGUMENT);
  CHECK(message_has("'data'"));
  CHECK_STATUS(plb_array_from_pointer(data, float64, -1, shape, strides, false, count_release,
                                      &released, &a, err),
               PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_from_pointer(data, float64, 2, shape, strides, false, count_release,
                                      &released, NULL, err),
               PLB_INVALID_ARGUMENT);
  CHECK(released == 0);

  /* NULL data is fine for an array without elements. */
  const int64_t no_elements[1] = {0};
  CHECK_STATUS(plb_array_from_pointer(NULL, float64, 1, no_elements, strides, false, count_release,
                                      &released, &a, err),
               PLB_OK);
  plb_array_release(a);
  CHECK(released == 1);
  plb_type_release(float64);
}

/* ----- views ------------------------------------------------------------------------- */

static void test_index(void) {
  plb_array* a = one_to_six();
  char* base = buffer_of(a).data;
  plb_array* view = NULL;

  plb_index row[1] = {integer_index(-1)};
  CHECK_STATUS(plb_array_index(a, 1, row, &view, err), PLB_OK);
  const int64_t three[1] = {3};
  const int64_t eight[1] = {8};
  CHECK(shape_is(view, 1, three, eight));
  CHECK(buffer_of(view).data == base + 24);
  CHECK(element2(view, 2, 0) == 6.0);
  plb_array_release(view);

  /* a[:, ::-1]: a view with a negative stride starting at the last column. */
  plb_index reversed[2] = {slice_index(false, 0, false, 0, 1), slice_index(false, 0, false, 0, -1)};
  CHECK_STATUS(plb_array_index(a, 2, reversed, &view, err), PLB_OK);
  const int64_t shape23[2] = {2, 3};
  const int64_t strides_reversed[2] = {24, -8};
  CHECK(shape_is(view, 2, shape23, strides_reversed));
  CHECK(buffer_of(view).data == base + 16);
  CHECK(element2(view, 1, 0) == 6.0);
  plb_array_release(view);

  /* a[1, 0:3:2] */
  plb_index stepped[2] = {integer_index(1), slice_index(true, 0, true, 3, 2)};
  CHECK_STATUS(plb_array_index(a, 2, stepped, &view, err), PLB_OK);
  const int64_t two[1] = {2};
  const int64_t sixteen[1] = {16};
  CHECK(shape_is(view, 1, two, sixteen));
  CHECK(element2(view, 0, 0) == 4.0 && element2(view, 1, 0) == 6.0);
  plb_array_release(view);

  /* a[..., newaxis] */
  plb_index ellipsis_newaxis[2] = {kind_index(PLB_INDEX_ELLIPSIS), kind_index(PLB_INDEX_NEWAXIS)};
  CHECK_STATUS(plb_array_index(a, 2, ellipsis_newaxis, &view, err), PLB_OK);
  const int64_t shape231[3] = {2, 3, 1};
  CHECK(shape_is(view, 3, shape231, NULL));
  CHECK(has_type(view, "2 * 3 * 1 * float64"));
  plb_array_release(view);

  /* No indices: the same elements. */
  CHECK_STATUS(plb_array_index(a, 0, NULL, &view, err), PLB_OK);
  CHECK(shape_is(view, 2, shape23, NULL));
  plb_array_release(view);

  /* Errors: the message names the index, the dim and its extent. */
  plb_index out_of_range[2] = {integer_index(0), integer_index(5)};
  view = (plb_array*)1;
  CHECK_STATUS(plb_array_index(a, 2, out_of_range, &view, err), PLB_INDEX_ERROR);
  CHECK(view == NULL);
  CHECK(message_has("index 5 is out of bounds for dim 1 with size 3"));
  plb_index too_negative[1] = {integer_index(-3)};
  CHECK_STATUS(plb_array_index(a, 1, too_negative, &view, err), PLB_INDEX_ERROR);
  CHECK(message_has("index -3 is out of bounds for dim 0 with size 2"));
  plb_index too_many[3] = {integer_index(0), integer_index(0), integer_index(0)};
  CHECK_STATUS(plb_array_index(a, 3, too_many, &view, err), PLB_INDEX_ERROR);
  CHECK(message_has("too many indices"));
  plb_index zero_step[1] = {slice_index(false, 0, false, 0, 0)};
  CHECK_STATUS(plb_array_index(a, 1, zero_step, &view, err), PLB_INDEX_ERROR);
  CHECK(message_has("step"));
  plb_index two_ellipses[2] = {kind_index(PLB_INDEX_ELLIPSIS), kind_index(PLB_INDEX_ELLIPSIS)};
  CHECK_STATUS(plb_array_index(a, 2, two_ellipses, &view, err), PLB_INDEX_ERROR);
  plb_index bad_kind[1] = {kind_index((plb_index_kind)42)};
  CHECK_STATUS(plb_array_index(a, 1, bad_kind, &view, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("kind"));
  plb_index null_field[1] = {kind_index(PLB_INDEX_FIELD)};
  CHECK_STATUS(plb_array_index(a, 1, null_field, &view, err), PLB_INVALID_ARGUMENT);
  plb_index field_of_numbers[1] = {kind_index(PLB_INDEX_FIELD)};
  field_of_numbers[0].field = "x";
  CHECK_STATUS(plb_array_index(a, 1, field_of_numbers, &view, err), PLB_TYPE_ERROR);
  CHECK_STATUS(plb_array_index(a, -1, row, &view, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_index(a, 1, NULL, &view, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'indices'"));
  CHECK_STATUS(plb_array_index(NULL, 1, row, &view, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_index(a, 1, row, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("out_view"));
  plb_array_release(a);
}

static void test_fields(void) {
  struct point points[2] = {{1, 1.5}, {2, 2.5}};
  plb_type* point = parse("{x: int32, y: float64}");
  const int64_t shape[1] = {2};
  const int64_t strides[1] = {(int64_t)sizeof(struct point)};
  plb_array* a = NULL;
  CHECK_STATUS(plb_array_from_pointer(points, point, 1, shape, strides, false, NULL, NULL, &a, err),
               PLB_OK);
  plb_array* y = NULL;
  CHECK_STATUS(plb_array_field(a, "y", &y, err), PLB_OK);
  plb_buffer b = buffer_of(y);
  CHECK(b.data == (void*)&points[0].y);
  CHECK(b.ndim == 1 && b.strides[0] == (int64_t)sizeof(struct point));
  CHECK(prints_as(b.dtype, "float64"));
  plb_array* second = at(y, 1);
  CHECK(get_double(second) == 2.5);
  plb_array_release(second);
  plb_array_release(y);

  /* The same through plb_array_index: a[1]["x"]. */
  plb_index indices[2] = {integer_index(1), kind_index(PLB_INDEX_FIELD)};
  indices[1].field = "x";
  plb_array* x = NULL;
  CHECK_STATUS(plb_array_index(a, 2, indices, &x, err), PLB_OK);
  CHECK(get_int64(x) == 2);
  CHECK(buffer_of(x).data == (void*)&points[1].x);
  plb_array_release(x);

  plb_array* view = (plb_array*)1;
  CHECK_STATUS(plb_array_field(a, "z", &view, err), PLB_INDEX_ERROR);
  CHECK(view == NULL);
  CHECK(message_has("no field 'z'"));
  CHECK_STATUS(plb_array_field(a, NULL, &view, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'name'"));
  CHECK_STATUS(plb_array_field(NULL, "x", &view, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_field(a, "x", NULL, err), PLB_INVALID_ARGUMENT);
  plb_array* numbers = make_zeros("3 * int8");
  CHECK_STATUS(plb_array_field(numbers, "x", &view, err), PLB_TYPE_ERROR);
  plb_array_release(numbers);
  plb_array_release(a);
  plb_type_release(point);
}

static void test_shape_views(void) {
  plb_array* a = one_to_six();
  char* base = buffer_of(a).data;
  plb_array* view = NULL;

  /* Transpose: reversed dims, swapped strides, same memory. */
  CHECK_STATUS(plb_array_transpose(a, 0, NULL, &view, err), PLB_OK);
  const int64_t shape32[2] = {3, 2};
  const int64_t strides_t[2] = {8, 24};
  CHECK(shape_is(view, 2, shape32, strides_t));
  CHECK(buffer_of(view).data == base);
  CHECK(element2(view, 2, 1) == 6.0 && element2(view, 0, 1) == 4.0);

  /* Reshaping the transposed (non-contiguous) view copies, in its C order. */
  plb_array* flat = NULL;
  const int64_t minus_one[1] = {-1};
  CHECK_STATUS(plb_array_reshape(view, 1, minus_one, &flat, err), PLB_OK);
  const int64_t six[1] = {6};
  CHECK(shape_is(flat, 1, six, NULL));
  CHECK(buffer_of(flat).data != base);
  CHECK(element2(flat, 1, 0) == 4.0 && element2(flat, 5, 0) == 6.0);
  plb_array_release(flat);
  plb_array_release(view);

  const int32_t axes[2] = {1, 0};
  CHECK_STATUS(plb_array_transpose(a, 2, axes, &view, err), PLB_OK);
  CHECK(shape_is(view, 2, shape32, strides_t));
  plb_array_release(view);
  const int32_t repeated[2] = {0, 0};
  view = (plb_array*)1;
  CHECK_STATUS(plb_array_transpose(a, 2, repeated, &view, err), PLB_VALUE_ERROR);
  CHECK(view == NULL);
  CHECK(message_has("repeated"));
  CHECK_STATUS(plb_array_transpose(a, 1, axes, &view, err), PLB_VALUE_ERROR);
  CHECK_STATUS(plb_array_transpose(a, 2, NULL, &view, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'axes'"));
  CHECK_STATUS(plb_array_transpose(a, -1, axes, &view, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_transpose(NULL, 0, NULL, &view, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_transpose(a, 0, NULL, NULL, err), PLB_INVALID_ARGUMENT);

  /* Reshape of contiguous memory is a view. */
  const int64_t shape161[3] = {1, 6, 1};
  CHECK_STATUS(plb_array_reshape(a, 3, shape161, &view, err), PLB_OK);
  CHECK(shape_is(view, 3, shape161, NULL));
  CHECK(buffer_of(view).data == base);
  /* Squeeze: all extent-1 dims, or the ones named. */
  plb_array* squeezed = NULL;
  CHECK_STATUS(plb_array_squeeze(view, 0, NULL, &squeezed, err), PLB_OK);
  CHECK(shape_is(squeezed, 1, six, NULL));
  plb_array_release(squeezed);
  const int32_t last[1] = {-1};
  CHECK_STATUS(plb_array_squeeze(view, 1, last, &squeezed, err), PLB_OK);
  const int64_t shape16[2] = {1, 6};
  CHECK(shape_is(squeezed, 2, shape16, NULL));
  plb_array_release(squeezed);
  const int32_t middle[1] = {1};
  squeezed = (plb_array*)1;
  CHECK_STATUS(plb_array_squeeze(view, 1, middle, &squeezed, err), PLB_VALUE_ERROR);
  CHECK(squeezed == NULL);
  CHECK(message_has("extent 6"));
  const int32_t far[1] = {7};
  CHECK_STATUS(plb_array_squeeze(view, 1, far, &squeezed, err), PLB_INDEX_ERROR);
  CHECK_STATUS(plb_array_squeeze(view, 1, NULL, &squeezed, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_squeeze(NULL, 0, NULL, &squeezed, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_squeeze(view, 0, NULL, NULL, err), PLB_INVALID_ARGUMENT);
  plb_array_release(view);

  const int64_t seven[1] = {7};
  CHECK_STATUS(plb_array_reshape(a, 1, seven, &view, err), PLB_VALUE_ERROR);
  CHECK(message_has("cannot reshape 6 elements"));
  const int64_t two_unknown[2] = {-1, -1};
  CHECK_STATUS(plb_array_reshape(a, 2, two_unknown, &view, err), PLB_VALUE_ERROR);
  CHECK_STATUS(plb_array_reshape(a, 1, NULL, &view, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_reshape(a, -2, seven, &view, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_reshape(NULL, 1, six, &view, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_reshape(a, 1, six, NULL, err), PLB_INVALID_ARGUMENT);

  /* Broadcasting: a read-only view with zero strides for the new dims. */
  const int64_t shape423[3] = {4, 2, 3};
  const int64_t strides_b[3] = {0, 24, 8};
  CHECK_STATUS(plb_array_broadcast_to(a, 3, shape423, &view, err), PLB_OK);
  CHECK(shape_is(view, 3, shape423, strides_b));
  CHECK(buffer_of(view).readonly);
  const double one = 1.0;
  plb_type* float64 = parse("float64");
  CHECK_STATUS(plb_array_set(view, float64, &one, PLB_CAST_NOCHECK, err), PLB_VALUE_ERROR);
  plb_array_release(view);
  const int64_t shape4[1] = {4};
  CHECK_STATUS(plb_array_broadcast_to(a, 1, shape4, &view, err), PLB_VALUE_ERROR);
  const int64_t shape24[2] = {2, 4};
  CHECK_STATUS(plb_array_broadcast_to(a, 2, shape24, &view, err), PLB_VALUE_ERROR);
  CHECK(message_has("cannot broadcast"));
  CHECK_STATUS(plb_array_broadcast_to(a, 1, NULL, &view, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_broadcast_to(NULL, 1, shape4, &view, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_broadcast_to(a, 1, shape4, NULL, err), PLB_INVALID_ARGUMENT);
  plb_type_release(float64);
  plb_array_release(a);
}

/* ----- elements, assignment, copies --------------------------------------------------- */

static void test_elements(void) {
  plb_type* float64 = parse("float64");
  plb_type* int64 = parse("int64");
  plb_type* int8 = parse("int8");
  plb_type* boolean = parse("bool");
  plb_array* a = make_zeros("2 * 3 * float64");

  /* set writes every element; get reads a single one with checked casts. */
  const double two_and_a_half = 2.5;
  CHECK_STATUS(plb_array_set(a, float64, &two_and_a_half, PLB_CAST_ALL, err), PLB_OK);
  CHECK(element2(a, 0, 0) == 2.5 && element2(a, 1, 2) == 2.5);
  plb_array* element = at(a, 1);
  plb_array* single = at(element, 2);
  CHECK(get_double(single) == 2.5);
  int64_t integer = 99;
  CHECK_STATUS(plb_array_get(single, int64, &integer, err), PLB_VALUE_ERROR);
  CHECK(integer == 99);
  /* 2.5 is no bool under the overflow check; 1 is. */
  bool truth = false;
  CHECK_STATUS(plb_array_get(single, boolean, &truth, err), PLB_VALUE_ERROR);
  CHECK(message_has("2.5"));
  const double one = 1.0;
  CHECK_STATUS(plb_array_set(single, float64, &one, PLB_CAST_ALL, err), PLB_OK);
  CHECK_STATUS(plb_array_get(single, boolean, &truth, err), PLB_OK);
  CHECK(truth);
  CHECK(element2(a, 1, 2) == 1.0 && element2(a, 1, 1) == 2.5); /* the view's element only */
  CHECK_STATUS(plb_array_set(single, float64, &two_and_a_half, PLB_CAST_ALL, err), PLB_OK);
  char* text = NULL;
  CHECK_STATUS(plb_array_get_string(single, &text, err), PLB_OK);
  CHECK(text != NULL && strcmp(text, "2.5") == 0);
  plb_string_free(text);
  bool missing = true;
  CHECK_STATUS(plb_array_is_missing(single, &missing, err), PLB_OK);
  CHECK(!missing);

  /* get needs one element and a numeric or bool target. */
  double value = 0;
  CHECK_STATUS(plb_array_get(a, float64, &value, err), PLB_VALUE_ERROR);
  CHECK(message_has("exactly one element"));
  plb_type* string = parse("string");
  CHECK_STATUS(plb_array_get(single, string, &value, err), PLB_TYPE_ERROR);
  plb_type* vector = parse("3 * float64");
  CHECK_STATUS(plb_array_get(single, vector, &value, err), PLB_TYPE_ERROR);
  CHECK_STATUS(plb_array_get(NULL, float64, &value, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_get(single, NULL, &value, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'to'"));
  CHECK_STATUS(plb_array_get(single, float64, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'out'"));
  CHECK_STATUS(plb_array_get_string(NULL, &text, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_get_string(single, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_get_string(a, &text, err), PLB_VALUE_ERROR);
  CHECK(text == NULL);
  CHECK_STATUS(plb_array_is_missing(NULL, &missing, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_is_missing(single, NULL, err), PLB_INVALID_ARGUMENT);

  /* Checked casts on set: 300 does not fit int8. */
  plb_array* small = make_zeros("4 * int8");
  const int64_t big = 300;
  CHECK_STATUS(plb_array_set(small, int64, &big, PLB_CAST_OVERFLOW, err), PLB_VALUE_ERROR);
  CHECK(message_has("300"));
  const int64_t minus_five = -5;
  CHECK_STATUS(plb_array_set(small, int64, &minus_five, PLB_CAST_OVERFLOW, err), PLB_OK);
  plb_array* last = at(small, 3);
  int8_t byte = 0;
  CHECK_STATUS(plb_array_get(last, int8, &byte, err), PLB_OK);
  CHECK(byte == -5);
  plb_array_release(last);
  CHECK_STATUS(plb_array_set(small, int64, &big, 16, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_set(small, vector, &big, 0, err), PLB_TYPE_ERROR);
  CHECK_STATUS(plb_array_set(NULL, int64, &big, 0, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_set(small, NULL, &big, 0, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'from'"));
  CHECK_STATUS(plb_array_set(small, int64, NULL, 0, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'value'"));
  plb_array_release(small);

  /* Strings. */
  plb_array* names = make_zeros("2 * string");
  CHECK_STATUS(plb_array_set_string(names, "pluribus", 4, err), PLB_OK);
  plb_array* name = at(names, 1);
  CHECK_STATUS(plb_array_get_string(name, &text, err), PLB_OK);
  CHECK(text != NULL && strcmp(text, "plur") == 0);
  plb_string_free(text);
  CHECK_STATUS(plb_array_set_string(name, "unum", PLB_NUL_TERMINATED, err), PLB_OK);
  CHECK_STATUS(plb_array_get_string(name, &text, err), PLB_OK);
  CHECK(text != NULL && strcmp(text, "unum") == 0);
  plb_string_free(text);
  /* Text reads as a number when it spells one. */
  CHECK_STATUS(plb_array_get(name, float64, &value, err), PLB_VALUE_ERROR);
  CHECK(message_has("unum"));
  CHECK_STATUS(plb_array_set_string(name, "-0.75", PLB_NUL_TERMINATED, err), PLB_OK);
  CHECK_STATUS(plb_array_get(name, float64, &value, err), PLB_OK);
  CHECK(value == -0.75);
  CHECK_STATUS(plb_array_set_string(NULL, "x", 1, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_set_string(name, NULL, 1, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'text'"));
  plb_array_release(name);
  /* A string into numbers parses it. */
  plb_array* numbers = make_zeros("2 * float64");
  CHECK_STATUS(plb_array_set_string(numbers, "1.25", PLB_NUL_TERMINATED, err), PLB_OK);
  CHECK(element2(numbers, 1, 0) == 1.25);
  plb_array_release(numbers);
  plb_array_release(names);

  /* Missing values. */
  plb_array* options = make_zeros("3 * ?int32");
  const int64_t seven = 7;
  CHECK_STATUS(plb_array_set(options, int64, &seven, PLB_CAST_ALL, err), PLB_OK);
  plb_array* option = at(options, 0);
  CHECK_STATUS(plb_array_is_missing(option, &missing, err), PLB_OK);
  CHECK(!missing);
  CHECK(get_int64(option) == 7);
  CHECK_STATUS(plb_array_set_missing(option, err), PLB_OK);
  CHECK_STATUS(plb_array_is_missing(option, &missing, err), PLB_OK);
  CHECK(missing);
  CHECK_STATUS(plb_array_get(option, int64, &integer, err), PLB_VALUE_ERROR);
  CHECK(message_has("missing"));
  plb_array* other = at(options, 1);
  CHECK(get_int64(other) == 7); /* only the view's element went missing */
  plb_array_release(other);
  plb_array_release(option);
  CHECK_STATUS(plb_array_set_missing(a, err), PLB_TYPE_ERROR);
  CHECK_STATUS(plb_array_set_missing(NULL, err), PLB_INVALID_ARGUMENT);
  plb_array_release(options);

  plb_array_release(single);
  plb_array_release(element);
  plb_array_release(a);
  plb_type_release(vector);
  plb_type_release(string);
  plb_type_release(float64);
  plb_type_release(int64);
  plb_type_release(int8);
  plb_type_release(boolean);
}

static void test_copies(void) {
  plb_array* a = one_to_six();
  plb_array* t = NULL;
  CHECK_STATUS(plb_array_transpose(a, 0, NULL, &t, err), PLB_OK);

  /* copy: C-contiguous, independent of the original. */
  plb_array* c = NULL;
  CHECK_STATUS(plb_array_copy(t, &c, err), PLB_OK);
  const int64_t shape32[2] = {3, 2};
  const int64_t strides32[2] = {16, 8};
  CHECK(shape_is(c, 2, shape32, strides32));
  CHECK(element2(c, 0, 1) == 4.0 && element2(c, 2, 0) == 3.0);
  double* copied = buffer_of(c).data;
  copied[0] = 100.0;
  CHECK(element2(a, 0, 0) == 1.0);

  /* assign broadcasts a row into every row, with a cast. */
  plb_array* target = make_zeros("2 * 3 * int32");
  plb_array* row = at(a, 1);
  CHECK_STATUS(plb_array_assign(target, row, PLB_CAST_ALL, err), PLB_OK);
  plb_buffer b = buffer_of(target);
  const int32_t* ints = b.data;
  CHECK(ints[0] == 4 && ints[2] == 6 && ints[3] == 4 && ints[5] == 6);
  plb_array* bad = NULL;
  CHECK_STATUS(plb_array_reshape(c, 1, (const int64_t[]){6}, &bad, err), PLB_OK);
  CHECK_STATUS(plb_array_assign(target, bad, PLB_CAST_NOCHECK, err), PLB_VALUE_ERROR);
  plb_array_release(bad);
  CHECK_STATUS(plb_array_assign(target, row, 99, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_assign(NULL, row, 0, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'to'"));
  CHECK_STATUS(plb_array_assign(target, NULL, 0, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'from'"));

  /* A fractional value refuses a checked cast and names it. */
  plb_type* float64 = parse("float64");
  const double half = 0.5;
  plb_array* element = at(row, 0);
  CHECK_STATUS(plb_array_set(element, float64, &half, PLB_CAST_ALL, err), PLB_OK);
  CHECK_STATUS(plb_array_assign(target, row, PLB_CAST_FRACTIONAL, err), PLB_VALUE_ERROR);
  CHECK(message_has("0.5"));
  plb_array_release(element);

  /* astype: a C-contiguous copy with another dtype. */
  plb_type* int16 = parse("int16");
  plb_array* cast = NULL;
  CHECK_STATUS(plb_array_astype(t, int16, PLB_CAST_NOCHECK, &cast, err), PLB_OK);
  CHECK(has_type(cast, "3 * 2 * int16"));
  const int16_t* shorts = buffer_of(cast).data;
  CHECK(shorts[0] == 1 && shorts[1] == 0 /* 0.5 truncated */ && shorts[5] == 6);
  plb_array_release(cast);
  cast = (plb_array*)1;
  CHECK_STATUS(plb_array_astype(t, int16, PLB_CAST_FRACTIONAL, &cast, err), PLB_VALUE_ERROR);
  CHECK(cast == NULL);
  plb_type* dims = parse("2 * int16");
  CHECK_STATUS(plb_array_astype(t, dims, PLB_CAST_NOCHECK, &cast, err), PLB_TYPE_ERROR);
  plb_type_release(dims);
  CHECK_STATUS(plb_array_astype(t, int16, 64, &cast, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_astype(NULL, int16, 0, &cast, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_astype(t, NULL, 0, &cast, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'dtype'"));
  CHECK_STATUS(plb_array_astype(t, int16, 0, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_copy(NULL, &cast, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_copy(t, NULL, err), PLB_INVALID_ARGUMENT);

  /* Deep copies of strings: the copy's text survives the original. */
  plb_array* names = make_zeros("2 * string");
  CHECK_STATUS(plb_array_set_string(names, "deep", PLB_NUL_TERMINATED, err), PLB_OK);
  plb_array* names_copy = NULL;
  CHECK_STATUS(plb_array_copy(names, &names_copy, err), PLB_OK);
  plb_array_release(names);
  plb_array* name = at(names_copy, 0);
  char* text = NULL;
  CHECK_STATUS(plb_array_get_string(name, &text, err), PLB_OK);
  CHECK(text != NULL && strcmp(text, "deep") == 0);
  plb_string_free(text);
  plb_array_release(name);
  plb_array_release(names_copy);

  plb_type_release(int16);
  plb_type_release(float64);
  plb_array_release(row);
  plb_array_release(target);
  plb_array_release(c);
  plb_array_release(t);
  plb_array_release(a);
}

/* ----- functions on arrays ----------------------------------------------------------- */

static void test_call(void) {
  plb_array* a = one_to_six();
  plb_array* row = at(a, 0); /* 1 2 3 */
  plb_array* args[2] = {a, row};
  plb_array* results[2] = {NULL, NULL};
  int64_t count = 0;

  /* a + row broadcasts: [[2 4 6] [5 7 9]]. */
  CHECK_STATUS(plb_array_call("add", 2, args, NULL, 2, results, &count, err), PLB_OK);
  CHECK(count == 1 && results[0] != NULL && results[1] == NULL);
  CHECK(has_type(results[0], "2 * 3 * float64"));
  CHECK(element2(results[0], 0, 0) == 2.0 && element2(results[0], 1, 2) == 9.0);
  plb_array* sum = results[0];

  /* out=: the result is a new reference to the caller's handle. */
  plb_array* out = make_zeros("2 * 3 * float64");
  plb_array_call_options options = PLB_ARRAY_CALL_OPTIONS_INIT;
  options.nout = 1;
  options.out = &out;
  options.max_threads = 1;
  CHECK_STATUS(plb_array_call("multiply", 2, args, &options, 1, results, &count, err), PLB_OK);
  CHECK(count == 1 && results[0] == out);
  CHECK(element2(out, 1, 2) == 18.0 && element2(out, 1, 0) == 4.0);
  plb_array_release(results[0]);

  /* One-core-dim functions take an axis: cumsum down the columns. */
  plb_array_call_options axis_options = PLB_ARRAY_CALL_OPTIONS_INIT;
  axis_options.has_axis = true;
  axis_options.axis = 0;
  CHECK_STATUS(plb_array_call("cumsum", 1, args, &axis_options, 1, results, &count, err), PLB_OK);
  CHECK(element2(results[0], 1, 0) == 5.0 && element2(results[0], 0, 2) == 3.0);
  plb_array_release(results[0]);

  /* Errors. */
  results[0] = (plb_array*)1;
  CHECK_STATUS(plb_array_call("add", 2, args, NULL, 0, results, &count, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("room"));
  CHECK_STATUS(plb_array_call("no_such_function", 2, args, NULL, 1, results, &count, err),
               PLB_LOOKUP_ERROR);
  CHECK(results[0] == NULL);
  plb_array* column = make_zeros("2 * float64");
  plb_array* mismatched[2] = {a, column};
  CHECK_STATUS(plb_array_call("add", 2, mismatched, NULL, 1, results, &count, err),
               PLB_VALUE_ERROR);
  CHECK(message_has("broadcast"));
  plb_array* strings = make_zeros("3 * string");
  plb_array* typed[2] = {row, strings};
  CHECK_STATUS(plb_array_call("subtract", 2, typed, NULL, 1, results, &count, err), PLB_TYPE_ERROR);
  plb_array* with_null[2] = {a, NULL};
  CHECK_STATUS(plb_array_call("add", 2, with_null, NULL, 1, results, &count, err),
               PLB_INVALID_ARGUMENT);
  CHECK(message_has("argument array 1"));
  CHECK_STATUS(plb_array_call(NULL, 2, args, NULL, 1, results, &count, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'name'"));
  CHECK_STATUS(plb_array_call("add", 2, NULL, NULL, 1, results, &count, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_call("add", -1, args, NULL, 1, results, &count, err),
               PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_call("add", 2, args, NULL, 1, NULL, &count, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_call("add", 2, args, NULL, 1, results, NULL, err), PLB_INVALID_ARGUMENT);
  plb_array_call_options bad = PLB_ARRAY_CALL_OPTIONS_INIT;
  bad.struct_size = 2;
  CHECK_STATUS(plb_array_call("add", 2, args, &bad, 1, results, &count, err), PLB_INVALID_ARGUMENT);
  bad = (plb_array_call_options)PLB_ARRAY_CALL_OPTIONS_INIT;
  bad.max_threads = -1;
  CHECK_STATUS(plb_array_call("add", 2, args, &bad, 1, results, &count, err), PLB_INVALID_ARGUMENT);
  bad = (plb_array_call_options)PLB_ARRAY_CALL_OPTIONS_INIT;
  bad.nout = 1;
  CHECK_STATUS(plb_array_call("add", 2, args, &bad, 1, results, &count, err), PLB_INVALID_ARGUMENT);
  plb_array* null_out = NULL;
  bad.out = &null_out;
  CHECK_STATUS(plb_array_call("add", 2, args, &bad, 1, results, &count, err), PLB_INVALID_ARGUMENT);
  /* out= into a read-only array. */
  plb_array* readonly = NULL;
  const int64_t shape23[2] = {2, 3};
  CHECK_STATUS(plb_array_broadcast_to(row, 2, shape23, &readonly, err), PLB_OK);
  bad.out = &readonly;
  CHECK_STATUS(plb_array_call("add", 2, args, &bad, 1, results, &count, err), PLB_VALUE_ERROR);
  CHECK(message_has("read-only"));
  plb_array_release(readonly);
  CHECK(results[0] == NULL);

  plb_array_release(strings);
  plb_array_release(column);
  plb_array_release(out);
  plb_array_release(sum);
  plb_array_release(row);
  plb_array_release(a);
}

static void test_reduce(void) {
  plb_array* a = one_to_six();
  plb_array* r = NULL;
  CHECK_STATUS(plb_array_reduce("sum", a, NULL, NULL, &r, err), PLB_OK);
  CHECK(has_type(r, "float64"));
  CHECK(get_double(r) == 21.0);
  plb_array_release(r);

  plb_reduce_options options = PLB_REDUCE_OPTIONS_INIT;
  const int32_t axis0[1] = {0};
  options.naxes = 1;
  options.axes = axis0;
  CHECK_STATUS(plb_array_reduce("sum", a, &options, NULL, &r, err), PLB_OK);
  CHECK(has_type(r, "3 * float64"));
  CHECK(element2(r, 0, 0) == 5.0 && element2(r, 2, 0) == 9.0);
  plb_array_release(r);

  options.keepdims = true;
  options.axes = (const int32_t[]){-1};
  CHECK_STATUS(plb_array_reduce("max", a, &options, NULL, &r, err), PLB_OK);
  CHECK(has_type(r, "2 * 1 * float64"));
  CHECK(element2(r, 1, 0) == 6.0);
  plb_array_release(r);

  CHECK_STATUS(plb_array_reduce("mean", a, NULL, NULL, &r, err), PLB_OK);
  CHECK(get_double(r) == 3.5);
  plb_array_release(r);

  /* Into the caller's array: the result is that array. */
  plb_array* out = make_zeros("2 * float64");
  options = (plb_reduce_options)PLB_REDUCE_OPTIONS_INIT;
  options.naxes = 1;
  options.axes = (const int32_t[]){1};
  options.has_initial = true;
  options.initial = 100.0;
  CHECK_STATUS(plb_array_reduce("sum", a, &options, out, &r, err), PLB_OK);
  CHECK(element2(out, 0, 0) == 106.0 && element2(out, 1, 0) == 115.0);
  CHECK(buffer_of(r).data == buffer_of(out).data);
  plb_array_release(r);

  /* Errors. */
  options = (plb_reduce_options)PLB_REDUCE_OPTIONS_INIT;
  options.naxes = 1;
  options.axes = (const int32_t[]){2};
  r = (plb_array*)1;
  CHECK_STATUS(plb_array_reduce("sum", a, &options, NULL, &r, err), PLB_INDEX_ERROR);
  CHECK(r == NULL);
  CHECK_STATUS(plb_array_reduce("add", a, NULL, NULL, &r, err), PLB_TYPE_ERROR);
  CHECK_STATUS(plb_array_reduce("no_such_reduction", a, NULL, NULL, &r, err), PLB_LOOKUP_ERROR);
  CHECK_STATUS(plb_array_reduce("sum", a, NULL, out, &r, err), PLB_VALUE_ERROR);
  options.axes = NULL;
  CHECK_STATUS(plb_array_reduce("sum", a, &options, NULL, &r, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'axes'"));
  CHECK_STATUS(plb_array_reduce(NULL, a, NULL, NULL, &r, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_reduce("sum", NULL, NULL, NULL, &r, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_reduce("sum", a, NULL, NULL, NULL, err), PLB_INVALID_ARGUMENT);
  plb_array_release(out);
  plb_array_release(a);
}

void test_arrays(void) {
  test_create();
  test_from_pointer();
  test_index();
  test_fields();
  test_shape_views();
  test_elements();
  test_copies();
  test_call();
  test_reduce();
}
