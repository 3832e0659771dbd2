#!/usr/bin/python3
"""Side-by-side: gfunc (benchmarks/bench_gfunc, Google Benchmark) and NumPy on the same
work, measured in one run on this machine. Prints ns per element for both, the ratio
NumPy time / Pluribus time, and the issue's target for that ratio.

    /usr/bin/python3 benchmarks/compare_numpy.py [build/benchmarks/bench_gfunc [build/benchmarks/bench_array]]

Both sides report their best time: NumPy the best of 7 timed loops, Pluribus the best of 5
Google Benchmark repetitions; the two take turns for COMPARE_ROUNDS rounds (default 2).

The nd::Array rows (copy, astype, transpose-copy of 3000 x 3000 float64; creating arrays
and views) come from bench_array, which sits beside bench_gfunc unless given.

COMPARE_ISA=AVX2 runs both sides on AVX2 on a CPU with AVX-512: NumPy with its AVX-512
kernels disabled (NPY_DISABLE_CPU_FEATURES), Pluribus with PLURIBUS_SIMD_TARGET=AVX2. That
is the machine class the issue's NumPy figures were measured on (NumPy's float64
exp/log/sin have AVX-512 kernels only). Unset, each side runs its best target.
"""
import json
import os
import subprocess
import sys
import time

# NumPy 1.24's dispatch groups that use AVX-512 (numpy.core._multiarray_umath.__cpu_dispatch__).
NUMPY_AVX512 = "AVX512F AVX512CD AVX512_SKX AVX512_CLX AVX512_CNL AVX512_ICL"


def cap_isa():
    """Under COMPARE_ISA, re-runs this script with both sides capped (before NumPy loads)."""
    isa = os.environ.get("COMPARE_ISA", "").upper()
    if not isa or os.environ.get("PLURIBUS_SIMD_TARGET"):
        return
    if isa != "AVX2":
        sys.exit(f"COMPARE_ISA={isa}: only AVX2 is supported")
    env = dict(os.environ, NPY_DISABLE_CPU_FEATURES=NUMPY_AVX512, PLURIBUS_SIMD_TARGET="AVX2")
    os.execve(sys.executable, [sys.executable] + sys.argv, env)


cap_isa()

import numpy as np  # noqa: E402 (imported after cap_isa chose NumPy's CPU features)
from numpy.core._multiarray_umath import __cpu_dispatch__, __cpu_features__  # noqa: E402

os.environ.setdefault("OMP_NUM_THREADS", "1")


def numpy_ns(fn, n, repeat=7):
    """Best-of-repeat time of fn() divided by n, in ns (NumPy is single-threaded)."""
    fn()
    best = float("inf")
    for _ in range(repeat):
        loops = 1
        while True:
            t = time.perf_counter()
            for _ in range(loops):
                fn()
            dt = time.perf_counter() - t
            if dt > 0.2:
                break
            loops *= 2
        best = min(best, dt / loops)
    return best * 1e9 / n


def grid(n, lo, hi, dtype):
    i = np.arange(n, dtype=np.int64)
    return (lo + (hi - lo) * ((i * 7919) % 10007) / 10007.0).astype(dtype)


def numpy_figures():
    f = {}
    n = 10_000_000
    a, b = grid(n, -1, 1, np.float64), grid(n, -1, 1, np.float64)
    c = np.empty(n)
    f["add_f64"] = numpy_ns(lambda: np.add(a, b, out=c), n)
    cb = np.empty(n, dtype=bool)
    f["less_f64"] = numpy_ns(lambda: np.less(a, b, out=cb), n)
    f["sum_f64"] = numpy_ns(lambda: np.sum(a), n)
    i32 = np.arange(n, dtype=np.int32)
    f["cast_i32_f64"] = numpy_ns(lambda: np.copyto(c, i32, casting="unsafe"), n)
    del a, b, c, cb, i32
    m = 3000
    x, y, z = grid(m * m, 0, 1, np.float64).reshape(m, m), grid(m, 0, 1, np.float64), np.empty((m, m))
    f["broadcast_add_row"] = numpy_ns(lambda: np.add(x, y, out=z), m * m)
    col, row = y.reshape(m, 1), y.reshape(1, m)
    f["broadcast_add_outer"] = numpy_ns(lambda: np.add(col, row, out=z), m * m)
    del x, z
    n = 1_000_000
    for name, lo, hi in (("exp", -50, 50), ("log", 1e-3, 1e3), ("sin", -100, 100)):
        for dt, tag in ((np.float64, "f64"), (np.float32, "f32")):
            v, out = grid(n, lo, hi, dt), np.empty(n, dtype=dt)
            ufunc = getattr(np, name)
            f[f"{name}_{tag}"] = numpy_ns(lambda: ufunc(v, out=out), n)
    # The floor under any float64 function of 1e6 elements: reading and writing them.
    v, out = grid(n, -1, 1, np.float64), np.empty(n)
    f["copy_f64_1e6"] = numpy_ns(lambda: np.copyto(out, v), n)
    one_x, one_y, one_z = np.ones(1), np.ones(1), np.empty(1)
    f["add_one_element"] = numpy_ns(lambda: np.add(one_x, one_y, out=one_z), 1)
    k = 512
    ma, mb = grid(k * k, -1, 1, np.float64).reshape(k, k), grid(k * k, -1, 1, np.float64).reshape(k, k)
    mc = np.empty((k, k))
    f["matmul_f64_512"] = numpy_ns(lambda: np.matmul(ma, mb, out=mc), 1, repeat=3)  # ns per call
    del ma, mb, mc
    m = 3000
    wide = grid(m * 2 * m, 0, 1, np.float64).reshape(m, 2 * m)
    every_other, dst = wide[:, ::2], np.empty((m, m))
    f["copy_strided"] = numpy_ns(lambda: np.copyto(dst, every_other), m * m, repeat=5)
    del wide, every_other, dst
    sq = grid(m * m, 0, 1, np.float64).reshape(m, m)
    f["astype_f64_f32"] = numpy_ns(lambda: sq.astype(np.float32), m * m, repeat=5)
    sq32 = np.empty((m, m), dtype=np.float32)
    f["assign_f64_f32"] = numpy_ns(lambda: np.copyto(sq32, sq, casting="unsafe"), m * m, repeat=5)
    f["transpose_copy"] = numpy_ns(lambda: np.ascontiguousarray(sq.T), m * m, repeat=5)
    one = np.ones((4, 4))
    f["create_one_element"] = numpy_ns(lambda: np.empty(1), 1)
    f["view_index"] = numpy_ns(lambda: one[1], 1)
    return f


def numpy_isa():
    """The best dispatch group NumPy's kernels use here."""
    enabled = [g for g in __cpu_dispatch__ if __cpu_features__.get(g)]
    return enabled[-1] if enabled else "baseline"


def pluribus_figures(binary, repetitions=5):
    """Best of `repetitions` runs of each benchmark (as numpy_ns takes NumPy's best)."""
    out = subprocess.run([binary, "--benchmark_format=json", "--benchmark_min_time=0.1",
                          f"--benchmark_repetitions={repetitions}"],
                         check=True, capture_output=True, text=True).stdout
    report = json.loads(out)
    res = {"simd_target": report["context"].get("simd_target", "?")}
    for b in report["benchmarks"]:
        if b.get("run_type", "iteration") != "iteration":
            continue  # mean/median/stddev rows
        name = b.get("run_name", b["name"])
        if b.get("error_occurred"):
            res[name] = None
            continue
        if "elements" in b:
            t = 1e9 / b["elements"]
        elif "items_per_second" in b:
            t = 1e9 / b["items_per_second"]
        else:
            unit = {"ns": 1, "us": 1e3, "ms": 1e6, "s": 1e9}[b["time_unit"]]
            t = b["real_time"] * unit
        res[name] = t if res.get(name) is None else min(res[name], t)
    return res


def best(into, figures):
    for k, v in figures.items():
        if isinstance(v, str):
            into[k] = v
            continue
        if v is not None and (into.get(k) is None or v < into[k]):
            into[k] = v
        else:
            into.setdefault(k, v)


# (label, NumPy key, Pluribus benchmark name, target ratio NumPy/Pluribus)
ROWS = [
    ("add float64 1e7, 1 thread", "add_f64", "BM_binary/add_f64/10000000/1/real_time", 1.1),
    ("add float64 1e7, 2 threads", "add_f64", "BM_binary/add_f64/10000000/2/real_time", 1.6),
    ("broadcast add (3000,3000)+(3000,)", "broadcast_add_row", "BM_broadcast_add/0/1/real_time", None),
    ("broadcast add (3000,1)+(1,3000)", "broadcast_add_outer", "BM_broadcast_add/1/1/real_time", 2.0),
    ("broadcast add (3000,3000)+(3000,), 2 thr", "broadcast_add_row", "BM_broadcast_add/0/2/real_time", None),
    ("exp float64 1e6", "exp_f64", "BM_unary/exp_f64/1000000/1/real_time", 3.0),
    ("exp float64 1e6, 2 threads", "exp_f64", "BM_unary/exp_f64/1000000/2/real_time", 5.4),
    ("log float64 1e6", "log_f64", "BM_unary/log_f64/1000000/1/real_time", 2.5),
    ("log float64 1e6, 2 threads", "log_f64", "BM_unary/log_f64/1000000/2/real_time", 4.5),
    ("sin float64 1e6", "sin_f64", "BM_unary/sin_f64/1000000/1/real_time", 10.0),
    ("sin float64 1e6, 2 threads", "sin_f64", "BM_unary/sin_f64/1000000/2/real_time", 18.0),
    ("exp float32 1e6", "exp_f32", "BM_unary/exp_f32/1000000/1/real_time", 1.5),
    ("log float32 1e6", "log_f32", "BM_unary/log_f32/1000000/1/real_time", 1.5),
    ("sin float32 1e6", "sin_f32", "BM_unary/sin_f32/1000000/1/real_time", 1.5),
    ("exp float32 1e6, 2 threads", "exp_f32", "BM_unary/exp_f32/1000000/2/real_time", 2.7),
    ("sum float64 1e7, 1 thread", "sum_f64", "BM_sum_f64/10000000/1/real_time", 1.0),
    ("sum float64 1e7, 2 threads", "sum_f64", "BM_sum_f64/10000000/2/real_time", 1.6),
    ("int32 -> float64 cast 1e7", "cast_i32_f64", "BM_cast_i32_f64/10000000/1/real_time", 1.0),
    ("less float64 1e7", "less_f64", "BM_binary/less_f64/10000000/1/real_time", 1.0),
    ("1-element add (C++ call_into vs np.add)", "add_one_element", "BM_add_one_element", None),
    ("matmul float64 512 (ns per call)", "matmul_f64_512", "BM_matmul_f64/512/1/real_time", 4.0),
    ("matmul float64 512, 2 threads", "matmul_f64_512", "BM_matmul_f64/512/2/real_time", None),
    ("strided copy 3000x3000 f64 (np.copyto)", "copy_strided", "BM_copy_strided/real_time", 1.0),
    ("astype f64->f32 3000x3000", "astype_f64_f32", "BM_astype_f64_f32/real_time", 1.0),
    ("cast f64->f32 into an existing 3000x3000", "assign_f64_f32", "BM_assign_f64_f32/real_time", None),
    ("transpose copy 3000x3000 f64", "transpose_copy", "BM_transpose_copy/real_time", 1.0),
    ("create 1-element array (C++ vs np.empty)", "create_one_element", "BM_create_one_element", None),
    ("view a[1] (C++ vs Python a[1])", "view_index", "BM_view_index", None),
]


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    binary = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "build", "benchmarks", "bench_gfunc")
    arrays = sys.argv[2] if len(sys.argv) > 2 else os.path.join(os.path.dirname(binary), "bench_array")
    print(f"NumPy {np.__version__}; Pluribus: {binary}, {arrays}")
    # NumPy and Pluribus take turns, and each keeps its best figure over the rounds, so a
    # drift in the machine's speed (memory bandwidth varies here by 30% from minute to
    # minute) does not favour whichever side ran in the faster minute.
    rounds = int(os.environ.get("COMPARE_ROUNDS", "2"))
    npf, plf = {}, {}
    for _ in range(rounds):
        best(npf, numpy_figures())
        best(plf, pluribus_figures(binary))
        if os.path.exists(arrays):
            best(plf, pluribus_figures(arrays))
    print(f"SIMD: NumPy {numpy_isa()}, Pluribus {plf.get('simd_target', '?')}")
    print(f"{'work':44} {'NumPy ns':>10} {'Pluribus ns':>12} {'ratio':>7} {'target':>7}")
    for label, nk, pk, target in ROWS:
        p = plf.get(pk)
        n = npf[nk]
        if p is None:
            print(f"{label:44} {n:10.3f} {'missing':>12}")
            continue
        ratio = n / p
        mark = "" if target is None else ("  ok" if ratio >= target else "  MISSED")
        tgt = "" if target is None else f"{target:.1f}x"
        print(f"{label:44} {n:10.3f} {p:12.3f} {ratio:6.2f}x {tgt:>7}{mark}")
    floor = npf["copy_f64_1e6"]
    print(f"(floor: copying 1e6 float64 takes NumPy {floor:.3f} ns/element here; a ratio target r for a "
          "float64 function of 1e6 is out of reach on one thread when NumPy's time / r is below it:")
    for key, r in (("exp_f64", 3.0), ("log_f64", 2.5), ("sin_f64", 10.0)):
        need = npf[key] / r
        print(f"  {key} >= {r:.1f}x needs {need:.3f} ns/element, {need / floor:.2f}x the copy floor)")

    print("(1-element add: the C++ dispatch target is <= 50 ns absolute; NumPy's figure is from Python.)")
    print("(creating a 1-element array and a view: the C++ targets are <= 100 ns absolute.)")


if __name__ == "__main__":
    main()
