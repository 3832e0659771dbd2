// Calling functions over the C ABI: plb_buffer -> gfunc::BufferView, options, results,
// reductions and assignment. The caller-supplied-output path allocates nothing itself.
#include <cstddef>
#include <memory>
#include <new>
#include <span>
#include <vector>

#include <fmt/format.h>

#include "boundary.hpp"
#include "gfunc/call.hpp"

// The buffers of a call that allocated its outputs; the data blocks belong to the caller.
struct plb_result {
  std::vector<pluribus::gfunc::Buffer> buffers;
};

namespace {

using pluribus::Error;
using pluribus::ErrorCode;
using pluribus::capi::borrow;
using pluribus::capi::check_struct_size;
using pluribus::capi::guard;
using pluribus::capi::holds;
using pluribus::capi::require;
namespace gfunc = pluribus::gfunc;

// A call has at most this many operands (gfunc's executor limit, checked again there).
constexpr int64_t kMaxOperands = 8;

const gfunc::Function& function_of(const plb_function* function) {
  require(function, "function");
  return *reinterpret_cast<const gfunc::Function*>(function);
}

gfunc::BufferView view_of(const plb_buffer& b, const char* role, int64_t index) {
  if (!b.dtype)
    throw Error(ErrorCode::invalid_argument, fmt::format("{} {} has no dtype (NULL)", role, index));
  if (b.ndim < 0)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{} {} has a negative ndim {}", role, index, b.ndim));
  if (b.ndim > 0 && (!b.shape || !b.strides))
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{} {} has ndim {} but its shape or strides are NULL", role, index,
                            b.ndim));
  if (b.reserved[0] || b.reserved[1] || b.reserved[2])
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{} {} has a reserved field set (zero-initialise plb_buffer)", role,
                            index));
  const auto ndim = static_cast<std::size_t>(b.ndim);
  return {static_cast<char*>(b.data), borrow(b.dtype), std::span(b.shape, ndim),
          std::span(b.strides, ndim), b.readonly};
}

// Up to kMaxOperands views constructed in place: no heap, and no work for unused slots.
class Views {
 public:
  Views() noexcept {}
  ~Views() {
    for (int64_t i = 0; i < size_; ++i) items_[i].~BufferView();
  }
  Views(const Views&) = delete;
  Views& operator=(const Views&) = delete;

  // Reads `count` buffers of the C caller ("input"/"output" name them in messages).
  void read(int64_t count, const plb_buffer* buffers, const char* role, const char* array) {
    if (count < 0)
      throw Error(ErrorCode::invalid_argument, fmt::format("the number of {}s is negative", role));
    if (count > kMaxOperands)
      throw Error(ErrorCode::not_implemented,
                  fmt::format("{} {}s: a call takes at most {} operands", count, role,
                              kMaxOperands));
    if (count > 0) require(buffers, array);
    for (int64_t i = 0; i < count; ++i) {
      new (&items_[i]) gfunc::BufferView(view_of(buffers[i], role, i));
      ++size_;
    }
  }
  std::span<const gfunc::BufferView> span() const noexcept {
    return {items_, static_cast<std::size_t>(size_)};
  }

 private:
  union {
    gfunc::BufferView items_[kMaxOperands];
  };
  int64_t size_ = 0;
};

gfunc::CallOptions call_options(const plb_call_options* options) {
  gfunc::CallOptions out;
  if (!options) return out;
  const std::size_t size = options->struct_size;
  check_struct_size(options, size, sizeof(plb_call_options), "plb_call_options");
  if (holds(size, offsetof(plb_call_options, max_threads), sizeof options->max_threads)) {
    if (options->max_threads < 0)
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("max_threads {} is negative", options->max_threads));
    out.max_threads = options->max_threads;
  }
  if (holds(size, offsetof(plb_call_options, axis), sizeof options->axis) && options->has_axis)
    out.axis = options->axis;
  if (holds(size, offsetof(plb_call_options, allocate_user), sizeof options->allocate_user) &&
      options->allocate) {
    // Two pointers fit std::function's local storage: making the allocator allocates nothing.
    out.allocate = [allocate = options->allocate, user = options->allocate_user](
                       int64_t size_bytes, int64_t align) { return allocate(user, size_bytes, align); };
  }
  if (holds(size, offsetof(plb_call_options, propagate_missing), sizeof options->propagate_missing))
    out.skip_missing = !options->propagate_missing;
  return out;
}


void give_result(std::vector<gfunc::Buffer> buffers, plb_result** out_result) {
  auto result = std::make_unique<plb_result>();
  result->buffers = std::move(buffers);
  *out_result = result.release();
}

}  // namespace

extern "C" {

plb_status plb_function_call(const plb_function* function, int64_t ninputs,
                             const plb_buffer* inputs, int64_t noutputs,
                             const plb_buffer* outputs, const plb_call_options* options,
                             plb_error* err) {
  return guard(err, [&] {
    const auto& f = function_of(function);
    Views ins, outs;
    ins.read(ninputs, inputs, "input", "inputs");
    outs.read(noutputs, outputs, "output", "outputs");
    if (options) {
      gfunc::call_into(f, ins.span(), outs.span(), call_options(options));
    } else {
      // The common case builds no options (a std::function and an optional) per call.
      static const gfunc::CallOptions defaults;
      gfunc::call_into(f, ins.span(), outs.span(), defaults);
    }
  });
}

plb_status plb_function_call_alloc(const plb_function* function, int64_t ninputs,
                                   const plb_buffer* inputs, const plb_call_options* options,
                                   plb_result** out_result, plb_error* err) {
  if (out_result) *out_result = nullptr;
  return guard(err, [&] {
    const auto& f = function_of(function);
    require(out_result, "out_result");
    Views ins;
    ins.read(ninputs, inputs, "input", "inputs");
    give_result(gfunc::call(f, ins.span(), call_options(options)), out_result);
  });
}

plb_status plb_function_reduce(const plb_function* function, const plb_buffer* input,
                               const plb_buffer* output, const plb_reduce_options* reduce,
                               const plb_call_options* options, plb_error* err) {
  return guard(err, [&] {
    const auto& f = function_of(function);
    require(input, "input");
    require(output, "output");
    gfunc::reduce_into(f, view_of(*input, "input", 0), view_of(*output, "output", 0),
                       pluribus::capi::read_reduce_options(reduce), call_options(options));
  });
}

plb_status plb_function_reduce_alloc(const plb_function* function, const plb_buffer* input,
                                     const plb_reduce_options* reduce,
                                     const plb_call_options* options, plb_result** out_result,
                                     plb_error* err) {
  if (out_result) *out_result = nullptr;
  return guard(err, [&] {
    const auto& f = function_of(function);
    require(input, "input");
    require(out_result, "out_result");
    std::vector<gfunc::Buffer> buffers;
    buffers.push_back(gfunc::reduce(f, view_of(*input, "input", 0), pluribus::capi::read_reduce_options(reduce),
                                    call_options(options)));
    give_result(std::move(buffers), out_result);
  });
}

plb_status plb_assign(const plb_buffer* to, const plb_buffer* from, uint32_t checks,
                      const plb_call_options* options, plb_error* err) {
  return guard(err, [&] {
    require(to, "to");
    require(from, "from");
    if (checks & ~static_cast<uint32_t>(PLB_CAST_ALL))
      throw Error(ErrorCode::invalid_argument, fmt::format("unknown cast checks {:#x}", checks));
    gfunc::assign(view_of(*to, "destination", 0), view_of(*from, "source", 0), checks,
                  call_options(options));
  });
}

plb_status plb_result_count(const plb_result* result, int64_t* out_count, plb_error* err) {
  return guard(err, [&] {
    require(result, "result");
    require(out_count, "out_count");
    *out_count = static_cast<int64_t>(result->buffers.size());
  });
}

plb_status plb_result_buffer(const plb_result* result, int64_t index, plb_buffer* out_buffer,
                             plb_error* err) {
  return guard(err, [&] {
    require(result, "result");
    require(out_buffer, "out_buffer");
    const auto count = static_cast<int64_t>(result->buffers.size());
    if (index < 0 || index >= count)
      throw Error(ErrorCode::index, fmt::format("buffer index {} is out of range for a result "
                                                "with {} buffers",
                                                index, count));
    const gfunc::Buffer& b = result->buffers[static_cast<std::size_t>(index)];
    plb_buffer out{};
    out.data = b.data;
    out.dtype = reinterpret_cast<const plb_type*>(b.dtype.node());
    out.ndim = static_cast<int32_t>(b.shape.size());
    out.readonly = b.readonly;
    out.shape = b.shape.data();
    out.strides = b.strides.data();
    *out_buffer = out;
  });
}

void plb_result_release(plb_result* result) { delete result; }

}  // extern "C"
