// Tests of the interop conversions (ndt/interop.hpp) against NumPy's, ctypes' and Arrow's
// own spellings.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ndt/interop.hpp"

using namespace pluribus;
using namespace pluribus::ndt;

namespace {

Type rec(std::vector<FieldSpec> fields, RecordOptions options = {}) {
  return make_record(std::move(fields), options);
}

template <class F>
ErrorCode code_of(F&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::ok;
}

std::vector<int64_t> offsets(const Type& t) {
  std::vector<int64_t> out;
  for (const auto& f : t.fields()) out.push_back(f.offset);
  return out;
}

}  // namespace

// ----- PEP 3118 -------------------------------------------------------------------------

TEST_CASE("interop: PEP 3118 scalars both ways") {
  // Standard-size spellings as ctypes writes them (memoryview(ctypes.c_int32()).format).
  struct Case {
    Type type;
    const char* format;
  };
  const Case cases[] = {
      {bool_, "?"},
      {int8, "b"},
      {uint8, "B"},
      {int16, "<h"},
      {uint16, "<H"},
      {int32, "<i"},
      {uint32, "<I"},
      {int64, "<q"},
      {uint64, "<Q"},
      {float16, "<e"},
      {float32, "<f"},
      {float64, "<d"},
      {complex64, "<Zf"},
      {complex128, "<Zd"},
      {make_fixed_bytes(16), "16s"},
      {make_fixed_string(5, Encoding::utf32), "<5w"},
      {make_char(Encoding::ascii), "c"},
  };
  for (const auto& c : cases) {
    INFO(c.type.str());
    CHECK(to_pep3118(c.type) == c.format);
    CHECK(from_pep3118(c.format) == c.type);
  }
}

TEST_CASE("interop: PEP 3118 formats written by NumPy (native mode)") {
  // memoryview(np.zeros(1, dtype)).format with NumPy 1.24.2 on x86-64.
  CHECK(from_pep3118("i") == int32);
  CHECK(from_pep3118("l") == int64);  // native long is 8 bytes (dtype 'i8')
  CHECK(from_pep3118("L") == uint64);
  CHECK(from_pep3118("<l") == int32);  // standard long is 4 bytes
  CHECK(from_pep3118("Zd") == complex128);
  CHECK(from_pep3118("5w") == make_fixed_string(5, Encoding::utf32));
  CHECK(from_pep3118("(2,3)d") == make_fixed_dim(2, make_fixed_dim(3, float64)));
  CHECK(from_pep3118("3d") == make_fixed_dim(3, float64));

  // np.dtype([('x','<i4'),('y','<f8')], align=True): offsets [0, 8], itemsize 16.
  Type t = from_pep3118("T{i:x:xxxxd:y:}");
  CHECK(t == rec({{"x", int32}, {"y", float64}}));
  CHECK(offsets(t) == std::vector<int64_t>{0, 8});
  CHECK(t.size() == 16);

  // Packed (align=False): "T{i:x:=d:y:}", offsets [0, 4], itemsize 12.
  t = from_pep3118("T{i:x:=d:y:}");
  CHECK(offsets(t) == std::vector<int64_t>{0, 4});
  CHECK(t.size() == 12);

  // [('a','u1'),('b','<i2'),('c',('<f8',(2,3))),('d','S3')], align=True: offsets
  // [0, 2, 8, 56], itemsize 64 (NumPy leaves the trailing padding implicit).
  t = from_pep3118("T{B:a:xh:b:xxxx(2,3)d:c:3s:d:}");
  CHECK(t == rec({{"a", uint8},
                  {"b", int16},
                  {"c", make_fixed_dim(2, make_fixed_dim(3, float64))},
                  {"d", make_fixed_bytes(3)}}));
  CHECK(offsets(t) == std::vector<int64_t>{0, 2, 8, 56});
  CHECK(t.size() == 64);

  // Nested: [('n',[('p','<i2'),('q','u1')]),('r','<f4')], align=True has offsets [0, 4],
  // itemsize 8; NumPy writes it as "T{T{h:p:B:q:}:n:xf:r:}", which NumPy's own reader
  // takes as r at offset 8, itemsize 12 (the inner T{} is already padded to 4): a layout no
  // C struct has, so it is not_implemented. Without the stray 'x', NumPy reads [0, 4], 8.
  CHECK(code_of([] { from_pep3118("T{T{h:p:B:q:}:n:xf:r:}"); }) == ErrorCode::not_implemented);
  t = from_pep3118("T{T{h:p:B:q:}:n:f:r:}");
  CHECK(t == rec({{"n", rec({{"p", int16}, {"q", uint8}})}, {"r", float32}}));
  CHECK(offsets(t) == std::vector<int64_t>{0, 4});

  // [('a','u1'),('s','<U3'),('t','<c16'),('u',('<i4',(4,)))], align=True: [0, 4, 16, 32], 48.
  t = from_pep3118("T{B:a:xxx3w:s:Zd:t:(4)i:u:}");
  CHECK(offsets(t) == std::vector<int64_t>{0, 4, 16, 32});
  CHECK(t.size() == 48);
  CHECK(t.field("s").type == make_fixed_string(3, Encoding::utf32));

  // np.dtype([('a','f8'),('b','u1')], align=True) -> "T{d:a:B:b:}", itemsize 16.
  CHECK(from_pep3118("T{d:a:B:b:}").size() == 16);
}

TEST_CASE("interop: PEP 3118 records with exact padding") {
  // to_pep3118 strings, and the layouts NumPy's parser (numpy.core._internal.
  // _dtype_from_pep3118) gives them: field offsets and itemsize.
  const Type xy = rec({{"x", int32}, {"y", float64}});
  CHECK(to_pep3118(xy) == "T{<i:x:4x<d:y:}");  // NumPy: offsets [0, 8], itemsize 16
  CHECK(from_pep3118("T{<i:x:4x<d:y:}") == xy);

  const Type big = rec({{"a", uint8},
                        {"b", int16},
                        {"c", make_fixed_dim(2, make_fixed_dim(3, float64))},
                        {"d", make_fixed_bytes(3)}});
  CHECK(to_pep3118(big) == "T{B:a:1x<h:b:4x(2,3)<d:c:3s:d:5x}");  // NumPy: [0,2,8,56], 64
  CHECK(from_pep3118(to_pep3118(big)) == big);

  const Type nested = rec({{"n", rec({{"p", int16}, {"q", uint8}})}, {"r", float32}});
  CHECK(to_pep3118(nested) == "T{T{<h:p:B:q:1x}:n:<f:r:}");  // NumPy: [0, 4], 8
  CHECK(from_pep3118(to_pep3118(nested)) == nested);

  // Unnamed members next to named ones get NumPy's f0, f1 names: "T{b<d<i:z:}" is
  // fields ('f0','f1','z') at [0, 1, 9], itemsize 13 in NumPy.
  Type t = from_pep3118("T{b<d<i:z:}");
  CHECK(t.field_index("f0") == 0);
  CHECK(t.field_index("f1") == 1);
  CHECK(offsets(t) == std::vector<int64_t>{0, 1, 9});
  CHECK(t.size() == 13);

  // Layout attributes survive the trip.
  const std::vector<Type> layouts = {
      rec({{"a", int8}, {"b", int64}}, {.pack = 1}),
      rec({{"a", int8}, {"b", int64}}, {.pack = 2}),
      rec({{"a", int8}, {"b", int64}}, {.align = 32}),
      rec({{"a", int8}, {"b", float64, 0, 4}, {"c", int16, 16}}),
      rec({{"a", int8},
           {"b", rec({{"x", float32}, {"y", int8}})},
           {"c", make_fixed_dim(3, int16)}}),
      ndt::make_tuple({{"", int8}, {"", float64}}),
      ndt::make_tuple({}),
  };
  for (const auto& l : layouts) {
    INFO(l.str());
    INFO(to_pep3118(l));
    CHECK(from_pep3118(to_pep3118(l)) == l);
  }
  CHECK(to_pep3118(ndt::make_tuple({{"", int8}, {"", float64}})) == "T{b7x<d}");
  CHECK(to_pep3118(rec({})) == "T{}");  // an empty T{} reads back as the empty tuple
}

TEST_CASE("interop: PEP 3118 errors") {
  CHECK(code_of([] { from_pep3118(">i"); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { from_pep3118("!d"); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { from_pep3118("g"); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { from_pep3118("O"); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { from_pep3118("T{i:x:"); }) == ErrorCode::parse);
  CHECK(code_of([] { from_pep3118("(2,d"); }) == ErrorCode::parse);
  CHECK(code_of([] { from_pep3118("k"); }) == ErrorCode::parse);
  CHECK(code_of([] { from_pep3118(""); }) == ErrorCode::parse);
  CHECK(code_of([] { from_pep3118("i}"); }) == ErrorCode::parse);
  CHECK(code_of([] { from_pep3118("T{i:a:d:a:}"); }) == ErrorCode::parse);
  // 8 bytes of padding after an int32 at offset 0: no alignment puts a field at 12.
  CHECK(code_of([] { from_pep3118("T{<i:a:8x<i:b:}"); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { to_pep3118(string); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { to_pep3118(make_option(int32)); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { to_pep3118(make_var_dim(int32)); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { to_pep3118(make_fortran(make_fixed_dim(2, make_fixed_dim(3, int8)))); }) ==
        ErrorCode::not_implemented);
  CHECK(code_of([] { to_pep3118(make_typevar("T")); }) == ErrorCode::not_implemented);
  try {
    from_pep3118("T{i:x:q:y:Y}");
    FAIL("expected a parse error");
  } catch (const ParseError& e) {
    CHECK(e.column() == 11);
  }
}

// ----- Arrow ----------------------------------------------------------------------------

TEST_CASE("interop: Arrow format strings of scalars") {
  // Format strings from the Arrow C Data Interface specification.
  struct Case {
    Type type;
    const char* format;
  };
  const Case cases[] = {
      {void_, "n"},
      {bool_, "b"},
      {int8, "c"},
      {uint8, "C"},
      {int16, "s"},
      {uint16, "S"},
      {int32, "i"},
      {uint32, "I"},
      {int64, "l"},
      {uint64, "L"},
      {float16, "e"},
      {float32, "f"},
      {float64, "g"},
      {string, "u"},
      {bytes, "z"},
      {make_fixed_bytes(16), "w:16"},
      {make_decimal(7, 2), "d:7,2"},
      {make_date(), "tdD"},
      {make_time(), "ttn"},
      {make_datetime("UTC"), "tsn:UTC"},
      {make_datetime(), "tsn:"},
      {make_timedelta("s"), "tDs"},
      {make_timedelta("ms"), "tDm"},
      {make_timedelta("us"), "tDu"},
      {make_timedelta("ns"), "tDn"},
  };
  for (const auto& c : cases) {
    INFO(c.type.str());
    CHECK(to_arrow_format(c.type) == c.format);
    const ArrowFormat schema = to_arrow_schema(c.type, "x");
    CHECK(schema == ArrowFormat{c.format, "x", false, {}});
    CHECK(from_arrow_schema(schema) == c.type);
  }
  CHECK(from_arrow_schema({"U", "", false, {}}) == string);
  CHECK(from_arrow_schema({"Z", "", false, {}}) == bytes);
  CHECK(from_arrow_schema({"d:7,2,128", "", false, {}}) == make_decimal(7, 2));
}

TEST_CASE("interop: Arrow schemas of nested types") {
  const Type t = make_var_dim(rec(
      {{"a", make_option(int64)}, {"b", make_fixed_dim(3, float64)}, {"c", make_option(string)}}));
  const ArrowFormat expected{"+l",
                             "col",
                             false,
                             {{"+s",
                               "item",
                               false,
                               {{"l", "a", true, {}},
                                {"+w:3", "b", false, {{"g", "item", false, {}}}},
                                {"u", "c", true, {}}}}}};
  CHECK(to_arrow_schema(t, "col") == expected);
  CHECK(from_arrow_schema(expected) == t);
  CHECK(to_arrow_format(make_option(t)) == "+l");
  CHECK(to_arrow_schema(make_option(t)).nullable);
  CHECK(from_arrow_schema(to_arrow_schema(make_option(t))) == make_option(t));

  const Type tup = ndt::make_tuple({{"", int32}, {"", make_option(float32)}});
  CHECK(from_arrow_schema(to_arrow_schema(tup)) == tup);
  const Type u = make_union({{"i", int32}, {"s", string}});
  CHECK(to_arrow_format(u) == "+ud:0,1");
  CHECK(from_arrow_schema(to_arrow_schema(u)) == u);
  CHECK(from_arrow_schema({"+L", "", false, {{"i", "item", false, {}}}}) == make_var_dim(int32));
  // Layout is not Arrow's business: a packed record maps to the plain struct.
  CHECK(to_arrow_format(rec({{"a", int8}, {"b", int64}}, {.pack = 1})) == "+s");
}

TEST_CASE("interop: Arrow errors") {
  CHECK(code_of([] { to_arrow_format(complex128); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { to_arrow_format(make_timedelta("D")); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { to_arrow_format(make_time("UTC")); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { to_arrow_format(make_categorical({{int64_t{1}}})); }) ==
        ErrorCode::not_implemented);
  CHECK(code_of([] { to_arrow_format(make_typevar("T")); }) == ErrorCode::not_implemented);
  CHECK(code_of([] {
          from_arrow_schema({"tsu:UTC", "", false, {}});
        }) == ErrorCode::not_implemented);
  CHECK(code_of([] { from_arrow_schema({"tdm", "", false, {}}); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { from_arrow_schema({"+m", "", false, {}}); }) == ErrorCode::not_implemented);
  CHECK(code_of([] {
          from_arrow_schema({"d:40,2,256", "", false, {}});
        }) == ErrorCode::not_implemented);
  CHECK(code_of([] { from_arrow_schema({"w:x", "", false, {}}); }) == ErrorCode::parse);
  CHECK(code_of([] { from_arrow_schema({"", "", false, {}}); }) == ErrorCode::parse);
  CHECK(code_of([] { from_arrow_schema({"+l", "", false, {}}); }) == ErrorCode::value);
  CHECK(code_of([] {
          from_arrow_schema({"i", "", false, {{"i", "", false, {}}}});
        }) == ErrorCode::value);
}

// ----- DLPack ---------------------------------------------------------------------------

TEST_CASE("interop: DLPack dtypes") {
  // (code, bits) pairs of dlpack.h v1.0: kDLInt 0, kDLUInt 1, kDLFloat 2, kDLBfloat 4,
  // kDLComplex 5, kDLBool 6.
  struct Case {
    Type type;
    DLDataType dtype;
  };
  const Case cases[] = {
      {bool_, {6, 8, 1}},        {int8, {0, 8, 1}},
      {int16, {0, 16, 1}},       {int32, {0, 32, 1}},
      {int64, {0, 64, 1}},       {uint8, {1, 8, 1}},
      {uint16, {1, 16, 1}},      {uint32, {1, 32, 1}},
      {uint64, {1, 64, 1}},      {float16, {2, 16, 1}},
      {float32, {2, 32, 1}},     {float64, {2, 64, 1}},
      {bfloat16, {4, 16, 1}},    {complex64, {5, 64, 1}},
      {complex128, {5, 128, 1}}, {primitive(Kind::Int128), {0, 128, 1}},
  };
  for (const auto& c : cases) {
    INFO(c.type.str());
    CHECK(to_dlpack_dtype(c.type) == c.dtype);
    CHECK(from_dlpack_dtype(c.dtype) == c.type);
  }
  CHECK(code_of([] { from_dlpack_dtype({2, 32, 4}); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { from_dlpack_dtype({2, 8, 1}); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { from_dlpack_dtype({3, 64, 1}); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { from_dlpack_dtype({6, 1, 1}); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { to_dlpack_dtype(string); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { to_dlpack_dtype(make_fixed_dim(2, int8)); }) == ErrorCode::not_implemented);
}

// ----- NumPy ----------------------------------------------------------------------------

TEST_CASE("interop: NumPy dtype strings") {
  // np.dtype(x).str with NumPy 1.24.2 for x in '?', 'i1', 'u1', 'i2', ..., 'S16', 'U5',
  // 'm8[s]', 'M8[ns]'.
  struct Case {
    Type type;
    const char* str;
  };
  const Case cases[] = {
      {bool_, "|b1"},
      {int8, "|i1"},
      {uint8, "|u1"},
      {int16, "<i2"},
      {uint16, "<u2"},
      {int32, "<i4"},
      {uint32, "<u4"},
      {int64, "<i8"},
      {uint64, "<u8"},
      {float16, "<f2"},
      {float32, "<f4"},
      {float64, "<f8"},
      {complex64, "<c8"},
      {complex128, "<c16"},
      {make_fixed_bytes(16), "|S16"},
      {make_fixed_string(5, Encoding::utf32), "<U5"},
      {make_timedelta("s"), "<m8[s]"},
      {make_timedelta("ns"), "<m8[ns]"},
      {make_timedelta("D"), "<m8[D]"},
      {make_timedelta("us"), "<m8[us]"},
      {make_datetime(), "<M8[ns]"},
  };
  for (const auto& c : cases) {
    INFO(c.type.str());
    CHECK(to_numpy_dtype_str(c.type) == c.str);
    CHECK(from_numpy_dtype_str(c.str) == c.type);
  }
  CHECK(from_numpy_dtype_str("=i4") == int32);
  CHECK(from_numpy_dtype_str("|V8") == make_fixed_bytes(8));
  CHECK(code_of([] { from_numpy_dtype_str(">i4"); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { from_numpy_dtype_str("|O"); }) == ErrorCode::parse);
  CHECK(code_of([] { from_numpy_dtype_str("|O8"); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { from_numpy_dtype_str("<M8[D]"); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { from_numpy_dtype_str("<m8"); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { from_numpy_dtype_str("<f16"); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { from_numpy_dtype_str("<fx"); }) == ErrorCode::parse);
  CHECK(code_of([] { to_numpy_dtype_str(make_datetime("UTC")); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { to_numpy_dtype_str(make_date()); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { to_numpy_dtype_str(string); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { to_numpy_dtype_str(rec({{"x", int8}})); }) == ErrorCode::not_implemented);
}

TEST_CASE("interop: NumPy descr of records") {
  // str(np.dtype([...], align=True).descr) with NumPy 1.24.2.
  CHECK(to_numpy_descr(rec({{"x", int32}, {"y", float64}})) ==
        "[('x', '<i4'), ('', '|V4'), ('y', '<f8')]");
  CHECK(to_numpy_descr(rec({{"a", uint8},
                            {"b", int16},
                            {"c", make_fixed_dim(2, make_fixed_dim(3, float64))},
                            {"d", make_fixed_bytes(3)}})) ==
        "[('a', '|u1'), ('', '|V1'), ('b', '<i2'), ('', '|V4'), ('c', '<f8', (2, 3)), "
        "('d', '|S3'), ('', '|V5')]");
  CHECK(to_numpy_descr(rec({{"n", rec({{"p", int16}, {"q", uint8}})}, {"r", float32}})) ==
        "[('n', [('p', '<i2'), ('q', '|u1'), ('', '|V1')]), ('r', '<f4')]");
  CHECK(to_numpy_descr(rec({{"a", uint8},
                            {"s", make_fixed_string(3, Encoding::utf32)},
                            {"t", complex128},
                            {"u", make_fixed_dim(4, int32)}})) ==
        "[('a', '|u1'), ('', '|V3'), ('s', '<U3'), ('t', '<c16'), ('u', '<i4', (4,))]");
  // Packed: str(np.dtype([('x','<i4'),('y','<f8')]).descr).
  CHECK(to_numpy_descr(rec({{"x", int32}, {"y", float64}}, {.pack = 1})) ==
        "[('x', '<i4'), ('y', '<f8')]");
  CHECK(code_of([] { to_numpy_descr(int32); }) == ErrorCode::not_implemented);
  CHECK(code_of([] { to_numpy_descr(rec({{"s", string}})); }) == ErrorCode::not_implemented);
}

TEST_CASE("interop: conversions of parsed datashapes") {
  CHECK(to_pep3118(parse("{x: int32, y: float64}")) == "T{<i:x:4x<d:y:}");
  CHECK(from_pep3118("T{<i:x:4x<d:y:}") == parse("{x: int32, y: float64}"));
  CHECK(to_pep3118(parse("2 * 3 * float64")) == "(2,3)<d");
  CHECK(to_arrow_format(parse("?datetime[tz='UTC']")) == "tsn:UTC");
  CHECK(from_arrow_schema(to_arrow_schema(parse("var * {a: ?int64, b: 3 * string}"))) ==
        parse("var * {a: ?int64, b: 3 * string}"));
  CHECK(to_numpy_dtype_str(parse("fixed_string[5, 'utf32']")) == "<U5");
  CHECK(to_numpy_descr(parse("{a: uint8, b: int16}")) ==
        "[('a', '|u1'), ('', '|V1'), ('b', '<i2')]");
}
