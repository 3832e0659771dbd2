/* Uses the installed C API: parses a record and prints its canonical form and size. */
#include <stdio.h>

#include <pluribus.h>

int main(void) {
  plb_error* err = plb_error_new();
  plb_type* type = NULL;
  if (plb_type_parse("{a: int8, b: float64}", PLB_NUL_TERMINATED, 0, &type, err) != PLB_OK) {
    fprintf(stderr, "parse failed: %s\n", plb_error_message(err));
    plb_error_free(err);
    return 1;
  }
  char* text = NULL;
  int64_t size = 0;
  plb_type_to_string(type, &text, err);
  plb_type_size(type, &size, err);
  printf("c: %s size %lld (pluribus %s)\n", text, (long long)size, plb_version());
  plb_string_free(text);
  plb_type_release(type);
  plb_error_free(err);
  return size == 16 ? 0 : 1;
}
