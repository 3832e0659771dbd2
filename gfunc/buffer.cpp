// Typed buffers: splitting a full type into arrmeta and dtype; shape arithmetic.
#include "gfunc/buffer.hpp"

#include <fmt/format.h>

#include "ndt/checked.hpp"

namespace pluribus::gfunc {

Buffer Buffer::from_type(const ndt::Type& type, void* data, bool readonly) {
  Buffer b;
  b.data = static_cast<char*>(data);
  b.readonly = readonly;
  ndt::Type t = type;
  while (t.kind() == ndt::Kind::FixedDim) {
    b.shape.push_back(t.shape());
    b.strides.push_back(t.stride());
    t = t.child();
  }
  if (!t.is_concrete())
    throw Error(ErrorCode::type, fmt::format("a buffer needs a concrete type, not {}", type.str()));
  b.dtype = std::move(t);
  return b;
}

int64_t element_count(std::span<const int64_t> shape) {
  int64_t n = 1;
  for (int64_t s : shape) {
    if (s < 0) throw Error(ErrorCode::invalid_argument, fmt::format("negative dimension {}", s));
    n = ndt::detail::checked_mul(n, s, "element count");
  }
  return n;
}

std::vector<int64_t> contiguous_strides(std::span<const int64_t> shape, int64_t itemsize) {
  std::vector<int64_t> strides(shape.size());
  int64_t s = itemsize;
  for (std::size_t i = shape.size(); i-- > 0;) {
    strides[i] = s;
    s = ndt::detail::checked_mul(s, std::max<int64_t>(shape[i], 1), "strides");
  }
  return strides;
}

}  // namespace pluribus::gfunc
