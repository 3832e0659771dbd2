// Registered functions and reductions applied to plb_array handles (nd::call, nd::reduce),
// with the versioned plb_array_call_options.
#include <cstddef>
#include <memory>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "array_handle.hpp"
#include "boundary.hpp"
#include "container/array.hpp"
#include "gfunc/kernel.hpp"

namespace {

using pluribus::Error;
using pluribus::ErrorCode;
using pluribus::capi::array_of;
using pluribus::capi::give_array;
using pluribus::capi::check_struct_size;
using pluribus::capi::guard;
using pluribus::capi::holds;
using pluribus::capi::require;
namespace nd = pluribus::nd;

nd::CallOptions call_options(const plb_array_call_options* options) {
  nd::CallOptions out;
  if (!options) return out;
  const std::size_t size = options->struct_size;
  check_struct_size(options, size, sizeof(plb_array_call_options), "plb_array_call_options");
  if (holds(size, offsetof(plb_array_call_options, max_threads), sizeof options->max_threads)) {
    if (options->max_threads < 0)
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("max_threads {} is negative", options->max_threads));
    out.max_threads = options->max_threads;
  }
  if (holds(size, offsetof(plb_array_call_options, axis), sizeof options->axis) &&
      options->has_axis)
    out.axis = options->axis;
  if (holds(size, offsetof(plb_array_call_options, out), sizeof options->out)) {
    if (options->nout < 0)
      throw Error(ErrorCode::invalid_argument, fmt::format("nout {} is negative", options->nout));
    if (options->nout > 0) require(options->out, "options->out");
    for (int64_t i = 0; i < options->nout; ++i) {
      if (!options->out[i])
        throw Error(ErrorCode::invalid_argument, fmt::format("out array {} is NULL", i));
      out.out.push_back(options->out[i]->array);
    }
  }
  if (holds(size, offsetof(plb_array_call_options, propagate_missing), sizeof options->propagate_missing))
    out.skip_missing = !options->propagate_missing;
  return out;
}

nd::ReduceOptions reduce_options(const plb_reduce_options* options) {
  pluribus::gfunc::ReduceOptions from_c = pluribus::capi::read_reduce_options(options);
  nd::ReduceOptions out;
  out.axes = std::move(from_c.axes);
  out.keepdims = from_c.keepdims;
  out.initial = from_c.initial;
  out.skip_missing = from_c.skip_missing;
  return out;
}

// Owns the handles made for a call's results until all of them exist.
class Handles {
 public:
  Handles() = default;
  Handles(const Handles&) = delete;
  Handles& operator=(const Handles&) = delete;
  ~Handles() {
    for (plb_array* h : handles_) plb_array_release(h);
  }
  void add(nd::Array array) {
    handles_.reserve(handles_.size() + 1);
    handles_.push_back(give_array(std::move(array)));
  }
  // Moves the handles into out[0 .. size) and gives up ownership.
  int64_t release_into(plb_array** out) noexcept {
    for (std::size_t i = 0; i < handles_.size(); ++i) out[i] = handles_[i];
    const auto count = static_cast<int64_t>(handles_.size());
    handles_.clear();
    return count;
  }

 private:
  std::vector<plb_array*> handles_;
};

}  // namespace

extern "C" {

plb_status plb_array_call(const char* name, int64_t nargs, plb_array* const* args,
                          const plb_array_call_options* options, int64_t capacity,
                          plb_array** out_results, int64_t* out_count, plb_error* err) {
  if (out_results && capacity > 0)
    for (int64_t i = 0; i < capacity; ++i) out_results[i] = nullptr;
  return guard(err, [&] {
    require(name, "name");
    if (nargs < 0)
      throw Error(ErrorCode::invalid_argument, fmt::format("nargs {} is negative", nargs));
    if (nargs > 0) require(args, "args");
    require(out_results, "out_results");
    require(out_count, "out_count");
    const std::string_view function_name(name);
    // The capacity is checked before the call, so that a too small array has no effects.
    const int nout = pluribus::gfunc::builtins().get(function_name).nout();
    if (capacity < nout)
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("{} has {} outputs but out_results has room for {}", function_name,
                              nout, capacity));
    std::vector<nd::Array> arrays;
    arrays.reserve(static_cast<std::size_t>(nargs));
    for (int64_t i = 0; i < nargs; ++i) {
      if (!args[i])
        throw Error(ErrorCode::invalid_argument, fmt::format("argument array {} is NULL", i));
      arrays.push_back(args[i]->array);
    }
    const nd::CallOptions call = call_options(options);
    std::vector<nd::Array> results = nd::call(function_name, arrays, call);
    if (!call.out.empty()) {
      // The results are the out= arrays: new references to the caller's own handles.
      for (std::size_t i = 0; i < call.out.size(); ++i)
        out_results[i] = plb_array_retain(options->out[i]);
      *out_count = static_cast<int64_t>(call.out.size());
      return;
    }
    Handles handles;
    for (nd::Array& r : results) handles.add(std::move(r));
    *out_count = handles.release_into(out_results);
  });
}

plb_status plb_array_reduce(const char* name, const plb_array* array,
                            const plb_reduce_options* reduce, const plb_array* out,
                            plb_array** out_result, plb_error* err) {
  pluribus::capi::clear_out(out_result);
  return guard(err, [&] {
    require(name, "name");
    const nd::Array& a = array_of(array);
    require(out_result, "out_result");
    nd::ReduceOptions options = reduce_options(reduce);
    if (out) options.out = out->array;
    *out_result = give_array(nd::reduce(name, a, options));
  });
}

}  // extern "C"
