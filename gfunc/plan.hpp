// Internal to gfunc: the iteration plan of a call (broadcast shape and per-operand byte
// strides), and the entry points of the core-dimension and ragged executors.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "gfunc/buffer.hpp"
#include "gfunc/call.hpp"
#include "gfunc/dispatch.hpp"
#include "gfunc/executor.hpp"

namespace pluribus::gfunc::detail {

// T for ?T, else the type itself.
inline const ndt::Type& value_of(const ndt::Type& t) { return t.kind() == ndt::Kind::Option ? t.child() : t; }

struct Plan {
  int nargs = 0;
  int ndim = 0;
  int64_t shape[kMaxDims];
  int64_t strides[kMaxArgs][kMaxDims];
  char* data[kMaxArgs];

  // Appends an operand, right-aligned against the plan's dims (ignoring its last ncore dims);
  // dims of extent 1 broadcast (stride 0).
  void add(const BufferView& b, int ncore);
  void coalesce();
  void run_range(Runner& runner, int64_t begin, int64_t end) const;
  void execute(Runner& runner, const CallOptions& options, bool serial) const;
};

// Memory a call needs for a while: contiguous copies of inputs (casts, overlaps).
struct Temporaries {
  std::vector<std::unique_ptr<char[]>> memory;
  std::vector<std::unique_ptr<Buffer>> buffers;  // no allocation until needed
  // A C-contiguous copy of `b` converted to `dtype`.
  BufferView copy(const BufferView& b, const ndt::Type& dtype, const CallOptions& options);
};

// Runs `body` on at most `threads` oneTBB threads (0: all of them). Arenas are made once per
// thread count and reused: making one per call costs more than a mid-sized call.
void run_parallel(int threads, const std::function<void()>& body);

// Whether two buffers touch a common byte.
bool overlaps(const BufferView& a, const BufferView& b);

// A shape of at most kMaxDims dims, without allocation.
struct Shape {
  int64_t dims[kMaxDims];
  int ndim = 0;
  std::span<const int64_t> span() const noexcept { return {dims, static_cast<std::size_t>(ndim)}; }
};

// NumPy broadcasting of the operands' leading dims (all but their last ncore[i] dims).
void broadcast_shapes(std::string_view function, std::span<const BufferView> operands, const int ncore[],
                      Shape& shape);

// Fills a runner for a resolution and the operands' scalar dtypes (call.cpp).
void setup_runner(Runner& runner, const Function& function, const Resolution& res,
                  std::span<const BufferView> inputs, std::span<const BufferView> outputs);

// Core-dimension functions (core.cpp).
void call_core(const Function& function, const Resolution& res, std::span<const BufferView> inputs,
               std::span<const BufferView> outputs, const CallOptions& options);
std::vector<Buffer> call_core_alloc(const Function& function, const Resolution& res,
                                    std::span<const BufferView> inputs, const CallOptions& options);

// Ragged operands (ragged.cpp): an operand as a stack of levels, its fixed arrmeta dims
// and then the dims inside its dtype, outermost first.
struct Level {
  bool var = false;
  int64_t shape = 1;   // fixed levels
  int64_t stride = 0;  // fixed: byte stride; var: the element size of the ragged data
  int64_t align = 1;   // var: the alignment of the ragged data
};

// A var element as stored in the data (spec/container.md).
struct VarDescriptor {
  char* data;
  int64_t size;
};

struct Operand {
  std::vector<Level> levels;  // outermost first
  ndt::Type scalar;           // the dtype below every level
  char* data = nullptr;
};

Operand levels_of(const Function& f, const BufferView& b);
// Allocates a result of these levels, zero-filled (its var elements are empty until a walk
// allocates them): the leading fixed levels become its arrmeta, the rest its dtype around
// `scalar`. Fills `op` with the result's levels, their strides and its data.
Buffer allocate_levels(const Function& f, const std::vector<Level>& levels, const ndt::Type& scalar,
                       const CallOptions& options, Operand& op);
// Whether the dtype has a var dim at any depth of its leading dims.
bool has_var_dim(const ndt::Type& dtype);

// One level of a ragged walk (ragged.cpp, ragged_core.cpp), for operands whose elements at
// this level start at ptrs[k]. The inputs (levels may be null: a missing level counts as 1)
// broadcast to the extent it returns; an input of extent 1 gets step 0. Each output's level
// (never null) gets its var element allocated (`allocate`) or checked against that extent,
// or its fixed extent checked. Fills base and step; `path` (the index of the element being
// walked) names it in errors.
struct LevelStep {
  const Function& f;
  const CallOptions& options;
  bool allocate;
  std::span<const int64_t> path;
  int d;  // the level, for messages
};
int64_t step_level(const LevelStep& s, std::span<const Level* const> inputs, std::span<const Level* const> outputs,
                   char* const* ptrs, char** base, int64_t* step);

// Elementwise functions over var dims (ragged.cpp).
void call_var(const Function& function, const Resolution& res, std::span<const BufferView> inputs,
              std::span<const BufferView> outputs, const CallOptions& options);
std::vector<Buffer> call_var_alloc(const Function& function, const Resolution& res,
                                   std::span<const BufferView> inputs, const CallOptions& options);

// Folds runs of a reduction's input into one result element (fold.cpp). The input may be
// ?T: its missing elements are skipped, the present ones gathered into a block first.
struct Folder {
  const Kernel* kernel = nullptr;  // the reduction's kernel, on dtype K
  CastLoop cast;                   // the input's values -> K (empty: none)
  int64_t value_size = 0;          // a ?T input: T's size (its validity byte follows); 0: plain
  int64_t kernel_size = 0;         // K's size
  int64_t out_size = 0;            // the result's size
  bool seed_first = false;         // no identity nor initial: the first element seeds the result
  // Folds n elements at `in` (byte stride `step`) into `out`. `seeded` tells whether `out`
  // holds a value yet (read when seed_first); `count` grows by the elements folded.
  int fold(const char* in, int64_t n, int64_t step, char* out, bool& seeded, int64_t& count) const;
};
// A folder for `input` (T or ?T) with the resolved kernel; seed_first when neither an
// identity nor `initial` starts the result.
Folder make_folder(const Function& function, const Resolution& res, const ndt::Type& input, bool seed_first);

// Completes reduction results once folded (fold.cpp): mean's division by the count, and
// for a ?T input whether the result is present (see ReduceOptions::skip_missing).
struct Finish {
  const Function* f = nullptr;
  ndt::Type result;            // R
  bool missing_input = false;  // the input is ?T
  bool option_output = false;  // results are ?R (else R: a missing result is an error)
  bool skip_missing = true;
  bool has_initial = false;
  bool divide = false;  // kernel_divide_by_count
  // The result at `out` (R's value first, then ?R's validity byte). `count`: the elements
  // folded into it, `total`: its set's size (present or not). `where` names it in errors.
  void apply(char* out, bool seeded, int64_t count, int64_t total, const std::function<std::string()>& where) const;
  // Whether a result is present (?T input).
  bool present(bool seeded, int64_t count, int64_t total) const noexcept;
};

// One-core-dim functions of one ?T input (fold.cpp), row by row: reductions called as
// core-dim functions, positions (kernel_position) and scans (`-> ... * N * U`). Each
// row's present elements are gathered into a block for the kernel and the results go back
// to the row: a position is mapped back, a scan's results go to the present elements'
// places (missing ones stay missing). `output` is ?U or U (a missing result then throws).
class MissingRows {
 public:
  MissingRows(const Function& function, const Resolution& res, const ndt::Type& input, const ndt::Type& output,
              bool skip_missing, std::optional<double> initial);
  // One row: n elements at `in` (stride `step`) into `out` (a scan: n results, stride out_step).
  void run(const char* in, int64_t n, int64_t step, char* out, int64_t out_step,
           const std::function<std::string()>& where);

 private:
  enum class Kind { reduce, position, scan };
  const Function& f_;
  const Resolution& res_;
  Kind kind_;
  int64_t value_size_;
  ndt::Type result_;  // U
  bool option_output_;
  bool skip_;
  Folder folder_;
  Finish finish_;
  std::vector<char> seed_;  // initial or the identity, as one U (empty: seed with the first)
  std::vector<char> values_, cast_, results_;
  std::vector<int64_t> positions_;
  const char* gather(const char* in, int64_t n, int64_t step, int64_t& m, bool with_positions);
  void write(char* out, const char* value, bool present, const std::function<std::string()>& where) const;
};

// Core-dimension functions whose operands have var dims (ragged_core.cpp). A var dim may
// be an outer (looped) dim or the outermost core dim of an operand; each ragged element
// binds the signature's dim variable on its own. `initial` seeds reductions (NumPy's
// initial=); reductions without it start from the identity or the first element.
void call_var_core(const Function& function, const Resolution& res, std::span<const BufferView> inputs,
                   std::span<const BufferView> outputs, const CallOptions& options,
                   std::optional<double> initial = std::nullopt);
std::vector<Buffer> call_var_core_alloc(const Function& function, const Resolution& res,
                                        std::span<const BufferView> inputs, const CallOptions& options,
                                        std::optional<double> initial = std::nullopt);

// NumPy's name of a reduction in its messages (min is minimum.reduce).
std::string_view numpy_reduction_name(const Function& function);

// Reductions of arrays with var dims (ragged_reduce.cpp): any axes, keepdims.
Buffer reduce_var(const Function& function, const BufferView& input, const BufferView* output,
                  const ReduceOptions& reduce_options, const CallOptions& options);
// The general case (ragged_reduce_walk.cpp): reduced dims above var dims fold the rows below
// them elementwise. `reduced` marks the input's levels to reduce (not all of them); keepdims
// is handled by the caller.
Buffer reduce_var_walk(const Function& function, const Resolution& res, const BufferView& input,
                       const BufferView* output, const std::vector<bool>& reduced, const ReduceOptions& reduce_options,
                       const CallOptions& options);

// Reductions (reduce.cpp): one element of a reduction's result, x /= count (mean), and
// one element seeded with a double.
void divide_element(const Function& function, const ndt::Type& dtype, char* element, double count);
void store_double(const Function& function, double value, const ndt::Type& dtype, char* element);

}  // namespace pluribus::gfunc::detail
