// Reductions of arrays with var (ragged) dims. The innermost dim alone is the reduction's
// core dim (through the ragged core-dimension path: one result per ragged element, e.g.
// per-row sums of `N * var * float64`); every dim at once folds all elements into one
// result; any other choice of dims goes through the general walk (ragged_reduce_walk.cpp),
// which folds the rows below a reduced dim elementwise. keepdims reduces without it and
// then sees the result with a fixed dim of extent 1 in place of each reduced dim: a `1 * T`
// element has T's bytes, so no data moves.
#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "gfunc/plan.hpp"
#include "ndt/checked.hpp"

namespace pluribus::gfunc::detail {
namespace {

// Folds every element of an operand into one seeded result, level by level.
struct FoldAll {
  const Function& f;
  const std::vector<Level>& levels;
  const Folder& folder;
  char* out;
  bool seeded;
  int64_t count = 0;  // elements folded (present ones, for ?T)
  int64_t total = 0;  // elements visited

  void visit(int d, char* p) {
    const Level& l = levels[static_cast<std::size_t>(d)];
    int64_t n = l.shape;
    if (l.var) {
      VarDescriptor v;
      std::memcpy(&v, p, sizeof v);
      p = v.data;
      n = v.size;
    }
    if (d + 1 < static_cast<int>(levels.size())) {
      for (int64_t i = 0; i < n; ++i) visit(d + 1, p + i * l.stride);
      return;
    }
    total += n;
    int status = folder.fold(p, n, l.stride, out, seeded, count);
    if (status != loop_ok)
      throw Error(ErrorCode::value, fmt::format("{}: the reduction failed (status {})", f.name(), status));
  }
};

// Every dim: a 0-d result.
Buffer reduce_all(const Function& f, const Resolution& res, const Operand& op, const BufferView* output,
                  const ReduceOptions& ro, const CallOptions& options) {
  const ndt::Type& out_dtype = res.out_dtypes[0];
  const ndt::Type& result = value_of(out_dtype);
  const bool missing = res.propagates_missing;
  Buffer buffer;
  char* out;
  bool option_output = missing;
  if (output) {
    if (output->ndim() != 0 || (output->dtype != out_dtype && !(missing && output->dtype == result)))
      throw Error(ErrorCode::value, fmt::format("{}: the output must be a 0-d {}, not {}-d {}", f.name(),
                                                out_dtype.str(), output->ndim(), output->dtype.str()));
    out = output->data;
    option_output = output->dtype.kind() == ndt::Kind::Option;
  } else {
    if (!options.allocate)
      throw Error(ErrorCode::invalid_argument, fmt::format("{}: the output needs an allocator", f.name()));
    buffer.dtype = out_dtype;
    buffer.data = static_cast<char*>(options.allocate(out_dtype.size(), out_dtype.align()));
    if (!buffer.data) throw Error(ErrorCode::memory, fmt::format("{}: the allocator failed", f.name()));
    out = buffer.data;
  }
  const bool seed_first = !ro.initial && std::isnan(f.identity());
  Folder folder = make_folder(f, res, op.scalar, seed_first);
  if (!seed_first) store_double(f, ro.initial ? *ro.initial : f.identity(), result, out);
  FoldAll fold{f, op.levels, folder, out, !seed_first};
  fold.visit(0, op.data);
  if (!missing && !fold.seeded)
    throw Error(ErrorCode::value, fmt::format("{}: zero-size array to reduction operation {} which has no identity",
                                              f.name(), numpy_reduction_name(f)));
  Finish finish{&f, result, missing, option_output, ro.skip_missing, ro.initial.has_value(),
                (res.kernel->flags & kernel_divide_by_count) != 0};
  finish.apply(out, fold.seeded, fold.count, fold.total, [] { return std::string("[]"); });
  return buffer;
}

// The dtype of `t`'s levels (from level `first` down) with a `1 *` dim inserted before each
// level marked in `ones` (ones[k]: before the k-th of these levels; ones has one more
// entry, for the scalar).
ndt::Type with_ones(const ndt::Type& t, const std::vector<int>& ones, std::size_t k) {
  ndt::Type inner;
  if (!t.is_dim()) inner = t;
  else if (t.kind() == ndt::Kind::VarDim) inner = ndt::make_var_dim(with_ones(t.child(), ones, k + 1));
  else inner = ndt::make_fixed_dim(t.shape(), with_ones(t.child(), ones, k + 1), t.stride());
  for (int i = 0; i < ones[k]; ++i) inner = ndt::make_fixed_dim(1, inner);
  return inner;
}

// keepdims: the result of the reduction without keepdims, seen with a dim of extent 1 in
// place of each reduced dim. Reduced dims before the first var dim of the result stay in
// the arrmeta; the others become `1 *` dims in the dtype.
Buffer insert_ones(Buffer r, const std::vector<bool>& reduced) {
  // ones[k]: how many reduced dims come right before the result's k-th level (the last
  // entry: after every level).
  std::vector<int> ones(1, 0);
  for (bool red : reduced) {
    if (red) ++ones.back();
    else ones.push_back(0);
  }
  Buffer out;
  out.data = r.data;
  const std::size_t arrmeta = r.shape.size();
  std::size_t k = 0;
  for (; k < arrmeta; ++k) {
    for (int i = 0; i < ones[k]; ++i) {
      out.shape.push_back(1);
      out.strides.push_back(0);
    }
    out.shape.push_back(r.shape[k]);
    out.strides.push_back(r.strides[k]);
  }
  // Ones right after the arrmeta stay in it (a dtype does not begin with a fixed dim).
  for (int i = 0; i < ones[k]; ++i) {
    out.shape.push_back(1);
    out.strides.push_back(0);
  }
  std::vector<int> rest(ones.begin() + static_cast<std::ptrdiff_t>(k), ones.end());
  rest[0] = 0;
  out.dtype = with_ones(r.dtype, rest, 0);
  return out;
}

// keepdims with a caller's output: the output without its extent-1 reduced dims.
struct Stripped {
  std::vector<int64_t> shape, strides;
  BufferView view;
};

ndt::Type strip_ones(const Function& f, const ndt::Type& t, const std::vector<bool>& reduced, std::size_t d) {
  if (d == reduced.size() || !t.is_dim()) return t;
  if (reduced[d]) {
    if (t.kind() != ndt::Kind::FixedDim || t.shape() != 1)
      throw Error(ErrorCode::value, fmt::format("{}: with keepdims, the output's dim {} must be 1, not {}", f.name(),
                                                d, t.str()));
    return strip_ones(f, t.child(), reduced, d + 1);
  }
  ndt::Type child = strip_ones(f, t.child(), reduced, d + 1);
  return t.kind() == ndt::Kind::VarDim ? ndt::make_var_dim(child) : ndt::make_fixed_dim(t.shape(), child, t.stride());
}

void strip_output(const Function& f, const BufferView& output, const std::vector<bool>& reduced, Stripped& s) {
  std::size_t ndim = output.shape.size();
  if (ndim > reduced.size())
    throw Error(ErrorCode::value, fmt::format("{}: with keepdims, the output has {} dims, the input {}", f.name(), ndim,
                                              reduced.size()));
  for (std::size_t d = 0; d < ndim; ++d) {
    if (!reduced[d]) {
      s.shape.push_back(output.shape[d]);
      s.strides.push_back(output.strides[d]);
    } else if (output.shape[d] != 1) {
      throw Error(ErrorCode::value, fmt::format("{}: with keepdims, the output's dim {} must be 1, not {}", f.name(), d,
                                                output.shape[d]));
    }
  }
  s.view = {output.data, strip_ones(f, output.dtype, reduced, ndim), s.shape, s.strides, output.readonly};
}

}  // namespace

Buffer reduce_var(const Function& f, const BufferView& input, const BufferView* output, const ReduceOptions& ro,
                  const CallOptions& options) {
  Operand op = levels_of(f, input);
  int nlevels = static_cast<int>(op.levels.size());
  const Resolution& res = resolve(f, std::span(&op.scalar, 1));
  if (!(res.kernel->flags & kernel_reduction))
    throw Error(ErrorCode::type, fmt::format("{} is not a reduction", f.name()));
  std::vector<bool> reduced(static_cast<std::size_t>(nlevels), !ro.axes);
  int count = ro.axes ? 0 : nlevels;
  for (int axis : ro.axes.value_or(std::vector<int>{})) {
    int d = axis < 0 ? axis + nlevels : axis;
    if (d < 0 || d >= nlevels)
      throw Error(ErrorCode::index,
                  fmt::format("{}: axis {} is out of bounds for an array of {} dims", f.name(), axis, nlevels));
    if (reduced[static_cast<std::size_t>(d)])
      throw Error(ErrorCode::value, fmt::format("{}: axis {} is given twice", f.name(), axis));
    reduced[static_cast<std::size_t>(d)] = true;
    ++count;
  }

  if (ro.keepdims) {
    ReduceOptions flat = ro;
    flat.keepdims = false;
    flat.axes.emplace();
    for (int d = 0; d < nlevels; ++d)
      if (reduced[static_cast<std::size_t>(d)]) flat.axes->push_back(d);
    if (output) {
      Stripped s;
      strip_output(f, *output, reduced, s);
      reduce_var(f, input, &s.view, flat, options);
      return {};
    }
    return insert_ones(reduce_var(f, input, nullptr, flat, options), reduced);
  }
  if (count == 1 && reduced.back()) {
    // The innermost dim is the reduction's core dim: one result per element above it.
    CallOptions core_options = options;
    core_options.axis.reset();
    core_options.skip_missing = ro.skip_missing;
    if (output) {
      call_var_core(f, res, std::span(&input, 1), std::span(output, 1), core_options, ro.initial);
      return {};
    }
    if (!options.allocate)
      throw Error(ErrorCode::invalid_argument, fmt::format("{}: the output needs an allocator", f.name()));
    return std::move(call_var_core_alloc(f, res, std::span(&input, 1), core_options, ro.initial)[0]);
  }
  if (count == nlevels) return reduce_all(f, res, op, output, ro, options);
  return reduce_var_walk(f, res, input, output, reduced, ro, options);
}

}  // namespace pluribus::gfunc::detail
