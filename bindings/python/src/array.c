/* array.c: pluribus.Array over a plb_array handle — construction from Python objects,
 * properties, conversion to Python values, text, views, operators and pickling. */
#include <string.h>

#include "module.h"

PyObject* plbpy_array_wrap(plb_array* array) {
  if (array == NULL) return NULL;
  ArrayObject* self = PyObject_New(ArrayObject, &plbpy_ArrayType);
  if (self == NULL) {
    plb_array_release(array);
    return NULL;
  }
  self->array = array;
  self->format = NULL;
  self->itemsize = -1;
  self->weakreflist = NULL;
  plb_status status = plb_array_buffer(array, &self->buffer, plbpy_error());
  if (status != PLB_OK) {
    memset(&self->buffer, 0, sizeof self->buffer);
    Py_DECREF(self);
    return plbpy_raise(status, plbpy_error());
  }
  return (PyObject*)self;
}

PyObject* plbpy_array_wrap_described(plb_array* array, const plb_buffer* buffer) {
  ArrayObject* self = PyObject_New(ArrayObject, &plbpy_ArrayType);
  if (self == NULL) {
    plb_array_release(array);
    return NULL;
  }
  self->array = array;
  self->buffer = *buffer;
  self->format = NULL;
  self->itemsize = -1;
  self->weakreflist = NULL;
  return (PyObject*)self;
}

static void array_dealloc(ArrayObject* self) {
  if (self->weakreflist != NULL) PyObject_ClearWeakRefs((PyObject*)self);
  plb_string_free(self->format);
  plb_array_release(self->array);
  PyObject_Free(self);
}

/* ----- Python values from elements ----- */

static plb_kind dtype_kind(const plb_type* dtype) {
  plb_kind kind = PLB_KIND_ANY;
  if (plb_type_kind(dtype, &kind, NULL) != PLB_OK) return PLB_KIND_ANY;
  return kind;
}

/* Reads one element of a primitive kind from (possibly unaligned) memory; NULL without an
 * exception for kinds read another way. */
static PyObject* read_scalar(plb_kind kind, const char* p) {
#define PLBPY_LOAD(T) \
  T value;            \
  memcpy(&value, p, sizeof value);
  switch (kind) {
    case PLB_KIND_BOOL:
      return PyBool_FromLong(*p != 0);
    case PLB_KIND_INT8: {
      PLBPY_LOAD(int8_t) return PyLong_FromLong(value);
    }
    case PLB_KIND_INT16: {
      PLBPY_LOAD(int16_t) return PyLong_FromLong(value);
    }
    case PLB_KIND_INT32: {
      PLBPY_LOAD(int32_t) return PyLong_FromLong(value);
    }
    case PLB_KIND_INT64: {
      PLBPY_LOAD(int64_t) return PyLong_FromLongLong(value);
    }
    case PLB_KIND_UINT8: {
      PLBPY_LOAD(uint8_t) return PyLong_FromUnsignedLong(value);
    }
    case PLB_KIND_UINT16: {
      PLBPY_LOAD(uint16_t) return PyLong_FromUnsignedLong(value);
    }
    case PLB_KIND_UINT32: {
      PLBPY_LOAD(uint32_t) return PyLong_FromUnsignedLong(value);
    }
    case PLB_KIND_UINT64: {
      PLBPY_LOAD(uint64_t) return PyLong_FromUnsignedLongLong(value);
    }
    case PLB_KIND_FLOAT16:
      return PyFloat_FromDouble(PyFloat_Unpack2(p, 1));
    case PLB_KIND_BFLOAT16: {
      uint16_t bits;
      memcpy(&bits, p, sizeof bits);
      uint32_t wide = (uint32_t)bits << 16;
      float value;
      memcpy(&value, &wide, sizeof value);
      return PyFloat_FromDouble(value);
    }
    case PLB_KIND_FLOAT32: {
      PLBPY_LOAD(float) return PyFloat_FromDouble(value);
    }
    case PLB_KIND_FLOAT64: {
      PLBPY_LOAD(double) return PyFloat_FromDouble(value);
    }
    case PLB_KIND_COMPLEX64: {
      float parts[2];
      memcpy(parts, p, sizeof parts);
      return PyComplex_FromDoubles(parts[0], parts[1]);
    }
    case PLB_KIND_COMPLEX128: {
      double parts[2];
      memcpy(parts, p, sizeof parts);
      return PyComplex_FromDoubles(parts[0], parts[1]);
    }
    default:
      return NULL;
  }
#undef PLBPY_LOAD
}

static bool is_primitive(plb_kind kind) {
  return kind == PLB_KIND_BOOL ||
         (kind >= PLB_KIND_INT8 && kind <= PLB_KIND_UINT64 && kind != PLB_KIND_INT128) ||
         (kind >= PLB_KIND_FLOAT16 && kind <= PLB_KIND_COMPLEX128);
}

static PyObject* nested_list(plb_kind kind, const char* data, const plb_buffer* buffer,
                             int32_t dim) {
  if (dim == buffer->ndim) return read_scalar(kind, data);
  int64_t extent = buffer->shape[dim];
  PyObject* list = PyList_New((Py_ssize_t)extent);
  for (int64_t i = 0; list != NULL && i < extent; ++i) {
    PyObject* item = nested_list(kind, data + i * buffer->strides[dim], buffer, dim + 1);
    if (item == NULL)
      Py_CLEAR(list);
    else
      PyList_SET_ITEM(list, (Py_ssize_t)i, item);
  }
  return list;
}

static PyObject* array_to_json(ArrayObject* self, PyObject* unused) {
  (void)unused;
  char* json = NULL;
  plb_status status = plb_array_to_json(self->array, &json, plbpy_error());
  if (status != PLB_OK) return plbpy_raise(status, plbpy_error());
  PyObject* result = PyUnicode_FromString(json);
  plb_string_free(json);
  return result;
}

/* Values of a 0-dim array whose dtype is a string or an option of a scalar. */
static PyObject* read_element(ArrayObject* self, plb_kind kind) {
  plb_error* err = plbpy_error();
  plb_status status = PLB_OK;
  if (kind == PLB_KIND_OPTION) {
    bool missing = false;
    if ((status = plb_array_is_missing(self->array, &missing, err)) != PLB_OK)
      return plbpy_raise(status, err);
    if (missing) Py_RETURN_NONE;
    plb_type* child = NULL;
    if ((status = plb_type_child(self->buffer.dtype, &child, err)) != PLB_OK)
      return plbpy_raise(status, err);
    kind = dtype_kind(child);
    plb_type_release(child);
  }
  if (kind == PLB_KIND_STRING || kind == PLB_KIND_FIXED_STRING || kind == PLB_KIND_CHAR) {
    char* text = NULL;
    if ((status = plb_array_get_string(self->array, &text, err)) != PLB_OK)
      return plbpy_raise(status, err);
    PyObject* result = PyUnicode_FromString(text);
    plb_string_free(text);
    return result;
  }
  plb_type* to = kind == PLB_KIND_BOOL                                       ? plbpy_bool
                 : kind >= PLB_KIND_UINT8 && kind <= PLB_KIND_UINT128        ? plbpy_uint64
                 : kind >= PLB_KIND_INT8 && kind <= PLB_KIND_INT128          ? plbpy_int64
                 : kind == PLB_KIND_COMPLEX64 || kind == PLB_KIND_COMPLEX128 ? plbpy_complex128
                 : kind >= PLB_KIND_FLOAT16 && kind <= PLB_KIND_FLOAT64      ? plbpy_float64
                                                                             : NULL;
  if (to == NULL) return NULL;
  char value[16];
  if ((status = plb_array_get(self->array, to, value, err)) != PLB_OK)
    return plbpy_raise(status, err);
  return read_scalar(to == plbpy_bool      ? PLB_KIND_BOOL
                     : to == plbpy_uint64  ? PLB_KIND_UINT64
                     : to == plbpy_int64   ? PLB_KIND_INT64
                     : to == plbpy_float64 ? PLB_KIND_FLOAT64
                                           : PLB_KIND_COMPLEX128,
                     value);
}

/* The list of self[i] for the first dim, each converted by plbpy_array_tolist. */
static PyObject* elements_list(ArrayObject* self) {
  const int64_t extent = self->buffer.shape[0];
  PyObject* list = PyList_New((Py_ssize_t)extent);
  for (int64_t i = 0; list != NULL && i < extent; ++i) {
    plb_index index = {.kind = PLB_INDEX_INTEGER, .integer = i, .step = 1};
    plb_array* view = NULL;
    plb_status status = plb_array_index(self->array, 1, &index, &view, plbpy_error());
    PyObject* wrapped =
        status == PLB_OK ? plbpy_array_wrap(view) : plbpy_raise(status, plbpy_error());
    PyObject* item = wrapped != NULL ? plbpy_array_tolist((ArrayObject*)wrapped) : NULL;
    Py_XDECREF(wrapped);
    if (item == NULL)
      Py_CLEAR(list);
    else
      PyList_SET_ITEM(list, (Py_ssize_t)i, item);
  }
  return list;
}

PyObject* plbpy_array_tolist(ArrayObject* self) {
  plb_kind kind = dtype_kind(self->buffer.dtype);
  if (is_primitive(kind)) return nested_list(kind, self->buffer.data, &self->buffer, 0);
  if (self->buffer.ndim == 0) {
    PyObject* value = read_element(self, kind);
    if (value != NULL || PyErr_Occurred()) return value;
  }
  /* Everything else (records, ragged dims, options, dates, ...) through JSON. */
  PyObject* json = array_to_json(self, NULL);
  if (json == NULL && self->buffer.ndim > 0 && kind == PLB_KIND_OPTION) {
    /* Values JSON cannot spell (NaN in a ?float64): element by element. */
    PyErr_Clear();
    return elements_list(self);
  }
  if (json == NULL) return NULL;
  PyObject* loads = plbpy_import("json", "loads");
  PyObject* result = loads != NULL ? PyObject_CallOneArg(loads, json) : NULL;
  Py_XDECREF(loads);
  Py_DECREF(json);
  return result;
}

PyObject* plbpy_array_or_scalar(PyObject* object) {
  ArrayObject* self = (ArrayObject*)object;
  if (self->buffer.ndim != 0) return object;
  plb_kind kind = dtype_kind(self->buffer.dtype);
  if (!is_primitive(kind) && kind != PLB_KIND_OPTION && kind != PLB_KIND_STRING &&
      kind != PLB_KIND_FIXED_STRING && kind != PLB_KIND_CHAR && kind != PLB_KIND_INT128 &&
      kind != PLB_KIND_UINT128)
    return object;
  PyObject* value = plbpy_array_tolist(self);
  Py_DECREF(object);
  return value;
}

static PyObject* array_tolist(ArrayObject* self, PyObject* unused) {
  (void)unused;
  return plbpy_array_tolist(self);
}

static PyObject* array_item(ArrayObject* self, PyObject* unused) {
  (void)unused;
  int64_t size = 0;
  plb_status status = plb_array_size(self->array, &size, plbpy_error());
  if (status != PLB_OK) return plbpy_raise(status, plbpy_error());
  if (size != 1) {
    PyErr_SetString(PyExc_ValueError, "can only convert an array of size 1 to a Python scalar");
    return NULL;
  }
  plb_array* squeezed = NULL;
  status = plb_array_reshape(self->array, 0, NULL, &squeezed, plbpy_error());
  if (status != PLB_OK) return plbpy_raise(status, plbpy_error());
  PyObject* wrapped = plbpy_array_wrap(squeezed);
  if (wrapped == NULL) return NULL;
  PyObject* value = plbpy_array_tolist((ArrayObject*)wrapped);
  Py_DECREF(wrapped);
  return value;
}

/* ----- properties ----- */

static PyObject* array_type(ArrayObject* self, void* closure) {
  (void)closure;
  plb_type* type = NULL;
  plb_status status = plb_array_type(self->array, &type, plbpy_error());
  return status == PLB_OK ? plbpy_type_wrap(type) : plbpy_raise(status, plbpy_error());
}

static PyObject* array_dtype(ArrayObject* self, void* closure) {
  (void)closure;
  return plbpy_type_wrap(plb_type_retain((plb_type*)self->buffer.dtype));
}

static PyObject* int64_tuple(const int64_t* values, int32_t count) {
  PyObject* tuple = PyTuple_New(count);
  for (int32_t i = 0; tuple != NULL && i < count; ++i) {
    PyObject* item = PyLong_FromLongLong(values[i]);
    if (item == NULL)
      Py_CLEAR(tuple);
    else
      PyTuple_SET_ITEM(tuple, i, item);
  }
  return tuple;
}

static PyObject* array_shape(ArrayObject* self, void* closure) {
  (void)closure;
  return int64_tuple(self->buffer.shape, self->buffer.ndim);
}

static PyObject* array_strides(ArrayObject* self, void* closure) {
  (void)closure;
  return int64_tuple(self->buffer.strides, self->buffer.ndim);
}

static PyObject* array_ndim(ArrayObject* self, void* closure) {
  (void)closure;
  return PyLong_FromLong(self->buffer.ndim);
}

static PyObject* array_size(ArrayObject* self, void* closure) {
  (void)closure;
  int64_t size = 0;
  plb_status status = plb_array_size(self->array, &size, plbpy_error());
  return status == PLB_OK ? PyLong_FromLongLong(size) : plbpy_raise(status, plbpy_error());
}

static PyObject* array_itemsize(ArrayObject* self, void* closure) {
  (void)closure;
  int64_t itemsize = plbpy_array_itemsize(self);
  return itemsize < 0 ? NULL : PyLong_FromLongLong(itemsize);
}

static PyObject* array_readonly(ArrayObject* self, void* closure) {
  (void)closure;
  return PyBool_FromLong(self->buffer.readonly);
}

static PyObject* array_data_address(ArrayObject* self, void* closure) {
  (void)closure;
  return PyLong_FromVoidPtr(self->buffer.data);
}

static PyObject* array_transposed(ArrayObject* self, void* closure) {
  (void)closure;
  plb_array* view = NULL;
  plb_status status = plb_array_transpose(self->array, 0, NULL, &view, plbpy_error());
  return status == PLB_OK ? plbpy_array_wrap(view) : plbpy_raise(status, plbpy_error());
}

/* ----- text ----- */

static PyObject* take_text(plb_status status, char* text) {
  if (status != PLB_OK) return plbpy_raise(status, plbpy_error());
  PyObject* result = PyUnicode_FromString(text);
  plb_string_free(text);
  return result;
}

static PyObject* array_repr(ArrayObject* self) {
  char* text = NULL;
  plb_status status = plb_array_repr(self->array, &text, plbpy_error());
  return take_text(status, text);
}

static PyObject* array_str(ArrayObject* self) {
  char* text = NULL;
  plb_status status = plb_array_to_string(self->array, &text, plbpy_error());
  return take_text(status, text);
}

/* ----- views and copies ----- */

static PyObject* array_copy(ArrayObject* self, PyObject* unused) {
  (void)unused;
  plb_array* copy = NULL;
  plb_status status = plb_array_copy(self->array, &copy, plbpy_error());
  return status == PLB_OK ? plbpy_array_wrap(copy) : plbpy_raise(status, plbpy_error());
}

static PyObject* array_astype(ArrayObject* self, PyObject* args, PyObject* kwargs) {
  static char* keywords[] = {"dtype", "checks", NULL};
  PyObject* dtype_object = NULL;
  int checks = 1;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|p:astype", keywords, &dtype_object, &checks))
    return NULL;
  plb_type* dtype = plbpy_type_from_object(dtype_object);
  if (dtype == NULL) return NULL;
  plb_array* cast = NULL;
  plb_status status = plb_array_astype(
      self->array, dtype, checks ? PLB_CAST_OVERFLOW : PLB_CAST_NOCHECK, &cast, plbpy_error());
  plb_type_release(dtype);
  return status == PLB_OK ? plbpy_array_wrap(cast) : plbpy_raise(status, plbpy_error());
}

/* Reads shape-like arguments: f(2, 3), f((2, 3)) or f([2, 3]) into at most 64 int64s. */
static int read_extents(PyObject* args, int64_t* values, int32_t* count) {
  PyObject* sequence = args;
  if (PyTuple_GET_SIZE(args) == 1 && !PyLong_Check(PyTuple_GET_ITEM(args, 0)))
    sequence = PyTuple_GET_ITEM(args, 0);
  PyObject* fast = PySequence_Fast(sequence, "expected integers or a sequence of integers");
  if (fast == NULL) return -1;
  Py_ssize_t n = PySequence_Fast_GET_SIZE(fast);
  if (n > 64) {
    Py_DECREF(fast);
    PyErr_SetString(PyExc_ValueError, "too many dimensions (at most 64)");
    return -1;
  }
  for (Py_ssize_t i = 0; i < n; ++i) {
    values[i] = PyLong_AsLongLong(PySequence_Fast_GET_ITEM(fast, i));
    if (values[i] == -1 && PyErr_Occurred()) {
      Py_DECREF(fast);
      return -1;
    }
  }
  Py_DECREF(fast);
  *count = (int32_t)n;
  return 0;
}

static PyObject* array_reshape(ArrayObject* self, PyObject* args) {
  int64_t shape[64];
  int32_t ndim = 0;
  if (read_extents(args, shape, &ndim) < 0) return NULL;
  plb_array* view = NULL;
  plb_status status = plb_array_reshape(self->array, ndim, shape, &view, plbpy_error());
  return status == PLB_OK ? plbpy_array_wrap(view) : plbpy_raise(status, plbpy_error());
}

static PyObject* array_broadcast_to(ArrayObject* self, PyObject* args) {
  int64_t shape[64];
  int32_t ndim = 0;
  if (read_extents(args, shape, &ndim) < 0) return NULL;
  plb_array* view = NULL;
  plb_status status = plb_array_broadcast_to(self->array, ndim, shape, &view, plbpy_error());
  return status == PLB_OK ? plbpy_array_wrap(view) : plbpy_raise(status, plbpy_error());
}

typedef plb_status (*axes_view_fn)(const plb_array*, int32_t, const int32_t*, plb_array**,
                                   plb_error*);

static PyObject* axes_view(ArrayObject* self, PyObject* args, axes_view_fn make) {
  int64_t wide[64];
  int32_t axes[64];
  int32_t naxes = 0;
  bool none = PyTuple_GET_SIZE(args) == 0 ||
              (PyTuple_GET_SIZE(args) == 1 && PyTuple_GET_ITEM(args, 0) == Py_None);
  if (!none && read_extents(args, wide, &naxes) < 0) return NULL;
  for (int32_t i = 0; i < naxes; ++i) axes[i] = (int32_t)wide[i];
  plb_array* view = NULL;
  plb_status status = make(self->array, naxes, axes, &view, plbpy_error());
  return status == PLB_OK ? plbpy_array_wrap(view) : plbpy_raise(status, plbpy_error());
}

static PyObject* array_transpose(ArrayObject* self, PyObject* args) {
  return axes_view(self, args, plb_array_transpose);
}

static PyObject* array_squeeze(ArrayObject* self, PyObject* args) {
  return axes_view(self, args, plb_array_squeeze);
}

/* The elements' bytes in C order (fixed-layout dtypes only). */
static PyObject* array_tobytes(ArrayObject* self, PyObject* unused) {
  (void)unused;
  int64_t itemsize = plbpy_array_format(self) != NULL ? plbpy_array_itemsize(self) : -1;
  if (itemsize < 0) return NULL;
  plb_array* copy = NULL;
  plb_error* err = plbpy_error();
  plb_status status = plb_array_copy(self->array, &copy, err);
  int64_t size = 0;
  plb_buffer buffer = {0};
  if (status == PLB_OK) status = plb_array_size(copy, &size, err);
  if (status == PLB_OK) status = plb_array_buffer(copy, &buffer, err);
  PyObject* result = status == PLB_OK
                         ? PyBytes_FromStringAndSize(buffer.data, (Py_ssize_t)(size * itemsize))
                         : plbpy_raise(status, err);
  plb_array_release(copy);
  return result;
}

/* Pickled as (datashape, raw bytes) for fixed-layout dtypes, (datashape, JSON) otherwise. */
static PyObject* array_reduce(ArrayObject* self, PyObject* unused) {
  (void)unused;
  PyObject* type = array_type(self, NULL);
  if (type == NULL) return NULL;
  PyObject* text = PyObject_Str(type);
  Py_DECREF(type);
  if (text == NULL) return NULL;
  PyObject* payload = NULL;
  if (plbpy_array_format(self) != NULL) {
    payload = array_tobytes(self, NULL);
  } else {
    PyErr_Clear();
    payload = array_to_json(self, NULL);
  }
  PyObject* reconstruct =
      payload != NULL ? plbpy_import("pluribus._pluribus", "_reconstruct") : NULL;
  if (reconstruct == NULL) {
    Py_DECREF(text);
    Py_XDECREF(payload);
    return NULL;
  }
  return Py_BuildValue("N(NN)", reconstruct, text, payload);
}

/* ----- operators ----- */

#define PLBPY_BINARY(op, name)                             \
  static PyObject* array_##op(PyObject* a, PyObject* b) {  \
    PyObject* args[2] = {a, b};                            \
    return plbpy_call_named(name, 2, args, NULL);          \
  }                                                        \
  static PyObject* array_i##op(PyObject* a, PyObject* b) { \
    PyObject* args[2] = {a, b};                            \
    return plbpy_call_named(name, 2, args, a);             \
  }
PLBPY_BINARY(add, "add")
PLBPY_BINARY(subtract, "subtract")
PLBPY_BINARY(multiply, "multiply")
PLBPY_BINARY(divide, "divide")
PLBPY_BINARY(floor_divide, "floor_divide")
PLBPY_BINARY(remainder, "remainder")
PLBPY_BINARY(and, "bitwise_and")
PLBPY_BINARY(or, "bitwise_or")
PLBPY_BINARY(xor, "bitwise_xor")
PLBPY_BINARY(lshift, "left_shift")
PLBPY_BINARY(rshift, "right_shift")
PLBPY_BINARY(matmul, "matmul")
#undef PLBPY_BINARY

static PyObject* array_power(PyObject* a, PyObject* b, PyObject* modulo) {
  if (modulo != Py_None) Py_RETURN_NOTIMPLEMENTED;
  PyObject* args[2] = {a, b};
  return plbpy_call_named("power", 2, args, NULL);
}

static PyObject* array_ipower(PyObject* a, PyObject* b, PyObject* modulo) {
  if (modulo != Py_None) Py_RETURN_NOTIMPLEMENTED;
  PyObject* args[2] = {a, b};
  return plbpy_call_named("power", 2, args, a);
}

#define PLBPY_UNARY(op, name) \
  static PyObject* array_##op(PyObject* a) { return plbpy_call_named(name, 1, &a, NULL); }
PLBPY_UNARY(negative, "negative")
PLBPY_UNARY(positive, "positive")
PLBPY_UNARY(absolute, "absolute")
PLBPY_UNARY(invert, "invert")
#undef PLBPY_UNARY

/* bool(), int(), float(), index(): the one element (NumPy's rule for size-1 arrays). */
static PyObject* single_value(PyObject* self) { return array_item((ArrayObject*)self, NULL); }

static int array_bool(PyObject* self) {
  PyObject* value = single_value(self);
  if (value == NULL) {
    if (PyErr_ExceptionMatches(PyExc_ValueError)) {
      PyErr_Clear();
      PyErr_SetString(PyExc_ValueError,
                      "the truth value of an array with more than one element is ambiguous");
    }
    return -1;
  }
  int truth = PyObject_IsTrue(value);
  Py_DECREF(value);
  return truth;
}

static PyObject* array_int(PyObject* self) {
  PyObject* value = single_value(self);
  if (value == NULL) return NULL;
  PyObject* result = PyNumber_Long(value);
  Py_DECREF(value);
  return result;
}

static PyObject* array_float(PyObject* self) {
  PyObject* value = single_value(self);
  if (value == NULL) return NULL;
  PyObject* result = PyNumber_Float(value);
  Py_DECREF(value);
  return result;
}

static PyObject* array_index(PyObject* self) {
  if (((ArrayObject*)self)->buffer.ndim != 0) {
    PyErr_SetString(PyExc_TypeError, "only 0-dim integer arrays can be used as an index");
    return NULL;
  }
  PyObject* value = single_value(self);
  if (value == NULL) return NULL;
  if (!PyLong_Check(value)) {
    Py_DECREF(value);
    PyErr_SetString(PyExc_TypeError, "only integer arrays can be used as an index");
    return NULL;
  }
  return value;
}

static PyObject* array_richcompare(PyObject* a, PyObject* b, int op) {
  static const char* const names[] = {"less",      "less_equal", "equal",
                                      "not_equal", "greater",    "greater_equal"};
  PyObject* args[2] = {a, b};
  PyObject* result = plbpy_call_named(names[op], 2, args, NULL);
  if (result == NULL && (op == Py_EQ || op == Py_NE) && PyErr_ExceptionMatches(PyExc_TypeError)) {
    /* Operands without a common kernel (an array and a dict, ...): not comparable. */
    PyErr_Clear();
    Py_RETURN_NOTIMPLEMENTED;
  }
  return result;
}

static PyNumberMethods array_as_number = {
    .nb_add = array_add,
    .nb_subtract = array_subtract,
    .nb_multiply = array_multiply,
    .nb_remainder = array_remainder,
    .nb_power = array_power,
    .nb_negative = array_negative,
    .nb_positive = array_positive,
    .nb_absolute = array_absolute,
    .nb_bool = array_bool,
    .nb_invert = array_invert,
    .nb_lshift = array_lshift,
    .nb_rshift = array_rshift,
    .nb_and = array_and,
    .nb_xor = array_xor,
    .nb_or = array_or,
    .nb_int = array_int,
    .nb_float = array_float,
    .nb_inplace_add = array_iadd,
    .nb_inplace_subtract = array_isubtract,
    .nb_inplace_multiply = array_imultiply,
    .nb_inplace_remainder = array_iremainder,
    .nb_inplace_power = array_ipower,
    .nb_inplace_lshift = array_ilshift,
    .nb_inplace_rshift = array_irshift,
    .nb_inplace_and = array_iand,
    .nb_inplace_xor = array_ixor,
    .nb_inplace_or = array_ior,
    .nb_floor_divide = array_floor_divide,
    .nb_true_divide = array_divide,
    .nb_inplace_floor_divide = array_ifloor_divide,
    .nb_inplace_true_divide = array_idivide,
    .nb_index = array_index,
    .nb_matrix_multiply = array_matmul,
    .nb_inplace_matrix_multiply = array_imatmul,
};

/* ----- indexing (index.c) ----- */
PyObject* plbpy_array_subscript(ArrayObject* self, PyObject* key);
int plbpy_array_ass_subscript(ArrayObject* self, PyObject* key, PyObject* value);
Py_ssize_t plbpy_array_length(ArrayObject* self);
PyObject* plbpy_array_sq_item(ArrayObject* self, Py_ssize_t index);

static PyMappingMethods array_as_mapping = {
    .mp_length = (lenfunc)plbpy_array_length,
    .mp_subscript = (binaryfunc)plbpy_array_subscript,
    .mp_ass_subscript = (objobjargproc)plbpy_array_ass_subscript,
};

static PySequenceMethods array_as_sequence = {
    .sq_length = (lenfunc)plbpy_array_length,
    .sq_item = (ssizeargfunc)plbpy_array_sq_item,
};

static PyMethodDef array_methods[] = {
    {"tolist", (PyCFunction)array_tolist, METH_NOARGS,
     "The elements as nested Python lists of Python values (None for missing)."},
    {"item", (PyCFunction)array_item, METH_NOARGS, "The single element as a Python value."},
    {"to_json", (PyCFunction)array_to_json, METH_NOARGS, "The array as JSON text."},
    {"copy", (PyCFunction)array_copy, METH_NOARGS, "A deep, C-contiguous copy."},
    {"astype", (PyCFunction)(void (*)(void))array_astype, METH_VARARGS | METH_KEYWORDS,
     "astype(dtype, checks=True)\n--\n\nA C-contiguous copy cast to `dtype` (checks: fail on "
     "overflow instead of wrapping)."},
    {"reshape", (PyCFunction)array_reshape, METH_VARARGS,
     "reshape(*shape)\n--\n\nA view when the strides allow, else a copy; one extent may be -1."},
    {"broadcast_to", (PyCFunction)array_broadcast_to, METH_VARARGS,
     "broadcast_to(*shape)\n--\n\nA read-only broadcast view."},
    {"transpose", (PyCFunction)array_transpose, METH_VARARGS,
     "transpose(*axes)\n--\n\nA view with permuted dims (reversed without axes)."},
    {"squeeze", (PyCFunction)array_squeeze, METH_VARARGS,
     "squeeze(*axes)\n--\n\nA view without the given (or all) extent-1 dims."},
    {"tobytes", (PyCFunction)array_tobytes, METH_NOARGS, "The elements' bytes in C order."},
    {"__reduce__", (PyCFunction)array_reduce, METH_NOARGS, NULL},
    {"__dlpack__", (PyCFunction)(void (*)(void))plbpy_array_dlpack, METH_FASTCALL | METH_KEYWORDS,
     "__dlpack__(*, stream=None, max_version=None, dl_device=None, copy=None)\n--\n\n"
     "A DLPack capsule sharing the array's memory."},
    {"__dlpack_device__", (PyCFunction)plbpy_array_dlpack_device, METH_NOARGS, "(kDLCPU, 0)."},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef array_getset[] = {
    {"type", (getter)array_type, NULL, "The whole datashape (dims over the dtype).", NULL},
    {"dtype", (getter)array_dtype, NULL, "The element type.", NULL},
    {"shape", (getter)array_shape, NULL, "Extents of the leading fixed dims.", NULL},
    {"strides", (getter)array_strides, NULL, "Byte strides of the leading fixed dims.", NULL},
    {"ndim", (getter)array_ndim, NULL, "Number of leading fixed dims.", NULL},
    {"size", (getter)array_size, NULL, "Number of elements.", NULL},
    {"itemsize", (getter)array_itemsize, NULL, "Size of one element in bytes.", NULL},
    {"readonly", (getter)array_readonly, NULL, "True when the array cannot be written.", NULL},
    {"data_address", (getter)array_data_address, NULL, "The address of the first element.", NULL},
    {"T", (getter)array_transposed, NULL, "The transposed view.", NULL},
    {"__array_interface__", (getter)plbpy_array_interface, NULL, "NumPy's array interface.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

PyTypeObject plbpy_ArrayType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "pluribus.Array",
    .tp_basicsize = sizeof(ArrayObject),
    .tp_dealloc = (destructor)array_dealloc,
    .tp_repr = (reprfunc)array_repr,
    .tp_str = (reprfunc)array_str,
    .tp_as_number = &array_as_number,
    .tp_as_sequence = &array_as_sequence,
    .tp_as_mapping = &array_as_mapping,
    .tp_hash = PyObject_HashNotImplemented,
    .tp_as_buffer = &plbpy_array_as_buffer,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "An n-dimensional array of any datashape (pluribus.array, pluribus.asarray).",
    .tp_richcompare = array_richcompare,
    .tp_weaklistoffset = offsetof(ArrayObject, weakreflist),
    .tp_methods = array_methods,
    .tp_getset = array_getset,
};
