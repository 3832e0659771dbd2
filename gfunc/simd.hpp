// The SIMD target the built-in kernels run on, chosen once per process.
#pragma once

#include <cstddef>
#include <cstdint>

#include "ndt/api.hpp"

namespace pluribus::gfunc {

// The Highway target every built-in kernel family runs on in this process ("AVX3",
// "AVX2", "SSE4", ...): the best target compiled into the library that this CPU runs,
// capped by the environment variable PLURIBUS_SIMD_TARGET when it names a target
// (for example PLURIBUS_SIMD_TARGET=AVX2 runs the AVX2 kernels on an AVX-512 CPU).
// The choice is made once, the first time a kernel family or this function needs it.
PLURIBUS_API const char* simd_target() noexcept;

namespace kernels {
// The chosen target's index into a HWY_DISPATCH_TABLE.
std::size_t simd_target_index() noexcept;
// Makes kernel families registered from now on use `target` (one HWY_* target bit this
// CPU runs) instead of the chosen one; 0 returns to the chosen one. For tests and
// benchmarks that compare targets; registries built before keep their loops.
void use_simd_target(int64_t target) noexcept;
}  // namespace kernels

}  // namespace pluribus::gfunc
