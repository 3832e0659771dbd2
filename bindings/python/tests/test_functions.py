# Registered functions as pluribus.<name>: every one is exposed; results, axis/keepdims/out
# and reductions are compared with NumPy's; errors have the library's class and message.
import pickle
import threading
import warnings

import numpy as np
import pytest

import pluribus


def test_every_registered_function_is_exposed():
    names = [f.__name__ for f in pluribus.functions()]
    assert names == sorted(names)
    for name in ["add", "exp", "sum", "matmul", "cumsum", "equal"]:
        assert name in names
    for f in pluribus.functions():
        exposed = getattr(pluribus, f.__name__)
        assert isinstance(exposed, pluribus.Function)
        assert exposed.__name__ == f.__name__
        assert exposed.signatures


def test_simd_target_is_capped_by_the_environment():
    import os
    import subprocess
    import sys

    assert pluribus.simd_target() in ("AVX3_DL", "AVX3", "AVX2", "SSE4", "SSSE3", "SCALAR")
    code = ("import numpy as np, pluribus; x = np.array([-0.5, 0.5, 2.0]); "
            "print(pluribus.simd_target(), pluribus.ceil(x).tolist(), pluribus.sqrt(x[2:]).tolist())")
    for target in ("SCALAR", "SSSE3"):
        env = dict(os.environ, PLURIBUS_SIMD_TARGET=target)
        out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                             check=True).stdout.split(" ", 1)
        assert out[0] == target
        assert out[1].strip() == "[-0.0, 1.0, 2.0] [1.4142135623730951]"


def test_unknown_function():
    with pytest.raises(AttributeError):
        pluribus.no_such_function
    with pytest.raises(LookupError):
        pluribus.function("no_such_function")


@pytest.mark.parametrize("name", ["exp", "log", "sin", "cos", "tanh", "sqrt", "expm1",
                                  "log1p", "arctan", "floor", "negative", "absolute"])
def test_unary_math_matches_numpy(name):
    x = np.linspace(0.1, 3.0, 1001)
    got = np.asarray(getattr(pluribus, name)(x))
    np.testing.assert_allclose(got, getattr(np, name)(x), rtol=1e-14, atol=0)


@pytest.mark.parametrize("name", ["add", "subtract", "multiply", "divide", "power",
                                  "maximum", "minimum", "arctan2", "hypot"])
def test_binary_math_matches_numpy(name):
    x = np.linspace(0.5, 2.0, 60).reshape(6, 10)
    y = np.linspace(1.0, 3.0, 10)
    got = np.asarray(getattr(pluribus, name)(x, y))
    np.testing.assert_allclose(got, getattr(np, name)(x, y), rtol=1e-14)


def test_mixed_inputs_promote_like_numpy():
    got = pluribus.add(np.arange(3, dtype=np.int32), np.arange(3.0))
    assert got.dtype == "float64"
    assert got.tolist() == [0.0, 2.0, 4.0]


def test_out_argument():
    x = np.arange(6.0).reshape(2, 3)
    out = np.empty_like(x)
    result = pluribus.add(x, x, out=out)
    assert result is out
    np.testing.assert_array_equal(out, x + x)
    p_out = pluribus.zeros("2 * 3 * float64")
    assert pluribus.multiply(x, 2.0, out=p_out) is p_out
    assert p_out.tolist() == (x * 2).tolist()
    pluribus.add(x, 1.0, p_out)  # positional output like NumPy's
    assert p_out.tolist() == (x + 1).tolist()


@pytest.mark.parametrize("name", ["sum", "prod", "min", "max", "mean"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 1)])
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions_match_numpy(name, axis, keepdims):
    x = np.arange(1.0, 13.0).reshape(3, 4)
    got = np.asarray(getattr(pluribus, name)(x, axis=axis, keepdims=keepdims))
    want = getattr(np, name)(x, axis=axis, keepdims=keepdims)
    assert got.shape == np.shape(want)
    np.testing.assert_allclose(got, want, rtol=1e-15)


def test_integer_and_boolean_reductions():
    x = np.array([[1, 5, 2], [7, 0, 3]])
    assert pluribus.sum(x, axis=1).tolist() == x.sum(axis=1).tolist()
    assert pluribus.argmax(x, axis=1).tolist() == x.argmax(axis=1).tolist()
    assert pluribus.any(x > 6, axis=0).tolist() == (x > 6).any(axis=0).tolist()
    assert pluribus.all(x >= 0).tolist() is True


def test_reduction_out_and_initial():
    x = np.arange(6.0).reshape(2, 3)
    out = pluribus.zeros("3 * float64")
    assert pluribus.sum(x, axis=0, out=out) is out
    assert out.tolist() == x.sum(axis=0).tolist()
    assert float(pluribus.sum(x, initial=10.0)) == x.sum(initial=10.0)


def test_reduction_axis_error():
    with pytest.raises(IndexError):
        pluribus.sum(np.zeros((2, 2)), axis=2)


def test_scans_and_linear_algebra():
    x = np.arange(1.0, 7.0).reshape(2, 3)
    assert pluribus.cumsum(x).tolist() == np.cumsum(x, axis=-1).tolist()
    assert pluribus.cumsum(x, axis=0).tolist() == np.cumsum(x, axis=0).tolist()
    np.testing.assert_allclose(np.asarray(pluribus.matmul(x, x.T)), x @ x.T)
    a = pluribus.asarray(x)
    np.testing.assert_allclose(np.asarray(a @ a.T), x @ x.T)


def test_string_functions():
    s = pluribus.array(["ab", "héllo"])
    assert pluribus.str_len(s).tolist() == [2, 5]
    assert pluribus.add(s, pluribus.array("!")).tolist() == ["ab!", "héllo!"]


def test_missing_values():
    a = pluribus.array([1.0, None, 3.0])
    assert pluribus.is_missing(a).tolist() == [False, True, False]
    assert (a + 1.0).tolist() == [2.0, None, 4.0]


def test_argument_errors():
    with pytest.raises(TypeError):
        pluribus.add(np.zeros(2))
    with pytest.raises(TypeError):
        pluribus.add(np.zeros(2), np.zeros(2), bogus=1)
    with pytest.raises(TypeError):
        pluribus.exp(np.zeros(2), keepdims=True)
    with pytest.raises(ValueError, match="broadcast"):
        pluribus.add(np.zeros(2), np.zeros(3))


def test_loop_failure_names_the_element():
    with pytest.raises(ValueError, match="1"):
        pluribus.floor_divide(np.array([4, 5]), np.array([2, 0]))


def test_functions_pickle_by_name():
    assert pickle.loads(pickle.dumps(pluribus.add)) is pluribus.add


def test_docstring_lists_signatures():
    assert "float64" in pluribus.add.__doc__
    assert pluribus.sum.is_reduction and not pluribus.add.is_reduction
    assert pluribus.add.nin == 2 and pluribus.add.nout == 1


def test_threads_share_functions():
    x = np.arange(100_000.0)
    results = [None] * 4

    def work(i):
        results[i] = np.asarray(pluribus.multiply(x, float(i)))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i in range(4):
        np.testing.assert_array_equal(results[i], x * i)


@pytest.mark.parametrize("name", ["argmax", "argmin"])
@pytest.mark.parametrize("axis", [None, 0, 1, -1])
@pytest.mark.parametrize("keepdims", [False, True])
def test_arg_reductions_match_numpy(name, axis, keepdims):
    x = np.array([[3.0, 9.0, 1.0, 4.0], [8.0, 2.0, 7.0, 0.5], [5.0, 6.0, 0.0, 9.5]])
    got = np.asarray(getattr(pluribus, name)(x, axis=axis, keepdims=keepdims))
    want = getattr(np, name)(x, axis=axis, keepdims=keepdims)
    assert got.shape == np.shape(want)
    np.testing.assert_array_equal(got, want)


def test_core_dim_functions_after_elementwise_shapes():
    # Results of functions with core dims do not have the broadcast shape of the inputs.
    for n in (3, 3, 5):
        x = np.arange(float(n))
        assert float(pluribus.inner(x, x)) == float(x @ x)
    for m, k, p in [(2, 2, 2), (3, 3, 1), (3, 2, 4), (2, 2, 2)]:
        a, b = np.ones((m, k)), np.ones((k, p))
        np.testing.assert_array_equal(np.asarray(pluribus.matmul(a, b)), a @ b)
    assert pluribus.add.is_elementwise and not pluribus.matmul.is_elementwise


def _with_missing(values, present):
    return [v if p else None for v, p in zip(values, present)]


@pytest.mark.parametrize(
    "name, numpy_name",
    [("sum", "nansum"), ("mean", "nanmean"), ("min", "nanmin"), ("max", "nanmax"), ("prod", "nanprod")],
)
@pytest.mark.parametrize("axis", [0, 1])
def test_reductions_skip_missing_values_like_numpy_nan_functions(name, numpy_name, axis):
    # NumPy's nan* functions on the same numbers with NaN at the missing places; where a row
    # has no present value Pluribus gives a missing result (NumPy: 0, 1 or NaN).
    rows = [[1.5, None, -2.0, 4.0], [None] * 4, [0.25, 3.0, None, -1.0]]
    a = pluribus.array(rows)
    assert str(a.type) == "3 * 4 * ?float64"
    x = np.array([[np.nan if v is None else v for v in row] for row in rows])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        want = getattr(np, numpy_name)(x, axis=axis)
    want = _with_missing(want.tolist(), (~np.isnan(x)).any(axis=axis))
    got = getattr(pluribus, name)(a, axis=axis)
    assert str(got.type) == f"{len(want)} * ?float64"
    assert got.tolist() == pytest.approx(want)


def test_missing_reductions_options():
    rows = [[1.5, None, -2.0, 4.0], [None] * 4, [0.25, 3.0, None, -1.0]]
    a = pluribus.array(rows)
    assert pluribus.sum(a).tolist() == 5.75
    assert pluribus.sum(a, axis=(0, 1)).tolist() == 5.75
    assert pluribus.sum(a, axis=1, initial=10).tolist() == [13.5, 10.0, 12.25]
    assert pluribus.max(a, axis=1, keepdims=True).tolist() == [[4.0], [None], [3.0]]
    # skipna=False: NumPy's plain sum over rows 0 and 2 is [1.75, nan, nan, 3.0].
    both = pluribus.array([rows[0], rows[2]])
    assert pluribus.sum(both, axis=0, skipna=False).tolist() == [1.75, None, None, 3.0]
    assert pluribus.sum(both, axis=0, skipna=True).tolist() == [1.75, 3.0, -2.0, 3.0]
    # np.nanargmax / nanargmin of rows 0 and 2: [3, 1] and [2, 3].
    assert pluribus.argmax(a, axis=1).tolist() == [3, None, 1]
    assert pluribus.argmin(a, axis=1).tolist() == [2, None, 3]
    assert pluribus.argmax(a, axis=1, skipna=False).tolist() == [None, None, None]
    # pandas: Series([1.5, nan, -2, 4]).cumsum() is [1.5, nan, -0.5, 3.5]; skipna=False
    # gives [1.5, nan, nan, nan].
    assert pluribus.cumsum(a).tolist()[0] == [1.5, None, -0.5, 3.5]
    assert pluribus.cumsum(a, skipna=False).tolist()[0] == [1.5, None, None, None]
    out = np.zeros(3)
    with pytest.raises(ValueError, match=r"missing result to float64 at index \[1\]"):
        pluribus.sum(a, axis=1, out=out)


def test_ragged_reductions():
    r = pluribus.array([[1.0, None, 3.0], [], [None]])
    assert pluribus.sum(r, axis=-1).tolist() == [4.0, None, None]
    assert pluribus.mean(r).tolist() == 2.0
    rows = pluribus.array([[1.0, 2.0, 3.0], [10.0], [100.0, 200.0, 300.0]])
    assert pluribus.sum(rows, axis=0).tolist() == [111.0, 212.0, 313.0]
    m = pluribus.mean(rows, axis=-1, keepdims=True)
    assert m.tolist() == [[2.0], [10.0], [200.0]]
    assert (rows - m).tolist() == [[-1.0, 0.0, 1.0], [0.0], [-100.0, 0.0, 100.0]]
    with pytest.raises(ValueError, match="cannot be broadcast"):
        pluribus.sum(pluribus.array([[1.0, 2.0], [1.0, 2.0, 3.0]]), axis=0)


# The math family on complex64, complex128 and float16 against NumPy 1.24: result dtypes
# for every input dtype, values on a grid, and special values exactly (signed zeros, NaN).
COMPLEX_MATH = ["sqrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos",
                "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh",
                "arccosh", "arctanh", "rint"]
FLOAT16_MATH = ["sqrt", "cbrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin",
                "cos", "tan", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "arcsinh",
                "arccosh", "arctanh", "floor", "ceil", "trunc", "rint"]
MATH_INPUT_DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32",
                     "uint64", "float16", "float32", "float64", "complex64", "complex128"]


@pytest.mark.parametrize("name", FLOAT16_MATH + ["isnan", "isinf", "isfinite", "arctan2", "hypot"])
def test_math_result_dtypes_match_numpy(name):
    nin = 2 if name in ("arctan2", "hypot") else 1
    for dtype in MATH_INPUT_DTYPES:
        args = [np.ones(3, dtype=dtype)] * nin
        try:
            with np.errstate(all="ignore"):
                want = getattr(np, name)(*args).dtype
        except TypeError:
            with pytest.raises(TypeError):
                getattr(pluribus, name)(*args)
            continue
        assert getattr(pluribus, name)(*args).dtype == str(want), (name, dtype)


def complex_grid(dtype):
    parts = np.concatenate([-np.geomspace(1e-3, 30, 25), [0.0], np.geomspace(1e-3, 30, 25)])
    return (parts[:, None] + 1j * parts[None, :]).ravel().astype(dtype)


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("name", COMPLEX_MATH)
def test_complex_math_matches_numpy(name, dtype):
    z = complex_grid(dtype)
    with np.errstate(all="ignore"):
        want = getattr(np, name)(z)
    got = getattr(pluribus, name)(z)
    assert got.dtype == dtype
    got = np.asarray(got)
    eps = np.finfo(dtype).eps
    ok = np.isfinite(want)
    # Relative to |want|. Both call the same C library functions, except that log1p is
    # more accurate than NumPy for small |z| (NumPy rounds 1 + x first) and exp2 for large
    # |z| (NumPy rounds z ln 2 first: an error growing as |z|).
    err = np.abs(got[ok] - want[ok]) / np.abs(want[ok]).clip(np.finfo(dtype).tiny)
    bound = {"log1p": 1e3, "exp2": 4 * (1 + np.abs(z[ok]))}.get(name, 4) * eps
    assert np.all(err <= bound)
    np.testing.assert_array_equal(np.isfinite(got), ok)


@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
@pytest.mark.parametrize("name", COMPLEX_MATH + ["isnan", "isinf", "isfinite"])
def test_complex_special_values_match_numpy(name, dtype):
    parts = np.array([0.0, -0.0, 1.0, -1.0, 2.0, -2.0, np.inf, -np.inf, np.nan])
    z = np.empty(parts.size ** 2, dtype=dtype)
    z.real = np.repeat(parts, parts.size)
    z.imag = np.tile(parts, parts.size)
    with np.errstate(all="ignore"):
        want = getattr(np, name)(z)
    got = np.asarray(getattr(pluribus, name)(z))
    assert got.dtype == want.dtype
    if want.dtype == bool:
        np.testing.assert_array_equal(got, want)
        return
    for part in ("real", "imag"):
        g, w = getattr(got, part), getattr(want, part)
        np.testing.assert_array_equal(np.isnan(g), np.isnan(w), err_msg=f"{part} NaN at {z}")
        finite = ~np.isnan(w)
        np.testing.assert_allclose(g[finite], w[finite], rtol=4 * np.finfo(dtype).eps, atol=0,
                                   err_msg=part)
        np.testing.assert_array_equal(np.signbit(g[finite]), np.signbit(w[finite]),
                                      err_msg=f"{part} sign at {z[finite]}")


def test_complex_math_refuses_what_numpy_refuses():
    z = np.array([1 + 2j])
    for name in ["floor", "ceil", "trunc", "cbrt"]:
        with pytest.raises(TypeError):
            getattr(pluribus, name)(z)


@pytest.mark.parametrize("name", FLOAT16_MATH)
def test_float16_math_matches_numpy(name):
    x = np.arange(65536, dtype=np.uint16).view(np.float16)
    with np.errstate(all="ignore"):
        want = getattr(np, name)(x)
    got = getattr(pluribus, name)(x)
    assert got.dtype == "float16"
    got = np.asarray(got)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    both = ~np.isnan(want)
    # NumPy rounds its C library's float32 result, we round our float32 kernel's (within
    # 4 ULP of float32): where the float32 value lies next to a half-way point between
    # two halves, the halves differ by one step.
    steps = np.abs(got[both].view(np.int16).astype(np.int32) - want[both].view(np.int16).astype(np.int32))
    assert steps.max() <= 1
    assert np.count_nonzero(steps) <= 0.001 * steps.size


def test_float16_predicates_and_binary_math_match_numpy():
    x = np.arange(65536, dtype=np.uint16).view(np.float16)
    for name in ["isnan", "isinf", "isfinite"]:
        np.testing.assert_array_equal(np.asarray(getattr(pluribus, name)(x)), getattr(np, name)(x))
    with np.errstate(all="ignore"):
        a = np.linspace(-70000, 70000, 4001).astype(np.float16)  # ends at -inf and inf
        b = a[::-1].copy()
        for name in ["arctan2", "hypot"]:
            got = getattr(pluribus, name)(a, b)
            assert got.dtype == "float16"
            np.testing.assert_array_equal(np.asarray(got), getattr(np, name)(a, b))
