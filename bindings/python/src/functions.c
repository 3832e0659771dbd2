/* functions.c: pluribus.Function, the registered functions as Python callables — a
 * vectorcall path that converts operands, reads axis/keepdims/out/initial/skipna and calls
 * plb_array_call or plb_array_reduce; operators reach it through plbpy_call_named. */
#include <string.h>

#include "call_cache.h"

#define PLBPY_MAX_OPERANDS 16
/* From this many elements a call runs without the GIL (below it, releasing and taking
 * the GIL back costs more than it frees). */
#define PLBPY_NOGIL_ELEMENTS 16384

static PyObject* functions_by_name = NULL; /* str -> Function, filled as they are asked for */

/* ----- creation ----- */

/* Whether a signature's parameter or result is "... * T": broadcast dims only. */
static bool only_broadcast_dims(const plb_type* type, int64_t ndim) {
  plb_kind kind = PLB_KIND_ANY;
  return ndim == 1 && plb_type_kind(type, &kind, NULL) == PLB_OK && kind == PLB_KIND_ELLIPSIS_DIM;
}

/* Reads the shape pattern of the first kernel's signature. A reduction has kernels
 * (... * N * T) -> ... * U: one input with one dim more than its output. An elementwise
 * function has (... * T, ...) -> ... * U: its result shape is the inputs' broadcast shape.
 * The C API gives the parameters of a signature; the result is read from the text after
 * the arrow. */
static int read_pattern(const plb_function* function, int64_t nin, int64_t nout, bool* reduction,
                        bool* elementwise) {
  *reduction = *elementwise = false;
  if (nout != 1 || nin < 1) return 0;
  plb_error* err = plbpy_error();
  plb_type* signature = NULL;
  plb_type* output = NULL;
  char* text = NULL;
  int64_t input_ndim = 0, output_ndim = 0;
  bool inputs_elementwise = true;
  plb_status status = plb_function_kernel_signature(function, 0, &signature, err);
  for (int64_t i = 0; status == PLB_OK && i < nin; ++i) {
    plb_type* input = NULL;
    int64_t ndim = 0;
    status = plb_type_field_type(signature, i, &input, err);
    if (status == PLB_OK) status = plb_type_ndim(input, &ndim, err);
    if (status == PLB_OK && !only_broadcast_dims(input, ndim)) inputs_elementwise = false;
    if (i == 0) input_ndim = ndim;
    plb_type_release(input);
  }
  if (status == PLB_OK) status = plb_type_to_string(signature, &text, err);
  const char* arrow = status == PLB_OK ? strstr(text, "-> ") : NULL;
  if (arrow != NULL) status = plb_type_parse(arrow + 3, PLB_NUL_TERMINATED, 0, &output, err);
  if (arrow != NULL && status == PLB_OK) status = plb_type_ndim(output, &output_ndim, err);
  if (status == PLB_OK && arrow != NULL) {
    *reduction = nin == 1 && input_ndim == output_ndim + 1;
    *elementwise = inputs_elementwise && only_broadcast_dims(output, output_ndim);
  }
  plb_string_free(text);
  plb_type_release(signature);
  plb_type_release(output);
  if (status != PLB_OK) {
    plbpy_raise(status, err);
    return -1;
  }
  return 0;
}

static PyObject* function_vectorcall(FunctionObject* self, PyObject* const* args, size_t nargsf,
                                     PyObject* kwnames);

static PyObject* make_function(const plb_function* function) {
  plb_error* err = plbpy_error();
  int64_t nin = 0, nout = 0;
  plb_status status = plb_function_nin(function, &nin, err);
  if (status == PLB_OK) status = plb_function_nout(function, &nout, err);
  if (status != PLB_OK) return plbpy_raise(status, err);
  bool reduction = false, elementwise = false;
  if (read_pattern(function, nin, nout, &reduction, &elementwise) < 0) return NULL;
  FunctionObject* self = PyObject_New(FunctionObject, &plbpy_FunctionType);
  if (self == NULL) return NULL;
  self->vectorcall = (vectorcallfunc)function_vectorcall;
  self->function = function;
  self->name = plb_function_name(function);
  self->nin = nin;
  self->nout = nout;
  self->reduction = reduction;
  self->core_reduction = false;
  self->elementwise = elementwise;
  return (PyObject*)self;
}

/* The Function for a registry entry, made once per name. */
static PyObject* function_object(const plb_function* function) {
  if (functions_by_name == NULL && (functions_by_name = PyDict_New()) == NULL) return NULL;
  PyObject* cached = PyDict_GetItemString(functions_by_name, plb_function_name(function));
  if (cached != NULL) return Py_NewRef(cached);
  PyObject* made = make_function(function);
  if (made != NULL &&
      PyDict_SetItemString(functions_by_name, plb_function_name(function), made) < 0)
    Py_CLEAR(made);
  return made;
}

PyObject* plbpy_function_lookup(PyObject* module, PyObject* name) {
  (void)module;
  const char* text = plbpy_utf8(name, NULL);
  if (text == NULL) return NULL;
  const plb_function* function = NULL;
  plb_status status = plb_function_lookup(text, &function, plbpy_error());
  return status == PLB_OK ? function_object(function) : plbpy_raise(status, plbpy_error());
}

PyObject* plbpy_function_list(PyObject* module, PyObject* unused) {
  (void)module;
  (void)unused;
  int64_t count = 0;
  plb_status status = plb_function_count(&count, plbpy_error());
  if (status != PLB_OK) return plbpy_raise(status, plbpy_error());
  PyObject* list = PyList_New((Py_ssize_t)count);
  for (int64_t i = 0; list != NULL && i < count; ++i) {
    const plb_function* function = NULL;
    status = plb_function_at(i, &function, plbpy_error());
    PyObject* item =
        status == PLB_OK ? function_object(function) : plbpy_raise(status, plbpy_error());
    if (item == NULL)
      Py_CLEAR(list);
    else
      PyList_SET_ITEM(list, (Py_ssize_t)i, item);
  }
  return list;
}

/* ----- calls ----- */

/* Keyword arguments of a call, as given (NULL: absent). */
typedef struct {
  PyObject* out;
  PyObject* axis;
  PyObject* keepdims;
  PyObject* initial;
  PyObject* max_threads;
  PyObject* skipna; /* ?T inputs: skip missing values (pandas' name), or propagate them */
} CallKeywords;

static int read_keywords(PyObject* const* values, PyObject* kwnames, CallKeywords* keywords) {
  memset(keywords, 0, sizeof *keywords);
  Py_ssize_t count = kwnames != NULL ? PyTuple_GET_SIZE(kwnames) : 0;
  for (Py_ssize_t i = 0; i < count; ++i) {
    const char* key = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, i));
    if (key == NULL) return -1;
    PyObject** slot = strcmp(key, "out") == 0           ? &keywords->out
                      : strcmp(key, "axis") == 0        ? &keywords->axis
                      : strcmp(key, "keepdims") == 0    ? &keywords->keepdims
                      : strcmp(key, "initial") == 0     ? &keywords->initial
                      : strcmp(key, "max_threads") == 0 ? &keywords->max_threads
                      : strcmp(key, "skipna") == 0      ? &keywords->skipna
                                                        : NULL;
    if (slot == NULL) {
      PyErr_Format(PyExc_TypeError, "unexpected keyword argument '%s'", key);
      return -1;
    }
    *slot = values[i];
  }
  return 0;
}

/* Operands as plb_array handles: Arrays are borrowed, other objects converted into
 * `owned` (released by the caller). */
typedef struct {
  Py_ssize_t count;
  plb_array* handles[PLBPY_MAX_OPERANDS];
  const plb_buffer* buffers[PLBPY_MAX_OPERANDS]; /* the Array objects' descriptions */
  PyObject* owned[PLBPY_MAX_OPERANDS];
  int64_t largest; /* elements of the largest operand */
} Operands;

static void operands_release(Operands* operands) {
  for (Py_ssize_t i = 0; i < operands->count; ++i) Py_XDECREF(operands->owned[i]);
  operands->count = 0;
}

static int operands_add(Operands* operands, PyObject* object) {
  if (operands->count == PLBPY_MAX_OPERANDS) {
    PyErr_SetString(PyExc_TypeError, "too many operands");
    return -1;
  }
  PyObject* owned = NULL;
  if (!Py_IS_TYPE(object, &plbpy_ArrayType)) {
    if ((owned = plbpy_array_from_object(object, NULL)) == NULL) return -1;
    object = owned;
  }
  const plb_buffer* buffer = &((ArrayObject*)object)->buffer;
  int64_t elements = 1;
  for (int32_t k = 0; k < buffer->ndim; ++k) elements *= buffer->shape[k];
  if (elements > operands->largest) operands->largest = elements;
  operands->owned[operands->count] = owned;
  operands->buffers[operands->count] = buffer;
  operands->handles[operands->count++] = ((ArrayObject*)object)->array;
  return 0;
}

/* skipna=: true when absent; *propagate is its negation (the C API's field). */
static int read_skipna(const CallKeywords* keywords, bool* propagate) {
  *propagate = false;
  if (keywords->skipna == NULL) return 0;
  int skip = PyObject_IsTrue(keywords->skipna);
  if (skip < 0) return -1;
  *propagate = !skip;
  return 0;
}

static int read_int32(PyObject* object, const char* what, int32_t* out) {
  long value = PyLong_AsLong(object);
  if (value == -1 && PyErr_Occurred()) return -1;
  if (value < INT32_MIN || value > INT32_MAX) {
    PyErr_Format(PyExc_OverflowError, "%s out of range", what);
    return -1;
  }
  *out = (int32_t)value;
  return 0;
}

static plb_status call_array(const char* name, int64_t nargs, plb_array* const* args,
                             const plb_array_call_options* options, plb_array** results,
                             int64_t* count, int64_t elements) {
  plb_error* err = plbpy_error();
  plb_status status;
  if (elements >= PLBPY_NOGIL_ELEMENTS) {
    Py_BEGIN_ALLOW_THREADS status =
        plb_array_call(name, nargs, args, options, PLBPY_MAX_OPERANDS, results, count, err);
    Py_END_ALLOW_THREADS
  } else {
    status = plb_array_call(name, nargs, args, options, PLBPY_MAX_OPERANDS, results, count, err);
  }
  return status;
}

/* A one-core-dim function over NumPy's reduction arguments: axis=None flattens first,
 * one axis becomes the core dim, keepdims puts an extent-1 dim back where it was. */
static PyObject* call_core_reduction(FunctionObject* self, plb_array* input, plb_array* out,
                                     const plb_reduce_options* reduce, int64_t elements) {
  plb_error* err = plbpy_error();
  plb_buffer buffer = {0};
  plb_status status = plb_array_buffer(input, &buffer, err);
  if (status != PLB_OK) return plbpy_raise(status, err);
  const int32_t ndim = buffer.ndim;
  if (reduce->axes != NULL && reduce->naxes != 1) {
    PyErr_Format(PyExc_TypeError, "%s() takes one axis or None", self->name);
    return NULL;
  }
  plb_array* operand = plb_array_retain(input);
  plb_array_call_options options = PLB_ARRAY_CALL_OPTIONS_INIT;
  options.has_axis = true;
  options.axis = -1;
  options.propagate_missing = reduce->propagate_missing;
  if (reduce->axes == NULL && ndim != 1) {
    int64_t flat = -1;
    plb_array_release(operand);
    operand = NULL;
    if ((status = plb_array_reshape(input, 1, &flat, &operand, err)) != PLB_OK)
      return plbpy_raise(status, err);
  } else if (reduce->axes != NULL) {
    options.axis = reduce->axes[0];
  }
  if (out != NULL && !reduce->keepdims) {
    options.nout = 1;
    options.out = &out;
  }
  plb_array* results[PLBPY_MAX_OPERANDS];
  int64_t count = 0;
  status = call_array(self->name, 1, &operand, &options, results, &count, elements);
  plb_array_release(operand);
  if (status != PLB_OK) return plbpy_raise(status, err);
  plb_array* result = results[0];
  if (reduce->keepdims && ndim > 0) {
    /* The reduced dim comes back with extent 1 (every dim, for axis=None). */
    int64_t shape[64];
    int32_t axis = options.axis < 0 ? options.axis + ndim : options.axis;
    for (int32_t k = 0; k < ndim; ++k)
      shape[k] = reduce->axes == NULL || k == axis ? 1 : buffer.shape[k];
    plb_array* kept = NULL;
    status = plb_array_reshape(result, ndim, shape, &kept, err);
    plb_array_release(result);
    if (status != PLB_OK) return plbpy_raise(status, err);
    result = kept;
    if (out != NULL) {
      status = plb_array_assign(out, result, PLB_CAST_OVERFLOW, err);
      plb_array_release(result);
      if (status != PLB_OK) return plbpy_raise(status, err);
      result = plb_array_retain(out);
    }
  }
  return plbpy_array_wrap(result);
}

static PyObject* call_reduction(FunctionObject* self, plb_array* input, plb_array* out,
                                const CallKeywords* keywords, int64_t elements) {
  plb_reduce_options options = PLB_REDUCE_OPTIONS_INIT;
  int32_t axes[64];
  if (keywords->axis != NULL && keywords->axis != Py_None) {
    options.axes = axes;
    if (PyTuple_Check(keywords->axis)) {
      Py_ssize_t n = PyTuple_GET_SIZE(keywords->axis);
      if (n > 64) {
        PyErr_SetString(PyExc_ValueError, "too many axes");
        return NULL;
      }
      for (Py_ssize_t i = 0; i < n; ++i)
        if (read_int32(PyTuple_GET_ITEM(keywords->axis, i), "axis", &axes[i]) < 0) return NULL;
      options.naxes = (int32_t)n;
    } else {
      if (read_int32(keywords->axis, "axis", &axes[0]) < 0) return NULL;
      options.naxes = 1;
    }
  }
  if (keywords->keepdims != NULL) {
    int keep = PyObject_IsTrue(keywords->keepdims);
    if (keep < 0) return NULL;
    options.keepdims = keep;
  }
  if (keywords->initial != NULL && keywords->initial != Py_None) {
    options.initial = PyFloat_AsDouble(keywords->initial);
    if (options.initial == -1.0 && PyErr_Occurred()) return NULL;
    options.has_initial = true;
  }
  if (read_skipna(keywords, &options.propagate_missing) < 0) return NULL;
  plb_error* err = plbpy_error();
  plb_array* result = NULL;
  plb_status status;
  if (self->core_reduction) return call_core_reduction(self, input, out, &options, elements);
  if (elements >= PLBPY_NOGIL_ELEMENTS) {
    Py_BEGIN_ALLOW_THREADS status =
        plb_array_reduce(self->name, input, &options, out, &result, err);
    Py_END_ALLOW_THREADS
  } else {
    status = plb_array_reduce(self->name, input, &options, out, &result, err);
  }
  if (status == PLB_TYPE_ERROR && strstr(plb_error_message(err), "not a reduction") != NULL) {
    /* argmax, argmin, ...: one core dim (... * N * T) -> ... * U, but gufuncs for the
     * library; from now on they take the core-dim path. */
    self->core_reduction = true;
    return call_core_reduction(self, input, out, &options, elements);
  }
  return status == PLB_OK ? plbpy_array_wrap(result) : plbpy_raise(status, err);
}

/* The call of a Function on positional operands `args` with outputs `out` (NULL, an
 * array-like or a tuple of them); `keywords` may be NULL. */
static PyObject* call_function(FunctionObject* self, Py_ssize_t nargs, PyObject* const* args,
                               PyObject* out, const CallKeywords* keywords) {
  static const CallKeywords none = {0};
  if (keywords == NULL) keywords = &none;
  int64_t nin = self->reduction ? 1 : self->nin;
  Py_ssize_t nouts_given =
      out != NULL && out != Py_None ? (PyTuple_Check(out) ? PyTuple_GET_SIZE(out) : 1) : 0;
  if (nargs == nin + self->nout && nouts_given == 0) { /* f(a, b, c): c is the output */
    nouts_given = self->nout;
    out = self->nout == 1 ? args[nin] : NULL;
    if (out == NULL) {
      PyErr_SetString(PyExc_TypeError, "pass several outputs as out=(...)");
      return NULL;
    }
    nargs = nin;
  }
  if (nargs != nin) {
    PyErr_Format(PyExc_TypeError, "%s() takes %lld positional operands (%zd given)", self->name,
                 (long long)nin, nargs);
    return NULL;
  }
  if (nouts_given != 0 && nouts_given != self->nout) {
    PyErr_Format(PyExc_TypeError, "%s() has %lld outputs, out= gives %zd", self->name,
                 (long long)self->nout, nouts_given);
    return NULL;
  }
  Operands operands; /* only count and largest need a start value */
  Operands outputs;
  operands.count = outputs.count = 0;
  operands.largest = outputs.largest = 0;
  for (Py_ssize_t i = 0; i < nargs; ++i)
    if (operands_add(&operands, args[i]) < 0) goto fail;
  for (Py_ssize_t i = 0; i < nouts_given; ++i)
    if (operands_add(&outputs, PyTuple_Check(out) ? PyTuple_GET_ITEM(out, i) : out) < 0) goto fail;

  PyObject* result = NULL;
  if (self->reduction) {
    result = call_reduction(self, operands.handles[0], nouts_given ? outputs.handles[0] : NULL,
                            keywords, operands.largest);
  } else {
    plb_array_call_options options = PLB_ARRAY_CALL_OPTIONS_INIT;
    if (keywords->axis != NULL && keywords->axis != Py_None) {
      if (read_int32(keywords->axis, "axis", &options.axis) < 0) goto fail;
      options.has_axis = true;
    }
    if (keywords->max_threads != NULL &&
        read_int32(keywords->max_threads, "max_threads", &options.max_threads) < 0)
      goto fail;
    if (keywords->keepdims != NULL) {
      PyErr_Format(PyExc_TypeError, "%s() is not a reduction: keepdims does not apply", self->name);
      goto fail;
    }
    if (read_skipna(keywords, &options.propagate_missing) < 0) goto fail;
    options.nout = nouts_given;
    options.out = outputs.handles;
    plb_array* results[PLBPY_MAX_OPERANDS];
    int64_t count = 0;
    plb_error* err = plbpy_error();
    plb_status status = PLB_NOT_IMPLEMENTED;
    plb_buffer described = {0};
    bool have_description = false;
    const bool plain_call = self->elementwise && nouts_given == 0 && !options.has_axis &&
                            options.max_threads == 0 && !options.propagate_missing;
    if (plain_call) { /* the short path: a learned result dtype, the cached function */
      status =
          plbpy_call_cached(self->function, nargs, operands.buffers,
                            operands.largest >= PLBPY_NOGIL_ELEMENTS, &results[0], &described, err);
      count = status == PLB_OK ? 1 : 0;
      have_description = status == PLB_OK;
    } else if (nouts_given != 0) { /* out= of plain dtypes: straight into their memory */
      plb_call_options call = PLB_CALL_OPTIONS_INIT;
      call.max_threads = options.max_threads;
      call.has_axis = options.has_axis;
      call.axis = options.axis;
      call.propagate_missing = options.propagate_missing;
      status =
          plbpy_call_into(self->function, nargs, operands.buffers, nouts_given, outputs.buffers,
                          &call, operands.largest >= PLBPY_NOGIL_ELEMENTS, err);
      for (count = 0; status == PLB_OK && count < nouts_given; ++count)
        results[count] = plb_array_retain(outputs.handles[count]);
    }
    if (status == PLB_NOT_IMPLEMENTED) {
      status = call_array(self->name, nargs, operands.handles, &options, results, &count,
                          operands.largest);
      plb_buffer general = {0};
      if (status == PLB_OK && plain_call && count == 1 &&
          plb_array_buffer(results[0], &general, NULL) == PLB_OK)
        plbpy_call_cache_learn(self->function, nargs, operands.buffers, general.dtype);
    }
    if (status != PLB_OK) {
      plbpy_raise(status, err);
      goto fail;
    }
    if (nouts_given != 0) {
      /* The results are new references to the out= handles: the caller's objects return. */
      for (int64_t i = 0; i < count; ++i) plb_array_release(results[i]);
      result = Py_NewRef(out);
    } else if (count == 1) {
      result = have_description ? plbpy_array_wrap_described(results[0], &described)
                                : plbpy_array_wrap(results[0]);
    } else if ((result = PyTuple_New((Py_ssize_t)count)) != NULL) {
      for (int64_t i = 0; i < count; ++i) {
        PyObject* item = plbpy_array_wrap(results[i]);
        if (item == NULL) {
          for (int64_t j = i + 1; j < count; ++j) plb_array_release(results[j]);
          Py_CLEAR(result);
          break;
        }
        PyTuple_SET_ITEM(result, (Py_ssize_t)i, item);
      }
    } else {
      for (int64_t i = 0; i < count; ++i) plb_array_release(results[i]);
    }
  }
  /* With out=, the caller's objects come back (a NumPy array stays a NumPy array). */
  if (result != NULL && nouts_given != 0 && result != out) {
    Py_DECREF(result);
    result = Py_NewRef(out);
  }
  operands_release(&operands);
  operands_release(&outputs);
  return result;
fail:
  operands_release(&operands);
  operands_release(&outputs);
  return NULL;
}

static PyObject* function_vectorcall(FunctionObject* self, PyObject* const* args, size_t nargsf,
                                     PyObject* kwnames) {
  Py_ssize_t nargs = PyVectorcall_NARGS(nargsf);
  if (kwnames == NULL) return call_function(self, nargs, args, NULL, NULL);
  CallKeywords keywords;
  if (read_keywords(args + nargs, kwnames, &keywords) < 0) return NULL;
  return call_function(self, nargs, args, keywords.out, &keywords);
}

/* Operators: a small table from the operator's name literal to its Function. */
PyObject* plbpy_call_named(const char* name, int nargs, PyObject* const* args, PyObject* out) {
  enum { SLOTS = 32 };
  static struct {
    const char* name;
    PyObject* function;
  } table[SLOTS];
  PyObject* function = NULL;
  int free_slot = -1;
  for (int i = 0; i < SLOTS && function == NULL; ++i) {
    if (table[i].name == name)
      function = table[i].function;
    else if (table[i].name == NULL && free_slot < 0)
      free_slot = i;
  }
  if (function == NULL) {
    PyObject* text = PyUnicode_FromString(name);
    if (text == NULL) return NULL;
    function = plbpy_function_lookup(NULL, text);
    Py_DECREF(text);
    if (function == NULL) return NULL;
    if (free_slot >= 0) {
      table[free_slot].name = name;
      table[free_slot].function = function; /* kept for the life of the process */
    }
  } else {
    Py_INCREF(function);
  }
  PyObject* result = call_function((FunctionObject*)function, nargs, args, out, NULL);
  Py_DECREF(function);
  if (result == NULL && PyErr_ExceptionMatches(PyExc_TypeError)) {
    /* An operand that is not array-like: let Python try the other operand's method. */
    for (int i = 0; i < nargs; ++i) {
      if (!PyObject_TypeCheck(args[i], &plbpy_ArrayType) && !PyNumber_Check(args[i]) &&
          !PyObject_CheckBuffer(args[i]) && !PyList_Check(args[i]) && !PyTuple_Check(args[i])) {
        PyErr_Clear();
        Py_RETURN_NOTIMPLEMENTED;
      }
    }
  }
  return result;
}

/* ----- the Python type ----- */

static void function_dealloc(FunctionObject* self) { PyObject_Free(self); }

static PyObject* function_repr(FunctionObject* self) {
  return PyUnicode_FromFormat("<pluribus.Function '%s'>", self->name);
}

static PyObject* function_name(FunctionObject* self, void* closure) {
  (void)closure;
  return PyUnicode_FromString(self->name);
}

static PyObject* function_signatures(FunctionObject* self, void* closure) {
  (void)closure;
  plb_error* err = plbpy_error();
  int64_t count = 0;
  plb_status status = plb_function_kernel_count(self->function, &count, err);
  if (status != PLB_OK) return plbpy_raise(status, err);
  PyObject* list = PyList_New((Py_ssize_t)count);
  for (int64_t i = 0; list != NULL && i < count; ++i) {
    plb_type* signature = NULL;
    status = plb_function_kernel_signature(self->function, i, &signature, err);
    PyObject* item = status == PLB_OK ? plbpy_type_wrap(signature) : plbpy_raise(status, err);
    if (item == NULL)
      Py_CLEAR(list);
    else
      PyList_SET_ITEM(list, (Py_ssize_t)i, item);
  }
  return list;
}

static PyObject* function_doc(FunctionObject* self, void* closure) {
  PyObject* signatures = function_signatures(self, closure);
  if (signatures == NULL) return NULL;
  PyObject* doc = PyUnicode_FromFormat(
      "%s(*operands, out=None, axis=None%s, max_threads=0)\n\nA Pluribus function with %zd "
      "kernel(s):\n",
      self->name, self->reduction ? ", keepdims=False, initial=None, skipna=True" : "",
      PyList_GET_SIZE(signatures));
  for (Py_ssize_t i = 0; doc != NULL && i < PyList_GET_SIZE(signatures); ++i) {
    PyObject* line = PyUnicode_FromFormat("    %S\n", PyList_GET_ITEM(signatures, i));
    PyObject* joined = line != NULL ? PyUnicode_Concat(doc, line) : NULL;
    Py_XDECREF(line);
    Py_SETREF(doc, joined);
  }
  Py_DECREF(signatures);
  return doc;
}

static PyObject* function_nin(FunctionObject* self, void* closure) {
  (void)closure;
  return PyLong_FromLongLong(self->nin);
}

static PyObject* function_nout(FunctionObject* self, void* closure) {
  (void)closure;
  return PyLong_FromLongLong(self->nout);
}

static PyObject* function_is_reduction(FunctionObject* self, void* closure) {
  (void)closure;
  return PyBool_FromLong(self->reduction);
}

static PyObject* function_is_elementwise(FunctionObject* self, void* closure) {
  (void)closure;
  return PyBool_FromLong(self->elementwise);
}

/* Pickled by name: the receiving process looks the function up in its own registry. */
static PyObject* function_reduce(FunctionObject* self, PyObject* unused) {
  (void)unused;
  PyObject* lookup = plbpy_import("pluribus._pluribus", "function");
  if (lookup == NULL) return NULL;
  return Py_BuildValue("N(s)", lookup, self->name);
}

static PyMethodDef function_methods[] = {
    {"__reduce__", (PyCFunction)function_reduce, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};

static PyGetSetDef function_getset[] = {
    {"__name__", (getter)function_name, NULL, NULL, NULL},
    {"__qualname__", (getter)function_name, NULL, NULL, NULL},
    {"__doc__", (getter)function_doc, NULL, NULL, NULL},
    {"signatures", (getter)function_signatures, NULL, "Kernel signatures in dispatch order.", NULL},
    {"nin", (getter)function_nin, NULL, "Number of inputs.", NULL},
    {"nout", (getter)function_nout, NULL, "Number of outputs.", NULL},
    {"is_reduction", (getter)function_is_reduction, NULL,
     "True for reductions (axis=, keepdims=, initial=).", NULL},
    {"is_elementwise", (getter)function_is_elementwise, NULL,
     "True when every kernel maps broadcast elements to elements (... * T -> ... * U).", NULL},
    {NULL, NULL, NULL, NULL, NULL}};

PyTypeObject plbpy_FunctionType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "pluribus.Function",
    .tp_basicsize = sizeof(FunctionObject),
    .tp_dealloc = (destructor)function_dealloc,
    .tp_repr = (reprfunc)function_repr,
    .tp_call = PyVectorcall_Call,
    .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_VECTORCALL,
    .tp_vectorcall_offset = offsetof(FunctionObject, vectorcall),
    .tp_methods = function_methods,
    .tp_getset = function_getset,
};
