// Memory: the owned or borrowed main block of an array and the arena its elements point into.
#include "container/memory.hpp"

#include <fmt/format.h>

#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "ndt/error.hpp"

namespace pluribus::nd {
namespace {

constexpr std::size_t kChunkSize = 64 * 1024;    // extra requests up to kChunkSize/8 share chunks
constexpr std::size_t kMinAlign = alignof(std::max_align_t);

void* aligned_block(int64_t size, int64_t align) {
  if (size < 0 || align <= 0 || (align & (align - 1)) != 0)
    throw Error(ErrorCode::invalid_argument, fmt::format("cannot allocate {} bytes aligned to {}", size, align));
  std::size_t a = std::max<std::size_t>(static_cast<std::size_t>(align), kMinAlign);
  void* p = ::operator new(static_cast<std::size_t>(size > 0 ? size : 1), std::align_val_t(a), std::nothrow);
  if (p == nullptr) throw Error(ErrorCode::memory, fmt::format("out of memory allocating {} bytes", size));
#if defined(MADV_HUGEPAGE)
  // Large blocks ask for transparent huge pages, as NumPy does: first touches of a fresh
  // block then fault once per 2 MiB instead of once per 4 KiB.
  constexpr int64_t kHugeThreshold = int64_t{4} << 20;
  if (size >= kHugeThreshold) {
    auto begin = (reinterpret_cast<std::uintptr_t>(p) + 4095) & ~std::uintptr_t{4095};
    auto end = (reinterpret_cast<std::uintptr_t>(p) + static_cast<std::uintptr_t>(size)) & ~std::uintptr_t{4095};
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  }
#endif
  return p;
}

}  // namespace

namespace {
struct Shared : Memory {};  // make_shared needs a public constructor
}  // namespace

std::shared_ptr<Memory> Memory::allocate(int64_t size, int64_t align, bool zero) {
  std::shared_ptr<Memory> m = std::make_shared<Shared>();
  void* p;
  if (size >= 0 && size <= static_cast<int64_t>(sizeof(inline_)) && align > 0 && align <= 16 && (align & (align - 1)) == 0) {
    p = m->inline_;
  } else {
    p = aligned_block(size, align);
    m->main_ = {p, std::max<std::size_t>(static_cast<std::size_t>(align), kMinAlign)};
  }
  m->data_ = static_cast<char*>(p);
  if (zero && size > 0) std::memset(p, 0, static_cast<std::size_t>(size));
  return m;
}

std::shared_ptr<Memory> Memory::borrow(void* data, std::function<void()> release) {
  std::shared_ptr<Memory> m = std::make_shared<Shared>();
  m->data_ = static_cast<char*>(data);
  m->release_ = std::move(release);
  return m;
}

std::shared_ptr<Memory> Memory::arena() { return std::make_shared<Shared>(); }

Memory::~Memory() {
  if (main_.pointer) ::operator delete(main_.pointer, std::align_val_t(main_.align));
  for (const Block& b : blocks_) {
    if (b.align == 0)
      std::free(b.pointer);
    else
      ::operator delete(b.pointer, std::align_val_t(b.align));
  }
  if (release_) release_();
}

char* Memory::allocate_extra(int64_t size, int64_t align) {
  if (size < 0 || align <= 0 || (align & (align - 1)) != 0)
    throw Error(ErrorCode::invalid_argument, fmt::format("cannot allocate {} bytes aligned to {}", size, align));
  std::lock_guard lock(mutex_);
  std::size_t n = static_cast<std::size_t>(size);
  std::size_t a = static_cast<std::size_t>(align);
  // An arena's first small request gets a block of its own: a one-element result needs
  // no chunk.
  if (n <= kChunkSize / 8 && a <= kMinAlign && (data_ != nullptr || !blocks_.empty())) {
    std::size_t pad = (a - reinterpret_cast<std::uintptr_t>(chunk_) % a) % a;
    if (chunk_ == nullptr || pad + n > chunk_left_) {
      void* p = aligned_block(kChunkSize, kMinAlign);
      blocks_.push_back({p, kMinAlign});
      chunk_ = static_cast<char*>(p);
      chunk_left_ = kChunkSize;
      pad = 0;
    }
    char* out = chunk_ + pad;
    chunk_ += pad + n;
    chunk_left_ -= pad + n;
    return out;
  }
  void* p = aligned_block(size, align);
  try {
    blocks_.push_back({p, std::max(a, kMinAlign)});
  } catch (...) {
    ::operator delete(p, std::align_val_t(std::max(a, kMinAlign)));
    throw Error(ErrorCode::memory, "out of memory");
  }
  return static_cast<char*>(p);
}

void Memory::adopt_malloc(void* block) {
  if (block == nullptr) return;
  std::lock_guard lock(mutex_);
  try {
    blocks_.push_back({block, 0});
  } catch (...) {
    std::free(block);
    throw Error(ErrorCode::memory, "out of memory");
  }
}

}  // namespace pluribus::nd
