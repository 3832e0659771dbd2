/* index.c: Python indexing of pluribus.Array — ints, slices, Ellipsis, None and field
 * names become plb_index entries for plb_array_index; assignment writes through views. */
#include <string.h>

#include "module.h"

#define PLBPY_MAX_INDICES 64

Py_ssize_t plbpy_array_length(ArrayObject* self) {
  if (self->buffer.ndim == 0) {
    PyErr_SetString(PyExc_TypeError, "len() of a 0-dim array");
    return -1;
  }
  return (Py_ssize_t)self->buffer.shape[0];
}

/* Fills `index` from one key item; the field name stays owned by `item`. */
static int read_index(PyObject* item, plb_index* index) {
  memset(index, 0, sizeof *index);
  index->step = 1;
  if (item == Py_Ellipsis) {
    index->kind = PLB_INDEX_ELLIPSIS;
  } else if (item == Py_None) {
    index->kind = PLB_INDEX_NEWAXIS;
  } else if (PyUnicode_Check(item)) {
    index->kind = PLB_INDEX_FIELD;
    if ((index->field = PyUnicode_AsUTF8(item)) == NULL) return -1;
  } else if (PySlice_Check(item)) {
    PySliceObject* slice = (PySliceObject*)item;
    index->kind = PLB_INDEX_SLICE;
    if (slice->step != Py_None) {
      index->step = PyNumber_AsSsize_t(slice->step, PyExc_IndexError);
      if (index->step == -1 && PyErr_Occurred()) return -1;
      if (index->step == 0) {
        PyErr_SetString(PyExc_ValueError, "slice step cannot be zero");
        return -1;
      }
    }
    if ((index->has_start = slice->start != Py_None)) {
      index->start = PyNumber_AsSsize_t(slice->start, NULL);
      if (index->start == -1 && PyErr_Occurred()) return -1;
    }
    if ((index->has_stop = slice->stop != Py_None)) {
      index->stop = PyNumber_AsSsize_t(slice->stop, NULL);
      if (index->stop == -1 && PyErr_Occurred()) return -1;
    }
  } else if (PyIndex_Check(item)) {
    index->kind = PLB_INDEX_INTEGER;
    index->integer = PyNumber_AsSsize_t(item, PyExc_IndexError);
    if (index->integer == -1 && PyErr_Occurred()) return -1;
  } else {
    PyErr_Format(PyExc_IndexError,
                 "only integers, slices (`:`), ellipsis (`...`), None and field names are "
                 "valid indices, not %.200s",
                 Py_TYPE(item)->tp_name);
    return -1;
  }
  return 0;
}

/* The view a key selects (a new plb_array reference) or NULL with an exception. */
static plb_array* select_view(ArrayObject* self, PyObject* key) {
  plb_index indices[PLBPY_MAX_INDICES];
  Py_ssize_t count = 1;
  if (PyTuple_Check(key)) {
    count = PyTuple_GET_SIZE(key);
    if (count > PLBPY_MAX_INDICES) {
      PyErr_SetString(PyExc_IndexError, "too many indices");
      return NULL;
    }
    for (Py_ssize_t i = 0; i < count; ++i)
      if (read_index(PyTuple_GET_ITEM(key, i), &indices[i]) < 0) return NULL;
  } else if (read_index(key, &indices[0]) < 0) {
    return NULL;
  }
  plb_array* view = NULL;
  plb_status status = plb_array_index(self->array, count, indices, &view, plbpy_error());
  if (status != PLB_OK) plbpy_raise(status, plbpy_error());
  return view;
}

PyObject* plbpy_array_subscript(ArrayObject* self, PyObject* key) {
  plb_array* view = select_view(self, key);
  if (view == NULL) return NULL;
  PyObject* result = plbpy_array_wrap(view);
  if (result == NULL) return NULL;
  /* A[i] of a 1-dim array of numbers is a Python number (NumPy gives its scalar). */
  return plbpy_array_or_scalar(result);
}

PyObject* plbpy_array_sq_item(ArrayObject* self, Py_ssize_t index) {
  PyObject* key = PyLong_FromSsize_t(index);
  if (key == NULL) return NULL;
  PyObject* result = plbpy_array_subscript(self, key);
  Py_DECREF(key);
  return result;
}

/* Writes `value` into every element of `view`. */
static int assign(plb_array* view, PyObject* value) {
  plb_error* err = plbpy_error();
  plb_status status;
  if (value == Py_None) {
    status = plb_array_set_missing(view, err);
  } else if (PyUnicode_Check(value)) {
    Py_ssize_t length = 0;
    const char* text = PyUnicode_AsUTF8AndSize(value, &length);
    if (text == NULL) return -1;
    status = plb_array_set_string(view, text, (size_t)length, err);
  } else if (PyFloat_CheckExact(value)) {
    double number = PyFloat_AS_DOUBLE(value);
    status = plb_array_set(view, plbpy_float64, &number, PLB_CAST_OVERFLOW, err);
  } else {
    PyObject* source = plbpy_array_from_object(value, NULL);
    if (source == NULL) return -1;
    status = plb_array_assign(view, ((ArrayObject*)source)->array, PLB_CAST_OVERFLOW, err);
    Py_DECREF(source);
  }
  if (status != PLB_OK) {
    plbpy_raise(status, err);
    return -1;
  }
  return 0;
}

int plbpy_array_ass_subscript(ArrayObject* self, PyObject* key, PyObject* value) {
  if (value == NULL) {
    PyErr_SetString(PyExc_ValueError, "cannot delete array elements");
    return -1;
  }
  plb_array* view = select_view(self, key);
  if (view == NULL) return -1;
  int result = assign(view, value);
  plb_array_release(view);
  return result;
}
