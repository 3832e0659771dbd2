/* The `pluribus` command: inspects datashape types and the registered functions, and reads
 * arrays from JSON (arrays.c), through the C API (pluribus.h only). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arrays.h"
#include "pluribus.h"

/* Exit statuses: 0 success, 1 usage or internal failure, 2 bad datashape input. */
enum { EXIT_USAGE = 1, EXIT_BAD_INPUT = 2 };

static const char usage_text[] =
    "usage: pluribus type [--json] '<datashape>'\n"
    "       pluribus type [--json] --stdin\n"
    "       pluribus functions [<name>...]\n"
    "       pluribus json (--type '<datashape>' | --discover) FILE\n"
    "       pluribus call FUNCTION [--type '<datashape>'] --json '<json>' ...\n"
    "       pluribus --help | --version\n"
    "\n"
    "Describes a datashape type: its canonical spelling, kind, size, alignment, the\n"
    "layout of its fields and dimensions, and the PEP 3118, Arrow, NumPy and DLPack\n"
    "equivalents where they exist.\n"
    "\n"
    "  --json    print one JSON object (keys: canonical, kind, concrete, size, alignment,\n"
    "            ndim, shape, strides, dtype, fields, pep3118, arrow, numpy,\n"
    "            numpy_descr, dlpack);\n"
    "            unknown values (sizes of abstract types, extents of var or symbolic\n"
    "            dims, missing formats) are null\n"
    "  --stdin   read one datashape per line and write one line per input: the\n"
    "            canonical form (or the JSON object with --json), or\n"
    "            'error: <message>' (with --json: {\"error\": \"<message>\"})\n"
    "\n"
    "`pluribus functions` lists the functions (all of them, or the ones named), each\n"
    "on a line of its own followed by its kernel signatures, indented, in dispatch\n"
    "order.\n"
    "\n"
    "`pluribus json` checks a JSON document against a datashape and prints the array\n"
    "(or the first error with its JSON path), or prints the datashape it discovers.\n"
    "`pluribus call` applies a function to arrays read from JSON and prints the results.\n"
    "See `pluribus json --help` and `pluribus call --help`.\n"
    "\n"
    "Exit status: 0 on success, 2 when a datashape is invalid (with --stdin: when any\n"
    "line is), a function is unknown, or (json, call) a JSON document does not fit or a\n"
    "function refuses its arrays; 1 for usage errors.\n";

/* ----- small helpers ------------------------------------------------------------------ */

static void* checked_malloc(size_t size) {
  void* p = malloc(size ? size : 1);
  if (!p) {
    fputs("pluribus: out of memory\n", stderr);
    exit(EXIT_USAGE);
  }
  return p;
}

/* Writes `text` (of `length` bytes) as a JSON string literal. */
static void json_string(FILE* out, const char* text, size_t length) {
  fputc('"', out);
  for (size_t i = 0; i < length; ++i) {
    unsigned char c = (unsigned char)text[i];
    switch (c) {
      case '"': fputs("\\\"", out); break;
      case '\\': fputs("\\\\", out); break;
      case '\b': fputs("\\b", out); break;
      case '\f': fputs("\\f", out); break;
      case '\n': fputs("\\n", out); break;
      case '\r': fputs("\\r", out); break;
      case '\t': fputs("\\t", out); break;
      default:
        if (c < 0x20 || c == 0x7f) fprintf(out, "\\u%04x", (unsigned)c);
        else fputc(c, out);
    }
  }
  fputc('"', out);
}

static void json_cstring(FILE* out, const char* text) { json_string(out, text, strlen(text)); }

/* The error message on one line: "line L, column C: description" for parse errors,
 * otherwise the message with line breaks replaced by spaces. Caller frees. */
static char* one_line_message(const plb_error* err) {
  const char* message = plb_error_message(err);
  if (plb_error_line(err) > 0) {
    const char* description = plb_error_description(err);
    size_t size = strlen(description) + 64;
    char* out = checked_malloc(size);
    snprintf(out, size, "line %d, column %d: %s", plb_error_line(err), plb_error_column(err),
             description);
    return out;
  }
  size_t length = strlen(message);
  char* out = checked_malloc(length + 1);
  for (size_t i = 0; i <= length; ++i)
    out[i] = (message[i] == '\n' || message[i] == '\r') ? ' ' : message[i];
  return out;
}

/* Reads one line of any length without its line break; NULL at end of input.
 * The caller frees the line. */
static char* read_line(FILE* in) {
  size_t capacity = 128, length = 0;
  char* line = checked_malloc(capacity);
  int c;
  while ((c = fgetc(in)) != EOF && c != '\n') {
    if (length + 1 == capacity) {
      char* bigger = realloc(line, capacity * 2);
      if (!bigger) {
        free(line);
        fputs("pluribus: out of memory\n", stderr);
        exit(EXIT_USAGE);
      }
      line = bigger;
      capacity *= 2;
    }
    line[length++] = (char)c;
  }
  if (c == EOF && length == 0) {
    free(line);
    return NULL;
  }
  if (length > 0 && line[length - 1] == '\r') --length;
  line[length] = '\0';
  return line;
}

/* ----- what is known about one type --------------------------------------------------- */

typedef struct description {
  char* canonical;
  plb_kind kind;
  bool concrete;
  bool has_size; /* size and alignment are known (concrete type) */
  int64_t size, alignment;
  int64_t ndim;
  int64_t* shape;   /* ndim extents, -1 when not fixed */
  int64_t* strides; /* ndim strides */
  char* dtype;
  bool has_fields; /* record or tuple */
  int64_t nfields;
  char** field_names;
  size_t* field_name_lengths;
  char** field_types;
  int64_t* field_offsets; /* -1 when abstract */
  char* pep3118;
  char* arrow;
  char* numpy;
  char* numpy_descr; /* records and tuples */
  bool has_dlpack;
  plb_dlpack_dtype dlpack;
} description;

static char* type_string(const plb_type* type, plb_error* err) {
  char* text = NULL;
  if (plb_type_to_string(type, &text, err) != PLB_OK) {
    fprintf(stderr, "pluribus: %s\n", plb_error_message(err));
    exit(EXIT_USAGE);
  }
  return text;
}

/* Fills `d` from `type`. Queries that fail (abstract sizes, missing formats) leave their
 * field unset; any failure that should not happen ends the program. */
static void describe(const plb_type* type, description* d, plb_error* err) {
  memset(d, 0, sizeof *d);
  d->canonical = type_string(type, err);
  plb_type_kind(type, &d->kind, err);
  plb_type_is_concrete(type, &d->concrete, err);
  d->has_size = plb_type_size(type, &d->size, err) == PLB_OK &&
                plb_type_alignment(type, &d->alignment, err) == PLB_OK;
  plb_type_ndim(type, &d->ndim, err);
  d->shape = checked_malloc(sizeof(int64_t) * (size_t)d->ndim);
  d->strides = checked_malloc(sizeof(int64_t) * (size_t)d->ndim);
  plb_type_shape(type, d->shape, d->ndim, err);
  plb_type_strides(type, d->strides, d->ndim, err);
  plb_type* dtype = NULL;
  if (plb_type_dtype(type, &dtype, err) == PLB_OK) {
    d->dtype = type_string(dtype, err);
    plb_type_release(dtype);
  }

  d->has_fields = d->kind == PLB_KIND_RECORD || d->kind == PLB_KIND_TUPLE;
  if (d->has_fields && plb_type_field_count(type, &d->nfields, err) == PLB_OK) {
    size_t n = (size_t)d->nfields;
    d->field_names = checked_malloc(sizeof(char*) * n);
    d->field_name_lengths = checked_malloc(sizeof(size_t) * n);
    d->field_types = checked_malloc(sizeof(char*) * n);
    d->field_offsets = checked_malloc(sizeof(int64_t) * n);
    for (int64_t i = 0; i < d->nfields; ++i) {
      d->field_names[i] = NULL;
      d->field_name_lengths[i] = 0;
      plb_type_field_name(type, i, &d->field_names[i], &d->field_name_lengths[i], err);
      plb_type* field = NULL;
      plb_type_field_type(type, i, &field, err);
      d->field_types[i] = type_string(field, err);
      plb_type_release(field);
      if (plb_type_field_offset(type, i, &d->field_offsets[i], err) != PLB_OK)
        d->field_offsets[i] = -1;
    }
  }

  plb_type_to_pep3118(type, &d->pep3118, err);
  plb_type_to_arrow(type, &d->arrow, err);
  plb_type_to_numpy(type, &d->numpy, err);
  if (d->has_fields) plb_type_to_numpy_descr(type, &d->numpy_descr, err);
  d->has_dlpack = plb_type_to_dlpack(type, &d->dlpack, err) == PLB_OK;
  plb_error_clear(err);
}

static void free_description(description* d) {
  plb_string_free(d->canonical);
  free(d->shape);
  free(d->strides);
  plb_string_free(d->dtype);
  for (int64_t i = 0; d->field_names && i < d->nfields; ++i) {
    plb_string_free(d->field_names[i]);
    plb_string_free(d->field_types[i]);
  }
  free(d->field_names);
  free(d->field_name_lengths);
  free(d->field_types);
  free(d->field_offsets);
  plb_string_free(d->pep3118);
  plb_string_free(d->arrow);
  plb_string_free(d->numpy);
  plb_string_free(d->numpy_descr);
}

/* ----- output ------------------------------------------------------------------------- */

static void print_text(FILE* out, const description* d) {
  fprintf(out, "canonical   %s\n", d->canonical);
  fprintf(out, "kind        %s\n", plb_kind_name(d->kind));
  if (d->has_size) {
    fprintf(out, "size        %lld\n", (long long)d->size);
    fprintf(out, "alignment   %lld\n", (long long)d->alignment);
  } else {
    fputs("size        - (abstract type)\n", out);
    fputs("alignment   - (abstract type)\n", out);
  }
  if (d->ndim > 0) {
    fprintf(out, "dims        %lld\n", (long long)d->ndim);
    fprintf(out, "  %-5s %10s %10s\n", "axis", "extent", "stride");
    for (int64_t i = 0; i < d->ndim; ++i) {
      if (d->shape[i] >= 0)
        fprintf(out, "  %-5lld %10lld %10lld\n", (long long)i, (long long)d->shape[i],
                (long long)d->strides[i]);
      else
        fprintf(out, "  %-5lld %10s %10s\n", (long long)i, "-", "-");
    }
    fprintf(out, "dtype       %s\n", d->dtype);
  }
  if (d->has_fields) {
    fprintf(out, "fields      %lld\n", (long long)d->nfields);
    fprintf(out, "  %-16s %8s  %s\n", "name", "offset", "type");
    for (int64_t i = 0; i < d->nfields; ++i) {
      char offset[32];
      if (d->field_offsets[i] >= 0) snprintf(offset, sizeof offset, "%lld",
                                             (long long)d->field_offsets[i]);
      else snprintf(offset, sizeof offset, "-");
      char index[32];
      snprintf(index, sizeof index, "%lld", (long long)i);
      const char* name = d->field_names[i] && d->field_names[i][0] ? d->field_names[i] : index;
      fprintf(out, "  %-16s %8s  %s\n", name, offset, d->field_types[i]);
    }
  }
  if (d->pep3118) fprintf(out, "pep3118     %s\n", d->pep3118);
  if (d->arrow) fprintf(out, "arrow       %s\n", d->arrow);
  if (d->numpy) fprintf(out, "numpy       %s\n", d->numpy);
  if (d->numpy_descr) fprintf(out, "numpy       %s\n", d->numpy_descr);
  if (d->has_dlpack)
    fprintf(out, "dlpack      code %u, bits %u, lanes %u\n", (unsigned)d->dlpack.code,
            (unsigned)d->dlpack.bits, (unsigned)d->dlpack.lanes);
}

static void json_optional_string(FILE* out, const char* key, const char* value) {
  fprintf(out, ", \"%s\": ", key);
  if (value) json_cstring(out, value);
  else fputs("null", out);
}

static void json_dims(FILE* out, const char* key, const int64_t* values, const int64_t* shape,
                      int64_t ndim) {
  fprintf(out, ", \"%s\": [", key);
  for (int64_t i = 0; i < ndim; ++i) {
    if (i) fputs(", ", out);
    if (shape[i] >= 0) fprintf(out, "%lld", (long long)values[i]);
    else fputs("null", out);
  }
  fputc(']', out);
}

/* One JSON object on one line. */
static void print_json(FILE* out, const description* d) {
  fputs("{\"canonical\": ", out);
  json_cstring(out, d->canonical);
  fputs(", \"kind\": ", out);
  json_cstring(out, plb_kind_name(d->kind));
  fprintf(out, ", \"concrete\": %s", d->concrete ? "true" : "false");
  if (d->has_size)
    fprintf(out, ", \"size\": %lld, \"alignment\": %lld", (long long)d->size,
            (long long)d->alignment);
  else
    fputs(", \"size\": null, \"alignment\": null", out);
  fprintf(out, ", \"ndim\": %lld", (long long)d->ndim);
  json_dims(out, "shape", d->shape, d->shape, d->ndim);
  json_dims(out, "strides", d->strides, d->shape, d->ndim);
  json_optional_string(out, "dtype", d->dtype);
  if (d->has_fields) {
    fputs(", \"fields\": [", out);
    for (int64_t i = 0; i < d->nfields; ++i) {
      fputs(i ? ", {\"name\": " : "{\"name\": ", out);
      json_string(out, d->field_names[i] ? d->field_names[i] : "", d->field_name_lengths[i]);
      if (d->field_offsets[i] >= 0)
        fprintf(out, ", \"offset\": %lld", (long long)d->field_offsets[i]);
      else
        fputs(", \"offset\": null", out);
      fputs(", \"type\": ", out);
      json_cstring(out, d->field_types[i]);
      fputc('}', out);
    }
    fputc(']', out);
  }
  json_optional_string(out, "pep3118", d->pep3118);
  json_optional_string(out, "arrow", d->arrow);
  json_optional_string(out, "numpy", d->numpy);
  if (d->has_fields) json_optional_string(out, "numpy_descr", d->numpy_descr);
  if (d->has_dlpack)
    fprintf(out, ", \"dlpack\": {\"code\": %u, \"bits\": %u, \"lanes\": %u}",
            (unsigned)d->dlpack.code, (unsigned)d->dlpack.bits, (unsigned)d->dlpack.lanes);
  else
    fputs(", \"dlpack\": null", out);
  fputs("}\n", out);
}

/* ----- commands ----------------------------------------------------------------------- */

static int type_one(const char* datashape, bool json, plb_error* err) {
  plb_type* type = NULL;
  if (plb_type_parse(datashape, PLB_NUL_TERMINATED, 0, &type, err) != PLB_OK) {
    fprintf(stderr, "pluribus: %s: %s\n", plb_status_name(plb_error_code(err)),
            plb_error_message(err));
    return EXIT_BAD_INPUT;
  }
  description d;
  describe(type, &d, err);
  if (json) print_json(stdout, &d);
  else print_text(stdout, &d);
  free_description(&d);
  plb_type_release(type);
  return EXIT_SUCCESS;
}

static int type_stdin(bool json, plb_error* err) {
  int status = EXIT_SUCCESS;
  char* line;
  while ((line = read_line(stdin)) != NULL) {
    plb_type* type = NULL;
    if (plb_type_parse(line, PLB_NUL_TERMINATED, 0, &type, err) != PLB_OK) {
      char* message = one_line_message(err);
      if (json) {
        fputs("{\"error\": ", stdout);
        json_cstring(stdout, message);
        fputs("}\n", stdout);
      } else {
        printf("error: %s\n", message);
      }
      free(message);
      status = EXIT_BAD_INPUT;
    } else if (json) {
      description d;
      describe(type, &d, err);
      print_json(stdout, &d);
      free_description(&d);
    } else {
      char* canonical = type_string(type, err);
      printf("%s\n", canonical);
      plb_string_free(canonical);
    }
    plb_type_release(type);
    free(line);
  }
  return status;
}

/* Prints the function's name, then each kernel signature on an indented line. */
static int print_function(const plb_function* function, plb_error* err) {
  int64_t nkernels = 0;
  if (plb_function_kernel_count(function, &nkernels, err) != PLB_OK) return EXIT_USAGE;
  printf("%s\n", plb_function_name(function));
  for (int64_t i = 0; i < nkernels; ++i) {
    plb_type* signature = NULL;
    if (plb_function_kernel_signature(function, i, &signature, err) != PLB_OK) return EXIT_USAGE;
    char* text = type_string(signature, err);
    printf("    %s\n", text);
    plb_string_free(text);
    plb_type_release(signature);
  }
  return EXIT_SUCCESS;
}

/* Lists the named functions (status 2 when one is unknown), or all of them. */
static int functions_command(int count, char** names, plb_error* err) {
  int status = EXIT_SUCCESS;
  int64_t total = count;
  if (count == 0 && plb_function_count(&total, err) != PLB_OK) {
    fprintf(stderr, "pluribus: %s\n", plb_error_message(err));
    return EXIT_USAGE;
  }
  for (int64_t i = 0; i < total; ++i) {
    const plb_function* function = NULL;
    plb_status found = count == 0 ? plb_function_at(i, &function, err)
                                  : plb_function_lookup(names[i], &function, err);
    if (found == PLB_LOOKUP_ERROR) {
      fprintf(stderr, "pluribus: %s\n", plb_error_message(err));
      status = EXIT_BAD_INPUT;
    } else if (found != PLB_OK || print_function(function, err) != EXIT_SUCCESS) {
      fprintf(stderr, "pluribus: %s\n", plb_error_message(err));
      return EXIT_USAGE;
    }
  }
  return status;
}

static int usage_error(const char* message) {
  fprintf(stderr, "pluribus: %s\n%s", message, usage_text);
  return EXIT_USAGE;
}

int main(int argc, char** argv) {
  if (argc < 2) return usage_error("missing command");
  if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
    fputs(usage_text, stdout);
    return EXIT_SUCCESS;
  }
  if (strcmp(argv[1], "--version") == 0) {
    printf("pluribus %s\n", plb_version());
    return EXIT_SUCCESS;
  }
  if (strcmp(argv[1], "functions") == 0) {
    for (int i = 2; i < argc; ++i) {
      if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
        fputs(usage_text, stdout);
        return EXIT_SUCCESS;
      }
      if (argv[i][0] == '-') return usage_error("unknown option");
    }
    plb_error* err = plb_error_new();
    if (!err) {
      fputs("pluribus: out of memory\n", stderr);
      return EXIT_USAGE;
    }
    int status = functions_command(argc - 2, argv + 2, err);
    plb_error_free(err);
    return status;
  }
  if (strcmp(argv[1], "json") == 0) return json_command(argc - 2, argv + 2);
  if (strcmp(argv[1], "call") == 0) return call_command(argc - 2, argv + 2);
  if (strcmp(argv[1], "type") != 0) return usage_error("unknown command");

  bool json = false, from_stdin = false;
  const char* datashape = NULL;
  for (int i = 2; i < argc; ++i) {
    if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
      fputs(usage_text, stdout);
      return EXIT_SUCCESS;
    } else if (strcmp(argv[i], "--json") == 0) {
      json = true;
    } else if (strcmp(argv[i], "--stdin") == 0) {
      from_stdin = true;
    } else if (strcmp(argv[i], "--") == 0 && i + 1 < argc && !datashape) {
      datashape = argv[++i];
    } else if (argv[i][0] == '-' && argv[i][1] == '-') {
      return usage_error("unknown option");
    } else if (!datashape) {
      datashape = argv[i];
    } else {
      return usage_error("more than one datashape");
    }
  }
  if (from_stdin == (datashape != NULL))
    return usage_error("give exactly one of '<datashape>' and --stdin");

  plb_error* err = plb_error_new();
  if (!err) {
    fputs("pluribus: out of memory\n", stderr);
    return EXIT_USAGE;
  }
  int status = from_stdin ? type_stdin(json, err) : type_one(datashape, json, err);
  plb_error_free(err);
  return status;
}
