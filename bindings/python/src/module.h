/* module.h: what the files of the _pluribus extension share — the Python objects over
 * plb_type / plb_array / plb_function handles, error mapping and conversions. */
#ifndef PLURIBUS_PYTHON_MODULE_H
#define PLURIBUS_PYTHON_MODULE_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include "pluribus.h"

/* pluribus.type: one reference to an immutable plb_type. */
typedef struct {
  PyObject_HEAD plb_type* type;
} TypeObject;

/* pluribus.Array: one reference to a plb_array. `buffer` describes it and is borrowed from
 * the handle (valid while `array` lives); `format` and `itemsize` are computed once. */
typedef struct {
  PyObject_HEAD plb_array* array;
  plb_buffer buffer;
  char* format;     /* PEP 3118 format of the dtype (plb_string_free), NULL until needed */
  int64_t itemsize; /* -1 until needed */
  PyObject* weakreflist;
} ArrayObject;

/* pluribus.Function: a borrowed registry entry; vectorcall is its call path. */
typedef struct {
  PyObject_HEAD vectorcallfunc vectorcall;
  const plb_function* function;
  const char* name; /* owned by the registry */
  int64_t nin;
  int64_t nout;
  bool reduction;      /* (... * N * T) -> ... * U: NumPy's reduction arguments */
  bool core_reduction; /* ... which the library calls with a core dim (argmax), not a reduce */
  bool elementwise;    /* (... * T, ...) -> ... * U: one output of the broadcast shape */
} FunctionObject;

extern PyTypeObject plbpy_TypeType;
extern PyTypeObject plbpy_ArrayType;
extern PyTypeObject plbpy_FunctionType;
extern PyObject* plbpy_ParseError;

/* Scalar types parsed once at import (borrowed; alive for the life of the process). */
extern plb_type* plbpy_bool;
extern plb_type* plbpy_int64;
extern plb_type* plbpy_uint64;
extern plb_type* plbpy_float64;
extern plb_type* plbpy_complex128;

/* ----- module.c ----- */
/* This thread's error report (created on first use; NULL only when out of memory, which
 * the C API accepts as "status only"). */
plb_error* plbpy_error(void);
/* Raises the Python exception for a failed call and returns NULL. */
PyObject* plbpy_raise(plb_status status, const plb_error* err);
/* Converts a Python string to a NUL-terminated UTF-8 pointer owned by `text`. */
const char* plbpy_utf8(PyObject* text, Py_ssize_t* length);
/* The attribute `name` of module `module` (a new reference), imported on first use. */
PyObject* plbpy_import(const char* module, const char* name);

/* ----- type.c ----- */
/* Wraps a new reference (stolen; NULL passes through as NULL). */
PyObject* plbpy_type_wrap(plb_type* type);
/* A pluribus.type, a datashape string or a Python class (bool, int, float, complex, str)
 * as a new plb_type reference; NULL with an exception set on failure. */
plb_type* plbpy_type_from_object(PyObject* object);

/* ----- array.c ----- */
/* Wraps a new reference (stolen; NULL passes through as NULL). */
PyObject* plbpy_array_wrap(plb_array* array);
/* The same with the handle's plb_array_buffer description already at hand. */
PyObject* plbpy_array_wrap_described(plb_array* array, const plb_buffer* buffer);
/* The element(s) of an array as Python objects (nested lists for ndim > 0). */
PyObject* plbpy_array_tolist(ArrayObject* self);
/* A Python scalar for a 0-dim array of a scalar dtype, else the array itself. */
PyObject* plbpy_array_or_scalar(PyObject* array);
/* Any Python object as a pluribus.Array (a new reference): arrays pass through, buffers and
 * DLPack exporters are viewed without a copy, the rest is read as JSON. `type` may be NULL. */
PyObject* plbpy_array_from_object(PyObject* object, const plb_type* type);

/* ----- buffer.c ----- */
extern PyBufferProcs plbpy_array_as_buffer;
/* An Array over an object's buffer (no copy); NULL without an exception set when the
 * object has no buffer, NULL with an exception when reading it failed. */
PyObject* plbpy_array_from_buffer(PyObject* object);
/* The PEP 3118 format of the dtype, computed once per object; NULL with an exception. */
const char* plbpy_array_format(ArrayObject* self);
int64_t plbpy_array_itemsize(ArrayObject* self);
PyObject* plbpy_asarray(PyObject* module, PyObject* object);
PyObject* plbpy_from_dlpack(PyObject* module, PyObject* object);
PyObject* plbpy_array_interface(ArrayObject* self, void* closure);
PyObject* plbpy_array_dlpack(ArrayObject* self, PyObject* const* args, Py_ssize_t nargs,
                             PyObject* kwnames);
PyObject* plbpy_array_dlpack_device(ArrayObject* self, PyObject* unused);

/* ----- functions.c ----- */
/* Calls the registered function `name` (looked up once, then cached) on Python operands;
 * used by the operators. */
PyObject* plbpy_call_named(const char* name, int nargs, PyObject* const* args, PyObject* out);
PyObject* plbpy_function_lookup(PyObject* module, PyObject* name);
PyObject* plbpy_function_list(PyObject* module, PyObject* unused);

#endif
