/* module.c: the _pluribus extension module — initialisation, the mapping of plb_status
 * to Python exceptions, and the module-level functions. */
#include "module.h"

#include <string.h>

PyObject* plbpy_ParseError = NULL;
plb_type* plbpy_bool = NULL;
plb_type* plbpy_int64 = NULL;
plb_type* plbpy_uint64 = NULL;
plb_type* plbpy_float64 = NULL;
plb_type* plbpy_complex128 = NULL;

/* One report per thread: calls run without the GIL for large arrays, and a plb_error
 * must not be used by two threads at once. Freed never (one small block per thread). */
static _Thread_local plb_error* thread_error = NULL;

plb_error* plbpy_error(void) {
  if (thread_error == NULL) thread_error = plb_error_new();
  return thread_error;
}

static PyObject* exception_class(plb_status status) {
  switch (status) {
    case PLB_PARSE_ERROR:
      return plbpy_ParseError;
    case PLB_TYPE_ERROR:
      return PyExc_TypeError;
    case PLB_INVALID_ARGUMENT:
    case PLB_VALUE_ERROR:
      return PyExc_ValueError;
    case PLB_INDEX_ERROR:
      return PyExc_IndexError;
    case PLB_OVERFLOW_ERROR:
      return PyExc_OverflowError;
    case PLB_MEMORY_ERROR:
      return PyExc_MemoryError;
    case PLB_NOT_IMPLEMENTED:
      return PyExc_NotImplementedError;
    case PLB_LOOKUP_ERROR:
      return PyExc_LookupError;
    default:
      return PyExc_RuntimeError;
  }
}

PyObject* plbpy_raise(plb_status status, const plb_error* err) {
  const char* message = err != NULL ? plb_error_message(err) : "";
  if (message[0] == '\0') message = plb_status_name(status);
  if (status == PLB_MEMORY_ERROR && err == NULL) return PyErr_NoMemory();
  if (status != PLB_PARSE_ERROR) {
    PyErr_SetString(exception_class(status), message);
    return NULL;
  }
  /* ParseError(message) with .line, .column and .description attributes. */
  PyObject* exception = PyObject_CallFunction(plbpy_ParseError, "s", message);
  if (exception == NULL) return NULL;
  PyObject* line = PyLong_FromLong(plb_error_line(err));
  PyObject* column = PyLong_FromLong(plb_error_column(err));
  PyObject* description = PyUnicode_FromString(plb_error_description(err));
  if (line != NULL && column != NULL && description != NULL &&
      PyObject_SetAttrString(exception, "line", line) == 0 &&
      PyObject_SetAttrString(exception, "column", column) == 0 &&
      PyObject_SetAttrString(exception, "description", description) == 0) {
    PyErr_SetObject(plbpy_ParseError, exception);
  }
  Py_XDECREF(line);
  Py_XDECREF(column);
  Py_XDECREF(description);
  Py_DECREF(exception);
  return NULL;
}

const char* plbpy_utf8(PyObject* text, Py_ssize_t* length) {
  if (!PyUnicode_Check(text)) {
    PyErr_Format(PyExc_TypeError, "expected a str, got %.200s", Py_TYPE(text)->tp_name);
    return NULL;
  }
  return PyUnicode_AsUTF8AndSize(text, length);
}

PyObject* plbpy_import(const char* module, const char* name) {
  PyObject* imported = PyImport_ImportModule(module);
  if (imported == NULL) return NULL;
  PyObject* attribute = PyObject_GetAttrString(imported, name);
  Py_DECREF(imported);
  return attribute;
}

/* _pluribus.array(obj, type=None): a new array holding a copy of obj's values. */
static PyObject* module_array(PyObject* module, PyObject* args, PyObject* kwargs) {
  (void)module;
  static char* keywords[] = {"obj", "type", NULL};
  PyObject* object = NULL;
  PyObject* type_object = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O|O:array", keywords, &object, &type_object))
    return NULL;
  plb_type* type = NULL;
  if (type_object != Py_None && (type = plbpy_type_from_object(type_object)) == NULL) return NULL;
  /* Arrays, buffers and DLPack exporters are viewed, then copied; values read from
   * Python objects (JSON, scalars) are already a new array. */
  bool viewed_memory =
      PyObject_TypeCheck(object, &plbpy_ArrayType) ||
      (!PyUnicode_Check(object) && !PyBytes_Check(object) && PyObject_CheckBuffer(object)) ||
      PyObject_HasAttrString(object, "__dlpack__");
  PyObject* viewed = plbpy_array_from_object(object, type);
  if (viewed == NULL || !viewed_memory) {
    plb_type_release(type);
    return viewed;
  }
  PyObject* result = NULL;
  {
    plb_array* copy = NULL;
    plb_status status = plb_array_copy(((ArrayObject*)viewed)->array, &copy, plbpy_error());
    result = status == PLB_OK ? plbpy_array_wrap(copy) : plbpy_raise(status, plbpy_error());
    Py_DECREF(viewed);
  }
  plb_type_release(type);
  return result;
}

/* _pluribus.empty(type) / zeros(type): C-contiguous arrays of a concrete datashape. */
static PyObject* make_array(PyObject* type_object, bool zero) {
  plb_type* type = plbpy_type_from_object(type_object);
  if (type == NULL) return NULL;
  plb_array* array = NULL;
  plb_status status = zero ? plb_array_zeros(type, &array, plbpy_error())
                           : plb_array_empty(type, &array, plbpy_error());
  plb_type_release(type);
  return status == PLB_OK ? plbpy_array_wrap(array) : plbpy_raise(status, plbpy_error());
}

static PyObject* module_empty(PyObject* module, PyObject* type) {
  (void)module;
  return make_array(type, false);
}

static PyObject* module_zeros(PyObject* module, PyObject* type) {
  (void)module;
  return make_array(type, true);
}

/* _pluribus.from_json(text, type=None) */
static PyObject* module_from_json(PyObject* module, PyObject* args, PyObject* kwargs) {
  (void)module;
  static char* keywords[] = {"text", "type", NULL};
  const char* text = NULL;
  Py_ssize_t length = 0;
  PyObject* type_object = Py_None;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "s#|O:from_json", keywords, &text, &length,
                                   &type_object))
    return NULL;
  plb_type* type = NULL;
  if (type_object != Py_None && (type = plbpy_type_from_object(type_object)) == NULL) return NULL;
  plb_array* array = NULL;
  plb_status status = plb_array_from_json(text, (size_t)length, type, &array, plbpy_error());
  plb_type_release(type);
  return status == PLB_OK ? plbpy_array_wrap(array) : plbpy_raise(status, plbpy_error());
}

/* _pluribus._reconstruct(datashape, payload): the inverse of Array.__reduce__ — raw bytes
 * of a C-contiguous array of a fixed-layout type, or JSON text for the other types. */
static PyObject* module_reconstruct(PyObject* module, PyObject* args) {
  (void)module;
  PyObject* type_object = NULL;
  PyObject* payload = NULL;
  if (!PyArg_ParseTuple(args, "OO:_reconstruct", &type_object, &payload)) return NULL;
  plb_type* type = plbpy_type_from_object(type_object);
  if (type == NULL) return NULL;
  plb_error* err = plbpy_error();
  plb_array* array = NULL;
  plb_status status = PLB_OK;
  if (PyBytes_Check(payload)) {
    int64_t size = 0;
    status = plb_type_size(type, &size, err);
    if (status == PLB_OK && size != PyBytes_GET_SIZE(payload)) {
      plb_type_release(type);
      PyErr_SetString(PyExc_ValueError, "pickled array: the data does not fit its type");
      return NULL;
    }
    if (status == PLB_OK) status = plb_array_empty(type, &array, err);
    plb_buffer buffer = {0};
    if (status == PLB_OK) status = plb_array_buffer(array, &buffer, err);
    if (status == PLB_OK) memcpy(buffer.data, PyBytes_AS_STRING(payload), (size_t)size);
  } else {
    Py_ssize_t length = 0;
    const char* text = plbpy_utf8(payload, &length);
    if (text == NULL) {
      plb_type_release(type);
      return NULL;
    }
    status = plb_array_from_json(text, (size_t)length, type, &array, err);
  }
  plb_type_release(type);
  if (status != PLB_OK) {
    plb_array_release(array);
    return plbpy_raise(status, err);
  }
  return plbpy_array_wrap(array);
}

static PyObject* module_simd_target(PyObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  return PyUnicode_FromString(plb_simd_target());
}

static PyMethodDef module_methods[] = {
    {"array", (PyCFunction)(void (*)(void))module_array, METH_VARARGS | METH_KEYWORDS,
     "array(obj, type=None)\n--\n\nA new array with a copy of obj: nested lists, tuples, dicts, "
     "numbers, strings and None (the type discovered when not given), or any buffer."},
    {"asarray", plbpy_asarray, METH_O,
     "asarray(obj)\n--\n\nobj as an array without a copy where possible (buffers such as NumPy "
     "arrays, DLPack exporters); other objects are read like array(obj)."},
    {"from_dlpack", plbpy_from_dlpack, METH_O,
     "from_dlpack(x)\n--\n\nAn array sharing the memory of a DLPack exporter."},
    {"empty", module_empty, METH_O, "empty(type)\n--\n\nAn uninitialised array of a datashape."},
    {"zeros", module_zeros, METH_O, "zeros(type)\n--\n\nAn all-zero array of a datashape."},
    {"from_json", (PyCFunction)(void (*)(void))module_from_json, METH_VARARGS | METH_KEYWORDS,
     "from_json(text, type=None)\n--\n\nAn array read from JSON text."},
    {"function", plbpy_function_lookup, METH_O,
     "function(name)\n--\n\nThe registered function `name` (LookupError when none)."},
    {"functions", plbpy_function_list, METH_NOARGS,
     "functions()\n--\n\nEvery registered function, sorted by name."},
    {"simd_target", module_simd_target, METH_NOARGS,
     "simd_target()\n--\n\nThe SIMD target the kernels run on (\"AVX3\", \"AVX2\", ...), capped by "
     "the environment variable PLURIBUS_SIMD_TARGET."},
    {"_reconstruct", module_reconstruct, METH_VARARGS, NULL},
    {NULL, NULL, 0, NULL}};

static struct PyModuleDef module_definition = {
    PyModuleDef_HEAD_INIT,
    "pluribus._pluribus",
    "The C extension of the pluribus package, written against pluribus.h only.",
    -1,
    module_methods,
    NULL,
    NULL,
    NULL,
    NULL};

static int parse_scalar(const char* name, plb_type** out) {
  plb_status status = plb_type_parse(name, PLB_NUL_TERMINATED, 0, out, plbpy_error());
  if (status != PLB_OK) plbpy_raise(status, plbpy_error());
  return status == PLB_OK ? 0 : -1;
}

PyMODINIT_FUNC PyInit__pluribus(void) {
  if (parse_scalar("bool", &plbpy_bool) < 0 || parse_scalar("int64", &plbpy_int64) < 0 ||
      parse_scalar("uint64", &plbpy_uint64) < 0 || parse_scalar("float64", &plbpy_float64) < 0 ||
      parse_scalar("complex128", &plbpy_complex128) < 0)
    return NULL;
  if (PyType_Ready(&plbpy_TypeType) < 0 || PyType_Ready(&plbpy_ArrayType) < 0 ||
      PyType_Ready(&plbpy_FunctionType) < 0)
    return NULL;
  PyObject* module = PyModule_Create(&module_definition);
  if (module == NULL) return NULL;
  plbpy_ParseError = PyErr_NewExceptionWithDoc(
      "pluribus.ParseError",
      "Malformed datashape, JSON or format text; .line and .column (1-based) locate it.",
      PyExc_ValueError, NULL);
  if (plbpy_ParseError == NULL ||
      PyModule_AddObjectRef(module, "ParseError", plbpy_ParseError) < 0 ||
      PyModule_AddObjectRef(module, "type", (PyObject*)&plbpy_TypeType) < 0 ||
      PyModule_AddObjectRef(module, "Array", (PyObject*)&plbpy_ArrayType) < 0 ||
      PyModule_AddObjectRef(module, "Function", (PyObject*)&plbpy_FunctionType) < 0 ||
      PyModule_AddStringConstant(module, "__version__", plb_version()) < 0) {
    Py_DECREF(module);
    return NULL;
  }
  return module;
}
