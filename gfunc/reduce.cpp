// Reductions over any tuple of axes. The output is seeded (with `initial`, the function's
// identity, or the first element for min/max-like functions that have none), then the
// kernel folds the reduced elements into it. Long reductions run in fixed chunks whose
// partial results are folded in chunk order, so the result does not depend on the
// number of threads. A ?T input folds into a ?R result whose elements count the present
// values they took (fold.cpp decides which results are missing).
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <cstring>

#include "gfunc/plan.hpp"
#include "ndt/checked.hpp"

namespace pluribus::gfunc {
namespace detail {
namespace {

// mean: x /= count, in place.
template <class T>
int divide_loop(char** args, const int64_t* dims, const int64_t* steps, LoopContext* ctx) noexcept {
  using A = std::conditional_t<std::is_same_v<T, _Float16>, float, T>;
  double count = *static_cast<const double*>(ctx->kernel_data);
  for (int64_t i = 0; i < dims[0]; ++i) {
    T v;
    std::memcpy(&v, args[0] + i * steps[0], sizeof(T));
    v = static_cast<T>(static_cast<A>(v) / static_cast<A>(count));
    std::memcpy(args[0] + i * steps[0], &v, sizeof(T));
  }
  return loop_ok;
}

}  // namespace

// Writes `value` (a double) into one element of `dtype`.
void store_double(const Function& f, double value, const ndt::Type& dtype, char* dst) {
  CastLoop c = find_cast(ndt::float64, dtype, cast_nocheck);
  if (!c) throw Error(ErrorCode::type, fmt::format("{}: cannot seed a {} result", f.name(), dtype.str()));
  char* args[2] = {reinterpret_cast<char*>(&value), dst};
  int64_t n = 1, steps[2] = {0, 0};
  LoopContext ctx{c.data, -1};
  c.loop(args, &n, steps, &ctx);
}

void divide_element(const Function& f, const ndt::Type& dtype, char* element, double count) {
  StridedLoop loop;
  switch (dtype.kind()) {
    case ndt::Kind::Float16: loop = divide_loop<_Float16>; break;
    case ndt::Kind::Float32: loop = divide_loop<float>; break;
    case ndt::Kind::Float64: loop = divide_loop<double>; break;
    case ndt::Kind::Complex64: loop = divide_loop<std::complex<float>>; break;
    case ndt::Kind::Complex128: loop = divide_loop<std::complex<double>>; break;
    default: throw Error(ErrorCode::type, fmt::format("{}: cannot average into {}", f.name(), dtype.str()));
  }
  char* args[1] = {element};
  int64_t n = 1, steps[1] = {0};
  LoopContext ctx{&count, -1};
  loop(args, &n, steps, &ctx);
}

}  // namespace detail

namespace {

using detail::value_of;

using detail::kMaxArgs;
using detail::kMaxDims;

// Elements per chunk of one long reduction (fixed: results must not depend on threads).
constexpr int64_t kChunk = 1 << 14;

struct Axes {
  bool reduced[kMaxDims] = {};
  int count = 0;
};

Axes normalize_axes(const Function& f, int ndim, const ReduceOptions& ro) {
  Axes a;
  if (!ro.axes) {
    for (int d = 0; d < ndim; ++d) a.reduced[d] = true;
    a.count = ndim;
    return a;
  }
  for (int axis : *ro.axes) {
    int d = axis < 0 ? axis + ndim : axis;
    if (d < 0 || d >= ndim)
      throw Error(ErrorCode::index, fmt::format("{}: axis {} is out of bounds for an array of {} dims", f.name(), axis, ndim));
    if (a.reduced[d]) throw Error(ErrorCode::value, fmt::format("{}: axis {} is given twice", f.name(), axis));
    a.reduced[d] = true;
    ++a.count;
  }
  return a;
}

struct Reduction {
  const Kernel* kernel;
  ndt::Type out_dtype;
  bool has_identity;           // false: partials start from their first element
  std::vector<char> identity;  // the identity as one element of out_dtype
  const Kernel* partial_kernel = nullptr;  // folds partial results (of out_dtype) together
};

// The kernel that folds partial results into one another: the reduction's own kernel when
// it reads its result dtype (sum, min), else the function's kernel of that dtype (the mean
// of int32 folds float64 partials, any of int32 bool ones). Without one (a user's function)
// long runs are folded whole, in one piece.
const Kernel* partial_kernel(const Function& f, const Resolution& res) {
  const ndt::Type& result = value_of(res.out_dtypes[0]);
  if (res.in_dtypes[0] == result) return res.kernel;
  const Resolution* r = f.cache().find(std::span(&result, 1));
  if (!r) {
    try {
      r = &resolve(f, std::span(&result, 1));
    } catch (const Error&) {
      return nullptr;
    }
  }
  bool fits = r->in_dtypes[0] == result && r->out_dtypes[0] == result && !r->in_casts[0] &&
              (r->kernel->flags & kernel_reduction);
  return fits ? r->kernel : nullptr;
}

// Folds n elements at `in` (stride `step`) into the element at `out`.
int fold(const Reduction& r, char* in, int64_t n, int64_t step, char* out) noexcept {
  int64_t dims[2] = {1, n};
  int64_t steps[3] = {0, 0, step};
  char* args[2] = {in, out};
  LoopContext ctx{r.kernel->data, -1};
  return r.kernel->strided(args, dims, steps, &ctx);
}

// Folds n elements into the seeded `out`: short runs directly, long runs as fixed chunks
// whose partial results (each seeded with the identity, or its chunk's first element)
// are then folded into `out` in chunk order.
int fold_run(const Reduction& r, char* in, int64_t n, int64_t step, char* out, const CallOptions& options,
             bool parallel_ok) {
  if (n <= kChunk || !r.partial_kernel) return n ? fold(r, in, n, step, out) : loop_ok;
  int64_t itemsize = r.out_dtype.size();
  int64_t nchunks = (n + kChunk - 1) / kChunk;
  std::vector<char> partials(static_cast<std::size_t>(nchunks * itemsize));
  std::vector<int> status(static_cast<std::size_t>(nchunks), loop_ok);
  auto chunk = [&](int64_t c) {
    char* p = in + c * kChunk * step;
    int64_t m = std::min(kChunk, n - c * kChunk);
    char* dst = partials.data() + c * itemsize;
    if (r.has_identity) std::memcpy(dst, r.identity.data(), static_cast<std::size_t>(itemsize));
    else std::memcpy(dst, p, static_cast<std::size_t>(itemsize));
    status[static_cast<std::size_t>(c)] = fold(r, p, m, step, dst);
  };
  if (parallel_ok && options.max_threads != 1) {
    auto body = [&] { tbb::parallel_for(int64_t{0}, nchunks, chunk); };
    detail::run_parallel(options.max_threads, body);
  } else {
    for (int64_t c = 0; c < nchunks; ++c) chunk(c);
  }
  for (int s : status)
    if (s != loop_ok) return s;
  int64_t dims[2] = {1, nchunks};
  int64_t steps[3] = {0, 0, itemsize};
  char* args[2] = {partials.data(), out};
  LoopContext ctx{r.partial_kernel->data, -1};
  return r.partial_kernel->strided(args, dims, steps, &ctx);
}

// fold_run for a ?T input: the same chunks, each counting the present elements it folded;
// chunks that took none are left out when the partials are folded.
int fold_run_missing(const detail::Folder& folder, const detail::Folder& chunk_folder,
                     const detail::Folder& partial_folder, const std::vector<char>& identity, char* in, int64_t n,
                     int64_t step, char* out, bool& seeded, int64_t& count, const CallOptions& options,
                     bool parallel_ok) {
  if (n <= kChunk || !partial_folder.kernel) return folder.fold(in, n, step, out, seeded, count);
  const int64_t itemsize = folder.out_size;
  int64_t nchunks = (n + kChunk - 1) / kChunk;
  std::vector<char> partials(static_cast<std::size_t>(nchunks * itemsize));
  std::vector<int64_t> counts(static_cast<std::size_t>(nchunks), 0);
  std::vector<int> status(static_cast<std::size_t>(nchunks), loop_ok);
  auto chunk = [&](int64_t c) {
    char* dst = partials.data() + c * itemsize;
    if (!identity.empty()) std::memcpy(dst, identity.data(), identity.size());
    bool chunk_seeded = !chunk_folder.seed_first;
    auto i = static_cast<std::size_t>(c);
    status[i] = chunk_folder.fold(in + c * kChunk * step, std::min(kChunk, n - c * kChunk), step, dst, chunk_seeded,
                                  counts[i]);
  };
  if (parallel_ok && options.max_threads != 1) {
    auto body = [&] { tbb::parallel_for(int64_t{0}, nchunks, chunk); };
    detail::run_parallel(options.max_threads, body);
  } else {
    for (int64_t c = 0; c < nchunks; ++c) chunk(c);
  }
  int64_t taken = 0;
  for (int64_t c = 0; c < nchunks; ++c) {
    if (status[static_cast<std::size_t>(c)] != loop_ok) return status[static_cast<std::size_t>(c)];
    if (counts[static_cast<std::size_t>(c)] == 0) continue;
    count += counts[static_cast<std::size_t>(c)];
    if (taken != c) std::memmove(partials.data() + taken * itemsize, partials.data() + c * itemsize,
                                 static_cast<std::size_t>(itemsize));
    ++taken;
  }
  int64_t partial_count = 0;
  return partial_folder.fold(partials.data(), taken, itemsize, out, seeded, partial_count);
}

void divide_by_count(const Function& f, const BufferView& out, double count, const CallOptions& options) {
  detail::Runner runner;
  runner.function = f.name();
  switch (out.dtype.kind()) {
    case ndt::Kind::Float16: runner.strided = detail::divide_loop<_Float16>; break;
    case ndt::Kind::Float32: runner.strided = detail::divide_loop<float>; break;
    case ndt::Kind::Float64: runner.strided = detail::divide_loop<double>; break;
    case ndt::Kind::Complex64: runner.strided = detail::divide_loop<std::complex<float>>; break;
    case ndt::Kind::Complex128: runner.strided = detail::divide_loop<std::complex<double>>; break;
    default: throw Error(ErrorCode::type, fmt::format("{}: cannot average into {}", f.name(), out.dtype.str()));
  }
  runner.kernel_data = &count;
  runner.nargs = 1;
  runner.itemsize[0] = out.dtype.size();
  detail::Plan plan;
  plan.ndim = out.ndim();
  std::copy(out.shape.begin(), out.shape.end(), plan.shape);
  plan.add(out, 0);
  plan.coalesce();
  plan.execute(runner, options, false);
}

// The loop of a reduction: the core run (the reduced axis with the smallest stride, the
// longest contiguous run) and every other dim, reduced ones at output stride 0.
struct ReducePlan {
  detail::Plan plan;
  int64_t n = 1;     // elements of the core run
  int64_t step = 0;  // its stride
  int64_t outer = 1;  // iterations of the other dims
};

ReducePlan plan_reduction(const BufferView& input, const BufferView& output, const Axes& axes, bool keepdims) {
  ReducePlan rp;
  int ndim = input.ndim();
  int core = -1;
  for (int d = 0; d < ndim; ++d)
    if (axes.reduced[d] && input.shape[d] > 1 &&
        (core < 0 || std::llabs(input.strides[d]) < std::llabs(input.strides[core])))
      core = d;
  rp.n = core >= 0 ? input.shape[core] : 1;
  rp.step = core >= 0 ? input.strides[core] : 0;
  detail::Plan& plan = rp.plan;
  plan.nargs = 2;
  plan.data[0] = input.data;
  plan.data[1] = output.data;
  int od = 0;
  for (int d = 0; d < ndim; ++d) {
    if (d == core) {
      if (keepdims) ++od;
      continue;
    }
    plan.shape[plan.ndim] = input.shape[d];
    plan.strides[0][plan.ndim] = input.strides[d];
    if (axes.reduced[d]) {
      plan.strides[1][plan.ndim] = 0;
      if (keepdims) ++od;
    } else {
      plan.strides[1][plan.ndim] = output.strides[od++];
    }
    ++plan.ndim;
  }
  for (int d = 0; d < plan.ndim; ++d) rp.outer *= plan.shape[d];
  return rp;
}

// Calls one(input run, output element, parallel_ok) -> status for every iteration of the
// plan; returns the first failure.
template <class One>
int run_reduction(const ReducePlan& rp, int64_t out_count, const CallOptions& options, One&& one) {
  const detail::Plan& plan = rp.plan;
  auto run_one = [&](int64_t flat, bool parallel_ok) -> int {
    char* pin = plan.data[0];
    char* pout = plan.data[1];
    for (int d = plan.ndim - 1; d >= 0; --d) {
      int64_t i = flat % plan.shape[d];
      flat /= plan.shape[d];
      pin += i * plan.strides[0][d];
      pout += i * plan.strides[1][d];
    }
    return one(pin, pout, parallel_ok);
  };
  // Output elements are independent unless a reduced loop dim folds into one repeatedly.
  bool independent = rp.outer == out_count;
  int status = loop_ok;
  if (rp.outer == 1) {
    status = run_one(0, true);
  } else if (independent && rp.outer * rp.n >= (1 << 17) && options.max_threads != 1) {
    std::vector<int> statuses(static_cast<std::size_t>(rp.outer), loop_ok);
    auto body = [&] {
      tbb::parallel_for(int64_t{0}, rp.outer,
                        [&](int64_t i) { statuses[static_cast<std::size_t>(i)] = run_one(i, false); });
    };
    detail::run_parallel(options.max_threads, body);
    for (int s : statuses)
      if (s != loop_ok && status == loop_ok) status = s;
  } else {
    for (int64_t i = 0; i < rp.outer && status == loop_ok; ++i) status = run_one(i, false);
  }
  return status;
}

// A ?T input: folds into a C-contiguous ?R block with a count of present values per
// result, completes the results (missing, mean) and copies them to the output (?R or R).
void reduce_missing(const Function& f, const Resolution& res, const BufferView& input0, const BufferView& output,
                    const ReduceOptions& ro, const Axes& axes, const CallOptions& options) {
  const ndt::Type& option_result = res.out_dtypes[0];
  const ndt::Type& result = option_result.child();
  if (output.dtype != option_result && output.dtype != result)
    throw Error(ErrorCode::type, fmt::format("{}: the output must have dtype {} (or {}), not {}", f.name(),
                                             option_result.str(), result.str(), output.dtype.str()));
  const bool has_identity = !std::isnan(f.identity());
  const bool seed_first = !ro.initial && !has_identity;
  detail::Folder folder = detail::make_folder(f, res, input0.dtype, seed_first);
  // Long runs fold in chunks when partial results can start from the identity or from their
  // first element, and fold into one another; else whole.
  const Kernel* partials = has_identity || res.in_dtypes[0] == result ? partial_kernel(f, res) : nullptr;
  detail::Folder chunk_folder = partials ? detail::make_folder(f, res, input0.dtype, !has_identity) : folder;
  detail::Folder partial_folder{partials, {}, 0, result.size(), result.size(), seed_first};
  std::vector<char> identity;
  if (has_identity) {
    identity.resize(static_cast<std::size_t>(result.size()));
    detail::store_double(f, f.identity(), result, identity.data());
  }
  detail::Finish finish{&f, result, true, true, ro.skip_missing, ro.initial.has_value(),
                        (res.kernel->flags & kernel_divide_by_count) != 0};

  // The folds write a block of their own, and the output only at the end: no overlap copy.
  const BufferView& input = input0;
  const int64_t out_count = element_count(output.shape);
  const int64_t itemsize = option_result.size();
  std::vector<char> block(static_cast<std::size_t>(
      std::max<int64_t>(ndt::detail::checked_mul(out_count, itemsize, "reduction result"), 1)));
  std::vector<int64_t> block_strides = contiguous_strides(output.shape, itemsize);
  BufferView target{block.data(), option_result, output.shape, block_strides, false};
  std::vector<int64_t> counts(static_cast<std::size_t>(out_count), 0);
  if (!seed_first) {
    std::vector<char> seed(static_cast<std::size_t>(result.size()));
    detail::store_double(f, ro.initial ? *ro.initial : f.identity(), result, seed.data());
    for (int64_t i = 0; i < out_count; ++i) std::memcpy(block.data() + i * itemsize, seed.data(), seed.size());
  }
  int64_t reduced_count = 1;
  for (int d = 0; d < input.ndim(); ++d)
    if (axes.reduced[d]) reduced_count *= input.shape[d];
  if (out_count == 0) return;

  if (reduced_count > 0) {
    ReducePlan rp = plan_reduction(input, target, axes, ro.keepdims);
    int status = run_reduction(rp, out_count, options, [&](char* pin, char* pout, bool parallel_ok) {
      auto i = static_cast<std::size_t>((pout - block.data()) / itemsize);
      bool seeded = !seed_first || counts[i] > 0;
      return fold_run_missing(folder, chunk_folder, partial_folder, identity, pin, rp.n, rp.step, pout, seeded,
                              counts[i], options, parallel_ok);
    });
    if (status != loop_ok)
      throw Error(ErrorCode::value, fmt::format("{}: the reduction failed (status {})", f.name(), status));
  }
  for (int64_t i = 0; i < out_count; ++i) {
    int64_t c = counts[static_cast<std::size_t>(i)];
    char* element = block.data() + i * itemsize;
    auto where = [&] { return detail::index_string(i, output.shape); };
    finish.apply(element, !seed_first || c > 0, c, reduced_count, where);
    if (output.dtype == result && element[result.size()] == 0)
      throw Error(ErrorCode::value, fmt::format("{}: cannot write a missing result to {} at index {} (the output "
                                                "needs dtype {})",
                                                f.name(), result.str(), where(), option_result.str()));
  }
  BufferView from = target;
  if (output.dtype == result) from.dtype = result;  // the values, at ?R's stride
  assign(output, from, cast_nocheck, options);
}

}  // namespace

void reduce_into(const Function& f, const BufferView& input0, const BufferView& output, const ReduceOptions& ro,
                 const CallOptions& options) {
  if (f.nin() != 1 || f.nout() != 1)
    throw Error(ErrorCode::type, fmt::format("{} is not a reduction", f.name()));
  if (output.readonly) throw Error(ErrorCode::value, fmt::format("{}: the output is read-only", f.name()));
  if (detail::has_var_dim(input0.dtype)) {
    detail::reduce_var(f, input0, &output, ro, options);
    return;
  }
  ndt::Type dtype = input0.dtype;
  const Resolution& res = resolve(f, std::span(&dtype, 1));
  if (!(res.kernel->flags & kernel_reduction))
    throw Error(ErrorCode::type, fmt::format("{} is not a reduction", f.name()));
  int ndim = input0.ndim();
  if (ndim > kMaxDims) throw Error(ErrorCode::not_implemented, fmt::format("{}: at most {} dims", f.name(), kMaxDims));
  Axes axes = normalize_axes(f, ndim, ro);

  // The output's shape, with and without the kept dims.
  std::vector<int64_t> want;
  for (int d = 0; d < ndim; ++d)
    if (!axes.reduced[d]) want.push_back(input0.shape[d]);
    else if (ro.keepdims) want.push_back(1);
  if (!std::equal(want.begin(), want.end(), output.shape.begin(), output.shape.end()))
    throw Error(ErrorCode::value, fmt::format("{}: the output has shape ({}), expected ({})", f.name(),
                                              fmt::join(output.shape, ", "), fmt::join(want, ", ")));
  if (res.propagates_missing) {
    reduce_missing(f, res, input0, output, ro, axes, options);
    return;
  }
  if (output.dtype != res.out_dtypes[0])
    throw Error(ErrorCode::type, fmt::format("{}: the output must have dtype {}, not {}", f.name(),
                                             res.out_dtypes[0].str(), output.dtype.str()));

  Reduction r{res.kernel, res.out_dtypes[0], !std::isnan(f.identity()), {}, nullptr};
  r.identity.resize(static_cast<std::size_t>(r.out_dtype.size()));
  if (r.has_identity) detail::store_double(f, f.identity(), r.out_dtype, r.identity.data());
  bool seed_first = !ro.initial && !r.has_identity;
  int64_t reduced_count = 1;
  for (int d = 0; d < ndim; ++d)
    if (axes.reduced[d]) reduced_count *= input0.shape[d];
  if (reduced_count > kChunk) r.partial_kernel = partial_kernel(f, res);  // only long runs fold partials
  if (seed_first && reduced_count == 0)
    throw Error(ErrorCode::value,
                fmt::format("{}: zero-size reduction has no identity; pass an initial value", f.name()));

  detail::Temporaries temps;
  BufferView input = input0;
  if (res.in_casts[0] || detail::overlaps(input, output)) input = temps.copy(input0, res.in_dtypes[0], options);

  ReducePlan rp = plan_reduction(input, output, axes, ro.keepdims);
  int64_t out_count = element_count(output.shape);
  if (out_count == 0) return;

  // Seed every output element: `initial`, the identity, or the first reduced element
  // (folding that element again is harmless for functions without an identity: min, max).
  if (seed_first) {
    std::vector<int64_t> kshape, kstrides;
    for (int d = 0; d < ndim; ++d)
      if (!axes.reduced[d] || ro.keepdims) {
        kshape.push_back(axes.reduced[d] ? 1 : input.shape[d]);
        kstrides.push_back(input.strides[d]);
      }
    assign(output, BufferView{input.data, input.dtype, kshape, kstrides, true}, cast_nocheck, options);
  } else {
    std::vector<char> one(static_cast<std::size_t>(r.out_dtype.size()));
    detail::store_double(f, ro.initial ? *ro.initial : f.identity(), r.out_dtype, one.data());
    assign(output, BufferView{one.data(), r.out_dtype, {}, {}, true}, cast_nocheck, options);
  }
  if (reduced_count == 0) {
    if (res.kernel->flags & kernel_divide_by_count) divide_by_count(f, output, 0.0, options);
    return;
  }

  int status = run_reduction(rp, out_count, options, [&](char* pin, char* pout, bool parallel_ok) {
    return fold_run(r, pin, rp.n, rp.step, pout, options, parallel_ok);
  });
  if (status != loop_ok)
    throw Error(ErrorCode::value, fmt::format("{}: the reduction failed (status {})", f.name(), status));
  if (res.kernel->flags & kernel_divide_by_count) divide_by_count(f, output, static_cast<double>(reduced_count), options);
}

Buffer reduce(const Function& f, const BufferView& input, const ReduceOptions& ro, const CallOptions& options) {
  if (f.nin() != 1 || f.nout() != 1) throw Error(ErrorCode::type, fmt::format("{} is not a reduction", f.name()));
  if (detail::has_var_dim(input.dtype)) return detail::reduce_var(f, input, nullptr, ro, options);
  ndt::Type dtype = input.dtype;
  const Resolution& res = resolve(f, std::span(&dtype, 1));
  int ndim = input.ndim();
  if (ndim > kMaxDims) throw Error(ErrorCode::not_implemented, fmt::format("{}: at most {} dims", f.name(), kMaxDims));
  Axes axes = normalize_axes(f, ndim, ro);
  if (!options.allocate) throw Error(ErrorCode::invalid_argument, fmt::format("{}: the output needs an allocator", f.name()));
  Buffer out;
  out.dtype = res.out_dtypes[0];
  for (int d = 0; d < ndim; ++d)
    if (!axes.reduced[d]) out.shape.push_back(input.shape[d]);
    else if (ro.keepdims) out.shape.push_back(1);
  out.strides = contiguous_strides(out.shape, out.dtype.size());
  int64_t size = ndt::detail::checked_mul(element_count(out.shape), out.dtype.size(), "output size");
  out.data = static_cast<char*>(options.allocate(size, out.dtype.align()));
  if (!out.data && size) throw Error(ErrorCode::memory, fmt::format("{}: the allocator failed", f.name()));
  reduce_into(f, input, out.view(), ro, options);
  return out;
}

}  // namespace pluribus::gfunc
