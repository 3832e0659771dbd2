// Pattern matching of datashape types: match, match_signature, substitute, unify, promote.
//
// A pattern is a type that may hold type variables (T), kinds (Any, Scalar, Int, ...),
// symbolic dims (N), `Fixed`, ellipses (`...`, `Dims...`, `var...`) and dim powers
// (D**N). match() binds its variables against a candidate type; substitute() builds a
// type from a pattern and the bindings (e.g. the output type of a function signature).
//
// Semantics (see also the comments on each function):
// - `T` matches any type without leading dimensions (options, records, pointers
//   included; functions excluded); the same name must match the same type each time.
// - `Any` matches everything, dims included: `3 * Any` matches `3 * 4 * int32`.
// - Kinds: Scalar matches the scalars void..type (not ?T: write ?Scalar); Int/Signed/
//   Unsigned/Float/Complex the numeric primitives of that kind (bfloat16 is a Float);
//   FixedString/FixedBytes any fixed_string/fixed_bytes. A kind also matches itself
//   and its sub-kinds (Scalar matches Int; Int matches Signed).
// - A fixed dim `3 * T` matches any fixed dim of shape 3 whatever its stride: the
//   layout is the candidate's business. Apart from strides, a concrete pattern matches
//   only an equal type (concrete records/tuples must also have the same offsets).
// - `N` matches a fixed dim (binding its shape) or a symbolic dim of the candidate
//   (binding its name), never a var dim; the same name must bind the same value.
//   `Fixed` matches any fixed or symbolic dim; `var` matches var dims only.
// - An ellipsis absorbs zero or more leading dims (as many as possible first; the
//   choice is revisited within one dim chain but not across record fields or
//   arguments, which only matters for patterns ending in Any or using D**N).
//   A named ellipsis `Dims...` must absorb the same dims each time it occurs.
//   The unnamed `...` and `var...` (var dims only) are the broadcast dims: every
//   occurrence in one match (or across the arguments of match_signature) broadcasts
//   NumPy-style with the others and the binding holds the broadcast result.
// - `D**N` matches N repetitions of D; N binds to the repetition count as a fixed
//   DimBinding, in the same namespace as symbolic dims.
// - `{a: T, ...}` matches records whose leading fields are `a: T` (a prefix, as in
//   libndtypes: the matched fields keep the pattern's relative order); `(T, ...)`
//   likewise for tuples. |align=| / |pack=| attributes of abstract patterns are not
//   checked.
// - Nominal types match only themselves; `Name[T]` matches `Name[U]` when T matches U.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ndt/api.hpp"
#include "ndt/type.hpp"

namespace pluribus::ndt {

// The value of a dim variable: a fixed shape, a var dim, or another symbolic dim.
struct PLURIBUS_API DimBinding {
  enum class Tag : uint8_t { fixed, var, symbolic };
  Tag tag = Tag::fixed;
  int64_t shape = 0;   // Tag::fixed
  std::string symbol;  // Tag::symbolic: the candidate's dim variable

  static DimBinding fixed(int64_t shape) { return {Tag::fixed, shape, {}}; }
  static DimBinding var() { return {Tag::var, 0, {}}; }
  static DimBinding symbolic(std::string name) { return {Tag::symbolic, 0, std::move(name)}; }
  bool operator==(const DimBinding&) const = default;
  std::string str() const;  // "3", "var" or the symbol
};

// What match() found. Ellipsis bindings are lists of dims, each a one-dim type over
// void with the stride dropped (e.g. make_fixed_dim(3, void_), make_var_dim(void_)):
// dims_str() prints them as "3 * var". The unnamed ellipsis is stored under "".
class PLURIBUS_API Bindings {
 public:
  // nullptr when the name is unbound.
  const Type* typevar(std::string_view name) const;
  const DimBinding* dim(std::string_view name) const;
  const std::vector<Type>* ellipsis(std::string_view name) const;

  // Binds (or rebinds) a name; used by match() and by callers preparing substitute().
  void bind_typevar(std::string_view name, const Type& type);
  void bind_dim(std::string_view name, const DimBinding& value);
  void bind_ellipsis(std::string_view name, std::vector<Type> dims);

  std::size_t size() const noexcept;  // number of bound names of all three sorts
  bool empty() const noexcept { return size() == 0; }
  void clear() noexcept;

  const std::map<std::string, Type, std::less<>>& typevars() const noexcept { return typevars_; }
  const std::map<std::string, DimBinding, std::less<>>& dims() const noexcept { return dims_; }
  const std::map<std::string, std::vector<Type>, std::less<>>& ellipses() const noexcept {
    return ellipses_;
  }

  // For diagnostics, sorted by name: "{T = int32, N = 3, ... = [2 * 3], Dims... = []}".
  std::string str() const;
  bool operator==(const Bindings&) const = default;

 private:
  std::map<std::string, Type, std::less<>> typevars_;
  std::map<std::string, DimBinding, std::less<>> dims_;
  std::map<std::string, std::vector<Type>, std::less<>> ellipses_;
};

PLURIBUS_API std::ostream& operator<<(std::ostream& os, const Bindings& b);

// "2 * var * N" for a list of one-dim types over void ("" for an empty list).
PLURIBUS_API std::string dims_str(std::span<const Type> dims);

// Matches `candidate` against `pattern`, adding to the bindings already in `out`
// (so several calls can share variables). On failure `out` is left unchanged.
PLURIBUS_API bool match(const Type& pattern, const Type& candidate, Bindings& out);

// Matches positional arguments against a function signature's positional parameters
// (a variadic signature accepts extra, unconstrained arguments). Variables are shared
// across the arguments; the unnamed ellipsis dims of all arguments broadcast together
// (shape 1 stretches; a var dim broadcasts with any dim and stays var; unequal shapes
// fail), a named ellipsis must be equal across arguments. Afterwards
// substitute(fn.outputs()[i], out) gives the output types. Throws Error(type) when
// `fn` is not a function type; on a failed match returns false and leaves `out` as is.
PLURIBUS_API bool match_signature(const Type& fn, std::span<const Type> args, Bindings& out);

// Replaces the variables of `pattern` by their bindings. Fixed dims of the result are
// C-contiguous (a concrete pattern is returned unchanged); kinds and `Fixed` are kept.
// `?T` with T bound to ?U gives ?U. Throws Error(type) naming the variable and the
// pattern when a typevar, dim variable, ellipsis or dim power exponent is unbound.
PLURIBUS_API Type substitute(const Type& pattern, const Bindings& bindings);

// The common type of two numeric scalars (bool, integers, floats, complex), equal to
// NumPy's np.result_type for arrays: bool < unsigned/signed < float < complex; a signed
// and an unsigned integer give the smallest signed type holding both, int64 + uint64
// gives float64; an integer and a float give a float wide enough for the integer
// (8-bit: float16, 16-bit: float32, wider: float64). Beyond NumPy: int128/uint128
// follow the same rules (uint128 + signed -> float64); bfloat16 + float16 -> float32,
// bfloat16 + (u)int8 -> bfloat16. Throws Error(type) naming both types otherwise.
PLURIBUS_API Type promote(const Type& a, const Type& b);

// The common type of two types: identical types give themselves; ?T and U give
// ?unify(T, U); numeric scalars promote(); fixed dims of equal shape, var dims, tuples
// and records with the same field names unify element-wise (fixed dims C-contiguous).
// Throws Error(type) naming both types when there is no common type.
PLURIBUS_API Type unify(const Type& a, const Type& b);

}  // namespace pluribus::ndt
