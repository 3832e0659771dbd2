// Highway loops for contiguous float32/float64 add, subtract, multiply, divide, maximum,
// minimum, fmax and fmin,
// compiled once per CPU target (foreach_target.h); simd_arithmetic_loops() picks this
// CPU's target once, at registration.
//
// Large outputs (more than kStreamBytes) are written with non-temporal stores from a
// 64-byte-aligned position, then fenced: the output then costs no read-for-ownership,
// which is a third of the memory traffic of a binary float64 operation.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "gfunc/kernels/arithmetic_hwy.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/cache_control.h>
#include <hwy/highway.h>

#include "gfunc/kernels/elementwise.hpp"

HWY_BEFORE_NAMESPACE();
namespace pluribus::gfunc::kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Outputs larger than this are streamed past the caches.
constexpr int64_t kStreamBytes = int64_t{1} << 20;

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
template <class Op, class T>
HWY_INLINE void ScalarPart(const char* a, const char* b, char* r, int64_t i, int64_t end) {
  const hn::CappedTag<T, 1> d1;
  for (; i < end; ++i) {
    T x, y;
    std::memcpy(&x, a + i * sizeof(T), sizeof(T));
    std::memcpy(&y, b + i * sizeof(T), sizeof(T));
    const T z = hn::GetLane(Op::f(hn::Set(d1, x), hn::Set(d1, y)));
    std::memcpy(r + i * sizeof(T), &z, sizeof(T));
  }
}

template <class Op, class T>
int BinaryLoop(char** args, const int64_t* dims, const int64_t*, LoopContext*) noexcept {
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  const char* a = args[0];
  const char* b = args[1];
  char* r = args[2];
  const int64_t n = dims[0];
  const auto pa = [&](int64_t i) { return reinterpret_cast<const T*>(a + i * sizeof(T)); };
  const auto pb = [&](int64_t i) { return reinterpret_cast<const T*>(b + i * sizeof(T)); };
  const auto pr = [&](int64_t i) { return reinterpret_cast<T*>(r + i * sizeof(T)); };
  int64_t i = 0;
  const auto raddr = reinterpret_cast<uintptr_t>(r);
  if (n * static_cast<int64_t>(sizeof(T)) > kStreamBytes && raddr % sizeof(T) == 0) {
    const int64_t head = static_cast<int64_t>(((64 - raddr % 64) % 64) / sizeof(T));
    ScalarPart<Op, T>(a, b, r, 0, head);
    for (i = head; i + 2 * N <= n; i += 2 * N) {
      const auto v0 = Op::f(hn::LoadU(d, pa(i)), hn::LoadU(d, pb(i)));
      const auto v1 = Op::f(hn::LoadU(d, pa(i + N)), hn::LoadU(d, pb(i + N)));
      hn::Stream(v0, d, pr(i));
      hn::Stream(v1, d, pr(i + N));
    }
    hwy::FlushStream();
  } else {
    for (; i + 2 * N <= n; i += 2 * N) {
      const auto v0 = Op::f(hn::LoadU(d, pa(i)), hn::LoadU(d, pb(i)));
      const auto v1 = Op::f(hn::LoadU(d, pa(i + N)), hn::LoadU(d, pb(i + N)));
      hn::StoreU(v0, d, pr(i));
      hn::StoreU(v1, d, pr(i + N));
    }
  }
  for (; i + N <= n; i += N) hn::StoreU(Op::f(hn::LoadU(d, pa(i)), hn::LoadU(d, pb(i))), d, pr(i));
  ScalarPart<Op, T>(a, b, r, i, n);
  return loop_ok;
}

void FillArithmetic(SimdArithmeticLoops* loops) {
  *loops = SimdArithmeticLoops{
      &BinaryLoop<AddV, float>,  &BinaryLoop<SubV, float>,  &BinaryLoop<MulV, float>,  &BinaryLoop<DivV, float>,
      &BinaryLoop<AddV, double>, &BinaryLoop<SubV, double>, &BinaryLoop<MulV, double>, &BinaryLoop<DivV, double>,
      &BinaryLoop<MaxV, float>,  &BinaryLoop<MinV, float>,  &BinaryLoop<FmaxV, float>, &BinaryLoop<FminV, float>,
      &BinaryLoop<MaxV, double>, &BinaryLoop<MinV, double>, &BinaryLoop<FmaxV, double>, &BinaryLoop<FminV, double>,
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
  HWY_DYNAMIC_DISPATCH(FillArithmetic)(&loops);
  return loops;
}

}  // namespace pluribus::gfunc::kernels
#endif  // HWY_ONCE
