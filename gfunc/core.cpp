// Core-dimension functions (NumPy's generalized ufuncs): the signature's dim variables
// bind the trailing dims of each operand; the leading dims broadcast and are looped over.
#include <fmt/format.h>

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>

#include "gfunc/plan.hpp"
#include "ndt/checked.hpp"

namespace pluribus::gfunc::detail {
namespace {

struct CoreDims {
  std::vector<std::string> names;
  std::vector<int64_t> sizes;

  // Binds the core dims of one operand's pattern (e.g. `M * N * float64`) to its last dims.
  void bind(const Function& f, const ndt::Type& core, std::span<const int64_t> shape, const char* role, int i,
            bool may_add) {
    ndt::Type t = core;
    std::size_t d = shape.size() - static_cast<std::size_t>(core.ndim());
    for (; t.is_dim(); t = t.child(), ++d) {
      int64_t extent = shape[d];
      if (t.kind() == ndt::Kind::FixedDim) {
        if (extent != t.shape())
          throw Error(ErrorCode::value, fmt::format("{}: {} {} has core dim {} of size {}, the signature needs {}",
                                                    f.name(), role, i, d, extent, t.shape()));
        continue;
      }
      if (t.kind() != ndt::Kind::SymbolicDim)
        throw Error(ErrorCode::not_implemented,
                    fmt::format("{}: core dim {} is not supported", f.name(), t.str()));
      auto it = std::find(names.begin(), names.end(), t.name());
      if (it == names.end()) {
        if (!may_add)
          throw Error(ErrorCode::value, fmt::format("{}: core dim {} of output {} is not bound by an input; "
                                                    "pass an output buffer",
                                                    f.name(), t.name(), i));
        names.push_back(t.name());
        sizes.push_back(extent);
      } else if (sizes[it - names.begin()] != extent) {
        throw Error(ErrorCode::value,
                    fmt::format("{}: core dim {} is {} elsewhere but {} in {} {}", f.name(), t.name(),
                                sizes[it - names.begin()], extent, role, i));
      }
    }
  }
  int64_t size_of(const std::string& name) const {
    return sizes[std::find(names.begin(), names.end(), name) - names.begin()];
  }
};

// A view with the `axis`-th dim moved to the end (NumPy's gufunc axis=).
struct Moved {
  std::vector<int64_t> shape, strides;
};
BufferView move_axis(const Function& f, const BufferView& b, int axis, Moved& m) {
  int n = b.ndim();
  int a = axis < 0 ? axis + n : axis;
  if (a < 0 || a >= n)
    throw Error(ErrorCode::index, fmt::format("{}: axis {} is out of bounds for {} dims", f.name(), axis, n));
  m.shape.assign(b.shape.begin(), b.shape.end());
  m.strides.assign(b.strides.begin(), b.strides.end());
  std::rotate(m.shape.begin() + a, m.shape.begin() + a + 1, m.shape.end());
  std::rotate(m.strides.begin() + a, m.strides.begin() + a + 1, m.strides.end());
  return {b.data, b.dtype, m.shape, m.strides, b.readonly};
}

struct Prepared {
  std::vector<BufferView> inputs, outputs;
  std::deque<Moved> moved;
  Temporaries temps;
  std::vector<int64_t> loop_shape;
  CoreDims core;
};

void check_core_ndim(const Function& f, const BufferView& b, const ndt::Type& core, const char* role, int i) {
  if (b.ndim() < core.ndim())
    throw Error(ErrorCode::value, fmt::format("{}: {} {} needs at least {} dims ({}), it has {}", f.name(), role, i,
                                              core.ndim(), core.str(), b.ndim()));
}

void prepare_inputs(const Function& f, const Resolution& res, std::span<const BufferView> inputs,
                    const CallOptions& options, Prepared& p) {
  for (std::size_t i = 0; i < inputs.size(); ++i) {
    BufferView b = inputs[i];
    if (options.axis && res.in_core[i].ndim() == 1) b = move_axis(f, b, *options.axis, p.moved.emplace_back());
    check_core_ndim(f, b, res.in_core[i], "input", static_cast<int>(i));
    // Cast once, contiguously (a ?T row is cast once its present elements are gathered).
    if (res.in_casts[i] && !res.propagates_missing) b = p.temps.copy(b, res.in_dtypes[i], options);
    p.inputs.push_back(b);
    p.core.bind(f, res.in_core[i], b.shape, "input", static_cast<int>(i), true);
  }
  std::vector<int> ncore(inputs.size());
  for (std::size_t i = 0; i < inputs.size(); ++i) ncore[i] = res.in_core[i].ndim();
  Shape loop;
  broadcast_shapes(f.name(), p.inputs, ncore.data(), loop);
  p.loop_shape.assign(loop.dims, loop.dims + loop.ndim);
}

void run(const Function& f, const Resolution& res, Prepared& p, const CallOptions& options) {
  int nin = static_cast<int>(p.inputs.size());
  int nargs = nin + static_cast<int>(p.outputs.size());
  Plan plan;
  plan.ndim = static_cast<int>(p.loop_shape.size());
  std::copy(p.loop_shape.begin(), p.loop_shape.end(), plan.shape);
  for (int i = 0; i < nin; ++i) plan.add(p.inputs[i], res.in_core[i].ndim());
  for (std::size_t j = 0; j < p.outputs.size(); ++j) plan.add(p.outputs[j], res.out_core[j].ndim());
  plan.coalesce();
  // dims: {loop extent, core sizes}; steps: {loop strides, then each operand's core strides}.
  std::vector<int64_t> dims{plan.shape[plan.ndim - 1]};
  dims.insert(dims.end(), p.core.sizes.begin(), p.core.sizes.end());
  std::vector<int64_t> steps(nargs);
  for (int k = 0; k < nargs; ++k) steps[k] = plan.strides[k][plan.ndim - 1];
  auto add_core_strides = [&](const BufferView& b, int ncore) {
    for (int d = b.ndim() - ncore; d < b.ndim(); ++d) steps.push_back(b.strides[d]);
  };
  for (int i = 0; i < nin; ++i) add_core_strides(p.inputs[i], res.in_core[i].ndim());
  for (std::size_t j = 0; j < p.outputs.size(); ++j) add_core_strides(p.outputs[j], res.out_core[j].ndim());

  int64_t outer = 1;
  for (int d = 0; d < plan.ndim - 1; ++d) outer *= plan.shape[d];
  std::vector<int64_t> idx(std::max(plan.ndim - 1, 0), 0);
  char* args[kMaxArgs];
  std::optional<MissingRows> rows;  // a ?T input: row by row (one input, one core dim)
  if (res.propagates_missing)
    rows.emplace(f, res, p.inputs[0].dtype, p.outputs[0].dtype, options.skip_missing, std::nullopt);
  for (int64_t o = 0; o < outer; ++o) {
    for (int k = 0; k < nargs; ++k) {
      char* ptr = plan.data[k];
      for (int d = 0; d < plan.ndim - 1; ++d) ptr += idx[d] * plan.strides[k][d];
      args[k] = ptr;
    }
    if (rows) {
      const int64_t out_step = res.out_core[0].ndim() == 1 ? steps[nargs + 1] : 0;
      for (int64_t i = 0; i < dims[0]; ++i)
        rows->run(args[0] + i * steps[0], dims[1], steps[nargs], args[1] + i * steps[1], out_step,
                  [&] { return index_string(o * dims[0] + i, p.loop_shape); });
    } else {
      LoopContext ctx{res.kernel->data, -1};
      int status = res.kernel->strided(args, dims.data(), steps.data(), &ctx);
      if (status != loop_ok) {
        int64_t at = failing_index(ctx, dims[0]);
        if (status == loop_invalid && std::find(dims.begin() + 1, dims.end(), 0) != dims.end())
          throw Error(ErrorCode::value,
                      fmt::format("{}: attempt to get {} of an empty sequence (loop index {})", f.name(), f.name(),
                                  index_string(o * dims[0] + at, p.loop_shape)));
        throw Error(ErrorCode::value, fmt::format("{}: the kernel failed (status {}) at loop index {}", f.name(),
                                                  status, index_string(o * dims[0] + at, p.loop_shape)));
      }
    }
    for (int d = plan.ndim - 2; d >= 0; --d) {
      if (++idx[d] < plan.shape[d]) break;
      idx[d] = 0;
    }
  }
}

// Runs the call; under max_threads in an arena of that many threads, so that a kernel which
// splits its own work (matmul's blocks) keeps to the cap too.
void run_capped(const Function& f, const Resolution& res, Prepared& p, const CallOptions& options) {
  if (options.max_threads > 0) {
    run_parallel(options.max_threads, [&] { run(f, res, p, options); });
  } else {
    run(f, res, p, options);
  }
}

std::vector<int64_t> output_shape(const Prepared& p, const ndt::Type& core) {
  std::vector<int64_t> shape = p.loop_shape;
  for (ndt::Type t = core; t.is_dim(); t = t.child())
    shape.push_back(t.kind() == ndt::Kind::FixedDim ? t.shape() : p.core.size_of(t.name()));
  return shape;
}

bool any_var(std::span<const BufferView> buffers) {
  for (const BufferView& b : buffers)
    if (has_var_dim(b.dtype)) return true;
  return false;
}

}  // namespace

void call_core(const Function& f, const Resolution& res, std::span<const BufferView> inputs,
               std::span<const BufferView> outputs, const CallOptions& options) {
  if (any_var(inputs) || any_var(outputs)) {
    call_var_core(f, res, inputs, outputs, options);
    return;
  }
  Prepared p;
  prepare_inputs(f, res, inputs, options, p);
  for (std::size_t j = 0; j < outputs.size(); ++j) {
    BufferView o = outputs[j];
    if (options.axis && res.out_core[j].ndim() == 1) o = move_axis(f, o, *options.axis, p.moved.emplace_back());
    check_core_ndim(f, o, res.out_core[j], "output", static_cast<int>(j));
    // A ?T input's results may go to a U output while none is missing (MissingRows).
    if (o.dtype != res.out_dtypes[j] && !(res.propagates_missing && o.dtype == res.out_dtypes[j].child()))
      throw Error(ErrorCode::type, fmt::format("{}: output {} must have dtype {}, not {}", f.name(), j,
                                               res.out_dtypes[j].str(), o.dtype.str()));
    p.core.bind(f, res.out_core[j], o.shape, "output", static_cast<int>(j), true);
    std::vector<int64_t> want = output_shape(p, res.out_core[j]);
    if (!std::equal(want.begin(), want.end(), o.shape.begin(), o.shape.end()))
      throw Error(ErrorCode::value, fmt::format("{}: output {} has shape ({}), expected ({})", f.name(), j,
                                                fmt::join(o.shape, ", "), fmt::join(want, ", ")));
    p.outputs.push_back(o);
  }
  // An input that overlaps an output is copied first: a core-dim kernel reads whole core
  // blocks while it writes, so any overlap is unsafe.
  for (BufferView& in : p.inputs)
    for (const BufferView& o : p.outputs)
      if (overlaps(in, o)) {
        in = p.temps.copy(in, in.dtype, options);
        break;
      }
  run_capped(f, res, p, options);
}

std::vector<Buffer> call_core_alloc(const Function& f, const Resolution& res, std::span<const BufferView> inputs,
                                    const CallOptions& options) {
  if (any_var(inputs)) return call_var_core_alloc(f, res, inputs, options);
  Prepared p;
  prepare_inputs(f, res, inputs, options, p);
  std::vector<Buffer> outs(res.out_dtypes.size());
  for (std::size_t j = 0; j < outs.size(); ++j) {
    Buffer& o = outs[j];
    o.dtype = res.out_dtypes[j];
    p.core.bind(f, res.out_core[j], output_shape(p, res.out_core[j]), "output", static_cast<int>(j), false);
    o.shape = output_shape(p, res.out_core[j]);
    o.strides = contiguous_strides(o.shape, o.dtype.size());
    int64_t size = ndt::detail::checked_mul(element_count(o.shape), o.dtype.size(), "output size");
    o.data = static_cast<char*>(options.allocate(size, o.dtype.align()));
    if (!o.data && size) throw Error(ErrorCode::memory, fmt::format("{}: the allocator failed", f.name()));
    BufferView v = o.view();
    if (options.axis && res.out_core[j].ndim() == 1) {
      // The core dim goes back to `axis` in the result's layout.
      int n = v.ndim();
      int a = *options.axis < 0 ? *options.axis + n : *options.axis;
      std::rotate(o.shape.begin() + a, o.shape.end() - 1, o.shape.end());
      o.strides = contiguous_strides(o.shape, o.dtype.size());
      Moved& m = p.moved.emplace_back();
      v = move_axis(f, o.view(), a, m);
    }
    p.outputs.push_back(v);
  }
  run_capped(f, res, p, options);
  return outs;
}

}  // namespace pluribus::gfunc::detail
