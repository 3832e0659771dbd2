// Highway loops for contiguous float32/float64 add, subtract, multiply, divide, maximum,
// minimum, fmax and fmin,
// compiled once per CPU target (foreach_target.h); simd_arithmetic_loops() picks this
// CPU's target once, at registration.
//
// The strided loops run SIMD too when an input is a broadcast scalar (step 0), as in
// `a * 2.0` or a column against a row.
//
// Outputs of large calls (more than kStreamBytes in all, LoopContext::call_size) are
// written with non-temporal stores from a 64-byte-aligned position, then fenced: the
// output then costs no read-for-ownership, which is a third of the memory traffic of a
// binary float64 operation, and it would not be in cache at the end of the call anyway.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "gfunc/kernels/arithmetic_hwy.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <algorithm>
#include <cstring>

#include <hwy/cache_control.h>
#include <hwy/highway.h>

#include "gfunc/kernels/elementwise.hpp"
#include "gfunc/simd.hpp"

HWY_BEFORE_NAMESPACE();
namespace pluribus::gfunc::kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Outputs of calls larger than this are streamed past the caches (a result this large
// would not stay in this class of machine's last-level cache).
constexpr int64_t kStreamBytes = int64_t{16} << 20;

struct AddV {
  template <class V>
  static V f(V a, V b) {
    return hn::Add(a, b);
  }
};
struct SubV {
  template <class V>
  static V f(V a, V b) {
    return hn::Sub(a, b);
  }
};
struct MulV {
  template <class V>
  static V f(V a, V b) {
    return hn::Mul(a, b);
  }
};
struct DivV {
  template <class V>
  static V f(V a, V b) {
    return hn::Div(a, b);
  }
};

// maximum/minimum propagate a NaN from either side, fmax/fmin take the other operand;
// otherwise the first operand wins ties (so -0.0 vs 0.0 gives the first), as the scalar loops.
struct MaxV {
  template <class V>
  static V f(V a, V b) {
    return hn::IfThenElse(hn::Eq(b, b), hn::IfThenElse(hn::Lt(a, b), b, a), b);
  }
};
struct MinV {
  template <class V>
  static V f(V a, V b) {
    return hn::IfThenElse(hn::Eq(b, b), hn::IfThenElse(hn::Lt(b, a), b, a), b);
  }
};
struct FmaxV {
  template <class V>
  static V f(V a, V b) {
    return hn::IfThenElse(hn::Eq(a, a), hn::IfThenElse(hn::Lt(a, b), b, a), b);
  }
};
struct FminV {
  template <class V>
  static V f(V a, V b) {
    return hn::IfThenElse(hn::Eq(a, a), hn::IfThenElse(hn::Lt(b, a), b, a), b);
  }
};

// Elements [i, end) one lane at a time (memcpy: operands need not be element-aligned).
// sa, sb: the input steps in elements (0 for a broadcast scalar, else 1).
template <class Op, class T>
HWY_INLINE void ScalarPart(const char* a, int64_t sa, const char* b, int64_t sb, char* r, int64_t i, int64_t end) {
  const hn::CappedTag<T, 1> d1;
  for (; i < end; ++i) {
    T x, y;
    std::memcpy(&x, a + i * sa * static_cast<int64_t>(sizeof(T)), sizeof(T));
    std::memcpy(&y, b + i * sb * static_cast<int64_t>(sizeof(T)), sizeof(T));
    const T z = hn::GetLane(Op::f(hn::Set(d1, x), hn::Set(d1, y)));
    std::memcpy(r + i * sizeof(T), &z, sizeof(T));
  }
}

// An input with element step 0 (a broadcast scalar: `a + 1.0`, a row against a column)
// or 1 (contiguous); Load gives its vector at element i.
template <class T, int kStep>
struct Input {
  const T* p;
  hn::Vec<hn::ScalableTag<T>> splat;
  explicit Input(const char* base) : p(reinterpret_cast<const T*>(base)) {
    if constexpr (kStep == 0) {
      T v;
      std::memcpy(&v, base, sizeof(T));
      splat = hn::Set(hn::ScalableTag<T>(), v);
    }
  }
  HWY_INLINE hn::Vec<hn::ScalableTag<T>> Load(int64_t i) const {
    if constexpr (kStep == 0)
      return splat;
    else
      return hn::LoadU(hn::ScalableTag<T>(), p + i);
  }
};

// n results into a contiguous r. Outputs of calls larger than kStreamBytes are written
// with non-temporal stores from a 64-byte-aligned position, then fenced.
template <class Op, class T, int kStepA, int kStepB>
void BinaryRun(const char* a, const char* b, char* r, int64_t n, int64_t call_size) {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  const Input<T, kStepA> x(a);
  const Input<T, kStepB> y(b);
  const auto pr = [&](int64_t i) { return reinterpret_cast<T*>(r + i * sizeof(T)); };
  int64_t i = 0;
  const auto raddr = reinterpret_cast<uintptr_t>(r);
  const int64_t bytes = std::max(call_size, n) * static_cast<int64_t>(sizeof(T));
  if (bytes > kStreamBytes && raddr % sizeof(T) == 0) {
    const int64_t head = std::min<int64_t>(n, static_cast<int64_t>(((64 - raddr % 64) % 64) / sizeof(T)));
    ScalarPart<Op, T>(a, kStepA, b, kStepB, r, 0, head);
    for (i = head; i + 2 * N <= n; i += 2 * N) {
      const auto v0 = Op::f(x.Load(i), y.Load(i));
      const auto v1 = Op::f(x.Load(i + N), y.Load(i + N));
      hn::Stream(v0, d, pr(i));
      hn::Stream(v1, d, pr(i + N));
    }
    hwy::FlushStream();
  } else {
    for (; i + 2 * N <= n; i += 2 * N) {
      const auto v0 = Op::f(x.Load(i), y.Load(i));
      const auto v1 = Op::f(x.Load(i + N), y.Load(i + N));
      hn::StoreU(v0, d, pr(i));
      hn::StoreU(v1, d, pr(i + N));
    }
  }
  for (; i + N <= n; i += N) hn::StoreU(Op::f(x.Load(i), y.Load(i)), d, pr(i));
  ScalarPart<Op, T>(a, kStepA, b, kStepB, r, i, n);
}

template <class Op, class T>
int BinaryContiguous(char** args, const int64_t* dims, const int64_t*, LoopContext* ctx) noexcept {
  BinaryRun<Op, T, 1, 1>(args[0], args[1], args[2], dims[0], ctx->call_size);
  return loop_ok;
}

// Any steps: a contiguous output with contiguous or broadcast-scalar inputs runs SIMD;
// anything else goes element by element.
template <class Op, class T>
int BinaryStrided(char** args, const int64_t* dims, const int64_t* steps, LoopContext* ctx) noexcept {
  constexpr int64_t S = sizeof(T);
  const int64_t n = dims[0];
  if (steps[2] == S) {
    if (steps[0] == S && steps[1] == S) return BinaryContiguous<Op, T>(args, dims, steps, ctx);
    if (steps[0] == 0 && steps[1] == S) {
      BinaryRun<Op, T, 0, 1>(args[0], args[1], args[2], n, ctx->call_size);
      return loop_ok;
    }
    if (steps[0] == S && steps[1] == 0) {
      BinaryRun<Op, T, 1, 0>(args[0], args[1], args[2], n, ctx->call_size);
      return loop_ok;
    }
  }
  const hn::CappedTag<T, 1> d1;
  const char* a = args[0];
  const char* b = args[1];
  char* r = args[2];
  for (int64_t i = 0; i < n; ++i, a += steps[0], b += steps[1], r += steps[2]) {
    T x, y;
    std::memcpy(&x, a, sizeof(T));
    std::memcpy(&y, b, sizeof(T));
    const T z = hn::GetLane(Op::f(hn::Set(d1, x), hn::Set(d1, y)));
    std::memcpy(r, &z, sizeof(T));
  }
  return loop_ok;
}

template <class Op, class T>
constexpr LoopPair Loops() {
  return {&BinaryStrided<Op, T>, &BinaryContiguous<Op, T>};
}

void FillArithmetic(SimdArithmeticLoops* loops) {
  *loops = SimdArithmeticLoops{
      Loops<AddV, float>(),  Loops<SubV, float>(),  Loops<MulV, float>(),  Loops<DivV, float>(),
      Loops<AddV, double>(), Loops<SubV, double>(), Loops<MulV, double>(), Loops<DivV, double>(),
      Loops<MaxV, float>(),  Loops<MinV, float>(),  Loops<FmaxV, float>(), Loops<FminV, float>(),
      Loops<MaxV, double>(), Loops<MinV, double>(), Loops<FmaxV, double>(), Loops<FminV, double>(),
  };
}

}  // namespace HWY_NAMESPACE
}  // namespace pluribus::gfunc::kernels
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace pluribus::gfunc::kernels {

HWY_EXPORT(FillArithmetic);

SimdArithmeticLoops simd_arithmetic_loops() {
  SimdArithmeticLoops loops{};
  HWY_DISPATCH_TABLE(FillArithmetic)[simd_target_index()](&loops);
  return loops;
}

}  // namespace pluribus::gfunc::kernels
#endif  // HWY_ONCE
