// JSON form of ndt::Type, both ways (the schema is documented below and in json.cpp).
#pragma once

#include <string>
#include <string_view>

#include "ndt/api.hpp"
#include "ndt/type.hpp"

namespace pluribus::ndt {

// Every type is one JSON object with a "kind" member; `kind` is kind_name() of the type's
// Kind ("int32", "float64", "string", "Any", "Int", "fixed_dim", "record", ...). Members by
// kind (output always writes every member listed; input may omit those marked optional,
// which then take the make_* defaults):
//
//   attribute-free primitives and kinds   {"kind": "int32"}
//   char                 {"kind":"char", "encoding":"utf32"}               (encoding optional)
//   fixed_string         {"kind":"fixed_string", "length":N, "encoding":"utf8"}
//   fixed_bytes          {"kind":"fixed_bytes", "size":N, "align":A}       (align optional)
//   bytes                {"kind":"bytes", "target_align":A}                (optional)
//   categorical          {"kind":"categorical", "values":[V, ...]} where V is null (NA),
//                        an integer (int64), a number with a fraction or exponent (double),
//                        a string, or {"double":"nan"|"inf"|"-inf"} for non-finite doubles
//   decimal              {"kind":"decimal", "precision":P, "scale":S}      (scale optional)
//   time, datetime       {"kind":"datetime", "tz":"UTC"}                   (tz optional, "")
//   timedelta            {"kind":"timedelta", "unit":"ns"}                 (unit optional, us)
//   option, pointer      {"kind":"option", "type":T}
//   nominal              {"kind":"nominal", "name":"x", "definition":T}    (definition
//                        optional; when present it must equal the registered definition)
//   constructor          {"kind":"constructor", "name":"Name", "type":T}
//   typevar              {"kind":"typevar", "name":"T"}
//   fixed_dim            {"kind":"fixed_dim", "shape":N, "stride":S, "type":T}  (stride only
//                        for a concrete element; optional: C-contiguous)
//   var_dim, any_fixed_dim          {"kind":"var_dim", "type":T}
//   symbolic_dim, ellipsis_dim      {"kind":"symbolic_dim", "name":"N", "type":T}
//   dim_power            {"kind":"dim_power", "base":D, "exponent":"N", "type":T}
//                        (D: a one-dim type over void, e.g. {"kind":"any_fixed_dim",...})
//   record, tuple        {"kind":"record", "fields":[F, ...], "variadic":false,
//                         "align":A, "size":S}
//                        F = {"name":"x", "type":T, "align":A, "offset":O} (no "name" in
//                        tuples). Concrete: F.align is the field's effective alignment (above
//                        the natural one = |align=A|, below = |pack=A|), record "align" is the
//                        record's alignment (above every field's = align=A). "offset" and
//                        "size" are written for checking and verified when read. Abstract:
//                        F.align / F.pack are the requested |align=|/|pack=|, record
//                        "align" / "pack" the requested align=/pack=; no offsets or size.
//                        Input also accepts F.pack and record "pack" for concrete records.
//   union                {"kind":"union", "members":[{"name":"a", "type":T}, ...]}
//   function             {"kind":"function", "positional":[T, ...],
//                         "keywords":[{"name":"k", "type":T}, ...], "outputs":[T, ...],
//                         "variadic":false, "kw_variadic":false}  (lists and flags optional)
//
// from_json(to_json(t)) == t for every type. Errors: malformed JSON text throws
// Error(parse) naming the byte offset; a wrong structure throws Error(value) whose message
// starts with the JSON pointer of the offending member (e.g. "/fields/2/type"); an unknown
// nominal name throws Error(lookup), also with the pointer.
PLURIBUS_API std::string to_json(const Type& t);
PLURIBUS_API Type from_json(std::string_view text);

}  // namespace pluribus::ndt
