/* C11 tests of the array API's exchange with the outside: DLPack and Arrow (deleters and
 * release callbacks counted), JSON, printing, files and shared memory. Expected texts and
 * buffers are written by hand (NumPy 1.24 prints the same arrays the same way). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "array_check.h"
#include "check.h"
#include "container/arrow_abi.h"
#include "container/dlpack.h"

/* ----- DLPack ------------------------------------------------------------------------- */

static int tensor_deleted = 0;
static void delete_versioned(DLManagedTensorVersioned* self) {
  ++tensor_deleted;
  (void)self; /* the struct lives on the test's stack */
}
static void delete_legacy(DLManagedTensor* self) {
  ++tensor_deleted;
  (void)self;
}

static void test_dlpack(void) {
  /* Export over caller memory: the memory's release waits for the consumer's deleter. */
  int32_t data[2][3] = {{1, 2, 3}, {4, 5, 6}};
  plb_type* int32 = parse("int32");
  const int64_t shape[2] = {2, 3};
  const int64_t strides[2] = {12, 4};
  int released = 0;
  plb_array* a = NULL;
  CHECK_STATUS(plb_array_from_pointer(data, int32, 2, shape, strides, false, count_release,
                                      &released, &a, err),
               PLB_OK);
  plb_array* t = NULL;
  CHECK_STATUS(plb_array_transpose(a, 0, NULL, &t, err), PLB_OK);
  DLManagedTensorVersioned* tensor = NULL;
  CHECK_STATUS(plb_array_to_dlpack_versioned(t, &tensor, err), PLB_OK);
  CHECK(tensor != NULL && tensor->version.major == 1);
  CHECK(tensor->dl_tensor.data == (void*)data);
  CHECK(tensor->dl_tensor.device.device_type == kDLCPU);
  CHECK(tensor->dl_tensor.ndim == 2);
  CHECK(tensor->dl_tensor.shape[0] == 3 && tensor->dl_tensor.shape[1] == 2);
  CHECK(tensor->dl_tensor.strides[0] == 1 && tensor->dl_tensor.strides[1] == 3); /* elements */
  CHECK(tensor->dl_tensor.dtype.code == kDLInt && tensor->dl_tensor.dtype.bits == 32);
  CHECK((tensor->flags & DLPACK_FLAG_BITMASK_READ_ONLY) == 0);
  plb_array_release(t);
  plb_array_release(a);
  CHECK(released == 0); /* the tensor holds the memory */

  /* The round trip back: the import owns the tensor, whose deleter releases the memory. */
  plb_array* back = NULL;
  CHECK_STATUS(plb_array_from_dlpack_versioned(tensor, &back, err), PLB_OK);
  CHECK(has_type(back, "3 * 2 * int32"));
  CHECK(buffer_of(back).data == (void*)data);
  plb_array* element = at(back, 2);
  plb_array* last = at(element, 1);
  CHECK(get_int64(last) == 6);
  plb_array_release(element);
  plb_array_release(back);
  CHECK(released == 0); /* `last` still views it */
  plb_array_release(last);
  CHECK(released == 1);

  /* The legacy struct; a read-only array cannot be exported through it. */
  released = 0;
  CHECK_STATUS(plb_array_from_pointer(data, int32, 2, shape, strides, true, count_release,
                                      &released, &a, err),
               PLB_OK);
  DLManagedTensor* legacy = (DLManagedTensor*)1;
  CHECK_STATUS(plb_array_to_dlpack(a, &legacy, err), PLB_VALUE_ERROR);
  CHECK(legacy == NULL);
  CHECK_STATUS(plb_array_to_dlpack_versioned(a, &tensor, err), PLB_OK);
  CHECK((tensor->flags & DLPACK_FLAG_BITMASK_READ_ONLY) != 0);
  plb_dlpack_versioned_delete(tensor); /* a holder that drops it (the memory's release shows it ran) */
  plb_dlpack_versioned_delete(NULL);
  plb_dlpack_delete(NULL);
  plb_array* writable = NULL;
  CHECK_STATUS(plb_array_copy(a, &writable, err), PLB_OK);
  plb_array_release(a);
  CHECK(released == 1);
  CHECK_STATUS(plb_array_to_dlpack(writable, &legacy, err), PLB_OK);
  CHECK(legacy != NULL && legacy->dl_tensor.ndim == 2 && legacy->dl_tensor.shape[1] == 3);
  plb_array_release(writable);
  CHECK(((int32_t*)legacy->dl_tensor.data)[4] == 5); /* the tensor keeps the copy alive */
  CHECK_STATUS(plb_array_from_dlpack(legacy, &back, err), PLB_OK);
  CHECK(has_type(back, "2 * 3 * int32"));
  DLManagedTensor* dropped = NULL; /* dropped unconsumed: LeakSanitizer sees a missed deleter */
  CHECK_STATUS(plb_array_to_dlpack(back, &dropped, err), PLB_OK);
  plb_dlpack_delete(dropped);
  plb_array_release(back);

  /* Import of a producer's tensor: its deleter runs once, when the last view is gone. */
  double values[4] = {0.5, 1.5, 2.5, 3.5};
  int64_t tensor_shape[1] = {4};
  DLManagedTensorVersioned producer;
  memset(&producer, 0, sizeof producer);
  producer.version.major = 1;
  producer.deleter = delete_versioned;
  producer.dl_tensor.data = values;
  producer.dl_tensor.device.device_type = kDLCPU;
  producer.dl_tensor.ndim = 1;
  producer.dl_tensor.dtype.code = kDLFloat;
  producer.dl_tensor.dtype.bits = 64;
  producer.dl_tensor.dtype.lanes = 1;
  producer.dl_tensor.shape = tensor_shape;
  producer.dl_tensor.strides = NULL;
  tensor_deleted = 0;
  CHECK_STATUS(plb_array_from_dlpack_versioned(&producer, &back, err), PLB_OK);
  plb_array* third = at(back, 2);
  plb_array_release(back);
  CHECK(tensor_deleted == 0);
  CHECK(get_double(third) == 2.5);
  plb_array_release(third);
  CHECK(tensor_deleted == 1);

  /* A failed import leaves the tensor the caller's: the deleter does not run. */
  tensor_deleted = 0;
  producer.dl_tensor.device.device_type = kDLCUDA;
  back = (plb_array*)1;
  CHECK_STATUS(plb_array_from_dlpack_versioned(&producer, &back, err), PLB_NOT_IMPLEMENTED);
  CHECK(back == NULL);
  producer.dl_tensor.device.device_type = kDLCPU;
  producer.version.major = 2;
  CHECK_STATUS(plb_array_from_dlpack_versioned(&producer, &back, err), PLB_NOT_IMPLEMENTED);
  producer.version.major = 1;
  producer.dl_tensor.dtype.lanes = 4;
  CHECK_STATUS(plb_array_from_dlpack_versioned(&producer, &back, err), PLB_NOT_IMPLEMENTED);
  CHECK(tensor_deleted == 0);

  DLManagedTensor old;
  memset(&old, 0, sizeof old);
  old.deleter = delete_legacy;
  old.dl_tensor = producer.dl_tensor;
  old.dl_tensor.dtype.lanes = 1;
  old.dl_tensor.ndim = -1;
  CHECK_STATUS(plb_array_from_dlpack(&old, &back, err), PLB_INVALID_ARGUMENT);
  CHECK(tensor_deleted == 0);
  old.dl_tensor.ndim = 1;
  CHECK_STATUS(plb_array_from_dlpack(&old, &back, err), PLB_OK);
  plb_array_release(back);
  CHECK(tensor_deleted == 1);

  /* Types without a DLPack element; NULL arguments. */
  plb_array* strings = make_zeros("2 * string");
  CHECK_STATUS(plb_array_to_dlpack_versioned(strings, &tensor, err), PLB_NOT_IMPLEMENTED);
  CHECK(tensor == NULL);
  plb_array_release(strings);
  CHECK_STATUS(plb_array_to_dlpack_versioned(NULL, &tensor, err), PLB_INVALID_ARGUMENT);
  a = make_zeros("3 * int8");
  CHECK_STATUS(plb_array_to_dlpack_versioned(a, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_to_dlpack(NULL, &legacy, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_to_dlpack(a, NULL, err), PLB_INVALID_ARGUMENT);
  plb_array_release(a);
  CHECK_STATUS(plb_array_from_dlpack_versioned(NULL, &back, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'tensor'"));
  CHECK_STATUS(plb_array_from_dlpack_versioned(&producer, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_from_dlpack(NULL, &back, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_from_dlpack(&old, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK(tensor_deleted == 1);
  plb_type_release(int32);
}

/* ----- Arrow -------------------------------------------------------------------------- */

/* Counting wrappers around the exporter's release callbacks (one export at a time). */
static int schema_released = 0;
static int array_released = 0;
static void (*schema_release)(struct ArrowSchema*) = NULL;
static void (*array_release)(struct ArrowArray*) = NULL;
static void counted_schema_release(struct ArrowSchema* schema) {
  ++schema_released;
  schema->release = schema_release;
  schema_release(schema);
}
static void counted_array_release(struct ArrowArray* array) {
  ++array_released;
  array->release = array_release;
  array_release(array);
}
static void count_arrow_releases(struct ArrowSchema* schema, struct ArrowArray* array) {
  schema_released = array_released = 0;
  schema_release = schema->release;
  array_release = array->release;
  schema->release = counted_schema_release;
  array->release = counted_array_release;
}

static void test_arrow(void) {
  /* A column of 4 int64 over caller memory: exported without a copy. */
  int64_t data[4] = {10, 20, 30, 40};
  plb_type* int64 = parse("int64");
  const int64_t shape[1] = {4};
  const int64_t strides[1] = {8};
  int released = 0;
  plb_array* a = NULL;
  CHECK_STATUS(plb_array_from_pointer(data, int64, 1, shape, strides, false, count_release,
                                      &released, &a, err),
               PLB_OK);
  struct ArrowSchema schema;
  struct ArrowArray column;
  memset(&schema, 0, sizeof schema);
  memset(&column, 0, sizeof column);
  CHECK_STATUS(plb_array_to_arrow(a, &schema, &column, err), PLB_OK);
  plb_array_release(a);
  CHECK(released == 0);
  CHECK(schema.format != NULL && strcmp(schema.format, "l") == 0);
  CHECK(schema.release != NULL && column.release != NULL);
  CHECK(column.length == 4 && column.null_count == 0 && column.n_buffers == 2);
  CHECK(column.buffers[1] == (const void*)data);

  /* The import moves both structs; the memory is released after the last view. */
  count_arrow_releases(&schema, &column);
  plb_array* back = NULL;
  CHECK_STATUS(plb_array_from_arrow(&schema, &column, &back, err), PLB_OK);
  CHECK(schema.release == NULL && column.release == NULL);
  CHECK(has_type(back, "4 * int64"));
  CHECK(buffer_of(back).readonly);
  CHECK(buffer_of(back).data == (void*)data);
  plb_array* last = at(back, -1);
  plb_array_release(back);
  CHECK(schema_released == 0 && array_released == 0);
  CHECK(get_int64(last) == 40);
  plb_array_release(last);
  CHECK(schema_released == 1 && array_released == 1);
  CHECK(released == 1);

  /* Nullable strings: validity bitmap, offsets, bytes. */
  plb_array* names = make_zeros("3 * ?string");
  plb_array* second = at(names, 1);
  CHECK_STATUS(plb_array_set_string(second, "arrow", PLB_NUL_TERMINATED, err), PLB_OK);
  plb_array_release(second);
  CHECK_STATUS(plb_array_to_arrow(names, &schema, &column, err), PLB_OK);
  plb_array_release(names);
  CHECK(strcmp(schema.format, "u") == 0);
  CHECK(column.length == 3 && column.null_count == 2 && column.n_buffers == 3);
  const uint8_t* validity = column.buffers[0];
  CHECK(validity != NULL && (validity[0] & 7) == 2);
  const int32_t* offsets = column.buffers[1];
  CHECK(offsets[1] == 0 && offsets[2] == 5 && offsets[3] == 5);
  CHECK(memcmp(column.buffers[2], "arrow", 5) == 0);
  count_arrow_releases(&schema, &column);
  CHECK_STATUS(plb_array_from_arrow(&schema, &column, &back, err), PLB_OK);
  CHECK(has_type(back, "3 * ?string"));
  second = at(back, 1);
  char* text = NULL;
  CHECK_STATUS(plb_array_get_string(second, &text, err), PLB_OK);
  CHECK(text != NULL && strcmp(text, "arrow") == 0);
  plb_string_free(text);
  plb_array_release(second);
  plb_array* first = at(back, 0);
  bool missing = false;
  CHECK_STATUS(plb_array_is_missing(first, &missing, err), PLB_OK);
  CHECK(missing);
  plb_array_release(first);
  plb_array_release(back);
  CHECK(schema_released == 1 && array_released == 1);

  /* A failed import moves nothing: the caller releases the structs itself. */
  a = make_zeros("2 * float32");
  CHECK_STATUS(plb_array_to_arrow(a, &schema, &column, err), PLB_OK);
  plb_array_release(a);
  count_arrow_releases(&schema, &column);
  column.n_buffers = 1; /* malformed: a primitive column has two buffers */
  back = (plb_array*)1;
  CHECK_STATUS(plb_array_from_arrow(&schema, &column, &back, err), PLB_VALUE_ERROR);
  CHECK(back == NULL);
  CHECK(schema.release != NULL && column.release != NULL);
  CHECK(schema_released == 0 && array_released == 0);
  column.n_buffers = 2;
  schema.release(&schema);
  column.release(&column);
  CHECK(schema_released == 1 && array_released == 1);
  /* Released structs are refused. */
  CHECK_STATUS(plb_array_from_arrow(&schema, &column, &back, err), PLB_INVALID_ARGUMENT);

  /* Types without an Arrow layout; NULL arguments. */
  plb_array* complex = make_zeros("2 * complex128");
  memset(&schema, 0, sizeof schema);
  memset(&column, 0, sizeof column);
  CHECK_STATUS(plb_array_to_arrow(complex, &schema, &column, err), PLB_NOT_IMPLEMENTED);
  CHECK(schema.release == NULL && column.release == NULL);
  CHECK_STATUS(plb_array_to_arrow(NULL, &schema, &column, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_to_arrow(complex, NULL, &column, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("out_schema"));
  CHECK_STATUS(plb_array_to_arrow(complex, &schema, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("out_array"));
  plb_array_release(complex);
  CHECK_STATUS(plb_array_from_arrow(NULL, &column, &back, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_from_arrow(&schema, NULL, &back, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_from_arrow(&schema, &column, NULL, err), PLB_INVALID_ARGUMENT);
  plb_type_release(int64);
}

static int repr_is(const plb_array* array, const char* expected) {
  char* text = NULL;
  if (plb_array_repr(array, &text, err) != PLB_OK) return 0;
  int same = strcmp(text, expected) == 0;
  if (!same) fprintf(stderr, "  repr '%s', expected '%s'\n", text, expected);
  plb_string_free(text);
  return same;
}

static int str_is(const plb_array* array, const char* expected) {
  char* text = NULL;
  if (plb_array_to_string(array, &text, err) != PLB_OK) return 0;
  int same = strcmp(text, expected) == 0;
  if (!same) fprintf(stderr, "  str '%s', expected '%s'\n", text, expected);
  plb_string_free(text);
  return same;
}

/* ----- JSON ----------------------------------------------------------------------------- */

static int json_is(const plb_array* array, const char* expected) {
  char* text = NULL;
  if (plb_array_to_json(array, &text, err) != PLB_OK) return 0;
  int same = strcmp(text, expected) == 0;
  if (!same) fprintf(stderr, "  JSON '%s', expected '%s'\n", text, expected);
  plb_string_free(text);
  return same;
}

static void test_json(void) {
  /* With a type: records by key in any order, ?T from null. */
  plb_type* type = parse("2 * {id: int64, amount: ?float64}");
  const char* text = "[{\"id\": 1, \"amount\": 2.5}, {\"amount\": null, \"id\": 2}]";
  plb_array* a = NULL;
  CHECK_STATUS(plb_array_from_json(text, PLB_NUL_TERMINATED, type, &a, err), PLB_OK);
  CHECK(has_type(a, "2 * {id: int64, amount: ?float64}"));
  plb_array* amounts = NULL;
  CHECK_STATUS(plb_array_field(a, "amount", &amounts, err), PLB_OK);
  plb_array* amount = at(amounts, 0);
  CHECK(get_double(amount) == 2.5);
  plb_array_release(amount);
  amount = at(amounts, 1);
  bool missing = false;
  CHECK_STATUS(plb_array_is_missing(amount, &missing, err), PLB_OK);
  CHECK(missing);
  plb_array_release(amount);
  plb_array_release(amounts);
  CHECK(json_is(a, "[{\"id\":1,\"amount\":2.5},{\"id\":2,\"amount\":null}]"));
  plb_array_release(a);

  /* A value that does not fit: the message names its JSON path. */
  text = "[{\"id\": 1, \"amount\": 2.5}, {\"id\": 2, \"amount\": \"abc\"}]";
  a = (plb_array*)1;
  CHECK_STATUS(plb_array_from_json(text, PLB_NUL_TERMINATED, type, &a, err), PLB_VALUE_ERROR);
  CHECK(a == NULL);
  CHECK(message_has("$[1].amount: expected float64 or null, got \"abc\""));
  CHECK(plb_error_line(err) == 0);
  CHECK_STATUS(plb_array_from_json("[{\"id\": 1.5, \"amount\": 1}, {\"id\": 2, \"amount\": 1}]",
                                   PLB_NUL_TERMINATED, type, &a, err),
               PLB_VALUE_ERROR);
  CHECK(message_has("$[0].id"));
  CHECK_STATUS(
      plb_array_from_json("[{\"id\": 1, \"amount\": 1}]", PLB_NUL_TERMINATED, type, &a, err),
      PLB_VALUE_ERROR);
  CHECK(message_has("expected 2 elements"));

  /* Malformed JSON: a parse error with line and column (1-based, in bytes). */
  plb_type* four = parse("4 * int64");
  CHECK_STATUS(plb_array_from_json("[1, 2,\n 3,, 4]", PLB_NUL_TERMINATED, four, &a, err),
               PLB_PARSE_ERROR);
  CHECK(plb_error_line(err) == 2 && plb_error_column(err) == 4);
  CHECK(strchr(plb_error_message(err), '^') != NULL);
  CHECK_STATUS(plb_array_from_json("[1, 2", PLB_NUL_TERMINATED, NULL, &a, err), PLB_PARSE_ERROR);
  CHECK(plb_error_line(err) == 1);

  /* An explicit length ends the text. */
  CHECK_STATUS(plb_array_from_json("[1, 2, 3, 4]trailing", 12, four, &a, err), PLB_OK);
  CHECK(json_is(a, "[1,2,3,4]"));
  plb_array_release(a);
  plb_type_release(four);

  /* Discovered types; ragged data; views of ragged data outlive the array. */
  CHECK_STATUS(plb_array_from_json("[[1, 2], [3]]", PLB_NUL_TERMINATED, NULL, &a, err), PLB_OK);
  CHECK(has_type(a, "2 * var * int64"));
  plb_array* row = at(a, 0);
  plb_array* element = at(row, 1);
  plb_array_release(row);
  plb_array_release(a);
  CHECK(get_int64(element) == 2);
  plb_array_release(element);
  CHECK_STATUS(plb_array_from_json("[[1, 2], [3]]", PLB_NUL_TERMINATED, NULL, &a, err), PLB_OK);
  plb_index past_end[2] = {integer_index(1), integer_index(1)};
  plb_array* view = NULL;
  CHECK_STATUS(plb_array_index(a, 2, past_end, &view, err), PLB_INDEX_ERROR);
  CHECK(message_has("index 1 is out of bounds"));
  CHECK(message_has("size 1"));
  plb_array* copy = NULL;
  CHECK_STATUS(plb_array_copy(a, &copy, err), PLB_OK);
  plb_array_release(a);
  CHECK(json_is(copy, "[[1,2],[3]]"));
  /* Rows of a ragged dim break like the rows of a 2-dim array. */
  CHECK(repr_is(copy, "array([[1, 2],\n       [3]], type='2 * var * int64')"));
  plb_array_release(copy);

  plb_type* discovered = NULL;
  CHECK_STATUS(plb_json_discover("[{\"a\": 1}, {\"a\": null, \"b\": \"x\"}]", PLB_NUL_TERMINATED,
                                 &discovered, err),
               PLB_OK);
  CHECK(prints_as(discovered, "2 * {a: ?int64, b: ?string}"));
  plb_type_release(discovered);
  CHECK_STATUS(plb_json_discover("[1.5, 2]", 8, &discovered, err), PLB_OK);
  CHECK(prints_as(discovered, "2 * float64"));
  plb_type_release(discovered);
  discovered = (plb_type*)1;
  CHECK(plb_json_discover("[1, \"a\"]", PLB_NUL_TERMINATED, &discovered, err) != PLB_OK);
  CHECK(discovered == NULL);
  CHECK(message_has("$"));
  CHECK_STATUS(plb_json_discover("{\"a\": }", PLB_NUL_TERMINATED, &discovered, err),
               PLB_PARSE_ERROR);
  CHECK(plb_error_line(err) == 1 && plb_error_column(err) == 7);

  /* Types the reader refuses; NaN has no JSON; NULL arguments. */
  plb_type* abstract = parse("N * int64");
  CHECK(plb_array_from_json("[1]", PLB_NUL_TERMINATED, abstract, &a, err) != PLB_OK);
  CHECK(a == NULL);
  plb_type_release(abstract);
  plb_array* nan = make_zeros("float64");
  plb_type* float64 = parse("float64");
  const double not_a_number = 0.0 / 0.0;
  CHECK_STATUS(plb_array_set(nan, float64, &not_a_number, PLB_CAST_NOCHECK, err), PLB_OK);
  char* json = (char*)1;
  CHECK_STATUS(plb_array_to_json(nan, &json, err), PLB_VALUE_ERROR);
  CHECK(json == NULL);
  plb_array_release(nan);
  plb_type_release(float64);
  CHECK_STATUS(plb_array_from_json(NULL, 3, type, &a, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'json'"));
  CHECK_STATUS(plb_array_from_json("[]", 2, type, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_json_discover(NULL, 3, &discovered, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_json_discover("[1]", 3, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_to_json(NULL, &json, err), PLB_INVALID_ARGUMENT);
  a = make_zeros("int8");
  CHECK_STATUS(plb_array_to_json(a, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("out_json"));
  plb_array_release(a);
  plb_type_release(type);
}

/* ----- printing --------------------------------------------------------------------- */

static void test_print(void) {
  /* NumPy 1.24 prints np.arange(1., 7.).reshape(2, 3) the same way (with dtype=). */
  plb_array* a = one_to_six();
  CHECK(repr_is(a, "array([[1., 2., 3.],\n       [4., 5., 6.]], type='2 * 3 * float64')"));
  CHECK(str_is(a, "[[1. 2. 3.]\n [4. 5. 6.]]"));
  plb_array* t = NULL;
  CHECK_STATUS(plb_array_transpose(a, 0, NULL, &t, err), PLB_OK);
  CHECK(str_is(t, "[[1. 4.]\n [2. 5.]\n [3. 6.]]"));
  plb_array_release(t);

  plb_array* options = make_zeros("3 * ?int64");
  plb_type* int64 = parse("int64");
  const int64_t value = -12;
  plb_array* first = at(options, 0);
  CHECK_STATUS(plb_array_set(first, int64, &value, PLB_CAST_ALL, err), PLB_OK);
  plb_array_release(first);
  CHECK(repr_is(options, "array([-12,  NA,  NA], type='3 * ?int64')"));
  plb_array_release(options);
  plb_type_release(int64);

  plb_array* name = make_zeros("string");
  CHECK_STATUS(plb_array_set_string(name, "it's", PLB_NUL_TERMINATED, err), PLB_OK);
  CHECK(str_is(name, "it's"));
  plb_array_release(name);

  char* text = (char*)1;
  CHECK_STATUS(plb_array_repr(NULL, &text, err), PLB_INVALID_ARGUMENT);
  CHECK(text == NULL);
  CHECK_STATUS(plb_array_repr(a, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("out_text"));
  CHECK_STATUS(plb_array_to_string(NULL, &text, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_to_string(a, NULL, err), PLB_INVALID_ARGUMENT);
  plb_array_release(a);
}

/* ----- files and shared memory -------------------------------------------------------- */

static void test_mapped(void) {
  /* A C program's fwrite of a struct array, after an 8-byte header, maps back as it is. */
  const char* path = "test_arrays_mapped.bin";
  struct point points[3] = {{1, 0.5}, {2, 1.5}, {3, 2.5}};
  FILE* file = fopen(path, "wb");
  CHECK(file != NULL);
  if (!file) return;
  const uint64_t header = 0x504c5552u;
  fwrite(&header, sizeof header, 1, file);
  fwrite(points, sizeof points, 1, file);
  fclose(file);

  plb_type* type = parse("3 * {x: int32, y: float64}");
  plb_array* a = NULL;
  CHECK_STATUS(plb_array_open_file(path, type, false, 8, &a, err), PLB_OK);
  CHECK(buffer_of(a).readonly);
  plb_array* y = NULL;
  CHECK_STATUS(plb_array_field(a, "y", &y, err), PLB_OK);
  plb_array* second = at(y, 1);
  CHECK(get_double(second) == 1.5);
  plb_type* float64 = parse("float64");
  const double ten = 10.0;
  CHECK_STATUS(plb_array_set(second, float64, &ten, PLB_CAST_ALL, err), PLB_VALUE_ERROR);
  plb_array_release(second);
  plb_array_release(y);
  plb_array_release(a);

  /* A writable mapping writes through to the file. */
  CHECK_STATUS(plb_array_open_file(path, type, true, 8, &a, err), PLB_OK);
  CHECK(!buffer_of(a).readonly);
  CHECK_STATUS(plb_array_field(a, "y", &y, err), PLB_OK);
  CHECK_STATUS(plb_array_set(y, float64, &ten, PLB_CAST_ALL, err), PLB_OK);
  plb_array_release(y);
  plb_array_release(a);
  struct point read_back[3];
  file = fopen(path, "rb");
  CHECK(file != NULL);
  if (file) {
    uint64_t read_header = 0;
    CHECK(fread(&read_header, sizeof read_header, 1, file) == 1 && read_header == header);
    CHECK(fread(read_back, sizeof read_back, 1, file) == 1);
    CHECK(read_back[0].y == 10.0 && read_back[2].y == 10.0 && read_back[2].x == 3);
    fclose(file);
  }

  /* Errors: too short a file (the message names both sizes), a missing file, a type with
   * pointers, NULL arguments. */
  a = (plb_array*)1;
  CHECK_STATUS(plb_array_open_file(path, type, false, 16, &a, err), PLB_VALUE_ERROR);
  CHECK(a == NULL);
  CHECK(message_has("56") && message_has("64"));
  CHECK_STATUS(plb_array_open_file(path, type, false, -1, &a, err), PLB_VALUE_ERROR);
  CHECK_STATUS(plb_array_open_file("no_such_dir/no_such_file", type, false, 0, &a, err),
               PLB_LOOKUP_ERROR);
  CHECK(message_has("no_such_file"));
  plb_type* strings = parse("2 * string");
  CHECK_STATUS(plb_array_open_file(path, strings, false, 0, &a, err), PLB_TYPE_ERROR);
  CHECK_STATUS(plb_array_open_file(NULL, type, false, 0, &a, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'path'"));
  CHECK_STATUS(plb_array_open_file(path, NULL, false, 0, &a, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_open_file(path, type, false, 0, NULL, err), PLB_INVALID_ARGUMENT);
  remove(path);

  /* Shared memory: created zero-filled, seen by a second mapping, unlinked by name. */
  char name[64];
  snprintf(name, sizeof name, "/plb_capi_test_%lx", (unsigned long)(uintptr_t)&name);
  plb_type* numbers = parse("4 * int64");
  plb_array* created = NULL;
  CHECK_STATUS(plb_array_create_shared(name, numbers, &created, err), PLB_OK);
  plb_array* last = at(created, 3);
  CHECK(get_int64(last) == 0);
  const double seven = 7.0;
  CHECK_STATUS(plb_array_set(last, float64, &seven, PLB_CAST_ALL, err), PLB_OK);
  plb_array_release(last);
  plb_array* opened = NULL;
  CHECK_STATUS(plb_array_open_shared(name, numbers, false, &opened, err), PLB_OK);
  CHECK(buffer_of(opened).readonly);
  CHECK(buffer_of(opened).data != buffer_of(created).data); /* another mapping */
  last = at(opened, -1);
  CHECK(get_int64(last) == 7);
  plb_array_release(last);
  plb_array* again = (plb_array*)1;
  CHECK_STATUS(plb_array_create_shared(name, numbers, &again, err), PLB_INVALID_ARGUMENT);
  CHECK(again == NULL);
  CHECK_STATUS(plb_shared_unlink(name, err), PLB_OK);
  /* Mappings outlive the name. */
  CHECK_STATUS(plb_array_open_shared(name, numbers, true, &again, err), PLB_LOOKUP_ERROR);
  CHECK_STATUS(plb_shared_unlink(name, err), PLB_LOOKUP_ERROR);
  last = at(opened, 3);
  CHECK(get_int64(last) == 7);
  plb_array_release(last);
  plb_array_release(opened);
  plb_array_release(created);

  CHECK_STATUS(plb_array_create_shared("no_slash", numbers, &again, err), PLB_VALUE_ERROR);
  CHECK_STATUS(plb_array_create_shared(name, strings, &again, err), PLB_TYPE_ERROR);
  CHECK_STATUS(plb_array_create_shared(NULL, numbers, &again, err), PLB_INVALID_ARGUMENT);
  CHECK(message_has("'name'"));
  CHECK_STATUS(plb_array_create_shared(name, NULL, &again, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_create_shared(name, numbers, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_open_shared(NULL, numbers, false, &again, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_open_shared(name, NULL, false, &again, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_array_open_shared(name, numbers, false, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_shared_unlink(NULL, err), PLB_INVALID_ARGUMENT);
  plb_type_release(strings);
  plb_type_release(numbers);
  plb_type_release(float64);
  plb_type_release(type);
}

void test_array_exchange(void) {
  test_dlpack();
  test_arrow();
  test_json();
  test_print();
  test_mapped();
}
