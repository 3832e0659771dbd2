// The owner of an array's memory, shared by the array and every view of it.
//
// A Memory holds the array's main block (owned or borrowed) and an arena for the data that
// elements point to: string bytes and ragged (`var`) elements. Everything lives until the
// last array or view referring to the Memory goes away; then owned blocks are freed and a
// borrowed block's release callback runs, exactly once.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "ndt/api.hpp"

namespace pluribus::nd {

class PLURIBUS_API Memory {
 public:
  // A new owned block of `size` bytes aligned to `align` (a power of two), zero-filled when
  // `zero` is set. Throws Error(memory) when the allocation fails.
  static std::shared_ptr<Memory> allocate(int64_t size, int64_t align, bool zero);
  // Memory that belongs to someone else: `release` runs once when the last view goes away
  // (it may be empty for memory that outlives every array, such as static data).
  static std::shared_ptr<Memory> borrow(void* data, std::function<void()> release);
  // Memory without a main block, for arrays whose blocks all come from allocate_extra
  // (results of gfunc calls, arrays assembled from parts).
  static std::shared_ptr<Memory> arena();

  Memory(const Memory&) = delete;
  Memory& operator=(const Memory&) = delete;
  ~Memory();

  // The main block (owned or borrowed).
  char* data() const noexcept { return data_; }

  // Extra storage that lives as long as this Memory: string bytes, ragged elements. Small
  // requests are carved from shared chunks. Thread-safe. Throws Error(memory).
  char* allocate_extra(int64_t size, int64_t align);
  // Takes ownership of a std::malloc block (strings written by gfunc's casts).
  void adopt_malloc(void* block);

 protected:
  // User-provided, so that make_shared does not zero the whole object (inline_ included)
  // before the member initialisers run.
  Memory() noexcept {}

 private:
  struct Block {
    void* pointer;
    std::size_t align;       // 0: std::malloc'ed
    std::size_t mapped = 0;  // nonzero: an mmap'ed block of this many bytes
  };
  static Block new_block(int64_t size, int64_t align);
  static void free_block(const Block& b) noexcept;
  void reserve_block_slot();
  char* data_ = nullptr;
  std::function<void()> release_;
  std::mutex mutex_;
  Block main_{nullptr, 0, 0};     // the owned main block (when not inline or borrowed)
  std::vector<Block> blocks_;  // owned extra blocks
  // Small arrays (scalars) live inside the Memory itself: one allocation in all.
  alignas(16) char inline_[32];
  char* chunk_ = nullptr;      // the current chunk for small extra requests
  std::size_t chunk_left_ = 0;
};

}  // namespace pluribus::nd
