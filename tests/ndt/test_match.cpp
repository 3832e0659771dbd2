// Tests of ndt/match.hpp: match, match_signature, substitute, promote and unify.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "ndt/match.hpp"

using namespace pluribus;
using namespace pluribus::ndt;

namespace {

Type fixed(int64_t n, const Type& t) { return make_fixed_dim(n, t); }
Type var(const Type& t) { return make_var_dim(t); }
Type sym(const char* name, const Type& t) { return make_symbolic_dim(name, t); }
Type ell(const char* name, const Type& t) { return make_ellipsis_dim(name, t); }
Type tv(const char* name) { return make_typevar(name); }
Type kind(Kind k) { return primitive(k); }
Type opt(const Type& t) { return make_option(t); }
Type tuple(std::vector<Type> members, bool variadic = false) {
  std::vector<FieldSpec> specs;
  for (auto& m : members) specs.push_back({"", m});
  return ndt::make_tuple(std::move(specs), {0, 0, variadic});
}
Type record(std::vector<std::pair<std::string, Type>> fields, RecordOptions options = {}) {
  std::vector<FieldSpec> specs;
  for (auto& [name, t] : fields) specs.push_back({name, t});
  return make_record(std::move(specs), options);
}
Type fn(std::vector<Type> args, std::vector<Type> outputs) {
  return make_function(std::move(args), {}, std::move(outputs));
}

bool matches(const Type& pattern, const Type& candidate) {
  Bindings b;
  return match(pattern, candidate, b);
}

std::vector<Type> dims(std::vector<int64_t> shape) {
  std::vector<Type> out;
  for (int64_t n : shape) out.push_back(n < 0 ? make_var_dim(void_) : make_fixed_dim(n, void_));
  return out;
}

Type bound(const Bindings& b, const char* name) {
  const Type* t = b.typevar(name);
  REQUIRE(t != nullptr);
  return *t;
}

const std::vector<Type>& absorbed(const Bindings& b, const char* name) {
  const std::vector<Type>* list = b.ellipsis(name);
  REQUIRE(list != nullptr);
  return *list;
}

int64_t bound_shape(const Bindings& b, const char* name) {
  const DimBinding* d = b.dim(name);
  REQUIRE(d != nullptr);
  REQUIRE(d->tag == DimBinding::Tag::fixed);
  return d->shape;
}

}  // namespace

TEST_CASE("match: a type variable binds one dtype consistently") {
  Bindings b;
  CHECK(match(tv("T"), int32, b));
  CHECK(bound(b, "T") == int32);
  CHECK(b.size() == 1);
  CHECK(match(tv("T"), int32, b));          // the same type again
  CHECK_FALSE(match(tv("T"), float64, b));  // T is int32, not float64
  CHECK(bound(b, "T") == int32);            // a failed match leaves the bindings as they were
  CHECK(b.size() == 1);

  CHECK(matches(tuple({tv("T"), tv("T")}), tuple({int32, int32})));
  CHECK_FALSE(matches(tuple({tv("T"), tv("T")}), tuple({int32, float64})));
  CHECK(matches(tuple({tv("T"), tv("U")}), tuple({int32, float64})));
  // Any dtype: records, options and strings too; never dims or functions.
  CHECK(matches(tv("T"), record({{"a", int8}})));
  CHECK(matches(tv("T"), opt(int32)));
  CHECK(matches(tv("T"), string));
  CHECK_FALSE(matches(tv("T"), fixed(3, int32)));
  CHECK_FALSE(matches(tv("T"), var(int32)));
  CHECK_FALSE(matches(tv("T"), fn({int32}, {int32})));
}

TEST_CASE("match: Any matches everything, dims included") {
  CHECK(matches(any, int32));
  CHECK(matches(any, fixed(3, fixed(4, int32))));
  CHECK(matches(any, opt(string)));
  CHECK(matches(fixed(3, any), fixed(3, fixed(4, int32))));
  CHECK(matches(fixed(3, any), fixed(3, int32)));
  CHECK_FALSE(matches(fixed(3, any), fixed(4, int32)));
  CHECK_FALSE(matches(fixed(3, any), int32));
}

TEST_CASE("match: kinds") {
  struct Row {
    Kind kind;
    Type candidate;
    bool expected;
  };
  const Row rows[] = {
      {Kind::Scalar, int32, true},
      {Kind::Scalar, string, true},
      {Kind::Scalar, bool_, true},
      {Kind::Scalar, opt(int32), false},
      {Kind::Scalar, fixed(2, int32), false},
      {Kind::Scalar, record({{"a", int8}}), false},
      {Kind::Scalar, kind(Kind::Integer), true},
      {Kind::Integer, int8, true},
      {Kind::Integer, uint64, true},
      {Kind::Integer, float32, false},
      {Kind::Integer, bool_, false},
      {Kind::Integer, kind(Kind::Signed), true},
      {Kind::Signed, int64, true},
      {Kind::Signed, uint8, false},
      {Kind::Unsigned, uint16, true},
      {Kind::Unsigned, int16, false},
      {Kind::Float, float16, true},
      {Kind::Float, bfloat16, true},
      {Kind::Float, float64, true},
      {Kind::Float, int64, false},
      {Kind::Float, complex64, false},
      {Kind::Complex, complex64, true},
      {Kind::Complex, complex128, true},
      {Kind::Complex, float64, false},
      {Kind::FixedStringKind, make_fixed_string(4), true},
      {Kind::FixedStringKind, string, false},
      {Kind::FixedBytesKind, make_fixed_bytes(8, 4), true},
      {Kind::FixedBytesKind, bytes, false},
  };
  for (const auto& row : rows) {
    CAPTURE(kind_name(row.kind));
    CAPTURE(row.candidate.str());
    CHECK(matches(kind(row.kind), row.candidate) == row.expected);
  }
  CHECK(matches(opt(kind(Kind::Scalar)), opt(int32)));
  CHECK(matches(fixed(2, kind(Kind::Float)), fixed(2, float32)));
}

TEST_CASE("match: symbolic dims bind fixed shapes consistently") {
  Bindings b;
  CHECK(match(sym("N", sym("N", tv("T"))), fixed(3, fixed(3, int32)), b));
  CHECK(bound_shape(b, "N") == 3);
  CHECK(bound(b, "T") == int32);
  CHECK_FALSE(matches(sym("N", sym("N", tv("T"))), fixed(3, fixed(4, int32))));
  CHECK(matches(sym("M", sym("N", tv("T"))), fixed(3, fixed(4, int32))));

  // N bound to 3 earlier, then a dim of 4.
  Bindings n3;
  n3.bind_dim("N", DimBinding::fixed(3));
  CHECK_FALSE(match(sym("N", int32), fixed(4, int32), n3));
  CHECK(match(sym("N", int32), fixed(3, int32), n3));

  CHECK_FALSE(matches(sym("N", int32), var(int32)));
  CHECK_FALSE(matches(sym("N", int32), int32));
  // A symbolic candidate dim binds its name.
  Bindings s;
  CHECK(match(sym("N", int32), sym("M", int32), s));
  REQUIRE(s.dim("N") != nullptr);
  CHECK(*s.dim("N") == DimBinding::symbolic("M"));
  CHECK(matches(sym("N", int32), fixed(0, int32)));
}

TEST_CASE("match: fixed dims match whatever the candidate's stride") {
  CHECK(matches(fixed(3, int32), fixed(3, int32)));
  CHECK(matches(fixed(3, int32), make_fixed_dim(3, int32, 8)));
  CHECK(matches(fixed(3, int32), make_fixed_dim(3, int32, -4)));
  CHECK(matches(fixed(2, fixed(3, int32)), make_fortran(fixed(2, fixed(3, int32)))));
  CHECK_FALSE(matches(fixed(3, int32), fixed(4, int32)));
  CHECK_FALSE(matches(fixed(3, int32), fixed(3, int64)));
  CHECK_FALSE(matches(fixed(3, int32), var(int32)));
  CHECK_FALSE(matches(fixed(3, int32), fixed(3, fixed(1, int32))));

  const Type any_fixed = make_any_fixed_dim(tv("T"));
  CHECK(matches(any_fixed, fixed(5, int32)));
  CHECK(matches(any_fixed, make_fixed_dim(5, int32, 16)));
  CHECK(matches(any_fixed, sym("N", int32)));
  CHECK_FALSE(matches(any_fixed, var(int32)));
  CHECK_FALSE(matches(any_fixed, int32));

  CHECK(matches(var(tv("T")), var(int32)));
  CHECK(matches(var(var(tv("T"))), var(var(int32))));
  CHECK_FALSE(matches(var(tv("T")), fixed(3, int32)));
}

TEST_CASE("match: ellipses absorb leading dims") {
  Bindings b;
  CHECK(match(ell("", tv("T")), int32, b));
  REQUIRE(b.ellipsis("") != nullptr);
  CHECK(b.ellipsis("")->empty());

  Bindings b2;
  CHECK(match(ell("", tv("T")), fixed(2, var(fixed(3, int32))), b2));
  CHECK(absorbed(b2, "") ==
        std::vector<Type>{make_fixed_dim(2, void_), make_var_dim(void_), make_fixed_dim(3, void_)});
  CHECK(bound(b2, "T") == int32);

  // Core dims after the ellipsis.
  Bindings b3;
  CHECK(match(ell("Dims", sym("N", tv("T"))), fixed(2, fixed(3, fixed(4, float64))), b3));
  CHECK(absorbed(b3, "Dims") == dims({2, 3}));
  CHECK(bound_shape(b3, "N") == 4);
  CHECK(bound(b3, "T") == float64);
  CHECK_FALSE(matches(ell("Dims", sym("N", sym("M", tv("T")))), fixed(2, float64)));
  // Dims before the ellipsis.
  Bindings b4;
  CHECK(match(fixed(2, ell("", tv("T"))), fixed(2, fixed(5, fixed(6, int8))), b4));
  CHECK(absorbed(b4, "") == dims({5, 6}));
  CHECK_FALSE(matches(fixed(2, ell("", tv("T"))), fixed(3, int8)));

  // A named ellipsis absorbs the same dims each time.
  const Type same = tuple({ell("Dims", int32), ell("Dims", float64)});
  CHECK(matches(same, tuple({fixed(2, fixed(3, int32)), fixed(2, fixed(3, float64))})));
  CHECK_FALSE(matches(same, tuple({fixed(2, fixed(3, int32)), fixed(3, float64)})));
  CHECK_FALSE(matches(same, tuple({fixed(2, int32), fixed(1, float64)})));
  CHECK_FALSE(matches(same, tuple({fixed(2, int32), var(float64)})));

  // var... absorbs var dims only.
  Bindings v;
  CHECK(match(ell("var", tv("T")), var(var(int32)), v));
  CHECK(absorbed(v, "var") == dims({-1, -1}));
  CHECK(matches(ell("var", tv("T")), int32));
  CHECK_FALSE(matches(ell("var", tv("T")), fixed(3, var(int32))));
  CHECK_FALSE(matches(ell("var", tv("T")), var(fixed(3, int32))));
}

TEST_CASE("match: unnamed ellipses broadcast with each other") {
  const Type pair = tuple({ell("", float64), ell("", float64)});
  Bindings b;
  CHECK(match(pair, tuple({fixed(2, fixed(3, float64)), fixed(3, float64)}), b));
  CHECK(absorbed(b, "") == dims({2, 3}));
  Bindings b1;
  CHECK(match(pair, tuple({fixed(2, fixed(1, float64)), fixed(4, float64)}), b1));
  CHECK(absorbed(b1, "") == dims({2, 4}));
  CHECK_FALSE(matches(pair, tuple({fixed(3, float64), fixed(4, float64)})));
  CHECK_FALSE(matches(pair, tuple({fixed(2, fixed(3, float64)), fixed(2, float64)})));
}

TEST_CASE("match: dim powers") {
  const Type base = make_any_fixed_dim(void_);
  Bindings b;
  CHECK(match(make_dim_power(base, "K", tv("T")), fixed(2, fixed(3, int32)), b));
  CHECK(bound_shape(b, "K") == 2);
  CHECK(bound(b, "T") == int32);

  const Type cube = make_dim_power(make_symbolic_dim("N", void_), "K", tv("T"));
  Bindings c;
  CHECK(match(cube, fixed(3, fixed(3, fixed(3, int8))), c));
  CHECK(bound_shape(c, "N") == 3);
  CHECK(bound_shape(c, "K") == 3);
  CHECK_FALSE(matches(cube, fixed(3, fixed(4, int8))));
  CHECK(matches(cube, int8));  // K = 0

  Bindings k2;
  k2.bind_dim("K", DimBinding::fixed(2));
  CHECK_FALSE(match(make_dim_power(base, "K", tv("T")), fixed(2, fixed(3, fixed(4, int32))), k2));
  CHECK(match(make_dim_power(base, "K", tv("T")), fixed(2, fixed(3, int32)), k2));
}

TEST_CASE("match: options, pointers, constructors") {
  Bindings b;
  CHECK(match(opt(tv("T")), opt(int32), b));
  CHECK(bound(b, "T") == int32);
  CHECK_FALSE(matches(opt(tv("T")), int32));
  CHECK(matches(opt(int32), opt(int32)));
  CHECK_FALSE(matches(opt(int32), opt(int64)));
  CHECK(matches(fixed(3, opt(kind(Kind::Float))), fixed(3, opt(float32))));

  CHECK(matches(make_pointer(tv("T")), make_pointer(int32)));
  CHECK_FALSE(matches(make_pointer(tv("T")), int32));
  CHECK_FALSE(matches(make_pointer(int64), make_pointer(int32)));

  CHECK(matches(make_constructor("Quantity", tv("T")), make_constructor("Quantity", float64)));
  CHECK_FALSE(matches(make_constructor("Quantity", tv("T")), make_constructor("Money", float64)));
}

TEST_CASE("match: records and tuples") {
  Bindings b;
  CHECK(match(record({{"a", tv("T")}, {"b", tv("T")}}), record({{"a", int32}, {"b", int32}}), b));
  CHECK(bound(b, "T") == int32);
  CHECK_FALSE(
      matches(record({{"a", tv("T")}, {"b", tv("T")}}), record({{"a", int32}, {"b", int64}})));
  CHECK_FALSE(matches(record({{"a", tv("T")}}), record({{"x", int32}})));
  CHECK_FALSE(matches(record({{"a", tv("T")}}), record({{"a", int32}, {"b", int32}})));

  // {a: T, ...}: a leading prefix of fields.
  const Type open = record({{"a", tv("T")}}, {0, 0, true});
  CHECK(matches(open, record({{"a", int32}, {"b", string}})));
  CHECK(matches(open, record({{"a", int32}})));
  CHECK_FALSE(matches(open, record({{"b", string}, {"a", int32}})));
  CHECK_FALSE(matches(record({{"a", tv("T")}}), open));

  // Concrete records: same fields in a different layout are a different type.
  const Type natural = record({{"a", int8}, {"b", int32}});
  const Type packed = record({{"a", int8}, {"b", int32}}, {0, 1, false});
  CHECK(matches(natural, natural));
  CHECK_FALSE(matches(natural, packed));
  CHECK(matches(record({{"a", int8}, {"b", tv("T")}}), packed));
  // Dims inside fields.
  CHECK(matches(record({{"x", sym("N", float64)}, {"y", sym("N", float64)}}),
                record({{"x", fixed(3, float64)}, {"y", fixed(3, float64)}})));
  CHECK_FALSE(matches(record({{"x", sym("N", float64)}, {"y", sym("N", float64)}}),
                      record({{"x", fixed(3, float64)}, {"y", fixed(2, float64)}})));

  CHECK(matches(tuple({tv("T"), int64}), tuple({string, int64})));
  CHECK_FALSE(matches(tuple({tv("T"), int64}), tuple({string, int32})));
  CHECK(matches(tuple({tv("T")}, true), tuple({string, int64, bool_})));
  CHECK_FALSE(matches(tuple({tv("T")}), tuple({string, int64})));
  CHECK_FALSE(matches(tuple({int8}), record({{"a", int8}})));
}

TEST_CASE("match: function types, nominal and concrete types") {
  const Type pattern = fn({sym("N", tv("T")), tv("T")}, {tv("T")});
  Bindings b;
  CHECK(match(pattern, fn({fixed(4, float32), float32}, {float32}), b));
  CHECK(bound(b, "T") == float32);
  CHECK(bound_shape(b, "N") == 4);
  CHECK_FALSE(matches(pattern, fn({fixed(4, float32), float64}, {float32})));
  CHECK_FALSE(matches(pattern, fn({fixed(4, float32)}, {float32})));
  CHECK_FALSE(matches(pattern, fn({fixed(4, float32), float32}, {float32, float32})));
  const Type kw = make_function({tv("T")}, {{"axis", int64}}, {tv("T")});
  CHECK(matches(kw, make_function({int8}, {{"axis", int64}}, {int8})));
  CHECK_FALSE(matches(kw, make_function({int8}, {{"axes", int64}}, {int8})));

  const Type point = define_typedef("match_test_point", record({{"x", float64}, {"y", float64}}));
  CHECK(matches(point, point));
  CHECK(matches(tv("T"), point));
  CHECK_FALSE(matches(point, record({{"x", float64}, {"y", float64}})));
  CHECK_FALSE(matches(record({{"x", float64}, {"y", float64}}), point));

  CHECK(matches(int32, int32));
  CHECK_FALSE(matches(int32, int64));
  CHECK_FALSE(matches(int32, opt(int32)));
  CHECK(matches(make_fixed_string(4), make_fixed_string(4)));
  CHECK_FALSE(matches(make_fixed_string(4), make_fixed_string(5)));
  CHECK_FALSE(matches(make_fixed_string(4), make_fixed_string(4, Encoding::utf32)));
}

TEST_CASE("match/substitute: builds concrete types from bindings") {
  Bindings b;
  b.bind_typevar("T", float64);
  b.bind_dim("N", DimBinding::fixed(2));
  b.bind_dim("M", DimBinding::fixed(3));
  const Type t = substitute(sym("N", sym("M", tv("T"))), b);
  CHECK(t == fixed(2, fixed(3, float64)));
  CHECK(t.strides() == std::vector<int64_t>{24, 8});  // C order: 3 * 8, 8
  CHECK(t.is_concrete());

  CHECK(substitute(int32, b) == int32);
  const Type strided = make_fixed_dim(3, int32, 12);
  CHECK(substitute(strided, b) == strided);  // concrete patterns are kept as they are
  CHECK(substitute(opt(tv("T")), b) == opt(float64));
  CHECK(substitute(record({{"a", tv("T")}, {"b", sym("N", int8)}}), b) ==
        record({{"a", float64}, {"b", fixed(2, int8)}}));
  CHECK(substitute(tuple({make_pointer(tv("T"))}), b) == tuple({make_pointer(float64)}));
  CHECK(substitute(fixed(4, kind(Kind::Float)), b) == fixed(4, kind(Kind::Float)));

  b.bind_dim("V", DimBinding::var());
  CHECK(substitute(sym("V", tv("T")), b) == var(float64));
  b.bind_dim("S", DimBinding::symbolic("Q"));
  CHECK(substitute(sym("S", tv("T")), b) == sym("Q", float64));

  b.bind_ellipsis("", dims({5, -1}));
  CHECK(substitute(ell("", sym("N", tv("T"))), b) == fixed(5, var(fixed(2, float64))));
  b.bind_ellipsis("Dims", {});
  CHECK(substitute(ell("Dims", tv("T")), b) == float64);

  b.bind_dim("K", DimBinding::fixed(3));
  CHECK(substitute(make_dim_power(make_symbolic_dim("N", void_), "K", int8), b) ==
        fixed(2, fixed(2, fixed(2, int8))));

  // ?T with T = ?int32 is ?int32, not ??int32.
  Bindings o;
  o.bind_typevar("T", opt(int32));
  CHECK(substitute(opt(tv("T")), o) == opt(int32));
}

TEST_CASE("match/substitute: unbound variables are type errors naming the variable") {
  Bindings empty;
  auto message = [&](const Type& pattern) -> std::string {
    try {
      substitute(pattern, empty);
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::type);
      return e.what();
    }
    FAIL("no error");
    return "";
  };
  CHECK(message(tv("T")).find("type variable 'T'") != std::string::npos);
  CHECK(message(sym("N", int32)).find("dim variable 'N'") != std::string::npos);
  CHECK(message(ell("Dims", int32)).find("'Dims...'") != std::string::npos);
  CHECK(message(ell("", int32)).find("'...'") != std::string::npos);
  CHECK(message(make_dim_power(make_any_fixed_dim(void_), "K", int32)).find("'K'") !=
        std::string::npos);
  CHECK(message(record({{"a", tv("U")}})).find("'U'") != std::string::npos);
}

TEST_CASE("match_signature: elementwise broadcasting") {
  const Type sig = fn({ell("", float64), ell("", float64)}, {ell("", float64)});
  auto output = [&](std::vector<Type> args) -> Type {
    Bindings b;
    if (!match_signature(sig, args, b)) return Type();
    return substitute(sig.outputs()[0], b);
  };
  CHECK(output({float64, float64}) == float64);
  CHECK(output({fixed(2, fixed(3, float64)), fixed(3, float64)}) == fixed(2, fixed(3, float64)));
  CHECK(output({fixed(3, float64), fixed(2, fixed(3, float64))}) == fixed(2, fixed(3, float64)));
  CHECK(output({fixed(2, fixed(1, float64)), fixed(4, float64)}) == fixed(2, fixed(4, float64)));
  CHECK(output({fixed(1, float64), fixed(5, fixed(1, float64))}) == fixed(5, fixed(1, float64)));
  CHECK(output({float64, fixed(7, float64)}) == fixed(7, float64));
  CHECK(output({make_fixed_dim(3, float64, -8), fixed(3, float64)}) == fixed(3, float64));
  CHECK(output({var(float64), fixed(1, float64)}) == var(float64));
  CHECK_FALSE(output({fixed(3, float64), fixed(4, float64)}));
  CHECK_FALSE(output({fixed(2, fixed(3, float64)), fixed(2, float64)}));
  CHECK_FALSE(output({fixed(3, float32), fixed(3, float64)}));  // no implicit casts
  CHECK_FALSE(output({float64}));                               // too few arguments
  CHECK_FALSE(output({float64, float64, float64}));             // too many

  // A failed match leaves the bindings untouched.
  Bindings keep;
  keep.bind_typevar("X", int8);
  const std::vector<Type> bad = {fixed(3, float64), fixed(4, float64)};
  CHECK_FALSE(match_signature(sig, bad, keep));
  CHECK(keep.size() == 1);

  CHECK_THROWS_AS(match_signature(int32, bad, keep), Error);
}

TEST_CASE("match_signature: named ellipses must be equal across arguments") {
  const Type sig = fn({ell("Dims", tv("T")), ell("Dims", tv("T"))}, {ell("Dims", tv("T"))});
  Bindings b;
  const std::vector<Type> ok = {fixed(2, int16), fixed(2, int16)};
  CHECK(match_signature(sig, ok, b));
  CHECK(substitute(sig.outputs()[0], b) == fixed(2, int16));
  Bindings b1;
  const std::vector<Type> stretch = {fixed(2, int16), fixed(1, int16)};
  CHECK_FALSE(match_signature(sig, stretch, b1));
  Bindings b2;
  const std::vector<Type> mixed = {fixed(2, int16), fixed(2, int32)};
  CHECK_FALSE(match_signature(sig, mixed, b2));
}

TEST_CASE("match_signature: core dims (inner product, matmul)") {
  const Type inner =
      fn({ell("", sym("N", tv("T"))), ell("", sym("N", tv("T")))}, {ell("", tv("T"))});
  Bindings b;
  const std::vector<Type> args = {fixed(5, fixed(3, int32)), fixed(3, int32)};
  CHECK(match_signature(inner, args, b));
  CHECK(bound_shape(b, "N") == 3);
  CHECK(substitute(inner.outputs()[0], b) == fixed(5, int32));
  Bindings bad;
  const std::vector<Type> mismatch = {fixed(5, fixed(3, int32)), fixed(4, int32)};
  CHECK_FALSE(match_signature(inner, mismatch, bad));
  CHECK(bad.empty());

  const Type matmul =
      fn({ell("", sym("M", sym("N", float64))), ell("", sym("N", sym("P", float64)))},
         {ell("", sym("M", sym("P", float64)))});
  auto output = [&](std::vector<Type> a) -> Type {
    Bindings m;
    if (!match_signature(matmul, a, m)) return Type();
    return substitute(matmul.outputs()[0], m);
  };
  CHECK(output({fixed(2, fixed(3, float64)), fixed(3, fixed(4, float64))}) ==
        fixed(2, fixed(4, float64)));
  CHECK(output({fixed(7, fixed(2, fixed(3, float64))), fixed(3, fixed(4, float64))}) ==
        fixed(7, fixed(2, fixed(4, float64))));
  CHECK(output({fixed(7, fixed(2, fixed(3, float64))), fixed(1, fixed(3, fixed(4, float64)))}) ==
        fixed(7, fixed(2, fixed(4, float64))));
  CHECK_FALSE(output({fixed(2, fixed(3, float64)), fixed(4, fixed(3, float64))}));
  CHECK_FALSE(output({fixed(3, float64), fixed(3, fixed(4, float64))}));  // M missing
}

TEST_CASE("match/Bindings: lookup and printing") {
  Bindings b;
  CHECK(b.empty());
  CHECK(b.typevar("T") == nullptr);
  CHECK(b.dim("N") == nullptr);
  CHECK(b.ellipsis("") == nullptr);
  CHECK(match(ell("", sym("N", tv("T"))), fixed(2, var(fixed(3, int32))), b));
  CHECK(b.size() == 3);
  CHECK(b.str() == "{T = int32, N = 3, ... = [2 * var]}");
  b.bind_ellipsis("Dims", {});
  b.bind_dim("S", DimBinding::symbolic("M"));
  CHECK(b.str() == "{T = int32, N = 3, S = M, ... = [2 * var], Dims... = []}");
  CHECK(dims_str(dims({4, -1, 1})) == "4 * var * 1");
  CHECK_THROWS_AS(b.bind_ellipsis("X", {int32}), Error);
  b.clear();
  CHECK(b.empty());
}

TEST_CASE("match/promote: the NumPy result_type table") {
  struct Row {
    Type a, b, expected;
  };
  // Generated from NumPy 1.24's np.result_type(np.dtype(a), np.dtype(b)), which is
  // symmetric: every unordered pair of the 14 numeric types (105 rows).
  const Row rows[] = {
      {bool_, bool_, bool_},
      {bool_, int8, int8},
      {bool_, int16, int16},
      {bool_, int32, int32},
      {bool_, int64, int64},
      {bool_, uint8, uint8},
      {bool_, uint16, uint16},
      {bool_, uint32, uint32},
      {bool_, uint64, uint64},
      {bool_, float16, float16},
      {bool_, float32, float32},
      {bool_, float64, float64},
      {bool_, complex64, complex64},
      {bool_, complex128, complex128},
      {int8, int8, int8},
      {int8, int16, int16},
      {int8, int32, int32},
      {int8, int64, int64},
      {int8, uint8, int16},
      {int8, uint16, int32},
      {int8, uint32, int64},
      {int8, uint64, float64},
      {int8, float16, float16},
      {int8, float32, float32},
      {int8, float64, float64},
      {int8, complex64, complex64},
      {int8, complex128, complex128},
      {int16, int16, int16},
      {int16, int32, int32},
      {int16, int64, int64},
      {int16, uint8, int16},
      {int16, uint16, int32},
      {int16, uint32, int64},
      {int16, uint64, float64},
      {int16, float16, float32},
      {int16, float32, float32},
      {int16, float64, float64},
      {int16, complex64, complex64},
      {int16, complex128, complex128},
      {int32, int32, int32},
      {int32, int64, int64},
      {int32, uint8, int32},
      {int32, uint16, int32},
      {int32, uint32, int64},
      {int32, uint64, float64},
      {int32, float16, float64},
      {int32, float32, float64},
      {int32, float64, float64},
      {int32, complex64, complex128},
      {int32, complex128, complex128},
      {int64, int64, int64},
      {int64, uint8, int64},
      {int64, uint16, int64},
      {int64, uint32, int64},
      {int64, uint64, float64},
      {int64, float16, float64},
      {int64, float32, float64},
      {int64, float64, float64},
      {int64, complex64, complex128},
      {int64, complex128, complex128},
      {uint8, uint8, uint8},
      {uint8, uint16, uint16},
      {uint8, uint32, uint32},
      {uint8, uint64, uint64},
      {uint8, float16, float16},
      {uint8, float32, float32},
      {uint8, float64, float64},
      {uint8, complex64, complex64},
      {uint8, complex128, complex128},
      {uint16, uint16, uint16},
      {uint16, uint32, uint32},
      {uint16, uint64, uint64},
      {uint16, float16, float32},
      {uint16, float32, float32},
      {uint16, float64, float64},
      {uint16, complex64, complex64},
      {uint16, complex128, complex128},
      {uint32, uint32, uint32},
      {uint32, uint64, uint64},
      {uint32, float16, float64},
      {uint32, float32, float64},
      {uint32, float64, float64},
      {uint32, complex64, complex128},
      {uint32, complex128, complex128},
      {uint64, uint64, uint64},
      {uint64, float16, float64},
      {uint64, float32, float64},
      {uint64, float64, float64},
      {uint64, complex64, complex128},
      {uint64, complex128, complex128},
      {float16, float16, float16},
      {float16, float32, float32},
      {float16, float64, float64},
      {float16, complex64, complex64},
      {float16, complex128, complex128},
      {float32, float32, float32},
      {float32, float64, float64},
      {float32, complex64, complex64},
      {float32, complex128, complex128},
      {float64, float64, float64},
      {float64, complex64, complex128},
      {float64, complex128, complex128},
      {complex64, complex64, complex64},
      {complex64, complex128, complex128},
      {complex128, complex128, complex128},
  };
  CHECK(std::size(rows) == 105);
  for (const auto& row : rows) {
    CAPTURE(row.a.str());
    CAPTURE(row.b.str());
    CHECK(promote(row.a, row.b) == row.expected);
    CHECK(promote(row.b, row.a) == row.expected);
    CHECK(unify(row.a, row.b) == row.expected);
  }
}

TEST_CASE("match/promote: beyond NumPy and errors") {
  const Type int128 = primitive(Kind::Int128), uint128 = primitive(Kind::UInt128);
  CHECK(promote(int128, uint64) == int128);
  CHECK(promote(int128, int8) == int128);
  CHECK(promote(uint128, int8) == float64);
  CHECK(promote(uint128, uint8) == uint128);
  CHECK(promote(bfloat16, float16) == float32);
  CHECK(promote(bfloat16, bfloat16) == bfloat16);
  CHECK(promote(bfloat16, int8) == bfloat16);  // 8 significand bits hold every int8/uint8
  CHECK(promote(bfloat16, uint8) == bfloat16);
  CHECK(promote(bfloat16, int16) == float32);
  CHECK(promote(bfloat16, float64) == float64);
  CHECK(promote(bfloat16, complex64) == complex64);

  try {
    promote(string, int32);
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::type);
    CHECK(std::string(e.what()).find("'string'") != std::string::npos);
    CHECK(std::string(e.what()).find("'int32'") != std::string::npos);
  }
  CHECK_THROWS_AS(promote(opt(int32), int32), Error);  // options are unify's business
}

TEST_CASE("match/unify: options, identical and structured types") {
  CHECK(unify(opt(int32), int64) == opt(int64));
  CHECK(unify(int64, opt(int32)) == opt(int64));
  CHECK(unify(opt(int8), opt(uint8)) == opt(int16));
  CHECK(unify(opt(float32), opt(float32)) == opt(float32));
  CHECK(unify(string, string) == string);
  CHECK(unify(make_date(), make_date()) == make_date());
  const Type point = record({{"x", float64}});
  CHECK(unify(point, point) == point);
  CHECK(unify(fixed(3, int32), fixed(3, float32)) == fixed(3, float64));
  CHECK(unify(var(uint8), var(int8)) == var(int16));
  CHECK(unify(record({{"a", int8}, {"b", float32}}), record({{"a", uint8}, {"b", int32}})) ==
        record({{"a", int16}, {"b", float64}}));
  CHECK(unify(tuple({bool_}), tuple({complex64})) == tuple({complex64}));

  auto message = [](const Type& a, const Type& b) -> std::string {
    try {
      unify(a, b);
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::type);
      return e.what();
    }
    FAIL("no error");
    return "";
  };
  const std::string m = message(string, int32);
  CHECK(m.find("'string'") != std::string::npos);
  CHECK(m.find("'int32'") != std::string::npos);
  CHECK(message(fixed(3, int32), fixed(4, int32)).find("'3 * int32'") != std::string::npos);
  CHECK(message(opt(string), int8).find("'?string'") != std::string::npos);
  message(record({{"a", int8}}), record({{"b", int8}}));
  message(fixed(3, int32), var(int32));
}

// ----- the same semantics written as datashape strings ---------------------------------

namespace {

bool matches_str(std::string_view pattern, std::string_view candidate) {
  Bindings b;
  return match(parse(pattern), parse(candidate), b);
}

}  // namespace

TEST_CASE("match: parsed patterns") {
  CHECK(matches_str("N * N * T", "3 * 3 * int32"));
  CHECK_FALSE(matches_str("N * N * T", "3 * 4 * int32"));
  CHECK_FALSE(matches_str("(T, T)", "(int32, float64)"));
  CHECK(matches_str("Fixed * var * Int", "10 * var * uint8"));
  CHECK_FALSE(matches_str("Fixed * var * Int", "10 * 2 * uint8"));
  CHECK(matches_str("var... * T", "var * var * int32"));
  CHECK_FALSE(matches_str("var... * T", "3 * var * int32"));
  CHECK(matches_str("{a: T, ...}", "{a: int32, b: string}"));
  CHECK_FALSE(matches_str("{a: T, ...}", "{b: string, a: int32}"));
  CHECK(matches_str("(T, ...)", "(int8, int16, int32)"));
  CHECK(matches_str("?Scalar", "?date"));
  CHECK_FALSE(matches_str("Scalar", "?date"));
  CHECK(matches_str("pointer[T]", "pointer[{a: int8}]"));
  CHECK_FALSE(matches_str("pointer[T]", "pointer[3 * int8]"));  // T is a dtype
  CHECK(matches_str("pointer[Any]", "pointer[3 * int8]"));
  CHECK(matches_str("FixedString", "fixed_string[10, 'ascii']"));
  CHECK(matches_str("3 * 2 * float32", "!3 * 2 * float32"));  // Fortran order: same shape
  CHECK_FALSE(matches_str("{a: int8, b: int32}", "{a: int8, b: int32, pack=1}"));
  CHECK(matches_str("Quantity[T]", "Quantity[float64]"));

  Bindings b;
  CHECK(match(parse("Dims... * N * T"), parse("2 * 3 * 4 * float64"), b));
  CHECK(absorbed(b, "Dims") == dims({2, 3}));
  CHECK(bound_shape(b, "N") == 4);
  CHECK(bound(b, "T") == float64);
  CHECK(substitute(parse("Dims... * T"), b) == parse("2 * 3 * float64"));
  CHECK(substitute(parse("{x: N * T, y: ?T}"), b) == parse("{x: 4 * float64, y: ?float64}"));

  Bindings p;
  CHECK(match(parse("Fixed**K * T"), parse("2 * 3 * int32"), p));
  CHECK(bound_shape(p, "K") == 2);
  CHECK(match(parse("N**K * T"), parse("5 * 5 * int32"), p));  // K = 2 again
  CHECK_FALSE(match(parse("N**K * T"), parse("5 * 5 * 5 * int32"), p));
}

TEST_CASE("match_signature: parsed signatures") {
  auto output = [](std::string_view sig, std::vector<std::string_view> args) -> Type {
    const Type f = parse(sig);
    std::vector<Type> types;
    for (auto a : args) types.push_back(parse(a));
    Bindings b;
    if (!match_signature(f, types, b)) return Type();
    return substitute(f.outputs()[0], b);
  };
  // The ndtypes spelling of `(... * float64, ... * float64) -> ... * float64`.
  const char* add = "... * float64, ... * float64 -> ... * float64";
  CHECK(parse(add) == fn({ell("", float64), ell("", float64)}, {ell("", float64)}));
  CHECK(parse("(... * float64, ... * float64) -> ... * float64") == parse(add));
  CHECK(output(add, {"2 * 3 * float64", "3 * float64"}) == parse("2 * 3 * float64"));
  CHECK(output(add, {"4 * 1 * float64", "1 * 5 * float64"}) == parse("4 * 5 * float64"));
  CHECK_FALSE(output(add, {"3 * float64", "4 * float64"}));

  const char* same = "(Dims... * T, Dims... * T) -> Dims... * T";
  CHECK(output(same, {"2 * int8", "2 * int8"}) == parse("2 * int8"));
  CHECK_FALSE(output(same, {"2 * int8", "1 * int8"}));
  CHECK_FALSE(output(same, {"2 * int8", "2 * uint8"}));

  const char* matmul = "(M * N * float64, N * P * float64) -> M * P * float64";
  CHECK(output(matmul, {"2 * 3 * float64", "3 * 4 * float64"}) == parse("2 * 4 * float64"));
  CHECK_FALSE(output(matmul, {"2 * 3 * float64", "4 * 3 * float64"}));

  CHECK(output("(T, T) -> T", {"int32", "int32"}) == int32);
  CHECK_FALSE(output("(T, T) -> T", {"int32", "float64"}));
  CHECK(output("(var... * float64) -> var... * float64", {"var * var * float64"}) ==
        parse("var * var * float64"));
  CHECK(output("(int32, ...) -> int32", {"int32", "string", "bool"}) == int32);
}
