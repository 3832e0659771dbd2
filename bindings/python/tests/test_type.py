# pluribus.type: parsing, printing, equality, hashing, layout against C's own layout
# (ctypes) and NumPy's, pattern matching, pickling and parse errors.
import ctypes
import pickle

import numpy as np
import pytest

import pluribus


def test_canonical_str_and_repr():
    t = pluribus.type("var * {name: string, amount: ?float64}")
    assert str(t) == "var * {name: string, amount: ?float64}"
    assert repr(t) == "pluribus.type('var * {name: string, amount: ?float64}')"
    assert pluribus.type(str(t)) == t


def test_equality_and_hash():
    a = pluribus.type("3 * int32")
    b = pluribus.type("3 *   int32")
    assert a == b and not (a != b)
    assert hash(a) == hash(b)
    assert a != pluribus.type("3 * int64")
    assert a == "3 * int32"
    assert a != "not a type ("
    assert len({a, b, pluribus.type("int8")}) == 2
    assert pluribus.type(a) is a


def test_record_layout_matches_c():
    class Point(ctypes.Structure):
        _fields_ = [("a", ctypes.c_int8), ("b", ctypes.c_double), ("c", ctypes.c_int16)]

    t = pluribus.type("{a: int8, b: float64, c: int16}")
    assert t.size == ctypes.sizeof(Point)
    assert t.alignment == ctypes.alignment(Point)
    assert t.field_offsets == (Point.a.offset, Point.b.offset, Point.c.offset)
    assert list(t.fields) == ["a", "b", "c"]
    assert t.fields["b"] == pluribus.type("float64")
    assert t.kind == "record"


def test_tuple_fields():
    t = pluribus.type("(int32, float32)")
    assert t.fields == (pluribus.type("int32"), pluribus.type("float32"))
    assert pluribus.type("int32").fields is None


def test_dims():
    t = pluribus.type("2 * 3 * float32")
    assert t.ndim == 2
    assert t.shape == (2, 3)
    assert t.strides == np.zeros((2, 3), np.float32).strides
    assert t.size == 24
    assert t.dtype == pluribus.type("float32")
    assert pluribus.type("var * int8").shape == (None,)
    assert pluribus.type("int8").ndim == 0


def test_abstract_types():
    t = pluribus.type("N * T")
    assert not t.is_concrete
    with pytest.raises(TypeError):
        t.size


def test_match():
    pattern = pluribus.type("M * N * T")
    assert pattern.match("2 * 3 * float64")
    assert pattern.match(pluribus.type("4 * 1 * int8"))
    assert not pattern.match("3 * float64")
    assert pluribus.type("(N * T, N * T) -> T").match("(3 * int8, 3 * int8) -> int8")


def test_python_classes_and_numpy_dtypes():
    assert pluribus.type(float) == "float64"
    assert pluribus.type(int) == "int64"
    assert pluribus.type(bool) == "bool"
    assert pluribus.type(np.dtype("int16")) == "int16"
    assert pluribus.type(np.dtype("<f4")) == "float32"


def test_formats():
    t = pluribus.type("float64")
    assert t.to_numpy() == np.dtype("float64").str
    assert pluribus.type.from_numpy("<i2") == "int16"
    assert pluribus.type.from_pep3118(memoryview(b"x").format) == "uint8"
    assert pluribus.type.from_json(t.to_json()) == t
    assert pluribus.type.from_arrow(pluribus.type("int32").to_arrow()) == "int32"


@pytest.mark.parametrize("text", ["int32", "3 * {x: float32, y: ?int8}",
                                  "var * {name: string, amount: ?float64}", "M * N * T"])
def test_pickle(text):
    t = pluribus.type(text)
    for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
        u = pickle.loads(pickle.dumps(t, protocol))
        assert u == t and hash(u) == hash(t)


def test_parse_error_carries_position():
    with pytest.raises(pluribus.ParseError) as info:
        pluribus.type("{x: int32, y: flaot64}")
    error = info.value
    assert isinstance(error, ValueError)
    assert error.line == 1
    assert error.column == 15
    assert "flaot64" in str(error)
    assert "^" in str(error)


def test_parse_error_on_second_line():
    with pytest.raises(pluribus.ParseError) as info:
        pluribus.type("{x: int32,\n y: ???}")
    assert info.value.line == 2


def test_wrong_argument_type():
    with pytest.raises(TypeError):
        pluribus.type(3.5)
