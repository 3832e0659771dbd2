// float16 kernels of the math family: each computes in float32 through the function's
// float32 kernel (math.cpp's SIMD loop) and rounds once to float16, as NumPy's half loops
// do; isnan/isinf/isfinite read the half's bits.
//
// A block of inputs is widened by gfunc's float16 -> float32 cast loop, run through the
// float32 kernel's loop, and narrowed by the float32 -> float16 cast loop (round to
// nearest even). The float16 kernels go before the float32 ones, so int8, uint8 and bool
// inputs reach float16 as in NumPy (np.exp(int8) is float16; int16 goes on to float32).
#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string>

#include "gfunc/cast.hpp"
#include "gfunc/kernel.hpp"
#include "gfunc/kernels/families.hpp"
#include "ndt/error.hpp"

namespace pluribus::gfunc::kernels {
namespace {

constexpr int64_t kBlock = 256;  // elements per call of the float32 loop
constexpr int64_t kHalf = 2, kSingle = 4;

// What a float16 loop finds in LoopContext::kernel_data.
struct ViaFloat32 {
  Kernel single;  // the function's float32 kernel (its loops, data and owner)
  CastLoop widen, narrow;
};

// n inputs of float16 -> one float16 output, computed by the float32 kernel.
template <int kNin>
int via_float32(char** args, const int64_t* dimensions, const int64_t* steps,
                LoopContext* context) noexcept {
  const auto& k = *static_cast<const ViaFloat32*>(context->kernel_data);
  const StridedLoop compute = k.single.contiguous ? k.single.contiguous : k.single.strided;
  float in[kNin][kBlock], out[kBlock];
  for (int64_t i = 0, n = dimensions[0]; i < n; i += kBlock) {
    const int64_t m = std::min(kBlock, n - i);
    for (int j = 0; j < kNin; ++j) {
      char* cast_args[2] = {args[j] + i * steps[j], reinterpret_cast<char*>(in[j])};
      const int64_t cast_steps[2] = {steps[j], kSingle};
      LoopContext cast_context{k.widen.data};
      k.widen.loop(cast_args, &m, cast_steps, &cast_context);
    }
    char* compute_args[kNin + 1];
    int64_t compute_steps[kNin + 1];
    for (int j = 0; j < kNin; ++j) compute_args[j] = reinterpret_cast<char*>(in[j]);
    compute_args[kNin] = reinterpret_cast<char*>(out);
    std::fill(compute_steps, compute_steps + kNin + 1, kSingle);
    // call_size stays 0: the output is this small buffer, never worth streaming past the caches.
    LoopContext compute_context{k.single.data};
    if (int status = compute(compute_args, &m, compute_steps, &compute_context);
        status != loop_ok) {
      context->error_index = i + compute_context.error_index;
      return status;
    }
    char* cast_args[2] = {reinterpret_cast<char*>(out), args[kNin] + i * steps[kNin]};
    const int64_t cast_steps[2] = {kSingle, steps[kNin]};
    LoopContext cast_context{k.narrow.data};
    k.narrow.loop(cast_args, &m, cast_steps, &cast_context);
  }
  return loop_ok;
}

// isnan, isinf, isfinite on the bits: exponent all ones is inf (zero mantissa) or NaN.
uint16_t bits_at(const char* p) noexcept {
  uint16_t b;
  std::memcpy(&b, p, sizeof b);
  return b & 0x7FFF;
}
bool isnan_bits(uint16_t b) noexcept { return b > 0x7C00; }
bool isinf_bits(uint16_t b) noexcept { return b == 0x7C00; }
bool isfinite_bits(uint16_t b) noexcept { return b < 0x7C00; }

template <bool (*P)(uint16_t)>
int predicate(char** args, const int64_t* dimensions, const int64_t* steps, LoopContext*) noexcept {
  const char* in = args[0];
  char* out = args[1];
  for (int64_t i = 0, n = dimensions[0]; i < n; ++i)
    out[i * steps[1]] = static_cast<char>(P(bits_at(in + i * steps[0])));
  return loop_ok;
}

// Adds name's float16 kernel in front of its float32 kernel, which must exist.
void add_via_float32(Registry& registry, const char* name, int nin) {
  const Function& function = registry.get(name);
  const std::string sig32 = nin == 1 ? "(... * float32) -> ... * float32"
                                     : "(... * float32, ... * float32) -> ... * float32";
  const ndt::Type single_signature = ndt::parse(sig32);
  const auto found = std::find_if(function.kernels().begin(), function.kernels().end(),
                                  [&](const Kernel& k) { return k.signature == single_signature; });
  if (found == function.kernels().end())
    throw Error(ErrorCode::lookup,
                std::string(name) + "() has no float32 kernel to compute float16 through");
  auto data = std::make_shared<ViaFloat32>();
  data->single = *found;
  data->widen = find_cast(ndt::float16, ndt::float32, cast_nocheck);
  data->narrow = find_cast(ndt::float32, ndt::float16, cast_nocheck);
  const std::string sig16 = nin == 1 ? "(... * float16) -> ... * float16"
                                     : "(... * float16, ... * float16) -> ... * float16";
  const StridedLoop loop = nin == 1 ? &via_float32<1> : &via_float32<2>;
  Kernel kernel{ndt::parse(sig16), loop, loop, data.get(), kernel_default, {}};
  kernel.owner = std::move(data);
  registry.add_first(name, std::move(kernel));
}

}  // namespace

void register_math_float16(Registry& registry) {
  for (const char* name :
       {"sqrt",    "cbrt",    "exp",     "exp2",   "expm1",  "log",    "log2", "log10", "log1p",
        "sin",     "cos",     "tan",     "arcsin", "arccos", "arctan", "sinh", "cosh",  "tanh",
        "arcsinh", "arccosh", "arctanh", "floor",  "ceil",   "trunc",  "rint"})
    add_via_float32(registry, name, 1);
  for (const char* name : {"arctan2", "hypot"}) add_via_float32(registry, name, 2);
  // Exact matches: their place among the other kernels does not matter.
  registry.add("isnan", "(... * float16) -> ... * bool", predicate<isnan_bits>,
               predicate<isnan_bits>);
  registry.add("isinf", "(... * float16) -> ... * bool", predicate<isinf_bits>,
               predicate<isinf_bits>);
  registry.add("isfinite", "(... * float16) -> ... * bool", predicate<isfinite_bits>,
               predicate<isfinite_bits>);
}

}  // namespace pluribus::gfunc::kernels
