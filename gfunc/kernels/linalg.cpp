// Core-dimension kernels: inner (dot product over the last core dim) and matmul.
//
//   inner:  (... * N * T, ... * N * T) -> ... * T                 dimensions {n, N}
//   matmul: (... * M * N * T, ... * N * P * T) -> ... * M * P * T  dimensions {n, M, N, P}
//
// for T in int32, int64, float32, float64, complex64, complex128 (narrow first).
//
// float32/float64 matmul is a packed, cache-blocked GEMM (the BLIS loop nest) around a
// 6 x 2-vector register-blocked micro-kernel written with Highway; packing reads the
// operands through their byte strides, so transposed, strided, negative-stride and
// zero-stride (broadcast) operands all take the same fast path. Big products split the
// row blocks across oneTBB threads; every output element is computed by one thread in
// the same order (k ascending, in blocks of kc), so results do not depend on the thread
// count. Integers wrap (two's complement, as NumPy); complex products use the plain
// formula (as NumPy's non-BLAS loops).
//
// Highway: this file is compiled once per target (foreach_target.h); each target's
// LinalgLoops() returns a table of its loop pointers, and register_linalg picks the
// table of the best target once, so a call goes straight to the chosen target's loop.

#ifndef PLURIBUS_GFUNC_KERNELS_LINALG_SHARED
#define PLURIBUS_GFUNC_KERNELS_LINALG_SHARED

#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <complex>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <type_traits>

#include "gfunc/kernel.hpp"
#include "gfunc/kernels/families.hpp"
#include "gfunc/loop.hpp"
#include "gfunc/simd.hpp"

namespace pluribus::gfunc::kernels::linalg_detail {

template <typename T>
inline T load(const char* p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <typename T>
inline void store(char* p, T v) noexcept {
  std::memcpy(p, &v, sizeof(T));
}

// Arithmetic of the generic (non-SIMD) loops. Integers wrap through their unsigned type;
// complex numbers multiply by the plain formula (no C99 Annex G inf/nan recovery).
template <typename T>
struct Arith {
  static T mul(T a, T b) noexcept {
    if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      return static_cast<T>(static_cast<U>(static_cast<U>(a) * static_cast<U>(b)));
    } else {
      return a * b;
    }
  }
  static T add(T a, T b) noexcept {
    if constexpr (std::is_integral_v<T>) {
      using U = std::make_unsigned_t<T>;
      return static_cast<T>(static_cast<U>(static_cast<U>(a) + static_cast<U>(b)));
    } else {
      return a + b;
    }
  }
};
template <typename F>
struct Arith<std::complex<F>> {
  using C = std::complex<F>;
  static C mul(C a, C b) noexcept {
    return C(a.real() * b.real() - a.imag() * b.imag(), a.real() * b.imag() + a.imag() * b.real());
  }
  static C add(C a, C b) noexcept { return C(a.real() + b.real(), a.imag() + b.imag()); }
};

// inner for any T, any strides: steps = {s0, s1, s2, a_n, b_n}.
template <typename T>
int inner_generic(char** args, const int64_t* dims, const int64_t* steps, LoopContext*) noexcept {
  const int64_t n = dims[0], len = dims[1];
  const char* a = args[0];
  const char* b = args[1];
  char* out = args[2];
  for (int64_t i = 0; i < n; ++i, a += steps[0], b += steps[1], out += steps[2]) {
    T acc{};
    const char* pa = a;
    const char* pb = b;
    for (int64_t k = 0; k < len; ++k, pa += steps[3], pb += steps[4])
      acc = Arith<T>::add(acc, Arith<T>::mul(load<T>(pa), load<T>(pb)));
    store<T>(out, acc);
  }
  return loop_ok;
}

// C[M x P] = A[M x K] * B[K x P] (or C += A * B when `accumulate`), any byte strides,
// rows i in [i0, i1), k in [k0, k1). Order i, k, j: for each output element the products
// are added with k ascending; with unit strides the j loop vectorizes.
template <typename T>
void gemm_naive(int64_t i0, int64_t i1, int64_t k0, int64_t k1, int64_t P, const char* A,
                int64_t am, int64_t ak, const char* B, int64_t bk, int64_t bp, char* C, int64_t cm,
                int64_t cp, bool accumulate) noexcept {
  for (int64_t i = i0; i < i1; ++i) {
    char* crow = C + i * cm;
    const char* arow = A + i * am;
    if (!accumulate) {
      for (int64_t j = 0; j < P; ++j) store<T>(crow + j * cp, T{});
    }
    for (int64_t k = k0; k < k1; ++k) {
      const T a = load<T>(arow + k * ak);
      const char* brow = B + k * bk;
      for (int64_t j = 0; j < P; ++j) {
        char* c = crow + j * cp;
        store<T>(c, Arith<T>::add(load<T>(c), Arith<T>::mul(a, load<T>(brow + j * bp))));
      }
    }
  }
}

// matmul for any T, any strides: steps = {s0, s1, s2, a_m, a_n, b_n, b_p, c_m, c_p}.
template <typename T>
int matmul_generic(char** args, const int64_t* dims, const int64_t* steps, LoopContext*) noexcept {
  const int64_t n = dims[0], M = dims[1], K = dims[2], P = dims[3];
  for (int64_t i = 0; i < n; ++i) {
    gemm_naive<T>(0, M, 0, K, P, args[0] + i * steps[0], steps[3], steps[4], args[1] + i * steps[1],
                  steps[5], steps[6], args[2] + i * steps[2], steps[7], steps[8], false);
  }
  return loop_ok;
}

// Per-thread packing buffers, grown on demand and kept. Slot 0 holds panels of A, slot 1
// panels of B. A thread that re-enters while its slot is busy (TBB can run another task
// on a thread that waits) gets a buffer of its own for that call.
constexpr std::align_val_t kScratchAlign{64};
inline void scratch_release(void* p) noexcept {
  if (p) ::operator delete(p, kScratchAlign);
}
struct ScratchSlot {
  void* ptr = nullptr;
  std::size_t size = 0;
  bool busy = false;
  ~ScratchSlot() { scratch_release(ptr); }
};
inline thread_local ScratchSlot scratch_slots[2];

class Scratch {
 public:
  Scratch(int slot, std::size_t bytes) noexcept {
    Slot& s = scratch_slots[slot];
    if (!s.busy) {
      if (s.size < bytes) {
        release(s.ptr);
        s.ptr = allocate(bytes);
        s.size = s.ptr ? bytes : 0;
      }
      if (s.ptr) {
        s.busy = true;
        slot_ = &s;
        ptr_ = s.ptr;
      }
      return;
    }
    ptr_ = allocate(bytes);
  }
  ~Scratch() {
    if (slot_)
      slot_->busy = false;
    else
      release(ptr_);
  }
  Scratch(const Scratch&) = delete;
  Scratch& operator=(const Scratch&) = delete;

  template <typename T>
  T* get() const noexcept {
    return static_cast<T*>(ptr_);
  }

 private:
  using Slot = ScratchSlot;
  static void* allocate(std::size_t bytes) noexcept {
    return ::operator new(bytes, kScratchAlign, std::nothrow);
  }
  static void release(void* p) noexcept { scratch_release(p); }

  Slot* slot_ = nullptr;
  void* ptr_ = nullptr;
};

// Each Highway target fills one table of its loops.
struct LoopTable {
  StridedLoop inner_f32;
  StridedLoop inner_f64;
  StridedLoop matmul_f32;
  StridedLoop matmul_f64;
};

}  // namespace pluribus::gfunc::kernels::linalg_detail

#endif  // PLURIBUS_GFUNC_KERNELS_LINALG_SHARED

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "gfunc/kernels/linalg.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

HWY_BEFORE_NAMESPACE();
namespace pluribus::gfunc::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;
using linalg_detail::load;
using linalg_detail::Scratch;
using linalg_detail::store;

// Rows of the micro-kernel; its columns are two vectors (8 float64 or 16 float32 on AVX2).
constexpr int64_t kMR = 6;

// Cache blocking (the BLIS parameters for AVX2-class cores): a kc x NR panel of B stays in
// L1, an mc x kc block of A in L2, a kc x nc slab of B in L3.
template <typename T>
struct Blocking;
template <>
struct Blocking<double> {
  static constexpr int64_t kc = 256, mc = 72, nc = 1024;
};
template <>
struct Blocking<float> {
  static constexpr int64_t kc = 256, mc = 144, nc = 2048;
};

// Products below this many multiply-adds take the unpacked loop.
constexpr int64_t kSmallGemm = 512;
// Products of at least this many multiply-adds split their row blocks across threads.
constexpr int64_t kParallelGemm = int64_t{1} << 21;

// A block of A (mc x kc) as ceil(mc / MR) panels, each kc columns of MR contiguous rows;
// rows past mc are zero.
template <typename T>
void PackA(const char* a, int64_t am, int64_t ak, int64_t mc, int64_t kc, T* HWY_RESTRICT out) {
  for (int64_t ir = 0; ir < mc; ir += kMR) {
    const int64_t mr = std::min(kMR, mc - ir);
    const char* rows = a + ir * am;
    if (mr == kMR) {
      for (int64_t k = 0; k < kc; ++k, out += kMR) {
        const char* col = rows + k * ak;
        for (int64_t r = 0; r < kMR; ++r) out[r] = load<T>(col + r * am);
      }
    } else {
      for (int64_t k = 0; k < kc; ++k, out += kMR) {
        const char* col = rows + k * ak;
        int64_t r = 0;
        for (; r < mr; ++r) out[r] = load<T>(col + r * am);
        for (; r < kMR; ++r) out[r] = T{0};
      }
    }
  }
}

// A slab of B (kc x nc) as ceil(nc / nr) panels, each kc rows of nr contiguous columns;
// columns past nc are zero.
template <typename T>
void PackB(const char* b, int64_t bk, int64_t bp, int64_t kc, int64_t nc, int64_t nr,
           T* HWY_RESTRICT out) {
  for (int64_t jr = 0; jr < nc; jr += nr) {
    const int64_t w = std::min(nr, nc - jr);
    const char* cols = b + jr * bp;
    if (w == nr && bp == static_cast<int64_t>(sizeof(T))) {
      for (int64_t k = 0; k < kc; ++k, out += nr) std::memcpy(out, cols + k * bk, sizeof(T) * nr);
    } else {
      for (int64_t k = 0; k < kc; ++k, out += nr) {
        const char* row = cols + k * bk;
        int64_t j = 0;
        for (; j < w; ++j) out[j] = load<T>(row + j * bp);
        for (; j < nr; ++j) out[j] = T{0};
      }
    }
  }
}

// C[mr x nr] (=|+=) Apanel * Bpanel over kc: 12 accumulators, 2 loads of B and 6
// broadcasts of A per k.
template <class D, typename T = hn::TFromD<D>>
HWY_NOINLINE void MicroKernel(D d, int64_t kc, const T* HWY_RESTRICT a, const T* HWY_RESTRICT b,
                              char* c, int64_t cm, int64_t cp, int64_t mr, int64_t nr,
                              bool accumulate) {
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  auto c00 = hn::Zero(d), c01 = hn::Zero(d), c10 = hn::Zero(d), c11 = hn::Zero(d);
  auto c20 = hn::Zero(d), c21 = hn::Zero(d), c30 = hn::Zero(d), c31 = hn::Zero(d);
  auto c40 = hn::Zero(d), c41 = hn::Zero(d), c50 = hn::Zero(d), c51 = hn::Zero(d);
#define PLURIBUS_MK_ROW(r)                 \
  {                                        \
    const auto ar = hn::Set(d, a[r]);      \
    c##r##0 = hn::MulAdd(ar, b0, c##r##0); \
    c##r##1 = hn::MulAdd(ar, b1, c##r##1); \
  }
#pragma GCC unroll 4
  for (int64_t k = 0; k < kc; ++k) {
    const auto b0 = hn::Load(d, b);
    const auto b1 = hn::Load(d, b + N);
    PLURIBUS_MK_ROW(0)
    PLURIBUS_MK_ROW(1)
    PLURIBUS_MK_ROW(2)
    PLURIBUS_MK_ROW(3)
    PLURIBUS_MK_ROW(4)
    PLURIBUS_MK_ROW(5)
    a += kMR;
    b += 2 * N;
  }
#undef PLURIBUS_MK_ROW

  if (mr == kMR && nr == 2 * N && cp == static_cast<int64_t>(sizeof(T))) {
#define PLURIBUS_MK_STORE(r)                                            \
  {                                                                     \
    T* row = reinterpret_cast<T*>(c + (r) * cm);                        \
    if (accumulate) {                                                   \
      hn::StoreU(hn::Add(hn::LoadU(d, row), c##r##0), d, row);          \
      hn::StoreU(hn::Add(hn::LoadU(d, row + N), c##r##1), d, row + N);  \
    } else {                                                            \
      hn::StoreU(c##r##0, d, row);                                      \
      hn::StoreU(c##r##1, d, row + N);                                  \
    }                                                                   \
  }
    PLURIBUS_MK_STORE(0)
    PLURIBUS_MK_STORE(1)
    PLURIBUS_MK_STORE(2)
    PLURIBUS_MK_STORE(3)
    PLURIBUS_MK_STORE(4)
    PLURIBUS_MK_STORE(5)
#undef PLURIBUS_MK_STORE
    return;
  }
  // Edge tiles and strided outputs: through a tile on the stack.
  HWY_ALIGN T tile[kMR * 2 * HWY_LANES(T)];
  const auto w = 2 * N;
  hn::Store(c00, d, tile + 0 * w);
  hn::Store(c01, d, tile + 0 * w + N);
  hn::Store(c10, d, tile + 1 * w);
  hn::Store(c11, d, tile + 1 * w + N);
  hn::Store(c20, d, tile + 2 * w);
  hn::Store(c21, d, tile + 2 * w + N);
  hn::Store(c30, d, tile + 3 * w);
  hn::Store(c31, d, tile + 3 * w + N);
  hn::Store(c40, d, tile + 4 * w);
  hn::Store(c41, d, tile + 4 * w + N);
  hn::Store(c50, d, tile + 5 * w);
  hn::Store(c51, d, tile + 5 * w + N);
  for (int64_t r = 0; r < mr; ++r) {
    char* row = c + r * cm;
    for (int64_t j = 0; j < nr; ++j) {
      char* p = row + j * cp;
      const T v = tile[r * w + j];
      store<T>(p, accumulate ? load<T>(p) + v : v);
    }
  }
}

// C[M x P] = A[M x K] * B[K x P], any byte strides.
template <typename T>
void Gemm(int64_t M, int64_t K, int64_t P, const char* A, int64_t am, int64_t ak, const char* B,
          int64_t bk, int64_t bp, char* C, int64_t cm, int64_t cp) {
  if (M <= 0 || P <= 0) return;
  if (K <= 0 || M * K * P < kSmallGemm) {
    linalg_detail::gemm_naive<T>(0, M, 0, K, P, A, am, ak, B, bk, bp, C, cm, cp, false);
    return;
  }
  const hn::ScalableTag<T> d;
  const int64_t nr = 2 * static_cast<int64_t>(hn::Lanes(d));
  constexpr int64_t KC = Blocking<T>::kc, MC = Blocking<T>::mc, NC = Blocking<T>::nc;
  const int64_t kc_max = std::min(KC, K);
  const int64_t nc_max = std::min(NC, (P + nr - 1) / nr * nr);
  Scratch bbuf(1, static_cast<std::size_t>(kc_max * nc_max) * sizeof(T));
  T* bpack = bbuf.get<T>();
  if (!bpack) {  // out of memory: the unpacked loop needs no buffers
    linalg_detail::gemm_naive<T>(0, M, 0, K, P, A, am, ak, B, bk, bp, C, cm, cp, false);
    return;
  }
  const int64_t mc_max = std::min(MC, (M + kMR - 1) / kMR * kMR);
  const int64_t nblocks = (M + MC - 1) / MC;
  const bool parallel = nblocks > 1 && M * K * P >= kParallelGemm;

  for (int64_t jc = 0; jc < P; jc += NC) {
    const int64_t nc = std::min(NC, P - jc);
    for (int64_t pc = 0; pc < K; pc += KC) {
      const int64_t kc = std::min(KC, K - pc);
      const bool accumulate = pc > 0;
      PackB(B + pc * bk + jc * bp, bk, bp, kc, nc, nr, bpack);
      auto block = [&](int64_t ic) {
        const int64_t mc = std::min(MC, M - ic);
        Scratch abuf(0, static_cast<std::size_t>(mc_max * kc_max) * sizeof(T));
        T* apack = abuf.get<T>();
        if (!apack) {
          linalg_detail::gemm_naive<T>(ic, ic + mc, pc, pc + kc, nc, A, am, ak, B + jc * bp, bk, bp,
                                       C + jc * cp, cm, cp, accumulate);
          return;
        }
        PackA(A + ic * am + pc * ak, am, ak, mc, kc, apack);
        for (int64_t jr = 0; jr < nc; jr += nr) {
          const T* bpanel = bpack + jr * kc;
          char* cblock = C + ic * cm + (jc + jr) * cp;
          const int64_t w = std::min(nr, nc - jr);
          for (int64_t ir = 0; ir < mc; ir += kMR) {
            MicroKernel(d, kc, apack + ir * kc, bpanel, cblock + ir * cm, cm, cp,
                        std::min(kMR, mc - ir), w, accumulate);
          }
        }
      };
      if (parallel) {
        // Isolated, so a waiting thread runs only these blocks (never an outer task that
        // would reuse its packing buffers).
        tbb::this_task_arena::isolate([&] {
          tbb::parallel_for(int64_t{0}, nblocks, [&](int64_t b) { block(b * MC); });
        });
      } else {
        for (int64_t ic = 0; ic < M; ic += MC) block(ic);
      }
    }
  }
}

template <typename T>
int MatmulLoop(char** args, const int64_t* dims, const int64_t* steps, LoopContext*) noexcept {
  const int64_t n = dims[0], M = dims[1], K = dims[2], P = dims[3];
  for (int64_t i = 0; i < n; ++i) {
    Gemm<T>(M, K, P, args[0] + i * steps[0], steps[3], steps[4], args[1] + i * steps[1], steps[5],
            steps[6], args[2] + i * steps[2], steps[7], steps[8]);
  }
  return loop_ok;
}

// Dot product: four vector accumulators over unit strides, else a scalar loop.
template <typename T>
T Dot(int64_t len, const char* a, int64_t sa, const char* b, int64_t sb) {
  if (sa == static_cast<int64_t>(sizeof(T)) && sb == static_cast<int64_t>(sizeof(T))) {
    const T* pa = reinterpret_cast<const T*>(a);
    const T* pb = reinterpret_cast<const T*>(b);
    const hn::ScalableTag<T> d;
    const int64_t N = static_cast<int64_t>(hn::Lanes(d));
    auto s0 = hn::Zero(d), s1 = hn::Zero(d), s2 = hn::Zero(d), s3 = hn::Zero(d);
    int64_t k = 0;
    for (; k + 4 * N <= len; k += 4 * N) {
      s0 = hn::MulAdd(hn::LoadU(d, pa + k), hn::LoadU(d, pb + k), s0);
      s1 = hn::MulAdd(hn::LoadU(d, pa + k + N), hn::LoadU(d, pb + k + N), s1);
      s2 = hn::MulAdd(hn::LoadU(d, pa + k + 2 * N), hn::LoadU(d, pb + k + 2 * N), s2);
      s3 = hn::MulAdd(hn::LoadU(d, pa + k + 3 * N), hn::LoadU(d, pb + k + 3 * N), s3);
    }
    for (; k + N <= len; k += N) s0 = hn::MulAdd(hn::LoadU(d, pa + k), hn::LoadU(d, pb + k), s0);
    T acc = hn::GetLane(hn::SumOfLanes(d, hn::Add(hn::Add(s0, s1), hn::Add(s2, s3))));
    for (; k < len; ++k) acc += pa[k] * pb[k];
    return acc;
  }
  T acc{0};
  for (int64_t k = 0; k < len; ++k) acc += load<T>(a + k * sa) * load<T>(b + k * sb);
  return acc;
}

template <typename T>
int InnerLoop(char** args, const int64_t* dims, const int64_t* steps, LoopContext*) noexcept {
  const int64_t n = dims[0], len = dims[1];
  for (int64_t i = 0; i < n; ++i) {
    store<T>(args[2] + i * steps[2],
             Dot<T>(len, args[0] + i * steps[0], steps[3], args[1] + i * steps[1], steps[4]));
  }
  return loop_ok;
}

const linalg_detail::LoopTable* LinalgLoops() {
  static const linalg_detail::LoopTable table{&InnerLoop<float>, &InnerLoop<double>,
                                              &MatmulLoop<float>, &MatmulLoop<double>};
  return &table;
}

}  // namespace pluribus::gfunc::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace pluribus::gfunc::kernels {

HWY_EXPORT(LinalgLoops);

void register_linalg(Registry& registry) {
  using namespace linalg_detail;
  // Resolve the target once; the registered loops are that target's functions.
  const LoopTable& simd = *HWY_DISPATCH_TABLE(LinalgLoops)[simd_target_index()]();

  registry.add("inner", "(... * N * int32, ... * N * int32) -> ... * int32", &inner_generic<int32_t>);
  registry.add("inner", "(... * N * int64, ... * N * int64) -> ... * int64", &inner_generic<int64_t>);
  registry.add("inner", "(... * N * float32, ... * N * float32) -> ... * float32", simd.inner_f32);
  registry.add("inner", "(... * N * float64, ... * N * float64) -> ... * float64", simd.inner_f64);
  registry.add("inner", "(... * N * complex64, ... * N * complex64) -> ... * complex64",
               &inner_generic<std::complex<float>>);
  registry.add("inner", "(... * N * complex128, ... * N * complex128) -> ... * complex128",
               &inner_generic<std::complex<double>>);

  // The loops write the output while still reading the inputs: no aliasing.
  const uint32_t f = kernel_no_inplace;
  registry.add("matmul", "(... * M * N * int32, ... * N * P * int32) -> ... * M * P * int32",
               &matmul_generic<int32_t>, nullptr, nullptr, f);
  registry.add("matmul", "(... * M * N * int64, ... * N * P * int64) -> ... * M * P * int64",
               &matmul_generic<int64_t>, nullptr, nullptr, f);
  registry.add("matmul", "(... * M * N * float32, ... * N * P * float32) -> ... * M * P * float32",
               simd.matmul_f32, nullptr, nullptr, f);
  registry.add("matmul", "(... * M * N * float64, ... * N * P * float64) -> ... * M * P * float64",
               simd.matmul_f64, nullptr, nullptr, f);
  registry.add("matmul",
               "(... * M * N * complex64, ... * N * P * complex64) -> ... * M * P * complex64",
               &matmul_generic<std::complex<float>>, nullptr, nullptr, f);
  registry.add("matmul",
               "(... * M * N * complex128, ... * N * P * complex128) -> ... * M * P * complex128",
               &matmul_generic<std::complex<double>>, nullptr, nullptr, f);
}

}  // namespace pluribus::gfunc::kernels
#endif  // HWY_ONCE
