// Reductions over var dims in general: any dims, including a dim that lies above a var dim
// (axis 0 of `3 * var * float64`). The walk goes down the input's levels carrying a
// frontier, the elements that fold into the current part of the result: a reduced level
// widens it to all of its elements, a kept level steps through it, its var elements
// broadcasting against each other as in elementwise calls (equal lengths, or 1). At the
// scalars the frontier is one result's reduction set.
#include <fmt/format.h>

#include <cmath>
#include <cstring>

#include "gfunc/plan.hpp"
#include "ndt/checked.hpp"

namespace pluribus::gfunc::detail {
namespace {

struct Walk {
  const Function& f;
  const CallOptions& options;
  const Operand& in;
  const std::vector<bool>& reduced;
  Operand out;
  bool allocate = false;
  Folder folder;
  Finish finish;
  std::vector<char> seed;  // the result's first value (initial, identity); empty: the first element
  std::vector<int64_t> path;
  std::vector<char> block;  // a result's gathered reduction set

  std::string where() const { return fmt::format("[{}]", fmt::join(path, ", ")); }

  // The elements of level d at p: their base and count.
  std::pair<char*, int64_t> open(int d, char* p) const {
    const Level& l = in.levels[static_cast<std::size_t>(d)];
    if (!l.var) return {p, l.shape};
    VarDescriptor v;
    std::memcpy(&v, p, sizeof v);
    return {v.data, v.size};
  }

  void start(char* result, bool& seeded) const {
    if (!seed.empty()) std::memcpy(result, seed.data(), seed.size());
    seeded = !folder.seed_first;
  }

  void fail(int status) const {
    throw Error(ErrorCode::value,
                fmt::format("{}: the reduction failed (status {}) at index {}", f.name(), status, where()));
  }

  void visit(int d, int od, const std::vector<char*>& frontier, char* result);
  void fold_rows(int d, const std::vector<char*>& frontier, char* result);
  void fold_set(const std::vector<char*>& frontier, char* result);
};

// The last level is reduced: each frontier element's run folds in place.
void Walk::fold_rows(int d, const std::vector<char*>& frontier, char* result) {
  bool seeded;
  start(result, seeded);
  int64_t count = 0, total = 0;
  const int64_t step = in.levels[static_cast<std::size_t>(d)].stride;
  for (char* p : frontier) {
    auto [base, n] = open(d, p);
    total += n;
    if (int status = folder.fold(base, n, step, result, seeded, count); status != loop_ok) fail(status);
  }
  finish.apply(result, seeded, count, total, [&] { return where(); });
}

// The scalars: the frontier is the reduction set, gathered into one block and folded.
void Walk::fold_set(const std::vector<char*>& frontier, char* result) {
  const int64_t size = in.scalar.size();
  const auto n = static_cast<int64_t>(frontier.size());
  block.resize(static_cast<std::size_t>(std::max<int64_t>(ndt::detail::checked_mul(n, size, "reduction set"), 1)));
  for (int64_t i = 0; i < n; ++i)
    std::memcpy(block.data() + i * size, frontier[static_cast<std::size_t>(i)], static_cast<std::size_t>(size));
  bool seeded;
  start(result, seeded);
  int64_t count = 0;
  if (int status = folder.fold(block.data(), n, size, result, seeded, count); status != loop_ok) fail(status);
  finish.apply(result, seeded, count, n, [&] { return where(); });
}

void Walk::visit(int d, int od, const std::vector<char*>& frontier, char* result) {
  const int nlevels = static_cast<int>(in.levels.size());
  if (d == nlevels) {
    fold_set(frontier, result);
    return;
  }
  const Level& l = in.levels[static_cast<std::size_t>(d)];
  std::vector<char*> next;
  if (reduced[static_cast<std::size_t>(d)]) {
    if (d == nlevels - 1) {
      fold_rows(d, frontier, result);
      return;
    }
    for (char* p : frontier) {
      auto [base, n] = open(d, p);
      for (int64_t i = 0; i < n; ++i) next.push_back(base + i * l.stride);
    }
    visit(d + 1, od, next, result);
    return;
  }
  // A kept level: the frontier's extents broadcast (an empty frontier gives a fixed
  // level's extent, or an empty var element).
  std::vector<std::pair<char*, int64_t>> opened;
  opened.reserve(frontier.size());
  int64_t extent = frontier.empty() ? (l.var ? 0 : l.shape) : 1;
  for (char* p : frontier) {
    opened.push_back(open(d, p));
    int64_t n = opened.back().second;
    if (n == 1) continue;
    if (extent != 1 && extent != n)
      throw Error(ErrorCode::value, fmt::format("{}: dims of lengths {} and {} at index {} (level {}) cannot be "
                                                "broadcast together",
                                                f.name(), extent, n, where(), d));
    extent = n;
  }
  const Level& ol = out.levels[static_cast<std::size_t>(od)];
  char* obase = result;
  if (ol.var) {
    VarDescriptor v;
    if (allocate) {
      int64_t size = ndt::detail::checked_mul(extent, ol.stride, "ragged output");
      v.data = static_cast<char*>(options.allocate(size, ol.align));
      if (!v.data && size) throw Error(ErrorCode::memory, fmt::format("{}: the allocator failed", f.name()));
      v.size = extent;
      std::memcpy(result, &v, sizeof v);
    } else {
      std::memcpy(&v, result, sizeof v);
      if (v.size != extent)
        throw Error(ErrorCode::value, fmt::format("{}: the output has a var element of length {} at index {}, the "
                                                  "reduction gives {}",
                                                  f.name(), v.size, where(), extent));
    }
    obase = v.data;
  } else if (ol.shape != extent) {
    throw Error(ErrorCode::value, fmt::format("{}: the output has a dim of {} at index {}, the reduction gives {}",
                                              f.name(), ol.shape, where(), extent));
  }
  next.resize(frontier.size());
  path.push_back(0);
  for (int64_t j = 0; j < extent; ++j) {
    path.back() = j;
    for (std::size_t k = 0; k < opened.size(); ++k)
      next[k] = opened[k].first + (opened[k].second == 1 ? 0 : j) * l.stride;
    visit(d + 1, od + 1, next, obase + j * ol.stride);
  }
  path.pop_back();
}

}  // namespace

Buffer reduce_var_walk(const Function& f, const Resolution& res, const BufferView& input, const BufferView* output,
                       const std::vector<bool>& reduced, const ReduceOptions& ro, const CallOptions& options) {
  Operand in = levels_of(f, input);
  const ndt::Type& out_dtype = res.out_dtypes[0];
  const ndt::Type& result = value_of(out_dtype);
  const bool missing = res.propagates_missing;
  const bool seed_first = !ro.initial && std::isnan(f.identity());
  Walk w{f, options, in, reduced, {}, output == nullptr, make_folder(f, res, in.scalar, seed_first), {}, {}, {}, {}};
  Buffer buffer;
  if (output) {
    w.out = levels_of(f, *output);
    if (w.out.scalar != out_dtype && !(missing && w.out.scalar == result))
      throw Error(ErrorCode::type, fmt::format("{}: the output must have dtype {}, not {}", f.name(), out_dtype.str(),
                                               w.out.scalar.str()));
  } else {
    if (!options.allocate)
      throw Error(ErrorCode::invalid_argument, fmt::format("{}: the output needs an allocator", f.name()));
    std::vector<Level> levels;
    for (std::size_t d = 0; d < in.levels.size(); ++d)
      if (!reduced[d]) levels.push_back({in.levels[d].var, in.levels[d].var ? 0 : in.levels[d].shape, 0, 1});
    buffer = allocate_levels(f, levels, out_dtype, options, w.out);
  }
  std::size_t kept = 0;
  for (bool r : reduced) kept += r ? 0 : 1;
  if (w.out.levels.size() != kept)
    throw Error(ErrorCode::value, fmt::format("{}: the output has {} dims, the reduction gives {}", f.name(),
                                              w.out.levels.size(), kept));
  w.finish = {&f, result, missing, w.out.scalar.kind() == ndt::Kind::Option, ro.skip_missing, ro.initial.has_value(),
              (res.kernel->flags & kernel_divide_by_count) != 0};
  if (!seed_first) {
    w.seed.resize(static_cast<std::size_t>(result.size()));
    store_double(f, ro.initial ? *ro.initial : f.identity(), result, w.seed.data());
  }
  w.visit(0, 0, {in.data}, w.out.data);
  return buffer;
}

}  // namespace pluribus::gfunc::detail
