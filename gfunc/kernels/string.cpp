// String kernels over the UTF-8 `string` dtype ({const char* data; int64 size}, 16 bytes,
// not NUL-terminated; {nullptr, 0} is the empty string):
//
//   equal, not_equal, less, less_equal, greater, greater_equal
//             (... * string, ... * string) -> ... * bool
//             Byte-wise lexicographic order (memcmp, then the shorter string first), which
//             for valid UTF-8 is code point order, as NumPy's str comparisons and Python's:
//             "ab" < "abc", "" < "a", "z" < "é" (0x7A < 0xC3). Embedded NULs are ordinary
//             bytes ("a" < "a\0"). The bytes are not checked to be UTF-8.
//   str_len   (... * string) -> ... * int64
//             The length in code points (NumPy's np.char.str_len): the number of bytes
//             that are not UTF-8 continuation bytes. The text must be valid UTF-8 (no
//             stray continuation byte, truncated or overlong sequence, surrogate or code
//             point above U+10FFFF); otherwise the loop fails with loop_invalid at that
//             element, which a call reports as "str_len: invalid value at index [i]".
//   str_concat, add
//             (... * string, ... * string) -> ... * string
//             Concatenation (NumPy's np.char.add, and `a + b` on str arrays).
//
// OWNERSHIP of concatenation results follows the string casts (gfunc/cast.hpp): every
// output string is a new std::malloc block of size + 1 bytes, NUL terminated (`size`
// excludes the NUL), owned by the caller, who frees each with std::free or a strided run
// with gfunc::release_strings. The output slot's previous contents are overwritten
// without being read or freed: writing in place (call_into(add, {a, b}, {a})) is safe,
// but the caller keeps a's old pointers if they need freeing. A result is allocated even
// when empty, so every output element holds a pointer to free.
//
// Errors: a malformed string element (size < 0, or a null pointer with size > 0) makes
// every kernel here fail with loop_invalid at that element, as the string casts do. When
// concatenation fails (a malformed input, a total size that overflows, or malloc
// failing) the elements before the failing one hold owned strings and the rest are
// untouched; through call_into the caller frees the written ones (call cannot hand back
// a partly written result).
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "gfunc/kernel.hpp"
#include "gfunc/kernels/families.hpp"
#include "gfunc/loop.hpp"

namespace pluribus::gfunc::kernels {
namespace {

struct StringRef {
  const char* data;
  int64_t size;
};
static_assert(sizeof(StringRef) == 16);

inline StringRef load_string(const char* p) noexcept {
  StringRef s;
  std::memcpy(&s, p, sizeof s);
  return s;
}

inline bool well_formed(const StringRef& s) noexcept {
  return s.size >= 0 && (s.size == 0 || s.data != nullptr);
}

// memcmp order, the shorter string first on a common prefix: <0, 0 or >0.
inline int compare(const StringRef& a, const StringRef& b) noexcept {
  const int64_t common = a.size < b.size ? a.size : b.size;
  if (common > 0) {
    if (const int c = std::memcmp(a.data, b.data, static_cast<std::size_t>(common)); c != 0)
      return c;
  }
  return (a.size > b.size) - (a.size < b.size);
}

inline bool equal_strings(const StringRef& a, const StringRef& b) noexcept {
  return a.size == b.size && (a.size == 0 || a.data == b.data ||
                              std::memcmp(a.data, b.data, static_cast<std::size_t>(a.size)) == 0);
}

struct Equal {
  static bool apply(const StringRef& a, const StringRef& b) noexcept { return equal_strings(a, b); }
};
struct NotEqual {
  static bool apply(const StringRef& a, const StringRef& b) noexcept {
    return !equal_strings(a, b);
  }
};
struct Less {
  static bool apply(const StringRef& a, const StringRef& b) noexcept { return compare(a, b) < 0; }
};
struct LessEqual {
  static bool apply(const StringRef& a, const StringRef& b) noexcept { return compare(a, b) <= 0; }
};
struct Greater {
  static bool apply(const StringRef& a, const StringRef& b) noexcept { return compare(a, b) > 0; }
};
struct GreaterEqual {
  static bool apply(const StringRef& a, const StringRef& b) noexcept { return compare(a, b) >= 0; }
};

inline int fail_at(LoopContext* context, int64_t i) noexcept {
  if (context != nullptr) context->error_index = i;
  return loop_invalid;
}

template <class Op>
int compare_loop(char** args, const int64_t* dimensions, const int64_t* steps,
                 LoopContext* context) noexcept {
  const int64_t n = dimensions[0];
  const char* a = args[0];
  const char* b = args[1];
  char* out = args[2];
  for (int64_t i = 0; i < n; ++i, a += steps[0], b += steps[1], out += steps[2]) {
    const StringRef x = load_string(a);
    const StringRef y = load_string(b);
    if (!well_formed(x) || !well_formed(y)) return fail_at(context, i);
    *reinterpret_cast<unsigned char*>(out) = Op::apply(x, y) ? 1 : 0;
  }
  return loop_ok;
}

// The number of code points of s[0, n), or -1 when the bytes are not valid UTF-8
// (Unicode 15, table 3-7: well-formed byte sequences).
int64_t code_points(const unsigned char* s, int64_t n) noexcept {
  int64_t count = 0;
  int64_t i = 0;
  while (i < n) {
    // ASCII eight bytes at a time.
    while (n - i >= 8) {
      uint64_t word;
      std::memcpy(&word, s + i, 8);
      if ((word & 0x8080808080808080ull) != 0) break;
      i += 8;
      count += 8;
    }
    if (i >= n) break;
    const unsigned c = s[i];
    if (c < 0x80) {
      ++i;
      ++count;
      continue;
    }
    int64_t len;
    unsigned lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // above U+10FFFF
    } else {
      return -1;  // a continuation byte, C0/C1 (overlong) or F5..FF
    }
    if (n - i < len) return -1;
    if (s[i + 1] < lo || s[i + 1] > hi) return -1;
    for (int64_t k = 2; k < len; ++k)
      if ((s[i + k] & 0xC0) != 0x80) return -1;
    i += len;
    ++count;
  }
  return count;
}

int str_len_loop(char** args, const int64_t* dimensions, const int64_t* steps,
                 LoopContext* context) noexcept {
  const int64_t n = dimensions[0];
  const char* in = args[0];
  char* out = args[1];
  for (int64_t i = 0; i < n; ++i, in += steps[0], out += steps[1]) {
    const StringRef s = load_string(in);
    if (!well_formed(s)) return fail_at(context, i);
    const int64_t len =
        s.size == 0 ? 0 : code_points(reinterpret_cast<const unsigned char*>(s.data), s.size);
    if (len < 0) return fail_at(context, i);
    std::memcpy(out, &len, sizeof len);
  }
  return loop_ok;
}

int concat_loop(char** args, const int64_t* dimensions, const int64_t* steps,
                LoopContext* context) noexcept {
  const int64_t n = dimensions[0];
  const char* a = args[0];
  const char* b = args[1];
  char* out = args[2];
  for (int64_t i = 0; i < n; ++i, a += steps[0], b += steps[1], out += steps[2]) {
    // Both inputs are read before the output is written: out may be a or b (in place).
    const StringRef x = load_string(a);
    const StringRef y = load_string(b);
    if (!well_formed(x) || !well_formed(y) || x.size > INT64_MAX - 1 - y.size)
      return fail_at(context, i);
    const int64_t size = x.size + y.size;
    auto* text = static_cast<char*>(std::malloc(static_cast<std::size_t>(size) + 1));
    if (text == nullptr) return fail_at(context, i);
    if (x.size > 0) std::memcpy(text, x.data, static_cast<std::size_t>(x.size));
    if (y.size > 0) std::memcpy(text + x.size, y.data, static_cast<std::size_t>(y.size));
    text[size] = '\0';
    const StringRef result{text, size};
    std::memcpy(out, &result, sizeof result);
  }
  return loop_ok;
}

}  // namespace

void register_string(Registry& registry) {
  constexpr const char* kCompare = "(... * string, ... * string) -> ... * bool";
  registry.add("equal", kCompare, compare_loop<Equal>);
  registry.add("not_equal", kCompare, compare_loop<NotEqual>);
  registry.add("less", kCompare, compare_loop<Less>);
  registry.add("less_equal", kCompare, compare_loop<LessEqual>);
  registry.add("greater", kCompare, compare_loop<Greater>);
  registry.add("greater_equal", kCompare, compare_loop<GreaterEqual>);

  registry.add("str_len", "(... * string) -> ... * int64", str_len_loop);

  constexpr const char* kConcat = "(... * string, ... * string) -> ... * string";
  registry.add("str_concat", kConcat, concat_loop);
  registry.add("add", kConcat, concat_loop);
}

}  // namespace pluribus::gfunc::kernels
