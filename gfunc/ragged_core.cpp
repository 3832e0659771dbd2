// Core-dimension functions over var (ragged) dims. Each operand is a stack of levels
// (ragged.cpp); its last ncore levels are its core dims, the levels above them are looped
// over and broadcast between operands as in the elementwise ragged path. A var level may
// be the outermost core dim of an operand: each ragged element then binds the signature's
// dim variable on its own, and the kernel runs once per element with dimensions
// {1, sizes...}. Reductions are seeded per element (initial, identity, or first element).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

#include "gfunc/plan.hpp"
#include "ndt/checked.hpp"

namespace pluribus::gfunc::detail {
namespace {

// One core dim of an operand: the signature's fixed extent, or one of the dim variables.
struct CoreDim {
  int variable = -1;  // index into CoreWalk::variables, or -1 for a fixed extent
  int64_t fixed = 0;
};

struct CoreWalk {
  CoreWalk(const Function& f_, const Resolution& res_, const CallOptions& options_, std::optional<double> initial_,
           bool allocate)
      : f(f_), res(res_), options(options_), initial(initial_), allocate_outputs(allocate) {}

  const Function& f;
  const Resolution& res;
  const CallOptions& options;
  std::optional<double> initial;
  bool allocate_outputs = false;

  std::vector<Operand> ops;               // inputs, then outputs
  std::vector<std::vector<CoreDim>> core;  // per operand
  std::vector<std::string> variables;     // in the order they first appear in the signature
  int nin = 0;
  int nouter = 0;  // looped levels: the most any input has
  std::vector<int64_t> path;

  // Reductions: the output starts from `identity` (or initial) or the first element.
  bool reduction = false;
  std::vector<char> identity;
  CastLoop seed_cast;  // the kernel's input dtype to its output dtype, when they differ
  // Per element: the bound sizes, the kernel's dims and steps, cast copies of input blocks.
  std::vector<int64_t> sizes, dims, steps;
  std::vector<char> bound;
  std::vector<std::vector<char>> scratch;
  std::optional<MissingRows> rows;  // a ?T input (one input, one core dim): row by row

  int outer_of(int k) const { return static_cast<int>(ops[k].levels.size() - core[k].size()); }
  // The looped level of operand k at aligned level d, or nullptr when it has none there.
  const Level* outer_level(int k, int d) const {
    int missing = nouter - outer_of(k);
    return d < missing ? nullptr : &ops[k].levels[d - missing];
  }
  std::string where() const { return fmt::format("[{}]", fmt::join(path, ", ")); }

  std::vector<CoreDim> core_dims(const ndt::Type& core_type, int i, bool may_add);
  void add_operand(const BufferView& b, const ndt::Type& core_type, const char* role, int i, bool may_add);
  void bind(int k, int c, int64_t extent, const char* role, int i);
  void visit(int d, char* const* ptrs);
  void run_element(char* const* ptrs);
  char* cast_block(int k, char* base, const int64_t* extents, int64_t* strides, int ncore);
};

std::vector<CoreDim> CoreWalk::core_dims(const ndt::Type& core_type, int i, bool may_add) {
  std::vector<CoreDim> dims_of;
  for (ndt::Type t = core_type; t.is_dim(); t = t.child()) {
    if (t.kind() == ndt::Kind::FixedDim) {
      dims_of.push_back({-1, t.shape()});
      continue;
    }
    if (t.kind() != ndt::Kind::SymbolicDim)
      throw Error(ErrorCode::not_implemented, fmt::format("{}: core dim {} is not supported", f.name(), t.str()));
    auto it = std::find(variables.begin(), variables.end(), t.name());
    if (it == variables.end()) {
      if (!may_add)
        throw Error(ErrorCode::value, fmt::format("{}: core dim {} of output {} is not bound by an input; "
                                                  "pass an output buffer",
                                                  f.name(), t.name(), i));
      variables.push_back(t.name());
      it = variables.end() - 1;
    }
    dims_of.push_back({static_cast<int>(it - variables.begin()), 0});
  }
  return dims_of;
}

void CoreWalk::add_operand(const BufferView& b, const ndt::Type& core_type, const char* role, int i, bool may_add) {
  Operand op = levels_of(f, b);
  std::vector<CoreDim> dims_of = core_dims(core_type, i, may_add);
  int ncore = static_cast<int>(dims_of.size());
  int nlevels = static_cast<int>(op.levels.size());
  if (nlevels < ncore)
    throw Error(ErrorCode::value, fmt::format("{}: {} {} needs at least {} dims ({}), it has {}", f.name(), role, i,
                                              ncore, core_type.str(), nlevels));
  // A var dim below the outermost core dim would make the core block itself ragged.
  for (int c = 1; c < ncore; ++c)
    if (op.levels[nlevels - ncore + c].var)
      throw Error(ErrorCode::not_implemented,
                  fmt::format("{}: {} {} has a var dim inside its core dims ({}); only the outermost core dim "
                              "may be var",
                              f.name(), role, i, b.dtype.str()));
  ops.push_back(std::move(op));
  core.push_back(std::move(dims_of));
}

void CoreWalk::bind(int k, int c, int64_t extent, const char* role, int i) {
  const CoreDim& cd = core[k][c];
  if (cd.variable < 0) {
    if (extent != cd.fixed)
      throw Error(ErrorCode::value, fmt::format("{}: {} {} has core dim {} of size {} at index {}, the signature "
                                                "needs {}",
                                                f.name(), role, i, c, extent, where(), cd.fixed));
    return;
  }
  auto v = static_cast<std::size_t>(cd.variable);
  if (!bound[v]) {
    bound[v] = 1;
    sizes[v] = extent;
  } else if (sizes[v] != extent) {
    throw Error(ErrorCode::value, fmt::format("{}: core dim {} is {} elsewhere but {} in {} {} at index {}", f.name(),
                                              variables[v], sizes[v], extent, role, i, where()));
  }
}

// Casts input k's core block into a C-contiguous block of the kernel's dtype; updates strides.
char* CoreWalk::cast_block(int k, char* base, const int64_t* extents, int64_t* strides, int ncore) {
  const CastLoop& cast = res.in_casts[k];
  int64_t itemsize = res.in_dtypes[k].size();
  int64_t total = 1;
  for (int c = 0; c < ncore; ++c) total = ndt::detail::checked_mul(total, extents[c], "core block");
  std::vector<char>& buf = scratch[k];
  buf.resize(static_cast<std::size_t>(std::max<int64_t>(ndt::detail::checked_mul(total, itemsize, "core block"), 1)));
  int64_t run = ncore ? extents[ncore - 1] : 1;
  int64_t run_step = ncore ? strides[ncore - 1] : 0;
  int64_t idx[kMaxDims] = {};
  for (int64_t done = 0; run > 0 && done < total; done += run) {
    char* src = base;
    for (int c = 0; c + 1 < ncore; ++c) src += idx[c] * strides[c];
    char* args[2] = {src, buf.data() + done * itemsize};
    int64_t cast_steps[2] = {run_step, itemsize};
    LoopContext ctx{cast.data, -1};
    cast.loop(args, &run, cast_steps, &ctx);  // nocheck casts do not fail
    for (int c = ncore - 2; c >= 0; --c) {
      if (++idx[c] < extents[c]) break;
      idx[c] = 0;
    }
  }
  int64_t stride = itemsize;
  for (int c = ncore - 1; c >= 0; --c) {
    strides[c] = stride;
    stride *= extents[c];
  }
  return buf.data();
}

void CoreWalk::run_element(char* const* ptrs) {
  int nargs = static_cast<int>(ops.size());
  std::fill(bound.begin(), bound.end(), 0);
  steps.assign(static_cast<std::size_t>(nargs), 0);
  char* args[kMaxArgs];
  int64_t extents[kMaxDims], strides[kMaxDims];
  int64_t count = 1;  // elements of input 0's core block (the reduced elements)
  for (int k = 0; k < nargs; ++k) {
    bool input = k < nin;
    const char* role = input ? "input" : "output";
    int i = input ? k : k - nin;
    int ncore = static_cast<int>(core[k].size());
    int first = outer_of(k);
    char* base = ptrs[k];
    for (int c = 0; c < ncore; ++c) {
      const Level& l = ops[k].levels[first + c];
      strides[c] = l.stride;
      if (!l.var) {
        extents[c] = l.shape;
        bind(k, c, l.shape, role, i);
        continue;
      }
      VarDescriptor v;
      if (!input && allocate_outputs) {
        // Bound by the inputs (checked when the walk was set up).
        const CoreDim& cd = core[k][c];
        v.size = cd.variable < 0 ? cd.fixed : sizes[static_cast<std::size_t>(cd.variable)];
        int64_t size = ndt::detail::checked_mul(v.size, l.stride, "ragged output");
        v.data = static_cast<char*>(options.allocate(size, l.align));
        if (!v.data && size) throw Error(ErrorCode::memory, fmt::format("{}: the allocator failed", f.name()));
        std::memcpy(base, &v, sizeof v);
      } else {
        std::memcpy(&v, base, sizeof v);
        bind(k, c, v.size, role, i);
      }
      extents[c] = v.size;
      base = v.data;
    }
    if (input && res.in_casts[k] && !rows) base = cast_block(k, base, extents, strides, ncore);
    if (k == 0)
      for (int c = 0; c < ncore; ++c) count *= extents[c];
    args[k] = base;
    steps.insert(steps.end(), strides, strides + ncore);
  }
  dims.assign(1, 1);
  dims.insert(dims.end(), sizes.begin(), sizes.end());

  char* out = args[nin];
  if (rows) {
    rows->run(args[0], count, steps[static_cast<std::size_t>(nargs)], out,
              res.out_core[0].ndim() == 1 ? steps[static_cast<std::size_t>(nargs) + 1] : 0, [&] { return where(); });
    return;
  }
  if (reduction) {
    const ndt::Type& out_dtype = res.out_dtypes[0];
    if (initial) {
      store_double(f, *initial, out_dtype, out);
    } else if (!identity.empty()) {
      std::memcpy(out, identity.data(), identity.size());
    } else if (count == 0) {
      throw Error(ErrorCode::value, fmt::format("{}: zero-size array to reduction operation {} which has no "
                                                "identity (the element at index {})",
                                                f.name(), numpy_reduction_name(f), where()));
    } else if (seed_cast) {
      char* seed_args[2] = {args[0], out};
      int64_t one = 1, seed_steps[2] = {0, 0};
      LoopContext ctx{seed_cast.data, -1};
      seed_cast.loop(seed_args, &one, seed_steps, &ctx);
    } else {
      std::memcpy(out, args[0], static_cast<std::size_t>(out_dtype.size()));
    }
  }
  LoopContext ctx{res.kernel->data, -1};
  int status = res.kernel->strided(args, dims.data(), steps.data(), &ctx);
  if (status != loop_ok) {
    if (status == loop_invalid && count == 0)
      throw Error(ErrorCode::value,
                  fmt::format("{}: attempt to get {} of an empty sequence (the element at index {})", f.name(),
                              f.name(), where()));
    throw Error(ErrorCode::value,
                fmt::format("{}: the kernel failed (status {}) at index {}", f.name(), status, where()));
  }
  if (res.kernel->flags & kernel_divide_by_count) divide_element(f, res.out_dtypes[0], out, static_cast<double>(count));
}

void CoreWalk::visit(int d, char* const* ptrs) {
  if (d == nouter) {
    run_element(ptrs);
    return;
  }
  int nargs = static_cast<int>(ops.size());
  char* base[kMaxArgs];
  int64_t step[kMaxArgs];
  const Level* in_levels[kMaxArgs];
  const Level* out_levels[kMaxArgs];
  for (int k = 0; k < nin; ++k) in_levels[k] = outer_level(k, d);
  for (int k = nin; k < nargs; ++k) out_levels[k - nin] = &ops[k].levels[d];  // exactly nouter looped levels
  const int64_t n = step_level({f, options, allocate_outputs, path, d}, std::span(in_levels, nin),
                               std::span(out_levels, nargs - nin), ptrs, base, step);
  char* next[kMaxArgs];
  path.push_back(0);
  for (int64_t i = 0; i < n; ++i) {
    path.back() = i;
    for (int k = 0; k < nargs; ++k) next[k] = base[k] + i * step[k];
    visit(d + 1, next);
  }
  path.pop_back();
}

// Inputs, the loop depth, the gufunc axis= (only the last dim), reductions' seeds.
void prepare(CoreWalk& w, std::span<const BufferView> inputs) {
  const Function& f = w.f;
  const Resolution& res = w.res;
  w.nin = static_cast<int>(inputs.size());
  for (int i = 0; i < w.nin; ++i) {
    w.add_operand(inputs[i], res.in_core[i], "input", i, true);
    int nlevels = static_cast<int>(w.ops.back().levels.size());
    if (w.options.axis && w.core.back().size() == 1) {
      int axis = *w.options.axis;
      int a = axis < 0 ? axis + nlevels : axis;
      if (a < 0 || a >= nlevels)
        throw Error(ErrorCode::index, fmt::format("{}: axis {} is out of bounds for {} dims", f.name(), axis, nlevels));
      if (a != nlevels - 1)
        throw Error(ErrorCode::not_implemented,
                    fmt::format("{}: axis={} over var dims: only the last dim can be the core dim", f.name(), axis));
    }
    w.nouter = std::max(w.nouter, w.outer_of(i));
  }
  if (w.nouter > kMaxDims) throw Error(ErrorCode::not_implemented, fmt::format("{}: at most {} dims", f.name(), kMaxDims));
  w.scratch.resize(inputs.size());
  // A ?T input is folded by MissingRows, which seeds its results itself.
  w.reduction = (res.kernel->flags & kernel_reduction) && w.nin == 1 && res.out_core.size() == 1 &&
                res.out_core[0].ndim() == 0 && !res.propagates_missing;
  if (w.reduction && !w.initial && !std::isnan(f.identity())) {
    w.identity.resize(static_cast<std::size_t>(res.out_dtypes[0].size()));
    store_double(f, f.identity(), res.out_dtypes[0], w.identity.data());
  }
  if (w.reduction && res.in_dtypes[0] != res.out_dtypes[0]) {
    w.seed_cast = find_cast(res.in_dtypes[0], res.out_dtypes[0], cast_nocheck);
    if (!w.seed_cast)
      throw Error(ErrorCode::type, fmt::format("{}: no cast from {} to {}", f.name(), res.in_dtypes[0].str(),
                                               res.out_dtypes[0].str()));
  }
}

void run(CoreWalk& w) {
  if (w.res.propagates_missing)
    w.rows.emplace(w.f, w.res, w.ops[0].scalar, w.ops[static_cast<std::size_t>(w.nin)].scalar,
                   w.options.skip_missing, w.initial);
  w.sizes.assign(w.variables.size(), 0);
  w.bound.assign(w.variables.size(), 0);
  std::vector<char*> ptrs;
  for (const Operand& op : w.ops) ptrs.push_back(op.data);
  w.visit(0, ptrs.data());
}

}  // namespace

std::string_view numpy_reduction_name(const Function& f) {
  if (f.name() == "min") return "minimum";
  if (f.name() == "max") return "maximum";
  return f.name();
}

void call_var_core(const Function& f, const Resolution& res, std::span<const BufferView> inputs,
                   std::span<const BufferView> outputs, const CallOptions& options, std::optional<double> initial) {
  CoreWalk w(f, res, options, initial, false);
  prepare(w, inputs);
  for (std::size_t j = 0; j < outputs.size(); ++j) {
    int i = static_cast<int>(j);
    w.add_operand(outputs[j], res.out_core[j], "output", i, true);
    const Operand& op = w.ops.back();
    if (op.scalar != res.out_dtypes[j] && !(res.propagates_missing && op.scalar == res.out_dtypes[j].child()))
      throw Error(ErrorCode::type, fmt::format("{}: output {} must have dtype {}, not {}", f.name(), j,
                                               res.out_dtypes[j].str(), op.scalar.str()));
    int outer = w.outer_of(w.nin + i);
    if (outer != w.nouter)
      throw Error(ErrorCode::value, fmt::format("{}: output {} has {} dims outside its core dims, the inputs {}",
                                                f.name(), j, outer, w.nouter));
  }
  run(w);
}

std::vector<Buffer> call_var_core_alloc(const Function& f, const Resolution& res, std::span<const BufferView> inputs,
                                        const CallOptions& options, std::optional<double> initial) {
  CoreWalk w(f, res, options, initial, true);
  prepare(w, inputs);
  // Looped levels: var where any input is var; fixed extents broadcast statically.
  std::vector<Level> outer(static_cast<std::size_t>(w.nouter));
  for (int d = 0; d < w.nouter; ++d) {
    int64_t n = 1;
    bool var = false;
    for (int k = 0; k < w.nin; ++k) {
      const Level* l = w.outer_level(k, d);
      if (!l) continue;
      if (l->var) var = true;
      else if (l->shape != 1) {
        if (n != 1 && n != l->shape)
          throw Error(ErrorCode::value, fmt::format("{}: dims of lengths {} and {} (level {}) cannot be broadcast "
                                                    "together",
                                                    f.name(), n, l->shape, d));
        n = l->shape;
      }
    }
    outer[d] = {var, n, 0, 1};
  }
  std::vector<Buffer> outs(res.out_dtypes.size());
  for (std::size_t j = 0; j < outs.size(); ++j) {
    // Core levels: a variable some input binds to a fixed dim is fixed, one bound only by
    // var dims is var (each element as long as the inputs' element).
    std::vector<Level> levels = outer;
    int c = 0;
    for (ndt::Type t = res.out_core[j]; t.is_dim(); t = t.child(), ++c) {
      if (t.kind() == ndt::Kind::FixedDim) {
        levels.push_back({false, t.shape(), 0, 1});
        continue;
      }
      if (t.kind() != ndt::Kind::SymbolicDim)
        throw Error(ErrorCode::not_implemented, fmt::format("{}: core dim {} is not supported", f.name(), t.str()));
      bool found = false;
      Level level{true, 0, 0, 1};
      for (int k = 0; k < w.nin; ++k)
        for (std::size_t ci = 0; ci < w.core[k].size(); ++ci) {
          const CoreDim& cd = w.core[k][ci];
          if (cd.variable < 0 || w.variables[static_cast<std::size_t>(cd.variable)] != t.name()) continue;
          found = true;
          const Level& l = w.ops[k].levels[static_cast<std::size_t>(w.outer_of(k)) + ci];
          if (!l.var) level = {false, l.shape, 0, 1};
        }
      if (!found)
        throw Error(ErrorCode::value, fmt::format("{}: core dim {} of output {} is not bound by an input; pass an "
                                                  "output buffer",
                                                  f.name(), t.name(), j));
      if (level.var && c > 0)
        throw Error(ErrorCode::not_implemented,
                    fmt::format("{}: output {} would have a var dim inside its core dims", f.name(), j));
      levels.push_back(level);
    }
    w.core.push_back(w.core_dims(res.out_core[j], static_cast<int>(j), false));
    outs[j] = allocate_levels(f, levels, res.out_dtypes[j], options, w.ops.emplace_back());
  }
  run(w);
  return outs;
}

}  // namespace pluribus::gfunc::detail
