/* type.c: pluribus.type, an immutable datashape type — parsing, printing, equality,
 * hashing, layout properties, pattern matching, interchange formats and pickling. */
#include "module.h"

PyObject* plbpy_type_wrap(plb_type* type) {
  if (type == NULL) return NULL;
  TypeObject* self = PyObject_New(TypeObject, &plbpy_TypeType);
  if (self == NULL) {
    plb_type_release(type);
    return NULL;
  }
  self->type = type;
  return (PyObject*)self;
}

static plb_type* parse_text(PyObject* text) {
  Py_ssize_t length = 0;
  const char* utf8 = plbpy_utf8(text, &length);
  if (utf8 == NULL) return NULL;
  plb_type* type = NULL;
  plb_status status = plb_type_parse(utf8, (size_t)length, 0, &type, plbpy_error());
  if (status != PLB_OK) plbpy_raise(status, plbpy_error());
  return type;
}

plb_type* plbpy_type_from_object(PyObject* object) {
  if (PyObject_TypeCheck(object, &plbpy_TypeType))
    return plb_type_retain(((TypeObject*)object)->type);
  if (PyUnicode_Check(object)) return parse_text(object);
  /* Python's own classes name their natural datashape. */
  if (object == (PyObject*)&PyBool_Type) return plb_type_retain(plbpy_bool);
  if (object == (PyObject*)&PyLong_Type) return plb_type_retain(plbpy_int64);
  if (object == (PyObject*)&PyFloat_Type) return plb_type_retain(plbpy_float64);
  if (object == (PyObject*)&PyComplex_Type) return plb_type_retain(plbpy_complex128);
  if (object == (PyObject*)&PyUnicode_Type) {
    plb_type* type = NULL;
    plb_status status = plb_type_parse("string", PLB_NUL_TERMINATED, 0, &type, plbpy_error());
    if (status != PLB_OK) plbpy_raise(status, plbpy_error());
    return type;
  }
  /* A NumPy dtype (or anything with a .str such as '<f8'): its NumPy spelling. */
  PyObject* numpy_str = PyObject_GetAttrString(object, "str");
  if (numpy_str != NULL && PyUnicode_Check(numpy_str)) {
    Py_ssize_t length = 0;
    const char* text = PyUnicode_AsUTF8AndSize(numpy_str, &length);
    plb_type* type = NULL;
    plb_status status =
        text == NULL ? PLB_OK : plb_type_from_numpy(text, (size_t)length, &type, plbpy_error());
    if (text != NULL && status != PLB_OK) plbpy_raise(status, plbpy_error());
    Py_DECREF(numpy_str);
    return type;
  }
  Py_XDECREF(numpy_str);
  PyErr_Clear();
  PyErr_Format(PyExc_TypeError, "cannot make a pluribus.type from %.200s",
               Py_TYPE(object)->tp_name);
  return NULL;
}

static PyObject* type_new(PyTypeObject* cls, PyObject* args, PyObject* kwargs) {
  (void)cls;
  static char* keywords[] = {"datashape", NULL};
  PyObject* source = NULL;
  if (!PyArg_ParseTupleAndKeywords(args, kwargs, "O:type", keywords, &source)) return NULL;
  if (Py_IS_TYPE(source, &plbpy_TypeType)) return Py_NewRef(source);
  return plbpy_type_wrap(plbpy_type_from_object(source));
}

static void type_dealloc(TypeObject* self) {
  plb_type_release(self->type);
  Py_TYPE(self)->tp_free((PyObject*)self);
}

/* Returns a Python str from a char* result, freeing it (call after the producer: the
 * producer writes `text`). */
static PyObject* take_string(plb_status status, char* text) {
  if (status != PLB_OK) return plbpy_raise(status, plbpy_error());
  PyObject* result = PyUnicode_FromString(text);
  plb_string_free(text);
  return result;
}

static PyObject* type_str(TypeObject* self) {
  char* text = NULL;
  plb_status status = plb_type_to_string(self->type, &text, plbpy_error());
  return take_string(status, text);
}

static PyObject* type_repr(TypeObject* self) {
  PyObject* text = type_str(self);
  if (text == NULL) return NULL;
  PyObject* result = PyUnicode_FromFormat("pluribus.type(%R)", text);
  Py_DECREF(text);
  return result;
}

static Py_hash_t type_hash(TypeObject* self) {
  uint64_t hash = 0;
  plb_status status = plb_type_hash(self->type, &hash, plbpy_error());
  if (status != PLB_OK) {
    plbpy_raise(status, plbpy_error());
    return -1;
  }
  Py_hash_t result = (Py_hash_t)hash;
  return result == -1 ? -2 : result;
}

static PyObject* type_richcompare(TypeObject* self, PyObject* other, int op) {
  if (op != Py_EQ && op != Py_NE) Py_RETURN_NOTIMPLEMENTED;
  plb_type* other_type = NULL;
  if (PyObject_TypeCheck(other, &plbpy_TypeType)) {
    other_type = plb_type_retain(((TypeObject*)other)->type);
  } else if (PyUnicode_Check(other)) {
    /* t == "int32" compares with the parsed text; text that does not parse is unequal. */
    other_type = parse_text(other);
    if (other_type == NULL) {
      PyErr_Clear();
      return PyBool_FromLong(op == Py_NE);
    }
  } else {
    Py_RETURN_NOTIMPLEMENTED;
  }
  bool equal = false;
  plb_status status = plb_type_equal(self->type, other_type, &equal, plbpy_error());
  plb_type_release(other_type);
  if (status != PLB_OK) return plbpy_raise(status, plbpy_error());
  return PyBool_FromLong(op == Py_EQ ? equal : !equal);
}

static PyObject* int64_result(plb_status status, int64_t value) {
  return status == PLB_OK ? PyLong_FromLongLong(value) : plbpy_raise(status, plbpy_error());
}

static PyObject* type_size(TypeObject* self, void* closure) {
  (void)closure;
  int64_t size = 0;
  plb_status status = plb_type_size(self->type, &size, plbpy_error());
  return int64_result(status, size);
}

static PyObject* type_alignment(TypeObject* self, void* closure) {
  (void)closure;
  int64_t alignment = 0;
  plb_status status = plb_type_alignment(self->type, &alignment, plbpy_error());
  return int64_result(status, alignment);
}

static PyObject* type_ndim(TypeObject* self, void* closure) {
  (void)closure;
  int64_t ndim = 0;
  plb_status status = plb_type_ndim(self->type, &ndim, plbpy_error());
  return int64_result(status, ndim);
}

/* shape and strides: a tuple with None for dims without a fixed extent. */
static PyObject* dims_tuple(TypeObject* self, bool strides) {
  int64_t ndim = 0;
  plb_error* err = plbpy_error();
  plb_status status = plb_type_ndim(self->type, &ndim, err);
  if (status != PLB_OK) return plbpy_raise(status, err);
  int64_t* values = PyMem_Malloc(sizeof(int64_t) * (size_t)(ndim > 0 ? ndim : 1));
  int64_t* extents = PyMem_Malloc(sizeof(int64_t) * (size_t)(ndim > 0 ? ndim : 1));
  if (values == NULL || extents == NULL) {
    PyMem_Free(values);
    PyMem_Free(extents);
    return PyErr_NoMemory();
  }
  status = plb_type_shape(self->type, extents, ndim, err);
  if (status == PLB_OK && strides) status = plb_type_strides(self->type, values, ndim, err);
  PyObject* result = NULL;
  if (status != PLB_OK) {
    plbpy_raise(status, err);
  } else if ((result = PyTuple_New((Py_ssize_t)ndim)) != NULL) {
    for (int64_t i = 0; i < ndim; ++i) {
      PyObject* item = extents[i] < 0 ? Py_NewRef(Py_None)
                                      : PyLong_FromLongLong(strides ? values[i] : extents[i]);
      if (item == NULL) {
        Py_CLEAR(result);
        break;
      }
      PyTuple_SET_ITEM(result, (Py_ssize_t)i, item);
    }
  }
  PyMem_Free(values);
  PyMem_Free(extents);
  return result;
}

static PyObject* type_shape(TypeObject* self, void* closure) {
  (void)closure;
  return dims_tuple(self, false);
}

static PyObject* type_strides(TypeObject* self, void* closure) {
  (void)closure;
  return dims_tuple(self, true);
}

static PyObject* type_kind(TypeObject* self, void* closure) {
  (void)closure;
  plb_kind kind = PLB_KIND_ANY;
  plb_status status = plb_type_kind(self->type, &kind, plbpy_error());
  if (status != PLB_OK) return plbpy_raise(status, plbpy_error());
  return PyUnicode_FromString(plb_kind_name(kind));
}

static PyObject* type_is_concrete(TypeObject* self, void* closure) {
  (void)closure;
  bool concrete = false;
  plb_status status = plb_type_is_concrete(self->type, &concrete, plbpy_error());
  return status == PLB_OK ? PyBool_FromLong(concrete) : plbpy_raise(status, plbpy_error());
}

static PyObject* type_dtype(TypeObject* self, void* closure) {
  (void)closure;
  plb_type* dtype = NULL;
  plb_status status = plb_type_dtype(self->type, &dtype, plbpy_error());
  return status == PLB_OK ? plbpy_type_wrap(dtype) : plbpy_raise(status, plbpy_error());
}

static PyObject* type_child(TypeObject* self, void* closure) {
  (void)closure;
  plb_type* child = NULL;
  plb_status status = plb_type_child(self->type, &child, plbpy_error());
  return status == PLB_OK ? plbpy_type_wrap(child) : plbpy_raise(status, plbpy_error());
}

/* fields: {name: type} of a record (in order), a tuple of types for a tuple, None for
 * types without members. */
static PyObject* type_fields(TypeObject* self, void* closure) {
  (void)closure;
  plb_kind kind = PLB_KIND_ANY;
  plb_error* err = plbpy_error();
  plb_status status = plb_type_kind(self->type, &kind, err);
  if (status != PLB_OK) return plbpy_raise(status, err);
  if (kind != PLB_KIND_RECORD && kind != PLB_KIND_TUPLE) Py_RETURN_NONE;
  int64_t count = 0;
  if ((status = plb_type_field_count(self->type, &count, err)) != PLB_OK)
    return plbpy_raise(status, err);
  PyObject* result = kind == PLB_KIND_RECORD ? PyDict_New() : PyTuple_New((Py_ssize_t)count);
  for (int64_t i = 0; result != NULL && i < count; ++i) {
    plb_type* field = NULL;
    if ((status = plb_type_field_type(self->type, i, &field, err)) != PLB_OK) {
      plbpy_raise(status, err);
      Py_CLEAR(result);
      break;
    }
    PyObject* value = plbpy_type_wrap(field);
    if (value != NULL && kind == PLB_KIND_TUPLE) {
      PyTuple_SET_ITEM(result, (Py_ssize_t)i, value);
      continue;
    }
    char* name = NULL;
    size_t length = 0;
    PyObject* key = NULL;
    if (value != NULL) {
      status = plb_type_field_name(self->type, i, &name, &length, err);
      if (status != PLB_OK)
        plbpy_raise(status, err);
      else
        key = PyUnicode_FromStringAndSize(name, (Py_ssize_t)length);
      plb_string_free(name);
    }
    if (key == NULL || PyDict_SetItem(result, key, value) < 0) Py_CLEAR(result);
    Py_XDECREF(key);
    Py_XDECREF(value);
  }
  return result;
}

static PyObject* type_field_offsets(TypeObject* self, void* closure) {
  (void)closure;
  int64_t count = 0;
  plb_error* err = plbpy_error();
  plb_status status = plb_type_field_count(self->type, &count, err);
  if (status != PLB_OK) return plbpy_raise(status, err);
  PyObject* result = PyTuple_New((Py_ssize_t)count);
  for (int64_t i = 0; result != NULL && i < count; ++i) {
    int64_t offset = 0;
    status = plb_type_field_offset(self->type, i, &offset, err);
    PyObject* item = int64_result(status, offset);
    if (item == NULL)
      Py_CLEAR(result);
    else
      PyTuple_SET_ITEM(result, (Py_ssize_t)i, item);
  }
  return result;
}

static PyObject* type_match(TypeObject* self, PyObject* candidate_object) {
  plb_type* candidate = plbpy_type_from_object(candidate_object);
  if (candidate == NULL) return NULL;
  bool match = false;
  plb_status status = plb_type_match(self->type, candidate, &match, plbpy_error());
  plb_type_release(candidate);
  return status == PLB_OK ? PyBool_FromLong(match) : plbpy_raise(status, plbpy_error());
}

typedef plb_status (*format_fn)(const plb_type*, char**, plb_error*);

static PyObject* type_format(TypeObject* self, format_fn convert) {
  char* text = NULL;
  plb_status status = convert(self->type, &text, plbpy_error());
  return take_string(status, text);
}

static PyObject* type_to_json(TypeObject* self, PyObject* unused) {
  (void)unused;
  return type_format(self, plb_type_to_json);
}
static PyObject* type_to_pep3118(TypeObject* self, PyObject* unused) {
  (void)unused;
  return type_format(self, plb_type_to_pep3118);
}
static PyObject* type_to_arrow(TypeObject* self, PyObject* unused) {
  (void)unused;
  return type_format(self, plb_type_to_arrow);
}
static PyObject* type_to_numpy(TypeObject* self, PyObject* unused) {
  (void)unused;
  return type_format(self, plb_type_to_numpy);
}

typedef plb_status (*parse_fn)(const char*, size_t, plb_type**, plb_error*);

static PyObject* type_parse_with(PyObject* text, parse_fn parse) {
  Py_ssize_t length = 0;
  const char* utf8 = plbpy_utf8(text, &length);
  if (utf8 == NULL) return NULL;
  plb_type* type = NULL;
  plb_status status = parse(utf8, (size_t)length, &type, plbpy_error());
  return status == PLB_OK ? plbpy_type_wrap(type) : plbpy_raise(status, plbpy_error());
}

static PyObject* type_from_json(PyObject* cls, PyObject* text) {
  (void)cls;
  return type_parse_with(text, plb_type_from_json);
}
static PyObject* type_from_pep3118(PyObject* cls, PyObject* text) {
  (void)cls;
  return type_parse_with(text, plb_type_from_pep3118);
}
static PyObject* type_from_arrow(PyObject* cls, PyObject* text) {
  (void)cls;
  return type_parse_with(text, plb_type_from_arrow);
}
static PyObject* type_from_numpy(PyObject* cls, PyObject* text) {
  (void)cls;
  return type_parse_with(text, plb_type_from_numpy);
}

/* Pickled as its canonical spelling, which parses back to an equal type. */
static PyObject* type_reduce(TypeObject* self, PyObject* unused) {
  (void)unused;
  PyObject* text = type_str(self);
  if (text == NULL) return NULL;
  return Py_BuildValue("O(N)", (PyObject*)&plbpy_TypeType, text);
}

static PyMethodDef type_methods[] = {
    {"match", (PyCFunction)type_match, METH_O,
     "match(candidate)\n--\n\nTrue when the concrete type `candidate` is an instance of this "
     "pattern."},
    {"to_json", (PyCFunction)type_to_json, METH_NOARGS, "The JSON description of the type."},
    {"to_pep3118", (PyCFunction)type_to_pep3118, METH_NOARGS,
     "The PEP 3118 (buffer protocol) format."},
    {"to_arrow", (PyCFunction)type_to_arrow, METH_NOARGS, "The Arrow C Data Interface format."},
    {"to_numpy", (PyCFunction)type_to_numpy, METH_NOARGS, "The NumPy dtype string ('<f8')."},
    {"from_json", type_from_json, METH_O | METH_CLASS, "A type from its JSON description."},
    {"from_pep3118", type_from_pep3118, METH_O | METH_CLASS, "A type from a PEP 3118 format."},
    {"from_arrow", type_from_arrow, METH_O | METH_CLASS, "A type from an Arrow format."},
    {"from_numpy", type_from_numpy, METH_O | METH_CLASS, "A type from a NumPy dtype string."},
    {"__reduce__", (PyCFunction)type_reduce, METH_NOARGS, NULL},
    {NULL, NULL, 0, NULL}};

static PyGetSetDef type_getset[] = {
    {"size", (getter)type_size, NULL, "Size in bytes (TypeError for an abstract type).", NULL},
    {"alignment", (getter)type_alignment, NULL, "Alignment in bytes.", NULL},
    {"ndim", (getter)type_ndim, NULL, "Number of leading dimensions.", NULL},
    {"shape", (getter)type_shape, NULL, "Extents of the leading dims (None: not fixed).", NULL},
    {"strides", (getter)type_strides, NULL, "Byte strides of the leading fixed dims.", NULL},
    {"kind", (getter)type_kind, NULL, "The kind's name ('int32', 'record', 'fixed_dim', ...).",
     NULL},
    {"is_concrete", (getter)type_is_concrete, NULL, "True when the type has a layout.", NULL},
    {"dtype", (getter)type_dtype, NULL, "The element type below the leading dims.", NULL},
    {"child", (getter)type_child, NULL, "The element type of a dim, option or pointer.", NULL},
    {"fields", (getter)type_fields, NULL,
     "{name: type} of a record, a tuple of types for a tuple, else None.", NULL},
    {"field_offsets", (getter)type_field_offsets, NULL, "Byte offsets of the members.", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

PyTypeObject plbpy_TypeType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "pluribus.type",
    .tp_basicsize = sizeof(TypeObject),
    .tp_dealloc = (destructor)type_dealloc,
    .tp_repr = (reprfunc)type_repr,
    .tp_str = (reprfunc)type_str,
    .tp_hash = (hashfunc)type_hash,
    .tp_richcompare = (richcmpfunc)type_richcompare,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc =
        "type(datashape)\n--\n\nAn immutable datashape type, e.g. "
        "pluribus.type('var * {name: string, amount: ?float64}').",
    .tp_methods = type_methods,
    .tp_getset = type_getset,
    .tp_new = type_new,
};
