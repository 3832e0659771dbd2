/* Assertion helpers of the C API tests: counters, CHECK macros and small type helpers. */
#ifndef PLURIBUS_TESTS_CAPI_CHECK_H
#define PLURIBUS_TESTS_CAPI_CHECK_H

#include "pluribus.h"

extern int passed;
extern int failed;
/* Shared by every test, which also checks that one error object can be reused. */
extern plb_error* err;

void check(int ok, const char* what, int line);
/* Checks both the returned status and the status recorded in `err`. */
void check_status(plb_status got, plb_status expected, const char* what, int line);
#define CHECK(cond) check((cond) ? 1 : 0, #cond, __LINE__)
#define CHECK_STATUS(call, expected) check_status((call), (expected), #call, __LINE__)

/* Parses a datashape that must be valid (a failure counts as a failed check). */
plb_type* parse(const char* datashape);
/* True when `type` prints as `expected`. */
int prints_as(const plb_type* type, const char* expected);

void test_formats(void);
void test_functions(void);
void test_arrays(void);
void test_array_exchange(void);

#endif
