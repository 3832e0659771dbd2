// Exchange of nd::Array with Arrow through the C Data Interface (container/arrow_abi.h):
// columns out with as few copies as the layouts allow, and zero-copy import where they agree.
#pragma once

#include "container/array.hpp"
#include "container/arrow_abi.h"
#include "ndt/api.hpp"

namespace pluribus::nd {

// ----- export ---------------------------------------------------------------------------
// Writes `a` as one Arrow column: the first dim is the Arrow length and each row is the rest
// of the type (a 0-dim `var * T` array exports its elements as a column of T; any other
// 0-dim array is Error(value)). The schema is ndt::to_arrow_schema of the row type, with an
// empty top-level name.
//   primitives (ints, floats, date/time, decimal, fixed_bytes): the values buffer is the
//     array's own data when the rows are contiguous (no copy), else one gathered copy;
//   bool: a bit-packed copy;  ?T: a validity bitmap, then T's layout;
//   N * T (inner fixed dims): fixed-size list +w:N;  var * T: list +l with int32 offsets;
//   string / bytes: u / z with int32 offsets and the bytes copied once;
//   records and tuples: struct +s, one column per field.
// Every struct written (out_* and all children) has its own release callback, which
// releases its children and sets release to NULL; a child moved out stays valid on its own.
// The exported buffers keep a copy of the Array, so its memory outlives `a` as needed.
// Throws before writing anything: Error(not_implemented) for types without an Arrow layout
// here (unions, categorical, int128, complex, ...), Error(overflow) for more than 2^31-1
// list values or string bytes in one column, Error(invalid_argument) for NULL outputs.
PLURIBUS_API void to_arrow(const Array& a, ArrowSchema* out_schema, ArrowArray* out_array);

// ----- import ---------------------------------------------------------------------------
// An `N * T` array (N = array->length, T = ndt::from_arrow_schema of the schema, nullable
// fields as ?T) over the Arrow data. On success both structs are moved into the result (the
// caller's get release = NULL) and their release callbacks run exactly once, when the last
// view of the result goes away. The result is read-only (Arrow data is immutable; copy() for
// a writable array).
// Zero-copy where the layouts agree: a primitive column is the Arrow values buffer (offset
// honoured); string elements point into Arrow's data buffer; var elements of a list of
// primitives point into the child's values. Bool bitmaps, validity (?T: the value, then a
// validity byte, value bytes zeroed when missing), structs (row-major records) and other
// nesting are copied once into memory owned by the result.
// On error nothing is moved: the caller still owns (and releases) both structs.
// Errors: Error(invalid_argument) for NULL or released structs; Error(not_implemented) for
// dictionary-encoded columns, unions and formats without an ndt type; Error(value) for
// malformed data (wrong buffer or child counts, offsets out of range, nulls in a column whose
// schema is not nullable); Error(parse) for a malformed format string.
PLURIBUS_API Array from_arrow(ArrowSchema* schema, ArrowArray* array);

}  // namespace pluribus::nd
