"""Pluribus from Python beside NumPy, in one process, on the same data: prints each time and
the ratio against the target of issue 5. Run with the build's package on the path:

    PYTHONPATH=build/bindings/python /usr/bin/python3 bindings/python/bench_numpy.py

Each side runs its best SIMD level. To run both on AVX2 on a CPU with AVX-512 (the machine
class of issue 5's NumPy figures; NumPy's float64 exp has an AVX-512 kernel only), set
PLURIBUS_SIMD_TARGET=AVX2 and NPY_DISABLE_CPU_FEATURES="AVX512F AVX512CD AVX512_SKX
AVX512_CLX AVX512_CNL AVX512_ICL"; the first line printed names both levels.
"""
import os
import sys
import timeit

import numpy as np

# The source directory holds pluribus/ without its extension: import the built package.
_here = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or ".") != _here]

import pluribus  # noqa: E402


def best_time(statement, number, repeat=7):
    """The best per-call time in seconds of `statement` (a no-argument callable)."""
    return min(timeit.repeat(statement, number=number, repeat=repeat)) / number


def report(label, numpy_seconds, pluribus_seconds, target, higher_is_better):
    if higher_is_better:
        ratio = numpy_seconds / pluribus_seconds
        verdict = "ok" if ratio >= target else "MISSED"
        goal = f"speed-up >= {target:.1f}x"
    else:
        ratio = pluribus_seconds / numpy_seconds
        verdict = "ok" if ratio <= target else "MISSED"
        goal = f"time ratio <= {target:.1f}x"
    print(f"{label:<42} numpy {numpy_seconds * 1e9:>12.0f} ns  pluribus "
          f"{pluribus_seconds * 1e9:>12.0f} ns  ratio {ratio:6.2f}  ({goal}: {verdict})")
    return verdict == "ok"


def numpy_isa():
    from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__
    enabled = [g for g in __cpu_dispatch__ if __cpu_features__.get(g)]
    return enabled[-1] if enabled else "baseline"


def main():
    print(f"SIMD: NumPy {numpy_isa()}, Pluribus {pluribus.simd_target()}")
    results = []

    # 1. The call overhead: one float64 element each.
    x, y = np.array([1.5]), np.array([2.5])
    px, py = pluribus.asarray(x), pluribus.asarray(y)
    add = pluribus.add
    np_add = np.add
    results.append(report("add, 1 float64 element", best_time(lambda: np_add(x, y), 20000),
                          best_time(lambda: add(px, py), 20000), 1.0, False))

    # 2. A large add into a preallocated output (memory bound; NumPy is single-threaded).
    n = 10_000_000
    a, b, c = np.random.rand(n), np.random.rand(n), np.empty(n)
    pa, pb, pc = pluribus.asarray(a), pluribus.asarray(b), pluribus.asarray(c)
    results.append(report("add(a, b, out=c), 1e7 float64",
                          best_time(lambda: np.add(a, b, out=c), 5),
                          best_time(lambda: pluribus.add(pa, pb, out=pc), 5), 1.1, True))
    np.testing.assert_array_equal(c, a + b)
    print(f"{'  (pluribus on one thread: max_threads=1)':<42} "
          f"{best_time(lambda: pluribus.add(pa, pb, out=pc, max_threads=1), 5) * 1e9:>37.0f} ns")

    # 3. A transcendental function, allocating its result.
    m = np.random.uniform(-20.0, 20.0, 1_000_000)
    pm = pluribus.asarray(m)
    results.append(report("exp, 1e6 float64", best_time(lambda: np.exp(m), 10),
                          best_time(lambda: pluribus.exp(pm), 10), 3.0, True))
    np.testing.assert_allclose(np.asarray(pluribus.exp(pm)), np.exp(m), rtol=1e-14)
    print(f"{'  (pluribus on one thread: max_threads=1)':<42} "
          f"{best_time(lambda: pluribus.exp(pm, max_threads=1), 10) * 1e9:>37.0f} ns")

    # 4. Zero-copy exchange: the time must not depend on the size, and the data is shared.
    big = np.zeros(n)
    small = np.zeros(10)
    p_big = pluribus.asarray(big)
    assert p_big.data_address == big.ctypes.data
    assert np.asarray(p_big).ctypes.data == big.ctypes.data
    p_small = pluribus.asarray(small)
    asarray_big = best_time(lambda: pluribus.asarray(big), 20000)
    asarray_small = best_time(lambda: pluribus.asarray(small), 20000)
    np_asarray_big = best_time(lambda: np.asarray(p_big), 20000)
    np_asarray_small = best_time(lambda: np.asarray(p_small), 20000)
    numpy_view = best_time(lambda: big.view(), 20000)
    print(f"{'pluribus.asarray(np) 1e7 vs 10 elements':<42} {asarray_big * 1e9:8.0f} ns vs "
          f"{asarray_small * 1e9:8.0f} ns (NumPy's own .view(): {numpy_view * 1e9:.0f} ns)")
    print(f"{'np.asarray(pluribus) 1e7 vs 10 elements':<42} {np_asarray_big * 1e9:8.0f} ns vs "
          f"{np_asarray_small * 1e9:8.0f} ns")
    # Copying 80 MB takes milliseconds; a view of any size takes about a microsecond.
    constant = asarray_big < 50e-6 and np_asarray_big < 50e-6
    print(f"{'zero-copy, O(1)':<42} {'ok' if constant else 'MISSED'} (data pointers equal)")
    results.append(constant)
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
