// The nd::Array handle: arrmeta storage, the datashape, and the views that share memory
// (indexing, fields, transpose, broadcast, reshape, squeeze).
#include "container/array.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

#include "container/element.hpp"
#include "ndt/checked.hpp"

namespace pluribus::nd {

using ndt::detail::checked_add;
using ndt::detail::checked_mul;

// ----- arrmeta storage -------------------------------------------------------------------
Array::Dims::Dims(int ndim) : ndim_(ndim) {
  if (ndim > kInlineDims) heap_ = std::make_unique<int64_t[]>(2 * static_cast<std::size_t>(ndim));
}
Array::Dims::Dims(const Dims& other) : ndim_(other.ndim_) {
  if (other.heap_) heap_ = std::make_unique<int64_t[]>(2 * static_cast<std::size_t>(ndim_));
  std::copy_n(other.data(), 2 * ndim_, data());
}
Array::Dims& Array::Dims::operator=(const Dims& other) {
  if (this != &other) *this = Dims(other);
  return *this;
}
Array::Dims::Dims(Dims&& other) noexcept : ndim_(other.ndim_), heap_(std::move(other.heap_)) {
  if (!heap_) std::copy_n(other.inline_.data(), 2 * ndim_, inline_.data());
}
Array::Dims& Array::Dims::operator=(Dims&& other) noexcept {
  if (this != &other) {
    ndim_ = other.ndim_;
    heap_ = std::move(other.heap_);
    if (!heap_) std::copy_n(other.inline_.data(), 2 * ndim_, inline_.data());
  }
  return *this;
}

Array::Array(std::shared_ptr<Memory> memory, char* data, ndt::Type dtype, int ndim, bool readonly)
    : memory_(std::move(memory)), data_(data), dtype_(std::move(dtype)), dims_(ndim), ndim_(ndim),
      readonly_(readonly) {}

Array ArrayBuilder::make(std::shared_ptr<Memory> memory, char* data, ndt::Type dtype, std::span<const int64_t> shape,
                         std::span<const int64_t> strides, bool readonly) {
  if (shape.size() != strides.size())
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{} extents but {} strides", shape.size(), strides.size()));
  if (!memory) throw Error(ErrorCode::invalid_argument, "an array needs a memory owner");
  Array a(std::move(memory), data, std::move(dtype), static_cast<int>(shape.size()), readonly);
  std::copy(shape.begin(), shape.end(), a.shape_data());
  std::copy(strides.begin(), strides.end(), a.strides_data());
  return a;
}

// ----- what it is -------------------------------------------------------------------------
ndt::Type Array::type() const {
  ndt::Type t = dtype_;
  auto s = shape();
  for (std::size_t i = s.size(); i-- > 0;) t = ndt::make_fixed_dim(s[i], t);
  return t;
}

int64_t Array::size() const { return gfunc::element_count(shape()); }

bool Array::is_c_contiguous() const noexcept {
  int64_t expected = dtype_ ? dtype_.size() : 0;
  auto s = shape();
  auto st = strides();
  for (std::size_t i = s.size(); i-- > 0;) {
    if (s[i] == 0) return true;
    if (s[i] != 1 && st[i] != expected) return false;
    expected *= s[i];
  }
  return true;
}

gfunc::BufferView Array::view() const noexcept { return {data_, dtype_, shape(), strides(), readonly_}; }

gfunc::BufferView Array::writable_view() const {
  if (readonly_) throw Error(ErrorCode::value, "the array is read-only");
  return view();
}

Array Array::as_readonly() const {
  Array a = *this;
  a.readonly_ = true;
  return a;
}

// Pulls the leading fixed dims of `dtype` into arrmeta after `prefix_shape`/`prefix_strides`.
static Array with_dtype(const std::shared_ptr<Memory>& memory, char* data, const ndt::Type& dtype,
                        std::span<const int64_t> prefix_shape, std::span<const int64_t> prefix_strides,
                        bool readonly) {
  std::vector<int64_t> shape(prefix_shape.begin(), prefix_shape.end());
  std::vector<int64_t> strides(prefix_strides.begin(), prefix_strides.end());
  ndt::Type t = dtype;
  while (t.kind() == ndt::Kind::FixedDim) {
    shape.push_back(t.shape());
    strides.push_back(t.stride());
    t = t.child();
  }
  return ArrayBuilder::make(memory, data, std::move(t), shape, strides, readonly);
}

Array Array::from_pointer(void* data, const ndt::Type& type, std::function<void()> release, bool readonly) {
  // Validated (by the split) before the Memory exists: a refused pointer stays the
  // caller's, unreleased.
  if (!type) throw Error(ErrorCode::invalid_argument, "an array needs a type");
  gfunc::Buffer parts = gfunc::Buffer::from_type(type, data, readonly);
  return from_buffer(parts, Memory::borrow(data, std::move(release)));
}

Array Array::from_pointer(void* data, const ndt::Type& dtype, std::span<const int64_t> shape,
                          std::span<const int64_t> strides, std::function<void()> release, bool readonly) {
  if (!dtype || !dtype.is_concrete())
    throw Error(ErrorCode::type, fmt::format("an array needs a concrete dtype, not {}", dtype ? dtype.str() : "none"));
  if (shape.size() != strides.size())
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{} extents but {} strides", shape.size(), strides.size()));
  // Every reachable byte offset must be representable: sum of (extent - 1) * |stride|.
  int64_t span = dtype.size();
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] < 0) throw Error(ErrorCode::invalid_argument, fmt::format("negative extent {} in dim {}", shape[i], i));
    if (shape[i] > 0) {
      int64_t stride = strides[i] == INT64_MIN ? INT64_MAX : std::abs(strides[i]);
      span = checked_add(span, checked_mul(shape[i] - 1, stride, "array extent"), "array extent");
    }
  }
  auto memory = Memory::borrow(data, std::move(release));
  return with_dtype(memory, static_cast<char*>(data), dtype, shape, strides, readonly);
}

Array Array::from_buffer(const gfunc::Buffer& buffer, std::shared_ptr<Memory> memory) {
  return with_dtype(memory, buffer.data, buffer.dtype, buffer.shape, buffer.strides, buffer.readonly);
}

// ----- indexing ----------------------------------------------------------------------------
namespace {

// NumPy's slice normalisation: the first index and the number of elements selected.
std::pair<int64_t, int64_t> resolve_slice(const Slice& s, int64_t extent, int dim) {
  if (s.step == 0) throw Error(ErrorCode::index, fmt::format("slice step cannot be zero (dim {})", dim));
  int64_t step = s.step;
  int64_t lo = step > 0 ? 0 : -1, hi = step > 0 ? extent : extent - 1;
  auto clamp = [&](std::optional<int64_t> v, int64_t fallback) {
    if (!v) return fallback;
    int64_t x = *v;
    if (x < 0) {
      x = x < -extent ? lo : x + extent;
      return std::max(x, lo);
    }
    return std::min(x, hi);
  };
  int64_t start = clamp(s.start, step > 0 ? 0 : extent - 1);
  int64_t stop = clamp(s.stop, step > 0 ? extent : -1);
  int64_t count = 0;
  if (step > 0 && stop > start) count = (stop - start - 1) / step + 1;
  if (step < 0 && start > stop) count = (start - stop - 1) / (-step) + 1;
  return {start, count};
}

int64_t resolve_integer(int64_t i, int64_t extent, int dim) {
  int64_t j = i < 0 ? i + extent : i;
  if (j < 0 || j >= extent)
    throw Error(ErrorCode::index,
                fmt::format("index {} is out of bounds for dim {} with size {}", i, dim, extent));
  return j;
}

// A short list of extents or strides that stays off the heap for up to 16 dims.
class DimList {
 public:
  void push_back(int64_t v) {
    if (size_ < inline_.size()) {
      inline_[size_++] = v;
      return;
    }
    if (heap_.empty()) heap_.assign(inline_.begin(), inline_.end());
    heap_.push_back(v);
    ++size_;
  }
  bool empty() const noexcept { return size_ == 0; }
  std::span<const int64_t> span() const noexcept {
    return {heap_.empty() ? inline_.data() : heap_.data(), size_};
  }

 private:
  std::array<int64_t, 16> inline_;
  std::vector<int64_t> heap_;
  std::size_t size_ = 0;
};

bool consumes_dim(const Index& index) {
  return std::holds_alternative<int64_t>(index.value()) || std::holds_alternative<Slice>(index.value());
}

}  // namespace

Array Array::index_var(int64_t i) const {
  // A 0-dim view of one ragged element: {T* data; int64 size}.
  auto slot = element::var_slot(data_);
  const ndt::Type& element = dtype_.child();
  int64_t j = resolve_integer(i, slot.size, 0);
  return with_dtype(memory_, slot.data + j * element.size(), element, {}, {}, readonly_);
}

// The elements of a 0-dim ragged array as a 1-dim view (they are contiguous).
static Array expand_var(const Array& a, const std::shared_ptr<Memory>& memory) {
  auto slot = element::var_slot(a.data());
  const ndt::Type& element = a.dtype().child();
  const int64_t extent[1] = {slot.size};
  const int64_t stride[1] = {element.size()};
  return with_dtype(memory, slot.data, element, extent, stride, a.readonly());
}

Array Array::operator()(std::span<const Index> indices) const {
  if (!memory_) throw Error(ErrorCode::invalid_argument, "indexing an empty array handle");
  // A 0-dim ragged array: its var dim acts as the first dim.
  if (ndim_ == 0 && dtype_.kind() == ndt::Kind::VarDim && !indices.empty() && consumes_dim(indices.front())) {
    if (const int64_t* i = std::get_if<int64_t>(&indices.front().value()))
      return index_var(*i)(indices.subspan(1));
    return expand_var(*this, memory_)(indices);
  }
  int consumed = 0;
  int ellipses = 0;
  for (const Index& index : indices) {
    consumed += consumes_dim(index);
    ellipses += std::holds_alternative<Ellipsis>(index.value());
  }
  if (ellipses > 1) throw Error(ErrorCode::index, "an index can only have a single ellipsis ('...')");
  DimList new_shape, new_strides;
  char* data = data_;
  int dim = 0;
  std::size_t k = 0;
  for (; k < indices.size(); ++k) {
    const auto& v = indices[k].value();
    if (consumes_dim(indices[k]) && dim == ndim_) {
      // Past the fixed dims: a ragged dtype continues the indexing when nothing is left open.
      if (new_shape.empty() && dtype_.kind() == ndt::Kind::VarDim) break;
      if (dtype_.kind() == ndt::Kind::VarDim)
        throw Error(ErrorCode::index, "cannot index inside a var dim below a dim that is kept: "
                                      "index the fixed dims with integers first");
      throw Error(ErrorCode::index, fmt::format("too many indices: the array has {} dims", ndim_));
    }
    if (const int64_t* i = std::get_if<int64_t>(&v)) {
      int64_t j = resolve_integer(*i, shape()[static_cast<std::size_t>(dim)], dim);
      data += j * strides()[static_cast<std::size_t>(dim)];
      ++dim;
    } else if (const Slice* s = std::get_if<Slice>(&v)) {
      auto [start, count] = resolve_slice(*s, shape()[static_cast<std::size_t>(dim)], dim);
      if (count > 0) data += start * strides()[static_cast<std::size_t>(dim)];
      new_shape.push_back(count);
      new_strides.push_back(count > 1 ? checked_mul(strides()[static_cast<std::size_t>(dim)], s->step, "slice stride") : strides()[static_cast<std::size_t>(dim)]);
      ++dim;
    } else if (std::holds_alternative<Ellipsis>(v)) {
      int fill = ndim_ - consumed;
      if (fill < 0) fill = 0;
      for (int e = 0; e < fill && dim < ndim_; ++e, ++dim) {
        new_shape.push_back(shape()[static_cast<std::size_t>(dim)]);
        new_strides.push_back(strides()[static_cast<std::size_t>(dim)]);
      }
    } else if (std::holds_alternative<NewAxis>(v)) {
      new_shape.push_back(1);
      new_strides.push_back(0);
    } else {
      break;  // a field name: applies to the dtype after the remaining dims
    }
  }
  for (; dim < ndim_; ++dim) {
    new_shape.push_back(this->shape()[static_cast<std::size_t>(dim)]);
    new_strides.push_back(this->strides()[static_cast<std::size_t>(dim)]);
  }
  Array result = ArrayBuilder::make(memory_, data, dtype_, new_shape.span(), new_strides.span(), readonly_);
  if (k == indices.size()) return result;
  if (const std::string* name = std::get_if<std::string>(&indices[k].value()))
    return result.field(*name)(indices.subspan(k + 1));
  return result(indices.subspan(k));
}

Array Array::field(std::string_view name) const {
  if (dtype_.kind() != ndt::Kind::Record)
    throw Error(ErrorCode::type, fmt::format("field '{}' of a non-record dtype {}", name, dtype_.str()));
  int64_t index = dtype_.field_index(name);
  if (index < 0)
    throw Error(ErrorCode::index, fmt::format("no field '{}' in {}", name, dtype_.str()));
  return field(index);
}

Array Array::field(int64_t index) const {
  if (dtype_.kind() != ndt::Kind::Record && dtype_.kind() != ndt::Kind::Tuple)
    throw Error(ErrorCode::type, fmt::format("member {} of a dtype without members: {}", index, dtype_.str()));
  auto fields = dtype_.fields();
  int64_t n = static_cast<int64_t>(fields.size());
  int64_t j = index < 0 ? index + n : index;
  if (j < 0 || j >= n)
    throw Error(ErrorCode::index, fmt::format("member {} is out of range for {} with {} members", index,
                                              dtype_.str(), n));
  const auto& f = fields[static_cast<std::size_t>(j)];
  return with_dtype(memory_, data_ + f.offset, f.type, shape(), strides(), readonly_);
}

Array Array::transpose(std::span<const int> axes) const {
  std::vector<int> order(static_cast<std::size_t>(ndim_));
  if (axes.empty()) {
    for (int i = 0; i < ndim_; ++i) order[static_cast<std::size_t>(i)] = ndim_ - 1 - i;
  } else {
    if (static_cast<int>(axes.size()) != ndim_)
      throw Error(ErrorCode::value, fmt::format("transpose: {} axes for an array of {} dims", axes.size(), ndim_));
    std::vector<bool> seen(static_cast<std::size_t>(ndim_));
    for (std::size_t i = 0; i < axes.size(); ++i) {
      int a = axes[i] < 0 ? axes[i] + ndim_ : axes[i];
      if (a < 0 || a >= ndim_ || seen[static_cast<std::size_t>(a)])
        throw Error(ErrorCode::value, fmt::format("transpose: axis {} is out of range or repeated", axes[i]));
      seen[static_cast<std::size_t>(a)] = true;
      order[i] = a;
    }
  }
  Array result(memory_, data_, dtype_, ndim_, readonly_);
  for (int i = 0; i < ndim_; ++i) {
    result.shape_data()[i] = shape()[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])];
    result.strides_data()[i] = strides()[static_cast<std::size_t>(order[static_cast<std::size_t>(i)])];
  }
  return result;
}

Array Array::broadcast_to(std::span<const int64_t> target) const {
  if (target.size() < static_cast<std::size_t>(ndim_))
    throw Error(ErrorCode::value, fmt::format("cannot broadcast {} dims to {}", ndim_, target.size()));
  int nd = static_cast<int>(target.size());
  Array result(memory_, data_, dtype_, nd, true);
  int offset = nd - ndim_;
  for (int i = 0; i < nd; ++i) {
    int64_t want = target[static_cast<std::size_t>(i)];
    if (want < 0) throw Error(ErrorCode::value, fmt::format("negative extent {} in broadcast shape", want));
    result.shape_data()[i] = want;
    if (i < offset) {
      result.strides_data()[i] = 0;
      continue;
    }
    int64_t have = shape()[static_cast<std::size_t>(i - offset)];
    if (have == want) {
      result.strides_data()[i] = strides()[static_cast<std::size_t>(i - offset)];
    } else if (have == 1) {
      result.strides_data()[i] = 0;
    } else {
      throw Error(ErrorCode::value, fmt::format("cannot broadcast dim {} of extent {} to {}", i - offset, have, want));
    }
  }
  return result;
}

Array Array::reshape(std::span<const int64_t> requested) const {
  int64_t total = size();
  std::vector<int64_t> shape(requested.begin(), requested.end());
  int unknown = -1;
  int64_t known = 1;
  for (std::size_t i = 0; i < shape.size(); ++i) {
    if (shape[i] == -1) {
      if (unknown >= 0) throw Error(ErrorCode::value, "reshape: only one extent can be -1");
      unknown = static_cast<int>(i);
    } else if (shape[i] < 0) {
      throw Error(ErrorCode::value, fmt::format("reshape: negative extent {}", shape[i]));
    } else {
      known = checked_mul(known, shape[i], "reshape");
    }
  }
  if (unknown >= 0) {
    if (known == 0 || total % known != 0)
      throw Error(ErrorCode::value, fmt::format("cannot reshape {} elements into {}", total, fmt::join(requested, " * ")));
    shape[static_cast<std::size_t>(unknown)] = total / known;
  } else if (known != total) {
    throw Error(ErrorCode::value, fmt::format("cannot reshape {} elements into {}", total, fmt::join(requested, " * ")));
  }
  // NumPy's no-copy reshape: match runs of old dims to runs of new dims of equal product.
  std::vector<int64_t> old_shape, old_strides;
  for (int i = 0; i < ndim_; ++i)
    if (this->shape()[static_cast<std::size_t>(i)] != 1) {
      old_shape.push_back(this->shape()[static_cast<std::size_t>(i)]);
      old_strides.push_back(this->strides()[static_cast<std::size_t>(i)]);
    }
  std::vector<int64_t> new_strides(shape.size(), 0);
  bool viewable = true;
  if (total == 0) {
    new_strides = gfunc::contiguous_strides(shape, dtype_.size());
  } else {
    std::size_t oi = 0, oj = 1, ni = 0, nj = 1;
    while (ni < shape.size() && oi < old_shape.size() && viewable) {
      int64_t np = shape[ni], op = old_shape[oi];
      while (np != op) {
        if (np < op) np *= shape[nj++];
        else op *= old_shape[oj++];
      }
      for (std::size_t ok = oi; ok + 1 < oj; ++ok)
        if (old_strides[ok] != old_shape[ok + 1] * old_strides[ok + 1]) viewable = false;
      new_strides[nj - 1] = old_strides[oj - 1];
      for (std::size_t nk = nj - 1; nk > ni; --nk) new_strides[nk - 1] = new_strides[nk] * shape[nk];
      ni = nj++;
      oi = oj++;
    }
    int64_t last = ni > 0 ? new_strides[ni - 1] : dtype_.size();
    for (std::size_t nk = ni; nk < shape.size(); ++nk) new_strides[nk] = last;
  }
  if (!viewable) return copy().reshape(shape);
  return ArrayBuilder::make(memory_, data_, dtype_, shape, new_strides, readonly_);
}

Array Array::squeeze(std::span<const int> axes) const {
  std::vector<bool> drop(static_cast<std::size_t>(ndim_), false);
  if (axes.empty()) {
    for (int i = 0; i < ndim_; ++i) drop[static_cast<std::size_t>(i)] = shape()[static_cast<std::size_t>(i)] == 1;
  } else {
    for (int a : axes) {
      int j = a < 0 ? a + ndim_ : a;
      if (j < 0 || j >= ndim_) throw Error(ErrorCode::index, fmt::format("squeeze: axis {} is out of range", a));
      if (shape()[static_cast<std::size_t>(j)] != 1)
        throw Error(ErrorCode::value, fmt::format("squeeze: dim {} has extent {}, not 1", a, shape()[static_cast<std::size_t>(j)]));
      drop[static_cast<std::size_t>(j)] = true;
    }
  }
  std::vector<int64_t> shape, strides;
  for (int i = 0; i < ndim_; ++i)
    if (!drop[static_cast<std::size_t>(i)]) {
      shape.push_back(this->shape()[static_cast<std::size_t>(i)]);
      strides.push_back(this->strides()[static_cast<std::size_t>(i)]);
    }
  return ArrayBuilder::make(memory_, data_, dtype_, shape, strides, readonly_);
}

}  // namespace pluribus::nd
