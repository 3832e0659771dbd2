// The executor: broadcasting, output allocation, overlap handling, coalescing of
// contiguous dims into one long inner loop, and oneTBB threads for large work.
#include "gfunc/call.hpp"

#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>
#include <tbb/task_arena.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>

#include "gfunc/dispatch.hpp"
#include "gfunc/executor.hpp"
#include "ndt/node.hpp"
#include "gfunc/plan.hpp"
#include "ndt/checked.hpp"

namespace pluribus::gfunc {
namespace {

using detail::kMaxArgs;
using detail::kMaxDims;
using detail::Plan;
using detail::Runner;

// Below this many elements a call stays on the calling thread. Measured with bench_gfunc's
// *_threshold rows on 2 cores: at 2^16 elements two threads already run add float64 2.2x
// and exp float64 1.8x faster; at 2^14 they gain nothing.
constexpr int64_t kParallelThreshold = 1 << 15;
constexpr int64_t kParallelGrain = 1 << 14;

std::string shape_string(std::span<const int64_t> shape) {
  if (shape.size() == 1) return fmt::format("({},)", shape[0]);
  return fmt::format("({})", fmt::join(shape, ", "));
}

int kind_rank(const ndt::Type& t) {
  if (t.kind() == ndt::Kind::Bool) return 0;
  if (t.is_unsigned()) return 1;
  if (t.is_signed()) return 2;
  if (t.is_float()) return 3;
  if (t.is_complex()) return 4;
  return 5;
}

// NumPy's "same_kind" rule for writing a result into a given output.
bool can_cast_same_kind(const ndt::Type& from, const ndt::Type& to) {
  if (from == to || can_cast_safely(from, to)) return true;
  int a = kind_rank(from), b = kind_rank(to);
  return a <= 4 && b <= 4 && a <= b;
}

void check_args(const Function& function, std::size_t nin, std::size_t nout) {
  if (function.nin() < 0) throw Error(ErrorCode::lookup, fmt::format("{}() has no kernels", function.name()));
  if (static_cast<int>(nin) != function.nin())
    throw Error(ErrorCode::invalid_argument, fmt::format("{}() takes {} input{}, got {}", function.name(),
                                                         function.nin(), function.nin() == 1 ? "" : "s", nin));
  if (nout != 0 && static_cast<int>(nout) != function.nout())
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{}() has {} output{}, got {}", function.name(), function.nout(),
                            function.nout() == 1 ? "" : "s", nout));
  if (nin + static_cast<std::size_t>(function.nout()) > kMaxArgs)
    throw Error(ErrorCode::not_implemented, fmt::format("{}(): at most {} operands", function.name(), kMaxArgs));
}

void check_buffer(const Function& function, const BufferView& b, const char* role, std::size_t i) {
  if (!b.dtype) throw Error(ErrorCode::invalid_argument, fmt::format("{}(): {} {} has no dtype", function.name(), role, i));
  if (b.shape.size() != b.strides.size())
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{}(): {} {} has {} dims but {} strides", function.name(), role, i, b.shape.size(),
                            b.strides.size()));
  if (b.shape.size() > static_cast<std::size_t>(kMaxDims))
    throw Error(ErrorCode::not_implemented, fmt::format("{}(): at most {} dims", function.name(), kMaxDims));
  for (int64_t s : b.shape)
    if (s < 0)
      throw Error(ErrorCode::invalid_argument, fmt::format("{}(): {} {} has a negative dim", function.name(), role, i));
  if (b.data == nullptr && element_count(b.shape) != 0 && b.dtype.size() != 0)
    throw Error(ErrorCode::invalid_argument, fmt::format("{}(): {} {} has no data", function.name(), role, i));
}

}  // namespace

namespace detail {

void run_parallel(int threads, const std::function<void()>& body) {
  if (threads <= 0) {
    body();
    return;
  }
  static std::mutex mutex;
  static std::map<int, std::unique_ptr<tbb::task_arena>> arenas;
  tbb::task_arena* arena;
  {
    std::lock_guard lock(mutex);
    auto& slot = arenas[threads];
    if (!slot) slot = std::make_unique<tbb::task_arena>(threads);
    arena = slot.get();
  }
  arena->execute(body);
}

void broadcast_shapes(std::string_view function, std::span<const BufferView> operands, const int ncore[],
                      Shape& shape) {
  int ndim = 0;
  for (std::size_t i = 0; i < operands.size(); ++i)
    ndim = std::max(ndim, operands[i].ndim() - (ncore ? ncore[i] : 0));
  if (ndim > kMaxDims) throw Error(ErrorCode::not_implemented, fmt::format("{}: at most {} dims", function, kMaxDims));
  shape.ndim = ndim;
  std::fill(shape.dims, shape.dims + ndim, 1);
  for (std::size_t i = 0; i < operands.size(); ++i) {
    int n = operands[i].ndim() - (ncore ? ncore[i] : 0);
    for (int d = 0; d < n; ++d) {
      int64_t s = operands[i].shape[d];
      int64_t& out = shape.dims[ndim - n + d];
      if (s == out || s == 1) continue;
      if (out == 1) {
        out = s;
        continue;
      }
      std::string shapes;
      for (std::size_t j = 0; j < operands.size(); ++j)
        shapes += " " + shape_string(operands[j].shape.first(operands[j].shape.size() - (ncore ? ncore[j] : 0)));
      throw Error(ErrorCode::value,
                  fmt::format("{}: operands could not be broadcast together with shapes{}", function, shapes));
    }
  }
}

void Plan::add(const BufferView& b, int ncore) {
  int n = static_cast<int>(b.shape.size()) - ncore;
  int k = nargs++;
  data[k] = b.data;
  for (int d = 0; d < ndim; ++d) strides[k][d] = 0;
  for (int d = 0; d < n; ++d) {
    int dd = ndim - n + d;
    strides[k][dd] = b.shape[d] == 1 ? 0 : b.strides[d];
  }
}

void Plan::coalesce() {
  // Drop dims of extent 1, then merge a dim into the next inner one when every operand
  // steps through both as through one.
  int out = 0;
  for (int d = 0; d < ndim; ++d) {
    if (shape[d] == 1) continue;
    if (out > 0) {
      bool merge = true;
      for (int k = 0; k < nargs && merge; ++k) merge = strides[k][out - 1] == strides[k][d] * shape[d];
      if (merge) {
        shape[out - 1] *= shape[d];
        for (int k = 0; k < nargs; ++k) strides[k][out - 1] = strides[k][d];
        continue;
      }
    }
    shape[out] = shape[d];
    for (int k = 0; k < nargs; ++k) strides[k][out] = strides[k][d];
    ++out;
  }
  ndim = out;
  if (ndim == 0) {  // a single element
    ndim = 1;
    shape[0] = 1;
    for (int k = 0; k < nargs; ++k) strides[k][0] = 0;
  }
}

// Runs the flat range [begin, end) of the plan's elements (C order).
void Plan::run_range(Runner& runner, int64_t begin, int64_t end) const {
  int64_t inner = shape[ndim - 1];
  int64_t idx[kMaxDims];
  int64_t rest = begin / inner;
  for (int d = ndim - 2; d >= 0; --d) {
    idx[d] = rest % shape[d];
    rest /= shape[d];
  }
  int64_t i = begin % inner;
  int64_t flat = begin;
  char* ptrs[kMaxArgs];
  int64_t steps[kMaxArgs];
  for (int k = 0; k < nargs; ++k) steps[k] = strides[k][ndim - 1];
  while (flat < end) {
    int64_t n = std::min(inner - i, end - flat);
    for (int k = 0; k < nargs; ++k) {
      char* p = data[k] + i * strides[k][ndim - 1];
      for (int d = 0; d < ndim - 1; ++d) p += idx[d] * strides[k][d];
      ptrs[k] = p;
    }
    runner.run(ptrs, steps, n, flat);
    if (runner.error_flat.load(std::memory_order_relaxed) != INT64_MAX) return;
    flat += n;
    i = 0;
    for (int d = ndim - 2; d >= 0; --d) {
      if (++idx[d] < shape[d]) break;
      idx[d] = 0;
    }
  }
}

void Plan::execute(Runner& runner, const CallOptions& options, bool serial) const {
  int64_t total = 1;
  for (int d = 0; d < ndim; ++d) total *= shape[d];
  if (total == 0) return;
  runner.call_size = total;
  int threads = options.max_threads;
  if (serial || threads == 1 || total < kParallelThreshold) {
    run_range(runner, 0, total);
    return;
  }
  auto body = [&] {
    tbb::parallel_for(tbb::blocked_range<int64_t>(0, total, kParallelGrain),
                      [&](const tbb::blocked_range<int64_t>& r) { run_range(runner, r.begin(), r.end()); });
  };
  run_parallel(threads, body);
}

std::pair<const char*, const char*> extent(const BufferView& b) {
  const char* lo = b.data;
  const char* hi = b.data + b.dtype.size();
  for (std::size_t d = 0; d < b.shape.size(); ++d) {
    if (b.shape[d] == 0) return {b.data, b.data};
    int64_t reach = (b.shape[d] - 1) * b.strides[d];
    if (reach < 0) lo += reach; else hi += reach;
  }
  return {lo, hi};
}

bool overlaps(const BufferView& a, const BufferView& b) {
  auto [alo, ahi] = extent(a);
  auto [blo, bhi] = extent(b);
  return alo < bhi && blo < ahi;
}

namespace {
int copy_bytes(char** args, const int64_t* dims, const int64_t* steps, LoopContext* ctx) noexcept {
  auto size = static_cast<std::size_t>(*static_cast<const int64_t*>(ctx->kernel_data));
  for (int64_t i = 0; i < dims[0]; ++i) std::memcpy(args[1] + i * steps[1], args[0] + i * steps[0], size);
  return loop_ok;
}
}  // namespace

BufferView Temporaries::copy(const BufferView& b, const ndt::Type& dtype, const CallOptions& options) {
  Buffer& t = *buffers.emplace_back(std::make_unique<Buffer>());
  t.dtype = dtype;
  t.shape.assign(b.shape.begin(), b.shape.end());
  t.strides = contiguous_strides(t.shape, dtype.size());
  int64_t size = ndt::detail::checked_mul(element_count(t.shape), dtype.size(), "temporary");
  memory.push_back(std::make_unique<char[]>(static_cast<std::size_t>(std::max<int64_t>(size, 1))));
  t.data = memory.back().get();
  CallOptions serial = options;
  serial.max_threads = 1;
  if (dtype != b.dtype) {
    assign(t.view(), b, cast_nocheck, serial);
    return t.view();
  }
  // The same dtype: the temporary is only read, so its elements are byte copies (a string
  // element keeps pointing at the original's characters; nothing new to free).
  Runner runner;
  runner.function = "copy";
  runner.strided = copy_bytes;
  int64_t itemsize = dtype.size();
  runner.kernel_data = &itemsize;
  runner.nin = 1;
  runner.nargs = 2;
  runner.itemsize = {itemsize, itemsize};
  Plan plan;
  plan.ndim = b.ndim();
  std::copy(b.shape.begin(), b.shape.end(), plan.shape);
  plan.add(b, 0);
  plan.add(t.view(), 0);
  plan.coalesce();
  plan.execute(runner, serial, true);
  return t.view();
}

// Fills the runner for a resolution and the operands' dtypes.
void setup_runner(Runner& r, const Function& function, const Resolution& res, std::span<const BufferView> inputs,
                  std::span<const BufferView> outputs) {
  r.function = function.name();
  r.strided = res.kernel->strided;
  r.contiguous = res.kernel->contiguous;
  r.kernel_data = res.kernel->data;
  r.nin = static_cast<int>(inputs.size());
  r.nargs = r.nin + static_cast<int>(outputs.size());
  for (int k = 0; k < r.nin; ++k) {
    r.itemsize[k] = res.in_dtypes[k].size();
    r.operand_dtype[k] = &inputs[k].dtype;
    r.cast[k] = res.in_casts[k];
    if (r.cast[k]) r.any_cast = true;
    const ndt::Type& dt = inputs[k].dtype;
    if (res.propagates_missing && dt.kind() == ndt::Kind::Option) {
      const ndt::Type& value = dt.child();
      r.value_size[k] = value.size();
      r.any_option = true;
      r.operand_dtype[k] = &value;
      if (CastLoop one = find_cast(ndt::bool_, value, cast_nocheck)) {
        bool t = true;
        char* args[2] = {reinterpret_cast<char*>(&t), r.one[k].data()};
        int64_t n = 1, steps[2] = {0, 0};
        LoopContext ctx{one.data, -1};
        one.loop(args, &n, steps, &ctx);
      }
    }
  }
  for (int j = 0; j < static_cast<int>(outputs.size()); ++j) {
    int k = r.nin + j;
    const ndt::Type* want = &res.out_dtypes[j];
    const ndt::Type* have = &outputs[j].dtype;
    r.operand_dtype[k] = have;
    if (res.propagates_missing) {
      if (have->kind() != ndt::Kind::Option)
        throw Error(ErrorCode::type, fmt::format("{}: the result may be missing; output {} must be {}, not {}",
                                                 function.name(), j, want->str(), have->str()));
      want = &want->child();
      have = &have->child();
      r.value_size[k] = have->size();
      r.any_option = true;
    }
    r.itemsize[k] = want->size();
    if (*have != *want) {
      if (!can_cast_same_kind(*want, *have))
        throw Error(ErrorCode::type, fmt::format("{}: cannot write the {} result into an output of dtype {}",
                                                 function.name(), want->str(), have->str()));
      r.cast[k] = find_cast(*want, *have, cast_nocheck);
      if (!r.cast[k])
        throw Error(ErrorCode::type, fmt::format("{}: no cast from {} to {}", function.name(), want->str(),
                                                 have->str()));
      r.any_cast = true;
    }
  }
  if (r.any_cast || r.any_option)
    for (int k = 0; k < r.nargs; ++k)
      if (r.itemsize[k] > 16 || r.value_size[k] > 16)
        throw Error(ErrorCode::not_implemented,
                    fmt::format("{}: casts and missing values of scalars wider than 16 bytes", function.name()));
}

}  // namespace detail

namespace {

using detail::overlaps;
using detail::Temporaries;

// An input equal to an output element for element (a += b in place) is safe as is.
bool same_elements(const BufferView& in, const BufferView& out) {
  if (in.data != out.data || in.dtype.size() != out.dtype.size()) return false;
  if (in.shape.size() > out.shape.size()) return false;
  std::size_t off = out.shape.size() - in.shape.size();
  for (std::size_t d = 0; d < in.shape.size(); ++d)
    if (in.shape[d] != 1 && in.strides[d] != out.strides[off + d]) return false;
  return true;
}

bool has_var(std::span<const BufferView> bs) {
  for (const BufferView& b : bs)
    if (b.dtype.kind() == ndt::Kind::VarDim) return true;
  return false;
}

void elementwise(const Function& function, const Resolution& res, std::span<const BufferView> inputs,
                 std::span<const BufferView> outputs, std::span<const int64_t> shape, const CallOptions& options) {
  Temporaries temps;
  BufferView ins[kMaxArgs];
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    ins[i] = inputs[i];
    for (const BufferView& o : outputs)
      if (overlaps(inputs[i], o) && !same_elements(inputs[i], o)) {
        ins[i] = temps.copy(inputs[i], inputs[i].dtype, options);
        break;
      }
  }
  Runner runner;
  detail::setup_runner(runner, function, res, std::span(ins, inputs.size()), outputs);
  Plan plan;
  plan.ndim = static_cast<int>(shape.size());
  std::copy(shape.begin(), shape.end(), plan.shape);
  for (std::size_t i = 0; i < inputs.size(); ++i) plan.add(ins[i], 0);
  for (const BufferView& o : outputs) plan.add(o, 0);
  plan.coalesce();
  plan.execute(runner, options, (res.kernel->flags & kernel_serial) != 0);
  runner.rethrow(shape);
}


// The common small call: an exact kernel, 0-d or 1-d operands of one length, no var dims,
// no missing values, outputs of the kernel's dtypes. Returns false to take the general path.
bool small_call(const Function& function, std::span<const BufferView> inputs, std::span<const BufferView> outputs) {
  const std::size_t nargs = inputs.size() + outputs.size();
  if (inputs.size() > static_cast<std::size_t>(Function::Cache::kMaxKey) || nargs > kMaxArgs ||
      static_cast<int>(inputs.size()) != function.nin() || static_cast<int>(outputs.size()) != function.nout())
    return false;
  const ndt::detail::Node* nodes[Function::Cache::kMaxKey];
  int64_t n = -1;
  char* args[kMaxArgs];
  int64_t steps[kMaxArgs];
  auto take = [&](const BufferView& b, std::size_t k) {
    if (b.ndim() > 1 || !b.data) return false;
    int64_t len = b.ndim() ? b.shape[0] : 1;
    if (len != 1) {
      if (n > 1 && len != n) return false;
      n = len;
    }
    args[k] = b.data;
    steps[k] = b.ndim() && len != 1 ? b.strides[0] : 0;
    return true;
  };
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    nodes[i] = inputs[i].dtype.node();
    if (!nodes[i] || nodes[i]->ndim != 0 || !take(inputs[i], i)) return false;
  }
  const Resolution* res = function.cache().find(nodes, static_cast<int>(inputs.size()));
  if (!res || !res->elementwise || res->any_cast || res->propagates_missing) return false;
  if (n < 0) n = 1;
  if (n >= kParallelThreshold) return false;
  for (std::size_t j = 0; j < outputs.size(); ++j) {
    const BufferView& o = outputs[j];
    if (o.readonly || o.dtype != res->out_dtypes[j] || !take(o, inputs.size() + j)) return false;
    if ((o.ndim() ? o.shape[0] : 1) != n) return false;
    for (const BufferView& in : inputs)
      if (detail::overlaps(in, o) && !same_elements(in, o)) return false;
  }
  bool contiguous = res->kernel->contiguous != nullptr;
  for (std::size_t k = 0; k < nargs && contiguous; ++k)
    contiguous = steps[k] == (k < inputs.size() ? res->in_dtypes[k] : res->out_dtypes[k - inputs.size()]).size();
  LoopContext ctx{res->kernel->data, -1};
  int64_t dims[1] = {n};
  // A failure is reported by the general path, which runs the call again.
  return (contiguous ? res->kernel->contiguous : res->kernel->strided)(args, dims, steps, &ctx) == loop_ok;
}

// A reduction kernel called as a core-dim function, `(... * N * T) -> ... * T` over fixed
// dims: its loop folds into the output's current value, so the call is a reduction over
// the core axis (NumPy's axis=, else the last), which seeds the output first. (Over var
// dims the core-dim path seeds each element itself.)
std::optional<ReduceOptions> as_reduction(const Resolution& res, std::span<const BufferView> inputs,
                                          const CallOptions& options) {
  if (res.elementwise || !(res.kernel->flags & kernel_reduction) || inputs.size() != 1) return std::nullopt;
  if (has_var(inputs) || inputs[0].ndim() < 1) return std::nullopt;  // the core path reports these
  ReduceOptions ro;
  ro.axes = std::vector<int>{options.axis ? *options.axis : -1};
  ro.skip_missing = options.skip_missing;
  return ro;
}

}  // namespace

void call_into(const Function& function, std::span<const BufferView> inputs, std::span<const BufferView> outputs,
               const CallOptions& options) {
  if (small_call(function, inputs, outputs)) return;
  check_args(function, inputs.size(), outputs.size());
  if (outputs.empty()) throw Error(ErrorCode::invalid_argument, fmt::format("{}(): no outputs given", function.name()));
  std::array<ndt::Type, kMaxArgs> dtypes;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    check_buffer(function, inputs[i], "input", i);
    // Dispatch on the scalar below any var dims of the dtype.
    dtypes[i] = inputs[i].dtype.is_dim() ? inputs[i].dtype.dtype() : inputs[i].dtype;
  }
  for (std::size_t j = 0; j < outputs.size(); ++j) {
    check_buffer(function, outputs[j], "output", j);
    if (outputs[j].readonly)
      throw Error(ErrorCode::value, fmt::format("{}(): output {} is read-only", function.name(), j));
  }
  const Resolution& res = resolve(function, std::span(dtypes.data(), inputs.size()));
  if (auto ro = as_reduction(res, inputs, options)) {  // one output: check_args
    reduce_into(function, inputs[0], outputs[0], *ro, options);
    return;
  }
  if (!res.elementwise) {
    detail::call_core(function, res, inputs, outputs, options);
    return;
  }
  if (has_var(inputs) || has_var(outputs)) {
    detail::call_var(function, res, inputs, outputs, options);
    return;
  }
  detail::Shape shape;
  detail::broadcast_shapes(function.name(), inputs, nullptr, shape);
  for (std::size_t j = 0; j < outputs.size(); ++j)
    if (!std::equal(shape.dims, shape.dims + shape.ndim, outputs[j].shape.begin(), outputs[j].shape.end()))
      throw Error(ErrorCode::value, fmt::format("{}(): output {} has shape {}, the operands broadcast to {}",
                                                function.name(), j, shape_string(outputs[j].shape),
                                                shape_string(shape.span())));
  elementwise(function, res, inputs, outputs, shape.span(), options);
}

std::vector<Buffer> call(const Function& function, std::span<const BufferView> inputs, const CallOptions& options) {
  check_args(function, inputs.size(), 0);
  std::array<ndt::Type, kMaxArgs> dtypes;
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    check_buffer(function, inputs[i], "input", i);
    // Dispatch on the scalar below any var dims of the dtype.
    dtypes[i] = inputs[i].dtype.is_dim() ? inputs[i].dtype.dtype() : inputs[i].dtype;
  }
  const Resolution& res = resolve(function, std::span(dtypes.data(), inputs.size()));
  if (!options.allocate)
    throw Error(ErrorCode::invalid_argument, fmt::format("{}(): outputs need an allocator", function.name()));
  if (auto ro = as_reduction(res, inputs, options)) {
    std::vector<Buffer> outs;
    outs.push_back(reduce(function, inputs[0], *ro, options));
    return outs;
  }
  if (!res.elementwise) return detail::call_core_alloc(function, res, inputs, options);
  if (has_var(inputs)) return detail::call_var_alloc(function, res, inputs, options);
  detail::Shape bshape;
  detail::broadcast_shapes(function.name(), inputs, nullptr, bshape);
  std::vector<int64_t> shape(bshape.dims, bshape.dims + bshape.ndim);
  std::vector<Buffer> outs(res.out_dtypes.size());
  std::array<BufferView, kMaxArgs> views;
  int64_t n = element_count(shape);
  for (std::size_t j = 0; j < outs.size(); ++j) {
    Buffer& o = outs[j];
    o.dtype = res.out_dtypes[j];
    o.shape = shape;
    o.strides = contiguous_strides(shape, o.dtype.size());
    int64_t size = ndt::detail::checked_mul(n, o.dtype.size(), "output size");
    o.data = static_cast<char*>(options.allocate(size, o.dtype.align()));
    if (!o.data && size) throw Error(ErrorCode::memory, fmt::format("{}(): the allocator failed", function.name()));
    views[j] = o.view();
  }
  elementwise(function, res, inputs, std::span(views.data(), outs.size()), shape, options);
  return outs;
}

void assign(const BufferView& to, const BufferView& from, uint32_t checks, const CallOptions& options) {
  if (to.readonly) throw Error(ErrorCode::value, "assign: the destination is read-only");
  detail::Shape bshape;
  BufferView both[2] = {from, to};
  detail::broadcast_shapes("assign", both, nullptr, bshape);
  std::span<const int64_t> shape = bshape.span();
  if (!std::equal(shape.begin(), shape.end(), to.shape.begin(), to.shape.end()))
    throw Error(ErrorCode::value, fmt::format("assign: cannot broadcast shape {} to {}", shape_string(from.shape),
                                              shape_string(to.shape)));
  CastLoop loop = find_cast(from.dtype, to.dtype, checks);
  if (!loop)
    throw Error(ErrorCode::type, fmt::format("assign: no cast from {} to {}", from.dtype.str(), to.dtype.str()));
  Temporaries temps;
  BufferView src = from;
  if (overlaps(from, to) && !same_elements(from, to)) src = temps.copy(from, from.dtype, options);
  Runner runner;
  runner.function = "assign";
  runner.kernel_is_cast = true;
  runner.strided = loop.loop;
  runner.kernel_data = loop.data;
  runner.nin = 1;
  runner.nargs = 2;
  runner.itemsize = {from.dtype.size(), to.dtype.size()};
  runner.operand_dtype[0] = &from.dtype;
  runner.operand_dtype[1] = &to.dtype;
  detail::Plan plan;
  plan.ndim = static_cast<int>(shape.size());
  std::copy(shape.begin(), shape.end(), plan.shape);
  plan.add(src, 0);
  plan.add(to, 0);
  plan.coalesce();
  plan.execute(runner, options, false);
  runner.rethrow(shape);
}

}  // namespace pluribus::gfunc
