// Internal to gfunc: the innermost step of every call. A Runner calls one kernel loop on
// a run of elements, casting inputs into small blocks and kernel results out of them
// when dtypes differ, and turns a failing loop into an Error naming the element.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "gfunc/cast.hpp"
#include "gfunc/loop.hpp"
#include "ndt/type.hpp"

namespace pluribus::gfunc::detail {

constexpr int kMaxArgs = 8;
constexpr int kMaxDims = 64;
constexpr int64_t kBlock = 256;  // elements per block of casts and missing values

struct Runner {
  std::string_view function;  // for messages (the function outlives the call)
  StridedLoop strided = nullptr;
  StridedLoop contiguous = nullptr;
  const void* kernel_data = nullptr;
  int nin = 0;
  int nargs = 0;
  std::array<int64_t, kMaxArgs> itemsize{};          // of the kernel's dtypes
  std::array<CastLoop, kMaxArgs> cast{};             // inputs: operand -> kernel; outputs: kernel -> operand
  std::array<int64_t, kMaxArgs> cast_itemsize{};     // the operand's itemsize when cast
  std::array<const ndt::Type*, kMaxArgs> operand_dtype{};  // for messages; owned by the caller
  bool any_cast = false;
  // Missing values: operand k is ?T with T of value_size[k] bytes and the validity byte at
  // value_size[k] (0 when not an option). `one` holds T's 1, read in place of a missing
  // input so that no kernel sees garbage (a division by a missing zero is no error).
  std::array<int64_t, kMaxArgs> value_size{};
  std::array<std::array<char, 16>, kMaxArgs> one{};
  bool any_option = false;
  int64_t call_size = 0;  // the elements of the whole call (LoopContext::call_size)

  // The first failure, by element (flat index in the broadcast shape).
  std::atomic<int64_t> error_flat{INT64_MAX};
  int error_status = 0;
  int error_arg = -1;  // the cast operand that failed, or -1 for the kernel
  bool kernel_is_cast = false;  // assign: the kernel is a cast of operand 0 into operand 1
  std::string error_value;
  std::atomic_flag error_lock = ATOMIC_FLAG_INIT;

  // Runs n elements; `flat` is the flat index of the first (for messages).
  void run(char* const* ptrs, const int64_t* steps, int64_t n, int64_t flat) noexcept;
  // Throws the recorded error, if any, naming the element by its index in `shape`.
  void rethrow(std::span<const int64_t> shape) const;
  // Throws the recorded error, if any, naming the element as `where` ("[1, 2]").
  void rethrow_at(const std::string& where) const;
  bool failed() const noexcept { return error_flat.load(std::memory_order_relaxed) != INT64_MAX; }

 private:
  void fail(int status, int arg, int64_t flat, const char* element) noexcept;
};

// The iteration a failed loop names, or 0 when it named none (or one out of range).
int64_t failing_index(const LoopContext& ctx, int64_t n) noexcept;

// Unravels a flat C-order index into "[i, j, k]".
std::string index_string(int64_t flat, std::span<const int64_t> shape);

}  // namespace pluribus::gfunc::detail
