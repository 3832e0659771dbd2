/* pluribus.h: the one stable C ABI of Pluribus (C11 and C++; see ARCHITECTURE.md section 5). */
#ifndef PLURIBUS_H
#define PLURIBUS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Conventions, valid for every function below unless its comment says otherwise.
 *
 * - Fallible functions return a plb_status. PLB_OK (0) is success.
 * - The last parameter `err` is a caller-owned plb_error (see plb_error_new) or NULL
 *   when the caller only wants the status. On success it is cleared; on failure it
 *   holds the status, a message and, for parse errors, the line and column.
 * - Results come back through `out_*` pointers, which must not be NULL. On failure,
 *   pointer results (`plb_type*`, `char*`) are set to NULL and other results are left
 *   unchanged.
 * - A NULL handle, string or out pointer gives PLB_INVALID_ARGUMENT; it never crashes.
 * - No function takes over (steals) a reference the caller passes in. Every
 *   `plb_type*` stored into an `out_*` parameter is a new reference that the caller
 *   releases with plb_type_release. Every `char*` stored into an `out_*` parameter is
 *   a NUL-terminated UTF-8 string that the caller frees with plb_string_free.
 * - Types are immutable and may be shared between threads; a plb_error must not be
 *   used by two threads at once.
 * - No C++ exception, abort or exit crosses this boundary.
 */

#if defined(_WIN32)
#if defined(PLURIBUS_BUILDING_LIBRARY)
#define PLB_API __declspec(dllexport)
#else
#define PLB_API __declspec(dllimport)
#endif
#else
#define PLB_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ----- version ------------------------------------------------------------------- */

#define PLURIBUS_VERSION_MAJOR 0
#define PLURIBUS_VERSION_MINOR 1
#define PLURIBUS_VERSION_PATCH 0
/* MAJOR * 10000 + MINOR * 100 + PATCH, comparable with plb_version_number(). */
#define PLURIBUS_VERSION_NUMBER \
  (PLURIBUS_VERSION_MAJOR * 10000 + PLURIBUS_VERSION_MINOR * 100 + PLURIBUS_VERSION_PATCH)

/* The version of the loaded library as "MAJOR.MINOR.PATCH": a static string, never freed. */
PLB_API const char* plb_version(void);
/* The version of the loaded library as PLURIBUS_VERSION_NUMBER computes it. */
PLB_API int plb_version_number(void);

/* ----- status and errors ------------------------------------------------------------ */

/* The numbers equal pluribus::ErrorCode (ndt/error.hpp); they are never renumbered. */
typedef enum plb_status {
  PLB_OK = 0,
  PLB_INVALID_ARGUMENT = 1, /* a NULL or out-of-domain argument */
  PLB_PARSE_ERROR = 2,      /* malformed datashape, JSON or format string */
  PLB_TYPE_ERROR = 3,       /* a type that does not fit the operation */
  PLB_VALUE_ERROR = 4,      /* a value that does not fit */
  PLB_INDEX_ERROR = 5,      /* an index or field out of range */
  PLB_OVERFLOW_ERROR = 6,   /* a size or index computation overflowed */
  PLB_MEMORY_ERROR = 7,     /* allocation failure */
  PLB_NOT_IMPLEMENTED = 8,  /* a valid request with no mapping (e.g. no Arrow format) */
  PLB_LOOKUP_ERROR = 9,     /* an unknown name (typedef, function) */
  PLB_INTERNAL_ERROR = 10   /* a bug: please report */
} plb_status;

/* A short name for a status ("ok", "invalid argument", ...): a static string, never
 * freed; "unknown status" for numbers outside the enum. */
PLB_API const char* plb_status_name(plb_status status);

/* A caller-owned error report. Reuse one object for many calls if you like. */
typedef struct plb_error plb_error;

/* Creates an empty error (code PLB_OK). Returns NULL when out of memory.
 * The caller frees it with plb_error_free. */
PLB_API plb_error* plb_error_new(void);
/* Frees an error made by plb_error_new. NULL is a no-op. */
PLB_API void plb_error_free(plb_error* err);
/* Resets the error to PLB_OK with an empty message. NULL is a no-op. */
PLB_API void plb_error_clear(plb_error* err);
/* The status of the last failed call, PLB_OK after success (and for NULL). */
PLB_API plb_status plb_error_code(const plb_error* err);
/* The full message ("" when none; "" for NULL). For a parse error it spans three lines:
 * "line L, column C: what was expected", the offending input line, and a caret under
 * the column. The string is owned by `err` and stays valid until `err` is next passed
 * to a function, cleared or freed; do not free it. */
PLB_API const char* plb_error_message(const plb_error* err);
/* The bare one-line description without position or caret (for a parse error: "what was
 * expected"; otherwise the same as the message). Owned by `err` like plb_error_message. */
PLB_API const char* plb_error_description(const plb_error* err);
/* 1-based line and column (in bytes) of a parse error; 0 for other errors and NULL. */
PLB_API int plb_error_line(const plb_error* err);
PLB_API int plb_error_column(const plb_error* err);

/* ----- strings ----------------------------------------------------------------------- */

/* Frees a string returned through a `char** out_*` parameter. NULL is a no-op. */
PLB_API void plb_string_free(char* string);

/* Pass as a `length` argument to mean "the string is NUL-terminated". */
#define PLB_NUL_TERMINATED ((size_t)-1)

/* ----- types ------------------------------------------------------------------------- */

/* An immutable, reference-counted datashape type. Equal types are the same object. */
typedef struct plb_type plb_type;

/* The kind of a type. The order mirrors pluribus::ndt::Kind and is part of the ABI:
 * values are only ever appended. */
typedef enum plb_kind {
  /* abstract element kinds (patterns) */
  PLB_KIND_ANY = 0,
  PLB_KIND_SCALAR,
  PLB_KIND_INTEGER,
  PLB_KIND_SIGNED,
  PLB_KIND_UNSIGNED,
  PLB_KIND_FLOAT,
  PLB_KIND_COMPLEX,
  PLB_KIND_FIXED_STRING_KIND,
  PLB_KIND_FIXED_BYTES_KIND,
  /* primitive scalars */
  PLB_KIND_VOID,
  PLB_KIND_BOOL,
  PLB_KIND_INT8,
  PLB_KIND_INT16,
  PLB_KIND_INT32,
  PLB_KIND_INT64,
  PLB_KIND_INT128,
  PLB_KIND_UINT8,
  PLB_KIND_UINT16,
  PLB_KIND_UINT32,
  PLB_KIND_UINT64,
  PLB_KIND_UINT128,
  PLB_KIND_FLOAT16,
  PLB_KIND_BFLOAT16,
  PLB_KIND_FLOAT32,
  PLB_KIND_FLOAT64,
  PLB_KIND_COMPLEX64,
  PLB_KIND_COMPLEX128,
  /* other scalars */
  PLB_KIND_CHAR,
  PLB_KIND_STRING,
  PLB_KIND_BYTES,
  PLB_KIND_FIXED_STRING,
  PLB_KIND_FIXED_BYTES,
  PLB_KIND_CATEGORICAL,
  PLB_KIND_DECIMAL,
  PLB_KIND_DATE,
  PLB_KIND_TIME,
  PLB_KIND_DATETIME,
  PLB_KIND_TIMEDELTA,
  PLB_KIND_JSON,
  PLB_KIND_TYPE,
  /* wrappers */
  PLB_KIND_OPTION,
  PLB_KIND_POINTER,
  PLB_KIND_NOMINAL,
  PLB_KIND_CONSTRUCTOR,
  /* dimensions */
  PLB_KIND_FIXED_DIM,
  PLB_KIND_VAR_DIM,
  PLB_KIND_SYMBOLIC_DIM,
  PLB_KIND_ANY_FIXED_DIM,
  PLB_KIND_ELLIPSIS_DIM,
  PLB_KIND_DIM_POWER,
  /* compound */
  PLB_KIND_TUPLE,
  PLB_KIND_RECORD,
  PLB_KIND_UNION,
  PLB_KIND_FUNCTION,
  PLB_KIND_TYPEVAR
} plb_kind;

/* The datashape name of a kind ("int32", "record", "fixed_dim", "Any", ...): a static
 * string, never freed; NULL for a number outside the enum. */
PLB_API const char* plb_kind_name(plb_kind kind);

/* Flags of plb_type_parse (bitwise or). */
enum {
  /* Reject abstract types (type variables, kinds, symbolic dims, ellipses): use this
   * where a type must have a layout. */
  PLB_PARSE_REQUIRE_CONCRETE = 1u
};

/* Parses `length` bytes of datashape text (or up to the NUL with PLB_NUL_TERMINATED).
 * On success *out_type is a new reference: release it with plb_type_release.
 * Malformed text gives PLB_PARSE_ERROR with line, column and a caret message; unknown
 * flag bits give PLB_INVALID_ARGUMENT. */
PLB_API plb_status plb_type_parse(const char* datashape, size_t length, unsigned flags,
                                  plb_type** out_type, plb_error* err);

/* Adds a reference to `type` and returns it (NULL gives NULL). The caller releases the
 * extra reference with plb_type_release. */
PLB_API plb_type* plb_type_retain(plb_type* type);
/* Drops one reference; the type is freed with its last reference. NULL is a no-op. */
PLB_API void plb_type_release(plb_type* type);

/* The canonical datashape spelling, which parses back to an equal type.
 * The caller frees *out_string with plb_string_free. */
PLB_API plb_status plb_type_to_string(const plb_type* type, char** out_string, plb_error* err);

/* Structural equality (layout attributes included). */
PLB_API plb_status plb_type_equal(const plb_type* a, const plb_type* b, bool* out_equal,
                                  plb_error* err);
/* A hash consistent with plb_type_equal within one process (not stable across runs). */
PLB_API plb_status plb_type_hash(const plb_type* type, uint64_t* out_hash, plb_error* err);

PLB_API plb_status plb_type_kind(const plb_type* type, plb_kind* out_kind, plb_error* err);
/* True when the type has an exact layout (no variables, kinds or ellipses). */
PLB_API plb_status plb_type_is_concrete(const plb_type* type, bool* out_concrete,
                                        plb_error* err);

/* Size and alignment in bytes; PLB_TYPE_ERROR for an abstract type. */
PLB_API plb_status plb_type_size(const plb_type* type, int64_t* out_size, plb_error* err);
PLB_API plb_status plb_type_alignment(const plb_type* type, int64_t* out_alignment,
                                      plb_error* err);

/* Number of leading dimensions (fixed, var, symbolic...; an ellipsis counts as one). */
PLB_API plb_status plb_type_ndim(const plb_type* type, int64_t* out_ndim, plb_error* err);
/* Writes the extent of each leading dim into out_shape[0 .. ndim): -1 for a dim without a
 * fixed extent (var, symbolic, ellipsis). `capacity` is the length of the caller's array;
 * a capacity below ndim gives PLB_INVALID_ARGUMENT and writes nothing. out_shape may be
 * NULL when ndim is 0. */
PLB_API plb_status plb_type_shape(const plb_type* type, int64_t* out_shape, int64_t capacity,
                                  plb_error* err);
/* Like plb_type_shape with the byte stride of each leading fixed dim (0 for other dims). */
PLB_API plb_status plb_type_strides(const plb_type* type, int64_t* out_strides,
                                    int64_t capacity, plb_error* err);

/* The element type below all leading dims (the type itself when ndim is 0).
 * *out_dtype is a new reference: release it with plb_type_release. */
PLB_API plb_status plb_type_dtype(const plb_type* type, plb_type** out_dtype, plb_error* err);
/* The element or target type of a dim, option, pointer, nominal or constructor type;
 * PLB_TYPE_ERROR for other kinds. *out_child is a new reference: release it. */
PLB_API plb_status plb_type_child(const plb_type* type, plb_type** out_child, plb_error* err);

/* Members of a record, tuple, union or function (positional then keyword parameters);
 * PLB_TYPE_ERROR for other kinds. Indices run from 0 to count - 1; an index outside
 * gives PLB_INDEX_ERROR. */
PLB_API plb_status plb_type_field_count(const plb_type* type, int64_t* out_count,
                                        plb_error* err);
/* The member's name ("" for tuple members and positional parameters). The name may
 * contain any UTF-8, including NUL when quoted so; out_length (may be NULL) receives
 * its length in bytes. The caller frees *out_name with plb_string_free. */
PLB_API plb_status plb_type_field_name(const plb_type* type, int64_t index, char** out_name,
                                       size_t* out_length, plb_error* err);
/* The member's type: a new reference that the caller releases with plb_type_release. */
PLB_API plb_status plb_type_field_type(const plb_type* type, int64_t index,
                                       plb_type** out_type, plb_error* err);
/* Byte offset of the member in a concrete record or tuple (union payloads: 0);
 * PLB_TYPE_ERROR for an abstract type or a function. */
PLB_API plb_status plb_type_field_offset(const plb_type* type, int64_t index,
                                         int64_t* out_offset, plb_error* err);
/* Index of a record field by its NUL-terminated name; PLB_LOOKUP_ERROR when absent,
 * PLB_TYPE_ERROR when the type is not a record. */
PLB_API plb_status plb_type_field_index(const plb_type* type, const char* name,
                                        int64_t* out_index, plb_error* err);

/* True when the concrete type `candidate` is an instance of `pattern` (type variables,
 * symbolic dims, kinds and ellipses bind consistently). */
PLB_API plb_status plb_type_match(const plb_type* pattern, const plb_type* candidate,
                                  bool* out_match, plb_error* err);

/* ----- JSON and interchange formats -------------------------------------------------- */

/* The JSON description of a type (see spec/). The caller frees *out_json with
 * plb_string_free. */
PLB_API plb_status plb_type_to_json(const plb_type* type, char** out_json, plb_error* err);
/* Reads a type from its JSON description; malformed JSON gives PLB_PARSE_ERROR.
 * *out_type is a new reference: release it with plb_type_release. */
PLB_API plb_status plb_type_from_json(const char* json, size_t length, plb_type** out_type,
                                      plb_error* err);

/* Format strings of PEP 3118 (Python buffer protocol), the Arrow C Data Interface and
 * NumPy dtype `.str`. Arrow: the top-level format of an ArrowSchema; nested types ("+s",
 * "+l", ...) need their children, so plb_type_from_arrow reads leaf formats only.
 * The to_* functions give PLB_NOT_IMPLEMENTED when the format cannot express the type;
 * the caller frees *out_format with plb_string_free. The from_* functions give
 * PLB_PARSE_ERROR for malformed text and PLB_NOT_IMPLEMENTED for valid formats without
 * a datashape; *out_type is a new reference: release it with plb_type_release. */
PLB_API plb_status plb_type_to_pep3118(const plb_type* type, char** out_format,
                                       plb_error* err);
PLB_API plb_status plb_type_from_pep3118(const char* format, size_t length,
                                         plb_type** out_type, plb_error* err);
PLB_API plb_status plb_type_to_arrow(const plb_type* type, char** out_format, plb_error* err);
PLB_API plb_status plb_type_from_arrow(const char* format, size_t length, plb_type** out_type,
                                       plb_error* err);
PLB_API plb_status plb_type_to_numpy(const plb_type* type, char** out_dtype, plb_error* err);
PLB_API plb_status plb_type_from_numpy(const char* dtype, size_t length, plb_type** out_type,
                                       plb_error* err);
/* A record's or tuple's NumPy dtype.descr as Python prints it, padding included, e.g.
 * "[('x', '<i4'), ('', '|V4'), ('y', '<f8')]". The caller frees *out_descr with
 * plb_string_free. */
PLB_API plb_status plb_type_to_numpy_descr(const plb_type* type, char** out_descr,
                                           plb_error* err);

/* Layout-compatible with DLPack's DLDataType (dlpack.h is not needed to use it). */
typedef struct plb_dlpack_dtype {
  uint8_t code; /* DLDataTypeCode: 0 int, 1 uint, 2 float, 4 bfloat, 5 complex, 6 bool */
  uint8_t bits;
  uint16_t lanes;
} plb_dlpack_dtype;

/* The DLPack dtype of a scalar type; PLB_NOT_IMPLEMENTED when DLPack has none. */
PLB_API plb_status plb_type_to_dlpack(const plb_type* type, plb_dlpack_dtype* out_dtype,
                                      plb_error* err);
/* The scalar type of a DLPack dtype; PLB_NOT_IMPLEMENTED for codes or widths without
 * one. *out_type is a new reference: release it with plb_type_release. */
PLB_API plb_status plb_type_from_dlpack(plb_dlpack_dtype dtype, plb_type** out_type,
                                        plb_error* err);

/* ----- functions over typed buffers (gfunc) ------------------------------------------- */

/* A function of the built-in registry (add, sum, matmul, ... and those added with
 * plb_function_register): a name plus kernels, each a datashape signature with loops.
 * A plb_function* is a borrowed pointer into the registry that stays valid for the
 * life of the process; it is never released or freed. Functions may be called from
 * many threads at once. */
typedef struct plb_function plb_function;

/* What a loop sees besides its operands (the same layout as pluribus::gfunc::LoopContext). */
typedef struct plb_loop_context {
  const void* kernel_data; /* the kernel_data given to plb_function_register */
  int64_t error_index;     /* a failing loop stores the failing iteration here (-1 on entry) */
  int64_t call_size;       /* the iterations of the whole call, over all loop calls (0: unknown);
                              a hint, e.g. to stream a large output past the caches */
} plb_loop_context;

/* What a loop returns (the numbers equal pluribus::gfunc::LoopStatus; append only).
 * A failure stops the call, which then fails with PLB_VALUE_ERROR and a message naming
 * the function and the index of the element at context->error_index. */
enum {
  PLB_LOOP_OK = 0,
  PLB_LOOP_DIVIDE_BY_ZERO = 1, /* integer division or remainder by zero */
  PLB_LOOP_OVERFLOW = 2,       /* a checked cast or operation overflowed */
  PLB_LOOP_FRACTIONAL = 3,     /* a checked cast would drop a fractional part */
  PLB_LOOP_INEXACT = 4,        /* a checked cast would lose precision */
  PLB_LOOP_INVALID = 5         /* a value outside the function's domain */
};

/* An inner loop: NumPy's gufunc loop ABI plus a status. One call processes dimensions[0]
 * iterations:
 *   args[k]        first element of operand k (inputs first, then outputs)
 *   dimensions[0]  the iteration count; dimensions[1..] the core-dimension sizes, in the
 *                  order the signature's dim variables first appear
 *   steps[k]       byte stride of operand k along the iterations (k < nin + nout); then,
 *                  operand by operand, the byte strides of its core dimensions
 * It returns PLB_LOOP_OK or a failure status (with context->error_index set). It must
 * not longjmp or throw; it may run on several threads at once (on disjoint elements)
 * unless registered with PLB_KERNEL_SERIAL. */
typedef int (*plb_loop)(char** args, const int64_t* dimensions, const int64_t* steps,
                        plb_loop_context* context);

/* Flags of plb_function_register (bitwise or; equal to pluribus::gfunc::KernelFlags). */
enum {
  /* (... * N * T) -> ... * U: the loop folds the N elements of its core dim into the
   * output's current value (a reduction, see plb_function_reduce). */
  PLB_KERNEL_REDUCTION = 1u,
  /* The loop keeps state across iterations: the call never splits it across threads. */
  PLB_KERNEL_SERIAL = 2u,
  /* Outputs may not alias inputs, even exactly: overlapping inputs are copied first. */
  PLB_KERNEL_NO_INPLACE = 4u,
  /* A reduction whose results are then divided by the number of reduced elements. */
  PLB_KERNEL_DIVIDE_BY_COUNT = 8u,
  /* (... * N * T) -> ... * int64: the result is a position along the core dim (argmin).
   * Over ?T inputs the loop sees each row's present elements and the position it finds
   * is mapped back to the row. */
  PLB_KERNEL_POSITION = 16u
};

/* Checks of plb_assign (bitwise or; equal to pluribus::gfunc::CastChecks). A failed check
 * gives PLB_VALUE_ERROR naming the index and the value. */
enum {
  PLB_CAST_NOCHECK = 0u,
  PLB_CAST_OVERFLOW = 1u,   /* the value does not fit the target's range */
  PLB_CAST_FRACTIONAL = 2u, /* float -> integer would drop a fractional part */
  PLB_CAST_INEXACT = 4u,    /* the value would change (float64 -> float32 rounding, ...) */
  PLB_CAST_ALL = 7u
};

/* A typed buffer: memory described by a dtype and ndim leading fixed dims (extents and
 * byte strides, which may be zero or negative), like a NumPy array. The library only
 * reads the struct and never keeps it, its arrays or the dtype reference after a call.
 * Zero-initialise it (plb_buffer b = {0};) so that the reserved fields are NULL; a
 * buffer with a non-NULL reserved field is rejected with PLB_INVALID_ARGUMENT. */
typedef struct plb_buffer {
  void* data;            /* the first element */
  const plb_type* dtype; /* the element type (may begin with var dims) */
  int32_t ndim;          /* number of entries in shape and strides (0 for a scalar) */
  bool readonly;         /* true: the buffer is never written (an output must be writable) */
  const int64_t* shape;  /* ndim extents, outermost first; may be NULL when ndim is 0 */
  const int64_t* strides; /* ndim byte strides; may be NULL when ndim is 0 */
  void* reserved[3];     /* for later versions: must be NULL */
} plb_buffer;

/* Allocates `size` bytes aligned to `align` (a power of two) for a result, or returns
 * NULL (the call then fails with PLB_MEMORY_ERROR). `size` may be 0. The library never
 * frees what it returns: every block belongs to the caller, including blocks of a call
 * that then fails, so an allocator that must not leak tracks its blocks (an arena). */
typedef void* (*plb_allocate_fn)(void* user, int64_t size, int64_t align);

/* Options of a call. Versioned by struct_size: set it to sizeof(plb_call_options) (as
 * PLB_CALL_OPTIONS_INIT does); fields beyond an older caller's struct_size take their
 * defaults. A NULL options pointer means all defaults. */
typedef struct plb_call_options {
  size_t struct_size;
  /* 0: split large work across threads; 1: stay on the calling thread; n: at most n. */
  int32_t max_threads;
  /* Functions with one core dim (cumsum, inner, ...): which dim of each operand is the
   * core dim, counted like NumPy's gufunc axis= (negative from the end). Default: last. */
  bool has_axis;
  int32_t axis;
  /* Needed when the library allocates results (the *_alloc functions, ragged results). */
  plb_allocate_fn allocate;
  void* allocate_user; /* passed to allocate as `user` */
  /* One-core-dim functions of a ?T input (argmin, argmax, cumsum, ...): false (the
   * default) skips missing elements; true makes a row's result (a scan's every later
   * result) missing as soon as one of its elements is missing. */
  bool propagate_missing;
} plb_call_options;

#define PLB_CALL_OPTIONS_INIT {sizeof(plb_call_options), 0, false, 0, NULL, NULL, false}

/* Options of a reduction, versioned like plb_call_options. NULL means: every axis, no
 * keepdims, no initial value. */
typedef struct plb_reduce_options {
  size_t struct_size;
  /* The axes to reduce (negative from the end). axes == NULL with naxes == 0: every
   * axis (NumPy's axis=None); axes != NULL with naxes == 0: none. */
  int32_t naxes;
  const int32_t* axes;
  bool keepdims;    /* keep reduced dims with extent 1 */
  bool has_initial; /* start from `initial` instead of the identity (NumPy's initial=) */
  double initial;
  /* A ?T input gives ?R results. false (the default, Apache Arrow's skip_nulls and
   * pandas' skipna=True): missing elements are skipped, and a result is missing only when
   * none of its elements is present (`initial` counts as present; mean divides by the
   * present count). true: a result is missing as soon as one of its elements is. (Named
   * so that zero is the default: a zero-filled struct of any version asks for nothing new.) */
  bool propagate_missing;
} plb_reduce_options;

#define PLB_REDUCE_OPTIONS_INIT {sizeof(plb_reduce_options), 0, NULL, false, false, 0.0, false}

/* The results of a call that allocated its outputs. The caller releases it with
 * plb_result_release, which frees the descriptions but not the data: the data blocks
 * came from the caller's allocator and belong to the caller. */
typedef struct plb_result plb_result;

/* The SIMD target the built-in kernels run on in this process ("AVX3", "AVX2", "SSE4",
 * ...): the best one this CPU runs, capped by the environment variable
 * PLURIBUS_SIMD_TARGET when it names a target (AVX3_DL, AVX3, AVX2, SSE4, SSSE3 or
 * SCALAR). Chosen once per process; a static string, never freed. */
PLB_API const char* plb_simd_target(void);

/* Finds a function by its NUL-terminated name; PLB_LOOKUP_ERROR when there is none.
 * *out_function is borrowed (never freed). */
PLB_API plb_status plb_function_lookup(const char* name, const plb_function** out_function,
                                       plb_error* err);
/* The number of functions; plb_function_at gives them sorted by name, indices 0 to
 * count - 1 (PLB_INDEX_ERROR outside). Registering a function shifts the indices. */
PLB_API plb_status plb_function_count(int64_t* out_count, plb_error* err);
PLB_API plb_status plb_function_at(int64_t index, const plb_function** out_function,
                                   plb_error* err);
/* The function's name: owned by the registry, valid for the life of the process, never
 * freed. NULL for NULL. */
PLB_API const char* plb_function_name(const plb_function* function);
/* The number of inputs and outputs every kernel of the function takes. */
PLB_API plb_status plb_function_nin(const plb_function* function, int64_t* out_nin,
                                    plb_error* err);
PLB_API plb_status plb_function_nout(const plb_function* function, int64_t* out_nout,
                                     plb_error* err);
/* Kernels in dispatch order (the first exact match wins), indices 0 to count - 1
 * (PLB_INDEX_ERROR outside). A signature is a function type such as
 * "(... * float64, ... * float64) -> ... * float64": *out_signature is a new reference
 * that the caller releases with plb_type_release. */
PLB_API plb_status plb_function_kernel_count(const plb_function* function, int64_t* out_count,
                                             plb_error* err);
PLB_API plb_status plb_function_kernel_signature(const plb_function* function, int64_t index,
                                                 plb_type** out_signature, plb_error* err);

/* Calls `function` on `ninputs` inputs, writing into `noutputs` caller-supplied outputs
 * (noutputs must equal the function's nout). Inputs broadcast together (NumPy rules);
 * each output's shape must equal the broadcast shape, and its dtype receives the kernel's
 * result through a cast when the two differ. Mixed input dtypes reach a kernel through
 * safe casts. A shape mismatch gives PLB_VALUE_ERROR ("... could not be broadcast
 * together with shapes ..."); no kernel for the dtypes gives PLB_TYPE_ERROR; a loop
 * failure gives PLB_VALUE_ERROR naming the element's index. `options` may be NULL. */
PLB_API plb_status plb_function_call(const plb_function* function, int64_t ninputs,
                                     const plb_buffer* inputs, int64_t noutputs,
                                     const plb_buffer* outputs, const plb_call_options* options,
                                     plb_error* err);
/* Like plb_function_call, with the outputs allocated (C-contiguous) through
 * options->allocate, which is required. On success *out_result describes them: release
 * it with plb_result_release and free the data blocks as the allocator requires. */
PLB_API plb_status plb_function_call_alloc(const plb_function* function, int64_t ninputs,
                                           const plb_buffer* inputs,
                                           const plb_call_options* options,
                                           plb_result** out_result, plb_error* err);

/* Reduces `input` with a reduction (sum, prod, min, max, any, all, mean, ...) over the
 * axes of `reduce_options` (NULL: every axis) into the caller's `output`, whose shape
 * must be the input's without the reduced axes (with extent 1 under keepdims). Over var
 * dims any axes reduce: the rows below a reduced dim fold elementwise (their lengths
 * equal, or 1). A ?T input's output is ?R, or R (PLB_VALUE_ERROR naming the index of a
 * missing result).
 * An axis out of range gives PLB_INDEX_ERROR; a function that is not a reduction
 * PLB_TYPE_ERROR. */
PLB_API plb_status plb_function_reduce(const plb_function* function, const plb_buffer* input,
                                       const plb_buffer* output,
                                       const plb_reduce_options* reduce_options,
                                       const plb_call_options* options, plb_error* err);
/* Like plb_function_reduce, with the output allocated through options->allocate (see
 * plb_function_call_alloc). */
PLB_API plb_status plb_function_reduce_alloc(const plb_function* function,
                                             const plb_buffer* input,
                                             const plb_reduce_options* reduce_options,
                                             const plb_call_options* options,
                                             plb_result** out_result, plb_error* err);

/* Copies `from` into `to` with a cast, broadcasting `from` to `to`'s shape. `checks`
 * (PLB_CAST_*) selects the lossy conversions that fail with PLB_VALUE_ERROR; no cast
 * between the dtypes gives PLB_TYPE_ERROR. Strings written into a `string` destination
 * are malloc'd blocks owned by the caller (free each with free). `options` may be NULL. */
PLB_API plb_status plb_assign(const plb_buffer* to, const plb_buffer* from, uint32_t checks,
                              const plb_call_options* options, plb_error* err);

/* The number of buffers in a result (the function's nout; 1 for a reduction). */
PLB_API plb_status plb_result_count(const plb_result* result, int64_t* out_count,
                                    plb_error* err);
/* Describes result buffer `index` (PLB_INDEX_ERROR outside 0 .. count - 1). The dtype,
 * shape and strides in *out_buffer are views into the result, valid until
 * plb_result_release (retain the dtype with plb_type_retain to keep it longer); data is
 * the caller's block from the allocator. */
PLB_API plb_status plb_result_buffer(const plb_result* result, int64_t index,
                                     plb_buffer* out_buffer, plb_error* err);
/* Frees a result (not its data blocks). NULL is a no-op. */
PLB_API void plb_result_release(plb_result* result);

/* Adds a kernel with a C loop to the function `name` of the built-in registry (created
 * on first use). `signature` is a NUL-terminated datashape function type with
 * positional parameters, e.g. "(... * float64, ... * float64) -> ... * float64"; its
 * dtypes decide dispatch and its nin/nout must agree with the function's other kernels
 * (PLB_TYPE_ERROR otherwise; PLB_PARSE_ERROR for malformed text). `strided` is required;
 * `contiguous` (may be NULL) is used when every operand is contiguous along the
 * iterations. Each call of either loop gets `kernel_data` in context->kernel_data.
 * `flags` are PLB_KERNEL_* bits. Kernels are never removed, so the loops and
 * kernel_data must stay valid for the life of the process. Register before the function
 * is called from other threads: adding a kernel is not synchronised with calls of the
 * same function. *out_function is the (borrowed) function. */
PLB_API plb_status plb_function_register(const char* name, const char* signature,
                                         plb_loop strided, plb_loop contiguous,
                                         const void* kernel_data, uint32_t flags,
                                         const plb_function** out_function, plb_error* err);

/* ===== Arrays ============================================================================
 * A plb_array is a counted handle to an nd::Array: typed memory (owned by the library or
 * borrowed from the caller) with a shape. Views (index, field, transpose, reshape, ...) are
 * new handles that share the memory; the memory lives while any handle to it does.
 * Every function returning a plb_array** gives a new reference: release it with
 * plb_array_release. Handles are safe to use from several threads for reading; writes to
 * the same elements need the caller's synchronisation. */
typedef struct plb_array plb_array;

/* Called once with `user` when borrowed memory is no longer used by any array. */
typedef void (*plb_release_fn)(void* user);

PLB_API plb_array* plb_array_retain(plb_array* array);
PLB_API void plb_array_release(plb_array* array); /* NULL is a no-op */

/* New C-contiguous arrays of a concrete datashape ("2 * 3 * float64", "var * string").
 * empty: numbers uninitialised; strings, ragged dims and ?T start empty/missing. zeros:
 * every byte zero. */
PLB_API plb_status plb_array_empty(const plb_type* type, plb_array** out_array, plb_error* err);
PLB_API plb_status plb_array_zeros(const plb_type* type, plb_array** out_array, plb_error* err);
/* Arrays over the caller's memory: `ndim` leading fixed dims (extents and byte strides) over
 * `dtype`. `release(release_user)` runs exactly once when the last handle and view is gone
 * (release may be NULL). On failure release is NOT called: the memory stays the caller's. */
PLB_API plb_status plb_array_from_pointer(void* data, const plb_type* dtype, int32_t ndim,
                                          const int64_t* shape, const int64_t* strides,
                                          bool readonly, plb_release_fn release,
                                          void* release_user, plb_array** out_array,
                                          plb_error* err);
/* JSON text into a new array of `type` (NULL: the type discovered from the text). Errors
 * name the JSON path ("$[3].amount: expected float64, got \"abc\"") or, for malformed JSON,
 * the line and column (PLB_PARSE_ERROR). */
PLB_API plb_status plb_array_from_json(const char* json, size_t length, const plb_type* type,
                                       plb_array** out_array, plb_error* err);
/* The datashape JSON text would be read as ("[[1, 2], [3]]" -> "2 * var * int64"). */
PLB_API plb_status plb_json_discover(const char* json, size_t length, plb_type** out_type,
                                     plb_error* err);

/* Describes the array as a typed buffer: data, dtype, ndim, shape and byte strides, and the
 * read-only flag. Everything in *out_buffer is borrowed from the handle and valid while it
 * lives (retain the dtype to keep it longer). */
PLB_API plb_status plb_array_buffer(const plb_array* array, plb_buffer* out_buffer,
                                    plb_error* err);
/* The whole datashape: the leading fixed dims (C-contiguous spelling; strides are in the
 * buffer) over the dtype. A new reference. */
PLB_API plb_status plb_array_type(const plb_array* array, plb_type** out_type, plb_error* err);
/* The number of elements of the leading fixed dims (1 for ndim 0). */
PLB_API plb_status plb_array_size(const plb_array* array, int64_t* out_size, plb_error* err);

/* ----- views ----- */
typedef enum plb_index_kind {
  PLB_INDEX_INTEGER = 0, /* `integer`; negative counts from the end */
  PLB_INDEX_SLICE = 1,   /* start:stop:step; has_start/has_stop false for an open end */
  PLB_INDEX_ELLIPSIS = 2,
  PLB_INDEX_NEWAXIS = 3,
  PLB_INDEX_FIELD = 4    /* `field`: a record field name, NUL-terminated */
} plb_index_kind;
typedef struct plb_index {
  plb_index_kind kind;
  bool has_start;
  bool has_stop;
  int64_t integer;
  int64_t start;
  int64_t stop;
  int64_t step; /* 0 is an error; 1 when zero-initialised fields are wanted: set it */
  const char* field;
} plb_index;
/* NumPy's basic indexing, plus integers into ragged (var) dims and field names. An index out
 * of range gives PLB_INDEX_ERROR naming the dim, the index and the extent. */
PLB_API plb_status plb_array_index(const plb_array* array, int64_t nindices,
                                   const plb_index* indices, plb_array** out_view,
                                   plb_error* err);
PLB_API plb_status plb_array_field(const plb_array* array, const char* name,
                                   plb_array** out_view, plb_error* err);
/* naxes == 0: reverse the dims. */
PLB_API plb_status plb_array_transpose(const plb_array* array, int32_t naxes,
                                       const int32_t* axes, plb_array** out_view,
                                       plb_error* err);
/* A view when the strides allow it, else a C-contiguous copy; one extent may be -1. */
PLB_API plb_status plb_array_reshape(const plb_array* array, int32_t ndim, const int64_t* shape,
                                     plb_array** out_array, plb_error* err);
/* A read-only view with NumPy's broadcasting to `shape`. */
PLB_API plb_status plb_array_broadcast_to(const plb_array* array, int32_t ndim,
                                          const int64_t* shape, plb_array** out_view,
                                          plb_error* err);
/* naxes == 0: every extent-1 dim. */
PLB_API plb_status plb_array_squeeze(const plb_array* array, int32_t naxes, const int32_t* axes,
                                     plb_array** out_view, plb_error* err);

/* ----- elements, copies, assignment ----- */
/* The single element of a one-element array (any ndim) cast to `to` (a numeric dtype or
 * bool) with the checks PLB_CAST_OVERFLOW | PLB_CAST_FRACTIONAL, written to `out` (to's
 * size). A missing ?T value is PLB_VALUE_ERROR: test with plb_array_is_missing. */
PLB_API plb_status plb_array_get(const plb_array* array, const plb_type* to, void* out,
                                 plb_error* err);
/* The element as text: a string's UTF-8 bytes, a number as its shortest spelling. Free
 * *out_string with plb_string_free. */
PLB_API plb_status plb_array_get_string(const plb_array* array, char** out_string,
                                        plb_error* err);
PLB_API plb_status plb_array_is_missing(const plb_array* array, bool* out_missing,
                                        plb_error* err);
/* Writes `value` (one element of type `from`, e.g. a double for float64) into every element
 * of the array, cast with `checks`. */
PLB_API plb_status plb_array_set(const plb_array* array, const plb_type* from,
                                 const void* value, uint32_t checks, plb_error* err);
PLB_API plb_status plb_array_set_string(const plb_array* array, const char* text,
                                        size_t length, plb_error* err);
/* Marks every element of a ?T array missing. */
PLB_API plb_status plb_array_set_missing(const plb_array* array, plb_error* err);
/* Copies `from` (broadcast to `to`'s shape, cast with `checks`) into `to`. Writing into a
 * read-only array is PLB_VALUE_ERROR. */
PLB_API plb_status plb_array_assign(const plb_array* to, const plb_array* from, uint32_t checks,
                                    plb_error* err);
/* A deep, C-contiguous copy (strings and ragged elements included). */
PLB_API plb_status plb_array_copy(const plb_array* array, plb_array** out_array, plb_error* err);
/* A C-contiguous copy cast to the element type `dtype` with `checks`. */
PLB_API plb_status plb_array_astype(const plb_array* array, const plb_type* dtype,
                                    uint32_t checks, plb_array** out_array, plb_error* err);

/* ----- functions on arrays ----- */
/* Options of plb_array_call, versioned like plb_call_options. */
typedef struct plb_array_call_options {
  size_t struct_size;
  int32_t max_threads; /* 0: as the library decides; 1: the calling thread only */
  bool has_axis;       /* one-core-dim functions: NumPy's gufunc axis= */
  int32_t axis;
  int64_t nout;                /* out=: the number of arrays in `out` (0: allocate results) */
  plb_array* const* out;       /* borrowed; written in place */
  bool propagate_missing;      /* ?T inputs: see plb_call_options.propagate_missing */
} plb_array_call_options;
#define PLB_ARRAY_CALL_OPTIONS_INIT {sizeof(plb_array_call_options), 0, false, 0, 0, NULL, false}
/* Calls the registered function `name` on `nargs` arrays. The results (the function's nout
 * arrays: new references, or new references to the out= arrays) are written to
 * out_results[0 .. *out_count - 1]; `capacity` is the room in out_results
 * (PLB_INVALID_ARGUMENT when too small). */
PLB_API plb_status plb_array_call(const char* name, int64_t nargs, plb_array* const* args,
                                  const plb_array_call_options* options, int64_t capacity,
                                  plb_array** out_results, int64_t* out_count, plb_error* err);
/* A reduction (sum, prod, min, max, mean, any, all, argmin, argmax, ...) over the axes of
 * `reduce_options` (NULL: every axis). `out` may be NULL (allocate) or an array to write. */
PLB_API plb_status plb_array_reduce(const char* name, const plb_array* array,
                                    const plb_reduce_options* reduce_options,
                                    const plb_array* out, plb_array** out_result,
                                    plb_error* err);

/* ----- text ----- */
/* JSON text of the array (missing values as null); free with plb_string_free. */
PLB_API plb_status plb_array_to_json(const plb_array* array, char** out_json, plb_error* err);
/* NumPy-like repr with the datashape ("array([1, 2], type='2 * int64')"), summarised
 * with "..." for large arrays; and NumPy's str() ("[1 2]"). Free with plb_string_free. */
PLB_API plb_status plb_array_repr(const plb_array* array, char** out_text, plb_error* err);
PLB_API plb_status plb_array_to_string(const plb_array* array, char** out_text, plb_error* err);

/* ----- interop ----- */
/* DLPack (dlpack.h v1.x; the structs are declared by dlpack.h, only pointers pass here).
 * Export: a new DLManagedTensorVersioned / DLManagedTensor sharing the array's memory; the
 * consumer calls its deleter exactly once. Import takes ownership of the tensor on success
 * only (its deleter runs when the last view is gone); on failure the caller still owns it. */
struct DLManagedTensor;
struct DLManagedTensorVersioned;
PLB_API plb_status plb_array_to_dlpack_versioned(const plb_array* array,
                                                 struct DLManagedTensorVersioned** out_tensor,
                                                 plb_error* err);
PLB_API plb_status plb_array_to_dlpack(const plb_array* array, struct DLManagedTensor** out_tensor,
                                       plb_error* err);
PLB_API plb_status plb_array_from_dlpack_versioned(struct DLManagedTensorVersioned* tensor,
                                                   plb_array** out_array, plb_error* err);
PLB_API plb_status plb_array_from_dlpack(struct DLManagedTensor* tensor, plb_array** out_array,
                                         plb_error* err);
/* Drops a tensor nobody consumed (a DLPack capsule's destructor does this): runs its deleter
 * if it has one. NULL does nothing. A holder needs no dlpack.h to call these. */
PLB_API void plb_dlpack_delete(struct DLManagedTensor* tensor);
PLB_API void plb_dlpack_versioned_delete(struct DLManagedTensorVersioned* tensor);
/* DLPack's device type of the CPU (kDLCPU), the only device of plb_array memory. */
#define PLB_DLPACK_CPU 1
/* The Arrow C Data Interface (the structs are declared by Arrow's abi.h). Export fills the
 * caller's structs (release them with their release callbacks). Import moves the caller's
 * structs (their release becomes NULL) on success only; the array keeps Arrow's buffers
 * alive and releases them once, when the last view is gone. */
struct ArrowSchema;
struct ArrowArray;
PLB_API plb_status plb_array_to_arrow(const plb_array* array, struct ArrowSchema* out_schema,
                                      struct ArrowArray* out_array, plb_error* err);
PLB_API plb_status plb_array_from_arrow(struct ArrowSchema* schema, struct ArrowArray* array,
                                        plb_array** out_array, plb_error* err);

/* ----- the data fabric: files and shared memory described by a datashape ----- */
/* Maps `path` (from byte `offset`) as an array of `type` (concrete, without pointers:
 * no strings or var dims). The file must hold offset + size bytes (PLB_VALUE_ERROR names
 * both). writable = false gives a read-only array. */
PLB_API plb_status plb_array_open_file(const char* path, const plb_type* type, bool writable,
                                       int64_t offset, plb_array** out_array, plb_error* err);
/* POSIX shared memory ("/name"): create (zero-filled, fails if it exists), open, unlink. */
PLB_API plb_status plb_array_create_shared(const char* name, const plb_type* type,
                                           plb_array** out_array, plb_error* err);
PLB_API plb_status plb_array_open_shared(const char* name, const plb_type* type, bool writable,
                                         plb_array** out_array, plb_error* err);
PLB_API plb_status plb_shared_unlink(const char* name, plb_error* err);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* PLURIBUS_H */
