// plb_function: finding, listing and describing the functions of the built-in registry,
// and registering C loops as kernels.
#include <cstddef>
#include <deque>
#include <mutex>

#include <fmt/format.h>

#include "boundary.hpp"
#include "gfunc/cast.hpp"
#include "gfunc/kernel.hpp"
#include "gfunc/simd.hpp"

namespace {

using pluribus::Error;
using pluribus::ErrorCode;
using pluribus::capi::give;
using pluribus::capi::guard;
using pluribus::capi::require;
namespace gfunc = pluribus::gfunc;
namespace ndt = pluribus::ndt;

// The C loop ABI is the gfunc loop ABI: the numbers and the context's layout agree.
static_assert(static_cast<int>(PLB_LOOP_OK) == static_cast<int>(gfunc::loop_ok));
static_assert(static_cast<int>(PLB_LOOP_DIVIDE_BY_ZERO) == static_cast<int>(gfunc::loop_divide_by_zero));
static_assert(static_cast<int>(PLB_LOOP_OVERFLOW) == static_cast<int>(gfunc::loop_overflow));
static_assert(static_cast<int>(PLB_LOOP_FRACTIONAL) == static_cast<int>(gfunc::loop_fractional));
static_assert(static_cast<int>(PLB_LOOP_INEXACT) == static_cast<int>(gfunc::loop_inexact));
static_assert(static_cast<int>(PLB_LOOP_INVALID) == static_cast<int>(gfunc::loop_invalid));
static_assert(sizeof(plb_loop_context) == sizeof(gfunc::LoopContext));
static_assert(offsetof(plb_loop_context, kernel_data) == offsetof(gfunc::LoopContext, kernel_data));
static_assert(offsetof(plb_loop_context, error_index) == offsetof(gfunc::LoopContext, error_index));
static_assert(offsetof(plb_loop_context, call_size) == offsetof(gfunc::LoopContext, call_size));
static_assert(static_cast<int>(PLB_KERNEL_REDUCTION) == static_cast<int>(gfunc::kernel_reduction));
static_assert(static_cast<int>(PLB_KERNEL_SERIAL) == static_cast<int>(gfunc::kernel_serial));
static_assert(static_cast<int>(PLB_KERNEL_NO_INPLACE) == static_cast<int>(gfunc::kernel_no_inplace));
static_assert(static_cast<int>(PLB_KERNEL_DIVIDE_BY_COUNT) == static_cast<int>(gfunc::kernel_divide_by_count));
static_assert(static_cast<int>(PLB_KERNEL_POSITION) == static_cast<int>(gfunc::kernel_position));
static_assert(static_cast<int>(PLB_CAST_NOCHECK) == static_cast<int>(gfunc::cast_nocheck));
static_assert(static_cast<int>(PLB_CAST_OVERFLOW) == static_cast<int>(gfunc::cast_overflow));
static_assert(static_cast<int>(PLB_CAST_FRACTIONAL) == static_cast<int>(gfunc::cast_fractional));
static_assert(static_cast<int>(PLB_CAST_INEXACT) == static_cast<int>(gfunc::cast_inexact));
static_assert(static_cast<int>(PLB_CAST_ALL) == static_cast<int>(gfunc::cast_all));

constexpr uint32_t kKnownKernelFlags = PLB_KERNEL_REDUCTION | PLB_KERNEL_SERIAL | PLB_KERNEL_NO_INPLACE |
                                       PLB_KERNEL_DIVIDE_BY_COUNT | PLB_KERNEL_POSITION;

const gfunc::Function& function_of(const plb_function* function) {
  require(function, "function");
  return *reinterpret_cast<const gfunc::Function*>(function);
}

const plb_function* handle(const gfunc::Function& function) noexcept {
  return reinterpret_cast<const plb_function*>(&function);
}

// A registered C kernel. gfunc calls a trampoline with this record as its kernel data;
// the trampoline calls the C loop with a context holding the user's kernel data. Kernels
// are never removed, so records live as long as the process (a deque keeps addresses).
struct CKernel {
  plb_loop strided;
  plb_loop contiguous;
  const void* kernel_data;
};

CKernel& keep(const CKernel& kernel) {
  static std::mutex mutex;
  static std::deque<CKernel> records;
  std::lock_guard lock(mutex);
  return records.emplace_back(kernel);
}

// Copies the context rather than reinterpreting gfunc's: the two structs agree in layout
// but are distinct types, and a copy of three words costs nothing next to a loop call.
inline int call_c_loop(plb_loop loop, const CKernel& kernel, char** args,
                       const int64_t* dimensions, const int64_t* steps,
                       gfunc::LoopContext* context) noexcept {
  plb_loop_context c_context{kernel.kernel_data, context->error_index, context->call_size};
  const int status = loop(args, dimensions, steps, &c_context);
  context->error_index = c_context.error_index;
  return status;
}

int strided_trampoline(char** args, const int64_t* dimensions, const int64_t* steps,
                       gfunc::LoopContext* context) noexcept {
  const auto& kernel = *static_cast<const CKernel*>(context->kernel_data);
  return call_c_loop(kernel.strided, kernel, args, dimensions, steps, context);
}

int contiguous_trampoline(char** args, const int64_t* dimensions, const int64_t* steps,
                          gfunc::LoopContext* context) noexcept {
  const auto& kernel = *static_cast<const CKernel*>(context->kernel_data);
  return call_c_loop(kernel.contiguous, kernel, args, dimensions, steps, context);
}

int64_t checked_index(int64_t index, std::size_t count, const char* what,
                      std::string_view owner) {
  if (index < 0 || index >= static_cast<int64_t>(count))
    throw Error(ErrorCode::index, fmt::format("{} index {} is out of range for {} with {} {}s",
                                              what, index, owner, count, what));
  return index;
}

}  // namespace

extern "C" {

const char* plb_simd_target(void) { return pluribus::gfunc::simd_target(); }

plb_status plb_function_lookup(const char* name, const plb_function** out_function,
                               plb_error* err) {
  if (out_function) *out_function = nullptr;
  return guard(err, [&] {
    require(name, "name");
    require(out_function, "out_function");
    *out_function = handle(gfunc::builtins().get(name));
  });
}

plb_status plb_function_count(int64_t* out_count, plb_error* err) {
  return guard(err, [&] {
    require(out_count, "out_count");
    *out_count = static_cast<int64_t>(gfunc::builtins().functions().size());
  });
}

plb_status plb_function_at(int64_t index, const plb_function** out_function, plb_error* err) {
  if (out_function) *out_function = nullptr;
  return guard(err, [&] {
    require(out_function, "out_function");
    const auto functions = gfunc::builtins().functions();
    checked_index(index, functions.size(), "function", "the registry");
    *out_function = handle(*functions[static_cast<std::size_t>(index)]);
  });
}

const char* plb_function_name(const plb_function* function) {
  if (!function) return nullptr;
  // Functions never move or rename, so the name's storage lives as long as they do.
  return reinterpret_cast<const gfunc::Function*>(function)->name().c_str();
}

plb_status plb_function_nin(const plb_function* function, int64_t* out_nin, plb_error* err) {
  return guard(err, [&] {
    const auto& f = function_of(function);
    require(out_nin, "out_nin");
    *out_nin = f.nin() < 0 ? 0 : f.nin();
  });
}

plb_status plb_function_nout(const plb_function* function, int64_t* out_nout, plb_error* err) {
  return guard(err, [&] {
    const auto& f = function_of(function);
    require(out_nout, "out_nout");
    *out_nout = f.nout() < 0 ? 0 : f.nout();
  });
}

plb_status plb_function_kernel_count(const plb_function* function, int64_t* out_count,
                                     plb_error* err) {
  return guard(err, [&] {
    const auto& f = function_of(function);
    require(out_count, "out_count");
    *out_count = static_cast<int64_t>(f.kernels().size());
  });
}

plb_status plb_function_kernel_signature(const plb_function* function, int64_t index,
                                         plb_type** out_signature, plb_error* err) {
  if (out_signature) *out_signature = nullptr;
  return guard(err, [&] {
    const auto& f = function_of(function);
    require(out_signature, "out_signature");
    const auto& kernels = f.kernels();
    checked_index(index, kernels.size(), "kernel", fmt::format("function '{}'", f.name()));
    *out_signature = give(kernels[static_cast<std::size_t>(index)].signature);
  });
}

plb_status plb_function_register(const char* name, const char* signature, plb_loop strided,
                                 plb_loop contiguous, const void* kernel_data, uint32_t flags,
                                 const plb_function** out_function, plb_error* err) {
  if (out_function) *out_function = nullptr;
  return guard(err, [&] {
    require(name, "name");
    require(signature, "signature");
    if (!strided) throw pluribus::capi::NullArgument{"strided"};
    require(out_function, "out_function");
    if (*name == '\0') throw Error(ErrorCode::invalid_argument, "a function name is empty");
    if (flags & ~kKnownKernelFlags)
      throw Error(ErrorCode::invalid_argument, fmt::format("unknown kernel flags {:#x}", flags));
    gfunc::Kernel kernel;
    kernel.signature = ndt::parse(signature);
    kernel.strided = strided_trampoline;
    kernel.contiguous = contiguous ? contiguous_trampoline : nullptr;
    kernel.flags = flags;
    // Check the kernel on its own first, so that a bad signature never leaves an empty
    // function behind in the registry (Registry::add creates the function first).
    gfunc::Function(name).add(kernel);
    if (const gfunc::Function* existing = gfunc::builtins().find(name);
        existing && existing->nin() >= 0 &&
        (existing->nin() != kernel.nin() || existing->nout() != kernel.nout()))
      throw Error(ErrorCode::type,
                  fmt::format("function '{}' takes {} inputs and {} outputs; kernel {} does not",
                              name, existing->nin(), existing->nout(), kernel.signature.str()));
    kernel.data = &keep(CKernel{strided, contiguous, kernel_data});
    *out_function = handle(gfunc::builtins().add(name, std::move(kernel)));
  });
}

}  // extern "C"
