// Tests of the JSON form of types (ndt/json.hpp): round trips, the schema, and errors.
#include <doctest/doctest.h>
#include <fmt/format.h>

#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include "ndt/json.hpp"

using namespace pluribus;
using namespace pluribus::ndt;

namespace {

Type rec(std::vector<FieldSpec> fields, RecordOptions options = {}) {
  return make_record(std::move(fields), options);
}

ErrorCode code_of(std::string_view text, std::string* message = nullptr) {
  try {
    from_json(text);
  } catch (const Error& e) {
    if (message) *message = e.what();
    return e.code();
  }
  return ErrorCode::ok;
}

// A wide set of types: every Kind, with layout attributes.
std::vector<Type> sample_types() {
  using CV = Type::CategoricalValue;
  std::vector<Type> out;
  for (int k = 0; k <= static_cast<int>(Kind::Complex128); ++k)
    out.push_back(primitive(static_cast<Kind>(k)));
  out.push_back(string);
  out.push_back(bytes);
  out.push_back(primitive(Kind::Json));
  out.push_back(primitive(Kind::TypeType));
  out.push_back(make_bytes(16));
  for (auto e :
       {Encoding::ascii, Encoding::utf8, Encoding::utf16, Encoding::utf32, Encoding::ucs2}) {
    out.push_back(make_char(e));
    out.push_back(make_fixed_string(7, e));
  }
  out.push_back(make_fixed_bytes(16));
  out.push_back(make_fixed_bytes(32, 8));
  out.push_back(make_categorical({CV{CV::NA{}}, CV{int64_t{-3}}, CV{2.5}, CV{std::string("a'\"b")},
                                  CV{-0.0}, CV{1e300},
                                  CV{0.1}, CV{int64_t{std::numeric_limits<int64_t>::min()}}}));
  out.push_back(make_decimal(38, 10));
  out.push_back(make_decimal(5));
  out.push_back(make_date());
  out.push_back(make_time());
  out.push_back(make_time("UTC"));
  out.push_back(make_datetime());
  out.push_back(make_datetime("Europe/Paris"));
  for (auto u : {"Y", "M", "W", "D", "h", "m", "s", "ms", "us", "ns"})
    out.push_back(make_timedelta(u));
  out.push_back(make_option(int32));
  out.push_back(make_option(make_fixed_dim(3, float64)));
  out.push_back(make_pointer(make_var_dim(int8)));
  out.push_back(make_constructor("Pixel", rec({{"r", uint8}, {"g", uint8}, {"b", uint8}})));
  out.push_back(make_typevar("T"));
  // Dims, with non-default strides and Fortran order.
  out.push_back(make_fixed_dim(3, int64));
  out.push_back(make_fixed_dim(0, int64));
  out.push_back(make_fixed_dim(2, make_fixed_dim(3, float64)));
  out.push_back(make_fortran(make_fixed_dim(2, make_fixed_dim(3, make_fixed_dim(4, float32)))));
  out.push_back(make_fixed_dim(4, int32, 16));
  out.push_back(make_fixed_dim(4, int32, -4));
  out.push_back(make_fixed_dim(5, int32, 0));
  out.push_back(make_var_dim(make_fixed_dim(2, make_var_dim(string))));
  out.push_back(make_symbolic_dim("N", make_fixed_dim(3, make_typevar("T"))));
  out.push_back(make_any_fixed_dim(int32));
  out.push_back(make_ellipsis_dim("", float64));
  out.push_back(make_ellipsis_dim("Dims", make_typevar("T")));
  out.push_back(make_dim_power(make_any_fixed_dim(void_), "N", int32));
  out.push_back(make_dim_power(make_fixed_dim(3, void_), "K", make_typevar("T")));
  for (int k = 0; k <= static_cast<int>(Kind::FixedBytesKind); ++k)
    out.push_back(make_fixed_dim(2, primitive(static_cast<Kind>(k))));
  // Records and tuples with |align|, |pack|, align=, pack=, variadic, odd names.
  out.push_back(rec({}));
  out.push_back(rec({{"x", int32}, {"y", float64}}));
  out.push_back(rec({{"x", int8}, {"y", float64, 0, 2}, {"z", int16, 16}}));
  out.push_back(rec({{"a", int8}, {"b", int64}}, {.align = 32}));
  out.push_back(rec({{"a", int8}, {"b", int64}}, {.pack = 2}));
  out.push_back(rec({{"a", int8}, {"b", int64}, {"c", int8}}, {.pack = 1}));
  out.push_back(rec({{"x", int32}, {"y", make_typevar("T"), 8}, {"z", make_typevar("U"), 0, 2}},
                    {.align = 16}));
  out.push_back(rec({{"x", make_typevar("T")}}, {.pack = 4}));
  out.push_back(rec({{"x", int32}}, {.variadic = true}));
  out.push_back(rec({{"odd name/with~chars", int32}, {"", float32}}));
  out.push_back(rec({{"inner", rec({{"p", int16}, {"q", uint8}})}, {"r", float32}}));
  out.push_back(make_tuple({}));
  out.push_back(make_tuple({{"", int8}, {"", float64, 16}, {"", int32, 0, 1}}));
  out.push_back(make_tuple({{"", int8}, {"", int64}}, {.align = 64}));
  out.push_back(make_tuple({{"", make_typevar("T")}}, {.variadic = true}));
  out.push_back(make_union({{"a", int8}, {"b", make_fixed_dim(3, float64)}}));
  out.push_back(make_union({{"a", make_typevar("T")}}));
  out.push_back(
      make_function({int64, make_typevar("T")}, {{"k", float64}}, {string, int32}, true, true));
  out.push_back(make_function({}, {}, {}));
  out.push_back(make_function({}, {{"x", make_ellipsis_dim("", int32)}}, {void_}, false, true));
  out.push_back(define_typedef("json_test_point", rec({{"x", float64}, {"y", float64}})));
  out.push_back(make_fixed_dim(2, make_nominal("json_test_point")));
  return out;
}

}  // namespace

TEST_CASE("json: from_json(to_json(t)) == t for every kind and layout attribute") {
  const auto types = sample_types();
  std::vector<bool> seen(static_cast<std::size_t>(Kind::Typevar) + 1);
  for (const auto& t : types) {
    INFO(t.str());
    const std::string text = to_json(t);
    INFO(text);
    CHECK(from_json(text) == t);
    for (Type cur = t;;) {
      seen[static_cast<std::size_t>(cur.kind())] = true;
      if (!cur.is_dim() && cur.kind() != Kind::Option) break;
      cur = cur.child();
    }
  }
  for (std::size_t k = 0; k < seen.size(); ++k) {
    INFO(kind_name(static_cast<Kind>(k)));
    CHECK(seen[k]);
  }
}

TEST_CASE("json: the documented form of common types") {
  CHECK(to_json(int32) == R"({"kind":"int32"})");
  CHECK(to_json(make_fixed_dim(3, float64)) ==
        R"({"kind":"fixed_dim","shape":3,"stride":8,"type":{"kind":"float64"}})");
  CHECK(to_json(make_option(make_datetime("UTC"))) ==
        R"({"kind":"option","type":{"kind":"datetime","tz":"UTC"}})");
  CHECK(to_json(make_categorical(
            {{Type::CategoricalValue::NA{}}, {int64_t{1}}, {1.5}, {std::string("a")}})) ==
        R"({"kind":"categorical","values":[null,1,1.5,"a"]})");
  CHECK(to_json(make_function({int64}, {{"k", float64}}, {string})) ==
        R"({"keywords":[{"name":"k","type":{"kind":"float64"}}],"kind":"function",)"
        R"("kw_variadic":false,"outputs":[{"kind":"string"}],"positional":[{"kind":"int64"}],)"
        R"("variadic":false})");
}

TEST_CASE("json: record offsets and sizes agree with the C compiler") {
  // Expectations from offsetof/sizeof of the equivalent C structs, not from ndt.
  struct S {
    int8_t a;
    double b;
    int16_t c;
  };
  const Type t = rec({{"a", int8}, {"b", float64}, {"c", int16}});
  CHECK(to_json(t) ==
        fmt::format(R"({{"align":{},"fields":[)"
                    R"({{"align":1,"name":"a","offset":{},"type":{{"kind":"int8"}}}},)"
                    R"({{"align":8,"name":"b","offset":{},"type":{{"kind":"float64"}}}},)"
                    R"({{"align":2,"name":"c","offset":{},"type":{{"kind":"int16"}}}}],)"
                    R"("kind":"record","size":{},"variadic":false}})",
                    alignof(S), offsetof(S, a), offsetof(S, b), offsetof(S, c), sizeof(S)));
  struct __attribute__((packed)) P {
    int8_t a;
    double b;
  };
  const Type packed = rec({{"a", int8}, {"b", float64}}, {.pack = 1});
  CHECK(packed.size() == static_cast<int64_t>(sizeof(P)));
  CHECK(to_json(packed).find(fmt::format(R"("offset":{})", offsetof(P, b))) != std::string::npos);
}

TEST_CASE("json: hand-written input with defaults and effective alignments") {
  define_typedef("json_test_point", rec({{"x", float64}, {"y", float64}}));
  CHECK(from_json(R"({"kind":"fixed_dim","shape":3,"type":{"kind":"int16"}})") ==
        make_fixed_dim(3, int16));
  CHECK(from_json(R"({"kind":"timedelta"})") == make_timedelta("us"));
  CHECK(from_json(R"({"kind":"fixed_string","length":4})") == make_fixed_string(4, Encoding::utf8));
  CHECK(from_json(R"({"kind":"char"})") == make_char(Encoding::utf32));
  CHECK(from_json(R"({"kind":"function","outputs":[{"kind":"int8"}]})") ==
        make_function({}, {}, {int8}));
  // "align" of a concrete field is its effective alignment: 2 < 8 means |pack=2|.
  CHECK(from_json(R"({"kind":"record","fields":[{"name":"a","type":{"kind":"int8"}},)"
                  R"({"name":"b","type":{"kind":"float64"},"align":2}]})") ==
        rec({{"a", int8}, {"b", float64, 0, 2}}));
  CHECK(
      from_json(R"({"kind":"record","fields":[{"name":"a","type":{"kind":"int8"}}],"align":16})") ==
      rec({{"a", int8}}, {.align = 16}));
  CHECK(from_json(R"({"kind":"record","fields":[{"name":"a","type":{"kind":"int8"}},)"
                  R"({"name":"b","type":{"kind":"int32"}}],"pack":1})") ==
        rec({{"a", int8}, {"b", int32}}, {.pack = 1}));
  CHECK(from_json(R"({"kind":"nominal","name":"json_test_point"})") ==
        make_nominal("json_test_point"));
}

TEST_CASE("json: malformed text is a parse error") {
  std::string message;
  CHECK(code_of("", &message) == ErrorCode::parse);
  CHECK(code_of(R"({"kind":"int32")", &message) == ErrorCode::parse);
  CHECK(message.find("byte") != std::string::npos);
  CHECK(code_of("[1, 2,]") == ErrorCode::parse);
}

TEST_CASE("json: a wrong structure is a value error naming the JSON pointer") {
  struct Case {
    const char* text;
    const char* pointer;
    ErrorCode code = ErrorCode::value;
  };
  const Case cases[] = {
      {R"(3)", "''"},
      {R"({})", "'': missing key 'kind'"},
      {R"({"kind":"int33"})", "'/kind': unknown kind 'int33'"},
      {R"({"kind":"int32","shape":3})", "'/shape': unexpected key"},
      {R"({"kind":"fixed_dim","shape":"3","type":{"kind":"int8"}})",
       "'/shape': expected an integer"},
      {R"({"kind":"fixed_dim","shape":-1,"type":{"kind":"int8"}})",
       "'': fixed dim: negative shape"},
      {R"({"kind":"fixed_dim","shape":18446744073709551615,"type":{"kind":"int8"}})",
       "'/shape': integer out of the int64 range"},
      {R"({"kind":"record","fields":[{"name":"a","type":{"kind":"int8"}},)"
       R"({"name":"b","type":{"kind":"int8"}},{"name":"c","type":{"kind":"in8"}}]})",
       "'/fields/2/type/kind': unknown kind 'in8'"},
      {R"({"kind":"record","fields":[{"name":"a","type":{"kind":"int8"}},)"
       R"({"name":"a","type":{"kind":"int8"}}]})",
       "'': record: duplicate field name 'a'"},
      {R"({"kind":"record","fields":[{"name":"a","type":{"kind":"int8"},"offset":1}]})",
       "'/fields/0/offset': is 1 but the layout puts the field at 0"},
      {R"({"kind":"record","fields":[{"name":"a","type":{"kind":"int32"}}],"size":3})",
       "'/size': is 3 but the layout gives 4"},
      {R"({"kind":"record","fields":[{"name":"a","type":{"kind":"int32"}}],"align":2})",
       "'/align': 2 is below the alignment 4"},
      {R"({"kind":"record","fields":[{"name":"a","type":{"kind":"int32"},"align":3}]})",
       "'/fields/0/align': 3 is not a power of two"},
      {R"({"kind":"record","fields":[{"type":{"kind":"int32"}}]})",
       "'/fields/0': missing key 'name'"},
      {R"({"kind":"tuple","fields":[{"type":{"kind":"fixed_dim","shape":2,"type":{"kind":"T"}}}]})",
       "'/fields/0/type/type/kind': unknown kind 'T'"},
      {R"({"kind":"categorical","values":[1,1]})", "'': categorical: value #1 repeats #0"},
      {R"({"kind":"categorical","values":[[1]]})", "'/values/0': a categorical value"},
      {R"({"kind":"categorical","values":[{"double":"NaN"}]})", "'/values/0/double': expected nan"},
      {R"({"kind":"char","encoding":"latin1"})", "'/encoding': unknown encoding 'latin1'"},
      {R"({"kind":"function","keywords":[{"name":"k"}]})", "'/keywords/0': missing key 'type'"},
      {R"({"kind":"function","outputs":{}})", "'/outputs': expected an array"},
      {R"({"kind":"union","members":[]})", "'': union: at least one member"},
      {R"({"kind":"option","type":{"kind":"option","type":{"kind":"int8"}}})", "'': option:"},
      {R"({"kind":"fixed_dim","shape":2,"stride":4,"type":{"kind":"typevar","name":"T"}})",
       "'/stride': a dim over an abstract type has no stride"},
      {R"({"kind":"fixed_dim","shape":4611686018427387904,"type":{"kind":"fixed_dim",)"
       R"("shape":2,"type":{"kind":"uint8"}}})",
       "'': fixed dim: size overflows", ErrorCode::overflow},
      {R"({"kind":"nominal","name":"json_test_no_such_type"})", "'': unknown type name",
       ErrorCode::lookup},
      {R"({"kind":"nominal","name":"json_test_point","definition":{"kind":"int8"}})",
       "'/definition': differs from the registered definition"},
  };
  define_typedef("json_test_point", rec({{"x", float64}, {"y", float64}}));
  for (const auto& c : cases) {
    INFO(c.text);
    std::string message;
    CHECK(code_of(c.text, &message) == c.code);
    INFO(message);
    CHECK(message.find(fmt::format("JSON type at {}", c.pointer)) != std::string::npos);
  }
}

TEST_CASE("json: deep nesting is an error, not a stack overflow") {
  std::string text;
  for (int i = 0; i < 100000; ++i) text += R"({"kind":"pointer","type":)";
  text += R"({"kind":"int8"})";
  for (int i = 0; i < 100000; ++i) text += '}';
  std::string message;
  CHECK(code_of(text, &message) == ErrorCode::value);
  CHECK(message.find("deeper than") != std::string::npos);
}

TEST_CASE("json: round trip of parsed datashapes, layout attributes included") {
  const char* shapes[] = {
      "int32",
      "3 * 4 * float64",
      "!2 * 3 * 4 * float32",
      "fixed[4, stride=16] * int32",
      "var * 3 * ?string",
      "{x: int32, y: float64 |align=16|, z: int8 |pack=1|}",
      "{a: int8, b: int64, align=32}",
      "(int8, float64 |pack=2|)",
      "{a: int8, 'odd name': 2 * complex128}",
      "categorical[NA, 1, 2.5, 'a']",
      "decimal[10, 2]",
      "datetime[tz='UTC']",
      "timedelta[unit='ns']",
      "fixed_string[10, 'utf32']",
      "fixed_bytes[16, align=8]",
      "pointer[int64]",
      "N * M * T",
      "... * float64",
      "Dims... * T",
      "Fixed * int32",
      "(int64, T, ...) -> string",
      "A of int32 | B of float64",
  };
  for (const char* s : shapes) {
    INFO(s);
    Type t;
    try {
      t = parse(s);
    } catch (const Error&) {
      continue;  // a spelling this dialect does not accept is not this test's concern
    }
    CHECK(from_json(to_json(t)) == t);
  }
  // Hand-derived layout of a parsed record: x at 0, y raised to 16, z packed right after y.
  const Type r = parse("{x: int32, y: float64 |align=16|, z: int8 |pack=1|}");
  CHECK(to_json(r).find(R"("align":16,"name":"y","offset":16)") != std::string::npos);
  CHECK(to_json(r).find(R"("align":1,"name":"z","offset":24)") != std::string::npos);
}
