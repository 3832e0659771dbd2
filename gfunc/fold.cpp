// Folding rows into reduction results, skipping missing values. One wrapper serves every
// typed kernel: the present elements of a ?T row are gathered (and cast) into a block, the
// kernel folds, finds a position in, or scans the block, and the results go back, with
// validity deciding which results are missing (spec/container.md, "Reductions and missing
// values").
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "gfunc/plan.hpp"
#include "ndt/checked.hpp"

namespace pluribus::gfunc::detail {
namespace {

// Elements gathered at a time: a thread's block stays within a few MiB, and float sums
// stay pairwise over each block.
constexpr int64_t kPiece = 1 << 16;

std::size_t bytes(int64_t n, int64_t size) {
  return static_cast<std::size_t>(std::max<int64_t>(ndt::detail::checked_mul(n, size, "reduction block"), 1));
}

int fold_block(const Folder& fo, const char* p, int64_t n, int64_t step, char* out, bool& seeded,
               int64_t& count) noexcept {
  if (n == 0) return loop_ok;
  // Folding the seed again is harmless for the functions that need it (min, max).
  if (fo.seed_first && !seeded) std::memcpy(out, p, static_cast<std::size_t>(fo.out_size));
  seeded = true;
  count += n;
  char* args[2] = {const_cast<char*>(p), out};
  int64_t dims[2] = {1, n};
  int64_t steps[3] = {0, 0, step};
  LoopContext ctx{fo.kernel->data, -1};
  return fo.kernel->strided(args, dims, steps, &ctx);
}

// Casts m elements at p (stride step) into `to` (the kernel's dtype, contiguous).
const char* cast_into(const CastLoop& cast, const char* p, int64_t m, int64_t step, int64_t size,
                      std::vector<char>& to) {
  to.resize(bytes(m, size));
  char* args[2] = {const_cast<char*>(p), to.data()};
  int64_t steps[2] = {step, size};
  LoopContext ctx{cast.data, -1};
  cast.loop(args, &m, steps, &ctx);  // nocheck casts do not fail
  return to.data();
}

}  // namespace

int Folder::fold(const char* in, int64_t n, int64_t step, char* out, bool& seeded, int64_t& count) const {
  if (!value_size && !cast) return fold_block(*this, in, n, step, out, seeded, count);
  thread_local std::vector<char> gathered, casted;
  for (int64_t done = 0; done < n; done += kPiece) {
    int64_t m = std::min(kPiece, n - done);
    const char* p = in + done * step;
    int64_t s = step;
    if (value_size) {
      gathered.resize(bytes(m, value_size));
      int64_t k = 0;
      for (int64_t i = 0; i < m; ++i) {
        const char* e = p + i * s;
        if (e[value_size] == 0) continue;
        std::memcpy(gathered.data() + k++ * value_size, e, static_cast<std::size_t>(value_size));
      }
      m = k;
      p = gathered.data();
      s = value_size;
    }
    if (m == 0) continue;
    if (cast) {
      p = cast_into(cast, p, m, s, kernel_size, casted);
      s = kernel_size;
    }
    int status = fold_block(*this, p, m, s, out, seeded, count);
    if (status != loop_ok) return status;
  }
  return loop_ok;
}

Folder make_folder(const Function& f, const Resolution& res, const ndt::Type& input, bool seed_first) {
  Folder fo;
  fo.kernel = res.kernel;
  fo.cast = res.in_casts[0];
  fo.value_size = input.kind() == ndt::Kind::Option ? input.child().size() : 0;
  fo.kernel_size = res.in_dtypes[0].size();
  const ndt::Type& result = value_of(res.out_dtypes[0]);
  fo.out_size = result.size();
  fo.seed_first = seed_first;
  if (seed_first && res.in_dtypes[0] != result)
    throw Error(ErrorCode::not_implemented, fmt::format("{}: a reduction without identity from {} to {}", f.name(),
                                                        res.in_dtypes[0].str(), result.str()));
  return fo;
}

bool Finish::present(bool seeded, int64_t count, int64_t total) const noexcept {
  if (!missing_input) return seeded;
  if (count == 0 && !has_initial) return false;
  return skip_missing || count == total;
}

void Finish::apply(char* out, bool seeded, int64_t count, int64_t total,
                   const std::function<std::string()>& where) const {
  const auto size = static_cast<std::size_t>(result.size());
  if (!missing_input) {
    if (!seeded)
      throw Error(ErrorCode::value, fmt::format("{}: zero-size array to reduction operation {} which has no "
                                                "identity (the element at index {})",
                                                f->name(), numpy_reduction_name(*f), where()));
    if (divide) divide_element(*f, result, out, static_cast<double>(total));
    if (option_output) out[size] = 1;
    return;
  }
  if (present(seeded, count, total)) {
    if (divide && count > 0) divide_element(*f, result, out, static_cast<double>(count));
    if (option_output) out[size] = 1;
    return;
  }
  if (!option_output)
    throw Error(ErrorCode::value, fmt::format("{}: cannot write a missing result to {} at index {} (the output "
                                              "needs dtype ?{})",
                                              f->name(), result.str(), where(), result.str()));
  std::memset(out, 0, size);
  out[size] = 0;
}

MissingRows::MissingRows(const Function& f, const Resolution& res, const ndt::Type& input, const ndt::Type& output,
                         bool skip_missing, std::optional<double> initial)
    : f_(f),
      res_(res),
      kind_(res.out_core[0].ndim() == 1                 ? Kind::scan
            : (res.kernel->flags & kernel_reduction) != 0 ? Kind::reduce
                                                          : Kind::position),
      value_size_(input.child().size()),
      result_(value_of(res.out_dtypes[0])),
      option_output_(output.kind() == ndt::Kind::Option),
      skip_(skip_missing) {
  if (value_of(output) != result_)
    throw Error(ErrorCode::type, fmt::format("{}: the output must have dtype ?{} (or {}), not {}", f.name(),
                                             result_.str(), result_.str(), output.str()));
  if (kind_ == Kind::position && result_ != ndt::int64)
    throw Error(ErrorCode::not_implemented,
                fmt::format("{}: a position kernel must give int64, not {}", f.name(), result_.str()));
  if (kind_ != Kind::reduce) return;
  bool seed_first = !initial && std::isnan(f.identity());
  folder_ = make_folder(f, res, input, seed_first);
  finish_ = {&f, result_, true, option_output_, skip_missing, initial.has_value(),
             (res.kernel->flags & kernel_divide_by_count) != 0};
  if (!seed_first) {
    seed_.resize(static_cast<std::size_t>(result_.size()));
    store_double(f, initial ? *initial : f.identity(), result_, seed_.data());
  }
}

const char* MissingRows::gather(const char* in, int64_t n, int64_t step, int64_t& m, bool with_positions) {
  values_.resize(bytes(n, value_size_));
  if (with_positions) positions_.resize(static_cast<std::size_t>(n));
  m = 0;
  for (int64_t i = 0; i < n; ++i) {
    const char* e = in + i * step;
    if (e[value_size_] == 0) continue;
    std::memcpy(values_.data() + m * value_size_, e, static_cast<std::size_t>(value_size_));
    if (with_positions) positions_[static_cast<std::size_t>(m)] = i;
    ++m;
  }
  if (!res_.in_casts[0] || m == 0) return values_.data();
  return cast_into(res_.in_casts[0], values_.data(), m, value_size_, res_.in_dtypes[0].size(), cast_);
}

void MissingRows::write(char* out, const char* value, bool present, const std::function<std::string()>& where) const {
  const auto size = static_cast<std::size_t>(result_.size());
  if (present) {
    std::memcpy(out, value, size);
    if (option_output_) out[size] = 1;
    return;
  }
  if (!option_output_)
    throw Error(ErrorCode::value, fmt::format("{}: cannot write a missing result to {} at index {} (the output "
                                              "needs dtype ?{})",
                                              f_.name(), result_.str(), where(), result_.str()));
  std::memset(out, 0, size);
  out[size] = 0;
}

void MissingRows::run(const char* in, int64_t n, int64_t step, char* out, int64_t out_step,
                      const std::function<std::string()>& where) {
  const int64_t kernel_size = res_.in_dtypes[0].size();
  auto check = [&](int status) {
    if (status != loop_ok)
      throw Error(ErrorCode::value, fmt::format("{}: the kernel failed (status {}) at index {}", f_.name(), status,
                                                where()));
  };
  switch (kind_) {
    case Kind::reduce: {
      if (!seed_.empty()) std::memcpy(out, seed_.data(), seed_.size());
      bool seeded = !folder_.seed_first;
      int64_t count = 0;
      check(folder_.fold(in, n, step, out, seeded, count));
      finish_.apply(out, seeded, count, n, where);
      return;
    }
    case Kind::position: {
      int64_t m = 0;
      const char* p = gather(in, n, step, m, true);
      bool present = m > 0 && (skip_ || m == n);
      int64_t position = 0;
      if (present) {
        char* args[2] = {const_cast<char*>(p), reinterpret_cast<char*>(&position)};
        int64_t dims[2] = {1, m};
        int64_t steps[3] = {0, 0, kernel_size};
        LoopContext ctx{res_.kernel->data, -1};
        check(res_.kernel->strided(args, dims, steps, &ctx));
        if (position < 0 || position >= m)
          throw Error(ErrorCode::internal, fmt::format("{}: the kernel gave position {} in a row of {} at index {}",
                                                       f_.name(), position, m, where()));
        position = positions_[static_cast<std::size_t>(position)];
      }
      write(out, reinterpret_cast<const char*>(&position), present, where);
      return;
    }
    case Kind::scan: {
      // Without skipping, the results end at the first missing element.
      int64_t limit = n;
      if (!skip_)
        for (int64_t j = 0; j < n; ++j)
          if (in[j * step + value_size_] == 0) {
            limit = j;
            break;
          }
      int64_t m = 0;
      const char* p = gather(in, limit, step, m, false);
      const int64_t size = result_.size();
      results_.resize(bytes(m, size));
      if (m > 0) {
        char* args[2] = {const_cast<char*>(p), results_.data()};
        int64_t dims[2] = {1, m};
        int64_t steps[4] = {0, 0, kernel_size, size};
        LoopContext ctx{res_.kernel->data, -1};
        check(res_.kernel->strided(args, dims, steps, &ctx));
      }
      int64_t k = 0;
      for (int64_t j = 0; j < n; ++j) {
        bool present = j < limit && in[j * step + value_size_] != 0;
        write(out + j * out_step, results_.data() + k * size, present, where);
        if (present) ++k;
      }
      return;
    }
  }
}

}  // namespace pluribus::gfunc::detail
