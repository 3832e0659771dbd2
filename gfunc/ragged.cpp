// Elementwise functions over var (ragged) dims.
#include <fmt/format.h>

#include "gfunc/plan.hpp"

namespace pluribus::gfunc::detail {

void call_var(const Function& f, const Resolution&, std::span<const BufferView>, std::span<const BufferView>,
              const CallOptions&) {
  throw Error(ErrorCode::not_implemented, fmt::format("{}: var dims are not supported yet", f.name()));
}

std::vector<Buffer> call_var_alloc(const Function& f, const Resolution&, std::span<const BufferView>,
                                   const CallOptions&) {
  throw Error(ErrorCode::not_implemented, fmt::format("{}: var dims are not supported yet", f.name()));
}

}  // namespace pluribus::gfunc::detail
