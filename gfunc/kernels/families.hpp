// The built-in kernel families. builtins.cpp calls each once, in one place; each family
// lives in its own file under gfunc/kernels/.
#pragma once

#include "gfunc/kernel.hpp"

namespace pluribus::gfunc::kernels {

void register_arithmetic(Registry& registry);  // arithmetic.cpp: add .. sign, where, clip
void register_comparison(Registry& registry);  // comparison.cpp: equal .. greater_equal, logical, bitwise
void register_math(Registry& registry);        // math.cpp (Highway): sqrt .. isfinite
// After register_math: float16 kernels through the float32 ones, put first (math_float16.cpp).
void register_math_float16(Registry& registry);
void register_math_complex(Registry& registry);  // math_complex.cpp: complex64/complex128
void register_linalg(Registry& registry);      // linalg.cpp (Highway): inner, matmul
void register_reduction(Registry& registry);   // reduction.cpp: sum .. argmax, cumsum, cumprod
void register_string(Registry& registry);      // string.cpp: string compare, length, concatenate
void register_missing(Registry& registry);     // missing.cpp: is_missing, fill_missing

}  // namespace pluribus::gfunc::kernels
