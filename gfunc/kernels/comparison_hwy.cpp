// Highway loops for contiguous float32/float64 comparisons (-> bool bytes), compiled
// once per CPU target (foreach_target.h); simd_comparison_loops() picks this CPU's
// target once, at registration.
//
// A comparison mask becomes 0/1 lanes (the lane's top bit shifted down), truncated to
// bytes and stored N at a time; AVX2 and AVX-512 pack whole blocks into one store (and
// stream the output when it is over 1 MiB). Ordered compares: NaN is false for all but not_equal,
// which is computed as not(equal) so that NaN != NaN is true, as in NumPy.
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "gfunc/kernels/comparison_hwy.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep

#include <hwy/highway.h>

#include "gfunc/kernels/elementwise.hpp"
#include "gfunc/simd.hpp"

HWY_BEFORE_NAMESPACE();
namespace pluribus::gfunc::kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Each returns a mask; not_equal is the negation of equal (true for NaN).
struct EqV {
  static constexpr bool negate = false;
  template <class V>
  static auto m(V a, V b) {
    return hn::Eq(a, b);
  }
};
struct NeV {
  static constexpr bool negate = true;
  template <class V>
  static auto m(V a, V b) {
    return hn::Eq(a, b);
  }
};
struct LtV {
  static constexpr bool negate = false;
  template <class V>
  static auto m(V a, V b) {
    return hn::Lt(a, b);
  }
};
struct LeV {
  static constexpr bool negate = false;
  template <class V>
  static auto m(V a, V b) {
    return hn::Le(a, b);
  }
};
struct GtV {
  static constexpr bool negate = false;
  template <class V>
  static auto m(V a, V b) {
    return hn::Gt(a, b);
  }
};
struct GeV {
  static constexpr bool negate = false;
  template <class V>
  static auto m(V a, V b) {
    return hn::Ge(a, b);
  }
};

template <class Op, class D>
HWY_INLINE void CompareStore(D d, const char* a, const char* b, uint8_t* r) {
  using T = hn::TFromD<D>;
  const hn::RebindToUnsigned<D> du;
  const hn::Rebind<uint8_t, D> d8;
  const auto x = hn::LoadU(d, reinterpret_cast<const T*>(a));
  const auto y = hn::LoadU(d, reinterpret_cast<const T*>(b));
  auto bits = hn::ShiftRight<sizeof(T) * 8 - 1>(hn::BitCast(du, hn::VecFromMask(d, Op::m(x, y))));
  if constexpr (Op::negate) bits = hn::Xor(bits, hn::Set(du, 1));
  hn::StoreU(hn::TruncateTo(d8, bits), d8, r);
}

#if HWY_TARGET == HWY_AVX2
// AVX2: the masks of 16 float64 (or 32 float32) lanes packed with saturation into one
// 16 (32) byte store, as NumPy's comparison loops do; streamed when the output is large.
template <class Op, class T>
HWY_INLINE void CompareBlockAVX2(const char* a, const char* b, uint8_t* r, bool stream) {
  const hn::Full256<T> d;
  const hn::RebindToSigned<decltype(d)> di;
  const auto m = [&](int k) {
    const auto x = hn::LoadU(d, reinterpret_cast<const T*>(a) + k * hn::Lanes(d));
    const auto y = hn::LoadU(d, reinterpret_cast<const T*>(b) + k * hn::Lanes(d));
    return hn::BitCast(di, hn::VecFromMask(d, Op::m(x, y))).raw;
  };
  const __m256i p01 = _mm256_packs_epi32(m(0), m(1)), p23 = _mm256_packs_epi32(m(2), m(3));
  __m256i p = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(p01, p23), _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
  if constexpr (sizeof(T) == 8) {  // every mask lane was two equal 32-bit halves
    __m128i q = _mm_packs_epi16(_mm256_castsi256_si128(p), _mm256_extracti128_si256(p, 1));
    q = Op::negate ? _mm_andnot_si128(q, _mm_set1_epi8(1)) : _mm_and_si128(q, _mm_set1_epi8(1));
    if (stream) _mm_stream_si128(reinterpret_cast<__m128i*>(r), q);
    else _mm_storeu_si128(reinterpret_cast<__m128i*>(r), q);
  } else {
    p = Op::negate ? _mm256_andnot_si256(p, _mm256_set1_epi8(1)) : _mm256_and_si256(p, _mm256_set1_epi8(1));
    if (stream) _mm256_stream_si256(reinterpret_cast<__m256i*>(r), p);
    else _mm256_storeu_si256(reinterpret_cast<__m256i*>(r), p);
  }
}
#endif

#if HWY_TARGET == HWY_AVX3
// AVX-512: the masks of 64 lanes assembled into one 64-bit mask, expanded to 64 bytes.
template <class Op, class T>
HWY_INLINE void CompareBlockAVX3(const char* a, const char* b, uint8_t* r, bool stream) {
  const hn::Full512<T> d;
  constexpr int L = 64 / sizeof(T);
  uint64_t k = 0;
  for (int v = 0; v < 64 / L; ++v) {
    const auto x = hn::LoadU(d, reinterpret_cast<const T*>(a) + v * L);
    const auto y = hn::LoadU(d, reinterpret_cast<const T*>(b) + v * L);
    k |= static_cast<uint64_t>(Op::m(x, y).raw) << (v * L);
  }
  if constexpr (Op::negate) k = ~k;
  const __m512i bytes = _mm512_maskz_mov_epi8(static_cast<__mmask64>(k), _mm512_set1_epi8(1));
  if (stream) _mm512_stream_si512(reinterpret_cast<__m512i*>(r), bytes);
  else _mm512_storeu_si512(r, bytes);
}
#endif

template <class Op, class T>
int CompareLoop(char** args, const int64_t* dims, const int64_t*, LoopContext*) noexcept {
  const hn::ScalableTag<T> d;
  const hn::CappedTag<T, 1> d1;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  const char* a = args[0];
  const char* b = args[1];
  auto* r = reinterpret_cast<uint8_t*>(args[2]);
  const int64_t n = dims[0];
  int64_t i = 0;
#if HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_AVX3
  constexpr int64_t B = HWY_TARGET == HWY_AVX2 ? 4 * 32 / sizeof(T) : 64;  // elements per store
  if (n >= 4 * B) {
    const bool stream = n > (int64_t{1} << 20);
    if (stream) {  // align the output for the streaming stores
      const auto head = static_cast<int64_t>((B - reinterpret_cast<uintptr_t>(r) % B) % B);
      for (; i < head; ++i) CompareStore<Op>(d1, a + i * sizeof(T), b + i * sizeof(T), r + i);
    }
#if HWY_TARGET == HWY_AVX2
    for (; i + B <= n; i += B) CompareBlockAVX2<Op, T>(a + i * sizeof(T), b + i * sizeof(T), r + i, stream);
#else
    for (; i + B <= n; i += B) CompareBlockAVX3<Op, T>(a + i * sizeof(T), b + i * sizeof(T), r + i, stream);
#endif
    if (stream) _mm_sfence();
  }
#endif
  for (; i + 2 * N <= n; i += 2 * N) {
    CompareStore<Op>(d, a + i * sizeof(T), b + i * sizeof(T), r + i);
    CompareStore<Op>(d, a + (i + N) * sizeof(T), b + (i + N) * sizeof(T), r + i + N);
  }
  for (; i < n; ++i) CompareStore<Op>(d1, a + i * sizeof(T), b + i * sizeof(T), r + i);
  return loop_ok;
}

void FillComparison(SimdComparisonLoops* loops) {
  *loops = SimdComparisonLoops{
      {&CompareLoop<EqV, float>, &CompareLoop<EqV, double>}, {&CompareLoop<NeV, float>, &CompareLoop<NeV, double>},
      {&CompareLoop<LtV, float>, &CompareLoop<LtV, double>}, {&CompareLoop<LeV, float>, &CompareLoop<LeV, double>},
      {&CompareLoop<GtV, float>, &CompareLoop<GtV, double>}, {&CompareLoop<GeV, float>, &CompareLoop<GeV, double>},
  };
}

}  // namespace HWY_NAMESPACE
}  // namespace pluribus::gfunc::kernels
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace pluribus::gfunc::kernels {

HWY_EXPORT(FillComparison);

SimdComparisonLoops simd_comparison_loops() {
  SimdComparisonLoops loops{};
  HWY_DISPATCH_TABLE(FillComparison)[simd_target_index()](&loops);
  return loops;
}

}  // namespace pluribus::gfunc::kernels
#endif  // HWY_ONCE
