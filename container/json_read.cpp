// The streaming JSON reader: nlohmann/json SAX events written straight into an array's memory
// for a concrete datashape (no DOM). from_json(text, type) and from_json_file live here.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "container/json.hpp"
#include "gfunc/cast.hpp"
#include "ndt/error.hpp"

namespace pluribus::nd {

// json_scan.cpp: the fast path for fixed dims of float64/int64 numbers. Returns false (having
// possibly written some elements) at anything irregular; the SAX reader then redoes the work.
bool json_scan_numbers(std::string_view text, char* data, std::span<const int64_t> shape,
                       std::span<const int64_t> strides, ndt::Kind kind) noexcept;
// json_write.cpp: `s` as a JSON string literal (quotes included, escaped).
void json_append_quoted(std::string& out, std::string_view s);

namespace {

using ndt::Kind;

const ndt::Type& resolve(const ndt::Type& t) {
  const ndt::Type* r = &t;
  while (r->kind() == Kind::Nominal || r->kind() == Kind::Constructor) r = &r->child();
  return *r;
}

// Refuses, before any parsing, a type the reader cannot fill.
void check_readable(const ndt::Type& whole, const ndt::Type& t) {
  const ndt::Type& r = resolve(t);
  switch (r.kind()) {
    case Kind::Bool:
    case Kind::Int8:
    case Kind::Int16:
    case Kind::Int32:
    case Kind::Int64:
    case Kind::UInt8:
    case Kind::UInt16:
    case Kind::UInt32:
    case Kind::UInt64:
    case Kind::Float16:
    case Kind::BFloat16:
    case Kind::Float32:
    case Kind::Float64:
    case Kind::Complex64:
    case Kind::Complex128:
    case Kind::String:
      return;
    case Kind::FixedString:
      if (r.encoding() == ndt::Encoding::ascii || r.encoding() == ndt::Encoding::utf8 ||
          r.encoding() == ndt::Encoding::utf32)
        return;
      break;
    case Kind::Option:
    case Kind::FixedDim:
    case Kind::VarDim:
      check_readable(whole, r.child());
      return;
    case Kind::Tuple:
    case Kind::Record:
      for (const auto& f : r.fields()) check_readable(whole, f.type);
      return;
    default:
      break;
  }
  throw Error(ErrorCode::type,
              fmt::format("from_json: {} cannot be read from JSON (in {})", r.str(), whole.str()));
}

// What a JSON value was, for messages.
std::string describe_string(std::string_view s) {
  std::string out;
  if (s.size() > 40) {
    // Cut at a code point boundary so the shown prefix stays valid UTF-8.
    std::size_t cut = 37;
    while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0u) == 0x80u) --cut;
    json_append_quoted(out, s.substr(0, cut));
    out.insert(out.size() - 1, "...");
  } else {
    json_append_quoted(out, s);
  }
  return out;
}

bool is_identifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

enum class FrameKind : uint8_t { fixed, var, tuple, record, complex };

struct Frame {
  FrameKind kind;
  const ndt::Type* type;      // the container (resolved)
  const ndt::Type* element;   // fixed/var: the element type
  char* base;                 // fixed: element 0; tuple/record: the value; var: the malloc'ed block
  char* slot;                 // var: the {data, size} pair; complex: the value
  int64_t count;              // elements/members read so far
  int64_t extent;             // fixed: N; var: capacity in elements; tuple: member count
  int64_t stride;             // fixed: byte stride; var: element size
  int64_t field;              // record: the member the last key named (-1 before the first)
  std::vector<uint8_t> seen;  // record: members read
  double parts[2];            // complex
};

struct Slot {
  const ndt::Type* type;
  char* dest;
};

// The SAX handler. Every event writes into the slot the enclosing frame designates; any value
// that does not fit throws Error(value) naming its path.
class Reader {
 public:
  Reader(std::string_view text, const ndt::Type& root, char* root_data, Memory& memory)
      : text_(text), root_(&root), root_data_(root_data), memory_(memory) {}
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;
  ~Reader() {
    for (int i = 0; i < depth_; ++i)
      if (stack_[static_cast<std::size_t>(i)].kind == FrameKind::var)
        std::free(stack_[static_cast<std::size_t>(i)].base);
  }

  bool null() {
    if (in_complex()) complex_fail("null");
    Slot s = next_slot();
    if (enter(s, true) != nullptr) mismatch(s, "null");
    return true;
  }

  bool boolean(bool value) {
    if (in_complex()) complex_fail(value ? "true" : "false");
    Slot s = next_slot();
    const ndt::Type& t = *enter(s, false);
    if (t.kind() != Kind::Bool) mismatch(s, value ? "true" : "false");
    *s.dest = static_cast<char>(value);
    return true;
  }

  bool number_integer(int64_t value) {
    if (in_complex()) return complex_part(static_cast<double>(value));
    Slot s = next_slot();
    const ndt::Type& t = *enter(s, false);
    if (t.is_unsigned()) {
      if (value < 0) out_of_range(s, fmt::format("{}", value));
      store_unsigned(s, t, static_cast<uint64_t>(value));
    } else {
      store_signed(s, t, value);
    }
    return true;
  }

  bool number_unsigned(uint64_t value) {
    if (in_complex()) return complex_part(static_cast<double>(value));
    Slot s = next_slot();
    const ndt::Type& t = *enter(s, false);
    if (t.is_signed() && value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      out_of_range(s, fmt::format("{}", value));
    if (t.is_signed())
      store_signed(s, t, static_cast<int64_t>(value));
    else
      store_unsigned(s, t, value);
    return true;
  }

  bool number_float(double value, const std::string& text) {
    if (in_complex()) return complex_part(value);
    Slot s = next_slot();
    const ndt::Type& t = *enter(s, false);
    if (t.is_integer())
      fail(path(depth_), fmt::format("expected {}, got {} (a number with a fraction or exponent)",
                                     expected(s), text));
    if (!store_float(s, t, value)) mismatch(s, text);
    return true;
  }

  bool string(std::string& value) {
    if (in_complex()) complex_fail(describe_string(value));
    Slot s = next_slot();
    const ndt::Type& t = *enter(s, false);
    if (t.kind() == Kind::String) {
      store_string(s.dest, value);
    } else if (t.kind() == Kind::FixedString) {
      if (!store_fixed_string(s.dest, t, value))
        fail(path(depth_), fmt::format("expected {}, got {} (too long or not {})", expected(s),
                                       describe_string(value), ndt::encoding_name(t.encoding())));
    } else {
      mismatch(s, describe_string(value));
    }
    return true;
  }

  bool binary(nlohmann::json::binary_t&) {
    throw Error(ErrorCode::internal, "from_json: binary value in JSON text");
  }

  bool start_object(std::size_t) {
    if (in_complex()) complex_fail("an object");
    Slot s = next_slot();
    const ndt::Type& t = *enter(s, false);
    if (t.kind() != Kind::Record) mismatch(s, "an object");
    Frame& f = push(FrameKind::record, t, s.dest);
    f.seen.assign(t.fields().size(), 0);
    f.field = -1;
    return true;
  }

  bool key(std::string& name) {
    Frame& f = top();
    auto fields = f.type->fields();
    // Objects usually repeat the record's order: try the next member first.
    int64_t i = f.field + 1;
    if (i >= static_cast<int64_t>(fields.size()) ||
        fields[static_cast<std::size_t>(i)].name != name)
      i = f.type->field_index(name);
    if (i < 0)
      fail(path(depth_ - 1),
           fmt::format("unknown key {} for {}", describe_string(name), f.type->str()));
    if (f.seen[static_cast<std::size_t>(i)])
      fail(path(depth_ - 1), fmt::format("repeated key {}", describe_string(name)));
    f.seen[static_cast<std::size_t>(i)] = 1;
    f.field = i;
    return true;
  }

  bool end_object() {
    Frame& f = top();
    auto fields = f.type->fields();
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (f.seen[i] || resolve(fields[i].type).kind() == Kind::Option) continue;
      fail(path(depth_ - 1), fmt::format("missing key {} ({})", describe_string(fields[i].name),
                                         fields[i].type.str()));
    }
    --depth_;
    return true;
  }

  bool start_array(std::size_t) {
    if (in_complex()) complex_fail("an array");
    Slot s = next_slot();
    const ndt::Type& t = *enter(s, false);
    switch (t.kind()) {
      case Kind::FixedDim: {
        Frame& f = push(FrameKind::fixed, t, s.dest);
        f.element = &t.child();
        f.extent = t.shape();
        f.stride = t.stride();
        break;
      }
      case Kind::VarDim: {
        Frame& f = push(FrameKind::var, t, nullptr);
        f.slot = s.dest;
        f.element = &t.child();
        f.extent = 0;
        f.stride = t.child().size();
        break;
      }
      case Kind::Tuple: {
        Frame& f = push(FrameKind::tuple, t, s.dest);
        f.extent = static_cast<int64_t>(t.fields().size());
        break;
      }
      case Kind::Complex64:
      case Kind::Complex128: {
        Frame& f = push(FrameKind::complex, t, nullptr);
        f.slot = s.dest;
        break;
      }
      default:
        mismatch(s, "an array");
    }
    return true;
  }

  bool end_array() {
    Frame& f = top();
    switch (f.kind) {
      case FrameKind::fixed:
        if (f.count != f.extent)
          fail(path(depth_ - 1),
               fmt::format("expected {} elements ({}), got {}", f.extent, f.type->str(), f.count));
        break;
      case FrameKind::tuple:
        if (f.count != f.extent)
          fail(path(depth_ - 1),
               fmt::format("expected {} members ({}), got {}", f.extent, f.type->str(), f.count));
        break;
      case FrameKind::var:
        finish_var(f);
        break;
      case FrameKind::complex:
        if (f.count != 2) complex_fail(fmt::format("{} numbers", f.count), true);
        store_complex(f.slot, *f.type, f.parts[0], f.parts[1]);
        break;
      case FrameKind::record:
        break;
    }
    --depth_;
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) {
    // nlohmann's message: "[json.exception.parse_error.101] parse error at line 1, column 5:
    // syntax error while parsing value - ...". Keep what follows the position.
    std::string message = ex.what();
    if (auto colon = message.find(": ", message.find("column")); colon != std::string::npos)
      message = message.substr(colon + 2);
    else if (auto bracket = message.find("] "); bracket != std::string::npos)
      message = message.substr(bracket + 2);
    throw_parse_error(text_, position > 0 ? position - 1 : 0, "invalid JSON: " + message);
  }

 private:
  Frame& top() { return stack_[static_cast<std::size_t>(depth_ - 1)]; }
  bool in_complex() { return depth_ > 0 && top().kind == FrameKind::complex; }

  Frame& push(FrameKind kind, const ndt::Type& type, char* base) {
    if (static_cast<std::size_t>(depth_) == stack_.size()) stack_.emplace_back();
    Frame& f = stack_[static_cast<std::size_t>(depth_++)];
    f.kind = kind;
    f.type = &type;
    f.element = nullptr;
    f.base = base;
    f.slot = nullptr;
    f.count = 0;
    f.extent = 0;
    f.stride = 0;
    f.field = -1;
    return f;
  }

  // The place of the next value: the root, or the next member of the enclosing container.
  Slot next_slot() {
    if (depth_ == 0) return {root_, root_data_};
    Frame& f = top();
    switch (f.kind) {
      case FrameKind::fixed:
        if (f.count == f.extent)
          fail(path(depth_ - 1),
               fmt::format("expected {} elements ({}), got more", f.extent, f.type->str()));
        return {f.element, f.base + f.count++ * f.stride};
      case FrameKind::var: {
        if (f.count == f.extent) grow_var(f);
        char* p = f.base + f.count++ * f.stride;
        std::memset(p, 0, static_cast<std::size_t>(f.stride));
        return {f.element, p};
      }
      case FrameKind::tuple: {
        if (f.count == f.extent)
          fail(path(depth_ - 1),
               fmt::format("expected {} members ({}), got more", f.extent, f.type->str()));
        const auto& member = f.type->fields()[static_cast<std::size_t>(f.count++)];
        return {&member.type, f.base + member.offset};
      }
      case FrameKind::record: {
        const auto& member = f.type->fields()[static_cast<std::size_t>(f.field)];
        return {&member.type, f.base + member.offset};
      }
      case FrameKind::complex:
        break;
    }
    throw Error(ErrorCode::internal, "from_json: no slot in a complex value");
  }

  // Steps through options (marking them present unless `is_null`) and typedefs. Returns the
  // type to fill, or nullptr when a null made an option missing.
  static const ndt::Type* enter(Slot& s, bool is_null) {
    const ndt::Type* t = s.type;
    for (;;) {
      switch (t->kind()) {
        case Kind::Option: {
          if (is_null) return nullptr;
          const ndt::Type& value = t->child();
          s.dest[value.size()] = 1;
          t = &value;
          break;
        }
        case Kind::Nominal:
        case Kind::Constructor:
          t = &t->child();
          break;
        default:
          return t;
      }
    }
  }

  void grow_var(Frame& f) {
    // Doubling with realloc: at most 2x the final block while it grows (large blocks move by
    // remapping pages, not copying); finish_var trims it.
    int64_t capacity = f.extent < 8 ? 8 : f.extent * 2;
    int64_t bytes = 0;
    if (__builtin_mul_overflow(capacity, std::max<int64_t>(f.stride, 1), &bytes))
      throw Error(ErrorCode::overflow, fmt::format("{}: a var dim too long", path(depth_ - 1)));
    void* p = std::realloc(f.base, static_cast<std::size_t>(bytes));
    if (!p)
      throw Error(ErrorCode::memory,
                  fmt::format("{}: out of memory ({} bytes)", path(depth_ - 1), bytes));
    f.base = static_cast<char*>(p);
    f.extent = capacity;
  }

  void finish_var(Frame& f) {
    char* block = f.base;
    if (f.count == 0) {
      std::free(block);
      f.base = nullptr;
      return;  // the slot stays {nullptr, 0}
    }
    if (f.count < f.extent && f.stride > 0)
      if (void* trimmed = std::realloc(block, static_cast<std::size_t>(f.count * f.stride)))
        block = static_cast<char*>(trimmed);
    f.base = block;
    memory_.adopt_malloc(block);
    f.base = nullptr;
    std::memcpy(f.slot, &block, sizeof block);
    std::memcpy(f.slot + sizeof block, &f.count, sizeof f.count);
  }

  // The JSON path of the value the first `levels` frames designate: $, $[3], $[3].amount.
  std::string path(int levels) const {
    std::string out = "$";
    for (int i = 0; i < levels; ++i) {
      const Frame& f = stack_[static_cast<std::size_t>(i)];
      if (f.kind == FrameKind::record) {
        const std::string& name = f.type->fields()[static_cast<std::size_t>(f.field)].name;
        if (is_identifier(name)) {
          out += '.';
          out += name;
        } else {
          out += '[';
          json_append_quoted(out, name);
          out += ']';
        }
      } else {
        fmt::format_to(std::back_inserter(out), "[{}]", f.count - 1);
      }
    }
    return out;
  }

  [[noreturn]] static void fail(const std::string& where, const std::string& what) {
    throw Error(ErrorCode::value, fmt::format("{}: {}", where, what));
  }
  static std::string expected(const Slot& s) {
    if (s.type->kind() == Kind::Option) return s.type->child().str() + " or null";
    return s.type->str();
  }
  [[noreturn]] void mismatch(const Slot& s, const std::string& got) const {
    fail(path(depth_), fmt::format("expected {}, got {}", expected(s), got));
  }
  [[noreturn]] void out_of_range(const Slot& s, const std::string& got) const {
    fail(path(depth_), fmt::format("expected {}, got {} (out of range)", expected(s), got));
  }
  [[noreturn]] void complex_fail(const std::string& got, bool at_end = false) const {
    const Frame& f = stack_[static_cast<std::size_t>(depth_ - 1)];
    // A value that is not a number is the frame's element number `count` (not yet counted).
    fail(at_end ? path(depth_ - 1) : fmt::format("{}[{}]", path(depth_ - 1), f.count),
         fmt::format("expected {} as [re, im] (two numbers), got {}", f.type->str(), got));
  }

  bool complex_part(double value) {
    Frame& f = top();
    ++f.count;
    if (f.count > 2) complex_fail("more than 2 numbers", true);
    f.parts[f.count - 1] = value;
    return true;
  }

  static void store_complex(char* dest, const ndt::Type& t, double re, double im) {
    if (t.kind() == Kind::Complex128) {
      const double parts[2] = {re, im};
      std::memcpy(dest, parts, sizeof parts);
    } else {
      const float parts[2] = {static_cast<float>(re), static_cast<float>(im)};
      std::memcpy(dest, parts, sizeof parts);
    }
  }

  template <class T>
  static void put(char* dest, T value) {
    std::memcpy(dest, &value, sizeof value);
  }

  template <class T>
  bool put_checked(char* dest, int64_t value) {
    if (value < std::numeric_limits<T>::min() || value > std::numeric_limits<T>::max())
      return false;
    put(dest, static_cast<T>(value));
    return true;
  }

  void store_signed(const Slot& s, const ndt::Type& t, int64_t value) {
    bool ok = true;
    switch (t.kind()) {
      case Kind::Int8:
        ok = put_checked<int8_t>(s.dest, value);
        break;
      case Kind::Int16:
        ok = put_checked<int16_t>(s.dest, value);
        break;
      case Kind::Int32:
        ok = put_checked<int32_t>(s.dest, value);
        break;
      case Kind::Int64:
        put(s.dest, value);
        break;
      default:
        if (!store_float(s, t, static_cast<double>(value))) mismatch(s, fmt::format("{}", value));
        return;
    }
    if (!ok) out_of_range(s, fmt::format("{}", value));
  }

  void store_unsigned(const Slot& s, const ndt::Type& t, uint64_t value) {
    uint64_t limit = 0;
    switch (t.kind()) {
      case Kind::UInt8:
        limit = UINT8_MAX;
        break;
      case Kind::UInt16:
        limit = UINT16_MAX;
        break;
      case Kind::UInt32:
        limit = UINT32_MAX;
        break;
      case Kind::UInt64:
        limit = UINT64_MAX;
        break;
      default:
        if (!store_float(s, t, static_cast<double>(value))) mismatch(s, fmt::format("{}", value));
        return;
    }
    if (value > limit) out_of_range(s, fmt::format("{}", value));
    switch (t.kind()) {
      case Kind::UInt8:
        put(s.dest, static_cast<uint8_t>(value));
        break;
      case Kind::UInt16:
        put(s.dest, static_cast<uint16_t>(value));
        break;
      case Kind::UInt32:
        put(s.dest, static_cast<uint32_t>(value));
        break;
      default:
        put(s.dest, value);
        break;
    }
  }

  // Floats and complex from a number; false when `t` takes no numbers.
  bool store_float(const Slot& s, const ndt::Type& t, double value) {
    switch (t.kind()) {
      case Kind::Float64:
        put(s.dest, value);
        return true;
      case Kind::Float32: {
        const float f = static_cast<float>(value);
        if (std::isinf(f)) out_of_range(s, fmt::format("{}", value));
        put(s.dest, f);
        return true;
      }
      case Kind::Float16:
      case Kind::BFloat16: {
        gfunc::CastLoop& loop = t.kind() == Kind::Float16 ? half_cast_ : bhalf_cast_;
        if (!loop) loop = gfunc::find_cast(ndt::float64, t, gfunc::cast_overflow);
        char* args[2] = {reinterpret_cast<char*>(&value), s.dest};
        const int64_t count = 1;
        const int64_t steps[2] = {0, 0};
        gfunc::LoopContext context{loop.data};
        if (!loop || loop.loop(args, &count, steps, &context) != gfunc::loop_ok)
          out_of_range(s, fmt::format("{}", value));
        return true;
      }
      case Kind::Complex64:
      case Kind::Complex128:
        if (t.kind() == Kind::Complex64 && std::isinf(static_cast<float>(value)))
          out_of_range(s, fmt::format("{}", value));
        store_complex(s.dest, t, value, 0.0);
        return true;
      default:
        return false;
    }
  }

  // String bytes go to a reader-local bump region carved from the array's Memory (one lock
  // per chunk, not per string), NUL-terminated like the strings gfunc's casts write.
  void store_string(char* dest, const std::string& value) {
    const int64_t size = static_cast<int64_t>(value.size());
    if (size == 0) return;  // {nullptr, 0}, as zeroed
    const int64_t need = size + 1;
    if (need > chunk_left_) {
      if (need > kChunk / 4) {
        char* own = memory_.allocate_extra(need, 1);
        write_string(dest, own, value);
        return;
      }
      chunk_ = memory_.allocate_extra(kChunk, 1);
      chunk_left_ = kChunk;
    }
    char* p = chunk_;
    chunk_ += need;
    chunk_left_ -= need;
    write_string(dest, p, value);
  }
  static void write_string(char* dest, char* bytes, const std::string& value) {
    std::memcpy(bytes, value.data(), value.size());
    bytes[value.size()] = '\0';
    const char* data = bytes;
    const int64_t size = static_cast<int64_t>(value.size());
    std::memcpy(dest, &data, sizeof data);
    std::memcpy(dest + sizeof data, &size, sizeof size);
  }

  static bool store_fixed_string(char* dest, const ndt::Type& t, const std::string& value) {
    const int64_t length = t.shape();
    std::memset(dest, 0, static_cast<std::size_t>(t.size()));
    if (t.encoding() == ndt::Encoding::utf32) {
      // The parser validated the UTF-8: decode it without further checks.
      int64_t n = 0;
      for (std::size_t i = 0; i < value.size();) {
        const auto c = static_cast<unsigned char>(value[i]);
        const int len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1Fu) : len == 3 ? (c & 0x0Fu) : (c & 0x07u);
        for (int k = 1; k < len; ++k)
          cp = (cp << 6) |
               (static_cast<unsigned char>(value[i + static_cast<std::size_t>(k)]) & 0x3Fu);
        if (n == length) return false;
        std::memcpy(dest + 4 * n++, &cp, 4);
        i += static_cast<std::size_t>(len);
      }
      return true;
    }
    if (static_cast<int64_t>(value.size()) > length) return false;
    if (t.encoding() == ndt::Encoding::ascii)
      for (char c : value)
        if (static_cast<unsigned char>(c) >= 0x80) return false;
    std::memcpy(dest, value.data(), value.size());
    return true;
  }

  static constexpr int64_t kChunk = 1 << 16;

  std::string_view text_;
  const ndt::Type* root_;
  char* root_data_;
  Memory& memory_;
  std::vector<Frame> stack_;
  int depth_ = 0;
  char* chunk_ = nullptr;
  int64_t chunk_left_ = 0;
  gfunc::CastLoop half_cast_, bhalf_cast_;
};

bool scannable(const ndt::Type& dtype) {
  return dtype.kind() == Kind::Float64 || dtype.kind() == Kind::Int64;
}

}  // namespace

Array from_json(std::string_view text, const ndt::Type& type) {
  if (!type) throw Error(ErrorCode::invalid_argument, "from_json: an empty type");
  if (!type.is_concrete())
    throw Error(ErrorCode::type, fmt::format("from_json: {} is not a concrete type", type.str()));
  check_readable(type, type);
  // Leading fixed dims are the array's shape; the rest is its dtype.
  std::vector<int64_t> shape, strides;
  const ndt::Type* dtype = &type;
  int64_t offset = 0;  // to element 0 when a stride is negative
  while (dtype->kind() == Kind::FixedDim) {
    shape.push_back(dtype->shape());
    strides.push_back(dtype->stride());
    if (dtype->stride() < 0 && dtype->shape() > 0) offset -= (dtype->shape() - 1) * dtype->stride();
    dtype = &dtype->child();
  }
  const bool fast = scannable(*dtype) && !shape.empty();
  auto memory = Memory::allocate(std::max<int64_t>(type.size(), 1), type.align(), !fast);
  char* data = memory->data() + offset;
  if (!fast || !json_scan_numbers(text, data, shape, strides, dtype->kind())) {
    Reader reader(text, type, data, *memory);
    nlohmann::json::sax_parse(text.begin(), text.end(), &reader);
  }
  return ArrayBuilder::make(std::move(memory), data, *dtype, shape, strides, false);
}

Array from_json_file(const std::string& path, const ndt::Type& type) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("from_json_file: cannot open {}: {}", path, std::strerror(errno)));
  struct stat info {};
  if (::fstat(fd, &info) != 0 || !S_ISREG(info.st_mode) || info.st_size == 0) {
    // Not a mappable regular file (a pipe, an empty file): read it.
    std::string text;
    char buffer[1 << 16];
    for (;;) {
      const ssize_t n = ::read(fd, buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        const int error = errno;
        ::close(fd);
        throw Error(ErrorCode::invalid_argument,
                    fmt::format("from_json_file: cannot read {}: {}", path, std::strerror(error)));
      }
      if (n == 0) break;
      text.append(buffer, static_cast<std::size_t>(n));
    }
    ::close(fd);
    return from_json(text, type);
  }
  const auto size = static_cast<std::size_t>(info.st_size);
  void* mapped = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapped == MAP_FAILED)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("from_json_file: cannot map {}: {}", path, std::strerror(errno)));
  ::madvise(mapped, size, MADV_SEQUENTIAL);
  struct Unmap {
    void* p;
    std::size_t n;
    ~Unmap() { ::munmap(p, n); }
  } unmap{mapped, size};
  return from_json(std::string_view(static_cast<const char*>(mapped), size), type);
}

}  // namespace pluribus::nd
