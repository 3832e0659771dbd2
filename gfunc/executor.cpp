// The innermost step of a call: one kernel loop over a run of elements, with blockwise
// casts and precise errors.
#include "gfunc/executor.hpp"

#include <fmt/format.h>

#include <cstring>

namespace pluribus::gfunc::detail {

std::string index_string(int64_t flat, std::span<const int64_t> shape) {
  std::vector<int64_t> idx(shape.size());
  for (std::size_t i = shape.size(); i-- > 0;) {
    int64_t s = shape[i] > 0 ? shape[i] : 1;
    idx[i] = flat % s;
    flat /= s;
  }
  return fmt::format("[{}]", fmt::join(idx, ", "));
}

void Runner::fail(int status, int arg, int64_t flat, const char* element) noexcept {
  try {
    while (error_lock.test_and_set(std::memory_order_acquire)) {
    }
    if (flat < error_flat.load(std::memory_order_relaxed)) {
      error_flat.store(flat, std::memory_order_relaxed);
      error_status = status;
      error_arg = arg;
      error_value = element && arg >= 0 && arg < nin ? format_scalar(operand_dtype[arg], element) : "";
    }
    error_lock.clear(std::memory_order_release);
  } catch (...) {
    error_lock.clear(std::memory_order_release);
  }
}

void Runner::run(char* const* ptrs, const int64_t* steps, int64_t n, int64_t flat) noexcept {
  if (n <= 0) return;
  LoopContext ctx{kernel_data, -1};
  if (!any_cast) {
    char* args[kMaxArgs];
    bool contig = contiguous != nullptr;
    for (int k = 0; k < nargs; ++k) {
      args[k] = ptrs[k];
      contig = contig && steps[k] == itemsize[k];
    }
    int64_t dims[1] = {n};
    int status = (contig ? contiguous : strided)(args, dims, steps, &ctx);
    if (status != loop_ok) {
      int64_t at = ctx.error_index >= 0 && ctx.error_index < n ? ctx.error_index : 0;
      fail(status, -1, flat + at, nullptr);
    }
    return;
  }
  // Blockwise: cast inputs into blocks, run the kernel, cast results out.
  alignas(64) char blocks[kMaxArgs][kBlock * 16];  // casts are between scalars of at most 16 bytes
  for (int64_t done = 0; done < n; done += kBlock) {
    int64_t m = std::min(kBlock, n - done);
    char* args[kMaxArgs];
    int64_t ksteps[kMaxArgs];
    int64_t dims[1] = {m};
    for (int k = 0; k < nargs; ++k) {
      char* p = ptrs[k] + done * steps[k];
      if (cast[k] && k < nin) {
        char* cargs[2] = {p, blocks[k]};
        int64_t csteps[2] = {steps[k], itemsize[k]};
        LoopContext cctx{cast[k].data, -1};
        int status = cast[k].loop(cargs, dims, csteps, &cctx);
        if (status != loop_ok) {
          int64_t at = cctx.error_index >= 0 && cctx.error_index < m ? cctx.error_index : 0;
          fail(status, k, flat + done + at, p + at * steps[k]);
          return;
        }
        args[k] = blocks[k];
        ksteps[k] = itemsize[k];
      } else if (cast[k]) {
        args[k] = blocks[k];
        ksteps[k] = itemsize[k];
      } else {
        args[k] = p;
        ksteps[k] = steps[k];
      }
    }
    ctx.error_index = -1;
    int status = strided(args, dims, ksteps, &ctx);
    if (status != loop_ok) {
      int64_t at = ctx.error_index >= 0 && ctx.error_index < m ? ctx.error_index : 0;
      fail(status, -1, flat + done + at, nullptr);
      return;
    }
    for (int k = nin; k < nargs; ++k) {
      if (!cast[k]) continue;
      char* cargs[2] = {blocks[k], ptrs[k] + done * steps[k]};
      int64_t csteps[2] = {itemsize[k], steps[k]};
      LoopContext cctx{cast[k].data, -1};
      int cstatus = cast[k].loop(cargs, dims, csteps, &cctx);
      if (cstatus != loop_ok) {
        int64_t at = cctx.error_index >= 0 && cctx.error_index < m ? cctx.error_index : 0;
        fail(cstatus, k, flat + done + at, nullptr);
        return;
      }
    }
  }
}

void Runner::rethrow(std::span<const int64_t> shape) const {
  int64_t flat = error_flat.load();
  if (flat == INT64_MAX) return;
  rethrow_at(index_string(flat, shape));
}

void Runner::rethrow_at(const std::string& where) const {
  if (!failed()) return;
  std::string value = error_value.empty() ? "" : fmt::format(" (value {})", error_value);
  switch (error_status) {
    case loop_divide_by_zero:
      throw Error(ErrorCode::value, fmt::format("{}: integer division by zero at index {}", function, where));
    case loop_overflow:
    case loop_fractional:
    case loop_inexact: {
      const char* what = error_status == loop_overflow ? "overflow" : error_status == loop_fractional
                                                                          ? "a fractional part"
                                                                          : "a loss of precision";
      if (error_arg >= 0)
        throw Error(ErrorCode::value, fmt::format("{}: casting operand {}{} at index {} would cause {}", function,
                                                  error_arg, value, where, what));
      throw Error(ErrorCode::value, fmt::format("{}: {} at index {}", function, what, where));
    }
    case loop_invalid:
      throw Error(ErrorCode::value, fmt::format("{}: invalid value{} at index {}", function, value, where));
    default:
      throw Error(ErrorCode::internal,
                  fmt::format("{}: the kernel failed with status {} at index {}", function, error_status, where));
  }
}

}  // namespace pluribus::gfunc::detail
