// Reading the versioned option structs of the C API (struct_size first, zero-filled growth).
#include <fmt/format.h>

#include "boundary.hpp"

namespace pluribus::capi {

void check_struct_size(const void* options, std::size_t struct_size, std::size_t known, const char* what) {
  if (struct_size < sizeof(std::size_t))
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{}.struct_size {} is too small (set it to sizeof({}))", what, struct_size, what));
  const auto* bytes = static_cast<const unsigned char*>(options);
  for (std::size_t i = known; i < struct_size; ++i)
    if (bytes[i] != 0)
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("{} sets fields this library does not know (struct_size {}, expected at most {})", what,
                              struct_size, known));
}

gfunc::ReduceOptions read_reduce_options(const plb_reduce_options* options) {
  gfunc::ReduceOptions out;
  if (!options) return out;
  const std::size_t size = options->struct_size;
  check_struct_size(options, size, sizeof(plb_reduce_options), "plb_reduce_options");
  if (holds(size, offsetof(plb_reduce_options, axes), sizeof options->axes)) {
    if (options->naxes < 0)
      throw Error(ErrorCode::invalid_argument, fmt::format("naxes {} is negative", options->naxes));
    if (options->naxes > 0) require(options->axes, "axes");
    if (options->axes) out.axes.emplace(options->axes, options->axes + options->naxes);
  }
  if (holds(size, offsetof(plb_reduce_options, keepdims), sizeof options->keepdims)) out.keepdims = options->keepdims;
  if (holds(size, offsetof(plb_reduce_options, initial), sizeof options->initial) && options->has_initial)
    out.initial = options->initial;
  // Read only when the caller's struct has it: older callers get the default (skip).
  if (holds(size, offsetof(plb_reduce_options, propagate_missing), sizeof options->propagate_missing))
    out.skip_missing = !options->propagate_missing;
  return out;
}

}  // namespace pluribus::capi
