// Type conversions to and from other type systems: PEP 3118 buffer formats, the Arrow C
// Data Interface, DLPack's DLDataType and NumPy dtype strings. Pure functions on types;
// every conversion without a mapping throws Error(not_implemented) naming the type.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "ndt/api.hpp"
#include "ndt/type.hpp"

namespace pluribus::ndt {

// ----- PEP 3118 buffer format strings ---------------------------------------------------
// Written in little-endian standard sizes ('<' before every multi-byte item, as ctypes
// writes them): "?", "b", "<i", "<q", "<d", "<Zd", "16s", "<5w" (fixed_string[5, 'utf32']),
// "c" (char['ascii']), "(2,3)<d" (C-contiguous fixed dims), records as
// "T{<i:x:4x<d:y:}" with explicit 'x' padding so every offset and the size are exactly ours
// (tuples: the same without names). Non-contiguous strides, options, var dims, strings and
// other types without a buffer format are not_implemented.
PLURIBUS_API std::string to_pep3118(const Type& t);
// Reads the formats NumPy, ctypes and the struct module write: byte order '@' (native sizes
// and C alignment, also implied trailing padding of T{}), '=' '<' '^' (standard sizes, no
// alignment); '>' and '!' (big-endian) are not_implemented. Items: ? b B h H i I l L q Q n N
// e f d Zf Zd c s w u x, shapes "(2,3)", repeat counts, T{...} with optional :names:
// (a T{} with no names is a tuple; unnamed members of a named T{} become f0, f1, ... as in
// NumPy). Several top-level items form a record as if inside T{}. Offsets the record layout
// cannot express with |align=|/|pack=|/align= are not_implemented; bad syntax is Error(parse).
PLURIBUS_API Type from_pep3118(std::string_view format);

// ----- Arrow C Data Interface -----------------------------------------------------------
// One node of an ArrowSchema tree: its format string, name, ARROW_FLAG_NULLABLE, children.
struct ArrowFormat {
  std::string format;
  std::string name;
  bool nullable = false;
  std::vector<ArrowFormat> children;
  bool operator==(const ArrowFormat&) const = default;
};
// Arrow is columnar, so layout attributes (strides, |align|, pack, fixed_bytes align) are
// not carried. Mapping: void n, bool b, int8..uint64 c C s S i I l L, float16/32/64 e f g,
// string u, bytes z, fixed_bytes[N] w:N, decimal[p,s] d:p,s, date tdD, time ttn (no tz),
// datetime tsn:<tz>, timedelta s/ms/us/ns tDs tDm tDu tDn, var * T +l (child "item"),
// N * T +w:N (child "item"), record +s (children named by the fields), tuple +s (children
// with empty names), union +ud:0,1,.. (children named by the members), ?T nullable.
PLURIBUS_API std::string to_arrow_format(const Type& t);  // the top-level format only
PLURIBUS_API ArrowFormat to_arrow_schema(const Type& t, std::string_view name = "");
// Also reads U (large string), Z (large binary), +L (large list), d:p,s,128, +us:...;
// other formats are not_implemented, malformed parameters Error(parse), a wrong number of
// children Error(value).
PLURIBUS_API Type from_arrow_schema(const ArrowFormat& schema);

// ----- DLPack ---------------------------------------------------------------------------
// Mirrors DLPack's DLDataType (dlpack.h, v1.0 numbering) without including dlpack.h.
enum DLDataTypeCode : uint8_t {
  kDLInt = 0,
  kDLUInt = 1,
  kDLFloat = 2,
  kDLOpaqueHandle = 3,
  kDLBfloat = 4,
  kDLComplex = 5,
  kDLBool = 6,
};
struct DLDataType {
  uint8_t code;
  uint8_t bits;
  uint16_t lanes;
  bool operator==(const DLDataType&) const = default;
};
// bool {6,8,1}, intN {0,N,1}, uintN {1,N,1} (N up to 128), float16/32/64 {2,N,1},
// bfloat16 {4,16,1}, complex64/128 {5,64|128,1}; lanes != 1 and other types not_implemented.
PLURIBUS_API DLDataType to_dlpack_dtype(const Type& t);
PLURIBUS_API Type from_dlpack_dtype(DLDataType dtype);

// ----- NumPy ----------------------------------------------------------------------------
// dtype.str spellings: "|b1", "|i1", "<i4", "<u8", "<f2", "<f8", "<c16", "|S16"
// (fixed_bytes[16], align 1), "<U5" (fixed_string[5, 'utf32']), "<m8[s]" (timedelta, any
// of our units), "<M8[ns]" (datetime without tz). Reading also accepts '=' (native, little
// here), '>' for one-byte items and "|V16" (as fixed_bytes[16]).
PLURIBUS_API std::string to_numpy_dtype_str(const Type& t);
PLURIBUS_API Type from_numpy_dtype_str(std::string_view str);
// A record's dtype.descr as Python prints it, padding included, e.g.
// "[('x', '<i4'), ('', '|V4'), ('y', '<f8')]"; np.dtype(eval(descr)) has our exact layout.
PLURIBUS_API std::string to_numpy_descr(const Type& record);

}  // namespace pluribus::ndt
