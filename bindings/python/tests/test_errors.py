# Each plb_status arrives as the Python exception of its class, with the library's message.
import numpy as np
import pytest

import pluribus


def test_parse_error_is_a_value_error_with_position():
    with pytest.raises(ValueError) as info:
        pluribus.type("2 * * int32")
    assert isinstance(info.value, pluribus.ParseError)
    assert (info.value.line, info.value.column) == (1, 5)
    assert info.value.description in str(info.value)


def test_overflow_in_a_datashape():
    with pytest.raises(pluribus.ParseError, match="overflow"):
        pluribus.zeros("9223372036854775807 * 2 * float64")


def test_memory_error():
    with pytest.raises(MemoryError, match="8000000000000 bytes"):
        pluribus.zeros("1000000000000 * float64")


def test_type_errors():
    with pytest.raises(TypeError, match="concrete"):
        pluribus.zeros("N * float64")
    with pytest.raises(TypeError, match="no kernel"):
        pluribus.sum(pluribus.array(["a"]))
    with pytest.raises(TypeError, match="non-record"):
        pluribus.array([1, 2])["x"]


def test_lookup_errors():
    with pytest.raises(LookupError, match="'b'"):
        pluribus.array([{"a": 1}])["b"]
    with pytest.raises(LookupError):
        pluribus.function("no_such_function")


def test_value_errors_name_the_value():
    with pytest.raises(ValueError, match="1000"):
        pluribus.array([1000]).astype("int8")
    with pytest.raises(ValueError, match="reshape"):
        pluribus.array([1, 2]).reshape(3)


def test_not_implemented():
    with pytest.raises(NotImplementedError, match="PEP 3118"):
        pluribus.type("string").to_pep3118()


def test_index_error_names_the_extent():
    with pytest.raises(IndexError, match="3"):
        pluribus.asarray(np.zeros(3))[5]


def test_read_only_assignment():
    x = np.zeros(2)
    x.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        pluribus.add(x, x, out=pluribus.asarray(x))
