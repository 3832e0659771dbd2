// The node behind an ndt::Type and the hash-consing table (internal to ndt).
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>
#include <string>
#include <vector>

#include "ndt/type.hpp"

namespace pluribus::ndt::detail {

enum NodeFlags : uint8_t {
  kConcrete = 1,   // exact layout known
  kHasVar = 2,     // a var dim somewhere inside
  kEllipsis = 4,   // an ellipsis somewhere inside
  kImmortal = 8,   // static singleton: never counted, never freed
};

// The fields every lookup and every retain/release touch come first, in the node's first
// cache line (the node is aligned to one): the count, the hash, the kind and flags, a, b,
// the alignment and the child.
struct alignas(64) Node {
  // Starts at 1 (the handle that interning returns); a moved-from candidate's count is not
  // carried over: the move makes a new node.
  struct RefCount : std::atomic<int64_t> {
    RefCount() noexcept : std::atomic<int64_t>(1) {}
    RefCount(RefCount&&) noexcept : std::atomic<int64_t>(1) {}
  };
  mutable RefCount refcount;
  std::size_t hash = 0;
  Kind kind{};
  uint8_t flags = 0;
  Encoding encoding = Encoding::utf8;
  bool variadic = false;     // Tuple/Record/Function positional
  bool kw_variadic = false;  // Function keywords
  int32_t ndim = 0;          // leading dims
  int32_t depth = 1;         // levels of nesting (1 for a leaf), bounded by kMaxTypeDepth
  int64_t a = 0;             // FixedDim shape; FixedString/FixedBytes length; Decimal precision;
                             // Bytes target alignment; Function npositional
  int64_t b = 0;             // FixedDim stride; FixedBytes align; Decimal scale
  int64_t align = 0;         // 0 when abstract
  Type child;                // dims, option, pointer, nominal, constructor, dim power base
  int64_t size = -1;         // -1 when abstract
  int64_t span_lo = 0;       // FixedDim with negative strides: lowest byte offset (<= 0)
  Type child2;               // DimPower: the repeated dim (over void)
  std::string name;          // typevar, symbolic dim, ellipsis, nominal, constructor,
                             // DimPower exponent, TimeDelta unit, Time/DateTime tz
  std::vector<Type::Field> fields;
  std::vector<Type> outputs;
  std::vector<Type::CategoricalValue> categories;

  Node() = default;
  explicit Node(Kind k) : kind(k) {}
  Node(Node&&) = default;
};

// Types nest at most this deep (dims included), so every recursive walk over a type —
// printing, JSON, matching — stays well inside a thread's stack, sanitizers included.
constexpr int32_t kMaxTypeDepth = 256;

// Returns the one shared node equal to `candidate` (the candidate is consumed).
Type intern(Node&& candidate);
// The same for a candidate whose `child` is borrowed from `child` without a reference of its
// own: finding an existing node then touches no reference count but the result's.
Type intern_with_child(Node&& candidate, const Type& child);

// A fast hash of a short name (field names, type variables), a word at a time.
inline std::size_t hash_name(std::string_view s) noexcept {
  uint64_t h = 0x9e3779b97f4a7c15ULL ^ s.size();
  const char* p = s.data();
  std::size_t n = s.size();
  for (; n >= 8; p += 8, n -= 8) {
    uint64_t w;
    std::memcpy(&w, p, 8);
    h = (h ^ w) * 0xff51afd7ed558ccdULL;
    h ^= h >> 32;
  }
  uint64_t w = 0;
  for (std::size_t i = 0; i < n; ++i) w |= uint64_t(static_cast<unsigned char>(p[i])) << (8 * i);
  h = (h ^ w) * 0xc4ceb9fe1a85ec53ULL;
  return static_cast<std::size_t>(h ^ (h >> 29));
}

// Hash and equality over the node's own fields; children compare by identity.
std::size_t shallow_hash(const Node& n) noexcept;
bool shallow_equal(const Node& x, const Node& y) noexcept;

// The steps of shallow_hash, for lookups that hash a node before it exists: the head
// (kind, encoding, flags, a, b), then each present part in the order shallow_hash takes it.
inline std::size_t hash_mix(std::size_t seed, std::size_t v) noexcept {
  return seed ^ (v + 0x9e3779b97f4a7c15ULL + (seed << 6) + (seed >> 2));
}
inline std::size_t hash_head(Kind kind, Encoding encoding, bool variadic, bool kw_variadic,
                             int64_t a, int64_t b) noexcept {
  std::size_t h = static_cast<std::size_t>(kind) * 0x100000001b3ULL;
  h = hash_mix(h, static_cast<std::size_t>(encoding) | (std::size_t(variadic) << 8) |
                      (std::size_t(kw_variadic) << 9));
  h = hash_mix(h, static_cast<std::size_t>(a));
  return hash_mix(h, static_cast<std::size_t>(b));
}
inline std::size_t hash_field(std::size_t h, std::string_view name, std::size_t type_hash,
                              int64_t align) noexcept {
  if (!name.empty()) h = hash_mix(h, hash_name(name));
  h = hash_mix(h, type_hash);
  return hash_mix(h, static_cast<std::size_t>(align));
}

// Finds the interned node with hash `hash` for which matches(node, key) holds, without a
// candidate node: an empty Type when there is none (the caller then builds the candidate
// and interns it). Callers whose node exists skip building, laying out and validating it.
using NodeMatcher = bool (*)(const Node& node, const void* key) noexcept;
Type find_interned(std::size_t hash, NodeMatcher matches, const void* key);

// make_record for fields `name: type` without attributes or options: found without
// building a candidate when the record exists.
Type make_plain_record(std::span<const std::string_view> names, std::span<const Type> types);
// make_tuple of these members without attributes or options, likewise.
Type make_plain_tuple(std::span<const Type> types);

// A function parameter seen in place: its name (empty for a positional one) and type.
struct ParameterView {
  std::string_view name;
  const Type* type = nullptr;
};
// The interned make_function(positional, keywords, outputs, variadic, kw_variadic) for these
// parameters (the first `npositional` are the positional ones), or an empty Type when there
// is none yet (the caller then calls make_function, which validates them).
Type find_function(std::span<const ParameterView> parameters, int64_t npositional,
                   std::span<const Type> outputs, bool variadic, bool kw_variadic);

// A categorical value seen in place (a string stays a view into the input): `index` is its
// alternative in Type::CategoricalValue::value (0 NA, 1 int64, 2 double, 3 string).
struct CategoryView {
  std::size_t index = 0;
  int64_t integer = 0;
  double real = 0;
  std::string_view text;
};
// The interned categorical of these values, or an empty Type when there is none yet (the
// caller then builds the values and calls make_categorical, which validates them).
Type find_categorical(std::span<const CategoryView> values);

inline bool kind_is_dim(Kind k) { return k >= Kind::FixedDim && k <= Kind::DimPower; }

}  // namespace pluribus::ndt::detail
