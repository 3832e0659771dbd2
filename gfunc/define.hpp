// Lifting a plain C++ callable into a gfunc function:
//
//   registry.define("hypot2", "(... * float64, ... * float64) -> ... * float64",
//                   [](double x, double y) { return x * x + y * y; });
//
// The callable takes and returns scalars (bool, int8_t..uint64_t, _Float16, float,
// double, std::complex<float>, std::complex<double>); the function gets broadcasting,
// strides, casts, threads and dispatch from the executor. A signature whose dtypes do
// not match the callable's parameter and return types is an error at registration.
// A callable that throws fails the call (Error(value) naming the element).
#pragma once

#include <complex>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>
#include <tuple>
#include <type_traits>

#include "gfunc/kernel.hpp"
#include "ndt/type.hpp"

namespace pluribus::gfunc {
namespace detail {

template <class T>
ndt::Kind scalar_kind() {
  if constexpr (std::is_same_v<T, bool>) return ndt::Kind::Bool;
  else if constexpr (std::is_same_v<T, int8_t>) return ndt::Kind::Int8;
  else if constexpr (std::is_same_v<T, int16_t>) return ndt::Kind::Int16;
  else if constexpr (std::is_same_v<T, int32_t>) return ndt::Kind::Int32;
  else if constexpr (std::is_same_v<T, int64_t>) return ndt::Kind::Int64;
  else if constexpr (std::is_same_v<T, uint8_t>) return ndt::Kind::UInt8;
  else if constexpr (std::is_same_v<T, uint16_t>) return ndt::Kind::UInt16;
  else if constexpr (std::is_same_v<T, uint32_t>) return ndt::Kind::UInt32;
  else if constexpr (std::is_same_v<T, uint64_t>) return ndt::Kind::UInt64;
  else if constexpr (std::is_same_v<T, _Float16>) return ndt::Kind::Float16;
  else if constexpr (std::is_same_v<T, float>) return ndt::Kind::Float32;
  else if constexpr (std::is_same_v<T, double>) return ndt::Kind::Float64;
  else if constexpr (std::is_same_v<T, std::complex<float>>) return ndt::Kind::Complex64;
  else if constexpr (std::is_same_v<T, std::complex<double>>) return ndt::Kind::Complex128;
  else static_assert(sizeof(T) == 0, "define(): parameters and results must be numeric scalars");
}

template <class F>
struct callable_traits : callable_traits<decltype(&F::operator())> {};
template <class R, class... A>
struct callable_traits<R (*)(A...)> {
  using result = R;
  using args = std::tuple<std::decay_t<A>...>;
};
template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...) const> : callable_traits<R (*)(A...)> {};
template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...)> : callable_traits<R (*)(A...)> {};
template <class C, class R, class... A>
struct callable_traits<R (C::*)(A...) const noexcept> : callable_traits<R (*)(A...)> {};
template <class R, class... A>
struct callable_traits<R (*)(A...) noexcept> : callable_traits<R (*)(A...)> {};

template <class F, class R, class... A, std::size_t... I>
int lifted_loop_impl(char** args, const int64_t* dims, const int64_t* steps, LoopContext* ctx,
                     std::index_sequence<I...>) noexcept {
  const F& f = *static_cast<const F*>(ctx->kernel_data);
  constexpr std::size_t nin = sizeof...(A);
  for (int64_t i = 0; i < dims[0]; ++i) {
    try {
      std::tuple<A...> in;
      ((std::memcpy(&std::get<I>(in), args[I] + i * steps[I], sizeof(A))), ...);
      R r = f(std::get<I>(in)...);
      std::memcpy(args[nin] + i * steps[nin], &r, sizeof(R));
    } catch (...) {
      ctx->error_index = i;
      return loop_invalid;
    }
  }
  return loop_ok;
}

template <class F, class R, class... A>
int lifted_loop(char** args, const int64_t* dims, const int64_t* steps, LoopContext* ctx) noexcept {
  return lifted_loop_impl<F, R, A...>(args, dims, steps, ctx, std::index_sequence_for<A...>{});
}

template <class F, class R, class Tuple>
struct lift;
template <class F, class R, class... A>
struct lift<F, R, std::tuple<A...>> {
  static std::vector<ndt::Kind> param_kinds() { return {scalar_kind<A>()...}; }
  static constexpr StridedLoop loop = &lifted_loop<F, R, A...>;
};

// Checks that the signature is elementwise with these dtypes; throws Error(type) if not.
PLURIBUS_API void check_lifted_signature(std::string_view name, const ndt::Type& signature,
                                         const std::vector<ndt::Kind>& params, ndt::Kind result);

}  // namespace detail

template <class F>
Function& Registry::define(std::string_view name, std::string_view signature, F callable) {
  using traits = detail::callable_traits<std::decay_t<F>>;
  using R = typename traits::result;
  using L = detail::lift<std::decay_t<F>, R, typename traits::args>;
  ndt::Type sig = ndt::parse(signature);
  detail::check_lifted_signature(name, sig, L::param_kinds(), detail::scalar_kind<R>());
  auto owned = std::make_shared<const std::decay_t<F>>(std::move(callable));
  Kernel k{sig, L::loop, nullptr, owned.get(), kernel_default, {}};
  k.owner = owned;
  return add(name, std::move(k));
}

}  // namespace pluribus::gfunc
