// Hash-consing of type nodes: one shared node per distinct type. A node whose last handle
// goes away stays alive for a while, referenced by a bounded ring per shard of recently
// unused nodes, so that parsing the same type again finds it instead of rebuilding it (and
// releasing it again takes no lock); the ring bounds the memory kept. Primitive nodes are immortal singletons that are never counted.
#include <algorithm>
#include <array>
#include <bit>
#include <string>
#include <vector>
#include <cstring>
#include <utility>
#include <memory>
#include <mutex>

#include "ndt/node.hpp"

namespace pluribus::ndt::detail {
namespace {

constexpr std::size_t kRecentPerShard = 64;

// A shard's nodes: an open-addressed table (linear probing) of node pointers, each with
// its hash, so that a probe reads one run of slots and touches a node only when its hash
// matches. Deletion shifts the run back (no tombstones). Guarded by the shard's mutex.
class NodeTable {
 public:
  // Calls f(node) for each node with this hash until f returns true; returns that node.
  template <typename Match>
  Node* find(std::size_t hash, Match&& f) const {
    if (slots_.empty()) return nullptr;
    for (std::size_t i = home(hash);; i = (i + 1) & mask_) {
      const Slot& s = slots_[i];
      if (!s.node) return nullptr;
      if (s.hash == hash && f(*s.node)) return s.node;
    }
  }
  bool contains(const Node* node, std::size_t hash) const {
    return find(hash, [node](const Node& n) { return &n == node; }) != nullptr;
  }
  void insert(Node* node) {
    if (2 * (count_ + 1) > slots_.size()) grow();
    std::size_t i = home(node->hash);
    while (slots_[i].node) i = (i + 1) & mask_;
    slots_[i] = {node->hash, node};
    ++count_;
  }
  void erase(const Node* node) {
    std::size_t i = home(node->hash);
    while (slots_[i].node != node) i = (i + 1) & mask_;
    // Move back each later slot of the run that may live at i (its home is not in (i, j]).
    for (std::size_t j = (i + 1) & mask_; slots_[j].node; j = (j + 1) & mask_) {
      const std::size_t k = home(slots_[j].hash);
      if (((j - k) & mask_) >= ((j - i) & mask_)) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i] = {};
    --count_;
  }

 private:
  struct Slot {
    std::size_t hash = 0;
    Node* node = nullptr;
  };
  std::vector<Slot> slots_;  // a power of two in size, at most half full
  std::size_t mask_ = 0;
  int shift_ = 64;  // 64 - log2(slots_.size())
  std::size_t count_ = 0;

  // Fibonacci hashing: the top bits of the product (the shard is chosen by low bits).
  std::size_t home(std::size_t hash) const {
    return static_cast<std::size_t>((hash * 0x9e3779b97f4a7c15ULL) >> shift_);
  }
  void grow() {
    std::vector<Slot> old = std::exchange(slots_, std::vector<Slot>(std::max<std::size_t>(
                                                       16, 2 * slots_.size())));
    mask_ = slots_.size() - 1;
    shift_ = 64 - std::countr_zero(slots_.size());
    for (const Slot& s : old) {
      if (!s.node) continue;
      std::size_t i = home(s.hash);
      while (slots_[i].node) i = (i + 1) & mask_;
      slots_[i] = s;
    }
  }
};

struct alignas(64) Shard {
  std::mutex mutex;
  NodeTable nodes;
  // Recently unused nodes; the ring holds one reference to each.
  std::array<Node*, kRecentPerShard> recent{};
  std::size_t next = 0;
};

constexpr std::size_t kShards = 64;

std::array<Shard, kShards>& shards() {
  // Never destroyed: types may be released by other static destructors.
  static auto* table = new std::array<Shard, kShards>();
  return *table;
}

Shard& shard_for(std::size_t hash) { return shards()[(hash >> 7) % kShards]; }

std::size_t mix(std::size_t seed, std::size_t v) { return hash_mix(seed, v); }

// Frees a node. Freeing releases its children, which may free them in turn: instead of
// recursing (a long chain of types would overflow the stack) the nested frees are queued
// and the outermost call drains the queue.
thread_local std::vector<Node*>* pending_frees = nullptr;

void free_node(Node* node) noexcept {
  if (pending_frees) {
    pending_frees->push_back(node);
    return;
  }
  std::vector<Node*> queue{node};
  pending_frees = &queue;
  while (!queue.empty()) {
    Node* n = queue.back();
    queue.pop_back();
    delete n;
  }
  pending_frees = nullptr;
}

int32_t depth_of(const Node& n) {
  int32_t d = 0;
  auto see = [&](const Type& t) {
    if (t) d = std::max(d, t.node()->depth);
  };
  see(n.child);
  see(n.child2);
  for (const auto& f : n.fields) see(f.type);
  for (const auto& t : n.outputs) see(t);
  return d + 1;
}

}  // namespace

void retain(const Node* node) noexcept {
  if (node && !(node->flags & kImmortal)) node->refcount.fetch_add(1, std::memory_order_relaxed);
}

namespace {

// The count of `node` (with hash `hash`) reached zero. Under the shard lock (where lookups
// revive nodes) the ring of recently unused nodes takes a reference to it; the node it
// displaces loses the ring's reference and is freed if that was the last one. Kept out of
// release() so that its usual path saves no registers.
[[gnu::noinline]] void park(const Node* node, std::size_t hash) noexcept {
  Node* doomed = nullptr;
  {
    Shard& shard = shard_for(hash);
    std::lock_guard lock(shard.mutex);
    // Only a node still in the table can be touched: a node that another thread revived,
    // released and freed meanwhile is gone from the table and must not be dereferenced.
    Node* n = const_cast<Node*>(node);
    if (!shard.nodes.contains(node, hash) || n->refcount.load(std::memory_order_acquire) != 0)
      return;
    // A node in the ring always has the ring's reference, so this one is not in it.
    n->refcount.store(1, std::memory_order_release);
    Node* old = std::exchange(shard.recent[shard.next], n);
    shard.next = (shard.next + 1) % kRecentPerShard;
    // Counts only rise under this lock (lookups) or through a holder, so the ring's
    // reference being the last one is stable here.
    if (old && old->refcount.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      shard.nodes.erase(old);
      doomed = old;
    }
  }
  if (doomed) free_node(doomed);  // outside the lock: releasing children may need the same shard
}

}  // namespace

void release(const Node* node) noexcept {
  if (!node || (node->flags & kImmortal)) return;
  const std::size_t hash = node->hash;  // read while we still hold a reference
  if (node->refcount.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  park(node, hash);
}

std::size_t shallow_hash(const Node& n) noexcept {
  std::size_t h = hash_head(n.kind, n.encoding, n.variadic, n.kw_variadic, n.a, n.b);
  if (!n.name.empty()) h = mix(h, hash_name(n.name));
  if (n.child) h = mix(h, n.child.hash());
  if (n.child2) h = mix(h, n.child2.hash());
  for (const auto& f : n.fields) h = hash_field(h, f.name, f.type.hash(), f.align);
  for (const auto& t : n.outputs) h = mix(h, t.hash());
  for (const auto& c : n.categories) {
    h = mix(h, c.value.index());
    if (auto* i = std::get_if<int64_t>(&c.value)) h = mix(h, static_cast<std::size_t>(*i));
    if (auto* d = std::get_if<double>(&c.value)) h = mix(h, std::hash<double>()(*d));
    if (auto* s = std::get_if<std::string>(&c.value)) h = mix(h, std::hash<std::string>()(*s));
  }
  return h;
}

bool shallow_equal(const Node& x, const Node& y) noexcept {
  if (x.kind != y.kind || x.encoding != y.encoding || x.variadic != y.variadic ||
      x.kw_variadic != y.kw_variadic || x.a != y.a || x.b != y.b || x.align != y.align ||
      x.child != y.child || x.child2 != y.child2 || x.name != y.name ||
      x.fields.size() != y.fields.size() || x.outputs != y.outputs ||
      x.categories.size() != y.categories.size())
    return false;
  for (std::size_t i = 0; i < x.fields.size(); ++i) {
    const auto& f = x.fields[i];
    const auto& g = y.fields[i];
    if (f.name != g.name || f.type != g.type || f.align != g.align) return false;
  }
  for (std::size_t i = 0; i < x.categories.size(); ++i) {
    // Bitwise for doubles: -0.0 and 0.0 are different categories, NaN equals itself.
    const auto& c = x.categories[i].value;
    const auto& d = y.categories[i].value;
    if (c.index() != d.index()) return false;
    if (auto* p = std::get_if<double>(&c)) {
      if (std::memcmp(p, &std::get<double>(d), sizeof(double)) != 0) return false;
    } else if (!(c == d)) {
      return false;
    }
  }
  return true;
}

namespace {

// Each thread remembers the nodes it interned last, by hash, holding a reference to each:
// interning a type again (the usual case when parsing) finds it here without taking a
// shard's lock. Two ways per set, each with its node's hash, so that a miss touches no node.
// The references go when the thread ends or an entry is displaced.
class RecentlyInterned {
 public:
  template <typename Match>
  Node* find(std::size_t hash, Match&& matches) {
    for (const Entry& e : set(hash).ways)
      if (e.hash == hash && e.node && matches(*e.node)) return e.node;
    return nullptr;
  }
  // Takes over one reference to `node`, which is not in its set.
  void remember(Node* node) {
    Set& s = set(node->hash);
    Node* displaced = s.ways[1].node;
    s.ways[1] = s.ways[0];
    s.ways[0] = {node->hash, node};
    release(displaced);
  }
  ~RecentlyInterned() {
    for (Set& s : sets_)
      for (Entry& e : s.ways) release(std::exchange(e.node, nullptr));
  }

 private:
  static constexpr std::size_t kSets = 4096;
  struct Entry {
    std::size_t hash = 0;
    Node* node = nullptr;
  };
  struct Set {
    Entry ways[2];  // the newer first
  };
  std::array<Set, kSets> sets_{};
  Set& set(std::size_t hash) { return sets_[(hash ^ (hash >> 17)) % kSets]; }
};
thread_local RecentlyInterned recently_interned;

Type intern_node(Node&& candidate, bool child_borrowed) {
  candidate.depth = depth_of(candidate);
  if (candidate.depth > kMaxTypeDepth)
    throw Error(ErrorCode::value,
                "type nesting is deeper than " + std::to_string(kMaxTypeDepth) + " levels");
  candidate.hash = shallow_hash(candidate);
  if (Node* cached = recently_interned.find(
          candidate.hash, [&](const Node& n) { return shallow_equal(n, candidate); })) {
    // The entry's reference keeps the node alive (and in the table): no lock needed.
    cached->refcount.fetch_add(1, std::memory_order_relaxed);
    return Type::adopt(cached);
  }
  Shard& shard = shard_for(candidate.hash);
  Node* found = nullptr;
  bool fresh_node = false;
  {
    std::lock_guard lock(shard.mutex);
    found = shard.nodes.find(candidate.hash,
                             [&](const Node& n) { return shallow_equal(n, candidate); });
    if (!found) {
      auto fresh = std::make_unique<Node>(std::move(candidate));
      if (child_borrowed) retain(fresh->child.node());  // the table's node owns its child
      shard.nodes.insert(fresh.get());
      found = fresh.release();
      fresh_node = true;
    }
    // Besides the caller's reference (a fresh node starts with it), one for this thread's
    // entry.
    found->refcount.fetch_add(fresh_node ? 1 : 2, std::memory_order_relaxed);
  }
  recently_interned.remember(found);
  return Type::adopt(found);
}

}  // namespace

Type find_interned(std::size_t hash, NodeMatcher matches, const void* key) {
  if (Node* cached =
          recently_interned.find(hash, [&](const Node& n) { return matches(n, key); })) {
    cached->refcount.fetch_add(1, std::memory_order_relaxed);  // (as in intern_node)
    return Type::adopt(cached);
  }
  Shard& shard = shard_for(hash);
  Node* found = nullptr;
  {
    std::lock_guard lock(shard.mutex);
    found = shard.nodes.find(hash, [&](const Node& n) { return matches(n, key); });
    if (!found) return {};
    found->refcount.fetch_add(2, std::memory_order_relaxed);  // the caller's and the entry's
  }
  recently_interned.remember(found);
  return Type::adopt(found);
}

Type intern(Node&& candidate) { return intern_node(std::move(candidate), false); }

Type intern_with_child(Node&& candidate, const Type& child) {
  candidate.child = Type::adopt(child.node());  // borrowed: no reference taken
  // However interning ends, the candidate must not release what it does not own.
  struct Forget {
    Node& n;
    ~Forget() { ::new (static_cast<void*>(&n.child)) Type(); }
  } forget{candidate};
  return intern_node(std::move(candidate), true);
}

}  // namespace pluribus::ndt::detail
