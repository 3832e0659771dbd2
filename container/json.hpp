// JSON text <-> nd::Array: a streaming (SAX) reader into a given or discovered datashape,
// type discovery, and a writer.
//
//   auto a = nd::from_json(R"([{"id": 1, "name": "a", "score": null}])",
//                          ndt::parse("var * {id: int64, name: string, score: ?float64}"));
//   auto b = nd::from_json("[[1, 2], [3]]");          // 2 * var * int64
//   std::string text = nd::to_json(b);                 // "[[1,2],[3]]"
//
// READING (from_json with a type). The type must be concrete. JSON values map to types as:
//   record {a: T, ...}   an object; keys by field name in any order. A missing key is an error
//                        unless the field is ?T (then it is missing); an unknown or a repeated
//                        key is an error.
//   tuple (T, U, ...)    an array with exactly one element per member.
//   ?T                   null is missing (the value bytes stay zero); anything else is a T.
//                        null into a non-option type is an error.
//   N * T                an array of exactly N elements.
//   var * T              an array of any length (ragged).
//   bool                 true / false only (no numbers).
//   int8 .. uint64       an integer written without fraction or exponent, range-checked.
//                        A number written with a fraction or exponent (1.5, 1e3, even 1.0) is
//                        an error: its value went through a double and may already be rounded,
//                        so accepting it could store silently wrong integers.
//   float16 .. float64   any number, rounded to nearest (integers above 2^53 round, as in every
//                        JSON reader); a finite number that overflows the type is an error.
//   complex64/128        [re, im] (two numbers) or a plain number (imaginary part 0).
//   string               a string (UTF-8, validated by the parser); bytes live in the array's
//                        Memory.
//   fixed_string[N]      a string of at most N code units (ascii: bytes < 0x80; utf8: bytes;
//                        utf32: code points), zero-padded.
//   typedefs and Name[T] read as their definition / T.
// Other types (bytes, categorical, date, json, ...) are refused with Error(type) before parsing.
// Leading fixed dims become the array's shape; a leading var dim gives a 0-dim array whose
// dtype is `var * ...` (index it with an integer to view the elements).
//
// ERRORS. Malformed JSON text throws ParseError (code parse) with line, column and a caret.
// A value that does not fit throws Error(value) whose message starts with the JSON path of the
// value and says what was expected, e.g. `$[3].amount: expected float64, got "abc"` or
// `$[1]: expected 3 elements (3 * int64), got 2`. An unsupported type throws Error(type).
// The text streams through once, so the first problem in text order is the one reported: a
// value that does not fit is reported even when malformed text follows it.
//
// DISCOVERY (discover_json): the type that holds the text exactly, by these rules, applied to
// all values found at the same position (e.g. every element of a list):
//   integers -> int64 (uint64 when some exceed int64 and none is negative; error when both);
//   any float among numbers -> float64; true/false -> bool; strings -> string;
//   null alongside values of type T -> ?T; only nulls -> ?float64 (like a pandas NaN column);
//   lists -> a fixed dim when every list there has the same length, else var; the top level is
//     always fixed (one list); the elements of all the lists there unify as one position;
//   no element at all (only empty lists) -> float64 elements, like NumPy's np.array([]);
//   objects -> a record with every key seen there, in first-seen order; a key absent from some
//     of the objects (or null in some) makes that field ?T;
//   a scalar at the top level -> a 0-dim array.
// Mixing kinds at one position is ambiguous and an error naming the path: bool with numbers,
// strings with numbers, lists with scalars, objects with lists, a negative integer with one
// above int64.
//
// WRITING (to_json): compact JSON (no spaces). Records are objects, tuples, dims and complex
// numbers ([re, im]) are arrays, missing values are null, strings are escaped (control
// characters as \u00XX; other UTF-8 is written as is and validated). Floats use the shortest
// text that reads back to the same value, with ".0" added to integral values so that they
// read back as floats (1.0, not 1). NaN and infinities have no JSON form: they throw
// Error(value) naming the path. Types the reader refuses are refused here too (Error(type)).
// For every canonical text s of a supported type, to_json(from_json(s, t)) == s.
#pragma once

#include <string>
#include <string_view>

#include "container/array.hpp"
#include "ndt/api.hpp"
#include "ndt/type.hpp"

namespace pluribus::nd {

// JSON text into a new array of the concrete type `type` (see READING above).
PLURIBUS_API Array from_json(std::string_view text, const ndt::Type& type);
// JSON text into a new array of the type discover_json finds.
PLURIBUS_API Array from_json(std::string_view text);
// The type of JSON text (see DISCOVERY above); streams the text once.
PLURIBUS_API ndt::Type discover_json(std::string_view text);
// A JSON file into a new array of `type`; the file is mapped, not copied, and read like
// from_json. A file that cannot be opened throws Error(invalid_argument) naming it.
PLURIBUS_API Array from_json_file(const std::string& path, const ndt::Type& type);
// Any array as JSON text (see WRITING above).
PLURIBUS_API std::string to_json(const Array& a);

}  // namespace pluribus::nd
