// Elementwise functions over var (ragged) dims. Each operand is a stack of levels (its
// fixed arrmeta dims, then the dims inside its dtype); levels align from the scalar up.
// At each level the operands' extents broadcast: equal, or 1 (a missing level counts as
// 1). A var element {T* data; int64 size} meets its partner element pairwise. Results
// are var wherever an input is var, with each ragged element allocated on its own.
#include <fmt/format.h>

#include <cstring>

#include "gfunc/plan.hpp"
#include "ndt/checked.hpp"

namespace pluribus::gfunc::detail {

Operand levels_of(const Function& f, const BufferView& b) {
  Operand op;
  op.data = b.data;
  for (int d = 0; d < b.ndim(); ++d) op.levels.push_back({false, b.shape[d], b.strides[d]});
  ndt::Type t = b.dtype;
  while (t.is_dim()) {
    if (t.kind() == ndt::Kind::VarDim) op.levels.push_back({true, 0, t.child().size(), t.child().align()});
    else if (t.kind() == ndt::Kind::FixedDim) op.levels.push_back({false, t.shape(), t.stride(), 1});
    else throw Error(ErrorCode::type, fmt::format("{}: {} is not a concrete dim", f.name(), t.str()));
    t = t.child();
  }
  if (static_cast<int>(op.levels.size()) > kMaxDims)
    throw Error(ErrorCode::not_implemented, fmt::format("{}: at most {} dims", f.name(), kMaxDims));
  op.scalar = t;
  return op;
}

Buffer allocate_levels(const Function& f, const std::vector<Level>& levels, const ndt::Type& scalar,
                       const CallOptions& options, Operand& op) {
  int nlevels = static_cast<int>(levels.size());
  int first_var = 0;
  while (first_var < nlevels && !levels[first_var].var) ++first_var;
  // The dtype: the levels from the first var one down, around the scalar.
  ndt::Type t = scalar;
  op.levels = levels;
  for (int d = nlevels - 1; d >= first_var; --d) {
    op.levels[d].stride = t.size();
    op.levels[d].align = t.align();
    t = levels[d].var ? ndt::make_var_dim(t) : ndt::make_fixed_dim(levels[d].shape, t);
  }
  Buffer o;
  o.dtype = t;
  for (int d = 0; d < first_var; ++d) o.shape.push_back(levels[d].shape);
  o.strides = contiguous_strides(o.shape, t.size());
  for (int d = 0; d < first_var; ++d) op.levels[d].stride = o.strides[d];
  int64_t size = ndt::detail::checked_mul(element_count(o.shape), t.size(), "output size");
  o.data = static_cast<char*>(options.allocate(size, t.align()));
  if (!o.data && size) throw Error(ErrorCode::memory, fmt::format("{}: the allocator failed", f.name()));
  if (size) std::memset(o.data, 0, static_cast<std::size_t>(size));
  op.data = o.data;
  op.scalar = scalar;
  return o;
}

bool has_var_dim(const ndt::Type& dtype) {
  for (ndt::Type t = dtype; t.is_dim(); t = t.child())
    if (t.kind() == ndt::Kind::VarDim) return true;
  return false;
}

namespace {

struct Walk {
  const Function& f;
  Runner& runner;
  const CallOptions& options;
  std::vector<Operand> ops;  // inputs then outputs
  int nin = 0;
  int nlevels = 0;
  bool allocate_outputs = false;
  std::vector<int64_t> path;

  // The level of operand k at aligned level d, or nullptr when it has none there.
  const Level* level(int k, int d) const {
    int missing = nlevels - static_cast<int>(ops[k].levels.size());
    return d < missing ? nullptr : &ops[k].levels[d - missing];
  }

  std::string where() const { return fmt::format("[{}]", fmt::join(path, ", ")); }

  void visit(int d, char* const* ptrs) {
    int nargs = static_cast<int>(ops.size());
    char* base[kMaxArgs];
    int64_t step[kMaxArgs];
    const Level* in_levels[kMaxArgs];
    const Level* out_levels[kMaxArgs];
    for (int k = 0; k < nargs; ++k) {
      (k < nin ? in_levels[k] : out_levels[k - nin]) = level(k, d);
      if (k >= nin && !level(k, d))
        throw Error(ErrorCode::value, fmt::format("{}: output {} has too few dims", f.name(), k - nin));
    }
    const int64_t n = step_level({f, options, allocate_outputs, path, d}, std::span(in_levels, nin),
                                 std::span(out_levels, nargs - nin), ptrs, base, step);
    if (d == nlevels - 1) {
      runner.run(base, step, n, 0);
      if (runner.failed()) {
        path.push_back(runner.error_flat.load());
        runner.rethrow_at(where());
      }
      return;
    }
    char* next[kMaxArgs];
    path.push_back(0);
    for (int64_t i = 0; i < n; ++i) {
      path.back() = i;
      for (int k = 0; k < nargs; ++k) next[k] = base[k] + i * step[k];
      visit(d + 1, next);
    }
    path.pop_back();
  }
};

void prepare(Walk& w, std::span<const BufferView> inputs) {
  for (const BufferView& b : inputs) w.ops.push_back(levels_of(w.f, b));
  w.nin = static_cast<int>(inputs.size());
  for (const Operand& op : w.ops) w.nlevels = std::max(w.nlevels, static_cast<int>(op.levels.size()));
}

// Runs the walk once every operand is in place. The runner sees scalars: the operands'
// dtypes below their levels.
void run(Walk& w, const Resolution& res) {
  std::vector<BufferView> ins, outs;
  std::vector<char*> ptrs;
  for (int k = 0; k < static_cast<int>(w.ops.size()); ++k) {
    (k < w.nin ? ins : outs).push_back(BufferView{w.ops[k].data, w.ops[k].scalar, {}, {}, false});
    ptrs.push_back(w.ops[k].data);
  }
  setup_runner(w.runner, w.f, res, ins, outs);
  if (w.nlevels == 0) {
    std::vector<int64_t> steps(ptrs.size(), 0);
    w.runner.run(ptrs.data(), steps.data(), 1, 0);
    w.runner.rethrow_at("[]");
    return;
  }
  w.visit(0, ptrs.data());
}

}  // namespace

void call_var(const Function& f, const Resolution& res, std::span<const BufferView> inputs,
              std::span<const BufferView> outputs, const CallOptions& options) {
  Runner runner;
  Walk w{f, runner, options, {}, 0, 0, false, {}};
  prepare(w, inputs);
  for (const BufferView& o : outputs) {
    w.ops.push_back(levels_of(f, o));
    if (static_cast<int>(w.ops.back().levels.size()) != w.nlevels)
      throw Error(ErrorCode::value, fmt::format("{}: an output has {} dims, the inputs {}", f.name(),
                                                w.ops.back().levels.size(), w.nlevels));
  }
  run(w, res);
}

std::vector<Buffer> call_var_alloc(const Function& f, const Resolution& res, std::span<const BufferView> inputs,
                                   const CallOptions& options) {
  Runner runner;
  Walk w{f, runner, options, {}, 0, 0, true, {}};
  prepare(w, inputs);
  // Output levels: var where any input is var; fixed extents broadcast statically.
  std::vector<Level> levels(static_cast<std::size_t>(w.nlevels));
  for (int d = 0; d < w.nlevels; ++d) {
    int64_t n = 1;
    bool var = false;
    for (int k = 0; k < w.nin; ++k) {
      const Level* l = w.level(k, d);
      if (!l) continue;
      if (l->var) var = true;
      else if (l->shape != 1) {
        if (n != 1 && n != l->shape)
          throw Error(ErrorCode::value, fmt::format("{}: dims of lengths {} and {} (level {}) cannot be broadcast together",
                                                    f.name(), n, l->shape, d));
        n = l->shape;
      }
    }
    levels[d] = {var, n, 0};
  }
  std::vector<Buffer> outs(res.out_dtypes.size());
  for (std::size_t j = 0; j < outs.size(); ++j) {
    Operand op;
    outs[j] = allocate_levels(f, levels, res.out_dtypes[j], options, op);
    w.ops.push_back(std::move(op));
  }
  run(w, res);
  return outs;
}

int64_t step_level(const LevelStep& s, std::span<const Level* const> inputs, std::span<const Level* const> outputs,
                   char* const* ptrs, char** base, int64_t* step) {
  const int nin = static_cast<int>(inputs.size());
  const auto where = [&] { return fmt::format("[{}]", fmt::join(s.path, ", ")); };
  int64_t extent[kMaxArgs];
  int64_t n = 1;
  for (int k = 0; k < nin; ++k) {
    const Level* l = inputs[k];
    base[k] = ptrs[k];
    extent[k] = 1;
    step[k] = 0;
    if (l && l->var) {
      VarDescriptor v;
      std::memcpy(&v, ptrs[k], sizeof v);
      base[k] = v.data;
      extent[k] = v.size;
      step[k] = l->stride;
    } else if (l) {
      extent[k] = l->shape;
      step[k] = l->stride;
    }
    if (extent[k] != 1) {
      if (n != 1 && extent[k] != n)
        throw Error(ErrorCode::value,
                    fmt::format("{}: dims of lengths {} and {} at index {} (level {}) cannot be broadcast together",
                                s.f.name(), n, extent[k], where(), s.d));
      n = extent[k];
    }
  }
  for (int k = 0; k < nin; ++k)
    if (extent[k] == 1) step[k] = 0;
  for (std::size_t j = 0; j < outputs.size(); ++j) {
    const Level& l = *outputs[j];
    const int k = nin + static_cast<int>(j);
    base[k] = ptrs[k];
    step[k] = l.stride;
    if (!l.var) {
      if (l.shape != n)
        throw Error(ErrorCode::value, fmt::format("{}: output {} has a dim of {} at index {}, the inputs give {}",
                                                  s.f.name(), j, l.shape, where(), n));
      continue;
    }
    VarDescriptor v;
    if (s.allocate) {
      int64_t size = ndt::detail::checked_mul(n, l.stride, "ragged output");
      v.data = static_cast<char*>(s.options.allocate(size, l.align));
      if (!v.data && size) throw Error(ErrorCode::memory, fmt::format("{}: the allocator failed", s.f.name()));
      v.size = n;
      std::memcpy(ptrs[k], &v, sizeof v);
    } else {
      std::memcpy(&v, ptrs[k], sizeof v);
      if (v.size != n)
        throw Error(ErrorCode::value, fmt::format("{}: output {} has a var element of length {} at index {}, the "
                                                  "inputs give {}",
                                                  s.f.name(), j, v.size, where(), n));
    }
    base[k] = v.data;
  }
  return n;
}

}  // namespace pluribus::gfunc::detail
