// Arrow C Data Interface import: an nd::Array that takes over the Arrow structs, borrowing
// their buffers where the layouts agree and copying once (rows, bitmaps) where they do not.
#include <fmt/format.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "container/arrow.hpp"
#include "container/arrow_internal.hpp"
#include "ndt/error.hpp"
#include "ndt/interop.hpp"

namespace pluribus::nd {

namespace {

// A string/bytes element or a var element as the array stores it.
struct Span {
  const char* data;
  int64_t size;
};

[[noreturn]] void bad_data(const ArrowSchema& s, std::string_view why) {
  throw Error(ErrorCode::value, fmt::format("from_arrow: column '{}' (format '{}'): {}",
                                            s.name ? s.name : "", s.format, why));
}

ndt::ArrowFormat read_format(const ArrowSchema* s, int depth) {
  if (s == nullptr || s->format == nullptr)
    throw Error(ErrorCode::invalid_argument, "from_arrow: NULL schema or format");
  if (depth > 256) throw Error(ErrorCode::value, "from_arrow: schema nests deeper than 256 levels");
  if (s->dictionary != nullptr)
    throw Error(ErrorCode::not_implemented,
                fmt::format("from_arrow: column '{}' is dictionary-encoded; decode it first",
                            s->name ? s->name : ""));
  if (s->n_children < 0 || (s->n_children > 0 && s->children == nullptr))
    throw Error(ErrorCode::invalid_argument, "from_arrow: malformed schema children");
  ndt::ArrowFormat f;
  f.format = s->format;
  f.name = s->name ? s->name : "";
  f.nullable = (s->flags & ARROW_FLAG_NULLABLE) != 0;
  for (int64_t k = 0; k < s->n_children; ++k)
    f.children.push_back(read_format(s->children[k], depth + 1));
  return f;
}

// One column: its schema node and its data node side by side.
struct Column {
  const ArrowSchema* schema;
  const ArrowArray* array;
  Column child(int64_t k) const { return {schema->children[k], array->children[k]}; }
};

bool bit(const void* bitmap, int64_t i) {
  return (static_cast<const uint8_t*>(bitmap)[i >> 3] >> (i & 7)) & 1;
}

// List and string offsets, int32 or (for +L, U, Z) int64.
class Offsets {
 public:
  Offsets(const void* p, bool large) : p_(p), large_(large) {}
  int64_t operator[](int64_t i) const {
    return large_ ? static_cast<const int64_t*>(p_)[i] : static_cast<const int32_t*>(p_)[i];
  }

 private:
  const void* p_;
  bool large_;
};


// Checks the shape of one data node against its type (counts of buffers and children, the
// element range asked for) so the copy loops can trust it.
void check_node(Column c, int64_t buffers, int64_t children, int64_t start, int64_t count) {
  const ArrowSchema& s = *c.schema;
  const ArrowArray* a = c.array;
  if (a == nullptr) bad_data(s, "NULL data node");
  if (a->n_buffers != buffers)
    bad_data(s, fmt::format("{} buffers, expected {}", a->n_buffers, buffers));
  if (buffers > 0 && a->buffers == nullptr) bad_data(s, "NULL buffer list");
  if (a->n_children != children)
    bad_data(s, fmt::format("{} children, expected {}", a->n_children, children));
  if (children > 0 && a->children == nullptr) bad_data(s, "NULL children list");
  if (a->dictionary != nullptr) bad_data(s, "a dictionary the schema does not have");
  if (a->length < 0 || a->offset < 0) bad_data(s, "negative length or offset");
  if (start < 0 || count < 0 || start + count > a->length)
    bad_data(s, fmt::format("elements [{}, {}) asked of a column of length {}", start,
                            start + count, a->length));
}

class Importer {
 public:
  explicit Importer(Memory& memory) : memory_(memory) {}

  // Writes elements [start, start + count) of `c`, of type `t`, at dst, dst + stride, ...
  void fill(Column c, const ndt::Type& t, int64_t start, int64_t count, char* dst, int64_t stride) {
    if (t.kind() != ndt::Kind::Option) {
      fill_value(c, t, start, count, dst, stride);
      reject_nulls(c, start, count);
      return;
    }
    const ndt::Type& value = t.child();
    fill_value(c, value, start, count, dst, stride);
    const int64_t at = value.size();
    const void* bitmap = c.array->null_count == 0 ? nullptr : c.array->buffers[0];
    for (int64_t i = 0; i < count; ++i) {
      char* p = dst + i * stride;
      const bool valid = bitmap == nullptr || bit(bitmap, c.array->offset + start + i);
      if (!valid) std::memset(p, 0, static_cast<std::size_t>(at));
      p[at] = valid ? 1 : 0;
    }
  }

  // True when a column of `t` can be used where it is, without a copy.
  static bool borrowable(const ndt::Type& t) { return arrow_fixed_width(t.kind()); }

  // Where element `start` of a fixed-width column is, after checking the column.
  static const char* values(Column c, const ndt::Type& t, int64_t start, int64_t count) {
    check_node(c, 2, 0, start, count);
    const char* base = static_cast<const char*>(c.array->buffers[1]);
    if (base == nullptr) {
      if (count > 0) bad_data(*c.schema, "NULL values buffer");
      return nullptr;
    }
    return base + (c.array->offset + start) * t.size();
  }

  // A column that is not ?T must have no null in the range used.
  static void reject_nulls(Column c, int64_t start, int64_t count) {
    const ArrowArray& a = *c.array;
    if (a.n_buffers == 0 || a.buffers == nullptr || a.null_count == 0 || a.buffers[0] == nullptr)
      return;
    for (int64_t i = 0; i < count; ++i)
      if (!bit(a.buffers[0], a.offset + start + i))
        bad_data(*c.schema, "a null value in a column whose schema is not nullable");
  }

 private:
  void fill_value(Column c, const ndt::Type& t, int64_t start, int64_t count, char* dst,
                  int64_t stride) {
    using ndt::Kind;
    const ArrowArray& a = *c.array;
    switch (t.kind()) {
      case Kind::Void:
        check_node(c, 0, 0, start, count);
        return;
      case Kind::Bool: {
        check_node(c, 2, 0, start, count);
        const void* bits = a.buffers[1];
        if (bits == nullptr && count > 0) bad_data(*c.schema, "NULL values buffer");
        for (int64_t i = 0; i < count; ++i) dst[i * stride] = bit(bits, a.offset + start + i);
        return;
      }
      case Kind::String:
      case Kind::Bytes:
        return binary(c, start, count, dst, stride);
      case Kind::VarDim:
        return list(c, t, start, count, dst, stride);
      case Kind::FixedDim:
        return fixed_list(c, t, start, count, dst, stride);
      case Kind::Record:
      case Kind::Tuple: {
        const auto fields = t.fields();
        check_node(c, 1, static_cast<int64_t>(fields.size()), start, count);
        for (std::size_t k = 0; k < fields.size(); ++k)
          fill(c.child(static_cast<int64_t>(k)), fields[k].type, a.offset + start, count,
               dst + fields[k].offset, stride);
        return;
      }
      default:
        break;
    }
    if (!arrow_fixed_width(t.kind()))
      throw Error(ErrorCode::not_implemented,
                  fmt::format("from_arrow: no import of Arrow format '{}' ({}) yet",
                              c.schema->format, t.str()));
    const char* src = values(c, t, start, count);
    const int64_t item = t.size();
    if (count == 0) return;
    if (stride == item) {
      std::memcpy(dst, src, static_cast<std::size_t>(count * item));
    } else {
      for (int64_t i = 0; i < count; ++i)
        std::memcpy(dst + i * stride, src + i * item, static_cast<std::size_t>(item));
    }
  }

  // The offsets of elements [start, start + count], checked to rise within [0, limit].
  static Offsets offsets(Column c, int64_t start, int64_t count, int64_t limit) {
    const ArrowArray& a = *c.array;
    const char f = c.schema->format[0] == '+' ? c.schema->format[1] : c.schema->format[0];
    const Offsets off(a.buffers[1], f == 'L' || f == 'U' || f == 'Z');
    if (a.buffers[1] == nullptr) {
      if (count > 0) bad_data(*c.schema, "NULL offsets buffer");
      return off;
    }
    const int64_t first = a.offset + start;
    int64_t previous = off[first];
    if (previous < 0) bad_data(*c.schema, "a negative offset");
    for (int64_t i = 1; i <= count; ++i) {
      const int64_t next = off[first + i];
      if (next < previous) bad_data(*c.schema, "offsets that decrease");
      previous = next;
    }
    if (limit >= 0 && previous > limit)
      bad_data(*c.schema, fmt::format("an offset {} past the child's length {}", previous, limit));
    return off;
  }

  // Strings and bytes point into Arrow's data buffer: no byte is copied.
  void binary(Column c, int64_t start, int64_t count, char* dst, int64_t stride) {
    check_node(c, 3, 0, start, count);
    const ArrowArray& a = *c.array;
    const Offsets off = offsets(c, start, count, -1);
    const char* bytes = static_cast<const char*>(a.buffers[2]);
    for (int64_t i = 0; i < count; ++i) {
      const int64_t p = a.offset + start + i;
      const Span s{bytes == nullptr ? nullptr : bytes + off[p], off[p + 1] - off[p]};
      if (s.size > 0 && bytes == nullptr) bad_data(*c.schema, "NULL data buffer");
      std::memcpy(dst + i * stride, &s, sizeof s);
    }
  }

  // var * T: the elements point into the child's values when T is fixed-width (no copy), else
  // into rows of T copied once into the array's memory.
  void list(Column c, const ndt::Type& t, int64_t start, int64_t count, char* dst, int64_t stride) {
    check_node(c, 2, 1, start, count);
    const ArrowArray& a = *c.array;
    const Column items = c.child(0);
    if (items.array == nullptr) bad_data(*c.schema, "NULL child");
    const Offsets off = offsets(c, start, count, items.array->length);
    if (count == 0) return;
    const int64_t first = off[a.offset + start];
    const int64_t total = off[a.offset + start + count] - first;
    const ndt::Type& item = t.child();
    const int64_t item_size = item.size();
    const char* base = nullptr;  // where item `first` is
    if (borrowable(item)) {
      base = values(items, item, first, total);
      reject_nulls(items, first, total);
    } else if (total > 0) {
      char* rows = memory_.allocate_extra(total * item_size, std::max<int64_t>(item.align(), 8));
      fill(items, item, first, total, rows, item_size);
      base = rows;
    }
    for (int64_t i = 0; i < count; ++i) {
      const int64_t p = a.offset + start + i;
      const Span s{base == nullptr ? nullptr : base + (off[p] - first) * item_size,
                   off[p + 1] - off[p]};
      std::memcpy(dst + i * stride, &s, sizeof s);
    }
  }

  // N * T from a fixed-size list: row i is child elements [(offset + i) * N, ... + N).
  void fixed_list(Column c, const ndt::Type& t, int64_t start, int64_t count, char* dst,
                  int64_t stride) {
    check_node(c, 1, 1, start, count);
    const Column items = c.child(0);
    if (items.array == nullptr) bad_data(*c.schema, "NULL child");
    const int64_t n = t.shape();
    const int64_t item_stride = t.stride();
    const int64_t first = (c.array->offset + start) * n;
    if (stride == n * item_stride) {
      fill(items, t.child(), first, count * n, dst, item_stride);  // rows follow each other
    } else {
      for (int64_t i = 0; i < count; ++i)
        fill(items, t.child(), first + i * n, n, dst + i * stride, item_stride);
    }
  }

  Memory& memory_;
};

// The moved-in Arrow structs; their release callbacks run once, when the array's memory goes.
struct Adopted {
  ArrowSchema schema{};
  ArrowArray array{};
  void release() noexcept {
    if (array.release) array.release(&array);
    if (schema.release) schema.release(&schema);
  }
  ~Adopted() { release(); }
};

}  // namespace

Array from_arrow(ArrowSchema* schema, ArrowArray* array) {
  if (schema == nullptr || array == nullptr)
    throw Error(ErrorCode::invalid_argument, "from_arrow: NULL schema or array");
  if (schema->release == nullptr || array->release == nullptr)
    throw Error(ErrorCode::invalid_argument, "from_arrow: the schema or array is released");
  const ndt::ArrowFormat format = read_format(schema, 0);
  ndt::Type t;
  try {
    t = ndt::from_arrow_schema(format);
  } catch (const Error& e) {
    throw Error(e.code(), fmt::format("from_arrow: {}", e.what()));
  }
  const Column top{schema, array};
  const int64_t length = array->length;
  if (length < 0) bad_data(*schema, "negative length");
  const int64_t item = t.size();
  int64_t bytes = 0;
  if (__builtin_mul_overflow(length, item, &bytes))
    throw Error(ErrorCode::overflow, "from_arrow: the column's size overflows int64");

  // Nothing is taken from the caller until the array exists: `adopted` stays empty (and its
  // release does nothing) if anything below throws.
  auto adopted = std::make_shared<Adopted>();
  std::shared_ptr<Memory> memory;
  char* data = nullptr;
  if (Importer::borrowable(t)) {
    data = const_cast<char*>(Importer::values(top, t, 0, length));
    Importer::reject_nulls(top, 0, length);
    memory = Memory::borrow(data, [adopted] { adopted->release(); });
  } else {
    auto block = Memory::allocate(bytes > 0 ? bytes : 1, std::max<int64_t>(t.align(), 16), true);
    data = block->data();
    memory = Memory::borrow(data, [adopted, block] { adopted->release(); });
    Importer(*memory).fill(top, t, 0, length, data, item);
  }
  const int64_t shape[1] = {length};
  const int64_t strides[1] = {item};
  Array out = ArrayBuilder::make(memory, data, t, shape, strides, true);
  adopted->schema = *schema;
  adopted->array = *array;
  schema->release = nullptr;
  array->release = nullptr;
  return out;
}

}  // namespace pluribus::nd
