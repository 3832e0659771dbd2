// Reduction and scan kernels: sum, prod, min, max, any, all, mean, argmin, argmax,
// cumsum, cumprod. Float sums are pairwise (NumPy's accuracy or better); the contiguous
// float32/float64 sums use Highway, resolved once at registration.
//
// A reduction kernel has the signature (... * N * T) -> ... * U and folds the N elements
// of its core dim into the output's current value (see kernel_reduction).
#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "gfunc/kernels/reduction.cpp"
#include <hwy/foreach_target.h>  // IWYU pragma: keep
#include <hwy/highway.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>

HWY_BEFORE_NAMESPACE();
namespace pluribus::gfunc::kernels::HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

// Pairwise sum of n contiguous values: leaves of 256 elements summed across four vectors
// of lanes, halves summed recursively (error O(log n) ulps, as NumPy's pairwise sum).
template <class T>
T PairwiseSum(const T* HWY_RESTRICT p, int64_t n) {
  if (n > 256) {
    int64_t half = (n / 2 + 7) & ~int64_t{7};
    return PairwiseSum(p, half) + PairwiseSum(p + half, n - half);
  }
  const hn::ScalableTag<T> d;
  const int64_t N = static_cast<int64_t>(hn::Lanes(d));
  auto a0 = hn::Zero(d), a1 = hn::Zero(d), a2 = hn::Zero(d), a3 = hn::Zero(d);
  int64_t i = 0;
  for (; i + 4 * N <= n; i += 4 * N) {
    a0 = hn::Add(a0, hn::LoadU(d, p + i));
    a1 = hn::Add(a1, hn::LoadU(d, p + i + N));
    a2 = hn::Add(a2, hn::LoadU(d, p + i + 2 * N));
    a3 = hn::Add(a3, hn::LoadU(d, p + i + 3 * N));
  }
  for (; i + N <= n; i += N) a0 = hn::Add(a0, hn::LoadU(d, p + i));
  T s = hn::GetLane(hn::SumOfLanes(d, hn::Add(hn::Add(a0, a1), hn::Add(a2, a3))));
  T tail = 0;
  for (; i < n; ++i) tail += p[i];
  return s + tail;
}

double SumF64(const double* p, int64_t n) { return PairwiseSum(p, n); }
float SumF32(const float* p, int64_t n) { return PairwiseSum(p, n); }

}  // namespace pluribus::gfunc::kernels::HWY_NAMESPACE
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include <fmt/format.h>

#include "gfunc/kernel.hpp"
#include "gfunc/define.hpp"
#include "gfunc/kernels/bytes.hpp"
#include "gfunc/kernels/families.hpp"
#include "gfunc/simd.hpp"

namespace pluribus::gfunc::kernels {

HWY_EXPORT(SumF64);
HWY_EXPORT(SumF32);

namespace {

using half = _Float16;
using c64 = std::complex<float>;
using c128 = std::complex<double>;

double (*sum_f64)(const double*, int64_t) = nullptr;
float (*sum_f32)(const float*, int64_t) = nullptr;


// Pairwise sum with a stride (the strided form of PairwiseSum), in type A.
template <class A, class T>
A strided_pairwise(const char* p, int64_t n, int64_t step) noexcept {
  if (n > 128) {
    int64_t half_n = (n / 2 + 7) & ~int64_t{7};
    return strided_pairwise<A, T>(p, half_n, step) + strided_pairwise<A, T>(p + half_n * step, n - half_n, step);
  }
  A acc[8] = {};
  int64_t i = 0;
  for (; i + 8 <= n; i += 8)
    for (int k = 0; k < 8; ++k) acc[k] += static_cast<A>(load<T>(p + (i + k) * step));
  A s = ((acc[0] + acc[1]) + (acc[2] + acc[3])) + ((acc[4] + acc[5]) + (acc[6] + acc[7]));
  for (; i < n; ++i) s += static_cast<A>(load<T>(p + i * step));
  return s;
}

// sum: floats pairwise (float16 accumulates in float32, as NumPy), integers wrap.
template <class T, class U>
int sum_loop(char** args, const int64_t* dims, const int64_t* steps, LoopContext*) noexcept {
  for (int64_t i = 0; i < dims[0]; ++i) {
    const char* in = args[0] + i * steps[0];
    char* out = args[1] + i * steps[1];
    int64_t n = dims[1], step = steps[2];
    if constexpr (std::is_same_v<T, double>) {
      double s = step == 8 ? sum_f64(reinterpret_cast<const double*>(in), n) : strided_pairwise<double, double>(in, n, step);
      store<double>(out, load<double>(out) + s);
    } else if constexpr (std::is_same_v<T, float>) {
      float s = step == 4 ? sum_f32(reinterpret_cast<const float*>(in), n) : strided_pairwise<float, float>(in, n, step);
      store<float>(out, load<float>(out) + s);
    } else if constexpr (std::is_same_v<T, half>) {
      float s = strided_pairwise<float, half>(in, n, step);
      store<half>(out, static_cast<half>(static_cast<float>(load<half>(out)) + s));
    } else if constexpr (std::is_same_v<T, c64> || std::is_same_v<T, c128>) {
      store<T>(out, load<T>(out) + strided_pairwise<T, T>(in, n, step));
    } else if constexpr (std::is_floating_point_v<U>) {
      // Integers into a float (mean): pairwise in float64.
      store<U>(out, load<U>(out) + strided_pairwise<U, T>(in, n, step));
    } else {
      // Integers (and bool into int64): wrap-around in the unsigned domain.
      using W = std::make_unsigned_t<U>;
      W acc = static_cast<W>(load<U>(out));
      for (int64_t j = 0; j < n; ++j) acc += static_cast<W>(static_cast<U>(load<T>(in + j * step)));
      store<U>(out, static_cast<U>(acc));
    }
  }
  return loop_ok;
}

template <class T, class U>
int prod_loop(char** args, const int64_t* dims, const int64_t* steps, LoopContext*) noexcept {
  for (int64_t i = 0; i < dims[0]; ++i) {
    const char* in = args[0] + i * steps[0];
    char* out = args[1] + i * steps[1];
    if constexpr (std::is_integral_v<U>) {
      using W = std::make_unsigned_t<U>;
      W acc = static_cast<W>(load<U>(out));
      for (int64_t j = 0; j < dims[1]; ++j) acc *= static_cast<W>(static_cast<U>(load<T>(in + j * steps[2])));
      store<U>(out, static_cast<U>(acc));
    } else if constexpr (std::is_same_v<T, half>) {
      float acc = static_cast<float>(load<half>(out));
      for (int64_t j = 0; j < dims[1]; ++j) acc *= static_cast<float>(load<half>(in + j * steps[2]));
      store<half>(out, static_cast<half>(acc));
    } else {
      U acc = load<U>(out);
      for (int64_t j = 0; j < dims[1]; ++j) acc *= load<T>(in + j * steps[2]);
      store<U>(out, acc);
    }
  }
  return loop_ok;
}

// NaN-propagating order for min/max; complex compares lexicographically (NumPy).
template <class T>
bool is_nan(T v) noexcept {
  if constexpr (std::is_same_v<T, c64> || std::is_same_v<T, c128>) return std::isnan(v.real()) || std::isnan(v.imag());
  else if constexpr (std::is_floating_point_v<T> || std::is_same_v<T, half>) return v != v;
  else return false;
}
template <class T>
bool less(T a, T b) noexcept {
  if constexpr (std::is_same_v<T, c64> || std::is_same_v<T, c128>)
    return a.real() < b.real() || (a.real() == b.real() && a.imag() < b.imag());
  else return a < b;
}

template <class T, bool Max>
int minmax_loop(char** args, const int64_t* dims, const int64_t* steps, LoopContext*) noexcept {
  for (int64_t i = 0; i < dims[0]; ++i) {
    const char* in = args[0] + i * steps[0];
    char* out = args[1] + i * steps[1];
    T acc = load<T>(out);
    if (!is_nan(acc)) {
      for (int64_t j = 0; j < dims[1]; ++j) {
        T v = load<T>(in + j * steps[2]);
        if (is_nan(v)) {
          acc = v;
          break;
        }
        if (Max ? less(acc, v) : less(v, acc)) acc = v;
      }
    }
    store<T>(out, acc);
  }
  return loop_ok;
}

template <class T>
bool truthy(T v) noexcept {
  if constexpr (std::is_same_v<T, c64> || std::is_same_v<T, c128>) return v.real() != 0 || v.imag() != 0;
  else return v != T(0);
}

template <class T, bool All>
int anyall_loop(char** args, const int64_t* dims, const int64_t* steps, LoopContext*) noexcept {
  for (int64_t i = 0; i < dims[0]; ++i) {
    const char* in = args[0] + i * steps[0];
    char* out = args[1] + i * steps[1];
    bool acc = load<bool>(out);
    for (int64_t j = 0; j < dims[1] && acc != !All; ++j) {
      bool t = truthy(load<T>(in + j * steps[2]));
      acc = All ? acc && t : acc || t;
    }
    store<bool>(out, acc);
  }
  return loop_ok;
}

// argmin/argmax over the core dim: the first index of the extreme (a NaN wins, as NumPy).
// An empty core dim has none: loop_invalid (NumPy: "attempt to get argmax of an empty sequence").
template <class T, bool Max>
int arg_loop(char** args, const int64_t* dims, const int64_t* steps, LoopContext* ctx) noexcept {
  for (int64_t i = 0; i < dims[0]; ++i) {
    const char* in = args[0] + i * steps[0];
    char* out = args[1] + i * steps[1];
    int64_t best = 0;
    if (dims[1] == 0) {
      ctx->error_index = i;
      return loop_invalid;
    }
    {
      T acc = load<T>(in);
      for (int64_t j = 1; j < dims[1] && !is_nan(acc); ++j) {
        T v = load<T>(in + j * steps[2]);
        if (is_nan(v) || (Max ? less(acc, v) : less(v, acc))) {
          acc = v;
          best = j;
        }
      }
    }
    store<int64_t>(out, best);
  }
  return loop_ok;
}

// cumsum/cumprod: (... * N * T) -> ... * N * U, serial along N.
template <class T, class U, bool Prod>
int scan_loop(char** args, const int64_t* dims, const int64_t* steps, LoopContext*) noexcept {
  for (int64_t i = 0; i < dims[0]; ++i) {
    const char* in = args[0] + i * steps[0];
    char* out = args[1] + i * steps[1];
    if constexpr (std::is_integral_v<U>) {
      using W = std::make_unsigned_t<U>;
      W acc = Prod ? 1 : 0;
      for (int64_t j = 0; j < dims[1]; ++j) {
        W v = static_cast<W>(static_cast<U>(load<T>(in + j * steps[2])));
        acc = Prod ? static_cast<W>(acc * v) : static_cast<W>(acc + v);
        store<U>(out + j * steps[3], static_cast<U>(acc));
      }
    } else {
      using A = std::conditional_t<std::is_same_v<U, half>, float, U>;
      A acc = Prod ? A(1) : A(0);
      for (int64_t j = 0; j < dims[1]; ++j) {
        A v = static_cast<A>(load<T>(in + j * steps[2]));
        acc = Prod ? acc * v : acc + v;
        store<U>(out + j * steps[3], static_cast<U>(acc));
      }
    }
  }
  return loop_ok;
}

template <class T>
std::string_view name_of() {
  return ndt::kind_name(detail::scalar_kind<T>());
}

std::string reduce_sig(std::string_view t, std::string_view u) { return fmt::format("(... * N * {}) -> ... * {}", t, u); }
std::string core_sig(std::string_view t, std::string_view u) { return fmt::format("(... * N * {}) -> ... * N * {}", t, u); }

// sum/prod/cumsum/cumprod accumulate NumPy-style: bool and signed ints in int64, unsigned
// ints in uint64, floats and complex in their own type. Kernels in dispatch order.
template <class T, class U>
void add_accumulating(Registry& r) {
  r.add("sum", reduce_sig(name_of<T>(), name_of<U>()), sum_loop<T, U>, nullptr, nullptr, kernel_reduction);
  r.add("prod", reduce_sig(name_of<T>(), name_of<U>()), prod_loop<T, U>, nullptr, nullptr, kernel_reduction);
  r.add("cumsum", core_sig(name_of<T>(), name_of<U>()), scan_loop<T, U, false>, nullptr, nullptr, kernel_serial);
  r.add("cumprod", core_sig(name_of<T>(), name_of<U>()), scan_loop<T, U, true>, nullptr, nullptr, kernel_serial);
}

// mean: the sum divided by the count; integers and bool average in float64 (NumPy).
template <class T>
void add_mean(Registry& r) {
  using U = std::conditional_t<std::is_integral_v<T>, double, T>;
  r.add("mean", reduce_sig(name_of<T>(), name_of<U>()), sum_loop<T, U>, nullptr, nullptr,
        kernel_reduction | kernel_divide_by_count);
}

template <class T>
void add_ordered(Registry& r) {
  std::string_view t = name_of<T>();
  r.add("min", reduce_sig(t, t), minmax_loop<T, false>, nullptr, nullptr, kernel_reduction);
  r.add("max", reduce_sig(t, t), minmax_loop<T, true>, nullptr, nullptr, kernel_reduction);
  r.add("any", reduce_sig(t, "bool"), anyall_loop<T, false>, nullptr, nullptr, kernel_reduction);
  r.add("all", reduce_sig(t, "bool"), anyall_loop<T, true>, nullptr, nullptr, kernel_reduction);
  r.add("argmin", reduce_sig(t, "int64"), arg_loop<T, false>, nullptr, nullptr, kernel_position);
  r.add("argmax", reduce_sig(t, "int64"), arg_loop<T, true>, nullptr, nullptr, kernel_position);
}

}  // namespace

void register_reduction(Registry& r) {
  sum_f64 = HWY_DISPATCH_TABLE(SumF64)[simd_target_index()];
  sum_f32 = HWY_DISPATCH_TABLE(SumF32)[simd_target_index()];

  add_accumulating<bool, int64_t>(r);
  add_accumulating<uint64_t, uint64_t>(r);
  add_accumulating<int64_t, int64_t>(r);
  add_accumulating<half, half>(r);
  add_accumulating<float, float>(r);
  add_accumulating<double, double>(r);
  add_accumulating<c64, c64>(r);
  add_accumulating<c128, c128>(r);
  add_mean<bool>(r);
  add_mean<int8_t>(r);
  add_mean<uint8_t>(r);
  add_mean<int16_t>(r);
  add_mean<uint16_t>(r);
  add_mean<int32_t>(r);
  add_mean<uint32_t>(r);
  add_mean<int64_t>(r);
  add_mean<uint64_t>(r);
  add_mean<half>(r);
  add_mean<float>(r);
  add_mean<double>(r);
  add_mean<c64>(r);
  add_mean<c128>(r);
  add_ordered<bool>(r);
  add_ordered<int8_t>(r);
  add_ordered<uint8_t>(r);
  add_ordered<int16_t>(r);
  add_ordered<uint16_t>(r);
  add_ordered<int32_t>(r);
  add_ordered<uint32_t>(r);
  add_ordered<int64_t>(r);
  add_ordered<uint64_t>(r);
  add_ordered<half>(r);
  add_ordered<float>(r);
  add_ordered<double>(r);
  add_ordered<c64>(r);
  add_ordered<c128>(r);
  r.set_identity("sum", 0);
  r.set_identity("mean", 0);
  r.set_identity("prod", 1);
  r.set_identity("any", 0);
  r.set_identity("all", 1);
}

}  // namespace pluribus::gfunc::kernels
#endif  // HWY_ONCE
