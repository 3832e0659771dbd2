// Dispatch: choosing a function's kernel for the dtypes of the inputs, and caching the
// choice. Exact match first, then the best kernel the inputs reach through safe casts
// (NumPy's type resolution); the casts then run blockwise in the executor.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <deque>
#include <mutex>
#include <span>
#include <vector>

#include "gfunc/cast.hpp"
#include "gfunc/kernel.hpp"
#include "ndt/type.hpp"

namespace pluribus::gfunc {

// The resolved call of one function for one tuple of input dtypes. Immutable once made.
struct Resolution {
  const Kernel* kernel = nullptr;
  std::vector<ndt::Type> in_dtypes;   // the scalar dtypes the kernel reads (after casting)
  std::vector<ndt::Type> out_dtypes;  // the scalar dtypes the kernel writes
  std::vector<CastLoop> in_casts;     // per input: empty when the input is used as is
  // The signature's parameters and outputs below their leading ellipsis: core dims + dtype.
  std::vector<ndt::Type> in_core;
  std::vector<ndt::Type> out_core;
  bool elementwise = true;  // no core dims anywhere
  // No kernel takes the ?T inputs as such: the kernel runs on their values, and each
  // output is ?U, missing where any option input is missing (out_dtypes hold the ?U). A
  // one-core-dim kernel of one input (a reduction, argmin, a scan) sees each row's present
  // elements instead; its results are missing as ReduceOptions::skip_missing says.
  bool propagates_missing = false;
  bool any_cast = false;  // some input is cast
};

// A lock-free cache from input dtype tuples (node pointers) to resolutions. Readers never
// lock; writers insert under a mutex into a fixed open-addressed table. Entries live as
// long as the function; when the table is full, resolution still works, uncached.
struct Function::Cache {
  static constexpr int kMaxKey = 4;
  static constexpr std::size_t kSlots = 256;
  struct Entry {
    std::array<const ndt::detail::Node*, kMaxKey> key{};
    int nkey = 0;
    Resolution resolution;
    std::vector<ndt::Type> pinned;  // the whole key; keeps its nodes alive
  };
  std::array<std::atomic<const Entry*>, kSlots> slots{};
  std::mutex write_mutex;
  std::deque<Entry> entries;
  std::size_t cleared = 0;  // entries made before the last clear() (no longer in the table)

  const Resolution* find(std::span<const ndt::Type> dtypes) const noexcept;
  // The same lookup by node pointers (no reference counting: the hot path of a call).
  const Resolution* find(const ndt::detail::Node* const* nodes, int n) const noexcept;
  const Resolution* insert(std::span<const ndt::Type> dtypes, Resolution resolution);
  void clear() noexcept;
};

// The kernel for these input dtypes, from the cache when it was resolved before.
// Throws Error(type) naming the function, the dtypes and the signatures it offers.
PLURIBUS_API const Resolution& resolve(const Function& function, std::span<const ndt::Type> dtypes);

}  // namespace pluribus::gfunc
