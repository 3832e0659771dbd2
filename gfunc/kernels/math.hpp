// The math family's SIMD target (for tests and benchmarks to report what they measured).
#pragma once

namespace pluribus::gfunc::kernels {

// The Highway target the math kernels run on in this process ("AVX3", "AVX2", ...),
// chosen once, when register_math first runs.
const char* math_target_name() noexcept;

}  // namespace pluribus::gfunc::kernels
