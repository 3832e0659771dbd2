// ndt::Type: an immutable, hash-consed datashape type with an exact memory layout.
//
// Equal types share one node, so equality is a pointer compare and the hash is
// stored. Nodes are reference counted; primitives are immortal static singletons.
// Types are safe to share and copy across threads.
#pragma once

#include <atomic>
#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "ndt/api.hpp"
#include "ndt/error.hpp"

namespace pluribus::ndt {

// The order inside each group is part of the C ABI (plb_kind mirrors it): append only.
enum class Kind : uint8_t {
  // Abstract element kinds (patterns).
  Any,          // any type, dims included
  Scalar,       // any scalar (no dims)
  Integer,      // any signed or unsigned integer
  Signed,       // int8..int128
  Unsigned,     // uint8..uint128
  Float,        // float16, bfloat16, float32, float64
  Complex,      // complex64, complex128
  FixedStringKind,
  FixedBytesKind,
  // Primitive scalars.
  Void,
  Bool,
  Int8,
  Int16,
  Int32,
  Int64,
  Int128,
  UInt8,
  UInt16,
  UInt32,
  UInt64,
  UInt128,
  Float16,
  BFloat16,
  Float32,
  Float64,
  Complex64,
  Complex128,
  // Other scalars.
  Char,         // one code point in an encoding
  String,       // UTF-8, variable length: {const char* data; int64 size}
  Bytes,        // variable length: {const uint8* data; int64 size}
  FixedString,  // N code points in an encoding
  FixedBytes,   // N bytes with an alignment
  Categorical,  // int64 index into a value list
  Decimal,      // decimal128: precision <= 38
  Date,         // int32 days since 1970-01-01
  Time,         // int64 nanoseconds since midnight
  DateTime,     // int64 nanoseconds since the epoch
  TimeDelta,    // int64 count of a unit
  Json,         // UTF-8 JSON text, stored like string
  TypeType,     // a value that is a type (a node pointer)
  // Wrappers.
  Option,       // ?T: T followed by a validity byte
  Pointer,      // pointer[T]: a pointer to T
  Nominal,      // a registered typedef: layout of its definition, compares by name
  Constructor,  // Name[T]: a user-named wrapper with T's layout
  // Dimensions (each has an element type: child()).
  FixedDim,     // N * T, with a byte stride
  VarDim,       // var * T: {T* data; int64 size} per element, C compatible
  SymbolicDim,  // N * T, N a dim variable
  AnyFixedDim,  // Fixed * T: any fixed dim
  EllipsisDim,  // ... * T or Name... * T
  DimPower,     // D**N * T: a dim repeated N times, N a dim variable
  // Compound.
  Tuple,
  Record,
  Union,        // tagged union: uint8 tag, then the payload
  Function,
  Typevar,      // T: a type variable
};

enum class Encoding : uint8_t { ascii, utf8, utf16, utf32, ucs2 };

class Type;
namespace detail {
struct Node;
PLURIBUS_API void retain(const Node* node) noexcept;
PLURIBUS_API void release(const Node* node) noexcept;
}  // namespace detail

// An immutable type handle. A default-constructed Type is empty (no type);
// every function of this library that returns a Type returns a non-empty one.
class PLURIBUS_API Type {
 public:
  // Empty handles (most of those a parse destroys) need no call to count.
  Type() noexcept = default;
  Type(const Type& other) noexcept : node_(other.node_) {
    if (node_) detail::retain(node_);
  }
  Type(Type&& other) noexcept : node_(other.node_) { other.node_ = nullptr; }
  Type& operator=(const Type& other) noexcept {
    if (other.node_) detail::retain(other.node_);
    if (node_) detail::release(node_);
    node_ = other.node_;
    return *this;
  }
  Type& operator=(Type&& other) noexcept {
    if (this != &other) {
      if (node_) detail::release(node_);
      node_ = other.node_;
      other.node_ = nullptr;
    }
    return *this;
  }
  ~Type() {
    if (node_) detail::release(node_);
  }

  explicit operator bool() const noexcept { return node_ != nullptr; }
  bool operator==(const Type& other) const noexcept { return node_ == other.node_; }
  std::size_t hash() const noexcept;

  Kind kind() const noexcept;
  // True when the type has an exact layout (no variables, kinds or ellipses).
  bool is_concrete() const noexcept;
  bool is_dim() const noexcept;       // FixedDim .. DimPower
  bool is_scalar() const noexcept;    // Void .. TypeType
  bool is_integer() const noexcept;   // Int8 .. UInt128
  bool is_signed() const noexcept;    // Int8 .. Int128
  bool is_unsigned() const noexcept;  // UInt8 .. UInt128
  bool is_float() const noexcept;     // Float16 .. Float64
  bool is_complex() const noexcept;   // Complex64, Complex128
  bool has_var_dim() const noexcept;  // a var dim anywhere inside
  bool has_ellipsis() const noexcept;

  // Layout: exact for concrete types; throws Error(type) for abstract ones.
  int64_t size() const;
  int64_t align() const;

  // Number of leading dimensions (fixed, var, symbolic, ...; an ellipsis counts 1).
  int ndim() const noexcept;
  // The element type below all leading dimensions.
  Type dtype() const;
  // The element/target type of a dim, option, pointer, nominal or constructor.
  const Type& child() const;
  // FixedDim: the extent and byte stride; FixedString: code points; FixedBytes: bytes.
  int64_t shape() const;
  int64_t stride() const;
  // Fixed-dim extents of the leading dims (-1 for var/symbolic ones).
  std::vector<int64_t> shape_vector() const;
  // Byte strides of the leading fixed dims (0 for a var dim).
  std::vector<int64_t> strides() const;

  // Name of a typevar, symbolic dim, named ellipsis, nominal or constructor.
  const std::string& name() const;
  Encoding encoding() const;  // Char, FixedString

  struct Field;
  // Record/Tuple/Union members; Function: positional then keyword parameters.
  std::span<const Field> fields() const;
  // Index of a record field by name, or -1.
  int64_t field_index(std::string_view name) const noexcept;
  const Field& field(std::string_view name) const;  // throws Error(index)
  bool variadic() const noexcept;                   // (T, ...) / {a: T, ...}

  // Function signatures.
  int64_t npositional() const;          // leading unnamed parameters
  bool kw_variadic() const noexcept;    // (..., name: T, ...)
  std::span<const Type> outputs() const;

  // Scalar attributes.
  int64_t precision() const;                  // Decimal
  int64_t scale() const;                      // Decimal
  const std::string& unit() const;            // TimeDelta (canonical: 'Y' .. 'ns')
  const std::string& timezone() const;        // Time, DateTime ('' when none)
  int64_t target_align() const;               // Bytes: alignment of the referenced data

  struct CategoricalValue;
  std::span<const CategoricalValue> categories() const;

  // The canonical datashape spelling (square-bracket dialect).
  std::string str() const;
  std::string repr() const;  // ndt.type("...")

  const detail::Node* node() const noexcept { return node_; }
  // Adopts one reference (used by the constructors in construct.cpp).
  static Type adopt(const detail::Node* node) noexcept {
    Type t;
    t.node_ = node;
    return t;
  }

 private:
  const detail::Node* node_ = nullptr;
};

struct Type::Field {
  std::string name;   // empty for tuple members and positional parameters
  Type type;
  int64_t offset = 0;  // byte offset in the record (tuple, record, union payload)
  int64_t align = 0;   // effective alignment after align=/pack= (0 when abstract)
};

struct Type::CategoricalValue {
  struct NA {
    bool operator==(const NA&) const = default;
  };
  std::variant<NA, int64_t, double, std::string> value;
  bool operator==(const CategoricalValue&) const = default;
};

PLURIBUS_API std::ostream& operator<<(std::ostream& os, const Type& t);

// ----- the primitive singletons -------------------------------------------------------
PLURIBUS_API Type primitive(Kind kind);  // Void..Complex128, String, Bytes, Date, Json, TypeType, kinds
inline const Type void_ = primitive(Kind::Void);
inline const Type bool_ = primitive(Kind::Bool);
inline const Type int8 = primitive(Kind::Int8);
inline const Type int16 = primitive(Kind::Int16);
inline const Type int32 = primitive(Kind::Int32);
inline const Type int64 = primitive(Kind::Int64);
inline const Type uint8 = primitive(Kind::UInt8);
inline const Type uint16 = primitive(Kind::UInt16);
inline const Type uint32 = primitive(Kind::UInt32);
inline const Type uint64 = primitive(Kind::UInt64);
inline const Type float16 = primitive(Kind::Float16);
inline const Type bfloat16 = primitive(Kind::BFloat16);
inline const Type float32 = primitive(Kind::Float32);
inline const Type float64 = primitive(Kind::Float64);
inline const Type complex64 = primitive(Kind::Complex64);
inline const Type complex128 = primitive(Kind::Complex128);
inline const Type string = primitive(Kind::String);
inline const Type bytes = primitive(Kind::Bytes);
inline const Type any = primitive(Kind::Any);

// ----- constructors (all validate and overflow-check; throw Error) -------------------
struct FieldSpec {
  std::string name;
  Type type;
  int64_t align = 0;  // |align=N|: raise this field's alignment to N (0: none)
  int64_t pack = 0;   // |pack=N|: lower this field's alignment to N (0: none)
};
struct RecordOptions {
  int64_t align = 0;  // align=N: minimum alignment of the whole record
  int64_t pack = 0;   // pack=N: cap every field's alignment at N
  bool variadic = false;
};

PLURIBUS_API Type make_fixed_dim(int64_t shape, const Type& element);  // C-contiguous stride
PLURIBUS_API Type make_fixed_dim(int64_t shape, const Type& element, int64_t stride);
PLURIBUS_API Type make_var_dim(const Type& element);
PLURIBUS_API Type make_symbolic_dim(std::string_view name, const Type& element);
PLURIBUS_API Type make_any_fixed_dim(const Type& element);
PLURIBUS_API Type make_ellipsis_dim(std::string_view name, const Type& element);  // name may be ""
// base: a one-dim type over void whose dim is repeated (e.g. make_any_fixed_dim(void_)).
PLURIBUS_API Type make_dim_power(const Type& base, std::string_view exponent, const Type& element);
// Re-lays the leading run of fixed dims in Fortran (column-major) order.
PLURIBUS_API Type make_fortran(const Type& t);
PLURIBUS_API Type make_option(const Type& t);
PLURIBUS_API Type make_pointer(const Type& t);
PLURIBUS_API Type make_constructor(std::string_view name, const Type& t);
PLURIBUS_API Type make_typevar(std::string_view name);
PLURIBUS_API Type make_char(Encoding enc = Encoding::utf32);
PLURIBUS_API Type make_fixed_string(int64_t length, Encoding enc = Encoding::utf8);
PLURIBUS_API Type make_fixed_bytes(int64_t size, int64_t align = 1);
PLURIBUS_API Type make_bytes(int64_t target_align = 1);
PLURIBUS_API Type make_categorical(std::vector<Type::CategoricalValue> values);
PLURIBUS_API Type make_decimal(int64_t precision, int64_t scale = 0);
PLURIBUS_API Type make_date();
PLURIBUS_API Type make_time(std::string_view tz = "");
PLURIBUS_API Type make_datetime(std::string_view tz = "");
PLURIBUS_API Type make_timedelta(std::string_view unit = "us");
PLURIBUS_API Type make_tuple(std::vector<FieldSpec> members, const RecordOptions& options = {});
PLURIBUS_API Type make_record(std::vector<FieldSpec> fields, const RecordOptions& options = {});
PLURIBUS_API Type make_union(std::vector<std::pair<std::string, Type>> members);
PLURIBUS_API Type make_function(std::vector<Type> positional, std::vector<std::pair<std::string, Type>> keywords,
                   std::vector<Type> outputs, bool variadic = false, bool kw_variadic = false);

// ----- typedef registry (process-wide, thread-safe) ----------------------------------
// Registers `name` (a lower-case identifier) as a nominal type with the layout of
// `definition`. Redefining a name with a different definition is an error.
PLURIBUS_API Type define_typedef(std::string_view name, const Type& definition);
PLURIBUS_API Type make_nominal(std::string_view name);  // throws Error(lookup) for unknown names
PLURIBUS_API bool is_typedef(std::string_view name);

// ----- parsing and printing -----------------------------------------------------------
struct ParseOptions {
  // Reject every abstract type (type variables, kinds, symbolic dims): the place where a
  // concrete type is required. A typevar that looks like a misspelt type is named.
  bool require_concrete = false;
};
PLURIBUS_API Type parse(std::string_view datashape, const ParseOptions& options = {});

PLURIBUS_API std::string_view kind_name(Kind kind) noexcept;
PLURIBUS_API std::string_view encoding_name(Encoding enc) noexcept;

}  // namespace pluribus::ndt

template <>
struct std::hash<pluribus::ndt::Type> {
  std::size_t operator()(const pluribus::ndt::Type& t) const noexcept { return t.hash(); }
};
