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

void check_request(int64_t size, int64_t align) {
  if (size < 0 || align <= 0 || (align & (align - 1)) != 0)
    throw Error(ErrorCode::invalid_argument, fmt::format("cannot allocate {} bytes aligned to {}", size, align));
}

#if defined(__linux__) && defined(MADV_HUGEPAGE)
// Blocks of 4 MiB and more ask for transparent huge pages (as NumPy's large arrays do):
// the first touch of fresh memory then faults once per 2 MiB page instead of once per
// 4 KiB, which is what a fresh result of a large call mostly costs.
// Up to 32 MiB, malloc serves them: once such a block has been freed, malloc keeps later
// ones of that size in its heap, so a loop making temporaries reuses warm pages. Above
// that (glibc's largest dynamic mmap threshold) malloc maps every block afresh, at an
// arbitrary 4 KiB page whose unaligned head and tail would still fault page by page; such
// blocks are mapped here instead, on a 2 MiB boundary and rounded up to 2 MiB. Mapped
// pages come zeroed.
constexpr int64_t kHugeThreshold = int64_t{4} << 20;
constexpr int64_t kMapThreshold = int64_t{32} << 20;
constexpr std::size_t kHugePage = std::size_t{2} << 20;

void* map_block(std::size_t size) noexcept {
  std::size_t span = size + kHugePage;
  if (span < size) return nullptr;
  void* p = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) return nullptr;
  auto begin = reinterpret_cast<std::uintptr_t>(p);
  auto aligned = (begin + kHugePage - 1) & ~std::uintptr_t{kHugePage - 1};
  std::size_t head = aligned - begin;
  if (head > 0) munmap(p, head);
  if (kHugePage - head > 0) munmap(reinterpret_cast<void*>(aligned + size), kHugePage - head);
  madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);
  return reinterpret_cast<void*>(aligned);
}
#endif

}  // namespace

Memory::Block Memory::new_block(int64_t size, int64_t align) {
  check_request(size, align);
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (size >= kMapThreshold && static_cast<std::size_t>(align) <= kHugePage) {
    auto rounded = (static_cast<std::size_t>(size) + kHugePage - 1) & ~(kHugePage - 1);
    if (void* p = map_block(rounded)) return {p, kHugePage, rounded};
    throw Error(ErrorCode::memory, fmt::format("out of memory allocating {} bytes", size));
  }
#endif
  std::size_t a = std::max<std::size_t>(static_cast<std::size_t>(align), kMinAlign);
  void* p = ::operator new(static_cast<std::size_t>(size > 0 ? size : 1), std::align_val_t(a), std::nothrow);
  if (p == nullptr) throw Error(ErrorCode::memory, fmt::format("out of memory allocating {} bytes", size));
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  if (size >= kHugeThreshold) {
    auto begin = (reinterpret_cast<std::uintptr_t>(p) + 4095) & ~std::uintptr_t{4095};
    auto end = (reinterpret_cast<std::uintptr_t>(p) + static_cast<std::uintptr_t>(size)) & ~std::uintptr_t{4095};
    if (end > begin) madvise(reinterpret_cast<void*>(begin), end - begin, MADV_HUGEPAGE);
  }
#endif
  return {p, a, 0};
}

void Memory::free_block(const Block& b) noexcept {
  if (b.pointer == nullptr) return;
#if defined(__linux__)
  if (b.mapped != 0) {
    munmap(b.pointer, b.mapped);
    return;
  }
#endif
  if (b.align == 0)
    std::free(b.pointer);
  else
    ::operator delete(b.pointer, std::align_val_t(b.align));
}

namespace {
struct Shared : Memory {};  // make_shared needs a public constructor
}  // namespace

std::shared_ptr<Memory> Memory::allocate(int64_t size, int64_t align, bool zero) {
  std::shared_ptr<Memory> m = std::make_shared<Shared>();
  if (size >= 0 && size <= static_cast<int64_t>(sizeof(inline_)) && align > 0 && align <= 16 && (align & (align - 1)) == 0) {
    m->data_ = m->inline_;
  } else {
    m->main_ = new_block(size, align);
    m->data_ = static_cast<char*>(m->main_.pointer);
  }
  if (zero && size > 0 && m->main_.mapped == 0) std::memset(m->data_, 0, static_cast<std::size_t>(size));
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
  free_block(main_);
  for (const Block& b : blocks_) free_block(b);
  if (release_) release_();
}

// Room for one more block, so that pushing a new block cannot throw once it exists.
void Memory::reserve_block_slot() {
  try {
    blocks_.reserve(blocks_.size() + 1);
  } catch (const std::bad_alloc&) {
    throw Error(ErrorCode::memory, "out of memory");
  }
}

char* Memory::allocate_extra(int64_t size, int64_t align) {
  check_request(size, align);
  std::lock_guard lock(mutex_);
  std::size_t n = static_cast<std::size_t>(size);
  std::size_t a = static_cast<std::size_t>(align);
  // An arena's first small request gets a block of its own: a one-element result needs
  // no chunk.
  if (n <= kChunkSize / 8 && a <= kMinAlign && (data_ != nullptr || !blocks_.empty())) {
    std::size_t pad = (a - reinterpret_cast<std::uintptr_t>(chunk_) % a) % a;
    if (chunk_ == nullptr || pad + n > chunk_left_) {
      reserve_block_slot();
      Block b = new_block(kChunkSize, kMinAlign);
      blocks_.push_back(b);
      chunk_ = static_cast<char*>(b.pointer);
      chunk_left_ = kChunkSize;
      pad = 0;
    }
    char* out = chunk_ + pad;
    chunk_ += pad + n;
    chunk_left_ -= pad + n;
    return out;
  }
  reserve_block_slot();
  Block b = new_block(size, align);
  blocks_.push_back(b);
  return static_cast<char*>(b.pointer);
}

void Memory::adopt_malloc(void* block) {
  if (block == nullptr) return;
  std::lock_guard lock(mutex_);
  try {
    reserve_block_slot();
  } catch (...) {
    std::free(block);
    throw;
  }
  blocks_.push_back({block, 0, 0});
}

}  // namespace pluribus::nd
