# NumPy interchange: zero-copy both ways for every dtype NumPy shares with Pluribus,
# __array_interface__, DLPack both ways, read-only memory, and lifetimes (the base object
# is deleted first; the other side must keep the memory alive).
import gc

import numpy as np
import pytest

import pluribus

SHARED_DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                 "uint64", "float16", "float32", "float64", "complex64", "complex128"]


def sample(dtype):
    values = np.arange(12).reshape(3, 4) % 5
    if dtype == "bool":
        return values % 2 == 0
    return (values - (0 if dtype.startswith("u") else 2)).astype(dtype)


@pytest.mark.parametrize("dtype", SHARED_DTYPES)
def test_asarray_is_a_view(dtype):
    x = sample(dtype)
    a = pluribus.asarray(x)
    assert a.dtype == dtype
    assert a.shape == x.shape and a.strides == x.strides
    assert a.data_address == x.ctypes.data
    assert a.tolist() == x.tolist()


@pytest.mark.parametrize("dtype", SHARED_DTYPES)
def test_numpy_views_pluribus_memory(dtype):
    a = pluribus.array(sample(dtype).tolist(), type=f"3 * 4 * {dtype}")
    x = np.asarray(a)
    assert x.dtype == np.dtype(dtype)
    assert x.ctypes.data == a.data_address
    np.testing.assert_array_equal(x, sample(dtype))


@pytest.mark.parametrize("dtype", SHARED_DTYPES)
def test_round_trip(dtype):
    x = sample(dtype)
    y = np.asarray(pluribus.asarray(x))
    assert y.dtype == x.dtype and y.ctypes.data == x.ctypes.data
    np.testing.assert_array_equal(y, x)


def test_strided_and_reversed_views():
    x = np.arange(30.0).reshape(5, 6)[::2, ::-3]
    a = pluribus.asarray(x)
    assert a.strides == x.strides
    assert a.tolist() == x.tolist()
    y = np.asarray(a)
    assert y.ctypes.data == x.ctypes.data
    np.testing.assert_array_equal(y, x)
    v = np.asarray(pluribus.array(np.arange(12).reshape(3, 4).tolist())[:, ::-2])
    np.testing.assert_array_equal(v, np.arange(12).reshape(3, 4)[:, ::-2])


def test_records():
    dt = np.dtype([("x", "<i4"), ("y", "<f8")], align=True)
    x = np.zeros(3, dt)
    x["x"] = [1, 2, 3]
    x["y"] = [0.5, 1.5, 2.5]
    a = pluribus.asarray(x)
    assert a.dtype.fields == {"x": pluribus.type("int32"), "y": pluribus.type("float64")}
    assert a["y"].tolist() == [0.5, 1.5, 2.5]
    back = np.asarray(a)
    assert back.dtype.names == ("x", "y")
    np.testing.assert_array_equal(back["x"], [1, 2, 3])


def test_writes_are_shared():
    x = np.zeros(4)
    a = pluribus.asarray(x)
    a[1] = 7.0
    assert x[1] == 7.0
    y = np.asarray(a)
    y[2] = 3.0
    assert a[2] == 3.0


def test_read_only_memory_stays_read_only():
    x = np.arange(4.0)
    x.flags.writeable = False
    a = pluribus.asarray(x)
    assert a.readonly
    with pytest.raises(ValueError):
        a[0] = 1.0
    assert not np.asarray(a).flags.writeable


def test_numpy_keeps_pluribus_memory_alive():
    a = pluribus.array([1.5, 2.5, 3.5])
    x = np.asarray(a)
    del a
    gc.collect()
    np.testing.assert_array_equal(x + 0, [1.5, 2.5, 3.5])


def test_pluribus_keeps_numpy_memory_alive():
    x = np.arange(1000.0)
    a = pluribus.asarray(x)
    view = a[10:20]
    del x, a
    gc.collect()
    assert view.tolist() == [float(i) for i in range(10, 20)]


def test_chain_of_views_outlives_every_base():
    x = np.arange(6.0)
    y = np.asarray(pluribus.asarray(x)[::2])
    del x
    gc.collect()
    np.testing.assert_array_equal(y, [0.0, 2.0, 4.0])


def test_array_copies():
    x = np.arange(3.0)
    a = pluribus.array(x)
    x[0] = 100.0
    assert a[0] == 0.0


def test_array_interface():
    a = pluribus.array([[1, 2], [3, 4]], type="2 * 2 * int16")
    interface = a.__array_interface__
    assert interface["typestr"] == np.dtype("int16").str
    assert interface["shape"] == (2, 2)
    assert interface["data"][0] == a.data_address
    assert interface["version"] == 3

    class Holder:
        pass

    holder = Holder()
    holder.__array_interface__ = interface
    holder.keep = a
    np.testing.assert_array_equal(np.asarray(holder), [[1, 2], [3, 4]])


def test_memoryview():
    a = pluribus.array([[1.0, 2.0], [3.0, 4.0]])
    m = memoryview(a)
    assert m.format == "d" or m.format.endswith("d")
    assert m.shape == (2, 2)
    assert m.tolist() == [[1.0, 2.0], [3.0, 4.0]]


def test_strings_have_no_buffer():
    a = pluribus.array(["a", "b"])
    with pytest.raises(BufferError):
        memoryview(a)


def test_dlpack_from_numpy():
    x = np.arange(10.0).reshape(2, 5)
    a = pluribus.from_dlpack(x)
    assert a.data_address == x.ctypes.data
    assert a.tolist() == x.tolist()
    del x
    gc.collect()
    assert a[1, 4] == 9.0


def test_dlpack_to_numpy():
    a = pluribus.array([[1, 2, 3], [4, 5, 6]], type="2 * 3 * int32")
    assert a.__dlpack_device__() == (1, 0)
    x = np.from_dlpack(a)
    assert x.ctypes.data == a.data_address
    del a
    gc.collect()
    np.testing.assert_array_equal(x, [[1, 2, 3], [4, 5, 6]])


def test_dlpack_versioned_capsule_round_trip():
    a = pluribus.array([1.0, 2.0, 3.0])
    capsule = a.__dlpack__(max_version=(1, 0))
    b = pluribus.from_dlpack(capsule)
    assert b.data_address == a.data_address
    with pytest.raises(ValueError):
        pluribus.from_dlpack(capsule)  # consumed
    unused = a.__dlpack__()  # an unconsumed capsule frees its tensor
    del unused
    assert b.tolist() == [1.0, 2.0, 3.0]


def test_large_asarray_is_zero_copy():
    x = np.zeros(10_000_000)
    a = pluribus.asarray(x)
    assert a.data_address == x.ctypes.data
    y = np.asarray(pluribus.add(a, 1.0, out=a))
    assert y.ctypes.data == x.ctypes.data
    assert x[12345] == 1.0


def test_views_release_their_base():
    # Every view taken and dropped gives its reference to the NumPy array back.
    import sys
    x = np.arange(8.0)
    before = sys.getrefcount(x)
    for _ in range(100):
        a = pluribus.asarray(x)
        b = np.asarray(a[::2])
        c = pluribus.from_dlpack(x)
        d = pluribus.add(x, c)
        del a, b, c, d
    gc.collect()
    assert sys.getrefcount(x) == before


@pytest.mark.parametrize("dtype", ["datetime64[ns]", "timedelta64[s]"])
def test_dates_through_the_array_interface(dtype):
    # NumPy gives no buffer for these dtypes; __array_interface__ shares them both ways.
    x = np.array([1_600_000_000_000_000_000, 0, 5]).astype(dtype)
    a = pluribus.asarray(x)
    assert a.data_address == x.ctypes.data
    del x
    gc.collect()
    y = np.asarray(a)
    assert y.dtype == np.dtype(dtype) and y.ctypes.data == a.data_address
    np.testing.assert_array_equal(y, np.array([1_600_000_000_000_000_000, 0, 5]).astype(dtype))
