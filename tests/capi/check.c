/* The assertion helpers shared by the C API tests. */
#include <stdio.h>
#include <string.h>

#include "check.h"

int passed = 0;
int failed = 0;

void check(int ok, const char* what, int line) {
  if (ok) {
    ++passed;
  } else {
    ++failed;
    fprintf(stderr, "FAILED line %d: %s\n", line, what);
  }
}

plb_error* err;

void check_status(plb_status got, plb_status expected, const char* what, int line) {
  if (got == expected && plb_error_code(err) == got) {
    ++passed;
    return;
  }
  ++failed;
  fprintf(stderr, "FAILED line %d: %s\n  got %s (%d), expected %s (%d); message: %s\n", line,
          what, plb_status_name(got), (int)got, plb_status_name(expected), (int)expected,
          plb_error_message(err));
}

/* Parses a concrete or abstract type that must be valid. */
plb_type* parse(const char* datashape) {
  plb_type* type = NULL;
  plb_status status = plb_type_parse(datashape, PLB_NUL_TERMINATED, 0, &type, err);
  if (status != PLB_OK) {
    fprintf(stderr, "cannot parse '%s': %s\n", datashape, plb_error_message(err));
    ++failed;
  }
  return type;
}

/* True when `type` prints as `expected`. */
int prints_as(const plb_type* type, const char* expected) {
  char* text = NULL;
  if (plb_type_to_string(type, &text, err) != PLB_OK) return 0;
  int same = strcmp(text, expected) == 0;
  if (!same) fprintf(stderr, "  printed '%s', expected '%s'\n", text, expected);
  plb_string_free(text);
  return same;
}

