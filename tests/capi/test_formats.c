/* C11 tests of the JSON and interchange-format functions of pluribus.h. */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "check.h"

/* True when `json` reads back as a type equal to `type`. */
static int json_round_trips(const plb_type* type) {
  char* json = NULL;
  plb_type* back = NULL;
  bool equal = false;
  int ok = plb_type_to_json(type, &json, err) == PLB_OK &&
           plb_type_from_json(json, PLB_NUL_TERMINATED, &back, err) == PLB_OK &&
           plb_type_equal(type, back, &equal, err) == PLB_OK && equal;
  plb_string_free(json);
  plb_type_release(back);
  return ok;
}

static void test_json(void) {
  const char* datashapes[] = {"int32", "?float64", "2 * 3 * int16", "var * string",
                              "{a: int8, b: 3 * float32, 'odd name': ?bool}", "(int8, T)",
                              "N * M * Any"};
  for (size_t i = 0; i < sizeof datashapes / sizeof datashapes[0]; ++i) {
    plb_type* type = parse(datashapes[i]);
    CHECK(json_round_trips(type));
    plb_type_release(type);
  }

  /* The documented schema: {"kind": "int32"} is int32. */
  plb_type* type = NULL;
  CHECK_STATUS(plb_type_from_json("{\"kind\": \"int32\"}", PLB_NUL_TERMINATED, &type, err), PLB_OK);
  CHECK(prints_as(type, "int32"));
  char* json = NULL;
  CHECK_STATUS(plb_type_to_json(type, &json, err), PLB_OK);
  CHECK(json != NULL && strstr(json, "\"kind\"") != NULL && strstr(json, "\"int32\"") != NULL);
  plb_string_free(json);
  plb_type_release(type);
  /* An explicit length ignores what follows. */
  CHECK_STATUS(plb_type_from_json("{\"kind\": \"int8\"}xyz", 16, &type, err), PLB_OK);
  CHECK(prints_as(type, "int8"));
  plb_type_release(type);

  /* Malformed text, wrong structure, NULL arguments. */
  type = (plb_type*)1;
  CHECK_STATUS(plb_type_from_json("{\"kind\": ", PLB_NUL_TERMINATED, &type, err), PLB_PARSE_ERROR);
  CHECK(type == NULL);
  CHECK_STATUS(plb_type_from_json("{\"kind\": \"no_such_kind\"}", PLB_NUL_TERMINATED, &type, err),
               PLB_VALUE_ERROR);
  CHECK_STATUS(plb_type_from_json(NULL, 3, &type, err), PLB_INVALID_ARGUMENT);
  CHECK_STATUS(plb_type_from_json("{}", PLB_NUL_TERMINATED, NULL, err), PLB_INVALID_ARGUMENT);
  json = (char*)1;
  CHECK_STATUS(plb_type_to_json(NULL, &json, err), PLB_INVALID_ARGUMENT);
  CHECK(json == NULL);
  type = parse("int8");
  CHECK_STATUS(plb_type_to_json(type, NULL, err), PLB_INVALID_ARGUMENT);
  plb_type_release(type);
}

/* True when converting `datashape` with `convert` gives `expected`. */
typedef plb_status (*to_text)(const plb_type*, char**, plb_error*);
static int converts_to(to_text convert, const char* datashape, const char* expected) {
  plb_type* type = parse(datashape);
  char* text = NULL;
  int ok = convert(type, &text, err) == PLB_OK && strcmp(text, expected) == 0;
  if (!ok)
    fprintf(stderr, "  %s gave '%s' (%s), expected '%s'\n", datashape, text ? text : "",
            plb_error_message(err), expected);
  plb_string_free(text);
  plb_type_release(type);
  return ok;
}

/* The status of converting `datashape` with `convert`, which must leave no string. */
static plb_status convert_status(to_text convert, const char* datashape) {
  plb_type* type = parse(datashape);
  char* text = (char*)1;
  plb_status status = convert(type, &text, err);
  if (status != PLB_OK && text != NULL) {
    fprintf(stderr, "  a failed conversion of %s left a string\n", datashape);
    status = PLB_INTERNAL_ERROR;
  }
  plb_string_free(status == PLB_OK ? text : NULL);
  plb_type_release(type);
  return status;
}

typedef plb_status (*from_text)(const char*, size_t, plb_type**, plb_error*);
/* True when reading `text` with `convert` gives the same type as `datashape`. */
static int reads_as(from_text convert, const char* text, const char* datashape) {
  plb_type* expected = parse(datashape);
  plb_type* type = NULL;
  bool equal = false;
  int ok = convert(text, PLB_NUL_TERMINATED, &type, err) == PLB_OK &&
           plb_type_equal(type, expected, &equal, err) == PLB_OK && equal;
  if (!ok) fprintf(stderr, "  reading '%s': %s\n", text, plb_error_message(err));
  plb_type_release(type);
  plb_type_release(expected);
  return ok;
}

static plb_status read_status(from_text convert, const char* text) {
  plb_type* type = (plb_type*)1;
  plb_status status = convert(text, PLB_NUL_TERMINATED, &type, err);
  if (status != PLB_OK && type != NULL) status = PLB_INTERNAL_ERROR;
  if (status == PLB_OK) plb_type_release(type);
  return status;
}

/* NULL arguments of a conversion pair (to text and back). */
static void check_null_arguments(to_text to, from_text from) {
  plb_type* type = parse("int32");
  char* text = (char*)1;
  CHECK_STATUS(to(NULL, &text, err), PLB_INVALID_ARGUMENT);
  CHECK(text == NULL);
  CHECK_STATUS(to(type, NULL, err), PLB_INVALID_ARGUMENT);
  plb_type_release(type);
  if (!from) return;
  plb_type* out = (plb_type*)1;
  CHECK_STATUS(from(NULL, 1, &out, err), PLB_INVALID_ARGUMENT);
  CHECK(out == NULL);
  CHECK_STATUS(from("i", PLB_NUL_TERMINATED, NULL, err), PLB_INVALID_ARGUMENT);
}

/* A C struct whose layout the PEP 3118 record format must reproduce. */
struct xy {
  int32_t x;
  double y;
};

static void test_pep3118(void) {
  CHECK(converts_to(plb_type_to_pep3118, "int32", "<i"));
  CHECK(converts_to(plb_type_to_pep3118, "float64", "<d"));
  CHECK(converts_to(plb_type_to_pep3118, "bool", "?"));
  CHECK(converts_to(plb_type_to_pep3118, "2 * 3 * float64", "(2,3)<d"));
  CHECK(converts_to(plb_type_to_pep3118, "{x: int32, y: float64}", "T{<i:x:4x<d:y:}"));
  CHECK(convert_status(plb_type_to_pep3118, "?int32") == PLB_NOT_IMPLEMENTED);
  CHECK(convert_status(plb_type_to_pep3118, "var * int32") == PLB_NOT_IMPLEMENTED);
  CHECK(reads_as(plb_type_from_pep3118, "d", "float64"));
  CHECK(reads_as(plb_type_from_pep3118, "<q", "int64"));
  CHECK(reads_as(plb_type_from_pep3118, "(2,3)<d", "2 * 3 * float64"));
  /* Native alignment ('@'): the C compiler's struct layout. */
  plb_type* record = NULL;
  CHECK_STATUS(plb_type_from_pep3118("T{i:x:d:y:}", PLB_NUL_TERMINATED, &record, err), PLB_OK);
  int64_t size = 0, offset = 0;
  CHECK(plb_type_size(record, &size, err) == PLB_OK && size == (int64_t)sizeof(struct xy));
  CHECK(plb_type_field_offset(record, 1, &offset, err) == PLB_OK &&
        offset == (int64_t)offsetof(struct xy, y));
  plb_type_release(record);
  CHECK(read_status(plb_type_from_pep3118, ">i") == PLB_NOT_IMPLEMENTED);
  CHECK(read_status(plb_type_from_pep3118, "T{i:x:") == PLB_PARSE_ERROR);
  check_null_arguments(plb_type_to_pep3118, plb_type_from_pep3118);
}

static void test_arrow(void) {
  CHECK(converts_to(plb_type_to_arrow, "int32", "i"));
  CHECK(converts_to(plb_type_to_arrow, "uint8", "C"));
  CHECK(converts_to(plb_type_to_arrow, "float64", "g"));
  CHECK(converts_to(plb_type_to_arrow, "string", "u"));
  CHECK(converts_to(plb_type_to_arrow, "var * int32", "+l"));
  CHECK(converts_to(plb_type_to_arrow, "{a: int8}", "+s"));
  CHECK(convert_status(plb_type_to_arrow, "N * T") != PLB_OK);
  CHECK(reads_as(plb_type_from_arrow, "l", "int64"));
  CHECK(reads_as(plb_type_from_arrow, "b", "bool"));
  CHECK(reads_as(plb_type_from_arrow, "u", "string"));
  CHECK(reads_as(plb_type_from_arrow, "e", "float16"));
  CHECK(read_status(plb_type_from_arrow, "+l") == PLB_VALUE_ERROR); /* needs its child */
  CHECK(read_status(plb_type_from_arrow, "w:abc") == PLB_PARSE_ERROR);
  CHECK(read_status(plb_type_from_arrow, "?") == PLB_NOT_IMPLEMENTED);
  check_null_arguments(plb_type_to_arrow, plb_type_from_arrow);
}

static void test_numpy(void) {
  CHECK(converts_to(plb_type_to_numpy, "float64", "<f8"));
  CHECK(converts_to(plb_type_to_numpy, "bool", "|b1"));
  CHECK(converts_to(plb_type_to_numpy, "complex128", "<c16"));
  CHECK(convert_status(plb_type_to_numpy, "var * int32") == PLB_NOT_IMPLEMENTED);
  CHECK(reads_as(plb_type_from_numpy, "<i4", "int32"));
  CHECK(reads_as(plb_type_from_numpy, "<U5", "fixed_string[5, 'utf32']"));
  CHECK(read_status(plb_type_from_numpy, "<q9") != PLB_OK);
  CHECK(converts_to(plb_type_to_numpy_descr, "{x: int32, y: float64}",
                    "[('x', '<i4'), ('', '|V4'), ('y', '<f8')]"));
  CHECK(convert_status(plb_type_to_numpy_descr, "int32") != PLB_OK);
  check_null_arguments(plb_type_to_numpy, plb_type_from_numpy);
  check_null_arguments(plb_type_to_numpy_descr, NULL);
}

static void test_dlpack(void) {
  plb_type* type = parse("float32");
  plb_dlpack_dtype dtype = {0, 0, 0};
  CHECK_STATUS(plb_type_to_dlpack(type, &dtype, err), PLB_OK);
  CHECK(dtype.code == 2 && dtype.bits == 32 && dtype.lanes == 1);
  CHECK_STATUS(plb_type_to_dlpack(type, NULL, err), PLB_INVALID_ARGUMENT);
  plb_type_release(type);
  type = parse("bfloat16");
  CHECK(plb_type_to_dlpack(type, &dtype, err) == PLB_OK && dtype.code == 4 && dtype.bits == 16);
  plb_type_release(type);
  type = parse("string");
  CHECK_STATUS(plb_type_to_dlpack(type, &dtype, err), PLB_NOT_IMPLEMENTED);
  plb_type_release(type);
  CHECK_STATUS(plb_type_to_dlpack(NULL, &dtype, err), PLB_INVALID_ARGUMENT);

  plb_dlpack_dtype int64 = {0, 64, 1}, boolean = {6, 8, 1}, vector = {2, 32, 4};
  plb_type* expected = parse("int64");
  type = NULL;
  CHECK_STATUS(plb_type_from_dlpack(int64, &type, err), PLB_OK);
  CHECK(type == expected); /* equal types are the same handle */
  plb_type_release(type);
  plb_type_release(expected);
  CHECK_STATUS(plb_type_from_dlpack(boolean, &type, err), PLB_OK);
  CHECK(prints_as(type, "bool"));
  plb_type_release(type);
  type = (plb_type*)1;
  CHECK_STATUS(plb_type_from_dlpack(vector, &type, err), PLB_NOT_IMPLEMENTED);
  CHECK(type == NULL);
  CHECK_STATUS(plb_type_from_dlpack(int64, NULL, err), PLB_INVALID_ARGUMENT);
}

void test_formats(void) {
  test_json();
  test_pep3118();
  test_arrow();
  test_numpy();
  test_dlpack();
}
