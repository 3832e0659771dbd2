// Parsing: canonical spellings, positioned errors with carets, bounded nesting, typedefs,
// and required-concrete checks.
#include <doctest/doctest.h>

#include <limits>
#include <string>

#include "ndt/type.hpp"

using namespace pluribus;

namespace {

ParseError parse_error(const std::string& text, ndt::ParseOptions options = {}) {
  try {
    (void)ndt::parse(text, options);
  } catch (const ParseError& e) {
    return e;
  }
  FAIL("expected a parse error for: " << text);
  return ParseError("", "", 0, 0);
}

}  // namespace

TEST_CASE("every spelling of a type prints the same canonical form") {
  const std::pair<const char*, const char*> spellings[] = {
      {"int", "int32"},
      {"real", "float64"},
      {"complex", "complex128"},
      {"complex[float32]", "complex64"},
      {"option[int32]", "?int32"},
      {"ref(int8)", "pointer[int8]"},
      {"&int8", "pointer[int8]"},
      {"pointer[int8]", "pointer[int8]"},
      {"fixed_string(10, 'A')", "fixed_string[10, 'ascii']"},
      {"fixed_string[10,'utf-8']", "fixed_string[10]"},
      {"string[10, 'U32']", "fixed_string[10, 'utf32']"},
      {"fixed_bytes(size=16, align=4)", "fixed_bytes[16, align=4]"},
      {"fixed_bytes[16]", "fixed_bytes[16]"},
      {"bytes(align=2)", "bytes[align=2]"},
      {"char('U16')", "char['utf16']"},
      {"char", "char"},
      {"fixed[3] * int8", "3 * int8"},
      {"7**3 * float32", "7 * 7 * 7 * float32"},
      {"fixed(shape=4, step=-6) * 2 * 3 * float32", "fixed[4, stride=-24] * 2 * 3 * float32"},
      {"F[2 * 3 * float64]", "!2 * 3 * float64"},
      {"C[2 * 3 * float64]", "2 * 3 * float64"},
      {"array * float64", "var * float64"},
      {"var(offsets=[0,2]) * var(offsets=[0,3,10]) * int8", "var * var * int8"},
      {"{x : int32 , y:int64,}", "{x: int32, y: int64}"},
      {"{'a b': int8, \"c\": int8}", "{'a b': int8, c: int8}"},
      {"(int8, int64, pack=1)", "(int8, int64 |pack=1|)"},
      {"(int8 |align=1|, int64)", "(int8, int64)"},
      {"{x: uint16, y: {z: complex128}, align=16}", "{x: uint16, y: {z: complex128}, align=16}"},
      {"timedelta[unit='seconds']", "timedelta[unit='s']"},
      {"timedelta[unit='us']", "timedelta"},
      {"decimal[7,2]", "decimal[7, 2]"},
      {"categorical(1.5, 'a', NA, -3)", "categorical[1.5, 'a', NA, -3]"},
      {"int64, Any -> Any", "(int64, Any) -> Any"},
      {"(int32, scale: float64, ...) -> int32", "(int32, scale: float64, ...) -> int32"},
      {"<int64", "int64"},
      {"[Int of int64 | Float of float32]", "Int of int64 | Float of float32"},
      {"ScalarKind", "Scalar"},
      {"  int64  ", "int64"},
  };
  for (const auto& [input, canonical] : spellings) {
    CAPTURE(input);
    ndt::Type t = ndt::parse(input);
    CHECK(t.str() == canonical);
    CHECK(ndt::parse(t.str()) == t);
  }
}

TEST_CASE("strides and Fortran order are part of the type") {
  ndt::Type c = ndt::parse("2 * 3 * float64");
  ndt::Type f = ndt::parse("!2 * 3 * float64");
  CHECK(c != f);
  CHECK(c.strides() == std::vector<int64_t>{24, 8});
  CHECK(f.strides() == std::vector<int64_t>{8, 16});
  CHECK(f.size() == 48);
  ndt::Type neg = ndt::parse("fixed[4, stride=-8] * float64");
  CHECK(neg.size() == 32);
  CHECK(neg.stride() == -8);
  ndt::Type zero = ndt::parse("fixed[10, stride=0] * float64");
  CHECK(zero.size() == 8);
}

TEST_CASE("a parse error names line and column and shows a caret") {
  ParseError e = parse_error("{x: int32, y: flaot64}");
  CHECK(e.line() == 1);
  CHECK(e.column() == 15);
  CHECK(std::string(e.what()) ==
        "line 1, column 15: unknown type name 'flaot64'\n"
        "  {x: int32, y: flaot64}\n"
        "                ^");

  e = parse_error("{\n  a: int32,\n  b: 10 *\n}");
  CHECK(e.line() == 4);
  CHECK(e.column() == 1);
  CHECK(e.message() == "expected data type");

  e = parse_error("int32 float64");
  CHECK(e.column() == 7);
  CHECK(e.message() == "expected the end of the datashape");

  e = parse_error("{a: int8, a: int16}");
  CHECK(e.column() == 11);
  CHECK(e.message() == "duplicate field name 'a'");

  e = parse_error("fixed_string[10, 'klingon']");
  CHECK(e.column() == 18);

  e = parse_error("");
  CHECK(e.column() == 1);
  CHECK(parse_error("{a: int8").message() == "expected '}'");
  CHECK(parse_error("(int8, x: int16)").message().find("tuple member") != std::string::npos);
  CHECK(parse_error("{'abc: int8}").message().find("unterminated") != std::string::npos);
}

TEST_CASE("sizes are overflow-checked") {
  ParseError e = parse_error("2 * 4611686018427387904 * uint8");
  CHECK(e.message().find("overflow") != std::string::npos);
  CHECK(parse_error("99999999999999999999 * int8").column() == 1);
  CHECK(parse_error("fixed_string[4611686018427387904, 'utf32']").message().find("overflow") !=
        std::string::npos);
  CHECK(ndt::parse("9223372036854775807 * uint8").size() == INT64_MAX);
}

TEST_CASE("deep nesting is an error, never a stack overflow") {
  const int n = 100000;
  std::string parens = std::string(n, '(') + "int32" + std::string(n, ')');
  CHECK(parse_error(parens).message().find("nesting") != std::string::npos);
  std::string constructors;
  for (int i = 0; i < n; ++i) constructors += "X[";
  constructors += "int32" + std::string(n, ']');
  CHECK(parse_error(constructors).message().find("nesting") != std::string::npos);
  std::string lists = "categorical[" + std::string(n, '[') + "1" + std::string(n + 1, ']');
  CHECK(parse_error(lists).message().find("nesting") != std::string::npos);
  std::string records;
  for (int i = 0; i < n; ++i) records += "{a: ";
  records += "int8" + std::string(n, '}');
  CHECK(parse_error(records).message().find("nesting") != std::string::npos);
  CHECK(parse_error(std::string(n, '?') + "int8").message().find("nesting") != std::string::npos);
  CHECK(parse_error(std::string(n, '&') + "int8").message().find("nesting") != std::string::npos);
  std::string dims;
  for (int i = 0; i < n; ++i) dims += "1 * ";
  CHECK(parse_error(dims + "int8").message().find("nesting") != std::string::npos);
  // A type nested as deep as allowed is fine and prints back.
  std::string ok;
  for (int i = 0; i < 60; ++i) ok += "{a: ";
  ok += "int8" + std::string(60, '}');
  CHECK(ndt::parse(ndt::parse(ok).str()) == ndt::parse(ok));
}

TEST_CASE("typedefs are nominal and never resolved by accident") {
  ndt::Type point = ndt::define_typedef("test_point", ndt::parse("{x: float64, y: float64}"));
  CHECK(ndt::parse("test_point") == point);
  CHECK(ndt::parse("test_point") != ndt::parse("{x: float64, y: float64}"));
  CHECK(ndt::parse("3 * test_point").size() == 48);
  CHECK(ndt::parse("3 * test_point").str() == "3 * test_point");
  CHECK(ndt::define_typedef("test_point", ndt::parse("{x: float64, y: float64}")) == point);
  CHECK_THROWS_AS(ndt::define_typedef("test_point", ndt::int32), Error);
  CHECK_THROWS_AS(ndt::define_typedef("Capital", ndt::int32), Error);
  CHECK(parse_error("test_pointt").message() == "unknown type name 'test_pointt'");
}

TEST_CASE("a capitalised typo where a concrete type is required is named") {
  // As a pattern, `Int32` is a type variable...
  CHECK(ndt::parse("3 * Int32").kind() == ndt::Kind::FixedDim);
  CHECK_FALSE(ndt::parse("3 * Int32").is_concrete());
  // ...but where a concrete type is required it is an error that suggests int32.
  ndt::ParseOptions concrete{.require_concrete = true};
  ParseError e = parse_error("3 * Int32", concrete);
  CHECK(e.message() ==
        "'Int32' is a type variable, but a concrete type is required here (did you mean 'int32'?)");
  CHECK(e.column() == 5);
  CHECK(parse_error("N * int8", concrete).message().find("dimension variable") != std::string::npos);
  CHECK(parse_error("Any", concrete).message().find("abstract") != std::string::npos);
  CHECK(ndt::parse("3 * int32", concrete).size() == 12);
  // Sizes of abstract types are errors, not garbage.
  CHECK_THROWS_AS((void)ndt::parse("N * int8").size(), Error);
}

TEST_CASE("signatures") {
  ndt::Type f = ndt::parse("(M * N * T, N * P * T) -> M * P * T");
  REQUIRE(f.kind() == ndt::Kind::Function);
  CHECK(f.npositional() == 2);
  CHECK(f.outputs().size() == 1);
  CHECK(f.outputs()[0].str() == "M * P * T");
  ndt::Type g = ndt::parse("int64, int64, (bytes, ...) -> float32, float64");
  CHECK(g.npositional() == 3);
  CHECK(g.fields()[2].type.str() == "(bytes, ...)");
  CHECK(g.outputs().size() == 2);
  CHECK(ndt::parse(g.str()) == g);
  ndt::Type nested = ndt::parse("(N * S, func: (M * S) -> T) -> N * T");
  CHECK(nested.fields()[1].name == "func");
  CHECK(nested.fields()[1].type.kind() == ndt::Kind::Function);
  CHECK(ndt::parse("10 * (string) -> int64").child().kind() == ndt::Kind::Function);
}

TEST_CASE("nested constructor arguments parse in linear time") {
  // Each level is tried as a dimension and then as a type; without reusing the parsed
  // arguments this would take 2^60 steps.
  std::string s;
  for (int i = 0; i < 38; ++i) s += i % 2 ? "Foo(" : "pointer[";
  s += "int8";
  for (int i = 37; i >= 0; --i) s += i % 2 ? ")" : "]";
  ndt::Type t = ndt::parse(s);
  CHECK(ndt::parse(t.str()) == t);
}

TEST_CASE("unions nested in union members print with brackets") {
  ndt::Type t = ndt::parse("A of [B of int8 | C of int16] | D of int32");
  CHECK(t.fields().size() == 2);
  CHECK(t.str() == "A of [B of int8 | C of int16] | D of int32");
  CHECK(ndt::parse(t.str()) == t);
  ndt::Type u = ndt::parse("A of 2 * ?[B of int8 | C of int16] | D of int32");
  CHECK(ndt::parse(u.str()) == u);
}

TEST_CASE("constructor arguments: each at most once, strings valid UTF-8") {
  CHECK(parse_error("decimal[10, precision=4]").message().find("given twice") != std::string::npos);
  CHECK(parse_error("fixed[10, shape=5] * int8").message().find("given twice") != std::string::npos);
  CHECK(parse_error("timedelta['s', unit='ms']").message().find("given twice") != std::string::npos);
  CHECK(parse_error("{'\xff': int8}").message() == "invalid UTF-8 in a string literal");
  CHECK(parse_error("{'\xe1\x80': int8}").message() == "invalid UTF-8 in a string literal");
  // \xHH is the code point U+00HH (UTF-8 encoded), as in Python.
  CHECK(ndt::parse("{'\\xe9': int8}").fields()[0].name == "\xc3\xa9");
  CHECK(ndt::parse("{'\xc3\xa9t\xc3\xa9': int8}").fields()[0].name == "\xc3\xa9t\xc3\xa9");
  CHECK(parse_error("int32 ->").message() == "expected datashape");
  CHECK(parse_error("(int32) ->").message() == "expected datashape");
}

TEST_CASE("arrays of empty elements cover no bytes") {
  CHECK(ndt::parse("2 * 0 * int32").size() == 0);
  CHECK(ndt::parse("!2 * 0 * int32").size() == 0);
  CHECK(ndt::parse("fixed[2, stride=8] * 0 * int32").size() == 0);
}

TEST_CASE("categories are finite numbers, integers, strings or NA") {
  using CV = ndt::Type::CategoricalValue;
  CHECK_THROWS_AS(ndt::make_categorical({CV{std::numeric_limits<double>::quiet_NaN()}}), Error);
  CHECK_THROWS_AS(ndt::make_categorical({CV{std::numeric_limits<double>::infinity()}}), Error);
  ndt::Type t = ndt::make_categorical({CV{-0.0}, CV{1e300}, CV{int64_t{7}}});
  CHECK(t.str() == "categorical[-0.0, 1e+300, 7]");
  CHECK(ndt::parse(t.str()) == t);
}

// Records, tuples, dims and options are looked up in the intern table before they are
// built: a type that differs from an interned one only in a layout attribute must not be
// found as it (C layouts: struct {_Alignas(16) double re, im;} is 16 bytes aligned to 16).
TEST_CASE("a type found before it is built differs from its attributed neighbours") {
  ndt::Type aligned = ndt::parse("{z: complex128, align=16}");
  ndt::Type plain = ndt::parse("{z: complex128}");
  CHECK(aligned != plain);
  CHECK(plain.align() == 8);
  CHECK(aligned.align() == 16);
  CHECK(ndt::parse("{x: uint16, y: {z: complex128}}").size() == 24);
  ndt::Type packed = ndt::parse("(int8, int64, pack=1)");
  ndt::Type tuple = ndt::parse("(int8, int64)");
  CHECK(packed.size() == 9);
  CHECK(tuple.size() == 16);
  ndt::Type strided = ndt::parse("fixed(shape=3, step=2) * int32");
  ndt::Type contiguous = ndt::parse("3 * int32");
  CHECK(strided.stride() == 8);
  CHECK(contiguous.stride() == 4);
  CHECK(ndt::parse("?3 * int32").size() == 16);
}
