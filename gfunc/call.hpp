// Calling a function on typed buffers: dispatch, broadcasting, casting, threads.
//
//   auto out = gfunc::call(gfunc::builtins().get("add"), {a, b}, options);
//   gfunc::call_into(add, {a, b}, {c});          // writes into c (out=)
//   gfunc::reduce(sum, a, {.axes = {0}, .keepdims = true}, options);
//
// Broadcasting follows NumPy for fixed dims. A var dim's elements broadcast pairwise
// (equal lengths, or one of them 1; a fixed dim of N meets var elements of length N or 1).
// Outputs that overlap inputs (other than exactly, element for element) get NumPy's
// semantics: the overlapping input is copied first.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <vector>

#include "gfunc/buffer.hpp"
#include "gfunc/cast.hpp"
#include "gfunc/kernel.hpp"
#include "ndt/api.hpp"

namespace pluribus::gfunc {

// Memory for results. gfunc never owns memory: whoever calls supplies the allocator and
// frees what it returns (the container ties it to an array's owner).
using Allocator = std::function<void*(int64_t size, int64_t align)>;

struct CallOptions {
  Allocator allocate;  // needed when outputs (or ragged output elements) must be created
  // 0: split large work across oneTBB's threads; 1: stay on the calling thread; n: at most n.
  int max_threads = 0;
  // Functions with one core dim (cumsum, inner, ...): which dim of each operand is the
  // core dim, counted like NumPy's gufunc `axis=` (negative from the end). Default: last.
  std::optional<int> axis;
  // One-core-dim functions of a ?T input (argmin, argmax, cumsum, ..., reductions called
  // as core-dim functions): true skips missing elements; false makes any missing element
  // of a row make its result (a scan: every later result) missing. See ReduceOptions.
  bool skip_missing = true;
};

struct ReduceOptions {
  std::optional<std::vector<int>> axes;  // nullopt: every axis (NumPy's axis=None); negative from the end
  bool keepdims = false;                 // keep reduced dims with extent 1
  std::optional<double> initial;         // the starting value (NumPy's initial=)
  // Inputs of ?T (Apache Arrow's skip_nulls, pandas' skipna): the result is ?R. true: missing
  // elements are skipped and a result is missing only when its reduction set has no present
  // element (`initial` counts as one; mean divides by the present count). false: a result is
  // missing as soon as any element of its set is missing (or none is present).
  bool skip_missing = true;
};

// Calls `function` on `inputs`, allocating the outputs with options.allocate.
PLURIBUS_API std::vector<Buffer> call(const Function& function, std::span<const BufferView> inputs,
                                      const CallOptions& options = {});
// Calls `function`, writing into `outputs` (their shapes must equal the broadcast shape;
// their dtypes receive the kernel's results through a cast when they differ).
PLURIBUS_API void call_into(const Function& function, std::span<const BufferView> inputs,
                            std::span<const BufferView> outputs, const CallOptions& options = {});

// Reductions (functions with kernel_reduction kernels: sum, prod, min, max, any, all, ...).
// Over var dims any axes can be reduced: a fixed or var dim above a var dim folds the rows
// below it elementwise (their var elements broadcast: equal lengths, or 1), and keepdims
// leaves a fixed dim of extent 1 in place of each reduced dim. An output for a ?T input may
// be ?R or R (a missing result in an R output is an error naming its index).
PLURIBUS_API Buffer reduce(const Function& function, const BufferView& input, const ReduceOptions& reduce_options,
                           const CallOptions& options);
PLURIBUS_API void reduce_into(const Function& function, const BufferView& input, const BufferView& output,
                              const ReduceOptions& reduce_options, const CallOptions& options = {});

// Copies (with a cast) `from` into `to`, broadcasting `from` to `to`'s shape. A failed
// checked cast throws Error(value) naming the index and the value.
PLURIBUS_API void assign(const BufferView& to, const BufferView& from, uint32_t checks = cast_nocheck,
                         const CallOptions& options = {});

}  // namespace pluribus::gfunc
