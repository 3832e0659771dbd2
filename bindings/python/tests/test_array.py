# pluribus.Array from Python values: type discovery, tolist/to_json/repr, indexing and
# slicing against NumPy's results, assignment, operators and pickling.
import json
import pickle

import numpy as np
import pytest

import pluribus


def test_discovered_types():
    assert str(pluribus.array([[1, 2], [3, 4]]).type) == "2 * 2 * int64"
    assert str(pluribus.array([1.5, 2.0]).type) == "2 * float64"
    assert str(pluribus.array([[1, 2], [3]]).type) == "2 * var * int64"
    assert str(pluribus.array([1.0, None]).type) == "2 * ?float64"
    assert str(pluribus.array(["a", "bc"]).type) == "2 * string"
    assert str(pluribus.array(True).type) == "bool"


def test_records_from_dicts():
    rows = [{"name": "ann", "amount": 1.5}, {"name": "bob", "amount": None}]
    a = pluribus.array(rows, type="2 * {name: string, amount: ?float64}")
    assert a.tolist() == rows
    assert a["amount"].tolist() == [1.5, None]
    assert a[1]["name"] == "bob"
    assert json.loads(a.to_json()) == rows


def test_tuples_are_sequences():
    assert pluribus.array(((1, 2), (3, 4))).tolist() == [[1, 2], [3, 4]]


def test_given_type_casts():
    a = pluribus.array([1, 2, 3], type="3 * int8")
    assert a.dtype == "int8"
    assert a.tolist() == [1, 2, 3]
    with pytest.raises(ValueError):
        pluribus.array([1, 300], type="2 * int8")


def test_tolist_of_numbers_matches_numpy():
    values = [[1.25, -2.5, 3.0], [4.0, 5.5, 1e300]]
    assert pluribus.array(values).tolist() == np.array(values).tolist()
    assert pluribus.array([[True, False]]).tolist() == [[True, False]]


def test_repr_and_str_like_numpy():
    a = pluribus.array([1, 2])
    assert repr(a) == "array([1, 2], type='2 * int64')"
    assert str(a) == str(np.array([1, 2]))


@pytest.mark.parametrize("key", [
    0, -1, 2, slice(None), slice(1, None), slice(None, None, -1), slice(3, 0, -2),
    (1, 2), (slice(None), 1), (Ellipsis, 0), (None, 1), (1, None), (slice(0, 2), Ellipsis, None),
    (slice(None, None, 2), slice(1, 3)),
])
def test_indexing_matches_numpy(key):
    expected = np.arange(20.0).reshape(4, 5)
    a = pluribus.array(expected.tolist())
    got = a[key]
    want = expected[key]
    if isinstance(got, pluribus.Array):
        assert got.shape == want.shape
        assert got.tolist() == want.tolist()
    else:
        assert got == want


def test_index_errors():
    a = pluribus.array([1, 2, 3])
    with pytest.raises(IndexError):
        a[3]
    with pytest.raises(IndexError):
        a[0, 0]
    with pytest.raises(IndexError):
        a[1.5]
    with pytest.raises(ValueError):
        a[::0]


def test_ragged_indexing():
    a = pluribus.array([[1, 2, 3], [4]])
    assert a[0][2] == 3
    assert a[1].tolist() == [4]
    with pytest.raises(IndexError):
        a[1][1]


def test_len_and_iteration():
    a = pluribus.array([[1, 2], [3, 4], [5, 6]])
    assert len(a) == 3
    assert [row.tolist() for row in a] == [[1, 2], [3, 4], [5, 6]]
    with pytest.raises(TypeError):
        len(pluribus.array(1.0))


def test_setitem():
    a = pluribus.array([[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    a[0, 1] = 5
    a[1] = [1.0, 2.0, 3.0]
    a[:, 2] = 9.5
    assert a.tolist() == [[0.0, 5.0, 9.5], [1.0, 2.0, 9.5]]
    s = pluribus.array(["x", "y"])
    s[1] = "longer text"
    assert s.tolist() == ["x", "longer text"]
    m = pluribus.array([1.0, 2.0], type="2 * ?float64")
    m[0] = None
    assert m.tolist() == [None, 2.0]


def test_operators_match_numpy():
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    y = np.array([10.0, 20.0, 30.0])
    a, b = pluribus.array(x.tolist()), pluribus.array(y.tolist())
    assert (a + b).tolist() == (x + y).tolist()
    assert (a - b).tolist() == (x - y).tolist()
    assert (a * 2).tolist() == (x * 2).tolist()
    assert (a / b).tolist() == (x / y).tolist()
    assert (a ** 2).tolist() == (x ** 2).tolist()
    assert (-a).tolist() == (-x).tolist()
    assert abs(-a).tolist() == x.tolist()
    assert (a < 3).tolist() == (x < 3).tolist()
    assert (a == b).tolist() == (x == y).tolist()
    assert (a >= 2.0).tolist() == (x >= 2.0).tolist()
    assert (2.0 * a).tolist() == (2.0 * x).tolist()
    assert (pluribus.array([5, 7]) // 2).tolist() == [2, 3]
    assert (pluribus.array([5, 7]) % 4).tolist() == [1, 3]


def test_inplace_operators_write_into_the_array():
    a = pluribus.array([1.0, 2.0])
    view = a[:]
    a += 1.0
    a *= pluribus.array([2.0, 3.0])
    assert view.tolist() == [4.0, 9.0]


def test_scalar_conversions():
    a = pluribus.array([2.5])
    assert float(a) == 2.5
    assert int(pluribus.array(7)) == 7
    assert bool(pluribus.array([1]) == 1)
    with pytest.raises(ValueError):
        bool(pluribus.array([1, 2]))
    assert [10, 20, 30][pluribus.array(1)] == 20


def test_shape_mismatch_is_value_error():
    with pytest.raises(ValueError, match="broadcast"):
        pluribus.array([1.0, 2.0]) + pluribus.array([1.0, 2.0, 3.0])


def test_no_kernel_is_type_error():
    with pytest.raises(TypeError):
        pluribus.array(["a"]) - pluribus.array(["b"])


def test_views():
    a = pluribus.array([[1, 2, 3], [4, 5, 6]])
    assert a.T.tolist() == [[1, 4], [2, 5], [3, 6]]
    assert a.reshape(3, 2).tolist() == [[1, 2], [3, 4], [5, 6]]
    assert a.reshape((-1,)).tolist() == [1, 2, 3, 4, 5, 6]
    assert a[None].squeeze().shape == (2, 3)
    assert a[0].broadcast_to(2, 3).tolist() == [[1, 2, 3], [1, 2, 3]]
    assert a.astype("float32").dtype == "float32"
    c = a.copy()
    c[0, 0] = 100
    assert a[0, 0] == 1


@pytest.mark.parametrize("value", [
    [[1.5, 2.5], [3.5, 4.5]],
    [[1, 2, 3], [4]],
    [{"name": "ann", "amount": 1.5}, {"name": "bob", "amount": None}],
    ["text", "more"],
    [True, False],
])
def test_pickle(value):
    a = pluribus.array(value)
    for protocol in (0, 2, pickle.HIGHEST_PROTOCOL):
        b = pickle.loads(pickle.dumps(a, protocol))
        assert b.type == a.type
        assert b.tolist() == a.tolist()


def test_pickle_strided_view():
    a = pluribus.array(np.arange(12.0).reshape(3, 4).tolist())[::2, ::-1]
    b = pickle.loads(pickle.dumps(a))
    assert b.tolist() == a.tolist()


def test_empty_and_zeros():
    assert pluribus.zeros("2 * 2 * int32").tolist() == [[0, 0], [0, 0]]
    assert pluribus.empty("3 * float64").shape == (3,)
    assert pluribus.from_json("[1, 2]", "2 * int16").dtype == "int16"


def test_json_errors():
    with pytest.raises(pluribus.ParseError) as info:
        pluribus.from_json("[1, 2")
    assert info.value.line == 1
    with pytest.raises(ValueError, match="abc"):
        pluribus.from_json('[1, "abc"]', "2 * float64")


def test_numbers_without_json_form():
    a = pluribus.array([[1.0, float("nan")], [float("inf"), -float("inf")]])
    np.testing.assert_array_equal(np.asarray(a), [[1.0, np.nan], [np.inf, -np.inf]])
    c = pluribus.array([1 + 2j, 3.5])
    assert c.dtype == "complex128"
    assert c.tolist() == [1 + 2j, 3.5 + 0j]
    assert pluribus.array([2**63]).dtype == "uint64"


def test_numpy_scalars_inside_lists():
    a = pluribus.array([{"n": np.int32(3), "x": np.float64(0.5)}],
                       type="1 * {n: int32, x: float64}")
    assert a.tolist() == [{"n": 3, "x": 0.5}]
    assert pluribus.array([np.int64(1), np.int64(2)]).tolist() == [1, 2]


def test_fractional_values_do_not_become_integers():
    with pytest.raises(ValueError):
        pluribus.array([1.5, 2.0], type="2 * int32")


def test_missing_values_among_numbers():
    a = pluribus.array([[1, None], [None, 4]])
    assert a.type == "2 * 2 * ?int64"
    assert a.tolist() == [[1, None], [None, 4]]
    b = pluribus.array([1.0, None, float("nan"), float("inf")])
    assert b.dtype == "?float64"
    values = b.tolist()
    assert values[0] == 1.0 and values[1] is None and values[2] != values[2]
    assert values[3] == float("inf")
    assert pluribus.is_missing(b).tolist() == [False, True, False, False]
