// Kernels, functions and the registry.
//
// A kernel is data: a datashape signature plus loop pointers and flags. A function is a
// name plus its kernels. The built-in registry is created in one place (builtins.cpp),
// one call per kernel family; users add their own functions to it or to a registry of
// their own.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gfunc/loop.hpp"
#include "ndt/api.hpp"
#include "ndt/type.hpp"

namespace pluribus::gfunc {

enum KernelFlags : uint32_t {
  kernel_default = 0,
  // (... * N * T) -> ... * U: the loop folds the N elements of its core dim into the
  // output's current value. The executor seeds the output (identity, `initial`, or the
  // first element) and runs the loop over every reduced axis; see reduce.hpp.
  kernel_reduction = 1u << 0,
  // The loop keeps state across iterations (a scan): never split it across threads.
  kernel_serial = 1u << 1,
  // Outputs may not alias inputs, even exactly: the executor copies overlapping inputs.
  kernel_no_inplace = 1u << 2,
  // A reduction whose results are then divided by the number of reduced elements (mean).
  kernel_divide_by_count = 1u << 3,
  // (... * N * T) -> ... * int64: the result is a position along the core dim (argmin,
  // argmax). Over ?T inputs the kernel sees the present elements only, and the position
  // it finds is mapped back to the row.
  kernel_position = 1u << 4,
};

struct Kernel {
  ndt::Type signature;               // a function type, e.g. (... * float64) -> ... * float64
  StridedLoop strided = nullptr;     // any strides
  StridedLoop contiguous = nullptr;  // optional: every operand contiguous along the iterations
  const void* data = nullptr;        // handed to the loop as LoopContext::kernel_data
  uint32_t flags = kernel_default;
  std::shared_ptr<const void> owner;  // keeps `data` alive when the kernel owns it

  int nin() const noexcept;
  int nout() const noexcept;
};

class PLURIBUS_API Function {
 public:
  explicit Function(std::string name);
  const std::string& name() const noexcept { return name_; }
  // Kernels in registration order; the first exact match wins.
  const std::deque<Kernel>& kernels() const noexcept { return kernels_; }
  int nin() const noexcept { return nin_; }
  int nout() const noexcept { return nout_; }
  // Identity of a reduction (e.g. 0 for sum), as a double; NaN when there is none
  // (min/max on an empty axis is an error).
  double identity() const noexcept { return identity_; }
  void set_identity(double identity) noexcept { identity_ = identity; }
  // When every input is bool and no kernel takes bool as such, dispatch refuses the call
  // with this message instead of promoting (NumPy refuses boolean subtract and negative).
  const std::string& bool_refusal() const noexcept { return bool_refusal_; }
  void set_bool_refusal(std::string message) { bool_refusal_ = std::move(message); }

  // Dispatch state (see dispatch.cpp); opaque here.
  struct Cache;
  Cache& cache() const noexcept { return *cache_; }

  void add(Kernel kernel);  // checks that nin/nout agree with earlier kernels
  // Puts the kernel before the others, so dispatch tries it first: a narrower dtype
  // (float16) added after the wider kernels it must precede (float32, float64).
  void add_first(Kernel kernel);
  ~Function();
  Function(Function&&) = delete;

 private:
  // Validates a new kernel: a function type with positional parameters, a strided loop,
  // nin/nout as the earlier kernels'. Records nin/nout. Throws Error(type/invalid_argument).
  void check(const Kernel& kernel);

  std::string name_;
  std::deque<Kernel> kernels_;
  int nin_ = -1;
  int nout_ = -1;
  double identity_;
  std::string bool_refusal_;
  std::unique_ptr<Cache> cache_;
};

class PLURIBUS_API Registry {
 public:
  Registry();
  ~Registry();

  // Adds a kernel to the function `name` (created on first use). The signature must be a
  // function type; its dtypes decide dispatch. Throws Error(parse/type) on a bad signature.
  Function& add(std::string_view name, Kernel kernel);
  Function& add(std::string_view name, std::string_view signature, StridedLoop strided,
                StridedLoop contiguous = nullptr, const void* data = nullptr,
                uint32_t flags = kernel_default);
  // Adds a kernel to the existing function `name` ahead of its kernels (Function::add_first).
  // Throws Error(lookup) when there is no such function.
  Function& add_first(std::string_view name, Kernel kernel);

  // Lifts a scalar C++ callable to an elementwise function (see define.hpp).
  template <class F>
  Function& define(std::string_view name, std::string_view signature, F callable);

  // Sets the identity of a reduction (see Function::identity).
  void set_identity(std::string_view name, double identity);
  // Refuses all-bool inputs of `name` with `message` (see Function::bool_refusal).
  void set_bool_refusal(std::string_view name, std::string message);

  const Function* find(std::string_view name) const noexcept;
  const Function& get(std::string_view name) const;  // throws Error(lookup)
  std::vector<const Function*> functions() const;    // sorted by name

 private:
  mutable std::shared_mutex mutex_;
  std::deque<Function> functions_;  // stable addresses
  std::vector<Function*> sorted_;   // by name, for lookup
};

// The built-in functions (arithmetic, math, comparisons, reductions, casts, ...), created
// on first use by builtins.cpp.
PLURIBUS_API Registry& builtins();

}  // namespace pluribus::gfunc
