// nd::Array: typed memory with a shape, owned or borrowed, and the views that share it.
//
//   auto a = nd::Array::zeros(ndt::parse("3 * 4 * float64"));
//   auto row = a(1);                           // a view: 4 * float64
//   auto col = a(nd::all, 2);                  // a strided view
//   auto b = a + nd::Array::scalar(1.5);       // through gfunc
//   auto r = nd::Array{{1, 2}, {3}};           // 2 * var * int64
//
// An Array is a handle: copying it shares the memory (like a NumPy array object), and
// `copy()` makes an independent deep copy. The leading fixed dims are arrmeta (shape and
// byte strides, possibly negative or zero), so slices, transposes and broadcasts are
// views. Everything below them is the dtype, which may start with `var` dims: each ragged
// element, like each string, is a {pointer, size} pair in the data, so every element stays
// addressable on its own and strided or reversed views of ragged data work.
#pragma once

#include <array>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>
#include <vector>

#include "container/memory.hpp"
#include "gfunc/buffer.hpp"
#include "gfunc/cast.hpp"
#include "ndt/api.hpp"
#include "ndt/type.hpp"

namespace pluribus::nd {

// ----- indices ------------------------------------------------------------------------
// A Python-style slice: start:stop:step, each bound optional, steps may be negative.
struct Slice {
  std::optional<int64_t> start, stop;
  int64_t step = 1;
};
inline Slice slice(std::optional<int64_t> start, std::optional<int64_t> stop, int64_t step = 1) {
  return {start, stop, step};
}
inline const Slice all{};  // ":"
struct Ellipsis {};
inline constexpr Ellipsis ellipsis{};  // "..."
struct NewAxis {};
inline constexpr NewAxis newaxis{};  // "None" / np.newaxis

// One index: an integer (negative counts from the end), a slice, an ellipsis, a new axis,
// or a record field name.
class Index {
 public:
  Index(int64_t i) : value_(i) {}
  Index(int i) : value_(static_cast<int64_t>(i)) {}
  Index(Slice s) : value_(s) {}
  Index(Ellipsis e) : value_(e) {}
  Index(NewAxis n) : value_(n) {}
  Index(std::string_view field) : value_(std::string(field)) {}
  Index(const char* field) : value_(std::string(field)) {}
  const auto& value() const noexcept { return value_; }

 private:
  std::variant<int64_t, Slice, Ellipsis, NewAxis, std::string> value_;
};

// ----- nested values (initializer lists) ------------------------------------------------
// A nested literal: nd::Array{{1, 2.5}, {3}} or nd::Array{{"a", nullptr}}. Integers and
// floats promote like JSON numbers; nullptr is a missing value; lists of unequal length
// give a var dim.
class PLURIBUS_API Nested {
 public:
  Nested(std::nullptr_t) : value_(Null{}) {}
  Nested(bool b) : value_(b) {}
  Nested(int i) : value_(static_cast<int64_t>(i)) {}
  Nested(long i) : value_(static_cast<int64_t>(i)) {}
  Nested(long long i) : value_(static_cast<int64_t>(i)) {}
  Nested(double d) : value_(d) {}
  Nested(const char* s) : value_(std::string(s)) {}
  Nested(std::string s) : value_(std::move(s)) {}
  Nested(std::initializer_list<Nested> items) : value_(std::vector<Nested>(items)) {}
  // The JSON text of this value (strings escaped), used to build arrays through the JSON reader.
  std::string json() const;

 private:
  struct Null {};
  std::variant<Null, bool, int64_t, double, std::string, std::vector<Nested>> value_;
};

// How much the other operand of a binary operation may be: an array or a scalar.
class Array;

// ----- the array ----------------------------------------------------------------------
class PLURIBUS_API Array {
 public:
  // An empty handle (no array); every other constructor and factory gives a real array.
  Array() noexcept = default;
  // From a nested literal; the type is discovered like JSON's (see discover_json).
  Array(std::initializer_list<Nested> items);

  // --- construction ---
  // Uninitialised numbers; strings, bytes, var dims and ?T start empty/missing (zeroed), so
  // every element is valid to read and to free.
  static Array empty(const ndt::Type& type);
  static Array zeros(const ndt::Type& type);
  static Array ones(const ndt::Type& type);
  // Every element is `value` cast (checked: overflow | fractional) to the dtype.
  static Array full(const ndt::Type& type, const Array& value);
  // [start, stop) by step, like np.arange; the dtype is int64 unless given.
  static Array arange(int64_t start, int64_t stop, int64_t step = 1, const ndt::Type& dtype = ndt::int64);
  static Array arange(int start, int stop, int step = 1, const ndt::Type& dtype = ndt::int64) {
    return arange(int64_t{start}, int64_t{stop}, int64_t{step}, dtype);
  }
  static Array arange(double start, double stop, double step, const ndt::Type& dtype = ndt::float64);
  // `count` values from start to stop, like np.linspace (endpoint included when set).
  static Array linspace(double start, double stop, int64_t count, bool endpoint = true,
                        const ndt::Type& dtype = ndt::float64);
  // A 0-dim array holding one value.
  static Array scalar(bool value);
  static Array scalar(int64_t value);
  static Array scalar(int value) { return scalar(static_cast<int64_t>(value)); }
  static Array scalar(double value);
  static Array scalar(std::string_view value);  // string
  // A 0-dim ?T array whose value is missing.
  static Array missing(const ndt::Type& dtype);
  // Memory that belongs to someone else, described by a type whose leading fixed dims carry
  // the byte strides (`3 * 4 * float64`, or a type made with make_fixed_dim(n, t, stride)).
  // `release` runs exactly once, when the last view goes away; when from_pointer throws
  // (an abstract type, overflowing arrmeta) it never runs and the memory stays the caller's.
  static Array from_pointer(void* data, const ndt::Type& type, std::function<void()> release = {},
                            bool readonly = false);
  // The same with explicit arrmeta: shape and byte strides of the leading fixed dims,
  // `dtype` for the rest. Throws when a dtype is abstract or a stride computation overflows.
  static Array from_pointer(void* data, const ndt::Type& dtype, std::span<const int64_t> shape,
                            std::span<const int64_t> strides, std::function<void()> release = {},
                            bool readonly = false);
  // Wraps a gfunc result whose blocks `memory` owns.
  static Array from_buffer(const gfunc::Buffer& buffer, std::shared_ptr<Memory> memory);

  // --- what it is ---
  explicit operator bool() const noexcept { return memory_ != nullptr; }
  // The datashape: the leading fixed dims (C-contiguous spelling, strides are arrmeta)
  // over the dtype. `3 * 4 * float64` whatever the strides.
  ndt::Type type() const;
  const ndt::Type& dtype() const noexcept { return dtype_; }
  int ndim() const noexcept { return ndim_; }
  std::span<const int64_t> shape() const noexcept { return {dims_.data(), static_cast<std::size_t>(ndim_)}; }
  std::span<const int64_t> strides() const noexcept {
    return {dims_.data() + ndim_, static_cast<std::size_t>(ndim_)};
  }
  int64_t size() const;  // number of elements of the leading fixed dims
  char* data() const noexcept { return data_; }
  bool readonly() const noexcept { return readonly_; }
  const std::shared_ptr<Memory>& memory() const noexcept { return memory_; }
  // True when the fixed dims are C-contiguous (every stride as for a fresh array).
  bool is_c_contiguous() const noexcept;
  // The typed-buffer view gfunc works on; `writable` throws Error(value) on a read-only array.
  gfunc::BufferView view() const noexcept;
  gfunc::BufferView writable_view() const;

  // --- views (share the memory) ---
  Array operator()(std::span<const Index> indices) const;
  template <class... I>
  Array operator()(I&&... indices) const {
    const std::array<Index, sizeof...(I)> list{Index(std::forward<I>(indices))...};
    return (*this)(std::span<const Index>(list));
  }
  Array operator[](int64_t i) const { return (*this)(i); }
  Array field(std::string_view name) const;
  Array field(int64_t index) const;  // tuple or record member by position
  // Permutes the fixed dims (default: reverses them).
  Array transpose(std::span<const int> axes = {}) const;
  Array transpose(std::initializer_list<int> axes) const { return transpose(std::span<const int>(axes)); }
  // A read-only view with `shape` (NumPy broadcasting rules; new dims get stride 0).
  Array broadcast_to(std::span<const int64_t> shape) const;
  // The same elements in a new shape (one extent may be -1): a view when the strides allow
  // it, else a C-ordered copy.
  Array reshape(std::span<const int64_t> shape) const;
  Array reshape(std::initializer_list<int64_t> shape) const { return reshape(std::span<const int64_t>(shape)); }
  // Removes extent-1 dims (all of them, or the given axes, which must have extent 1).
  Array squeeze(std::span<const int> axes = {}) const;
  Array as_readonly() const;

  // --- copies and assignment ---
  // A deep, C-contiguous copy: strings and ragged elements are copied too.
  Array copy() const;
  // A C-contiguous copy cast to `dtype`; a checked cast failure throws Error(value) with
  // the index and value.
  Array astype(const ndt::Type& dtype, uint32_t checks = gfunc::cast_nocheck) const;
  // Writes `from` (broadcast to this shape, cast to this dtype) into this array's elements.
  void assign(const Array& from, uint32_t checks = gfunc::cast_nocheck) const;
  // Marks every element of a ?T array missing.
  void set_missing() const;

  // --- single values ---
  // The value of a 0-dim (or one-element) array, converted to T with a checked cast.
  template <class T>
  T as() const;
  // True when a 0-dim ?T element is missing (false for any non-option dtype).
  bool is_missing() const;

  // --- functions (through gfunc) ---
  Array sum(std::optional<std::vector<int>> axes = std::nullopt, bool keepdims = false) const;
  Array prod(std::optional<std::vector<int>> axes = std::nullopt, bool keepdims = false) const;
  Array min(std::optional<std::vector<int>> axes = std::nullopt, bool keepdims = false) const;
  Array max(std::optional<std::vector<int>> axes = std::nullopt, bool keepdims = false) const;
  Array mean(std::optional<std::vector<int>> axes = std::nullopt, bool keepdims = false) const;
  Array any(std::optional<std::vector<int>> axes = std::nullopt, bool keepdims = false) const;
  Array all(std::optional<std::vector<int>> axes = std::nullopt, bool keepdims = false) const;

  // Internal: the arrmeta storage (shape then strides) with room for kInlineDims dims.
  static constexpr int kInlineDims = 6;

 private:
  class Dims {
   public:
    Dims() noexcept = default;
    explicit Dims(int ndim);
    Dims(const Dims& other);
    Dims& operator=(const Dims& other);
    Dims(Dims&&) noexcept;
    Dims& operator=(Dims&&) noexcept;
    ~Dims() = default;
    int64_t* data() noexcept { return heap_ ? heap_.get() : inline_.data(); }
    const int64_t* data() const noexcept { return heap_ ? heap_.get() : inline_.data(); }

   private:
    int ndim_ = 0;
    // Only the first 2 * ndim_ entries are ever written or read: no zeroing per array.
    std::array<int64_t, 2 * kInlineDims> inline_;
    std::unique_ptr<int64_t[]> heap_;
  };

  Array(std::shared_ptr<Memory> memory, char* data, ndt::Type dtype, int ndim, bool readonly);
  int64_t* shape_data() noexcept { return dims_.data(); }
  int64_t* strides_data() noexcept { return dims_.data() + ndim_; }
  Array index_var(int64_t i) const;

  std::shared_ptr<Memory> memory_;
  char* data_ = nullptr;
  ndt::Type dtype_;
  Dims dims_;
  int ndim_ = 0;
  bool readonly_ = false;

  friend class ArrayBuilder;
};

// Builds arrays from parts (for the JSON reader, interop and the C API).
class PLURIBUS_API ArrayBuilder {
 public:
  // An array over `memory` at `data` with explicit arrmeta; nothing is allocated or checked
  // but the ndim against the shape/strides sizes.
  static Array make(std::shared_ptr<Memory> memory, char* data, ndt::Type dtype, std::span<const int64_t> shape,
                    std::span<const int64_t> strides, bool readonly);
};

// ----- free functions ---------------------------------------------------------------
// Calls a registered function (gfunc::builtins()) on arrays and returns its outputs.
struct CallOptions {
  std::vector<Array> out;        // out=: write into these arrays instead of allocating
  std::optional<int> axis;       // one-core-dim functions (cumsum, inner, ...)
  int max_threads = 0;           // 0: as gfunc decides; 1: the calling thread only
  bool skip_missing = true;      // ?T into argmin, cumsum, ...: see gfunc::CallOptions
};
PLURIBUS_API std::vector<Array> call(std::string_view function, std::span<const Array> args,
                                     const CallOptions& options = {});
PLURIBUS_API Array call1(std::string_view function, std::span<const Array> args, const CallOptions& options = {});
inline Array call1(std::string_view function, std::initializer_list<Array> args, const CallOptions& options = {}) {
  return call1(function, std::span<const Array>(args.begin(), args.size()), options);
}
// A reduction (sum, prod, min, max, mean, any, all, argmin, argmax, ...).
struct ReduceOptions {
  std::optional<std::vector<int>> axes;  // nullopt: every axis
  bool keepdims = false;
  std::optional<double> initial;
  std::optional<Array> out;
  // ?T input (a ?R result): skip missing values (a result is missing only when none of its
  // values is present), or make any missing value give a missing result. See
  // spec/container.md, "Reductions and missing values".
  bool skip_missing = true;
};
PLURIBUS_API Array reduce(std::string_view function, const Array& a, const ReduceOptions& options = {});
PLURIBUS_API Array where(const Array& condition, const Array& x, const Array& y);

PLURIBUS_API Array operator+(const Array& a, const Array& b);
PLURIBUS_API Array operator-(const Array& a, const Array& b);
PLURIBUS_API Array operator*(const Array& a, const Array& b);
PLURIBUS_API Array operator/(const Array& a, const Array& b);
PLURIBUS_API Array operator%(const Array& a, const Array& b);
PLURIBUS_API Array operator&(const Array& a, const Array& b);
PLURIBUS_API Array operator|(const Array& a, const Array& b);
PLURIBUS_API Array operator^(const Array& a, const Array& b);
PLURIBUS_API Array operator<(const Array& a, const Array& b);
PLURIBUS_API Array operator<=(const Array& a, const Array& b);
PLURIBUS_API Array operator>(const Array& a, const Array& b);
PLURIBUS_API Array operator>=(const Array& a, const Array& b);
// Elementwise equality (an array of bool), like NumPy: not an identity test.
PLURIBUS_API Array operator==(const Array& a, const Array& b);
PLURIBUS_API Array operator!=(const Array& a, const Array& b);
PLURIBUS_API Array operator-(const Array& a);
PLURIBUS_API Array operator~(const Array& a);
PLURIBUS_API Array logical_not(const Array& a);
PLURIBUS_API Array logical_and(const Array& a, const Array& b);
PLURIBUS_API Array logical_or(const Array& a, const Array& b);
PLURIBUS_API Array logical_xor(const Array& a, const Array& b);

// A C++ number as a 0-dim array operand: bool stays bool, integers become int64, floating
// point float64. Promotion then follows NumPy's rules for arrays, not its value-based
// scalar rules: an int32 array times 2 is int64.
template <class S>
concept Number = std::is_arithmetic_v<S>;
template <Number S>
Array number(S value) {
  if constexpr (std::is_same_v<S, bool>) return Array::scalar(value);
  else if constexpr (std::is_integral_v<S>) return Array::scalar(static_cast<int64_t>(value));
  else return Array::scalar(static_cast<double>(value));
}
#define PLURIBUS_ND_SCALAR_OPERATOR(op)                                                        \
  template <Number S>                                                                          \
  Array operator op(const Array& a, S b) { return a op number(b); }                            \
  template <Number S>                                                                          \
  Array operator op(S a, const Array& b) { return number(a) op b; }
PLURIBUS_ND_SCALAR_OPERATOR(+)
PLURIBUS_ND_SCALAR_OPERATOR(-)
PLURIBUS_ND_SCALAR_OPERATOR(*)
PLURIBUS_ND_SCALAR_OPERATOR(/)
PLURIBUS_ND_SCALAR_OPERATOR(%)
PLURIBUS_ND_SCALAR_OPERATOR(<)
PLURIBUS_ND_SCALAR_OPERATOR(<=)
PLURIBUS_ND_SCALAR_OPERATOR(>)
PLURIBUS_ND_SCALAR_OPERATOR(>=)
PLURIBUS_ND_SCALAR_OPERATOR(==)
PLURIBUS_ND_SCALAR_OPERATOR(!=)
#undef PLURIBUS_ND_SCALAR_OPERATOR
// True when both arrays have equal shapes and equal elements (deep: strings, ragged data,
// missing values compare as values; NaN equals NaN only when `nan_equal`).
PLURIBUS_API bool array_equal(const Array& a, const Array& b, bool nan_equal = false);

// Scalar conversion helpers behind Array::as<T>.
namespace detail {
PLURIBUS_API void read_scalar(const Array& a, const ndt::Type& to, void* out);
PLURIBUS_API std::string read_string(const Array& a);
}  // namespace detail

template <class T>
T Array::as() const {
  if constexpr (std::is_same_v<T, std::string>) {
    return detail::read_string(*this);
  } else {
    T value{};
    ndt::Type to;
    if constexpr (std::is_same_v<T, bool>) to = ndt::bool_;
    else if constexpr (std::is_same_v<T, int8_t>) to = ndt::int8;
    else if constexpr (std::is_same_v<T, int16_t>) to = ndt::int16;
    else if constexpr (std::is_same_v<T, int32_t>) to = ndt::int32;
    else if constexpr (std::is_same_v<T, int64_t> || std::is_same_v<T, long long>) to = ndt::int64;
    else if constexpr (std::is_same_v<T, uint8_t>) to = ndt::uint8;
    else if constexpr (std::is_same_v<T, uint16_t>) to = ndt::uint16;
    else if constexpr (std::is_same_v<T, uint32_t>) to = ndt::uint32;
    else if constexpr (std::is_same_v<T, uint64_t> || std::is_same_v<T, unsigned long long>) to = ndt::uint64;
    else if constexpr (std::is_same_v<T, float>) to = ndt::float32;
    else if constexpr (std::is_same_v<T, double>) to = ndt::float64;
    else static_assert(sizeof(T) == 0, "Array::as<T>: T must be bool, an integer, float, double or std::string");
    detail::read_scalar(*this, to, &value);
    return value;
  }
}

}  // namespace pluribus::nd
