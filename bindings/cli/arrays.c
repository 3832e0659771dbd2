/* The array commands of `pluribus`: JSON documents checked against a datashape or described by
 * one, and functions applied to arrays read from JSON (pluribus.h only). */
#include "arrays.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pluribus.h"

enum { EXIT_USAGE = 1, EXIT_BAD_INPUT = 2 };

static const char json_usage[] =
    "usage: pluribus json --type '<datashape>' FILE\n"
    "       pluribus json --discover FILE\n"
    "\n"
    "Reads the JSON document FILE ('-': standard input). With --type, checks it against\n"
    "the datashape and prints the array's repr; the first value that does not fit is\n"
    "reported with its JSON path ($[3].amount: ...), malformed JSON with its line and\n"
    "column. With --discover, prints the datashape the document would be read as.\n"
    "\n"
    "Exit status: 0 when the document fits, 2 when it does not (or the datashape is\n"
    "invalid), 1 for usage errors and unreadable files.\n";

static const char call_usage[] =
    "usage: pluribus call FUNCTION [--type '<datashape>'] --json '<json>' ...\n"
    "\n"
    "Applies the registered FUNCTION (see `pluribus functions`) to arrays read from JSON\n"
    "text, one --json per argument. A --type before a --json gives that argument's\n"
    "datashape; without it the datashape is discovered from the text. Prints the repr of\n"
    "each result on its own line(s).\n"
    "\n"
    "Exit status: 0 on success, 2 when an argument is invalid or the function refuses the\n"
    "arrays (unknown function, types, shapes, values), 1 for usage errors.\n";

static int usage(const char* message, const char* text) {
  fprintf(stderr, "pluribus: %s\n%s", message, text);
  return EXIT_USAGE;
}

static bool is_help(const char* argument) {
  return strcmp(argument, "--help") == 0 || strcmp(argument, "-h") == 0;
}

/* Reports the failure recorded in `err` on stderr and returns EXIT_BAD_INPUT. */
static int bad_input(const char* context, const plb_error* err) {
  fprintf(stderr, "pluribus: %s%s%s: %s\n", context, context[0] ? ": " : "",
          plb_status_name(plb_error_code(err)), plb_error_message(err));
  return EXIT_BAD_INPUT;
}

/* Reads a whole file ("-": standard input) into a malloc'd buffer; NULL when it cannot be
 * read (the reason is on stderr). */
static char* read_file(const char* path, size_t* out_length) {
  FILE* in = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
  if (!in) {
    fprintf(stderr, "pluribus: cannot open '%s'\n", path);
    return NULL;
  }
  size_t capacity = 4096, length = 0;
  char* text = malloc(capacity);
  while (text) {
    length += fread(text + length, 1, capacity - length, in);
    if (length < capacity) break;
    char* bigger = realloc(text, capacity * 2);
    if (!bigger) {
      free(text);
      text = NULL;
      break;
    }
    text = bigger;
    capacity *= 2;
  }
  bool failed = text == NULL || ferror(in);
  if (in != stdin) fclose(in);
  if (failed) {
    fprintf(stderr, "pluribus: cannot read '%s'\n", path);
    free(text);
    return NULL;
  }
  *out_length = length;
  return text;
}

/* Prints repr(array) and a newline; EXIT_USAGE when printing fails (it should not). */
static int print_repr(const plb_array* array, plb_error* err) {
  char* text = NULL;
  if (plb_array_repr(array, &text, err) != PLB_OK) {
    fprintf(stderr, "pluribus: %s\n", plb_error_message(err));
    return EXIT_USAGE;
  }
  printf("%s\n", text);
  plb_string_free(text);
  return EXIT_SUCCESS;
}

/* ----- pluribus json ----------------------------------------------------------------- */

static int json_run(const char* datashape, bool discover, const char* path, plb_error* err) {
  plb_type* type = NULL;
  if (datashape && plb_type_parse(datashape, PLB_NUL_TERMINATED, PLB_PARSE_REQUIRE_CONCRETE, &type,
                                  err) != PLB_OK)
    return bad_input("--type", err);
  size_t length = 0;
  char* text = read_file(path, &length);
  if (!text) {
    plb_type_release(type);
    return EXIT_USAGE;
  }
  int status = EXIT_SUCCESS;
  if (discover) {
    plb_type* found = NULL;
    char* spelling = NULL;
    if (plb_json_discover(text, length, &found, err) != PLB_OK ||
        plb_type_to_string(found, &spelling, err) != PLB_OK) {
      status = bad_input(path, err);
    } else {
      printf("%s\n", spelling);
    }
    plb_string_free(spelling);
    plb_type_release(found);
  } else {
    plb_array* array = NULL;
    if (plb_array_from_json(text, length, type, &array, err) != PLB_OK)
      status = bad_input(path, err);
    else
      status = print_repr(array, err);
    plb_array_release(array);
  }
  free(text);
  plb_type_release(type);
  return status;
}

int json_command(int argc, char** argv) {
  const char* datashape = NULL;
  const char* path = NULL;
  bool discover = false;
  for (int i = 0; i < argc; ++i) {
    if (is_help(argv[i])) {
      fputs(json_usage, stdout);
      return EXIT_SUCCESS;
    } else if (strcmp(argv[i], "--type") == 0) {
      if (i + 1 == argc || datashape) return usage("--type needs one datashape", json_usage);
      datashape = argv[++i];
    } else if (strcmp(argv[i], "--discover") == 0) {
      discover = true;
    } else if (argv[i][0] == '-' && argv[i][1] != '\0') {
      return usage("unknown option", json_usage);
    } else if (!path) {
      path = argv[i];
    } else {
      return usage("more than one file", json_usage);
    }
  }
  if (!path) return usage("missing FILE", json_usage);
  if (discover == (datashape != NULL))
    return usage("give exactly one of --type '<datashape>' and --discover", json_usage);
  plb_error* err = plb_error_new();
  if (!err) {
    fputs("pluribus: out of memory\n", stderr);
    return EXIT_USAGE;
  }
  int status = json_run(datashape, discover, path, err);
  plb_error_free(err);
  return status;
}

/* ----- pluribus call ----------------------------------------------------------------- */

/* A call takes at most this many arguments (the library's operand limit is lower). */
enum { MAX_ARGUMENTS = 16, MAX_RESULTS = 8 };

static void release_all(plb_array** arrays, int64_t count) {
  for (int64_t i = 0; i < count; ++i) plb_array_release(arrays[i]);
}

/* Reads argument `index` from JSON text, with `datashape` or discovering it. */
static int read_argument(int index, const char* datashape, const char* json, plb_array** out,
                         plb_error* err) {
  char context[64];
  plb_type* type = NULL;
  if (datashape && plb_type_parse(datashape, PLB_NUL_TERMINATED, PLB_PARSE_REQUIRE_CONCRETE, &type,
                                  err) != PLB_OK) {
    snprintf(context, sizeof context, "argument %d: --type", index);
    return bad_input(context, err);
  }
  plb_status status = plb_array_from_json(json, PLB_NUL_TERMINATED, type, out, err);
  plb_type_release(type);
  if (status != PLB_OK) {
    snprintf(context, sizeof context, "argument %d: --json", index);
    return bad_input(context, err);
  }
  return EXIT_SUCCESS;
}

int call_command(int argc, char** argv) {
  for (int i = 0; i < argc; ++i)
    if (is_help(argv[i])) {
      fputs(call_usage, stdout);
      return EXIT_SUCCESS;
    }
  if (argc == 0 || argv[0][0] == '-') return usage("missing FUNCTION", call_usage);
  const char* function = argv[0];
  /* Check the whole command line before reading anything. */
  const char* types[MAX_ARGUMENTS];
  const char* texts[MAX_ARGUMENTS];
  int nargs = 0;
  const char* pending_type = NULL;
  for (int i = 1; i < argc; ++i) {
    if (i + 1 == argc) return usage("an option without its value", call_usage);
    if (strcmp(argv[i], "--type") == 0) {
      if (pending_type) return usage("two --type options for one --json", call_usage);
      pending_type = argv[++i];
    } else if (strcmp(argv[i], "--json") == 0) {
      if (nargs == MAX_ARGUMENTS) return usage("too many arguments", call_usage);
      types[nargs] = pending_type;
      texts[nargs] = argv[++i];
      ++nargs;
      pending_type = NULL;
    } else {
      return usage("unknown option", call_usage);
    }
  }
  if (pending_type) return usage("--type without a --json after it", call_usage);

  plb_error* err = plb_error_new();
  if (!err) {
    fputs("pluribus: out of memory\n", stderr);
    return EXIT_USAGE;
  }
  plb_array* args[MAX_ARGUMENTS];
  int64_t nread = 0;
  int status = EXIT_SUCCESS;
  for (int i = 0; i < nargs && status == EXIT_SUCCESS; ++i) {
    status = read_argument(i, types[i], texts[i], &args[i], err);
    if (status == EXIT_SUCCESS) ++nread;
  }
  if (status == EXIT_SUCCESS) {
    plb_array* results[MAX_RESULTS];
    int64_t nresults = 0;
    if (plb_array_call(function, nargs, args, NULL, MAX_RESULTS, results, &nresults, err) !=
        PLB_OK) {
      status = bad_input(function, err);
    } else {
      for (int64_t i = 0; i < nresults && status == EXIT_SUCCESS; ++i)
        status = print_repr(results[i], err);
      release_all(results, nresults);
    }
  }
  release_all(args, nread);
  plb_error_free(err);
  return status;
}
