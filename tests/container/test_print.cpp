// Tests of container/print.hpp: repr() and to_string() against what NumPy 1.24 prints.
//
// The NumPy strings were produced with /usr/bin/python3 (numpy 1.24.2) and pasted: the
// body is np.array2string(a, separator=', ', prefix='array(', suffix=',') (str(a) for
// to_string), then ", type='...')" placed as np.array_repr places its "dtype=...)" (on a
// new line indented 6 when it would pass the line width). Cases NumPy has no dtype for
// (ragged, missing, records) are derived by hand from the nearest NumPy output, as noted.
#include <doctest/doctest.h>

#include <complex>
#include <cstring>
#include <numeric>
#include <sstream>
#include <vector>

#include "container/array.hpp"
#include "container/json.hpp"
#include "container/print.hpp"

namespace nd = pluribus::nd;
namespace ndt = pluribus::ndt;

namespace {

// An array over `values` (which must outlive it) with the datashape `type`.
template <class T>
nd::Array wrap(std::vector<T>& values, const char* type) {
  const ndt::Type t = ndt::parse(type);
  REQUIRE(t.size() <= static_cast<int64_t>(values.size() * sizeof(T)));
  return nd::Array::from_pointer(values.data(), t);
}

std::vector<int64_t> iota(int64_t n, int64_t start = 0) {
  std::vector<int64_t> v(static_cast<std::size_t>(n));
  std::iota(v.begin(), v.end(), start);
  return v;
}

// The string/bytes/var element layout.
struct Slot {
  const void* data;
  int64_t size;
};

}  // namespace

TEST_CASE("print: integers, 2-d and 3-d (NumPy)") {
  auto v = iota(6, 1);
  const auto a = wrap(v, "2 * 3 * int64");
  CHECK(nd::repr(a) ==
        "array([[1, 2, 3],\n"
        "       [4, 5, 6]], type='2 * 3 * int64')");
  CHECK(nd::to_string(a) ==
        "[[1 2 3]\n"
        " [4 5 6]]");
  std::ostringstream os;
  os << a;
  CHECK(os.str() == nd::repr(a));

  auto c = iota(24);
  const auto cube = wrap(c, "2 * 3 * 4 * int64");
  CHECK(nd::repr(cube) ==
        "array([[[ 0,  1,  2,  3],\n"
        "        [ 4,  5,  6,  7],\n"
        "        [ 8,  9, 10, 11]],\n"
        "\n"
        "       [[12, 13, 14, 15],\n"
        "        [16, 17, 18, 19],\n"
        "        [20, 21, 22, 23]]], type='2 * 3 * 4 * int64')");
  CHECK(nd::to_string(cube) ==
        "[[[ 0  1  2  3]\n"
        "  [ 4  5  6  7]\n"
        "  [ 8  9 10 11]]\n"
        "\n"
        " [[12 13 14 15]\n"
        "  [16 17 18 19]\n"
        "  [20 21 22 23]]]");

  std::vector<int8_t> small{-128, 5, 127};
  CHECK(nd::repr(wrap(small, "3 * int8")) == "array([-128,    5,  127], type='3 * int8')");
  std::vector<uint64_t> big{0, UINT64_MAX};
  CHECK(nd::repr(wrap(big, "2 * uint64")) ==
        "array([                   0, 18446744073709551615], type='2 * uint64')");
}

TEST_CASE("print: line wrapping at linewidth (NumPy)") {
  auto v = iota(30);
  const auto a = wrap(v, "30 * int64");
  CHECK(nd::repr(a) ==
        "array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16,\n"
        "       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29],\n"
        "      type='30 * int64')");
  CHECK(nd::to_string(a) ==
        "[ 0  1  2  3  4  5  6  7  8  9 10 11 12 13 14 15 16 17 18 19 20 21 22 23\n"
        " 24 25 26 27 28 29]");
  auto t = iota(10);
  nd::PrintOptions narrow;
  narrow.linewidth = 20;
  CHECK(nd::repr(wrap(t, "10 * int64"), narrow) ==
        "array([0, 1, 2, 3,\n"
        "       4, 5, 6, 7,\n"
        "       8, 9],\n"
        "      type='10 * int64')");
}

TEST_CASE("print: summarised 2000-element and 100 x 100 arrays (NumPy)") {
  auto v = iota(2000);
  const auto a = wrap(v, "2000 * int64");
  CHECK(nd::repr(a) == "array([   0,    1,    2, ..., 1997, 1998, 1999], type='2000 * int64')");
  CHECK(nd::to_string(a) == "[   0    1    2 ... 1997 1998 1999]");

  auto m = iota(10000);
  CHECK(nd::repr(wrap(m, "100 * 100 * int64")) ==
        "array([[   0,    1,    2, ...,   97,   98,   99],\n"
        "       [ 100,  101,  102, ...,  197,  198,  199],\n"
        "       [ 200,  201,  202, ...,  297,  298,  299],\n"
        "       ...,\n"
        "       [9700, 9701, 9702, ..., 9797, 9798, 9799],\n"
        "       [9800, 9801, 9802, ..., 9897, 9898, 9899],\n"
        "       [9900, 9901, 9902, ..., 9997, 9998, 9999]],\n"
        "      type='100 * 100 * int64')");
  CHECK(nd::to_string(wrap(m, "100 * 100 * int64")) ==
        "[[   0    1    2 ...   97   98   99]\n"
        " [ 100  101  102 ...  197  198  199]\n"
        " [ 200  201  202 ...  297  298  299]\n"
        " ...\n"
        " [9700 9701 9702 ... 9797 9798 9799]\n"
        " [9800 9801 9802 ... 9897 9898 9899]\n"
        " [9900 9901 9902 ... 9997 9998 9999]]");

  // np.arange(10000.).reshape(100, 100): max/min > 1000, so scientific; only the printed
  // elements decide the format.
  std::vector<double> f(10000);
  std::iota(f.begin(), f.end(), 0.0);
  const auto fa = wrap(f, "100 * 100 * float64");
  CHECK(nd::repr(fa) ==
        "array([[0.000e+00, 1.000e+00, 2.000e+00, ..., 9.700e+01, 9.800e+01,\n"
        "        9.900e+01],\n"
        "       [1.000e+02, 1.010e+02, 1.020e+02, ..., 1.970e+02, 1.980e+02,\n"
        "        1.990e+02],\n"
        "       [2.000e+02, 2.010e+02, 2.020e+02, ..., 2.970e+02, 2.980e+02,\n"
        "        2.990e+02],\n"
        "       ...,\n"
        "       [9.700e+03, 9.701e+03, 9.702e+03, ..., 9.797e+03, 9.798e+03,\n"
        "        9.799e+03],\n"
        "       [9.800e+03, 9.801e+03, 9.802e+03, ..., 9.897e+03, 9.898e+03,\n"
        "        9.899e+03],\n"
        "       [9.900e+03, 9.901e+03, 9.902e+03, ..., 9.997e+03, 9.998e+03,\n"
        "        9.999e+03]], type='100 * 100 * float64')");
  CHECK(nd::to_string(fa) ==
        "[[0.000e+00 1.000e+00 2.000e+00 ... 9.700e+01 9.800e+01 9.900e+01]\n"
        " [1.000e+02 1.010e+02 1.020e+02 ... 1.970e+02 1.980e+02 1.990e+02]\n"
        " [2.000e+02 2.010e+02 2.020e+02 ... 2.970e+02 2.980e+02 2.990e+02]\n"
        " ...\n"
        " [9.700e+03 9.701e+03 9.702e+03 ... 9.797e+03 9.798e+03 9.799e+03]\n"
        " [9.800e+03 9.801e+03 9.802e+03 ... 9.897e+03 9.898e+03 9.899e+03]\n"
        " [9.900e+03 9.901e+03 9.902e+03 ... 9.997e+03 9.998e+03 9.999e+03]]");

  // np.array2string(np.arange(10), threshold=5, edgeitems=2)
  auto t = iota(10);
  nd::PrintOptions options;
  options.threshold = 5;
  options.edgeitems = 2;
  CHECK(nd::repr(wrap(t, "10 * int64"), options) == "array([0, 1, ..., 8, 9], type='10 * int64')");
}

TEST_CASE("print: negative-stride and broadcast views (NumPy)") {
  auto v = iota(6, 1);
  // a[::-1, ::-2] of [[1, 2, 3], [4, 5, 6]]: explicit arrmeta from the last element.
  const std::vector<int64_t> shape{2, 2}, strides{-24, -16};
  const auto r = nd::Array::from_pointer(v.data() + 5, ndt::int64, shape, strides);
  CHECK(nd::repr(r) ==
        "array([[6, 4],\n"
        "       [3, 1]], type='2 * 2 * int64')");
  CHECK(nd::to_string(r) ==
        "[[6 4]\n"
        " [3 1]]");
  // The same through slicing.
  const auto a = wrap(v, "2 * 3 * int64");
  CHECK(nd::repr(a(nd::slice(std::nullopt, std::nullopt, -1),
                   nd::slice(std::nullopt, std::nullopt, -2))) == nd::repr(r));
  CHECK(nd::repr(a.transpose()) ==
        "array([[1, 4],\n"
        "       [2, 5],\n"
        "       [3, 6]], type='3 * 2 * int64')");

  // np.broadcast_to([1.5, 2.0], (2, 2)): stride 0.
  std::vector<double> row{1.5, 2.0};
  const std::vector<int64_t> bshape{2, 2}, bstrides{0, 8};
  const auto b = nd::Array::from_pointer(row.data(), ndt::float64, bshape, bstrides);
  CHECK(nd::repr(b) ==
        "array([[1.5, 2. ],\n"
        "       [1.5, 2. ]], type='2 * 2 * float64')");
}

TEST_CASE("print: floats of mixed magnitudes (NumPy)") {
  auto repr_of = [](std::vector<double> v, const char* type, const nd::PrintOptions& o = {}) {
    return nd::repr(wrap(v, type), o);
  };
  auto str_of = [](std::vector<double> v, const char* type) {
    return nd::to_string(wrap(v, type));
  };
  CHECK(repr_of({1.0, 2.5, 3.0}, "3 * float64") == "array([1. , 2.5, 3. ], type='3 * float64')");
  CHECK(repr_of({0.1, 2.5, 10.25, -3.0}, "4 * float64") ==
        "array([ 0.1 ,  2.5 , 10.25, -3.  ], type='4 * float64')");
  CHECK(str_of({0.1, 2.5, 10.25, -3.0}, "4 * float64") == "[ 0.1   2.5  10.25 -3.  ]");
  // max/min > 1000: scientific with the digits the longest value needs.
  CHECK(repr_of({0.1, 2.5, 100.25, -3.0}, "4 * float64") ==
        "array([ 1.0000e-01,  2.5000e+00,  1.0025e+02, -3.0000e+00],\n"
        "      type='4 * float64')");
  CHECK(repr_of({1e-5, 1.0, 1234.5}, "3 * float64") ==
        "array([1.0000e-05, 1.0000e+00, 1.2345e+03], type='3 * float64')");
  CHECK(repr_of({1e8, 1.5}, "2 * float64") == "array([1.0e+08, 1.5e+00], type='2 * float64')");
  CHECK(repr_of({1e-5, 1e100, -2.5e-300}, "3 * float64") ==
        "array([ 1.0e-005,  1.0e+100, -2.5e-300], type='3 * float64')");
  // At most `precision` fraction digits, rounded half to even (0.001953125 -> ...12).
  CHECK(repr_of({1.0 / 3, 2.0 / 3, 10.0}, "3 * float64") ==
        "array([ 0.33333333,  0.66666667, 10.        ], type='3 * float64')");
  CHECK(repr_of({0.001953125, 1.0}, "2 * float64") ==
        "array([0.00195312, 1.        ], type='2 * float64')");
  CHECK(repr_of({-0.0, 1.25}, "2 * float64") == "array([-0.  ,  1.25], type='2 * float64')");
  nd::PrintOptions three;
  three.precision = 3;
  CHECK(repr_of({3.141592653589793, 2.718281828459045}, "2 * float64", three) ==
        "array([3.142, 2.718], type='2 * float64')");
  // nan and inf are padded to the common width.
  CHECK(repr_of({NAN, INFINITY, -1.5}, "3 * float64") ==
        "array([ nan,  inf, -1.5], type='3 * float64')");
  CHECK(repr_of({NAN, -INFINITY}, "2 * float64") == "array([ nan, -inf], type='2 * float64')");
  CHECK(str_of({NAN, INFINITY, -1.5}, "3 * float64") == "[ nan  inf -1.5]");

  // np.linspace(0, 1, 20): wrapped rows of equal-width elements.
  std::vector<double> l(20);
  for (int i = 0; i < 20; ++i) l[static_cast<std::size_t>(i)] = i / 19.0;
  CHECK(nd::repr(wrap(l, "20 * float64")) ==
        "array([0.        , 0.05263158, 0.10526316, 0.15789474, 0.21052632,\n"
        "       0.26315789, 0.31578947, 0.36842105, 0.42105263, 0.47368421,\n"
        "       0.52631579, 0.57894737, 0.63157895, 0.68421053, 0.73684211,\n"
        "       0.78947368, 0.84210526, 0.89473684, 0.94736842, 1.        ],\n"
        "      type='20 * float64')");
  CHECK(nd::to_string(wrap(l, "20 * float64")) ==
        "[0.         0.05263158 0.10526316 0.15789474 0.21052632 0.26315789\n"
        " 0.31578947 0.36842105 0.42105263 0.47368421 0.52631579 0.57894737\n"
        " 0.63157895 0.68421053 0.73684211 0.78947368 0.84210526 0.89473684\n"
        " 0.94736842 1.        ]");
}

TEST_CASE("print: float32 and float16 use their own shortest digits (NumPy)") {
  std::vector<float> f{0.1f, 1.0f / 3, 2.5f};
  CHECK(nd::repr(wrap(f, "3 * float32")) ==
        "array([0.1       , 0.33333334, 2.5       ], type='3 * float32')");
  std::vector<float> g{0.1f, 1.0f / 3, 16777216.0f};
  CHECK(nd::repr(wrap(g, "3 * float32")) ==
        "array([1.0000000e-01, 3.3333334e-01, 1.6777216e+07], type='3 * float32')");
  // Digits past a value's shortest ones are its exact value's (NumPy's min_digits), not
  // zeros: float32 -6.116018e9 is exactly -6116018176.
  std::vector<float> e{-6.116018e9f, 1.2345678f, 0.1f};
  CHECK(nd::repr(wrap(e, "3 * float32")) ==
        "array([-6.1160182e+09,  1.2345678e+00,  1.0000000e-01], type='3 * float32')");
  std::vector<_Float16> h{static_cast<_Float16>(0.1), static_cast<_Float16>(1.5),
                          static_cast<_Float16>(1000)};
  CHECK(nd::repr(wrap(h, "3 * float16")) ==
        "array([1.0e-01, 1.5e+00, 1.0e+03], type='3 * float16')");
}

TEST_CASE("print: complex numbers (NumPy)") {
  std::vector<std::complex<double>> z{{1, 2}, {1.5, -2.25}, {NAN, 1}};
  const auto a = wrap(z, "3 * complex128");
  CHECK(nd::repr(a) == "array([1. +2.j  , 1.5-2.25j, nan+1.j  ], type='3 * complex128')");
  CHECK(nd::to_string(a) == "[1. +2.j   1.5-2.25j nan+1.j  ]");
  std::vector<std::complex<double>> s{{1e-5, 1}, {2, 3e5}};
  CHECK(nd::repr(wrap(s, "2 * complex128")) ==
        "array([1.e-05+1.e+00j, 2.e+00+3.e+05j], type='2 * complex128')");
}

TEST_CASE("print: bools and 0-dim arrays (NumPy)") {
  std::vector<uint8_t> b{1, 0, 1};
  CHECK(nd::repr(wrap(b, "3 * bool")) == "array([ True, False,  True], type='3 * bool')");
  CHECK(nd::to_string(wrap(b, "3 * bool")) == "[ True False  True]");
  CHECK(nd::repr(wrap(b, "bool")) == "array(True, type='bool')");
  CHECK(nd::to_string(wrap(b, "bool")) == "True");

  // repr(np.array(2.5)), str(np.array(2.5)), repr(np.array(1.)), str(np.array(1.)),
  // str(np.array(1e20)), str(np.array(1+2j)), str(np.array(2j)).
  std::vector<double> d{2.5, 1.0, 1e20};
  CHECK(nd::repr(nd::Array::from_pointer(&d[0], ndt::float64)) == "array(2.5, type='float64')");
  CHECK(nd::to_string(nd::Array::from_pointer(&d[0], ndt::float64)) == "2.5");
  CHECK(nd::repr(nd::Array::from_pointer(&d[1], ndt::float64)) == "array(1., type='float64')");
  CHECK(nd::to_string(nd::Array::from_pointer(&d[1], ndt::float64)) == "1.0");
  CHECK(nd::to_string(nd::Array::from_pointer(&d[2], ndt::float64)) == "1e+20");
  std::vector<std::complex<double>> z{{1, 2}, {0, 2}};
  CHECK(nd::to_string(nd::Array::from_pointer(&z[0], ndt::complex128)) == "(1+2j)");
  CHECK(nd::to_string(nd::Array::from_pointer(&z[1], ndt::complex128)) == "2j");
  std::vector<int64_t> i{-7};
  CHECK(nd::repr(wrap(i, "int64")) == "array(-7, type='int64')");
  CHECK(nd::repr(nd::Array()) == "array(None)");
}

TEST_CASE("print: empty arrays print [] (NumPy, shape in the type)") {
  std::vector<int64_t> none(1);
  CHECK(nd::repr(wrap(none, "0 * int64")) == "array([], type='0 * int64')");
  CHECK(nd::repr(wrap(none, "2 * 0 * float64")) == "array([], type='2 * 0 * float64')");
  CHECK(nd::to_string(wrap(none, "0 * int64")) == "[]");
}

TEST_CASE("print: strings and bytes, quoted with escapes") {
  // NumPy prints array(['abc', "it's", 'a\nb'], dtype='<U4'): Python's repr of each
  // element. We always quote with ' and escape it, as gfunc's format_scalar does.
  const char* texts[] = {"abc", "it's", "a\nb"};
  std::vector<Slot> s;
  for (const char* t : texts) s.push_back({t, static_cast<int64_t>(std::strlen(t))});
  const auto a = wrap(s, "3 * string");
  CHECK(nd::repr(a) == "array(['abc', 'it\\'s', 'a\\nb'], type='3 * string')");
  CHECK(nd::to_string(a) == "['abc' 'it\\'s' 'a\\nb']");
  // str() of a 0-dim string is the text itself (str(np.str_('abc'))).
  CHECK(nd::to_string(nd::Array::from_pointer(s.data(), ndt::string)) == "abc");
  // UTF-8 counts as one column per code point when wrapping (Python's len()).
  const char* greek = "\xce\xb1\xce\xb2";  // "αβ"
  std::vector<Slot> u(12, Slot{greek, 4});
  CHECK(nd::repr(wrap(u, "12 * string")) ==
        "array(['\xce\xb1\xce\xb2', '\xce\xb1\xce\xb2', '\xce\xb1\xce\xb2', '\xce\xb1\xce\xb2', "
        "'\xce\xb1\xce\xb2', '\xce\xb1\xce\xb2', '\xce\xb1\xce\xb2', '\xce\xb1\xce\xb2', "
        "'\xce\xb1\xce\xb2', '\xce\xb1\xce\xb2', '\xce\xb1\xce\xb2',\n"
        "       '\xce\xb1\xce\xb2'], type='12 * string')");
  // Python's bytes repr: b'a\x00\'' .
  const char raw[] = {'a', '\0', '\''};
  std::vector<Slot> by{{raw, 3}};
  CHECK(nd::repr(wrap(by, "1 * bytes")) == "array([b'a\\x00\\''], type='1 * bytes')");
}

TEST_CASE("print: ragged var dims nest like dims of their own lengths") {
  // Hand-derived from NumPy's layout of a 2-d array, each row with its own length.
  std::vector<int64_t> r0{1, 2}, r1{3};
  std::vector<Slot> rows{{r0.data(), 2}, {r1.data(), 1}};
  const auto a = wrap(rows, "2 * var * int64");
  CHECK(nd::repr(a) ==
        "array([[1, 2],\n"
        "       [3]], type='2 * var * int64')");
  CHECK(nd::to_string(a) ==
        "[[1 2]\n"
        " [3]]");
  // One common float format across the ragged rows; an empty row is [].
  std::vector<double> f0{1.5, 2.0}, f1{3.0};
  std::vector<Slot> frows{{f0.data(), 2}, {f1.data(), 1}, {nullptr, 0}};
  CHECK(nd::repr(wrap(frows, "3 * var * float64")) ==
        "array([[1.5, 2. ],\n"
        "       [3. ],\n"
        "       []], type='3 * var * float64')");
  // A 0-dim array whose dtype starts with var prints its elements.
  CHECK(nd::repr(nd::Array::from_pointer(rows.data(), ndt::parse("var * int64"))) ==
        "array([1, 2], type='var * int64')");
  std::vector<Slot> outer{{rows.data(), 2}};
  CHECK(nd::repr(nd::Array::from_pointer(outer.data(), ndt::parse("var * var * int64"))) ==
        "array([[1, 2],\n"
        "       [3]], type='var * var * int64')");
  // A nested literal through the core's JSON discovery.
  CHECK(nd::repr(nd::Array{{1, 2}, {3}}) ==
        "array([[1, 2],\n"
        "       [3]], type='2 * var * int64')");
  // Ragged data counts its elements for the threshold, and each long row is summarised.
  auto long_row = iota(2000);
  std::vector<Slot> lrows{{long_row.data(), 2000}, {r1.data(), 1}};
  CHECK(nd::repr(wrap(lrows, "2 * var * int64")) ==
        "array([[   0,    1,    2, ..., 1997, 1998, 1999],\n"
        "       [   3]], type='2 * var * int64')");
}

TEST_CASE("print: missing values print NA, aligned like the values") {
  const ndt::Type t = ndt::parse("3 * ?int64");
  const int64_t step = ndt::parse("?int64").size();
  std::vector<int64_t> storage(static_cast<std::size_t>(t.size() / 8 + 1), 0);
  char* p = reinterpret_cast<char*>(storage.data());
  const int64_t values[] = {1, 0, 3};
  const bool valid[] = {true, false, true};
  for (int i = 0; i < 3; ++i) {
    std::memcpy(p + i * step, &values[i], 8);
    p[i * step + 8] = valid[i] ? 1 : 0;
  }
  const auto a = nd::Array::from_pointer(p, t);
  // NA is as wide as the widest integer (here NA itself): like np.array([1, 22, 3]).
  CHECK(nd::repr(a) == "array([ 1, NA,  3], type='3 * ?int64')");
  CHECK(nd::to_string(a) == "[ 1 NA  3]");
  CHECK(nd::to_string(nd::Array::from_pointer(p + step, ndt::parse("?int64"))) == "NA");

  // Floats: NA padded like nan would be ([1.5, nan, 3.] prints [1.5, nan, 3. ]).
  const ndt::Type ft = ndt::parse("3 * ?float64");
  std::vector<int64_t> fstorage(static_cast<std::size_t>(ft.size() / 8 + 1), 0);
  char* q = reinterpret_cast<char*>(fstorage.data());
  const double fvalues[] = {1.5, 0, 3.0};
  for (int i = 0; i < 3; ++i) {
    std::memcpy(q + i * step, &fvalues[i], 8);
    q[i * step + 8] = valid[i] ? 1 : 0;
  }
  CHECK(nd::repr(nd::Array::from_pointer(q, ft)) == "array([1.5,  NA, 3. ], type='3 * ?float64')");
  // Through the core's literal: nullptr is a missing value.
  CHECK(nd::repr(nd::Array{1, nullptr, 3}) == "array([ 1, NA,  3], type='3 * ?int64')");
}

TEST_CASE("print: records and tuples, each field with its own format") {
  // NumPy: np.array([(1, 2.5), (-20, 3.0)], dtype=[('x','i8'),('y','f8')]) prints
  // array([(  1, 2.5), (-20, 3. )], ...); records use datashape's {name: value}.
  struct Point {
    int64_t x;
    double y;
  };
  std::vector<Point> points{{1, 2.5}, {-20, 3.0}};
  const auto a = wrap(points, "2 * {x: int64, y: float64}");
  CHECK(nd::repr(a) ==
        "array([{x:   1, y: 2.5}, {x: -20, y: 3. }],\n"
        "      type='2 * {x: int64, y: float64}')");
  CHECK(nd::to_string(a) == "[{x:   1, y: 2.5} {x: -20, y: 3. }]");
  CHECK(nd::repr(wrap(points, "2 * (int64, float64)")) ==
        "array([(  1, 2.5), (-20, 3. )], type='2 * (int64, float64)')");

  // A dim inside a record prints inline, its elements formatted across the array:
  // np.array([(1, [1.5, 2.0]), (2, [3.0, 4.25])], dtype=[('a','i8'),('b','f8',(2,))])
  // prints array([(1, [1.5 , 2.  ]), (2, [3.  , 4.25])], ...).
  struct Row {
    int64_t a;
    double b[2];
  };
  std::vector<Row> rows{{1, {1.5, 2.0}}, {2, {3.0, 4.25}}};
  CHECK(nd::repr(wrap(rows, "2 * {a: int64, b: 2 * float64}")) ==
        "array([{a: 1, b: [1.5 , 2.  ]}, {a: 2, b: [3.  , 4.25]}],\n"
        "      type='2 * {a: int64, b: 2 * float64}')");

  // Records of strings and missing floats in a 0-dim var array (the README's example).
  const auto people =
      nd::from_json(R"([{"name": "Ada", "amount": 1.5}, {"name": "Bo", "amount": null}])",
                    ndt::parse("var * {name: string, amount: ?float64}"));
  CHECK(nd::repr(people) ==
        "array([{name: 'Ada', amount: 1.5}, {name: 'Bo', amount:  NA}],\n"
        "      type='var * {name: string, amount: ?float64}')");
  CHECK(nd::to_string(people) == "[{name: 'Ada', amount: 1.5} {name: 'Bo', amount:  NA}]");
}
