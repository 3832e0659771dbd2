/* convert.c: Python objects to pluribus.Array — arrays pass through, buffers and DLPack are
 * viewed, numbers are written directly, everything else is read as JSON. */
#include <stdio.h>
#include <string.h>

#include "module.h"

/* ----- rectangular nested lists of numbers, written directly ----- */

enum { NUMBERS_BOOL, NUMBERS_INT, NUMBERS_FLOAT, NUMBERS_COMPLEX };
#define PLBPY_MAX_NUMBER_DIMS 32

typedef struct {
  int ndim;
  int64_t shape[PLBPY_MAX_NUMBER_DIMS];
  int kind;        /* the widest NUMBERS_* seen */
  bool seen;       /* a number was seen (not only None) */
  int64_t missing; /* the number of None elements: the dtype becomes ?T */
} NumberScan;

static const int64_t number_sizes[] = {1, 8, 8, 16};

/* The kind of a Python number, or -1 (not a plain number, or an int beyond int64). */
static int number_kind(PyObject* item) {
  if (PyBool_Check(item)) return NUMBERS_BOOL;
  if (PyLong_Check(item)) {
    int overflow = 0;
    PyLong_AsLongLongAndOverflow(item, &overflow);
    return overflow == 0 ? NUMBERS_INT : -1;
  }
  if (PyFloat_Check(item)) return NUMBERS_FLOAT;
  if (PyComplex_Check(item)) return NUMBERS_COMPLEX;
  return -1;
}

/* Checks that `object` at `depth` has the scanned shape and numbers at the bottom. */
static bool scan_numbers(PyObject* object, int depth, NumberScan* scan) {
  if (depth == scan->ndim) {
    if (object == Py_None) {
      ++scan->missing;
      return true;
    }
    int kind = number_kind(object);
    if (kind < 0) return false;
    if (kind > scan->kind) scan->kind = kind;
    scan->seen = true;
    return true;
  }
  if (!PyList_Check(object) && !PyTuple_Check(object)) return false;
  if (PySequence_Fast_GET_SIZE(object) != scan->shape[depth]) return false;
  for (Py_ssize_t i = 0; i < scan->shape[depth]; ++i)
    if (!scan_numbers(PySequence_Fast_GET_ITEM(object, i), depth + 1, scan)) return false;
  return true;
}

static char* write_numbers(PyObject* object, int depth, const NumberScan* scan, char* out) {
  if (depth == scan->ndim) {
    if (object == Py_None) { /* a placeholder; marked missing afterwards */
      memset(out, 0, (size_t)number_sizes[scan->kind]);
      return out + number_sizes[scan->kind];
    }
    switch (scan->kind) {
      case NUMBERS_BOOL:
        *out = object == Py_True;
        return out + 1;
      case NUMBERS_INT: {
        int64_t value = PyLong_AsLongLong(object);
        memcpy(out, &value, sizeof value);
        return out + sizeof value;
      }
      case NUMBERS_FLOAT: {
        double value = PyFloat_AsDouble(object);
        memcpy(out, &value, sizeof value);
        return out + sizeof value;
      }
      default: {
        Py_complex value = PyComplex_AsCComplex(object);
        double parts[2] = {value.real, value.imag};
        memcpy(out, parts, sizeof parts);
        return out + sizeof parts;
      }
    }
  }
  for (Py_ssize_t i = 0; i < scan->shape[depth] && out != NULL; ++i)
    out = write_numbers(PySequence_Fast_GET_ITEM(object, i), depth + 1, scan, out);
  return PyErr_Occurred() ? NULL : out;
}

/* Marks the elements that are None in `object` missing in `array` (a ?T array). */
static int mark_missing(PyObject* object, int depth, const NumberScan* scan, plb_array* array,
                        plb_index* indices) {
  if (depth == scan->ndim) {
    if (object != Py_None) return 0;
    plb_error* err = plbpy_error();
    plb_array* element = NULL;
    plb_status status = plb_array_index(array, scan->ndim, indices, &element, err);
    if (status == PLB_OK) status = plb_array_set_missing(element, err);
    plb_array_release(element);
    if (status != PLB_OK) plbpy_raise(status, err);
    return status == PLB_OK ? 0 : -1;
  }
  for (Py_ssize_t i = 0; i < scan->shape[depth]; ++i) {
    indices[depth].integer = i;
    if (mark_missing(PySequence_Fast_GET_ITEM(object, i), depth + 1, scan, array, indices) < 0)
      return -1;
  }
  return 0;
}

/* The array with None elements missing: cast to ?T, then marked. */
static PyObject* with_missing(PyObject* object, const NumberScan* scan, plb_array* array) {
  static const char* const options[] = {"?bool", "?int64", "?float64", "?complex128"};
  plb_error* err = plbpy_error();
  plb_type* option = NULL;
  plb_array* cast = NULL;
  plb_status status = plb_type_parse(options[scan->kind], PLB_NUL_TERMINATED, 0, &option, err);
  if (status == PLB_OK) status = plb_array_astype(array, option, PLB_CAST_NOCHECK, &cast, err);
  plb_type_release(option);
  plb_array_release(array);
  if (status != PLB_OK) return plbpy_raise(status, err);
  plb_index indices[PLBPY_MAX_NUMBER_DIMS];
  memset(indices, 0, sizeof indices);
  for (int k = 0; k < scan->ndim; ++k) {
    indices[k].kind = PLB_INDEX_INTEGER;
    indices[k].step = 1;
  }
  if (mark_missing(object, 0, scan, cast, indices) < 0) {
    plb_array_release(cast);
    return NULL;
  }
  return plbpy_array_wrap(cast);
}

/* Lists and tuples of bool/int/float/complex (and None) with a rectangular shape become an
 * array of [?]bool, int64, float64 or complex128 without text (NaN and infinities
 * included). NULL
 * without an exception for anything else, which is then read as JSON. */
static PyObject* numbers_array(PyObject* object, const plb_type* type) {
  NumberScan scan = {.ndim = 0, .kind = NUMBERS_BOOL};
  for (PyObject* item = object; PyList_Check(item) || PyTuple_Check(item);) {
    Py_ssize_t length = PySequence_Fast_GET_SIZE(item);
    if (length == 0 || scan.ndim == PLBPY_MAX_NUMBER_DIMS) return NULL;
    scan.shape[scan.ndim++] = length;
    item = PySequence_Fast_GET_ITEM(item, 0);
  }
  if (!scan_numbers(object, 0, &scan) || !scan.seen) return NULL;
  plb_error* err = plbpy_error();
  if (type != NULL) { /* only when the requested dims are these fixed extents */
    int64_t ndim = 0;
    int64_t shape[PLBPY_MAX_NUMBER_DIMS];
    if (plb_type_ndim(type, &ndim, err) != PLB_OK || ndim != scan.ndim ||
        plb_type_shape(type, shape, ndim, err) != PLB_OK ||
        memcmp(shape, scan.shape, sizeof(int64_t) * (size_t)ndim) != 0)
      return NULL;
  }
  static const char* const dtypes[] = {"bool", "int64", "float64", "complex128"};
  char datashape[PLBPY_MAX_NUMBER_DIMS * 24 + 16];
  size_t used = 0;
  for (int k = 0; k < scan.ndim; ++k)
    used += (size_t)snprintf(datashape + used, sizeof datashape - used, "%lld * ",
                             (long long)scan.shape[k]);
  snprintf(datashape + used, sizeof datashape - used, "%s", dtypes[scan.kind]);
  plb_type* full = NULL;
  plb_array* array = NULL;
  plb_buffer buffer = {0};
  plb_status status = plb_type_parse(datashape, PLB_NUL_TERMINATED, 0, &full, err);
  if (status == PLB_OK) status = plb_array_empty(full, &array, err);
  if (status == PLB_OK) status = plb_array_buffer(array, &buffer, err);
  plb_type_release(full);
  if (status != PLB_OK) {
    plb_array_release(array);
    return plbpy_raise(status, err);
  }
  if (write_numbers(object, 0, &scan, buffer.data) == NULL) {
    plb_array_release(array);
    return NULL;
  }
  if (scan.missing > 0) return with_missing(object, &scan, array);
  return plbpy_array_wrap(array);
}

/* Python scalars become 0-dim arrays without going through text. */
static PyObject* scalar_array(PyObject* object) {
  const plb_type* type = NULL;
  char value[16];
  if (PyBool_Check(object)) {
    type = plbpy_bool;
    value[0] = object == Py_True;
  } else if (PyFloat_CheckExact(object)) {
    double number = PyFloat_AS_DOUBLE(object);
    type = plbpy_float64;
    memcpy(value, &number, sizeof number);
  } else if (PyLong_CheckExact(object)) {
    int overflow = 0;
    long long number = PyLong_AsLongLongAndOverflow(object, &overflow);
    if (overflow != 0) return NULL; /* read as JSON, which knows uint64 and errors */
    type = plbpy_int64;
    int64_t wide = number;
    memcpy(value, &wide, sizeof wide);
  } else if (PyComplex_CheckExact(object)) {
    double parts[2] = {PyComplex_RealAsDouble(object), PyComplex_ImagAsDouble(object)};
    type = plbpy_complex128;
    memcpy(value, parts, sizeof parts);
  } else {
    return NULL;
  }
  plb_error* err = plbpy_error();
  plb_array* array = NULL;
  plb_status status = plb_array_empty(type, &array, err);
  if (status == PLB_OK) status = plb_array_set(array, type, value, PLB_CAST_NOCHECK, err);
  if (status != PLB_OK) {
    plb_array_release(array);
    return plbpy_raise(status, err);
  }
  return plbpy_array_wrap(array);
}

/* json.dumps(default=...): NumPy scalars, complex numbers ([real, imag], the library's JSON
 * form) and arrays nested inside Python containers. */
static PyObject* json_default(PyObject* unused, PyObject* object) {
  (void)unused;
  if (PyComplex_Check(object))
    return Py_BuildValue("[dd]", PyComplex_RealAsDouble(object), PyComplex_ImagAsDouble(object));
  if (PyObject_TypeCheck(object, &plbpy_ArrayType)) return plbpy_array_tolist((ArrayObject*)object);
  if (PyIndex_Check(object)) return PyNumber_Index(object);
  if (PyObject_HasAttrString(object, "tolist")) return PyObject_CallMethod(object, "tolist", NULL);
  if (PyNumber_Check(object)) return PyNumber_Float(object);
  PyErr_Format(PyExc_TypeError, "cannot make an array element of %.200s", Py_TYPE(object)->tp_name);
  return NULL;
}

static PyMethodDef json_default_method = {"json_default", json_default, METH_O, NULL};

static PyObject* json_array(PyObject* object, const plb_type* type) {
  static PyObject* default_hook = NULL;
  if (default_hook == NULL && (default_hook = PyCFunction_New(&json_default_method, NULL)) == NULL)
    return NULL;
  PyObject* dumps = plbpy_import("json", "dumps");
  if (dumps == NULL) return NULL;
  PyObject* args = PyTuple_Pack(1, object);
  PyObject* kwargs = Py_BuildValue("{s:O}", "default", default_hook);
  PyObject* text = args != NULL && kwargs != NULL ? PyObject_Call(dumps, args, kwargs) : NULL;
  Py_XDECREF(args);
  Py_XDECREF(kwargs);
  Py_DECREF(dumps);
  if (text == NULL) return NULL;
  Py_ssize_t length = 0;
  const char* utf8 = PyUnicode_AsUTF8AndSize(text, &length);
  plb_array* array = NULL;
  plb_status status = utf8 == NULL
                          ? PLB_OK
                          : plb_array_from_json(utf8, (size_t)length, type, &array, plbpy_error());
  Py_DECREF(text);
  if (utf8 == NULL) return NULL;
  return status == PLB_OK ? plbpy_array_wrap(array) : plbpy_raise(status, plbpy_error());
}

/* An array of `type` from a view: the view itself when it already has the type. */
static PyObject* cast_to(PyObject* view, const plb_type* type) {
  ArrayObject* array = (ArrayObject*)view;
  plb_error* err = plbpy_error();
  plb_type* dtype = NULL;
  plb_status status = plb_type_dtype(type, &dtype, err);
  if (status != PLB_OK) {
    Py_DECREF(view);
    return plbpy_raise(status, err);
  }
  bool same = false;
  status = plb_type_equal(dtype, array->buffer.dtype, &same, err);
  plb_array* cast = NULL;
  if (status == PLB_OK && !same)
    status =
        plb_array_astype(array->array, dtype, PLB_CAST_OVERFLOW | PLB_CAST_FRACTIONAL, &cast, err);
  plb_type_release(dtype);
  if (status != PLB_OK) {
    Py_DECREF(view);
    return plbpy_raise(status, err);
  }
  if (same) return view;
  Py_DECREF(view);
  return plbpy_array_wrap(cast);
}

PyObject* plbpy_array_from_object(PyObject* object, const plb_type* type) {
  PyObject* result = NULL;
  if (PyObject_TypeCheck(object, &plbpy_ArrayType)) {
    result = Py_NewRef(object);
  } else if (!PyUnicode_Check(object) && !PyBytes_Check(object) &&
             (result = plbpy_array_from_buffer(object)) == NULL && PyErr_Occurred()) {
    return NULL;
  }
  if (result == NULL && type == NULL && (result = scalar_array(object)) == NULL && PyErr_Occurred())
    return NULL;
  if (result == NULL && PyObject_HasAttrString(object, "__dlpack__"))
    result = plbpy_from_dlpack(NULL, object);
  if (result == NULL && !PyErr_Occurred() && (PyList_Check(object) || PyTuple_Check(object)))
    result = numbers_array(object, type);
  if (result != NULL) return type != NULL ? cast_to(result, type) : result;
  if (PyErr_Occurred()) return NULL;
  return json_array(object, type);
}
