/* buffer.c: zero-copy exchange of pluribus.Array memory — the buffer protocol both ways,
 * NumPy's __array_interface__, and DLPack capsules both ways. */
#include <string.h>

#include "module.h"

_Static_assert(sizeof(Py_ssize_t) == sizeof(int64_t),
               "Py_buffer shape/strides alias plb_buffer's int64_t arrays");

/* Python's memoryview reads native single-character formats only; on a little-endian
 * LP64 machine "<d" and "d" mean the same layout for these codes, so the short one is
 * given (NumPy reads both). */
static void prefer_native_format(char* format) {
  const uint16_t probe = 1;
  bool little_endian = *(const unsigned char*)&probe == 1;
  if (little_endian && format[0] == '<' && format[1] != '\0' && format[2] == '\0' &&
      strchr("?bBhHiIqQefd", format[1]) != NULL) {
    format[0] = format[1];
    format[1] = '\0';
  }
}

const char* plbpy_array_format(ArrayObject* self) {
  if (self->format == NULL) {
    plb_status status = plb_type_to_pep3118(self->buffer.dtype, &self->format, plbpy_error());
    if (status != PLB_OK) {
      PyErr_Format(PyExc_BufferError, "a %s array has no buffer: %s", plb_status_name(status),
                   plb_error_message(plbpy_error()));
      return NULL;
    }
    prefer_native_format(self->format);
  }
  return self->format;
}

int64_t plbpy_array_itemsize(ArrayObject* self) {
  if (self->itemsize < 0) {
    plb_status status = plb_type_size(self->buffer.dtype, &self->itemsize, plbpy_error());
    if (status != PLB_OK) {
      self->itemsize = -1;
      plbpy_raise(status, plbpy_error());
    }
  }
  return self->itemsize;
}

static bool is_contiguous(const plb_buffer* buffer, int64_t itemsize, bool fortran) {
  int64_t expected = itemsize;
  for (int32_t k = 0; k < buffer->ndim; ++k) {
    int32_t dim = fortran ? k : buffer->ndim - 1 - k;
    if (buffer->shape[dim] == 0) return true;
    if (buffer->shape[dim] != 1 && buffer->strides[dim] != expected) return false;
    expected *= buffer->shape[dim];
  }
  return true;
}

/* The exporter is the Array object: Py_buffer.obj holds it, and with it the plb_array
 * handle, so the memory outlives every consumer (NumPy keeps the memoryview as base). */
static int array_getbuffer(ArrayObject* self, Py_buffer* view, int flags) {
  const plb_buffer* buffer = &self->buffer;
  if ((flags & PyBUF_WRITABLE) == PyBUF_WRITABLE && buffer->readonly) {
    PyErr_SetString(PyExc_BufferError, "the array is read-only");
    return -1;
  }
  const char* format = plbpy_array_format(self);
  if (format == NULL) return -1;
  int64_t itemsize = plbpy_array_itemsize(self);
  if (itemsize < 0) return -1;
  bool c_contiguous = is_contiguous(buffer, itemsize, false);
  if ((flags & PyBUF_C_CONTIGUOUS) == PyBUF_C_CONTIGUOUS && !c_contiguous) {
    PyErr_SetString(PyExc_BufferError, "the array is not C-contiguous");
    return -1;
  }
  if ((flags & PyBUF_F_CONTIGUOUS) == PyBUF_F_CONTIGUOUS &&
      !is_contiguous(buffer, itemsize, true)) {
    PyErr_SetString(PyExc_BufferError, "the array is not Fortran-contiguous");
    return -1;
  }
  if ((flags & PyBUF_ANY_CONTIGUOUS) == PyBUF_ANY_CONTIGUOUS && !c_contiguous &&
      !is_contiguous(buffer, itemsize, true)) {
    PyErr_SetString(PyExc_BufferError, "the array is not contiguous");
    return -1;
  }
  if ((flags & PyBUF_STRIDES) != PyBUF_STRIDES && !c_contiguous) {
    PyErr_SetString(PyExc_BufferError, "the array is not C-contiguous (strides required)");
    return -1;
  }
  int64_t count = 1;
  for (int32_t k = 0; k < buffer->ndim; ++k) count *= buffer->shape[k];
  view->buf = buffer->data;
  view->obj = Py_NewRef((PyObject*)self);
  view->len = (Py_ssize_t)(count * itemsize);
  view->itemsize = (Py_ssize_t)itemsize;
  view->readonly = buffer->readonly;
  view->ndim = buffer->ndim;
  view->format = (flags & PyBUF_FORMAT) == PyBUF_FORMAT ? (char*)format : NULL;
  view->shape = (flags & PyBUF_ND) == PyBUF_ND ? (Py_ssize_t*)buffer->shape : NULL;
  view->strides = (flags & PyBUF_STRIDES) == PyBUF_STRIDES ? (Py_ssize_t*)buffer->strides : NULL;
  view->suboffsets = NULL;
  view->internal = NULL;
  return 0;
}

PyBufferProcs plbpy_array_as_buffer = {
    .bf_getbuffer = (getbufferproc)array_getbuffer,
    .bf_releasebuffer = NULL,
};

/* ----- arrays over other objects' buffers ----- */

/* The release callback of memory borrowed from a Python buffer: it may run on any thread
 * (the last view can die inside a call without the GIL), so it takes the GIL. */
static void release_python_buffer(void* user) {
  if (!Py_IsInitialized()) return; /* the interpreter is gone: nothing left to release */
  PyGILState_STATE state = PyGILState_Ensure();
  Py_buffer* view = user;
  PyBuffer_Release(view);
  PyMem_RawFree(view);
  PyGILState_Release(state);
}

/* The dtype of a PEP 3118 format: the few formats a program uses are parsed once (the
 * table keeps a reference to each type; read and written with the GIL held). */
static plb_status format_type(const char* format, plb_type** out_type, plb_error* err) {
  enum { SLOTS = 16, LONGEST = 15 };
  static struct {
    char format[LONGEST + 1];
    plb_type* type;
  } table[SLOTS];
  static int next = 0;
  size_t length = strlen(format);
  if (length <= LONGEST) {
    for (int i = 0; i < SLOTS && table[i].type != NULL; ++i) {
      if (strcmp(table[i].format, format) == 0) {
        *out_type = plb_type_retain(table[i].type);
        return PLB_OK;
      }
    }
  }
  plb_status status = plb_type_from_pep3118(format, length, out_type, err);
  if (status == PLB_OK && length <= LONGEST) {
    plb_type_release(table[next].type);
    memcpy(table[next].format, format, length + 1);
    table[next].type = plb_type_retain(*out_type);
    next = (next + 1) % SLOTS;
  }
  return status;
}

/* Releases the object an __array_interface__ view keeps alive (any thread; takes the GIL). */
static void release_python_object(void* user) {
  if (!Py_IsInitialized()) return;
  PyGILState_STATE state = PyGILState_Ensure();
  Py_DECREF((PyObject*)user);
  PyGILState_Release(state);
}

static int read_extents(PyObject* tuple, int32_t ndim, int64_t* values) {
  for (int32_t k = 0; k < ndim; ++k) {
    values[k] = PyLong_AsLongLong(PyTuple_GET_ITEM(tuple, k));
    if (values[k] == -1 && PyErr_Occurred()) return -1;
  }
  return 0;
}

/* NumPy arrays whose dtype has no buffer format (datetime64, timedelta64) are viewed
 * through __array_interface__ (typestr, data, shape, strides); the array stays alive
 * while the view does. NULL without an exception when the object has no usable one. */
static PyObject* array_from_interface(PyObject* object) {
  PyObject* interface = PyObject_GetAttrString(object, "__array_interface__");
  if (interface == NULL || !PyDict_Check(interface)) {
    Py_XDECREF(interface);
    PyErr_Clear();
    return NULL;
  }
  PyObject* typestr = PyDict_GetItemString(interface, "typestr");
  PyObject* data = PyDict_GetItemString(interface, "data");
  PyObject* shape_tuple = PyDict_GetItemString(interface, "shape");
  PyObject* strides_tuple = PyDict_GetItemString(interface, "strides");
  if (typestr == NULL || !PyUnicode_Check(typestr) || data == NULL || !PyTuple_Check(data) ||
      PyTuple_GET_SIZE(data) != 2 || shape_tuple == NULL || !PyTuple_Check(shape_tuple) ||
      PyTuple_GET_SIZE(shape_tuple) > 64 ||
      (strides_tuple != NULL && strides_tuple != Py_None &&
       (!PyTuple_Check(strides_tuple) ||
        PyTuple_GET_SIZE(strides_tuple) != PyTuple_GET_SIZE(shape_tuple)))) {
    Py_DECREF(interface);
    return NULL;
  }
  const int32_t ndim = (int32_t)PyTuple_GET_SIZE(shape_tuple);
  int64_t shape[64], strides[64];
  void* address = PyLong_AsVoidPtr(PyTuple_GET_ITEM(data, 0));
  int readonly = PyObject_IsTrue(PyTuple_GET_ITEM(data, 1));
  const char* text = PyUnicode_AsUTF8(typestr);
  plb_error* err = plbpy_error();
  plb_type* dtype = NULL;
  int64_t itemsize = 0;
  plb_status status = PLB_OK;
  if (PyErr_Occurred() || readonly < 0 || text == NULL ||
      read_extents(shape_tuple, ndim, shape) < 0 ||
      (strides_tuple != NULL && strides_tuple != Py_None &&
       read_extents(strides_tuple, ndim, strides) < 0)) {
    Py_DECREF(interface);
    return NULL;
  }
  status = plb_type_from_numpy(text, PLB_NUL_TERMINATED, &dtype, err);
  if (status == PLB_OK) status = plb_type_size(dtype, &itemsize, err);
  if (status == PLB_OK && (strides_tuple == NULL || strides_tuple == Py_None)) {
    int64_t stride = itemsize; /* None: C-contiguous */
    for (int32_t k = ndim - 1; k >= 0; --k) {
      strides[k] = stride;
      stride *= shape[k];
    }
  }
  Py_DECREF(interface);
  plb_array* array = NULL;
  if (status == PLB_OK)
    status = plb_array_from_pointer(address, dtype, ndim, shape, strides, readonly != 0,
                                    release_python_object, object, &array, err);
  plb_type_release(dtype);
  if (status != PLB_OK) return plbpy_raise(status, err);
  Py_INCREF(object); /* given to the release callback, which ran not yet */
  return plbpy_array_wrap(array);
}

PyObject* plbpy_array_from_buffer(PyObject* object) {
  if (!PyObject_CheckBuffer(object)) return NULL;
  Py_buffer* view = PyMem_RawMalloc(sizeof(Py_buffer));
  if (view == NULL) return PyErr_NoMemory();
  if (PyObject_GetBuffer(object, view, PyBUF_RECORDS_RO) < 0) {
    PyMem_RawFree(view);
    if (!PyErr_ExceptionMatches(PyExc_ValueError) && !PyErr_ExceptionMatches(PyExc_BufferError))
      return NULL;
    /* NumPy refuses buffers of datetime64/timedelta64: its array interface still works. */
    PyObject *error_type = NULL, *error_value = NULL, *traceback = NULL;
    PyErr_Fetch(&error_type, &error_value, &traceback);
    PyObject* viewed = array_from_interface(object);
    if (viewed != NULL || PyErr_Occurred()) {
      Py_XDECREF(error_type);
      Py_XDECREF(error_value);
      Py_XDECREF(traceback);
      return viewed;
    }
    PyErr_Restore(error_type, error_value, traceback);
    return NULL;
  }
  plb_error* err = plbpy_error();
  const char* format = view->format != NULL ? view->format : "B";
  plb_type* dtype = NULL;
  plb_status status = format_type(format, &dtype, err);
  int64_t shape[64];
  int64_t strides[64];
  if (status == PLB_OK && view->ndim > 64) {
    PyBuffer_Release(view);
    PyMem_RawFree(view);
    plb_type_release(dtype);
    PyErr_SetString(PyExc_ValueError, "too many dimensions (at most 64)");
    return NULL;
  }
  for (int i = 0; i < view->ndim; ++i) {
    shape[i] = view->shape[i];
    strides[i] = view->strides != NULL ? view->strides[i] : 0;
  }
  if (view->strides == NULL && view->ndim > 0) { /* C-contiguous */
    int64_t stride = view->itemsize;
    for (int i = view->ndim - 1; i >= 0; --i) {
      strides[i] = stride;
      stride *= shape[i];
    }
  }
  plb_array* array = NULL;
  if (status == PLB_OK)
    status = plb_array_from_pointer(view->buf, dtype, view->ndim, shape, strides,
                                    view->readonly != 0, release_python_buffer, view, &array, err);
  plb_type_release(dtype);
  if (status != PLB_OK) { /* the callback was not called: the view is still ours */
    PyBuffer_Release(view);
    PyMem_RawFree(view);
    return plbpy_raise(status, err);
  }
  return plbpy_array_wrap(array);
}

PyObject* plbpy_asarray(PyObject* module, PyObject* object) {
  (void)module;
  return plbpy_array_from_object(object, NULL);
}

/* ----- NumPy's __array_interface__ (version 3) ----- */

PyObject* plbpy_array_interface(ArrayObject* self, void* closure) {
  (void)closure;
  plb_error* err = plbpy_error();
  char* typestr = NULL;
  plb_status status = plb_type_to_numpy(self->buffer.dtype, &typestr, err);
  if (status != PLB_OK) {
    /* Not an attribute NumPy can use: AttributeError makes NumPy try other protocols. */
    PyErr_Format(PyExc_AttributeError, "__array_interface__: %s", plb_error_message(err));
    return NULL;
  }
  PyObject* descr = NULL;
  char* descr_text = NULL;
  if (plb_type_to_numpy_descr(self->buffer.dtype, &descr_text, err) == PLB_OK) {
    PyObject* literal_eval = plbpy_import("ast", "literal_eval");
    if (literal_eval != NULL) descr = PyObject_CallFunction(literal_eval, "s", descr_text);
    Py_XDECREF(literal_eval);
    plb_string_free(descr_text);
    if (descr == NULL) {
      plb_string_free(typestr);
      return NULL;
    }
  }
  PyObject* shape = PyTuple_New(self->buffer.ndim);
  PyObject* strides = PyTuple_New(self->buffer.ndim);
  for (int32_t k = 0; shape != NULL && strides != NULL && k < self->buffer.ndim; ++k) {
    PyTuple_SET_ITEM(shape, k, PyLong_FromLongLong(self->buffer.shape[k]));
    PyTuple_SET_ITEM(strides, k, PyLong_FromLongLong(self->buffer.strides[k]));
  }
  PyObject* result = NULL;
  if (shape != NULL && strides != NULL && !PyErr_Occurred()) {
    result =
        Py_BuildValue("{s:N,s:s,s:(N,O),s:N,s:i}", "shape", shape, "typestr", typestr, "data",
                      PyLong_FromVoidPtr(self->buffer.data),
                      self->buffer.readonly ? Py_True : Py_False, "strides", strides, "version", 3);
    shape = strides = NULL;
  }
  Py_XDECREF(shape);
  Py_XDECREF(strides);
  plb_string_free(typestr);
  if (result != NULL && descr != NULL && PyDict_SetItemString(result, "descr", descr) < 0)
    Py_CLEAR(result);
  Py_XDECREF(descr);
  return result;
}

/* ----- DLPack ----- */

static void dlpack_capsule_destructor(PyObject* capsule) {
  /* A consumer renames the capsule ("used_dltensor"); an unconsumed tensor is ours. */
  if (PyCapsule_IsValid(capsule, "dltensor")) {
    plb_dlpack_delete(PyCapsule_GetPointer(capsule, "dltensor"));
  }
}

static void dlpack_versioned_capsule_destructor(PyObject* capsule) {
  if (PyCapsule_IsValid(capsule, "dltensor_versioned")) {
    plb_dlpack_versioned_delete(PyCapsule_GetPointer(capsule, "dltensor_versioned"));
  }
}

PyObject* plbpy_array_dlpack(ArrayObject* self, PyObject* const* args, Py_ssize_t nargs,
                             PyObject* kwnames) {
  if (nargs != 0) {
    PyErr_SetString(PyExc_TypeError, "__dlpack__() takes keyword arguments only");
    return NULL;
  }
  PyObject* max_version = Py_None;
  PyObject* dl_device = Py_None;
  PyObject* copy = Py_None;
  Py_ssize_t nkw = kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0;
  for (Py_ssize_t i = 0; i < nkw; ++i) {
    const char* key = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, i));
    if (key == NULL) return NULL;
    if (strcmp(key, "max_version") == 0)
      max_version = args[i];
    else if (strcmp(key, "dl_device") == 0)
      dl_device = args[i];
    else if (strcmp(key, "copy") == 0)
      copy = args[i];
    else if (strcmp(key, "stream") != 0) {
      PyErr_Format(PyExc_TypeError, "__dlpack__() got an unexpected keyword argument '%s'", key);
      return NULL;
    }
  }
  if (copy == Py_True) {
    PyErr_SetString(PyExc_BufferError, "__dlpack__: copy=True is not supported");
    return NULL;
  }
  if (dl_device != Py_None) {
    int device_type = 0, device_id = 0;
    if (!PyArg_ParseTuple(dl_device, "ii", &device_type, &device_id)) return NULL;
    if (device_type != PLB_DLPACK_CPU || device_id != 0) {
      PyErr_SetString(PyExc_BufferError, "__dlpack__: the array is on the CPU");
      return NULL;
    }
  }
  long major = 0;
  if (max_version != Py_None) {
    PyObject* first = PySequence_GetItem(max_version, 0);
    if (first == NULL) return NULL;
    major = PyLong_AsLong(first);
    Py_DECREF(first);
    if (major == -1 && PyErr_Occurred()) return NULL;
  }
  plb_error* err = plbpy_error();
  plb_status status;
  if (major >= 1) {
    struct DLManagedTensorVersioned* tensor = NULL;
    status = plb_array_to_dlpack_versioned(self->array, &tensor, err);
    if (status != PLB_OK) return plbpy_raise(status, err);
    PyObject* capsule =
        PyCapsule_New(tensor, "dltensor_versioned", dlpack_versioned_capsule_destructor);
    if (capsule == NULL) plb_dlpack_versioned_delete(tensor);
    return capsule;
  }
  struct DLManagedTensor* tensor = NULL;
  status = plb_array_to_dlpack(self->array, &tensor, err);
  if (status != PLB_OK) return plbpy_raise(status, err);
  PyObject* capsule = PyCapsule_New(tensor, "dltensor", dlpack_capsule_destructor);
  if (capsule == NULL) plb_dlpack_delete(tensor);
  return capsule;
}

PyObject* plbpy_array_dlpack_device(ArrayObject* self, PyObject* unused) {
  (void)self;
  (void)unused;
  return Py_BuildValue("(ii)", PLB_DLPACK_CPU, 0);
}

/* A capsule, or an exporter's __dlpack__() (asking for a versioned tensor first). */
static PyObject* dlpack_capsule(PyObject* object) {
  if (PyCapsule_CheckExact(object)) return Py_NewRef(object);
  PyObject* method = PyObject_GetAttrString(object, "__dlpack__");
  if (method == NULL) return NULL;
  PyObject* kwargs = Py_BuildValue("{s:(ii)}", "max_version", 1, 0);
  PyObject* empty = PyTuple_New(0);
  PyObject* capsule = kwargs != NULL && empty != NULL ? PyObject_Call(method, empty, kwargs) : NULL;
  if (capsule == NULL && PyErr_ExceptionMatches(PyExc_TypeError)) {
    /* An exporter older than DLPack 1.0 (NumPy < 2) takes no max_version. */
    PyErr_Clear();
    capsule = PyObject_CallNoArgs(method);
  }
  Py_XDECREF(kwargs);
  Py_XDECREF(empty);
  Py_DECREF(method);
  return capsule;
}

PyObject* plbpy_from_dlpack(PyObject* module, PyObject* object) {
  (void)module;
  if (PyObject_TypeCheck(object, &plbpy_ArrayType)) return Py_NewRef(object);
  PyObject* capsule = dlpack_capsule(object);
  if (capsule == NULL) return NULL;
  plb_error* err = plbpy_error();
  plb_array* array = NULL;
  plb_status status;
  if (PyCapsule_IsValid(capsule, "dltensor_versioned")) {
    /* The library takes the tensor on success only; then the capsule is "used". */
    status = plb_array_from_dlpack_versioned(PyCapsule_GetPointer(capsule, "dltensor_versioned"),
                                             &array, err);
    if (status == PLB_OK) PyCapsule_SetName(capsule, "used_dltensor_versioned");
  } else if (PyCapsule_IsValid(capsule, "dltensor")) {
    status = plb_array_from_dlpack(PyCapsule_GetPointer(capsule, "dltensor"), &array, err);
    if (status == PLB_OK) PyCapsule_SetName(capsule, "used_dltensor");
  } else {
    Py_DECREF(capsule);
    PyErr_SetString(PyExc_ValueError,
                    "from_dlpack: expected a 'dltensor' or 'dltensor_versioned' capsule "
                    "(it may have been consumed already)");
    return NULL;
  }
  Py_DECREF(capsule);
  return status == PLB_OK ? plbpy_array_wrap(array) : plbpy_raise(status, err);
}
