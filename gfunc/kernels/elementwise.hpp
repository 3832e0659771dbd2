// Shared pieces of the elementwise kernel families (arithmetic.cpp, comparison.cpp):
// storage traits per dtype, the generic strided and contiguous loops, signatures, and
// the Highway loops of the hot float paths (arithmetic_hwy.cpp, comparison_hwy.cpp).
//
// A loop reads each operand with memcpy (buffers need not be aligned) and computes in
// the dtype's compute type: float16 computes in float and rounds once per result, as
// NumPy's half loops do; bool is stored as one byte and read as "byte != 0".
//
// Private to gfunc/kernels; included by .cpp files only.
#pragma once

#include <complex>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>

#include "gfunc/kernel.hpp"
#include "gfunc/loop.hpp"

namespace pluribus::gfunc::kernels {

// bool storage: one byte, 0 or 1 written, any nonzero byte read as true.
struct Bool {
  uint8_t value;
};
using f16 = _Float16;
using c64 = std::complex<float>;
using c128 = std::complex<double>;

template <class S>
struct Storage {  // integers, float32, float64, complex: stored as computed
  using compute = S;
  static S load(const char* p) noexcept {
    S v;
    std::memcpy(&v, p, sizeof v);
    return v;
  }
  static void store(char* p, S v) noexcept { std::memcpy(p, &v, sizeof v); }
};
template <>
struct Storage<Bool> {
  using compute = bool;
  static bool load(const char* p) noexcept {
    uint8_t v;
    std::memcpy(&v, p, 1);
    return v != 0;
  }
  static void store(char* p, bool v) noexcept {
    const uint8_t b = v ? 1 : 0;
    std::memcpy(p, &b, 1);
  }
};
template <>
struct Storage<f16> {
  using compute = float;
  static float load(const char* p) noexcept {
    f16 v;
    std::memcpy(&v, p, sizeof v);
    return static_cast<float>(v);
  }
  static void store(char* p, float v) noexcept {
    const f16 h = static_cast<f16>(v);
    std::memcpy(p, &h, sizeof h);
  }
};
template <class S>
using compute_t = typename Storage<S>::compute;

template <class S>
constexpr const char* dtype_name() noexcept {
  if constexpr (std::is_same_v<S, Bool>) return "bool";
  else if constexpr (std::is_same_v<S, int8_t>) return "int8";
  else if constexpr (std::is_same_v<S, uint8_t>) return "uint8";
  else if constexpr (std::is_same_v<S, int16_t>) return "int16";
  else if constexpr (std::is_same_v<S, uint16_t>) return "uint16";
  else if constexpr (std::is_same_v<S, int32_t>) return "int32";
  else if constexpr (std::is_same_v<S, uint32_t>) return "uint32";
  else if constexpr (std::is_same_v<S, int64_t>) return "int64";
  else if constexpr (std::is_same_v<S, uint64_t>) return "uint64";
  else if constexpr (std::is_same_v<S, f16>) return "float16";
  else if constexpr (std::is_same_v<S, float>) return "float32";
  else if constexpr (std::is_same_v<S, double>) return "float64";
  else if constexpr (std::is_same_v<S, c64>) return "complex64";
  else return "complex128";
}

template <class T>
inline constexpr bool is_complex_v = std::is_same_v<T, c64> || std::is_same_v<T, c128>;

// The unsigned type in which an integer T wraps (never promoted to int, so never UB).
template <class T>
using wrap_t = std::conditional_t<sizeof(T) <= 4, uint32_t, uint64_t>;

// "(... * a, ... * b) -> ... * r"
inline std::string signature(std::initializer_list<const char*> in, const char* out) {
  std::string s = "(";
  for (const char* t : in) {
    if (s.size() > 1) s += ", ";
    s += "... * ";
    s += t;
  }
  s += ") -> ... * ";
  s += out;
  return s;
}

// The loops. An op is a struct with `static R f(A...)`; a checked op (one whose
// `status` is not loop_ok) has `static int f(A..., R& out)` returning loop_ok or its
// status, and the loop stops at the first failure with error_index set.
// Contiguous loops run in fixed-size chunks with `ivdep` so that g++ -O2 (the
// "very cheap" vectorizer) vectorizes the pure ones; outputs may alias inputs exactly.
inline constexpr int64_t kChunk = 16;

template <class Op, class A, class R>
int unary_strided(char** args, const int64_t* dims, const int64_t* steps, LoopContext* ctx) noexcept {
  const char* a = args[0];
  char* r = args[1];
  const int64_t n = dims[0], sa = steps[0], sr = steps[1];
  for (int64_t i = 0; i < n; ++i, a += sa, r += sr) {
    if constexpr (Op::status == loop_ok) {
      Storage<R>::store(r, Op::f(Storage<A>::load(a)));
    } else {
      compute_t<R> out;
      if (Op::f(Storage<A>::load(a), out) != loop_ok) {
        ctx->error_index = i;
        return Op::status;
      }
      Storage<R>::store(r, out);
    }
  }
  return loop_ok;
}

template <class Op, class A, class R>
int unary_contiguous(char** args, const int64_t* dims, const int64_t*, LoopContext* ctx) noexcept {
  if constexpr (Op::status != loop_ok) {
    const int64_t steps[2] = {sizeof(A), sizeof(R)};
    return unary_strided<Op, A, R>(args, dims, steps, ctx);
  } else {
    const char* a = args[0];
    char* r = args[1];
    const int64_t n = dims[0];
    int64_t i = 0;
    for (; i + kChunk <= n; i += kChunk) {
#pragma GCC ivdep
      for (int64_t j = i; j < i + kChunk; ++j)
        Storage<R>::store(r + j * sizeof(R), Op::f(Storage<A>::load(a + j * sizeof(A))));
    }
    for (; i < n; ++i) Storage<R>::store(r + i * sizeof(R), Op::f(Storage<A>::load(a + i * sizeof(A))));
    return loop_ok;
  }
}

template <class Op, class A, class R>
int binary_strided(char** args, const int64_t* dims, const int64_t* steps, LoopContext* ctx) noexcept {
  const char* a = args[0];
  const char* b = args[1];
  char* r = args[2];
  const int64_t n = dims[0], sa = steps[0], sb = steps[1], sr = steps[2];
  for (int64_t i = 0; i < n; ++i, a += sa, b += sb, r += sr) {
    if constexpr (Op::status == loop_ok) {
      Storage<R>::store(r, Op::f(Storage<A>::load(a), Storage<A>::load(b)));
    } else {
      compute_t<R> out;
      if (Op::f(Storage<A>::load(a), Storage<A>::load(b), out) != loop_ok) {
        ctx->error_index = i;
        return Op::status;
      }
      Storage<R>::store(r, out);
    }
  }
  return loop_ok;
}

template <class Op, class A, class R>
int binary_contiguous(char** args, const int64_t* dims, const int64_t*, LoopContext* ctx) noexcept {
  if constexpr (Op::status != loop_ok) {
    const int64_t steps[3] = {sizeof(A), sizeof(A), sizeof(R)};
    return binary_strided<Op, A, R>(args, dims, steps, ctx);
  } else {
    const char* a = args[0];
    const char* b = args[1];
    char* r = args[2];
    const int64_t n = dims[0];
    int64_t i = 0;
    for (; i + kChunk <= n; i += kChunk) {
#pragma GCC ivdep
      for (int64_t j = i; j < i + kChunk; ++j)
        Storage<R>::store(r + j * sizeof(R),
                          Op::f(Storage<A>::load(a + j * sizeof(A)), Storage<A>::load(b + j * sizeof(A))));
    }
    for (; i < n; ++i)
      Storage<R>::store(r + i * sizeof(R),
                        Op::f(Storage<A>::load(a + i * sizeof(A)), Storage<A>::load(b + i * sizeof(A))));
    return loop_ok;
  }
}

// Three inputs (clip: x, lo, hi; where: cond, x, y). C is the first input's storage.
template <class Op, class C, class A, class R>
int ternary_strided(char** args, const int64_t* dims, const int64_t* steps, LoopContext*) noexcept {
  const char* c = args[0];
  const char* a = args[1];
  const char* b = args[2];
  char* r = args[3];
  const int64_t n = dims[0], sc = steps[0], sa = steps[1], sb = steps[2], sr = steps[3];
  for (int64_t i = 0; i < n; ++i, c += sc, a += sa, b += sb, r += sr)
    Storage<R>::store(r, Op::f(Storage<C>::load(c), Storage<A>::load(a), Storage<A>::load(b)));
  return loop_ok;
}

template <class Op, class C, class A, class R>
int ternary_contiguous(char** args, const int64_t* dims, const int64_t*, LoopContext*) noexcept {
  const char* c = args[0];
  const char* a = args[1];
  const char* b = args[2];
  char* r = args[3];
  const int64_t n = dims[0];
  int64_t i = 0;
  auto one = [&](int64_t j) {
    Storage<R>::store(r + j * sizeof(R), Op::f(Storage<C>::load(c + j * sizeof(C)),
                                               Storage<A>::load(a + j * sizeof(A)),
                                               Storage<A>::load(b + j * sizeof(A))));
  };
  for (; i + kChunk <= n; i += kChunk) {
#pragma GCC ivdep
    for (int64_t j = i; j < i + kChunk; ++j) one(j);
  }
  for (; i < n; ++i) one(i);
  return loop_ok;
}

// A kernel's two loops (either may be null: the generic loop then serves).
struct LoopPair {
  StridedLoop strided = nullptr;     // any steps
  StridedLoop contiguous = nullptr;  // every step == itemsize
};

// Registration helpers: one kernel per dtype.
template <class Op, class A, class R = A>
void add_unary(Registry& registry, const char* name) {
  registry.add(name, signature({dtype_name<A>()}, dtype_name<R>()), &unary_strided<Op, A, R>,
               &unary_contiguous<Op, A, R>);
}
template <class Op, class A, class R = A>
void add_binary(Registry& registry, const char* name, LoopPair simd = {}) {
  registry.add(name, signature({dtype_name<A>(), dtype_name<A>()}, dtype_name<R>()),
               simd.strided ? simd.strided : &binary_strided<Op, A, R>,
               simd.contiguous ? simd.contiguous : &binary_contiguous<Op, A, R>);
}

// Highway loops for the hot float paths, resolved to the best target of this CPU once.
struct SimdArithmeticLoops {
  LoopPair add_f32, subtract_f32, multiply_f32, divide_f32;
  LoopPair add_f64, subtract_f64, multiply_f64, divide_f64;
  LoopPair maximum_f32, minimum_f32, fmax_f32, fmin_f32;
  LoopPair maximum_f64, minimum_f64, fmax_f64, fmin_f64;
};
SimdArithmeticLoops simd_arithmetic_loops();  // arithmetic_hwy.cpp

struct SimdComparisonLoops {  // [0] float32, [1] float64
  StridedLoop equal[2], not_equal[2], less[2], less_equal[2], greater[2], greater_equal[2];
};
SimdComparisonLoops simd_comparison_loops();  // comparison_hwy.cpp

}  // namespace pluribus::gfunc::kernels
