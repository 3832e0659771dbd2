// Printing nd::Array like NumPy 1.24: repr() (`array([...], type='...')`), to_string()
// (NumPy's str()) and operator<<.
//
//   repr(a)       array([[1, 2, 3],
//                        [4, 5, 6]], type='2 * 3 * int64')
//   to_string(a)  [[1 2 3]
//                  [4 5 6]]
//
// The layout is NumPy's: one bracket per dim, rows of the last dim wrapped at `linewidth`,
// blank lines between blocks of higher dims, and `...` in place of the middle of every
// dim longer than 2 * edgeitems once the array holds more than `threshold` elements.
// Elements share one format across everything printed, as in NumPy: integers right-aligned
// to a common width; floats with a common number of fraction digits (the shortest digits
// that identify each value, at most `precision` after the point), in scientific notation
// when NumPy would choose it (a value >= 1e8, one < 1e-4, or a max/min ratio > 1000);
// complex numbers as `1.+2.j`; bools ` True`/`False`.
//
// Beyond NumPy's dtypes:
//   - `var` dims (ragged data) and fixed dims inside the dtype continue the nesting, each
//     list with its own length: `array([[1, 2], [3]], type='2 * var * int64')` wraps like
//     a 2-dim array; a 0-dim array whose dtype starts with `var` prints its elements.
//   - missing values (?T) print `NA`, aligned like the values around them.
//   - records print as `{x: 1, y: 2.5}` (datashape's spelling, not NumPy's tuple), tuples
//     as `(1, 2.5)`; each field has its own common format across the array, as NumPy
//     formats each field of a structured array. Dims inside a record print inline.
//   - strings print quoted with escapes ('it\'s'), bytes as b'..', like NumPy's elements.
// The threshold counts every element printed at a leaf, ragged ones included.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>

#include "container/array.hpp"
#include "ndt/api.hpp"

namespace pluribus::nd {

// NumPy's print options (np.set_printoptions) that apply here.
struct PrintOptions {
  int64_t threshold = 1000;  // summarise when more elements than this
  int64_t edgeitems = 3;     // elements kept at each end of a summarised dim
  int precision = 8;         // at most this many fraction digits (mantissa digits in scientific)
  int64_t linewidth = 75;    // wrap rows at this many characters
};

// NumPy's repr(): `array([1, 2, 3], type='3 * int64')`. The type is always shown. An empty
// handle prints `array(None)`.
PLURIBUS_API std::string repr(const Array& a, const PrintOptions& options = {});

// NumPy's str(): `[1 2 3]`; a 0-dim array prints its value as NumPy's scalar str() does
// (`2.5`, `True`, strings unquoted).
PLURIBUS_API std::string to_string(const Array& a, const PrintOptions& options = {});

// Writes repr(a).
PLURIBUS_API std::ostream& operator<<(std::ostream& os, const Array& a);

}  // namespace pluribus::nd
