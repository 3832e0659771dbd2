// Internal to gfunc: the iteration plan of a call (broadcast shape and per-operand byte
// strides), and the entry points of the core-dimension and ragged executors.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "gfunc/buffer.hpp"
#include "gfunc/call.hpp"
#include "gfunc/dispatch.hpp"
#include "gfunc/executor.hpp"

namespace pluribus::gfunc::detail {

struct Plan {
  int nargs = 0;
  int ndim = 0;
  int64_t shape[kMaxDims];
  int64_t strides[kMaxArgs][kMaxDims];
  char* data[kMaxArgs];

  // Appends an operand, right-aligned against the plan's dims (ignoring its last ncore dims);
  // dims of extent 1 broadcast (stride 0).
  void add(const BufferView& b, int ncore);
  void coalesce();
  void run_range(Runner& runner, int64_t begin, int64_t end) const;
  void execute(Runner& runner, const CallOptions& options, bool serial) const;
};

// Memory a call needs for a while: contiguous copies of inputs (casts, overlaps).
struct Temporaries {
  std::vector<std::unique_ptr<char[]>> memory;
  std::vector<std::unique_ptr<Buffer>> buffers;  // no allocation until needed
  // A C-contiguous copy of `b` converted to `dtype`.
  BufferView copy(const BufferView& b, const ndt::Type& dtype, const CallOptions& options);
};

// Runs `body` on at most `threads` oneTBB threads (0: all of them). Arenas are made once per
// thread count and reused: making one per call costs more than a mid-sized call.
void run_parallel(int threads, const std::function<void()>& body);

// Whether two buffers touch a common byte.
bool overlaps(const BufferView& a, const BufferView& b);

// A shape of at most kMaxDims dims, without allocation.
struct Shape {
  int64_t dims[kMaxDims];
  int ndim = 0;
  std::span<const int64_t> span() const noexcept { return {dims, static_cast<std::size_t>(ndim)}; }
};

// NumPy broadcasting of the operands' leading dims (all but their last ncore[i] dims).
void broadcast_shapes(std::string_view function, std::span<const BufferView> operands, const int ncore[],
                      Shape& shape);

// Fills a runner for a resolution and the operands' scalar dtypes (call.cpp).
void setup_runner(Runner& runner, const Function& function, const Resolution& res,
                  std::span<const BufferView> inputs, std::span<const BufferView> outputs);

// Core-dimension functions (core.cpp).
void call_core(const Function& function, const Resolution& res, std::span<const BufferView> inputs,
               std::span<const BufferView> outputs, const CallOptions& options);
std::vector<Buffer> call_core_alloc(const Function& function, const Resolution& res,
                                    std::span<const BufferView> inputs, const CallOptions& options);

// Elementwise functions over var dims (ragged.cpp).
void call_var(const Function& function, const Resolution& res, std::span<const BufferView> inputs,
              std::span<const BufferView> outputs, const CallOptions& options);
std::vector<Buffer> call_var_alloc(const Function& function, const Resolution& res,
                                   std::span<const BufferView> inputs, const CallOptions& options);

}  // namespace pluribus::gfunc::detail
