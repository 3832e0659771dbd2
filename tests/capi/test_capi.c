/* C11 tests of pluribus.h: every function, its error paths and NULL arguments. */
#include <stdalign.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"

static int64_t size_of(const plb_type* type) {
  int64_t size = -1;
  plb_type_size(type, &size, err);
  return size;
}

static int64_t alignment_of(const plb_type* type) {
  int64_t alignment = -1;
  plb_type_alignment(type, &alignment, err);
  return alignment;
}

static int64_t offset_of(const plb_type* type, int64_t index) {
  int64_t offset = -1;
  plb_type_field_offset(type, index, &offset, err);
  return offset;
}

static void test_version(void) {
  char expected[32];
  snprintf(expected, sizeof expected, "%d.%d.%d", PLURIBUS_VERSION_MAJOR, PLURIBUS_VERSION_MINOR,
           PLURIBUS_VERSION_PATCH);
  CHECK(strcmp(plb_version(), expected) == 0);
  CHECK(plb_version_number() == PLURIBUS_VERSION_NUMBER);
  const char* target = plb_simd_target();
  const char* known[] = {"AVX3_DL", "AVX3", "AVX2", "SSE4", "SSSE3", "SCALAR"};
  bool found = false;
  for (size_t i = 0; i < sizeof known / sizeof known[0]; ++i) found = found || strcmp(target, known[i]) == 0;
  CHECK(found);
  CHECK(plb_simd_target() == target); /* chosen once: the same static string */
}

static void test_status_and_error(void) {
  CHECK(strcmp(plb_status_name(PLB_OK), "ok") == 0);
  CHECK(strcmp(plb_status_name(PLB_PARSE_ERROR), "parse error") == 0);
  CHECK(strcmp(plb_status_name(PLB_INTERNAL_ERROR), "internal error") == 0);
  CHECK(strcmp(plb_status_name((plb_status)99), "unknown status") == 0);
  /* The numbers are part of the ABI (pluribus::ErrorCode). */
  CHECK(PLB_INVALID_ARGUMENT == 1 && PLB_PARSE_ERROR == 2 && PLB_TYPE_ERROR == 3);
  CHECK(PLB_MEMORY_ERROR == 7 && PLB_NOT_IMPLEMENTED == 8 && PLB_INTERNAL_ERROR == 10);

  plb_error* e = plb_error_new();
  CHECK(e != NULL);
  CHECK(plb_error_code(e) == PLB_OK);
  CHECK(strcmp(plb_error_message(e), "") == 0);
  CHECK(strcmp(plb_error_description(e), "") == 0);
  CHECK(plb_error_line(e) == 0 && plb_error_column(e) == 0);
  plb_type* type = (plb_type*)1; /* must be overwritten with NULL on failure */
  CHECK(plb_type_parse(NULL, 0, 0, &type, e) == PLB_INVALID_ARGUMENT);
  CHECK(type == NULL);
  CHECK(plb_error_code(e) == PLB_INVALID_ARGUMENT);
  CHECK(strstr(plb_error_message(e), "NULL") != NULL);
  plb_error_clear(e);
  CHECK(plb_error_code(e) == PLB_OK && strcmp(plb_error_message(e), "") == 0);
  plb_error_free(e);

  /* NULL errors: accessors answer "no error", clear/free are no-ops. */
  CHECK(plb_error_code(NULL) == PLB_OK);
  CHECK(strcmp(plb_error_message(NULL), "") == 0);
  CHECK(strcmp(plb_error_description(NULL), "") == 0);
  CHECK(plb_error_line(NULL) == 0 && plb_error_column(NULL) == 0);
  plb_error_clear(NULL);
  plb_error_free(NULL);
  plb_string_free(NULL);
  /* A NULL error still gives the status. */
  CHECK(plb_type_parse("int32", PLB_NUL_TERMINATED, 0, NULL, NULL) == PLB_INVALID_ARGUMENT);
  CHECK(plb_type_parse("3 * * int32", PLB_NUL_TERMINATED, 0, &type, NULL) == PLB_PARSE_ERROR);
  CHECK(type == NULL);
}

static void test_parse(void) {
  plb_type* type = NULL;
  CHECK_STATUS(plb_type_parse("int32", PLB_NUL_TERMINATED, 0, &type, err), PLB_OK);
  CHECK(type != NULL && prints_as(type, "int32"));
  plb_type_release(type);

  /* An explicit length stops before the rest of the buffer. */
  CHECK_STATUS(plb_type_parse("float64 garbage", 7, 0, &type, err), PLB_OK);
  CHECK(prints_as(type, "float64"));
  plb_type_release(type);

  /* Canonical spellings (conformance corpus, Blaze column). */
  type = parse("2 * 3 * option[int32]");
  CHECK(prints_as(type, "2 * 3 * ?int32"));
  plb_type_release(type);
  type = parse("{x: int16, y: int32,}");
  CHECK(prints_as(type, "{x: int16, y: int32}"));
  plb_type_release(type);

  /* A parse error names line and column and shows a caret. */
  type = (plb_type*)1;
  CHECK_STATUS(plb_type_parse("3 * * int32", PLB_NUL_TERMINATED, 0, &type, err), PLB_PARSE_ERROR);
  CHECK(type == NULL);
  CHECK(plb_error_line(err) == 1);
  CHECK(plb_error_column(err) == 5);
  CHECK(strchr(plb_error_message(err), '^') != NULL);
  CHECK(strstr(plb_error_message(err), "line 1, column 5") != NULL);
  CHECK(strchr(plb_error_description(err), '\n') == NULL);
  CHECK(strlen(plb_error_description(err)) > 0);

  CHECK_STATUS(plb_type_parse("{a: int32,\n b: flot64}", PLB_NUL_TERMINATED, 0, &type, err),
               PLB_PARSE_ERROR);
  CHECK(plb_error_line(err) == 2);
  CHECK(plb_error_column(err) >= 2);

  /* The error is cleared by the next successful call. */
  CHECK_STATUS(plb_type_parse("int8", PLB_NUL_TERMINATED, 0, &type, err), PLB_OK);
  CHECK(plb_error_line(err) == 0 && strcmp(plb_error_message(err), "") == 0);
  plb_type_release(type);

  /* Abstract types parse by default and are rejected with PLB_PARSE_REQUIRE_CONCRETE. */
  CHECK_STATUS(plb_type_parse("N * T", PLB_NUL_TERMINATED, 0, &type, err), PLB_OK);
  plb_type_release(type);
  type = (plb_type*)1;
  CHECK(plb_type_parse("N * int32", PLB_NUL_TERMINATED, PLB_PARSE_REQUIRE_CONCRETE, &type, err) !=
        PLB_OK);
  CHECK(type == NULL && strlen(plb_error_message(err)) > 0);
  CHECK_STATUS(plb_type_parse("3 * int32", PLB_NUL_TERMINATED, PLB_PARSE_REQUIRE_CONCRETE, &type,
                              err),
               PLB_OK);
  plb_type_release(type);
  CHECK_STATUS(plb_type_parse("int32", PLB_NUL_TERMINATED, 0x80, &type, err),
               PLB_INVALID_ARGUMENT);
  CHECK(type == NULL);

  /* Sizes are overflow-checked (the parser reports it at the offending position). */
  plb_status status =
      plb_type_parse("2 * 4611686018427387904 * uint8", PLB_NUL_TERMINATED, 0, &type, err);
  CHECK(status == PLB_OVERFLOW_ERROR || status == PLB_PARSE_ERROR);
  CHECK(strstr(plb_error_message(err), "overflow") != NULL);
  CHECK(type == NULL);

  /* NULL arguments. */
  CHECK_STATUS(plb_type_parse(NULL, 5, 0, &type, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_parse("int32", PLB_NUL_TERMINATED, 0, NULL, err), PLB_INVALID_ARGUMENT);
}

static void test_retain_release_print(void) {
  plb_type* type = parse("3 * float32");
  CHECK(plb_type_retain(type) == type);
  plb_type_release(type);
  CHECK(prints_as(type, "3 * float32")); /* still alive: one reference left */
  plb_type_release(type);
  CHECK(plb_type_retain(NULL) == NULL);
  plb_type_release(NULL);

  char* text = (char*)1;
  CHECK_STATUS(plb_type_to_string(NULL, &text, err), PLB_INVALID_ARGUMENT);
  CHECK(text == NULL);
  type = parse("int64");
  CHECK_STATUS(plb_type_to_string(type, NULL, err), PLB_INVALID_ARGUMENT);
  plb_type_release(type);
}

static void test_equal_hash_kind(void) {
  plb_type* a = parse("?int32");
  plb_type* b = parse("option[int32]");
  plb_type* c = parse("int32");
  bool equal = false;
  CHECK_STATUS(plb_type_equal(a, b, &equal, err), PLB_OK);
  CHECK(equal);
  CHECK_STATUS(plb_type_equal(a, c, &equal, err), PLB_OK);
  CHECK(!equal);
  CHECK_STATUS(plb_type_equal(NULL, c, &equal, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_equal(a, NULL, &equal, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_equal(a, b, NULL, err), PLB_INVALID_ARGUMENT);

  uint64_t ha = 0, hb = 1;
  CHECK_STATUS(plb_type_hash(a, &ha, err), PLB_OK);
  CHECK_STATUS(plb_type_hash(b, &hb, err), PLB_OK);
  CHECK(ha == hb);
  CHECK_STATUS(plb_type_hash(NULL, &ha, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_hash(a, NULL, err), PLB_INVALID_ARGUMENT);

  plb_kind kind = PLB_KIND_ANY;
  CHECK_STATUS(plb_type_kind(a, &kind, err), PLB_OK);
  CHECK(kind == PLB_KIND_OPTION);
  CHECK_STATUS(plb_type_kind(c, &kind, err), PLB_OK);
  CHECK(kind == PLB_KIND_INT32);
  CHECK_STATUS(plb_type_kind(NULL, &kind, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_kind(c, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK(strcmp(plb_kind_name(PLB_KIND_INT32), "int32") == 0);
  CHECK(strcmp(plb_kind_name(PLB_KIND_RECORD), "record") == 0);
  CHECK(strcmp(plb_kind_name(PLB_KIND_ANY), "Any") == 0);
  CHECK(strcmp(plb_kind_name(PLB_KIND_TYPEVAR), "typevar") == 0);
  CHECK(plb_kind_name((plb_kind)(PLB_KIND_TYPEVAR + 1)) == NULL);
  CHECK(plb_kind_name((plb_kind)-1) == NULL);

  plb_type* kinds[3];
  kinds[0] = parse("{a: int8}");
  kinds[1] = parse("var * int8");
  kinds[2] = parse("T");
  const plb_kind expected[3] = {PLB_KIND_RECORD, PLB_KIND_VAR_DIM, PLB_KIND_TYPEVAR};
  for (int i = 0; i < 3; ++i) {
    CHECK(plb_type_kind(kinds[i], &kind, err) == PLB_OK && kind == expected[i]);
    plb_type_release(kinds[i]);
  }
  plb_type_release(a);
  plb_type_release(b);
  plb_type_release(c);
}

/* The C compiler's layout of the structs below is the independent reference. */
struct record_abc {
  int8_t a;
  double b;
  int16_t c;
};
struct tuple_bi {
  int8_t first;
  int32_t second;
};

static void test_layout(void) {
  plb_type* record = parse("{a: int8, b: float64, c: int16}");
  CHECK(size_of(record) == (int64_t)sizeof(struct record_abc));
  CHECK(alignment_of(record) == (int64_t)alignof(struct record_abc));
  CHECK(offset_of(record, 0) == (int64_t)offsetof(struct record_abc, a));
  CHECK(offset_of(record, 1) == (int64_t)offsetof(struct record_abc, b));
  CHECK(offset_of(record, 2) == (int64_t)offsetof(struct record_abc, c));
  bool concrete = false;
  CHECK_STATUS(plb_type_is_concrete(record, &concrete, err), PLB_OK);
  CHECK(concrete);

  int64_t count = 0;
  CHECK_STATUS(plb_type_field_count(record, &count, err), PLB_OK);
  CHECK(count == 3);
  char* name = NULL;
  size_t length = 0;
  CHECK_STATUS(plb_type_field_name(record, 1, &name, &length, err), PLB_OK);
  CHECK(name != NULL && strcmp(name, "b") == 0 && length == 1);
  plb_string_free(name);
  CHECK_STATUS(plb_type_field_name(record, 2, &name, NULL, err), PLB_OK);
  CHECK(name != NULL && strcmp(name, "c") == 0);
  plb_string_free(name);
  plb_type* field = NULL;
  CHECK_STATUS(plb_type_field_type(record, 1, &field, err), PLB_OK);
  CHECK(prints_as(field, "float64"));
  plb_type_release(field);
  int64_t index = -1;
  CHECK_STATUS(plb_type_field_index(record, "c", &index, err), PLB_OK);
  CHECK(index == 2);

  /* Field error paths. */
  name = (char*)1;
  CHECK_STATUS(plb_type_field_name(record, 3, &name, NULL, err), PLB_INDEX_ERROR);
  CHECK(name == NULL);
  CHECK_STATUS(plb_type_field_name(record, -1, &name, NULL, err), PLB_INDEX_ERROR);
  CHECK_STATUS(plb_type_field_name(record, 0, NULL, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_field_name(NULL, 0, &name, NULL, err), PLB_INVALID_ARGUMENT);
  field = (plb_type*)1;
  CHECK_STATUS(plb_type_field_type(record, 7, &field, err), PLB_INDEX_ERROR);
  CHECK(field == NULL);
  CHECK_STATUS(plb_type_field_type(record, 0, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_field_type(NULL, 0, &field, err), PLB_INVALID_ARGUMENT);
  int64_t offset = 0;
  CHECK_STATUS(plb_type_field_offset(record, 3, &offset, err), PLB_INDEX_ERROR);
  CHECK_STATUS(plb_type_field_offset(record, 0, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_field_offset(NULL, 0, &offset, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_field_index(record, "zz", &index, err), PLB_LOOKUP_ERROR);
  CHECK_STATUS(plb_type_field_index(record, NULL, &index, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_field_index(record, "a", NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_field_index(NULL, "a", &index, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_field_count(record, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_field_count(NULL, &count, err), PLB_INVALID_ARGUMENT);
  plb_type_release(record);

  /* Tuples: members are unnamed. */
  plb_type* tuple = parse("(int8, int32)");
  CHECK(size_of(tuple) == (int64_t)sizeof(struct tuple_bi));
  CHECK(alignment_of(tuple) == (int64_t)alignof(struct tuple_bi));
  CHECK(offset_of(tuple, 1) == (int64_t)offsetof(struct tuple_bi, second));
  CHECK_STATUS(plb_type_field_name(tuple, 0, &name, &length, err), PLB_OK);
  CHECK(name != NULL && name[0] == '\0' && length == 0);
  plb_string_free(name);
  CHECK_STATUS(plb_type_field_index(tuple, "a", &index, err), PLB_TYPE_ERROR);
  plb_type_release(tuple);

  /* A quoted field name with odd characters comes back byte for byte. */
  plb_type* odd = parse("{'odd name': int8, b: int8}");
  CHECK_STATUS(plb_type_field_name(odd, 0, &name, &length, err), PLB_OK);
  CHECK(name != NULL && strcmp(name, "odd name") == 0 && length == 8);
  plb_string_free(name);
  plb_type_release(odd);

  /* Scalars have no fields; abstract types have no size or offsets. */
  plb_type* scalar = parse("int16");
  CHECK(size_of(scalar) == 2 && alignment_of(scalar) == 2);
  CHECK_STATUS(plb_type_field_count(scalar, &count, err), PLB_TYPE_ERROR);
  CHECK_STATUS(plb_type_field_index(scalar, "a", &index, err), PLB_TYPE_ERROR);
  plb_type_release(scalar);
  plb_type* abstract = parse("{a: T, b: int32}");
  int64_t size = 0;
  CHECK_STATUS(plb_type_size(abstract, &size, err), PLB_TYPE_ERROR);
  CHECK_STATUS(plb_type_alignment(abstract, &size, err), PLB_TYPE_ERROR);
  CHECK_STATUS(plb_type_field_offset(abstract, 1, &offset, err), PLB_TYPE_ERROR);
  CHECK_STATUS(plb_type_is_concrete(abstract, &concrete, err), PLB_OK);
  CHECK(!concrete);
  plb_type_release(abstract);
  CHECK_STATUS(plb_type_size(NULL, &size, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_alignment(NULL, &size, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_is_concrete(NULL, &concrete, err), PLB_INVALID_ARGUMENT);
  plb_type* int8 = parse("int8");
  CHECK_STATUS(plb_type_size(int8, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_alignment(int8, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_is_concrete(int8, NULL, err), PLB_INVALID_ARGUMENT);
  plb_type_release(int8);
}

static void test_dims(void) {
  int32_t reference[2][3];
  plb_type* array = parse("2 * 3 * int32");
  int64_t ndim = 0;
  CHECK_STATUS(plb_type_ndim(array, &ndim, err), PLB_OK);
  CHECK(ndim == 2);
  CHECK(size_of(array) == (int64_t)sizeof reference);
  int64_t shape[4] = {0, 0, 0, 0};
  CHECK_STATUS(plb_type_shape(array, shape, 4, err), PLB_OK);
  CHECK(shape[0] == 2 && shape[1] == 3 && shape[2] == 0);
  int64_t strides[2] = {0, 0};
  CHECK_STATUS(plb_type_strides(array, strides, 2, err), PLB_OK);
  CHECK(strides[0] == (int64_t)sizeof reference[0] && strides[1] == (int64_t)sizeof(int32_t));
  CHECK_STATUS(plb_type_shape(array, shape, 1, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_shape(array, shape, -1, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_strides(array, strides, 1, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_shape(array, NULL, 2, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_strides(array, NULL, 2, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_shape(NULL, shape, 2, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_strides(NULL, strides, 2, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_ndim(NULL, &ndim, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_ndim(array, NULL, err), PLB_INVALID_ARGUMENT);

  plb_type* dtype = NULL;
  CHECK_STATUS(plb_type_dtype(array, &dtype, err), PLB_OK);
  CHECK(prints_as(dtype, "int32"));
  plb_type* child = NULL;
  CHECK_STATUS(plb_type_child(array, &child, err), PLB_OK);
  CHECK(prints_as(child, "3 * int32"));
  plb_type_release(child);
  child = (plb_type*)1;
  CHECK_STATUS(plb_type_child(dtype, &child, err), PLB_TYPE_ERROR);
  CHECK(child == NULL);
  plb_type* same = NULL;
  CHECK_STATUS(plb_type_dtype(dtype, &same, err), PLB_OK); /* a scalar is its own dtype */
  CHECK(same == dtype);
  plb_type_release(same);
  plb_type_release(dtype);
  CHECK_STATUS(plb_type_dtype(NULL, &dtype, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_dtype(array, NULL, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_child(NULL, &child, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_child(array, NULL, err), PLB_INVALID_ARGUMENT);
  plb_type_release(array);

  /* Non-fixed dims: -1 extent, 0 stride. */
  plb_type* ragged = parse("var * 3 * int16");
  CHECK_STATUS(plb_type_shape(ragged, shape, 2, err), PLB_OK);
  CHECK(shape[0] == -1 && shape[1] == 3);
  CHECK_STATUS(plb_type_strides(ragged, strides, 2, err), PLB_OK);
  CHECK(strides[0] == 0 && strides[1] == 2);
  plb_type_release(ragged);
  plb_type* symbolic = parse("M * N * float64");
  CHECK_STATUS(plb_type_shape(symbolic, shape, 2, err), PLB_OK);
  CHECK(shape[0] == -1 && shape[1] == -1);
  plb_type_release(symbolic);

  /* A scalar has ndim 0 and accepts a NULL array. */
  plb_type* scalar = parse("bool");
  CHECK_STATUS(plb_type_ndim(scalar, &ndim, err), PLB_OK);
  CHECK(ndim == 0);
  CHECK_STATUS(plb_type_shape(scalar, NULL, 0, err), PLB_OK);
  CHECK_STATUS(plb_type_strides(scalar, NULL, 0, err), PLB_OK);
  plb_type_release(scalar);

  /* Option's child is its value type. */
  plb_type* option = parse("?float32");
  CHECK_STATUS(plb_type_child(option, &child, err), PLB_OK);
  CHECK(prints_as(child, "float32"));
  plb_type_release(child);
  plb_type_release(option);
}

static void test_match(void) {
  plb_type* pattern = parse("N * T");
  plb_type* square = parse("N * N * T");
  plb_type* concrete = parse("3 * int32");
  plb_type* matrix = parse("2 * 3 * int32");
  bool matches = false;
  CHECK_STATUS(plb_type_match(pattern, concrete, &matches, err), PLB_OK);
  CHECK(matches);
  CHECK_STATUS(plb_type_match(pattern, matrix, &matches, err), PLB_OK);
  CHECK(!matches); /* T has no dims */
  CHECK_STATUS(plb_type_match(square, matrix, &matches, err), PLB_OK);
  CHECK(!matches); /* N cannot be both 2 and 3 */
  CHECK_STATUS(plb_type_match(NULL, concrete, &matches, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_match(pattern, NULL, &matches, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_match(pattern, concrete, NULL, err), PLB_INVALID_ARGUMENT);
  plb_type_release(pattern);
  plb_type_release(square);
  plb_type_release(concrete);
  plb_type_release(matrix);
}

int main(void) {
  err = plb_error_new();
  if (!err) return 1;
  test_version();
  test_status_and_error();
  test_parse();
  test_retain_release_print();
  test_equal_hash_kind();
  test_layout();
  test_dims();
  test_match();
  test_formats();
  test_functions();
  test_arrays();
  test_array_exchange();
  plb_error_free(err);
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
