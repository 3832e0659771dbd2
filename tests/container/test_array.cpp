// nd::Array core: construction, views, indexing, assignment, copies, lifetimes, operators.
// Expected values are NumPy's for the same operations (written out by hand) or arithmetic
// on the literals.
#include <doctest/doctest.h>

#include <cstring>
#include <string>
#include <vector>

#include "container/array.hpp"
#include "container/element.hpp"

using namespace pluribus;
using nd::Array;

namespace {

std::vector<double> doubles(const Array& a) {
  std::vector<double> out;
  Array flat = a.copy();
  for (int64_t i = 0; i < flat.size(); ++i) out.push_back(flat.reshape({-1})(i).as<double>());
  return out;
}
std::vector<int64_t> ints(const Array& a) {
  std::vector<int64_t> out;
  Array flat = a.copy().reshape({-1});
  for (int64_t i = 0; i < flat.size(); ++i) out.push_back(flat(i).as<int64_t>());
  return out;
}
std::vector<int64_t> vec(std::span<const int64_t> s) { return {s.begin(), s.end()}; }

// A `var * int64` array holding `rows`, built slot by slot.
Array ragged(const std::vector<std::vector<int64_t>>& rows) {
  Array a = Array::zeros(ndt::parse(std::to_string(rows.size()) + " * var * int64"));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    char* p = a.memory()->allocate_extra(static_cast<int64_t>(rows[i].size() * 8), 8);
    if (!rows[i].empty()) std::memcpy(p, rows[i].data(), rows[i].size() * 8);
    nd::element::set_slot(a.data() + i * 16, p, static_cast<int64_t>(rows[i].size()));
  }
  return a;
}

std::string message_of(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return "(no error)";
}

}  // namespace

TEST_CASE("array: construction") {
  Array z = Array::zeros(ndt::parse("2 * 3 * float64"));
  CHECK(z.ndim() == 2);
  CHECK(vec(z.shape()) == std::vector<int64_t>{2, 3});
  CHECK(vec(z.strides()) == std::vector<int64_t>{24, 8});
  CHECK(z.type() == ndt::parse("2 * 3 * float64"));
  CHECK(doubles(z) == std::vector<double>(6, 0.0));
  CHECK(doubles(Array::ones(ndt::parse("4 * int32"))) == std::vector<double>{1, 1, 1, 1});
  CHECK(ints(Array::full(ndt::parse("3 * int16"), Array::scalar(7))) == std::vector<int64_t>{7, 7, 7});
  CHECK_THROWS_AS(Array::full(ndt::parse("3 * int8"), Array::scalar(300)), Error);
  CHECK_THROWS_AS(Array::full(ndt::parse("3 * int8"), Array::scalar(1.5)), Error);
  // np.arange(2, 11, 3) -> [2, 5, 8]; np.arange(5, 0, -2) -> [5, 3, 1]; np.arange(3, 3) -> []
  CHECK(ints(Array::arange(2, 11, 3)) == std::vector<int64_t>{2, 5, 8});
  CHECK(ints(Array::arange(5, 0, -2)) == std::vector<int64_t>{5, 3, 1});
  CHECK(Array::arange(3, 3).size() == 0);
  CHECK(Array::arange(0, 4, 1, ndt::uint8).dtype() == ndt::uint8);
  CHECK_THROWS_AS(Array::arange(0, 4, 0), Error);
  // np.arange(0.0, 1.0, 0.25) -> [0, .25, .5, .75]
  CHECK(doubles(Array::arange(0.0, 1.0, 0.25)) == std::vector<double>{0, 0.25, 0.5, 0.75});
  // np.linspace(0, 1, 5) -> [0, .25, .5, .75, 1]; endpoint=False -> [0, .2, .4, .6, .8]
  CHECK(doubles(Array::linspace(0, 1, 5)) == std::vector<double>{0, 0.25, 0.5, 0.75, 1});
  CHECK(doubles(Array::linspace(0, 1, 5, false)) == std::vector<double>{0, 0.2, 0.4, 0.6000000000000001, 0.8});
  CHECK(Array::scalar(std::string_view("héllo")).as<std::string>() == "héllo");
  CHECK(Array::scalar(true).as<bool>());
  CHECK(Array::scalar(int64_t{-3}).as<int32_t>() == -3);
  CHECK_THROWS_AS(Array::scalar(2.5).as<int32_t>(), Error);
  CHECK(Array::missing(ndt::float64).is_missing());
  CHECK(Array::missing(ndt::float64).dtype() == ndt::parse("?float64"));
  CHECK_THROWS_AS(Array::missing(ndt::float64).as<double>(), Error);
  CHECK_THROWS_AS(Array::empty(ndt::parse("N * int32")), Error);
  CHECK_THROWS_AS(Array::zeros(ndt::parse("4611686018427387904 * 4 * int64")), Error);
  // Strings and ?T start empty.
  Array s = Array::empty(ndt::parse("2 * ?string"));
  CHECK(s(0).is_missing());
}

TEST_CASE("array: large blocks are mapped, aligned, zeroed and freed") {
  // 40 MB: above the size where blocks are mapped on a huge-page boundary. A freed
  // large block written full of ones must not leak into the next zeros().
  const auto big = ndt::parse("5000001 * float64");
  for (int round = 0; round < 3; ++round) {
    Array ones = Array::ones(big);
    CHECK(ones(5000000).as<double>() == 1.0);
    ones = Array();
    Array z = Array::zeros(big);
    CHECK(reinterpret_cast<std::uintptr_t>(z.data()) % 64 == 0);
    const auto* p = reinterpret_cast<const double*>(z.data());
    int64_t nonzero = 0;
    for (int64_t i = 0; i < 5000001; ++i) nonzero += p[i] != 0.0;
    CHECK(nonzero == 0);
    // A large extra block (a large gfunc result) comes from the same place.
    char* extra = z.memory()->allocate_extra(int64_t{33} << 20, 4096);
    CHECK(reinterpret_cast<std::uintptr_t>(extra) % 4096 == 0);
    std::memset(extra, 0xff, std::size_t{33} << 20);
    Array sum = z + 1.0;
    CHECK(sum(5000000).as<double>() == 1.0);
  }
}

TEST_CASE("array: integer and slice indexing like NumPy") {
  Array a = Array::arange(0, 24).reshape({2, 3, 4});
  CHECK(a(1, 2, 3).as<int64_t>() == 23);
  CHECK(a(-1, -3, -4).as<int64_t>() == 12);
  CHECK(ints(a(0, 1)) == std::vector<int64_t>{4, 5, 6, 7});
  // a[:, 1, ::-2] -> [[7, 5], [19, 17]]
  Array v = a(nd::all, 1, nd::slice(std::nullopt, std::nullopt, -2));
  CHECK(vec(v.shape()) == std::vector<int64_t>{2, 2});
  CHECK(ints(v) == std::vector<int64_t>{7, 5, 19, 17});
  // a[1, 2:0:-1, -3:] -> [[21, 22, 23], [17, 18, 19]]
  CHECK(ints(a(1, nd::slice(2, 0, -1), nd::slice(-3, std::nullopt))) == std::vector<int64_t>{21, 22, 23, 17, 18, 19});
  // a[..., 0] -> [[0, 4, 8], [12, 16, 20]]; a[0, ...] has shape (3, 4)
  CHECK(ints(a(nd::ellipsis, 0)) == std::vector<int64_t>{0, 4, 8, 12, 16, 20});
  CHECK(vec(a(0, nd::ellipsis).shape()) == std::vector<int64_t>{3, 4});
  // a[None, 1, :, None, 0] has shape (1, 3, 1)
  CHECK(vec(a(nd::newaxis, 1, nd::all, nd::newaxis, 0).shape()) == std::vector<int64_t>{1, 3, 1});
  // Out-of-range slices clamp: a[0, 0, 2:100] -> [2, 3]; a[0, 0, 5:1] -> []
  CHECK(ints(a(0, 0, nd::slice(2, 100))) == std::vector<int64_t>{2, 3});
  CHECK(a(0, 0, nd::slice(5, 1)).size() == 0);
  CHECK(message_of([&] { a(0, 3); }) == "index 3 is out of bounds for dim 1 with size 3");
  CHECK(message_of([&] { a(-3); }) == "index -3 is out of bounds for dim 0 with size 2");
  CHECK_THROWS_AS(a(0, 0, 0, 0), Error);
  CHECK_THROWS_AS(a(nd::slice(0, 1, 0)), Error);
  CHECK_THROWS_AS(a(nd::ellipsis, 0, nd::ellipsis), Error);
  // A view writes through to the base.
  a(1, nd::all, 0).assign(Array::scalar(-1));
  CHECK(ints(a(1, nd::all, 0)) == std::vector<int64_t>{-1, -1, -1});
  CHECK(a(1, 0, 1).as<int64_t>() == 13);
}

TEST_CASE("array: records, fields and record views") {
  Array r = Array::zeros(ndt::parse("3 * {x: int32, y: float64, p: 2 * int16}"));
  r.field("x").assign(Array::arange(1, 4));
  r(1).field("y").assign(Array::scalar(2.5));
  Array p = r.field("p");
  CHECK(vec(p.shape()) == std::vector<int64_t>{3, 2});
  CHECK(vec(p.strides()) == std::vector<int64_t>{24, 2});
  p(nd::all, 1).assign(Array::scalar(9));
  CHECK(ints(r.field("x")) == std::vector<int64_t>{1, 2, 3});
  CHECK(doubles(r.field("y")) == std::vector<double>{0, 2.5, 0});
  CHECK(ints(p) == std::vector<int64_t>{0, 9, 0, 9, 0, 9});
  CHECK(r(2, "x").as<int32_t>() == 3);
  CHECK(message_of([&] { r.field("z"); }) == "no field 'z' in {x: int32, y: float64, p: 2 * int16}");
  CHECK_THROWS_AS(p.field("x"), Error);
  Array t = Array::zeros(ndt::parse("(int8, float32)"));
  CHECK(t.field(1).dtype() == ndt::float32);
  CHECK_THROWS_AS(t.field(2), Error);
}

TEST_CASE("array: ragged dims index element by element") {
  Array a = ragged({{1, 2, 3}, {}, {4, 5}});
  CHECK(a.dtype() == ndt::parse("var * int64"));
  CHECK(a(0, 2).as<int64_t>() == 3);
  CHECK(a(2, -1).as<int64_t>() == 5);
  CHECK(ints(a(2)(nd::all)) == std::vector<int64_t>{4, 5});
  CHECK(a(2).dtype() == ndt::parse("var * int64"));
  CHECK(ints(a(0, nd::slice(std::nullopt, std::nullopt, -1))) == std::vector<int64_t>{3, 2, 1});
  CHECK(message_of([&] { a(1, 0); }) == "index 0 is out of bounds for dim 0 with size 0");
  CHECK(message_of([&] { a(nd::all, 0); }) ==
        "cannot index inside a var dim below a dim that is kept: index the fixed dims with integers first");
  // A reversed view of the outer dim still reaches each ragged element.
  Array r = a(nd::slice(std::nullopt, std::nullopt, -1));
  CHECK(r(0, 1).as<int64_t>() == 5);
  // A deep copy owns its ragged elements: changing the copy leaves the original.
  Array c = a.copy();
  c(0, 0).assign(Array::scalar(100));
  CHECK(a(0, 0).as<int64_t>() == 1);
  CHECK(c(0, 0).as<int64_t>() == 100);
  CHECK(nd::array_equal(a, a.copy()));
  CHECK_FALSE(nd::array_equal(a, c));
}

TEST_CASE("array: transpose, broadcast_to, reshape, squeeze") {
  Array a = Array::arange(0, 6).reshape({2, 3});
  Array t = a.transpose();
  CHECK(vec(t.shape()) == std::vector<int64_t>{3, 2});
  CHECK(vec(t.strides()) == std::vector<int64_t>{8, 24});
  CHECK(ints(t) == std::vector<int64_t>{0, 3, 1, 4, 2, 5});
  CHECK_THROWS_AS(a.transpose({0, 0}), Error);
  Array b = Array::arange(0, 3).broadcast_to(std::vector<int64_t>{2, 3});
  CHECK(ints(b) == std::vector<int64_t>{0, 1, 2, 0, 1, 2});
  CHECK(b.readonly());
  CHECK(vec(b.strides()) == std::vector<int64_t>{0, 8});
  CHECK_THROWS_AS(Array::arange(0, 3).broadcast_to(std::vector<int64_t>{4}), Error);
  // A view when the strides allow it, a copy otherwise (t is not C-contiguous).
  Array r = a.reshape({3, -1});
  CHECK(r.data() == a.data());
  CHECK(ints(r) == std::vector<int64_t>{0, 1, 2, 3, 4, 5});
  Array tr = t.reshape({6});
  CHECK(tr.data() != a.data());
  CHECK(ints(tr) == std::vector<int64_t>{0, 3, 1, 4, 2, 5});
  // Every other column of a C array reshapes without a copy: (2, 3)[:, ::2] has strides (24, 16).
  Array s = Array::arange(0, 12).reshape({2, 2, 3})(nd::all, nd::all, 0).reshape({4});
  CHECK(ints(s) == std::vector<int64_t>{0, 3, 6, 9});
  CHECK_THROWS_AS(a.reshape({4, -1}), Error);
  CHECK_THROWS_AS(a.reshape({-1, -1}), Error);
  // A large transpose made contiguous (copied in tiles) and a 3-D one with an outer dim.
  Array big = Array::arange(0, 100 * 70).reshape({100, 70});
  Array bt = big.transpose().copy();
  CHECK(bt.is_c_contiguous());
  CHECK(bt(69, 99).as<int64_t>() == 99 * 70 + 69);
  CHECK(bt(5, 3).as<int64_t>() == 3 * 70 + 5);
  Array cube = Array::arange(0, 3 * 50 * 90, 1, ndt::int16).reshape({3, 50, 90}).transpose({0, 2, 1}).copy();
  CHECK(cube(2, 89, 49).as<int64_t>() == 2 * 4500 + 49 * 90 + 89);
  CHECK(cube(1, 7, 11).as<int64_t>() == 4500 + 11 * 90 + 7);
  Array q = Array::zeros(ndt::parse("1 * 3 * 1 * int8"));
  CHECK(vec(q.squeeze().shape()) == std::vector<int64_t>{3});
  const int axis[1] = {2};
  CHECK(vec(q.squeeze(axis).shape()) == std::vector<int64_t>{1, 3});
  const int bad[1] = {1};
  CHECK_THROWS_AS(q.squeeze(bad), Error);
}

TEST_CASE("array: assignment broadcasts and casts with checks") {
  Array a = Array::zeros(ndt::parse("2 * 3 * int32"));
  a.assign(Array::arange(0, 3));
  CHECK(ints(a) == std::vector<int64_t>{0, 1, 2, 0, 1, 2});
  a.assign(Array::scalar(2.9));  // NumPy's astype truncates toward zero
  CHECK(ints(a) == std::vector<int64_t>{2, 2, 2, 2, 2, 2});
  CHECK_THROWS_AS(a.assign(Array::scalar(2.9), gfunc::cast_fractional), Error);
  CHECK_THROWS_AS(a.assign(Array::arange(0, 4)), Error);
  Array big = Array::arange(0, 3, 1, ndt::int64);
  big(1).assign(Array::scalar(int64_t{1} << 40));
  std::string m = message_of([&] { Array::zeros(ndt::parse("3 * int32")).assign(big, gfunc::cast_overflow); });
  CHECK(m == "assign: casting 1099511627776 at index [1] to int32 would cause overflow");
  // Overlapping views read the original values, like NumPy's a[1:] = a[:-1].
  Array o = Array::arange(0, 5);
  o(nd::slice(1, std::nullopt)).assign(o(nd::slice(std::nullopt, -1)));
  CHECK(ints(o) == std::vector<int64_t>{0, 0, 1, 2, 3});
  // Read-only stays read-only, views included.
  Array ro = Array::arange(0, 3).as_readonly();
  CHECK(message_of([&] { ro(0).assign(Array::scalar(1)); }) == "the array is read-only");
  CHECK_THROWS_AS(ro.set_missing(), Error);
}

TEST_CASE("array: strings and missing values in storage, copies and assignment") {
  Array s = Array::empty(ndt::parse("3 * string"));
  s(0).assign(Array::scalar(std::string_view("alpha")));
  s(2).assign(Array::scalar(std::string_view("γ")));
  CHECK(s(0).as<std::string>() == "alpha");
  CHECK(s(1).as<std::string>().empty());
  Array c = s.copy();
  CHECK(c(0).data() != s(0).data());
  CHECK(nd::element::string_at(c(0).data()).data() != nd::element::string_at(s(0).data()).data());
  CHECK(nd::array_equal(c, s));
  // Numbers into strings and back (gfunc's casts), the strings owned by the array.
  Array n = Array::arange(7, 10).astype(ndt::string);
  CHECK(n(2).as<std::string>() == "9");
  CHECK(ints(n.astype(ndt::int64)) == std::vector<int64_t>{7, 8, 9});
  CHECK_THROWS_AS(s.astype(ndt::int64), Error);
  // ?T: assignment from T marks present, set_missing marks missing.
  Array m = Array::zeros(ndt::parse("3 * ?float64"));
  CHECK(m(0).is_missing());
  m.assign(Array::linspace(1, 3, 3));
  CHECK(doubles(m.astype(ndt::float64)) == std::vector<double>{1, 2, 3});
  m(1).set_missing();
  CHECK(m(1).is_missing());
  CHECK(message_of([&] { m.astype(ndt::float64); }) == "cannot assign a missing value to float64 at index [1]");
  Array m2 = m.astype(ndt::parse("?int32"));
  CHECK(m2(1).is_missing());
  CHECK(m2(2).as<int32_t>() == 3);
  CHECK(nd::array_equal(m.copy(), m));
}

TEST_CASE("array: lifetimes: views keep memory alive, release runs once") {
  int released = 0;
  std::vector<double> data{1, 2, 3, 4};
  Array view;
  {
    const int64_t shape[1] = {4}, strides[1] = {8};
    Array base = Array::from_pointer(data.data(), ndt::float64, shape, strides, [&] { ++released; });
    view = base(nd::slice(1, 3));
    CHECK(view.memory() == base.memory());
  }
  CHECK(released == 0);
  CHECK(doubles(view) == std::vector<double>{2, 3});
  view = Array();
  CHECK(released == 1);
  // Overflowing arrmeta is refused before any access.
  const int64_t shape[2] = {int64_t{1} << 62, 4}, strides[2] = {64, 8};
  int refused = 0;
  CHECK_THROWS_AS(Array::from_pointer(data.data(), ndt::float64, shape, strides, [&] { ++refused; }), Error);
  CHECK_THROWS_AS(Array::from_pointer(data.data(), ndt::parse("N * int32"), [&] { ++refused; }), Error);
  CHECK(refused == 0);
  // A full datashape with strides describes borrowed memory too: every other element.
  Array every_other = Array::from_pointer(data.data(), ndt::make_fixed_dim(2, ndt::float64, 16), {}, true);
  CHECK(doubles(every_other) == std::vector<double>{1, 3});
  CHECK(every_other.readonly());
}

TEST_CASE("array: operators and reductions through gfunc") {
  Array a = Array::arange(0, 6).reshape({2, 3});
  Array b = Array::linspace(0.5, 1.5, 3);
  CHECK(doubles(a + b) == std::vector<double>{0.5, 2, 3.5, 3.5, 5, 6.5});
  CHECK((a + b).dtype() == ndt::float64);
  CHECK(ints(a * Array::scalar(2)) == std::vector<int64_t>{0, 2, 4, 6, 8, 10});
  CHECK(ints(-a) == std::vector<int64_t>{0, -1, -2, -3, -4, -5});
  CHECK(ints((a < Array::scalar(3)).astype(ndt::int64)) == std::vector<int64_t>{1, 1, 1, 0, 0, 0});
  CHECK(ints(a % Array::scalar(4)) == std::vector<int64_t>{0, 1, 2, 3, 0, 1});
  CHECK(a.sum().as<int64_t>() == 15);
  CHECK(ints(a.sum(std::vector<int>{0})) == std::vector<int64_t>{3, 5, 7});
  Array k = a.max(std::vector<int>{1}, true);
  CHECK(vec(k.shape()) == std::vector<int64_t>{2, 1});
  CHECK(ints(k) == std::vector<int64_t>{2, 5});
  CHECK(a.mean().as<double>() == 2.5);
  CHECK(ints(nd::where(a > Array::scalar(2), a, Array::scalar(-1))) == std::vector<int64_t>{-1, -1, -1, 3, 4, 5});
  Array out = Array::zeros(ndt::parse("2 * 3 * float64"));
  nd::CallOptions into;
  into.out = {out};
  nd::call("add", std::vector<Array>{a, a}, into);
  CHECK(doubles(out) == std::vector<double>{0, 2, 4, 6, 8, 10});
  CHECK_THROWS_AS(nd::call1("no_such_function", {a}), Error);
  CHECK_THROWS_AS(a + Array::arange(0, 4), Error);
  CHECK((a == a).all().as<bool>());
  // C++ numbers as operands.
  CHECK(ints(a * 3 - 1) == std::vector<int64_t>{-1, 2, 5, 8, 11, 14});
  CHECK(doubles(1.0 / (a + 1)) == std::vector<double>{1, 0.5, 1.0 / 3, 0.25, 0.2, 1.0 / 6});
  CHECK(ints((2 < a).astype(ndt::int64)) == std::vector<int64_t>{0, 0, 0, 1, 1, 1});
  CHECK(ints(nd::logical_and(a > 0, a < 4).astype(ndt::int64)) == std::vector<int64_t>{0, 1, 1, 1, 0, 0});
  // Strings from a function belong to the result.
  Array s = Array::empty(ndt::parse("2 * string"));
  s(0).assign(Array::scalar(std::string_view("ab")));
  s(1).assign(Array::scalar(std::string_view("c")));
  Array cat = s + s;
  CHECK(cat(0).as<std::string>() == "abab");
  CHECK(cat(1).as<std::string>() == "cc");
  // Strings written into out= arrays are owned by them (LeakSanitizer checks the frees).
  Array into_strings = Array::empty(ndt::parse("2 * string"));
  nd::CallOptions string_out;
  string_out.out = {into_strings};
  nd::call("add", std::vector<Array>{s, cat}, string_out);
  CHECK(into_strings(0).as<std::string>() == "ababab");
  CHECK(into_strings(1).as<std::string>() == "ccc");
}
