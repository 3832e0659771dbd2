// String kernels (gfunc/kernels/string.cpp) through the executor: comparisons in byte
// (= code point) order, str_len in code points with UTF-8 validation, concatenation
// (str_concat and add) into caller-owned, malloc'ed, NUL-terminated strings.
//
// Ownership rule under test (the same as the number -> string casts, gfunc/cast.hpp):
// every string a concatenation writes is a new std::malloc block the caller frees with
// std::free or release_strings; the tests free every result, so a leak fails the ASan
// build (-DPLURIBUS_SANITIZE=ON).
#include <doctest/doctest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "gfunc/call.hpp"
#include "gfunc/cast.hpp"
#include "gfunc/kernels/families.hpp"
#include "helpers.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;
using namespace pluribus::gfunc::testing;

namespace {

struct StringElement {
  const char* data;
  int64_t size;
};
static_assert(sizeof(StringElement) == 16);

// A C-contiguous array of `string` over texts it keeps alive.
struct Strings {
  std::vector<std::string> texts;
  Array<StringElement> array;
  Strings(std::vector<std::string> t, std::vector<int64_t> shape)
      : texts(std::move(t)), array(ndt::string, std::move(shape)) {
    REQUIRE(texts.size() == array.values.size());
    for (std::size_t i = 0; i < texts.size(); ++i)
      array.values[i] = {texts[i].data(), static_cast<int64_t>(texts[i].size())};
  }
  explicit Strings(std::vector<std::string> t) : Strings(t, {static_cast<int64_t>(t.size())}) {}
  BufferView view() { return array.view(); }
};

// A 0-dim (scalar) string.
struct Scalar {
  std::string text;
  StringElement element;
  explicit Scalar(std::string t)
      : text(std::move(t)), element{text.data(), static_cast<int64_t>(text.size())} {}
  BufferView view() { return {reinterpret_cast<char*>(&element), ndt::string, {}, {}, false}; }
};

// A registry holding only the string kernels.
const Registry& strings() {
  static Registry r;
  static const bool registered = (kernels::register_string(r), true);
  (void)registered;
  return r;
}

std::vector<bool> bools(const Buffer& b) {
  std::vector<bool> out;
  for (uint8_t v : to_vector<uint8_t>(b)) out.push_back(v != 0);
  return out;
}

// The texts of a string result, checking each is NUL terminated; then frees them all
// (release_strings on the contiguous result), as the ownership rule asks.
std::vector<std::string> take_strings(const Buffer& b) {
  REQUIRE(b.dtype == ndt::string);
  std::vector<std::string> out;
  int64_t unterminated = 0;
  for (const StringElement& s : to_vector<StringElement>(b)) {
    if (s.data == nullptr) FAIL("a null result string");
    if (s.data[s.size] != '\0') ++unterminated;
    out.emplace_back(s.data, static_cast<std::size_t>(s.size));
  }
  CHECK(unterminated == 0);
  REQUIRE(b.strides == contiguous_strides(b.shape, 16));
  release_strings(b.data, element_count(b.shape), 16);
  return out;
}

std::vector<bool> compare(const char* name, BufferView a, BufferView b, Arena& arena) {
  BufferView in[] = {a, b};
  auto out = call(strings().get(name), in, arena.options());
  REQUIRE(out.size() == 1);
  REQUIRE(out[0].dtype == ndt::bool_);
  return bools(out[0]);
}

std::string operator""_s(const char* text, std::size_t n) { return std::string(text, n); }

}  // namespace

TEST_CASE("string: equal .. greater_equal order bytes lexicographically (code point order)") {
  // Pairs (a, b) with a < b in Python's str order, which byte order reproduces for UTF-8.
  std::vector<std::pair<std::string, std::string>> ordered = {
      {"abc", "abd"},
      {"ab", "abc"},             // a prefix first
      {"", "a"},                 // the empty string first
      {"a", "a\0"_s},            // an embedded NUL is a byte like any other
      {"a\0b"_s, "a\0c"_s},      // and does not end the comparison
      {"Z", "a"},                // ASCII by code
      {"z", "\xC3\xA9"},         // "z" < "é": 0x7A < 0xC3 (sorted(["é", "z"]) == ["z", "é"])
      {"\xC3\xA9", "\xC3\xAA"},  // "é" < "ê"
      {"\xEF\xBF\xBD", "\xF0\x9D\x84\x9E"},  // U+FFFD < U+1D11E
      {"\xE6\x97\xA5", "\xE6\x97\xA5\x41"},  // "日" < "日A"
      {"\x7F", "\xC2\x80"},                  // U+007F < U+0080 across lengths
  };
  std::vector<std::string> as, bs;
  for (auto& [x, y] : ordered) {
    as.push_back(x);
    bs.push_back(y);
  }
  Strings a(as), b(bs);
  Arena arena;
  const std::size_t n = ordered.size();
  CHECK(compare("less", a.view(), b.view(), arena) == std::vector<bool>(n, true));
  CHECK(compare("less_equal", a.view(), b.view(), arena) == std::vector<bool>(n, true));
  CHECK(compare("greater", a.view(), b.view(), arena) == std::vector<bool>(n, false));
  CHECK(compare("greater_equal", a.view(), b.view(), arena) == std::vector<bool>(n, false));
  CHECK(compare("equal", a.view(), b.view(), arena) == std::vector<bool>(n, false));
  CHECK(compare("not_equal", a.view(), b.view(), arena) == std::vector<bool>(n, true));
  // Swapped.
  CHECK(compare("less", b.view(), a.view(), arena) == std::vector<bool>(n, false));
  CHECK(compare("greater", b.view(), a.view(), arena) == std::vector<bool>(n, true));
  CHECK(compare("greater_equal", b.view(), a.view(), arena) == std::vector<bool>(n, true));
  // Against themselves (through distinct copies, and the very same buffer).
  Strings a2(as);
  CHECK(compare("equal", a.view(), a2.view(), arena) == std::vector<bool>(n, true));
  CHECK(compare("equal", a.view(), a.view(), arena) == std::vector<bool>(n, true));
  CHECK(compare("not_equal", a.view(), a2.view(), arena) == std::vector<bool>(n, false));
  CHECK(compare("less", a.view(), a2.view(), arena) == std::vector<bool>(n, false));
  CHECK(compare("less_equal", a.view(), a2.view(), arena) == std::vector<bool>(n, true));
  CHECK(compare("greater_equal", a.view(), a2.view(), arena) == std::vector<bool>(n, true));
}

TEST_CASE("string: empty strings, null pointers and embedded NULs compare by content") {
  Arena arena;
  // {nullptr, 0} is the empty string, equal to any other empty string.
  Array<StringElement> a(ndt::string, {3}, {{nullptr, 0}, {"", 0}, {"a\0", 2}});
  Array<StringElement> b(ndt::string, {3}, {{"xyz", 0}, {nullptr, 0}, {"a\0", 1}});
  CHECK(compare("equal", a.view(), b.view(), arena) == std::vector<bool>{true, true, false});
  CHECK(compare("greater", a.view(), b.view(), arena) == std::vector<bool>{false, false, true});
}

TEST_CASE("string: a scalar string broadcasts against arrays") {
  Arena arena;
  Scalar m("m");
  Strings words({"a", "m", "mm", "z"});
  CHECK(compare("less", m.view(), words.view(), arena) ==
        std::vector<bool>{false, false, true, true});
  CHECK(compare("equal", words.view(), m.view(), arena) ==
        std::vector<bool>{false, true, false, false});

  // (2, 1) against (3,) -> (2, 3).
  Strings col({"b", "y"}, {2, 1});
  Strings row({"a", "b", "z"});
  BufferView in[] = {col.view(), row.view()};
  auto out = call(strings().get("greater_equal"), in, arena.options());
  CHECK(out[0].shape == std::vector<int64_t>{2, 3});
  CHECK(bools(out[0]) == std::vector<bool>{true, true, false, true, true, false});
}

TEST_CASE("string: strided and reversed inputs, results into a given output") {
  Arena arena;
  Strings a({"a", "x", "b", "x", "c", "x"});
  Strings b({"c", "b", "a"});
  // Every other element of a ({"a", "b", "c"}) against b reversed ({"a", "b", "c"}).
  int64_t three[] = {3};
  int64_t every_other[] = {32};
  int64_t backwards[] = {-16};
  BufferView sa{a.view().data, ndt::string, three, every_other, false};
  BufferView sb{b.view().data + 32, ndt::string, three, backwards, false};
  CHECK(compare("equal", sa, sb, arena) == std::vector<bool>{true, true, true});
  Array<uint8_t> out(ndt::bool_, {3}, {7, 7, 7});
  BufferView in[] = {sa, b.view()};
  BufferView outs[] = {out.view()};
  call_into(strings().get("less"), in, outs);
  CHECK(out.values == std::vector<uint8_t>{1, 0, 0});
}

TEST_CASE("string: str_len counts code points") {
  Arena arena;
  Strings s({"", "abc", "\xC3\xA9",                    // é: 2 bytes
             "\xE6\x97\xA5\xE6\x9C\xAC",               // 日本: 3 bytes each
             "\xF0\x9D\x84\x9E",                       // U+1D11E: 4 bytes
             "a\xC3\xA9\xE6\x97\xA5\xF0\x9D\x84\x9E",  // one of each
             "a\0b"_s,                                 // a NUL is a code point
             "0123456789abcdef\xC3\xA9"
             "0123456789",  // past the 8-byte ASCII steps
             // The edges of each sequence length's range: U+7F, U+80, U+7FF, U+800, U+FFFF,
             // U+10000, U+10FFFF.
             "\x7F\xC2\x80\xDF\xBF\xE0\xA0\x80\xEF\xBF\xBF\xF0\x90\x80\x80\xF4\x8F\xBF\xBF"});
  BufferView in[] = {s.view()};
  auto out = call(strings().get("str_len"), in, arena.options());
  REQUIRE(out[0].dtype == ndt::int64);
  CHECK(to_vector<int64_t>(out[0]) == std::vector<int64_t>{0, 3, 1, 2, 1, 4, 3, 27, 7});

  // A scalar, and {nullptr, 0}.
  Scalar x("h\xC3\xA9llo");
  BufferView xin[] = {x.view()};
  auto one = call(strings().get("str_len"), xin, arena.options());
  CHECK(one[0].shape.empty());
  CHECK(to_vector<int64_t>(one[0]) == std::vector<int64_t>{5});
  Array<StringElement> null(ndt::string, {1}, {{nullptr, 0}});
  BufferView nin[] = {null.view()};
  CHECK(to_vector<int64_t>(call(strings().get("str_len"), nin, arena.options())[0]) ==
        std::vector<int64_t>{0});
}

TEST_CASE("string: str_len rejects invalid UTF-8 at the element") {
  Arena arena;
  const std::vector<std::string> invalid = {
      "\x80",              // a lone continuation byte
      "ab\xBF",            // after ASCII
      "\xC3",              // truncated 2-byte sequence
      "\xE6\x97",          // truncated 3-byte sequence
      "\xF0\x9D\x84",      // truncated 4-byte sequence
      "\xC3\x61",          // a non-continuation second byte ('a')
      "\xE6\x97\x61",      // a non-continuation third byte
      "\xC0\xAF",          // overlong '/'
      "\xC1\xBF",          // overlong
      "\xE0\x80\x80",      // overlong 3-byte
      "\xF0\x80\x80\x80",  // overlong 4-byte
      "\xED\xA0\x80",      // a surrogate (U+D800)
      "\xED\xBF\xBF",      // a surrogate (U+DFFF)
      "\xF4\x90\x80\x80",  // above U+10FFFF
      "\xF5\x80\x80\x80",  // F5..FF never appear
      "\xFF",
      "01234567\x80",  // after an 8-byte ASCII step
  };
  for (const std::string& bad : invalid) {
    CAPTURE(bad);
    Strings s({"ok", "\xC3\xA9", bad, "fine"});
    BufferView in[] = {s.view()};
    CHECK_THROWS_WITH_AS(call(strings().get("str_len"), in, arena.options()),
                         doctest::Contains("str_len: invalid value at index [2]"), Error);
  }
  // The failing element of a 2-dim call is named by its index.
  Strings grid({"a", "b", "c", "\xC3"}, {2, 2});
  BufferView in[] = {grid.view()};
  CHECK_THROWS_WITH_AS(call(strings().get("str_len"), in, arena.options()),
                       doctest::Contains("at index [1, 1]"), Error);
}

TEST_CASE("string: malformed elements (negative size, null data) are invalid values") {
  Arena arena;
  Array<StringElement> bad(ndt::string, {3}, {{"a", 1}, {"b", -1}, {nullptr, 2}});
  Strings ok({"a", "b", "c"});
  BufferView one[] = {bad.view()};
  CHECK_THROWS_WITH_AS(call(strings().get("str_len"), one, arena.options()),
                       doctest::Contains("at index [1]"), Error);
  BufferView two[] = {ok.view(), bad.view()};
  CHECK_THROWS_WITH_AS(call(strings().get("equal"), two, arena.options()),
                       doctest::Contains("at index [1]"), Error);
  // A failing concatenation through call_into: the strings before the failing element
  // are written (and the caller's to free), the rest untouched.
  Array<StringElement> out(ndt::string, {3}, {{nullptr, 0}, {nullptr, 0}, {nullptr, 0}});
  BufferView outs[] = {out.view()};
  CHECK_THROWS_WITH_AS(call_into(strings().get("str_concat"), two, outs),
                       doctest::Contains("at index [1]"), Error);
  REQUIRE(out.values[0].data != nullptr);
  CHECK(std::string(out.values[0].data, 2) == "aa");
  CHECK(out.values[1].data == nullptr);
  CHECK(out.values[2].data == nullptr);
  release_strings(reinterpret_cast<char*>(out.values.data()), 3, 16);
}

TEST_CASE("string: str_concat and add concatenate into owned, NUL-terminated strings") {
  Arena arena;
  Strings a({"", "ab", "", "\xC3\xA9", "x\0y"_s});
  Strings b({"", "", "cd", "\xE6\x97\xA5", "\0z"_s});
  for (const char* name : {"str_concat", "add"}) {
    CAPTURE(name);
    BufferView in[] = {a.view(), b.view()};
    auto out = call(strings().get(name), in, arena.options());
    REQUIRE(out.size() == 1);
    CHECK(out[0].shape == std::vector<int64_t>{5});
    // Every element is its own allocation, even the empty one.
    auto elements = to_vector<StringElement>(out[0]);
    CHECK(elements[0].data != nullptr);
    CHECK(elements[0].size == 0);
    CHECK(take_strings(out[0]) ==
          std::vector<std::string>{"", "ab", "cd", "\xC3\xA9\xE6\x97\xA5", "x\0y\0z"_s});
  }
}

TEST_CASE("string: concatenation broadcasts; every result is a distinct allocation") {
  Arena arena;
  Scalar dot(".");
  Strings names({"a", "bb", "ccc"});
  BufferView in[] = {names.view(), dot.view()};
  auto out = call(strings().get("add"), in, arena.options());
  auto elements = to_vector<StringElement>(out[0]);
  CHECK(elements[0].data != elements[1].data);
  CHECK(elements[1].data != elements[2].data);
  CHECK(take_strings(out[0]) == std::vector<std::string>{"a.", "bb.", "ccc."});

  BufferView in2[] = {dot.view(), names.view()};
  CHECK(take_strings(call(strings().get("str_concat"), in2, arena.options())[0]) ==
        std::vector<std::string>{".a", ".bb", ".ccc"});

  // (2, 1) + (3,) -> (2, 3); two scalars -> a scalar.
  Strings col({"x", "y"}, {2, 1});
  BufferView in3[] = {col.view(), names.view()};
  auto grid = call(strings().get("add"), in3, arena.options());
  CHECK(grid[0].shape == std::vector<int64_t>{2, 3});
  CHECK(take_strings(grid[0]) ==
        std::vector<std::string>{"xa", "xbb", "xccc", "ya", "ybb", "yccc"});
  BufferView in4[] = {dot.view(), dot.view()};
  auto both = call(strings().get("add"), in4, arena.options());
  CHECK(both[0].shape.empty());
  CHECK(take_strings(both[0]) == std::vector<std::string>{".."});
}

TEST_CASE("string: concatenation in place overwrites the output's strings without freeing them") {
  // a = a + b: the caller keeps a's old strings (here owned by std::string) and frees the
  // new ones.
  Strings a({"ab", "c"});
  Strings b({"1", "23"});
  BufferView in[] = {a.view(), b.view()};
  BufferView outs[] = {a.view()};
  call_into(strings().get("add"), in, outs);
  CHECK(a.texts == std::vector<std::string>{"ab", "c"});
  CHECK(std::string(a.array.values[0].data, 3) == "ab1");
  CHECK(std::string(a.array.values[1].data, 3) == "c23");
  // And again, on the results (whose old strings the caller must now free itself).
  std::vector<StringElement> old = a.array.values;
  call_into(strings().get("add"), in, outs);
  CHECK(std::string(a.array.values[0].data, 4) == "ab11");
  CHECK(std::string(a.array.values[1].data, 5) == "c2323");
  release_strings(reinterpret_cast<char*>(old.data()), 2, 16);
  release_strings(reinterpret_cast<char*>(a.array.values.data()), 2, 16);
}

TEST_CASE("string: large calls split across threads give the same results") {
  Arena arena;
  const int64_t n = (1 << 17) + 1000;
  std::vector<std::string> texts(static_cast<std::size_t>(n));
  for (int64_t i = 0; i < n; ++i)
    texts[static_cast<std::size_t>(i)] = std::to_string(i % 1000) + "\xC3\xA9";
  Strings s(texts);
  Scalar k("500\xC3\xA9");
  BufferView cmp[] = {s.view(), k.view()};
  BufferView one[] = {s.view()};
  BufferView cat[] = {s.view(), s.view()};
  for (int threads : {1, 0}) {
    CAPTURE(threads);
    auto eq = bools(call(strings().get("equal"), cmp, arena.options(threads))[0]);
    auto len = to_vector<int64_t>(call(strings().get("str_len"), one, arena.options(threads))[0]);
    auto joined = take_strings(call(strings().get("str_concat"), cat, arena.options(threads))[0]);
    for (int64_t i = 0; i < n; ++i) {
      const auto u = static_cast<std::size_t>(i);
      if (eq[u] != (i % 1000 == 500) || len[u] != static_cast<int64_t>(texts[u].size()) - 1 ||
          joined[u] != texts[u] + texts[u]) {
        FAIL("mismatch at ", i);
      }
    }
  }
}

TEST_CASE("string: ragged (var * string) elements") {
  Arena arena;
  std::vector<std::string> row0 = {"a", "\xC3\xA9\xC3\xA9"}, row1 = {"", "xyz", "\xF0\x9D\x84\x9E"};
  std::vector<StringElement> e0, e1;
  for (auto& t : row0) e0.push_back({t.data(), static_cast<int64_t>(t.size())});
  for (auto& t : row1) e1.push_back({t.data(), static_cast<int64_t>(t.size())});
  struct Var {
    StringElement* data;
    int64_t size;
  };
  std::vector<Var> rows = {{e0.data(), 2}, {e1.data(), 3}};
  std::vector<int64_t> shape{2}, strides{16};
  BufferView v{reinterpret_cast<char*>(rows.data()), ndt::parse("var * string"), shape, strides,
               false};
  BufferView in[] = {v};
  auto out = call(strings().get("str_len"), in, arena.options());
  REQUIRE(out[0].dtype.str() == "var * int64");
  std::vector<std::vector<int64_t>> lens;
  for (int64_t i = 0; i < 2; ++i) {
    struct {
      int64_t* data;
      int64_t size;
    } r;
    std::memcpy(&r, out[0].data + i * out[0].strides[0], sizeof r);
    lens.emplace_back(r.data, r.data + r.size);
  }
  CHECK(lens == std::vector<std::vector<int64_t>>{{1, 2}, {0, 3, 1}});
}

TEST_CASE("string: no kernel for strings mixed with numbers") {
  Arena arena;
  Strings s({"1"});
  Array<int64_t> x(ndt::int64, {1}, {1});
  BufferView in[] = {s.view(), x.view()};
  CHECK_THROWS_AS(call(strings().get("equal"), in, arena.options()), Error);
  CHECK_THROWS_AS(call(strings().get("add"), in, arena.options()), Error);
}

TEST_CASE("string: the built-in registry, once it holds the string kernels") {
  const Function* len = builtins().find("str_len");
  if (len == nullptr) {
    MESSAGE("builtins() has no string kernels yet; skipped");
    return;
  }
  Arena arena;
  Strings a({"\xC3\xA9", "z"});
  Strings b({"z", "z"});
  BufferView one[] = {a.view()};
  CHECK(to_vector<int64_t>(call(*len, one, arena.options())[0]) == std::vector<int64_t>{1, 1});
  BufferView two[] = {a.view(), b.view()};
  CHECK(bools(call(builtins().get("greater"), two, arena.options())[0]) ==
        std::vector<bool>{true, false});
  CHECK(take_strings(call(builtins().get("add"), two, arena.options())[0]) ==
        std::vector<std::string>{"\xC3\xA9z", "zz"});
  CHECK(take_strings(call(builtins().get("str_concat"), two, arena.options())[0]) ==
        std::vector<std::string>{"\xC3\xA9z", "zz"});
}

TEST_CASE("string: an output partly overlapping an input gets the input's old values") {
  Strings a({"a", "b", "c", "d"});
  Strings b({"1", "2", "3"});
  int64_t three[] = {3};
  int64_t step[] = {16};
  BufferView lo{a.view().data, ndt::string, three, step, false};
  BufferView hi{a.view().data + 16, ndt::string, three, step, false};
  BufferView in[] = {lo, b.view()};
  BufferView outs[] = {hi};
  call_into(strings().get("add"), in, outs);
  std::vector<std::string> got;
  for (int i = 1; i < 4; ++i)
    got.emplace_back(a.array.values[i].data, static_cast<std::size_t>(a.array.values[i].size));
  CHECK(got == std::vector<std::string>{"a1", "b2", "c3"});
  release_strings(reinterpret_cast<char*>(a.array.values.data()) + 16, 3, 16);
}
