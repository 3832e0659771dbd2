// Kernel resolution: exact match, then the first kernel (in registration order, which
// runs from the narrowest dtypes to the widest as NumPy's loops do) that every input
// reaches through a safe cast. Results are cached per input dtype tuple.
#include "gfunc/dispatch.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "ndt/match.hpp"
#include "ndt/node.hpp"

namespace pluribus::gfunc {
namespace {

std::size_t key_hash(const ndt::detail::Node* const* nodes, std::size_t n) noexcept {
  std::size_t h = n;
  for (std::size_t i = 0; i < n; ++i) h = h * 0x9E3779B97F4A7C15ull + reinterpret_cast<std::uintptr_t>(nodes[i]);
  return (h ^ (h >> 29)) * 0xBF58476D1CE4E5B9ull;
}

std::size_t key_hash(std::span<const ndt::Type> dtypes) noexcept {
  const ndt::detail::Node* nodes[Function::Cache::kMaxKey];
  for (std::size_t i = 0; i < dtypes.size(); ++i) nodes[i] = dtypes[i].node();
  return key_hash(nodes, dtypes.size());
}

bool key_equal(const Function::Cache::Entry& e, std::span<const ndt::Type> dtypes) noexcept {
  if (e.nkey != static_cast<int>(dtypes.size())) return false;
  for (int i = 0; i < e.nkey; ++i)
    if (e.key[i] != dtypes[i].node()) return false;
  return true;
}

// The parameter below its leading ellipsis (the core dims and the dtype).
ndt::Type core_of(const ndt::Type& param) {
  return param.kind() == ndt::Kind::EllipsisDim ? param.child() : param;
}

// Tries one kernel. `exact`: every input dtype must match its parameter's dtype as is.
bool try_kernel(const Kernel& k, std::span<const ndt::Type> dtypes, bool exact, Resolution& r) {
  auto params = k.signature.fields();
  if (params.size() != dtypes.size()) return false;
  ndt::Bindings bindings;
  std::vector<ndt::Type> in(dtypes.size());
  std::vector<CastLoop> casts(dtypes.size());
  for (std::size_t i = 0; i < dtypes.size(); ++i) {
    ndt::Type want = params[i].type.dtype();
    if (want.is_concrete()) {
      if (want == dtypes[i]) {
        in[i] = want;
      } else if (!exact && dtypes[i].is_scalar() && can_cast_safely(dtypes[i], want)) {
        casts[i] = find_cast(dtypes[i], want, cast_nocheck);
        if (!casts[i]) return false;
        in[i] = want;
      } else {
        return false;
      }
    } else {
      // A pattern dtype (T, Float, Scalar): the input must match it as is.
      if (!ndt::match(want, dtypes[i], bindings)) return false;
      in[i] = dtypes[i];
    }
  }
  r.kernel = &k;
  r.in_dtypes = std::move(in);
  r.in_casts = std::move(casts);
  r.any_cast = false;
  for (const CastLoop& c : r.in_casts) r.any_cast = r.any_cast || c;
  r.out_dtypes.clear();
  r.in_core.clear();
  r.out_core.clear();
  r.elementwise = true;
  for (const auto& p : params) {
    r.in_core.push_back(core_of(p.type));
    if (r.in_core.back().ndim() != 0) r.elementwise = false;
  }
  for (const ndt::Type& o : k.signature.outputs()) {
    ndt::Type dt = o.dtype();
    r.out_dtypes.push_back(dt.is_concrete() ? dt : ndt::substitute(dt, bindings));
    r.out_core.push_back(core_of(o));
    if (r.out_core.back().ndim() != 0) r.elementwise = false;
  }
  return true;
}

// A kernel of one input with one core dim, `(... * N * T) -> ... * U` or `-> ... * N * U`,
// that folds its row (a reduction), finds a position in it (argmin) or scans it (N * U out):
// over ?T the executor gathers each row's present elements for it (fold.cpp: MissingRows).
bool rows_take_missing(const Kernel& k, const Resolution& r) {
  if (r.in_core.size() != 1 || r.out_core.size() != 1 || r.in_core[0].ndim() != 1) return false;
  const ndt::Type& in_dim = r.in_core[0];
  const ndt::Type& out = r.out_core[0];
  if (in_dim.kind() != ndt::Kind::SymbolicDim) return false;
  if (out.ndim() == 0) return (k.flags & (kernel_reduction | kernel_position)) != 0;
  return out.ndim() == 1 && out.kind() == ndt::Kind::SymbolicDim && out.name() == in_dim.name() &&
         !(k.flags & (kernel_reduction | kernel_position));
}

}  // namespace

const Resolution* Function::Cache::find(const ndt::detail::Node* const* nodes, int n) const noexcept {
  if (n > kMaxKey) return nullptr;
  std::size_t h = key_hash(nodes, static_cast<std::size_t>(n));
  for (std::size_t probe = 0; probe < kSlots; ++probe) {
    const Entry* e = slots[(h + probe) % kSlots].load(std::memory_order_acquire);
    if (!e) return nullptr;
    if (e->nkey == n && std::equal(nodes, nodes + n, e->key.begin())) return &e->resolution;
  }
  return nullptr;
}

const Resolution* Function::Cache::find(std::span<const ndt::Type> dtypes) const noexcept {
  if (dtypes.size() > kMaxKey) return nullptr;
  std::size_t h = key_hash(dtypes);
  for (std::size_t probe = 0; probe < kSlots; ++probe) {
    const Entry* e = slots[(h + probe) % kSlots].load(std::memory_order_acquire);
    if (!e) return nullptr;
    if (key_equal(*e, dtypes)) return &e->resolution;
  }
  return nullptr;
}

const Resolution* Function::Cache::insert(std::span<const ndt::Type> dtypes, Resolution resolution) {
  std::lock_guard lock(write_mutex);
  if (const Resolution* r = find(dtypes)) return r;
  // Keys the table cannot hold (too long, or the table half full) are found by a scan of
  // the entries made since the last clear(), so repeated calls reuse one entry.
  bool tabled = dtypes.size() <= kMaxKey && entries.size() - cleared < kSlots / 2;
  if (!tabled)
    for (std::size_t i = cleared; i < entries.size(); ++i)
      if (std::equal(dtypes.begin(), dtypes.end(), entries[i].pinned.begin(), entries[i].pinned.end()))
        return &entries[i].resolution;
  Entry& e = entries.emplace_back();
  e.resolution = std::move(resolution);
  e.pinned.assign(dtypes.begin(), dtypes.end());
  if (!tabled) return &e.resolution;
  e.nkey = static_cast<int>(dtypes.size());
  for (int i = 0; i < e.nkey; ++i) e.key[i] = dtypes[i].node();
  std::size_t h = key_hash(dtypes);
  for (std::size_t probe = 0;; ++probe) {
    auto& slot = slots[(h + probe) % kSlots];
    if (!slot.load(std::memory_order_relaxed)) {
      slot.store(&e, std::memory_order_release);
      break;
    }
  }
  return &e.resolution;
}

// Called when a kernel is added (a new kernel may change earlier choices). Entries stay
// allocated, so a caller still holding a resolution keeps a valid one.
void Function::Cache::clear() noexcept {
  std::lock_guard lock(write_mutex);
  for (auto& s : slots) s.store(nullptr, std::memory_order_release);
  cleared = entries.size();
}

const Resolution& resolve(const Function& function, std::span<const ndt::Type> dtypes) {
  Function::Cache& cache = function.cache();
  if (const Resolution* r = cache.find(dtypes)) return *r;

  if (function.nin() >= 0 && static_cast<int>(dtypes.size()) != function.nin())
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{}() takes {} input{}, got {}", function.name(), function.nin(),
                            function.nin() == 1 ? "" : "s", dtypes.size()));
  Resolution r;
  for (const Kernel& k : function.kernels())
    if (try_kernel(k, dtypes, true, r)) return *cache.insert(dtypes, std::move(r));
  if (!function.bool_refusal().empty() && !dtypes.empty() &&
      std::all_of(dtypes.begin(), dtypes.end(), [](const ndt::Type& t) { return t.kind() == ndt::Kind::Bool; }))
    throw Error(ErrorCode::type, fmt::format("{}: {}", function.name(), function.bool_refusal()));
  for (const Kernel& k : function.kernels())
    if (try_kernel(k, dtypes, false, r)) return *cache.insert(dtypes, std::move(r));

  // Missing values: run a kernel of the values and propagate missingness by validity
  // (elementwise kernels), or skip the missing elements of each row (see rows_take_missing).
  bool any_option = false;
  std::vector<ndt::Type> values(dtypes.begin(), dtypes.end());
  for (ndt::Type& t : values)
    if (t.kind() == ndt::Kind::Option) {
      t = t.child();
      any_option = true;
    }
  if (any_option)
    for (bool exact : {true, false})
      for (const Kernel& k : function.kernels())
        if (try_kernel(k, values, exact, r)) {
          if (!r.elementwise && !rows_take_missing(k, r)) break;  // other core-dim kernels do not
          r.propagates_missing = true;
          for (ndt::Type& t : r.out_dtypes) t = ndt::make_option(t);
          return *cache.insert(dtypes, std::move(r));
        }

  std::string got, offered;
  for (const ndt::Type& t : dtypes) got += (got.empty() ? "" : ", ") + t.str();
  for (const Kernel& k : function.kernels()) offered += "\n  " + k.signature.str();
  throw Error(ErrorCode::type, fmt::format("{}() has no kernel for ({}); its signatures are:{}", function.name(),
                                           got, offered));
}

}  // namespace pluribus::gfunc
