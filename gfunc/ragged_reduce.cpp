// Reductions of arrays with var (ragged) dims. Two cases are supported: the innermost dim
// alone (the reduction's core dim, through the ragged core-dimension path: one result per
// ragged element, e.g. per-row sums of `N * var * float64`), and every dim at once (one
// result folded over all elements). Reducing a dim that lies above a var dim would need
// ragged elementwise accumulation and is refused.
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
  const Resolution& res;
  const std::vector<Level>& levels;
  char* out;
  bool seeded;
  int64_t count = 0;
  std::vector<char> scratch{};

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
    if (n == 0) return;
    int64_t step = l.stride;
    if (res.in_casts[0]) {  // cast the run into a contiguous block of the kernel's dtype
      int64_t itemsize = res.in_dtypes[0].size();
      scratch.resize(static_cast<std::size_t>(ndt::detail::checked_mul(n, itemsize, "reduction block")));
      char* args[2] = {p, scratch.data()};
      int64_t cast_steps[2] = {step, itemsize};
      LoopContext ctx{res.in_casts[0].data, -1};
      res.in_casts[0].loop(args, &n, cast_steps, &ctx);
      p = scratch.data();
      step = itemsize;
    }
    if (!seeded) {  // min, max: the first element (their in and out dtypes agree)
      std::memcpy(out, p, static_cast<std::size_t>(res.out_dtypes[0].size()));
      seeded = true;
    }
    char* args[2] = {p, out};
    int64_t dims[2] = {1, n};
    int64_t steps[3] = {0, 0, step};
    LoopContext ctx{res.kernel->data, -1};
    int status = res.kernel->strided(args, dims, steps, &ctx);
    if (status != loop_ok)
      throw Error(ErrorCode::value, fmt::format("{}: the reduction failed (status {})", f.name(), status));
    count += n;
  }
};

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
  std::string type = input.ndim() ? fmt::format("{} * {}", fmt::join(input.shape, " * "), input.dtype.str())
                                  : input.dtype.str();
  if (ro.keepdims)
    throw Error(ErrorCode::not_implemented,
                fmt::format("{}: keepdims=true over an array with var dims ({}) is not supported", f.name(), type));

  if (count == 1 && reduced.back()) {
    // The innermost dim is the reduction's core dim: one result per element above it.
    CallOptions core_options = options;
    core_options.axis.reset();
    if (output) {
      call_var_core(f, res, std::span(&input, 1), std::span(output, 1), core_options, ro.initial);
      return {};
    }
    if (!options.allocate)
      throw Error(ErrorCode::invalid_argument, fmt::format("{}: the output needs an allocator", f.name()));
    return std::move(call_var_core_alloc(f, res, std::span(&input, 1), core_options, ro.initial)[0]);
  }
  if (count != nlevels) {
    int first = 0;
    while (!reduced[static_cast<std::size_t>(first)]) ++first;
    throw Error(ErrorCode::not_implemented,
                fmt::format("{}: reducing axis {} of {} is not supported: over var dims only the innermost dim "
                            "or every dim can be reduced",
                            f.name(), first, type));
  }

  // Every dim: a 0-d result.
  const ndt::Type& out_dtype = res.out_dtypes[0];
  Buffer result;
  char* out;
  if (output) {
    if (output->ndim() != 0 || output->dtype != out_dtype)
      throw Error(ErrorCode::value, fmt::format("{}: the output must be a 0-d {}, not {}-d {}", f.name(),
                                                out_dtype.str(), output->ndim(), output->dtype.str()));
    out = output->data;
  } else {
    if (!options.allocate)
      throw Error(ErrorCode::invalid_argument, fmt::format("{}: the output needs an allocator", f.name()));
    result.dtype = out_dtype;
    result.data = static_cast<char*>(options.allocate(out_dtype.size(), out_dtype.align()));
    if (!result.data) throw Error(ErrorCode::memory, fmt::format("{}: the allocator failed", f.name()));
    out = result.data;
  }
  bool seeded = ro.initial || !std::isnan(f.identity());
  if (seeded) store_double(f, ro.initial ? *ro.initial : f.identity(), out_dtype, out);
  else if (res.in_dtypes[0] != out_dtype)
    throw Error(ErrorCode::not_implemented,
                fmt::format("{}: a reduction without identity from {} to {}", f.name(), res.in_dtypes[0].str(),
                            out_dtype.str()));
  FoldAll fold{f, res, op.levels, out, seeded};
  fold.visit(0, op.data);
  if (!fold.seeded)
    throw Error(ErrorCode::value, fmt::format("{}: zero-size array to reduction operation {} which has no identity",
                                              f.name(), numpy_reduction_name(f)));
  if (res.kernel->flags & kernel_divide_by_count) divide_element(f, out_dtype, out, static_cast<double>(fold.count));
  return result;
}

}  // namespace pluribus::gfunc::detail
