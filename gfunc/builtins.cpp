// The built-in registry, created in this one place: one call per kernel family.
#include "gfunc/kernel.hpp"
#include "gfunc/kernels/families.hpp"

namespace pluribus::gfunc {

Registry& builtins() {
  static Registry* registry = [] {
    static Registry r;
    kernels::register_arithmetic(r);
    kernels::register_comparison(r);
    kernels::register_math(r);
    kernels::register_math_float16(r);
    kernels::register_math_complex(r);
    kernels::register_linalg(r);
    kernels::register_string(r);
    kernels::register_reduction(r);
    kernels::register_missing(r);
    return &r;
  }();
  return *registry;
}

}  // namespace pluribus::gfunc
