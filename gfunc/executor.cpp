// The innermost step of a call: one kernel loop over a run of elements, with blockwise
// casts and precise errors.
#include "gfunc/executor.hpp"

#include <fmt/format.h>

#include <algorithm>
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

int64_t failing_index(const LoopContext& ctx, int64_t n) noexcept {
  return ctx.error_index >= 0 && ctx.error_index < n ? ctx.error_index : 0;
}

void Runner::fail(int status, int arg, int64_t flat, const char* element) noexcept {
  try {
    while (error_lock.test_and_set(std::memory_order_acquire)) {
    }
    if (flat < error_flat.load(std::memory_order_relaxed)) {
      error_flat.store(flat, std::memory_order_relaxed);
      error_status = status;
      error_arg = arg;
      error_value = element && arg >= 0 && arg < nin ? format_scalar(*operand_dtype[arg], element) : "";
    }
    error_lock.clear(std::memory_order_release);
  } catch (...) {
    error_lock.clear(std::memory_order_release);
  }
}

void Runner::run(char* const* ptrs, const int64_t* steps, int64_t n, int64_t flat) noexcept {
  if (n <= 0) return;
  LoopContext ctx{kernel_data, -1, call_size};
  if (!any_cast && !any_option) {
    char* args[kMaxArgs];
    bool contig = contiguous != nullptr;
    for (int k = 0; k < nargs; ++k) {
      args[k] = ptrs[k];
      contig = contig && steps[k] == itemsize[k];
    }
    int64_t dims[1] = {n};
    int status = (contig ? contiguous : strided)(args, dims, steps, &ctx);
    if (status != loop_ok) {
      int64_t at = failing_index(ctx, n);
      if (kernel_is_cast)
        fail(status, 0, flat + at, ptrs[0] + at * steps[0]);
      else
        fail(status, -1, flat + at, nullptr);
    }
    return;
  }
  // Blockwise: take values out of options, cast inputs into blocks, run the kernel,
  // cast results out and write validity.
  // (Results that land in a block are read again at once: no streaming hint.)
  ctx.call_size = 0;
  alignas(64) char blocks[kMaxArgs][kBlock * 16];  // kernel operands (at most 16-byte scalars)
  alignas(64) char values[kMaxArgs][kBlock * 16];  // option values before a cast
  uint8_t valid[kBlock];
  for (int64_t done = 0; done < n; done += kBlock) {
    int64_t m = std::min(kBlock, n - done);
    char* args[kMaxArgs];
    int64_t ksteps[kMaxArgs];
    int64_t dims[1] = {m};
    if (any_option) std::memset(valid, 1, static_cast<std::size_t>(m));
    for (int k = 0; k < nin; ++k) {
      char* p = ptrs[k] + done * steps[k];
      int64_t step = steps[k];
      if (int64_t vs = value_size[k]) {
        char* dst = cast[k] ? values[k] : blocks[k];
        for (int64_t i = 0; i < m; ++i) {
          const char* e = p + i * step;
          bool present = e[vs] != 0;
          valid[i] &= present;
          std::memcpy(dst + i * vs, present ? e : one[k].data(), static_cast<std::size_t>(vs));
        }
        p = dst;
        step = vs;
      }
      if (cast[k]) {
        char* cargs[2] = {p, blocks[k]};
        int64_t csteps[2] = {step, itemsize[k]};
        LoopContext cctx{cast[k].data, -1};
        int status = cast[k].loop(cargs, dims, csteps, &cctx);
        if (status != loop_ok) {
          int64_t at = failing_index(cctx, m);
          fail(status, k, flat + done + at, p + at * step);
          return;
        }
        p = blocks[k];
        step = itemsize[k];
      }
      args[k] = p;
      ksteps[k] = step;
    }
    for (int k = nin; k < nargs; ++k) {
      if (cast[k] || value_size[k]) {
        args[k] = blocks[k];
        ksteps[k] = itemsize[k];
      } else {
        args[k] = ptrs[k] + done * steps[k];
        ksteps[k] = steps[k];
      }
    }
    ctx.error_index = -1;
    int status = strided(args, dims, ksteps, &ctx);
    if (status != loop_ok) {
      int64_t at = failing_index(ctx, m);
      // A failure on a missing element is no failure: its value was a stand-in.
      if (!any_option || valid[at]) {
        fail(status, -1, flat + done + at, nullptr);
        return;
      }
      // Rerun element by element, skipping missing ones.
      for (int64_t i = 0; i < m; ++i) {
        if (!valid[i]) continue;
        char* one_args[kMaxArgs];
        for (int k = 0; k < nargs; ++k) one_args[k] = args[k] + i * ksteps[k];
        int64_t one_dim[1] = {1};
        LoopContext one_ctx{kernel_data, -1};
        if (strided(one_args, one_dim, ksteps, &one_ctx) != loop_ok) {
          fail(status, -1, flat + done + i, nullptr);
          return;
        }
      }
    }
    for (int k = nin; k < nargs; ++k) {
      if (!cast[k] && !value_size[k]) continue;
      char* out = ptrs[k] + done * steps[k];
      char* src = blocks[k];
      int64_t vs = value_size[k];
      if (cast[k]) {
        char* dst = vs ? values[k] : out;
        char* cargs[2] = {blocks[k], dst};
        int64_t csteps[2] = {itemsize[k], vs ? vs : steps[k]};
        LoopContext cctx{cast[k].data, -1};
        int cstatus = cast[k].loop(cargs, dims, csteps, &cctx);
        if (cstatus != loop_ok) {
          int64_t at = failing_index(cctx, m);
          fail(cstatus, k, flat + done + at, nullptr);
          return;
        }
        src = values[k];
      }
      if (vs) {
        for (int64_t i = 0; i < m; ++i) {
          char* e = out + i * steps[k];
          if (valid[i]) std::memcpy(e, src + i * vs, static_cast<std::size_t>(vs));
          else std::memset(e, 0, static_cast<std::size_t>(vs));
          e[vs] = static_cast<char>(valid[i]);
        }
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
      if (kernel_is_cast)
        throw Error(ErrorCode::value, fmt::format("{}: casting {} at index {} to {} would cause {}", function,
                                                  error_value, where, operand_dtype[1]->str(), what));
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
