// Tests of JSON <-> nd::Array (container/json.hpp): values read against hand-derived bytes,
// every error path with its message, discovery, round trips, ragged/missing data, large input.
#include <doctest/doctest.h>
#include <fmt/format.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "container/array.hpp"
#include "container/json.hpp"
#include "ndt/error.hpp"
#include "ndt/type.hpp"

using namespace pluribus;
namespace nd = pluribus::nd;

namespace {

ndt::Type T(std::string_view datashape) { return ndt::parse(datashape); }

// The message of the Error that `f` throws ("" when it throws none), and its code.
template <class F>
std::string error_of(F&& f, ErrorCode* code = nullptr) {
  try {
    f();
  } catch (const Error& e) {
    if (code) *code = e.code();
    return e.what();
  }
  return "";
}

std::string read_error(std::string_view text, std::string_view type,
                       ErrorCode expected = ErrorCode::value) {
  ErrorCode code = ErrorCode::ok;
  std::string message = error_of([&] { nd::from_json(text, T(type)); }, &code);
  CHECK(code == expected);
  return message;
}

template <class V>
V at(const char* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// A {data, size} pair (string or var element).
struct Pair {
  const char* data;
  int64_t size;
};
Pair pair_at(const char* p) { return {at<const char*>(p), at<int64_t>(p + 8)}; }
std::string string_at(const char* p) {
  Pair s = pair_at(p);
  return std::string(s.data, static_cast<std::size_t>(s.size));
}

}  // namespace

TEST_CASE("json: numbers into fixed dims, values and layout") {
  auto a = nd::from_json("[1.5, -2, 3e2, 0.1]", T("4 * float64"));
  REQUIRE(a.ndim() == 1);
  CHECK(a.shape()[0] == 4);
  CHECK(a.dtype() == ndt::float64);
  const double expected[4] = {1.5, -2.0, 300.0, 0.1};
  CHECK(std::memcmp(a.data(), expected, sizeof expected) == 0);
  CHECK(a(2).as<double>() == 300.0);

  auto m = nd::from_json("[[1, 2, 3], [4, 5, 6]]", T("2 * 3 * int32"));
  REQUIRE(m.ndim() == 2);
  CHECK(m.shape()[1] == 3);
  CHECK(m.strides()[0] == 12);
  const int32_t ints[6] = {1, 2, 3, 4, 5, 6};
  CHECK(std::memcmp(m.data(), ints, sizeof ints) == 0);
  CHECK(m(1, 2).as<int64_t>() == 6);

  // Whitespace and newlines anywhere between tokens.
  auto w = nd::from_json(" \n[ 1 ,\t2 ]\r\n", T("2 * int64"));
  CHECK(at<int64_t>(w.data() + 8) == 2);
}

TEST_CASE("json: integer types are range-checked; fractions and exponents are refused") {
  auto a = nd::from_json("[127, -128]", T("2 * int8"));
  CHECK(at<int8_t>(a.data()) == 127);
  CHECK(at<int8_t>(a.data() + 1) == -128);
  auto u = nd::from_json("[18446744073709551615, 0]", T("2 * uint64"));
  CHECK(at<uint64_t>(u.data()) == std::numeric_limits<uint64_t>::max());
  auto i = nd::from_json("[-9223372036854775808, 9223372036854775807]", T("2 * int64"));
  CHECK(at<int64_t>(i.data()) == std::numeric_limits<int64_t>::min());
  CHECK(at<int64_t>(i.data() + 8) == std::numeric_limits<int64_t>::max());

  CHECK(read_error("[1, 128]", "2 * int8") == "$[1]: expected int8, got 128 (out of range)");
  CHECK(read_error("[-1]", "1 * uint16") == "$[0]: expected uint16, got -1 (out of range)");
  CHECK(read_error("[65536]", "1 * uint16") == "$[0]: expected uint16, got 65536 (out of range)");
  CHECK(read_error("[9223372036854775808]", "1 * int64") ==
        "$[0]: expected int64, got 9223372036854775808 (out of range)");
  CHECK(read_error("[2.5]", "1 * int64") ==
        "$[0]: expected int64, got 2.5 (a number with a fraction or exponent)");
  // 1.0 and 1e3 are integral but went through a double: refused too (documented).
  CHECK(read_error("[1.0]", "1 * int32") ==
        "$[0]: expected int32, got 1.0 (a number with a fraction or exponent)");
  CHECK(read_error("[1e3]", "1 * int64") ==
        "$[0]: expected int64, got 1e3 (a number with a fraction or exponent)");
  CHECK(read_error("[\"7\"]", "1 * int64") == "$[0]: expected int64, got \"7\"");
}

TEST_CASE("json: floats, float32 overflow, float16, bool, complex") {
  auto f = nd::from_json("[0.1, 3]", T("2 * float32"));
  CHECK(at<float>(f.data()) == 0.1f);
  CHECK(at<float>(f.data() + 4) == 3.0f);
  CHECK(read_error("[1e300]", "1 * float32") ==
        "$[0]: expected float32, got 1e+300 (out of range)");

  // float16 1.5 is 0x3E00 (sign 0, exponent 15, mantissa 0x200); -2 is 0xC000.
  auto h = nd::from_json("[1.5, -2]", T("2 * float16"));
  CHECK(at<uint16_t>(h.data()) == 0x3E00);
  CHECK(at<uint16_t>(h.data() + 2) == 0xC000);

  auto b = nd::from_json("[true, false, true]", T("3 * bool"));
  CHECK(std::string(b.data(), 3) == std::string("\1\0\1", 3));
  CHECK(read_error("[1]", "1 * bool") == "$[0]: expected bool, got 1");
  CHECK(read_error("[true]", "1 * float64") == "$[0]: expected float64, got true");

  auto c = nd::from_json("[[1, -2.5], 3]", T("2 * complex128"));
  const double parts[4] = {1.0, -2.5, 3.0, 0.0};
  CHECK(std::memcmp(c.data(), parts, sizeof parts) == 0);
  auto c64 = nd::from_json("[[0.5, 2]]", T("1 * complex64"));
  CHECK(at<float>(c64.data()) == 0.5f);
  CHECK(at<float>(c64.data() + 4) == 2.0f);
  CHECK(read_error("[[1]]", "1 * complex128") ==
        "$[0]: expected complex128 as [re, im] (two numbers), got 1 numbers");
  CHECK(read_error("[[1, 2, 3]]", "1 * complex128") ==
        "$[0]: expected complex128 as [re, im] (two numbers), got more than 2 numbers");
  CHECK(read_error("[[1, \"x\"]]", "1 * complex128") ==
        "$[0][1]: expected complex128 as [re, im] (two numbers), got \"x\"");
}

TEST_CASE("json: records by key, missing and unknown keys, ?T") {
  const auto type = T("2 * {id: int64, name: string, score: ?float64}");
  auto a = nd::from_json(R"([{"id": 1, "name": "ab", "score": 2.5},
                             {"name": "c", "id": 2, "score": null}])",
                         type);
  // Layout by hand: id at 0, name {ptr, size} at 8, score at 24 with its validity byte at 32;
  // size 33 rounded up to the alignment 8 = 40.
  REQUIRE(a.strides()[0] == 40);
  const char* r0 = a.data();
  const char* r1 = a.data() + 40;
  CHECK(at<int64_t>(r0) == 1);
  CHECK(string_at(r0 + 8) == "ab");
  CHECK(at<double>(r0 + 24) == 2.5);
  CHECK(r0[32] == 1);
  CHECK(at<int64_t>(r1) == 2);
  CHECK(string_at(r1 + 8) == "c");
  CHECK(r1[32] == 0);
  CHECK(at<double>(r1 + 24) == 0.0);  // missing keeps the value bytes zero
  CHECK(a.field("id")(1).as<int64_t>() == 2);
  CHECK(a(1).field("score").is_missing());
  CHECK(a(0).field("score").as<double>() == 2.5);
  CHECK(a(0).field("name").as<std::string>() == "ab");

  // An absent ?T key is missing; an absent plain key is an error.
  auto b = nd::from_json(R"([{"id": 3, "name": ""}])",
                         T("1 * {id: int64, name: string, score: ?float64}"));
  CHECK(b.data()[32] == 0);
  CHECK(pair_at(b.data() + 8).size == 0);
  CHECK(read_error(R"([{"id": 1, "name": "x"}, {"name": "y"}])", "2 * {id: int64, name: string}") ==
        "$[1]: missing key \"id\" (int64)");
  CHECK(read_error(R"([{"id": 1, "nme": "x"}])", "1 * {id: int64, name: string}") ==
        "$[0]: unknown key \"nme\" for {id: int64, name: string}");
  CHECK(read_error(R"([{"id": 1, "id": 2}])", "1 * {id: int64}") == "$[0]: repeated key \"id\"");
  CHECK(read_error(R"([{"id": 1, "amount": "abc"}])", "1 * {id: int64, amount: ?float64}") ==
        "$[0].amount: expected float64 or null, got \"abc\"");
  CHECK(read_error(R"([[1]])", "1 * {id: int64}") == "$[0]: expected {id: int64}, got an array");
  CHECK(read_error(R"([{"id": 1}])", "1 * 1 * int64") == "$[0]: expected 1 * int64, got an object");
  // Paths through nested members; keys that are not identifiers are quoted.
  CHECK(read_error(R"([{"a": {"b": [1, "x"]}}])", "1 * {a: {b: 2 * int64}}") ==
        "$[0].a.b[1]: expected int64, got \"x\"");
  CHECK(error_of([] {
          nd::from_json(R"({"my key": null})", ndt::make_record({{"my key", ndt::int64}}));
        }) == "$[\"my key\"]: expected int64, got null");
}

TEST_CASE("json: tuples, null into non-options, dim lengths") {
  auto t = nd::from_json(R"([[1, "a"], [2, "bc"]])", T("2 * (int32, string)"));
  // (int32, string): int32 at 0, string at 8 (aligned), size 24.
  REQUIRE(t.strides()[0] == 24);
  CHECK(at<int32_t>(t.data() + 24) == 2);
  CHECK(string_at(t.data() + 32) == "bc");
  CHECK(read_error(R"([[1]])", "1 * (int32, string)") ==
        "$[0]: expected 2 members ((int32, string)), got 1");
  CHECK(read_error(R"([[1, "a", 2]])", "1 * (int32, string)") ==
        "$[0]: expected 2 members ((int32, string)), got more");
  CHECK(read_error("[1, null]", "2 * int64") == "$[1]: expected int64, got null");
  CHECK(read_error("[[1, 2], [3]]", "2 * 2 * int64") ==
        "$[1]: expected 2 elements (2 * int64), got 1");
  CHECK(read_error("[[1, 2, 3]]", "1 * 2 * int64") ==
        "$[0]: expected 2 elements (2 * int64), got more");
  CHECK(read_error("[1, 2]", "3 * int64") == "$: expected 3 elements (3 * int64), got 2");
  CHECK(read_error("[1, 2]", "3 * float64") == "$: expected 3 elements (3 * float64), got 2");
  CHECK(read_error("5", "3 * float64") == "$: expected 3 * float64, got 5");
}

TEST_CASE("json: var dims are ragged; a leading var gives a 0-dim array") {
  auto a = nd::from_json("[[1, 2], [], [3]]", T("var * var * int64"));
  CHECK(a.ndim() == 0);
  CHECK(a.dtype() == T("var * var * int64"));
  Pair outer = pair_at(a.data());
  REQUIRE(outer.size == 3);
  Pair e0 = pair_at(outer.data);
  Pair e1 = pair_at(outer.data + 16);
  Pair e2 = pair_at(outer.data + 32);
  REQUIRE(e0.size == 2);
  CHECK(at<int64_t>(e0.data) == 1);
  CHECK(at<int64_t>(e0.data + 8) == 2);
  CHECK(e1.size == 0);
  CHECK(e1.data == nullptr);
  REQUIRE(e2.size == 1);
  CHECK(at<int64_t>(e2.data) == 3);
  CHECK(a(0)(1).as<int64_t>() == 2);
  CHECK(a(2)(0).as<int64_t>() == 3);

  auto b = nd::from_json("[[1.5], [2, 3, 4]]", T("2 * var * float64"));
  REQUIRE(b.ndim() == 1);
  CHECK(b.dtype() == T("var * float64"));
  Pair b1 = pair_at(b.data() + 16);
  REQUIRE(b1.size == 3);
  CHECK(at<double>(b1.data + 16) == 4.0);
  CHECK(b(1)(2).as<double>() == 4.0);

  // A long ragged element grows past its first blocks; nested records with strings and ?T.
  std::string text = "[";
  for (int i = 0; i < 1000; ++i)
    text += fmt::format("{}{{\"k\": {}, \"s\": \"v{}\"}}", i ? "," : "",
                        i % 7 ? fmt::format("{}", i) : "null", i);
  text += "]";
  auto r = nd::from_json(text, T("var * {k: ?int32, s: string}"));
  Pair all = pair_at(r.data());
  REQUIRE(all.size == 1000);
  // {k: ?int32 (4 + validity byte at 4), s: string at 8}: 24 bytes.
  const char* e700 = all.data + 700 * 24;
  CHECK(e700[4] == 0);  // 700 % 7 == 0: null
  const char* e701 = all.data + 701 * 24;
  CHECK(at<int32_t>(e701) == 701);
  CHECK(e701[4] == 1);
  CHECK(string_at(e701 + 8) == "v701");
  CHECK(read_error("[[1], [\"a\"]]", "var * var * int64") == "$[1][0]: expected int64, got \"a\"");
}

TEST_CASE("json: strings, escapes and fixed_string") {
  auto a = nd::from_json(R"(["a\"b\\c\n", "\u00e9\ud83d\ude00", ""])", T("3 * string"));
  CHECK(string_at(a.data()) == "a\"b\\c\n");
  CHECK(string_at(a.data() + 16) == "\xc3\xa9\xf0\x9f\x98\x80");
  CHECK(pair_at(a.data() + 32).size == 0);
  // Strings are NUL-terminated in the array's memory.
  CHECK(pair_at(a.data()).data[6] == '\0');

  auto ascii = nd::from_json(
      R"(["ab", "abc"])", ndt::make_fixed_dim(2, ndt::make_fixed_string(3, ndt::Encoding::ascii)));
  CHECK(std::memcmp(ascii.data(), "ab\0abc", 6) == 0);
  auto utf32 = nd::from_json(
      R"(["\u00e9x"])", ndt::make_fixed_dim(1, ndt::make_fixed_string(2, ndt::Encoding::utf32)));
  CHECK(at<uint32_t>(utf32.data()) == 0xE9);
  CHECK(at<uint32_t>(utf32.data() + 4) == 'x');
  std::string long_error = error_of([] {
    nd::from_json(R"(["abcd"])",
                  ndt::make_fixed_dim(1, ndt::make_fixed_string(3, ndt::Encoding::ascii)));
  });
  CHECK(long_error.find("$[0]: expected fixed_string") == 0);
  CHECK(long_error.find("got \"abcd\" (too long or not ascii)") != std::string::npos);
  CHECK(read_error("[1]", "1 * string") == "$[0]: expected string, got 1");
  // Long strings are shortened in messages, at a code point boundary.
  CHECK(read_error("[\"" + std::string(36, 'a') + "\u00e9bcdef\"]", "1 * int64") ==
        "$[0]: expected int64, got \"" + std::string(36, 'a') + "...\"");
}

TEST_CASE("json: malformed text is a positioned parse error") {
  try {
    nd::from_json("[1, 2,, 3]", T("3 * float64"));
    FAIL("no error");
  } catch (const ParseError& e) {
    CHECK(e.line() == 1);
    CHECK(e.column() == 7);  // the second comma
    CHECK(std::string(e.what()).find("\n  [1, 2,, 3]\n        ^") != std::string::npos);
  }
  try {
    nd::from_json("[1,\n 2,\n x]", T("3 * int64"));
    FAIL("no error");
  } catch (const ParseError& e) {
    CHECK(e.line() == 3);
    CHECK(e.column() == 2);
    CHECK(e.message().find("invalid JSON") == 0);
  }
  for (const char* bad : {"", "[1, 2", "[1] 2", "[1 1]", "[\"a]", "[1e999]", "[01]", "[tru]"}) {
    const std::string shown = bad;
    CAPTURE(shown);
    ErrorCode code = ErrorCode::ok;
    error_of([&] { nd::from_json(bad, T("var * int64")); }, &code);
    CHECK(code == ErrorCode::parse);
    code = ErrorCode::ok;
    error_of([&] { nd::discover_json(bad); }, &code);
    CHECK(code == ErrorCode::parse);
  }
}

TEST_CASE("json: types the reader cannot fill are refused before parsing") {
  CHECK(read_error("[]", "0 * bytes", ErrorCode::type) ==
        "from_json: bytes cannot be read from JSON (in 0 * bytes)");
  CHECK(read_error("[]", "var * {a: date}", ErrorCode::type) ==
        "from_json: date cannot be read from JSON (in var * {a: date})");
  CHECK(read_error("[]", "N * int64", ErrorCode::type) ==
        "from_json: N * int64 is not a concrete type");
}

TEST_CASE("json: the number fast path gives the SAX path's values and errors") {
  // Irregular numbers: -0 is read as the integer 0 (+0.0), integers beyond uint64 and
  // underflowing/denormal floats go through strtod. The ?float64 type forces the SAX path.
  const std::string text =
      "[-0, -0.0, 0.1, 1e308, 4.9e-324, 1e-400, 123456789012345678901234567890, "
      "18446744073709551615, -9223372036854775808, 2.2250738585072014e-308, 5E+2, "
      "1.7976931348623157e308]";
  auto fast = nd::from_json(text, T("12 * float64"));
  auto slow = nd::from_json(text, T("12 * ?float64"));
  const double expected[12] = {0.0,
                               -0.0,
                               0.1,
                               1e308,
                               4.9e-324,
                               0.0,
                               1.2345678901234568e29,
                               18446744073709551615.0,
                               -9223372036854775808.0,
                               2.2250738585072014e-308,
                               500.0,
                               1.7976931348623157e308};
  for (int i = 0; i < 12; ++i) {
    CAPTURE(i);
    const double f = at<double>(fast.data() + 8 * i);
    const double s = at<double>(slow.data() + 16 * i);
    CHECK(std::memcmp(&f, &expected[i], 8) == 0);
    CHECK(std::memcmp(&s, &expected[i], 8) == 0);
  }
  CHECK(!std::signbit(at<double>(fast.data())));
  CHECK(std::signbit(at<double>(fast.data() + 8)));
  auto ints = nd::from_json("[[1, -2], [0, 9223372036854775807]]", T("2 * 2 * int64"));
  CHECK(at<int64_t>(ints.data() + 8) == -2);
  CHECK(at<int64_t>(ints.data() + 24) == std::numeric_limits<int64_t>::max());
  CHECK(read_error("[1, 2.5]", "2 * int64") ==
        "$[1]: expected int64, got 2.5 (a number with a fraction or exponent)");
  CHECK(read_error("[1, 2, 3]", "2 * float64") == "$: expected 2 elements (2 * float64), got more");
  CHECK(read_error("[[1], [2, 3]]", "2 * 1 * float64") ==
        "$[1]: expected 1 elements (1 * float64), got more");
}

TEST_CASE("json: discovery") {
  struct Case {
    const char* text;
    const char* type;
  };
  const Case cases[] = {
      {"[[1, 2], [3]]", "2 * var * int64"},
      {"[1, 2.5]", "2 * float64"},
      {"[[1, 2], [3, 4]]", "2 * 2 * int64"},
      {"[true, false]", "2 * bool"},
      {"[\"a\", null]", "2 * ?string"},
      {"[null, 1]", "2 * ?int64"},
      {"[null, null]", "2 * ?float64"},
      {"[]", "0 * float64"},
      {"[[], []]", "2 * 0 * float64"},
      {"[[], [1]]", "2 * var * int64"},
      {"5", "int64"},
      {"\"x\"", "string"},
      {"[18446744073709551615, 1]", "2 * uint64"},
      {"[-1, 1.5e300]", "2 * float64"},
      {R"([{"a": 1, "b": "x"}, {"b": "y", "a": 2.5}])", "2 * {a: float64, b: string}"},
      {R"([{"a": 1}, {"b": true}])", "2 * {a: ?int64, b: ?bool}"},
      {R"([{"a": 1}, null])", "2 * ?{a: int64}"},
      {R"({"x": [[1], [2, 3]], "y": {}})", "{x: 2 * var * int64, y: {}}"},
      {R"([{"p": [1, 2]}, {"p": [3]}])", "2 * {p: var * int64}"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(nd::discover_json(c.text) == T(c.type));
  }
  const std::string deep = std::string(10001, '[') + std::string(10001, ']');
  CHECK(error_of([&] { nd::discover_json(deep); }).find("nested deeper than 10000 levels") !=
        std::string::npos);
  auto a = nd::from_json("[[1, 2], [3]]");
  CHECK(a.shape()[0] == 2);
  CHECK(a(1)(0).as<int64_t>() == 3);

  auto fails = [](const char* text) {
    ErrorCode code = ErrorCode::ok;
    std::string message = error_of([&] { nd::discover_json(text); }, &code);
    CHECK(code == ErrorCode::value);
    return message;
  };
  CHECK(fails("[1, true]") ==
        "discover_json: $[1]: ambiguous: a bool where an integer was seen before (give a type)");
  CHECK(fails("[1, \"a\"]") ==
        "discover_json: $[1]: ambiguous: a string where an integer was seen before (give a type)");
  CHECK(fails("[[1], 2]") ==
        "discover_json: $[1]: ambiguous: an integer where a list was seen before (give a type)");
  CHECK(fails(R"([{"a": 1}, [1]])") ==
        "discover_json: $[1]: ambiguous: a list where an object was seen before (give a type)");
  CHECK(fails("[-1, 18446744073709551615]") ==
        "discover_json: $[1]: ambiguous: negative integers and integers above int64 (give a type)");
  CHECK(fails("[[1], null]") ==
        "discover_json: $[1]: ambiguous: null and lists at one position (a dim cannot be missing)");
  CHECK(fails(R"([{"a": 1, "a": 2}])") == "discover_json: $[0]: repeated key \"a\"");
  CHECK(fails(R"([{"a": [1]}, {}])") ==
        "discover_json: $[].a: ambiguous: a key with list values is absent from some objects (a "
        "dim cannot be missing)");
  CHECK(fails(R"([{"a": {"b": [1, true]}}])") ==
        "discover_json: $[0].a.b[1]: ambiguous: a bool where an integer was seen before (give a "
        "type)");
}

TEST_CASE("json: to_json of hand-made memory") {
  double values[3] = {0.1, 1.0, -2.5e-300};
  auto a = nd::Array::from_pointer(values, T("3 * float64"));
  CHECK(nd::to_json(a) == "[0.1,1.0,-2.5e-300]");
  double bad[2] = {1.0, std::numeric_limits<double>::quiet_NaN()};
  ErrorCode code = ErrorCode::ok;
  CHECK(error_of([&] { nd::to_json(nd::Array::from_pointer(bad, T("2 * float64"))); }, &code) ==
        "to_json: $[1]: nan has no JSON form");
  CHECK(code == ErrorCode::value);
  double inf[1] = {std::numeric_limits<double>::infinity()};
  CHECK(error_of([&] { nd::to_json(nd::Array::from_pointer(inf, T("1 * {x: float64}"))); }) ==
        "to_json: $[0].x: inf has no JSON form");
  float f[2] = {0.1f, 16777216.0f};
  CHECK(nd::to_json(nd::Array::from_pointer(f, T("2 * float32"))) == "[0.1,16777216.0]");
  // A strided, reversed view: every other element backwards.
  int64_t ints[5] = {0, 1, 2, 3, 4};
  const int64_t shape[1] = {3};
  const int64_t strides[1] = {-16};
  CHECK(nd::to_json(nd::Array::from_pointer(ints + 4, ndt::int64, shape, strides)) == "[4,2,0]");
  // Control characters and quotes escaped; UTF-8 kept; invalid UTF-8 refused.
  struct Str {
    const char* data;
    int64_t size;
  };
  Str strings[2] = {{"a\x01\"\t\xc3\xa9", 6}, {"\xff", 1}};
  CHECK(nd::to_json(nd::Array::from_pointer(strings, T("1 * string"))) ==
        "[\"a\\u0001\\\"\\t\xc3\xa9\"]");
  CHECK(error_of([&] { nd::to_json(nd::Array::from_pointer(strings, T("2 * string"))); }) ==
        "to_json: $[1]: the string is not valid UTF-8");
  // ?int32: value then validity byte; missing writes null.
  unsigned char opt[16] = {7, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 0, 0, 0, 0};
  CHECK(nd::to_json(nd::Array::from_pointer(opt, T("2 * ?int32"))) == "[7,null]");
  CHECK(error_of([] { nd::to_json(nd::Array()); }) == "to_json: an empty array handle");
}

TEST_CASE("json: round trips of canonical texts") {
  struct Case {
    const char* type;
    const char* text;
  };
  const Case cases[] = {
      {"3 * float64", "[0.1,-2.0,1e+300]"},
      {"2 * 2 * int64", "[[1,-2],[3,9223372036854775807]]"},
      {"3 * int8", "[-128,0,127]"},
      {"2 * uint64", "[0,18446744073709551615]"},
      {"2 * bool", "[true,false]"},
      {"2 * float32", "[0.1,3.4028235e+38]"},
      {"2 * complex128", "[[1.0,-0.5],[0.0,2.0]]"},
      {"var * var * int64", "[[1,2],[],[3]]"},
      {"2 * var * string", "[[\"a\",\"\\\"q\\\"\"],[]]"},
      {"2 * {id: int64, name: string, score: ?float64}",
       "[{\"id\":1,\"name\":\"ab\",\"score\":2.5},{\"id\":2,\"name\":\"\\n\",\"score\":null}]"},
      {"2 * (int32, ?string)", "[[1,\"x\"],[2,null]]"},
      {"{a: var * {b: ?bool}}", "{\"a\":[{\"b\":true},{\"b\":null}]}"},
      {"int64", "42"},
      {"?float64", "null"},
      {"2 * float16", "[1.5,-2.0]"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(nd::to_json(nd::from_json(c.text, T(c.type))) == c.text);
  }
  for (const char* text :
       {"[[1,2],[3]]", "[{\"a\":1.5,\"b\":\"x\"},{\"a\":null,\"b\":\"y\"}]", "[true,null]"}) {
    CAPTURE(text);
    CHECK(nd::to_json(nd::from_json(text)) == text);
  }
}

TEST_CASE("json: nested literals") {
  nd::Array a{{1, 2}, {3}};
  CHECK(a.type() == T("2 * var * int64"));
  CHECK(a(0)(1).as<int64_t>() == 2);
  nd::Array b{1, 2.5, nullptr};
  CHECK(b.type() == T("3 * ?float64"));
  CHECK(b(1).as<double>() == 2.5);
  CHECK(b(2).is_missing());
  nd::Array s{"a\"b", "c"};
  CHECK(s.type() == T("2 * string"));
  CHECK(s(0).as<std::string>() == "a\"b");
  CHECK(nd::Nested(1.0).json() == "1.0");
  CHECK(nd::Nested({1, "x", nullptr, true}).json() == "[1,\"x\",null,true]");
  CHECK(error_of([] { nd::Array{1.0, std::nan("")}; }) == "nd::Array{...}: nan has no JSON form");
  CHECK(error_of([] { nd::Array{1, true}; }).find("ambiguous") != std::string::npos);
}

TEST_CASE("json: files") {
  const std::string path =
      fmt::format("/tmp/pluribus_test_json_{}.json", static_cast<long>(::getpid()));
  {
    std::FILE* f = std::fopen(path.c_str(), "w");
    REQUIRE(f);
    std::fputs("[{\"x\": 1},\n {\"x\": 2}]\n", f);
    std::fclose(f);
  }
  auto a = nd::from_json_file(path, T("var * {x: int64}"));
  Pair all = pair_at(a.data());
  REQUIRE(all.size == 2);
  CHECK(at<int64_t>(all.data + 8) == 2);
  std::string message = error_of([&] { nd::from_json_file(path, T("var * {x: string}")); });
  CHECK(message == "$[0].x: expected string, got 1");
  std::remove(path.c_str());
  ErrorCode code = ErrorCode::ok;
  message = error_of([&] { nd::from_json_file(path, T("var * int64")); }, &code);
  CHECK(code == ErrorCode::invalid_argument);
  CHECK(message.find(path) != std::string::npos);
}

TEST_CASE("json: 1e5 generated records read back") {
  const int n = 100000;
  std::string text = "[";
  for (int i = 0; i < n; ++i) {
    if (i) text += ",\n";
    if (i % 10 == 3)
      text += fmt::format(R"({{"id": {}, "name": "n{}", "score": null}})", i, i);
    else
      text += fmt::format(R"({{"id": {}, "name": "n{}", "score": {}.25}})", i, i, i);
  }
  text += "]";
  auto a = nd::from_json(text, T("var * {id: int64, name: string, score: ?float64}"));
  Pair all = pair_at(a.data());
  REQUIRE(all.size == n);
  int64_t id_sum = 0;
  int64_t missing = 0;
  double score_sum = 0;
  bool names_ok = true;
  for (int i = 0; i < n; ++i) {
    const char* r = all.data + 40 * i;
    id_sum += at<int64_t>(r);
    if (r[32])
      score_sum += at<double>(r + 24);
    else
      ++missing;
    names_ok = names_ok && string_at(r + 8) == fmt::format("n{}", i);
  }
  CHECK(id_sum == int64_t{n} * (n - 1) / 2);
  CHECK(missing == n / 10);
  // Sum over i % 10 != 3 of (i + 0.25): all of them minus those with i % 10 == 3.
  const double all_scores = double(n) * (n - 1) / 2 + 0.25 * n;
  double threes = 0;
  for (int i = 3; i < n; i += 10) threes += i + 0.25;
  CHECK(score_sum == doctest::Approx(all_scores - threes).epsilon(1e-12));
  CHECK(names_ok);
  CHECK(a(99999).field("id").as<int64_t>() == 99999);
  CHECK(nd::to_json(nd::from_json(nd::to_json(a))) == nd::to_json(a));
}
