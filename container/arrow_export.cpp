// Arrow C Data Interface export: one column from an nd::Array, sharing the array's buffers
// where the layout is already Arrow's and building the others in one pass.
#include <fmt/format.h>

#include <cstring>
#include <limits>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "container/arrow.hpp"
#include "container/arrow_internal.hpp"
#include "ndt/error.hpp"
#include "ndt/interop.hpp"

namespace pluribus::nd {

namespace {

// A var element and a string/bytes element in an array's data.
struct Span {
  const char* data;
  int64_t size;
};
Span read_span(const char* p) {
  Span s;
  std::memcpy(&s, p, sizeof s);
  return s;
}

// What an empty buffer points to: consumers may read offsets[0] or nothing at all.
alignas(64) const int64_t kEmptyBuffer[8] = {};

// ----- element addresses --------------------------------------------------------------------
// `count` elements at base, base + stride, ...
struct Run {
  const char* base;
  int64_t stride;
  int64_t count;
};

// The addresses of a column's elements in order, merged into as few runs as possible, so a
// contiguous column is one run whatever its nesting.
class Runs {
 public:
  void push(const char* base, int64_t stride, int64_t count) {
    if (count <= 0) return;
    total_ += count;
    if (!runs_.empty()) {
      Run& last = runs_.back();
      const auto at = reinterpret_cast<intptr_t>(base);
      const auto last_at = reinterpret_cast<intptr_t>(last.base);
      if (last.count == 1) {
        // A single element takes the step to the next one as its stride.
        const int64_t step = at - last_at;
        if (count == 1 || stride == step) {
          last.stride = step;
          last.count += count;
          return;
        }
      } else if (last_at + last.count * last.stride == at &&
                 (count == 1 || stride == last.stride)) {
        last.count += count;
        return;
      }
    }
    runs_.push_back({base, stride, count});
  }
  int64_t total() const noexcept { return total_; }
  // True when the elements are `item` bytes apart from the first to the last.
  bool contiguous(int64_t item) const noexcept {
    return runs_.size() == 1 && (runs_[0].count == 1 || runs_[0].stride == item);
  }
  const char* first() const noexcept { return runs_.empty() ? nullptr : runs_[0].base; }
  template <class F>
  void each(F&& f) const {
    for (const Run& r : runs_)
      for (int64_t i = 0; i < r.count; ++i) f(r.base + i * r.stride);
  }
  const std::vector<Run>& runs() const noexcept { return runs_; }

 private:
  std::vector<Run> runs_;
  int64_t total_ = 0;
};

// A leading fixed dim of the array below the first (its extent and byte stride).
struct Dim {
  int64_t shape;
  int64_t stride;
};

// ----- the exported structs ------------------------------------------------------------------
// The private_data of one exported ArrowArray. Children are built as `pending` nodes and
// become structs only once the whole tree exists, so a failure part-way leaks nothing.
struct ArrayNode {
  std::shared_ptr<const Array> source;         // the exported array (shared buffers)
  std::vector<std::shared_ptr<Memory>> owned;  // buffers built for this node
  std::vector<const void*> buffers;
  std::vector<std::unique_ptr<ArrayNode>> pending;
  std::vector<ArrowArray> child_arrays;
  std::vector<ArrowArray*> child_pointers;
  int64_t length = 0;
  int64_t null_count = 0;
};

void release_array(ArrowArray* array) {
  for (int64_t k = 0; k < array->n_children; ++k) {
    ArrowArray* child = array->children[k];
    if (child->release) child->release(child);
  }
  std::unique_ptr<ArrayNode> node(static_cast<ArrayNode*>(array->private_data));
  array->private_data = nullptr;
  array->release = nullptr;
}

void publish(std::unique_ptr<ArrayNode> node, ArrowArray* out) noexcept {
  ArrayNode& n = *node;
  const auto children = n.pending.size();
  for (std::size_t k = 0; k < children; ++k) {
    publish(std::move(n.pending[k]), &n.child_arrays[k]);
    n.child_pointers[k] = &n.child_arrays[k];
  }
  n.pending.clear();
  out->length = n.length;
  out->null_count = n.null_count;
  out->offset = 0;
  out->n_buffers = static_cast<int64_t>(n.buffers.size());
  out->n_children = static_cast<int64_t>(children);
  out->buffers = n.buffers.empty() ? nullptr : n.buffers.data();
  out->children = children ? n.child_pointers.data() : nullptr;
  out->dictionary = nullptr;
  out->release = &release_array;
  out->private_data = node.release();
}

struct SchemaNode {
  std::string format;
  std::string name;
  int64_t flags = 0;
  std::vector<std::unique_ptr<SchemaNode>> pending;
  std::vector<ArrowSchema> child_schemas;
  std::vector<ArrowSchema*> child_pointers;
};

std::unique_ptr<SchemaNode> build_schema(const ndt::ArrowFormat& f) {
  auto node = std::make_unique<SchemaNode>();
  node->format = f.format;
  node->name = f.name;
  node->flags = f.nullable ? ARROW_FLAG_NULLABLE : 0;
  for (const auto& c : f.children) node->pending.push_back(build_schema(c));
  node->child_schemas.resize(node->pending.size());
  node->child_pointers.resize(node->pending.size());
  return node;
}

void release_schema(ArrowSchema* schema) {
  for (int64_t k = 0; k < schema->n_children; ++k) {
    ArrowSchema* child = schema->children[k];
    if (child->release) child->release(child);
  }
  std::unique_ptr<SchemaNode> node(static_cast<SchemaNode*>(schema->private_data));
  schema->private_data = nullptr;
  schema->release = nullptr;
}

void publish(std::unique_ptr<SchemaNode> node, ArrowSchema* out) noexcept {
  SchemaNode& n = *node;
  const auto children = n.pending.size();
  for (std::size_t k = 0; k < children; ++k) {
    publish(std::move(n.pending[k]), &n.child_schemas[k]);
    n.child_pointers[k] = &n.child_schemas[k];
  }
  n.pending.clear();
  out->format = n.format.c_str();
  out->name = n.name.c_str();
  out->metadata = nullptr;
  out->flags = n.flags;
  out->n_children = static_cast<int64_t>(children);
  out->children = children ? n.child_pointers.data() : nullptr;
  out->dictionary = nullptr;
  out->release = &release_schema;
  out->private_data = node.release();
}

// ----- building the column --------------------------------------------------------------------

template <int64_t N>
void gather(const Runs& runs, char* out) {
  runs.each([&](const char* p) {
    std::memcpy(out, p, N);
    out += N;
  });
}

constexpr int64_t kMaxInt32 = std::numeric_limits<int32_t>::max();

class Exporter {
 public:
  explicit Exporter(std::shared_ptr<const Array> source) : source_(std::move(source)) {}

  // The column of `runs.total()` elements of type `dims * t`.
  std::unique_ptr<ArrayNode> column(const Runs& runs, std::span<const Dim> dims,
                                    const ndt::Type& t) {
    using ndt::Kind;
    if (!dims.empty()) return fixed_list(runs, dims.front(), dims.subspan(1), t);
    switch (t.kind()) {
      case Kind::Option:
        return option(runs, t);
      case Kind::Void: {
        auto n = make(runs.total());
        n->null_count = n->length;  // Arrow's null type has no buffers
        return n;
      }
      case Kind::Bool:
        return boolean(runs);
      case Kind::FixedDim: {
        const Dim d{t.shape(), t.stride()};
        return fixed_list(runs, d, {}, t.child());
      }
      case Kind::VarDim:
        return list(runs, t.child());
      case Kind::String:
      case Kind::Bytes:
        return binary(runs);
      case Kind::Record:
      case Kind::Tuple:
        return structure(runs, t);
      default:
        if (arrow_fixed_width(t.kind())) return primitive(runs, t.size());
        throw Error(ErrorCode::not_implemented,
                    fmt::format("to_arrow: no Arrow export of {} elements yet", t.str()));
    }
  }

 private:
  std::unique_ptr<ArrayNode> make(int64_t length) {
    auto n = std::make_unique<ArrayNode>();
    n->source = source_;
    n->length = length;
    return n;
  }
  // An owned buffer of `bytes` (zeroed, 64-byte aligned as Arrow recommends).
  char* allocate(ArrayNode& n, int64_t bytes) {
    auto memory = Memory::allocate(bytes > 0 ? bytes : 1, 64, true);
    char* p = memory->data();
    n.owned.push_back(std::move(memory));
    return p;
  }
  void add_child(ArrayNode& n, std::unique_ptr<ArrayNode> child) {
    n.pending.push_back(std::move(child));
    n.child_arrays.resize(n.pending.size());
    n.child_pointers.resize(n.pending.size());
  }

  std::unique_ptr<ArrayNode> primitive(const Runs& runs, int64_t item) {
    auto n = make(runs.total());
    if (runs.total() == 0) {
      n->buffers = {nullptr, kEmptyBuffer};
    } else if (runs.contiguous(item)) {
      n->buffers = {nullptr, runs.first()};  // the array's own memory
    } else {
      char* out = allocate(*n, runs.total() * item);
      switch (item) {
        case 1:
          gather<1>(runs, out);
          break;
        case 2:
          gather<2>(runs, out);
          break;
        case 4:
          gather<4>(runs, out);
          break;
        case 8:
          gather<8>(runs, out);
          break;
        case 16:
          gather<16>(runs, out);
          break;
        default:
          runs.each([&](const char* p) {
            std::memcpy(out, p, static_cast<std::size_t>(item));
            out += item;
          });
      }
      n->buffers = {nullptr, n->owned.back()->data()};
    }
    return n;
  }

  std::unique_ptr<ArrayNode> boolean(const Runs& runs) {
    auto n = make(runs.total());
    auto* bits = reinterpret_cast<uint8_t*>(allocate(*n, (runs.total() + 7) / 8));
    int64_t i = 0;
    runs.each([&](const char* p) {
      if (*p != 0) bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
      ++i;
    });
    n->buffers = {nullptr, bits};
    return n;
  }

  // ?T: T's column, then a validity bitmap from the byte after each value.
  std::unique_ptr<ArrayNode> option(const Runs& runs, const ndt::Type& t) {
    const ndt::Type& value = t.child();
    auto n = column(runs, {}, value);
    if (value.kind() == ndt::Kind::Void) return n;  // all null already, no bitmap
    auto* bits = reinterpret_cast<uint8_t*>(allocate(*n, (runs.total() + 7) / 8));
    const int64_t at = value.size();
    int64_t i = 0;
    int64_t nulls = 0;
    runs.each([&](const char* p) {
      if (p[at] != 0)
        bits[i >> 3] |= static_cast<uint8_t>(1u << (i & 7));
      else
        ++nulls;
      ++i;
    });
    n->buffers[0] = bits;
    n->null_count = nulls;
    return n;
  }

  // N * T: a fixed-size list whose child holds the N elements of every row in order.
  std::unique_ptr<ArrayNode> fixed_list(const Runs& runs, Dim d, std::span<const Dim> rest,
                                        const ndt::Type& t) {
    auto n = make(runs.total());
    n->buffers = {nullptr};
    Runs items;
    for (const Run& r : runs.runs()) {
      if (r.count == 1 || r.stride == d.shape * d.stride) {
        items.push(r.base, d.stride, r.count * d.shape);  // rows follow each other
      } else {
        for (int64_t i = 0; i < r.count; ++i) items.push(r.base + i * r.stride, d.stride, d.shape);
      }
    }
    add_child(*n, column(items, rest, t));
    return n;
  }

  // var * T: int32 offsets from the element sizes; the child is every element's items.
  std::unique_ptr<ArrayNode> list(const Runs& runs, const ndt::Type& t) {
    auto n = make(runs.total());
    auto* offsets = reinterpret_cast<int32_t*>(allocate(*n, (runs.total() + 1) * 4));
    Runs items;
    const int64_t item = t.size();
    int64_t total = 0;
    int64_t i = 0;
    runs.each([&](const char* p) {
      const Span s = read_span(p);
      total += s.size;
      if (total > kMaxInt32)
        throw Error(ErrorCode::overflow,
                    "to_arrow: a list column holds more than 2^31-1 values (int32 offsets)");
      offsets[++i] = static_cast<int32_t>(total);
      items.push(s.data, item, s.size);
    });
    n->buffers = {nullptr, offsets};
    add_child(*n, column(items, {}, t));
    return n;
  }

  // string / bytes: int32 offsets, then the bytes of every element copied once.
  std::unique_ptr<ArrayNode> binary(const Runs& runs) {
    auto n = make(runs.total());
    auto* offsets = reinterpret_cast<int32_t*>(allocate(*n, (runs.total() + 1) * 4));
    int64_t total = 0;
    int64_t i = 0;
    runs.each([&](const char* p) {
      total += read_span(p).size;
      if (total > kMaxInt32)
        throw Error(ErrorCode::overflow,
                    "to_arrow: a string column holds more than 2^31-1 bytes (int32 offsets)");
      offsets[++i] = static_cast<int32_t>(total);
    });
    char* bytes = allocate(*n, total);
    runs.each([&](const char* p) {
      const Span s = read_span(p);
      if (s.size > 0) std::memcpy(bytes, s.data, static_cast<std::size_t>(s.size));
      bytes += s.size;
    });
    n->buffers = {nullptr, offsets, n->owned.back()->data()};
    return n;
  }

  // Records and tuples: a struct whose children are the field columns.
  std::unique_ptr<ArrayNode> structure(const Runs& runs, const ndt::Type& t) {
    auto n = make(runs.total());
    n->buffers = {nullptr};
    for (const auto& field : t.fields()) {
      Runs at;
      for (const Run& r : runs.runs()) at.push(r.base + field.offset, r.stride, r.count);
      add_child(*n, column(at, {}, field.type));
    }
    return n;
  }

  std::shared_ptr<const Array> source_;
};

}  // namespace

void to_arrow(const Array& a, ArrowSchema* out_schema, ArrowArray* out_array) {
  if (out_schema == nullptr || out_array == nullptr)
    throw Error(ErrorCode::invalid_argument, "to_arrow: NULL output struct");
  if (!a) throw Error(ErrorCode::invalid_argument, "to_arrow: empty array");
  Runs rows;
  std::vector<Dim> dims;
  ndt::Type dtype;
  ndt::Type row;
  if (a.ndim() == 0) {
    if (a.dtype().kind() != ndt::Kind::VarDim)
      throw Error(ErrorCode::value,
                  fmt::format("to_arrow: a 0-dim array of {} is not a column (export a 1-dim "
                              "array or a var dim)",
                              a.dtype().str()));
    dtype = a.dtype().child();
    row = dtype;
    const Span s = read_span(a.data());
    rows.push(s.data, dtype.size(), s.size);
  } else {
    const auto shape = a.shape();
    const auto strides = a.strides();
    rows.push(a.data(), strides[0], shape[0]);
    dtype = a.dtype();
    for (int k = 1; k < a.ndim(); ++k) dims.push_back({shape[k], strides[k]});
    row = dtype;
    for (int k = a.ndim() - 1; k >= 1; --k) row = ndt::make_fixed_dim(shape[k], row);
  }
  ndt::ArrowFormat format;
  try {
    format = ndt::to_arrow_schema(row);
  } catch (const Error& e) {
    throw Error(e.code(), fmt::format("to_arrow: {}", e.what()));
  }
  auto schema = build_schema(format);
  Exporter exporter(std::make_shared<const Array>(a));
  auto data = exporter.column(rows, dims, dtype);
  publish(std::move(schema), out_schema);
  publish(std::move(data), out_array);
}

}  // namespace pluribus::nd
