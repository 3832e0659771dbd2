// Conversions of types to and from PEP 3118, Arrow C Data Interface, DLPack and NumPy.
#include "ndt/interop.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <optional>

#include "ndt/checked.hpp"

namespace pluribus::ndt {
namespace {

static_assert(std::endian::native == std::endian::little,
              "the interop formats assume a little-endian host");

[[noreturn]] void no_mapping(std::string_view target, const Type& t, std::string_view why = "") {
  throw Error(ErrorCode::not_implemented, fmt::format("type '{}' has no {} equivalent{}{}", t.str(),
                                                      target, why.empty() ? "" : ": ", why));
}

int64_t lowest_bit(int64_t x) { return x & -x; }

// ===== PEP 3118 writer ===================================================================

void pep_item(std::string& out, const Type& t);

void pep_fields(std::string& out, const Type& t) {
  const bool named = t.kind() == Kind::Record;
  out += "T{";
  int64_t pos = 0;
  for (const auto& f : t.fields()) {
    if (f.offset > pos) fmt::format_to(std::back_inserter(out), "{}x", f.offset - pos);
    pep_item(out, f.type);
    if (named) {
      if (f.name.empty() || f.name.find(':') != std::string::npos)
        no_mapping("PEP 3118", t, fmt::format("field name '{}' cannot be written", f.name));
      fmt::format_to(std::back_inserter(out), ":{}:", f.name);
    }
    pos = f.offset + f.type.size();
  }
  if (t.size() > pos) fmt::format_to(std::back_inserter(out), "{}x", t.size() - pos);
  out += '}';
}

void pep_item(std::string& out, const Type& t) {
  if (!t.is_concrete()) no_mapping("PEP 3118", t, "it is abstract");
  switch (t.kind()) {
    case Kind::Bool:
      out += '?';
      return;
    case Kind::Int8:
      out += 'b';
      return;
    case Kind::UInt8:
      out += 'B';
      return;
    case Kind::Int16:
      out += "<h";
      return;
    case Kind::UInt16:
      out += "<H";
      return;
    case Kind::Int32:
      out += "<i";
      return;
    case Kind::UInt32:
      out += "<I";
      return;
    case Kind::Int64:
      out += "<q";
      return;
    case Kind::UInt64:
      out += "<Q";
      return;
    case Kind::Float16:
      out += "<e";
      return;
    case Kind::Float32:
      out += "<f";
      return;
    case Kind::Float64:
      out += "<d";
      return;
    case Kind::Complex64:
      out += "<Zf";
      return;
    case Kind::Complex128:
      out += "<Zd";
      return;
    case Kind::Char:
      if (t.encoding() != Encoding::ascii) no_mapping("PEP 3118", t, "only char['ascii'] is 'c'");
      out += 'c';
      return;
    case Kind::FixedBytes:
      if (t.align() != 1) no_mapping("PEP 3118", t, "'s' has alignment 1");
      fmt::format_to(std::back_inserter(out), "{}s", t.shape());
      return;
    case Kind::FixedString:
      if (t.encoding() == Encoding::utf32)
        fmt::format_to(std::back_inserter(out), "<{}w", t.shape());
      else if (t.encoding() == Encoding::ucs2)
        fmt::format_to(std::back_inserter(out), "<{}u", t.shape());
      else
        no_mapping("PEP 3118", t, "only utf32 ('w') and ucs2 ('u') strings have one");
      return;
    case Kind::FixedDim: {
      // A shape prefix describes C-contiguous dims only.
      out += '(';
      Type cur = t;
      for (bool first = true; cur.kind() == Kind::FixedDim; cur = cur.child(), first = false) {
        if (cur.stride() != cur.child().size())
          no_mapping("PEP 3118", t, "its strides are not C-contiguous");
        fmt::format_to(std::back_inserter(out), "{}{}", first ? "" : ",", cur.shape());
      }
      out += ')';
      pep_item(out, cur);
      return;
    }
    case Kind::Tuple:
    case Kind::Record:
      pep_fields(out, t);
      return;
    default:
      no_mapping("PEP 3118", t);
  }
}

// ===== PEP 3118 reader ===================================================================

struct PepItem {
  std::string name;  // empty when unnamed
  Type type;
  int64_t offset = 0;
};

// Chooses per-field |align|/|pack| and align=/pack= so that make_record lays the fields at
// exactly `items[i].offset` with total `size`, preferring natural alignments.
Type lay_out_exactly(const std::vector<PepItem>& items, int64_t size, bool named,
                     std::string_view format) {
  auto attempt = [&](int64_t cap, std::vector<int64_t>* aligns) -> bool {
    aligns->clear();
    int64_t end = 0;
    for (const auto& item : items) {
      const int64_t natural = std::min(item.type.align(), cap);
      const int64_t d = item.offset;
      int64_t a;
      if (detail::round_up(end, natural, "record") == d)
        a = natural;
      else if (d == end)
        a = std::min(natural, d ? lowest_bit(d) : natural);
      else if (lowest_bit(d) > d - end && lowest_bit(d) <= cap)
        a = lowest_bit(d);
      else
        return false;
      aligns->push_back(a);
      end = d + item.type.size();
    }
    return true;
  };
  int64_t end = items.empty() ? 0 : items.back().offset + items.back().type.size();
  std::vector<int64_t> aligns;
  int64_t record_align = 0;
  bool ok = attempt(int64_t{1} << 62, &aligns);
  if (ok) {
    int64_t max_align = 1;
    for (auto a : aligns) max_align = std::max(max_align, a);
    if (detail::round_up(end, max_align, "record") != size) {
      if (size > detail::round_up(end, max_align, "record")) {
        // Trailing padding beyond the fields' alignment: raise the record's alignment.
        const int64_t a = lowest_bit(size);
        if (a > size - end && a > max_align)
          record_align = a;
        else
          ok = false;
      } else {
        // Less trailing padding than C would add: cap every alignment.
        int64_t cap = size ? lowest_bit(size) : 1;
        while (cap > 1 && detail::round_up(end, cap, "record") != size) cap /= 2;
        ok = detail::round_up(end, cap, "record") == size && attempt(cap, &aligns);
      }
    }
  }
  Type t;
  if (ok) {
    std::vector<FieldSpec> specs;
    for (std::size_t i = 0; i < items.size(); ++i) {
      FieldSpec s{items[i].name, items[i].type};
      const int64_t natural = items[i].type.align();
      if (aligns[i] > natural) s.align = aligns[i];
      if (aligns[i] < natural) s.pack = aligns[i];
      specs.push_back(std::move(s));
    }
    RecordOptions options;
    options.align = record_align;
    t = named ? make_record(std::move(specs), options) : ndt::make_tuple(std::move(specs), options);
    ok = t.size() == size;
    for (std::size_t i = 0; ok && i < items.size(); ++i)
      ok = t.fields()[i].offset == items[i].offset;
  }
  if (!ok)
    throw Error(ErrorCode::not_implemented,
                fmt::format("PEP 3118 format '{}': its offsets cannot be expressed as a record "
                            "layout with align/pack",
                            format));
  return t;
}

class PepReader {
 public:
  explicit PepReader(std::string_view s) : s_(s) {}

  Type read_top() {
    auto [items, size, had_padding] = read_items(false);
    if (pos_ != s_.size()) fail("unexpected '}'");
    if (items.empty()) fail("empty format");
    if (items.size() == 1 && !had_padding && items[0].name.empty() && items[0].offset == 0 &&
        size == items[0].type.size())
      return items[0].type;
    return to_struct(items, size);
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
  int depth_ = 0;

  [[noreturn]] void fail(const std::string& message) {
    throw_parse_error(s_, std::min(pos_, s_.size()), fmt::format("PEP 3118 format: {}", message));
  }
  [[noreturn]] void unsupported(const std::string& message) {
    throw Error(ErrorCode::not_implemented, fmt::format("PEP 3118 format '{}': {}", s_, message));
  }
  bool at(char c) const { return pos_ < s_.size() && s_[pos_] == c; }
  void skip_space() {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n')) ++pos_;
  }
  std::optional<int64_t> number() {
    const std::size_t start = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    if (pos_ == start) return std::nullopt;
    int64_t v = 0;
    auto r = std::from_chars(s_.data() + start, s_.data() + pos_, v);
    if (r.ec != std::errc()) {
      pos_ = start;
      fail("number out of range");
    }
    return v;
  }

  Type to_struct(std::vector<PepItem>& items, int64_t size) {
    bool any_named = false, all_named = true;
    for (const auto& i : items) {
      any_named = any_named || !i.name.empty();
      all_named = all_named && !i.name.empty();
    }
    if (any_named && !all_named)
      for (std::size_t i = 0; i < items.size(); ++i)
        if (items[i].name.empty()) items[i].name = fmt::format("f{}", i);
    try {
      return lay_out_exactly(items, size, any_named, s_);
    } catch (const Error& e) {
      if (e.code() == ErrorCode::not_implemented) throw;
      throw Error(e.code(), fmt::format("PEP 3118 format '{}': {}", s_, e.what()));
    }
  }

  // Items up to the end or a closing '}'. Returns the items, the byte size and whether
  // explicit padding occurred.
  std::tuple<std::vector<PepItem>, int64_t, bool> read_items(bool in_struct) {
    std::vector<PepItem> items;
    int64_t offset = 0;
    int64_t max_align = 1;
    bool padding = false;
    char order = '@';
    for (;;) {
      skip_space();
      if (pos_ == s_.size()) {
        if (in_struct) fail("missing '}'");
        break;
      }
      if (at('}')) break;
      std::vector<int64_t> shape;
      if (at('(')) {
        ++pos_;
        for (;;) {
          skip_space();
          auto n = number();
          if (!n) fail("expected a dimension in the shape");
          shape.push_back(*n);
          skip_space();
          if (at(',')) {
            ++pos_;
            continue;
          }
          if (at(')')) {
            ++pos_;
            break;
          }
          fail("expected ',' or ')' in the shape");
        }
      }
      while (pos_ < s_.size() &&
             std::string_view("@=<>!^").find(s_[pos_]) != std::string_view::npos) {
        order = s_[pos_];
        if (order == '>' || order == '!')
          unsupported("big-endian data (only little-endian is supported)");
        ++pos_;
      }
      const std::size_t count_pos = pos_;
      auto count = number();
      if (pos_ == s_.size()) fail("expected a format character");
      const std::size_t item_pos = pos_;
      const char c = s_[pos_++];
      const bool native = order == '@';
      Type t;
      bool is_padding = false;
      int64_t repeat = count.value_or(1);
      switch (c) {
        case 'x':
          is_padding = true;
          break;
        case '?':
          t = bool_;
          break;
        case 'b':
          t = int8;
          break;
        case 'B':
          t = uint8;
          break;
        case 'h':
          t = int16;
          break;
        case 'H':
          t = uint16;
          break;
        case 'i':
          t = int32;
          break;
        case 'I':
          t = uint32;
          break;
        case 'l':
          t = native ? int64 : int32;
          break;
        case 'L':
          t = native ? uint64 : uint32;
          break;
        case 'q':
          t = int64;
          break;
        case 'Q':
          t = uint64;
          break;
        case 'n':
        case 'N':
          if (!native) fail("'n' and 'N' exist only in native ('@') mode");
          t = c == 'n' ? int64 : uint64;
          break;
        case 'e':
          t = float16;
          break;
        case 'f':
          t = float32;
          break;
        case 'd':
          t = float64;
          break;
        case 'c':
          t = make_char(Encoding::ascii);
          break;
        case 's':
          t = make_fixed_bytes(repeat);
          repeat = 1;
          break;
        case 'w':
          t = make_fixed_string(repeat, Encoding::utf32);
          repeat = 1;
          break;
        case 'u':
          t = make_fixed_string(repeat, Encoding::ucs2);
          repeat = 1;
          break;
        case 'Z': {
          const char z = pos_ < s_.size() ? s_[pos_++] : '\0';
          if (z == 'f')
            t = complex64;
          else if (z == 'd')
            t = complex128;
          else if (z == 'g' || z == 'e')
            unsupported(fmt::format("'Z{}' has no equivalent", z));
          else
            fail("expected 'f' or 'd' after 'Z'");
          break;
        }
        case 'T': {
          if (!at('{')) fail("expected '{' after 'T'");
          ++pos_;
          if (++depth_ > 64) fail("structs nest too deeply");
          auto [members, size, had_padding] = read_items(true);
          (void)had_padding;
          --depth_;
          ++pos_;  // the '}'
          t = to_struct(members, size);
          break;
        }
        case 'g':
        case 'P':
        case 'O':
        case 'p':
        case '&':
        case 't':
        case 'X':
          pos_ = item_pos;
          unsupported(fmt::format("format character '{}' has no equivalent", c));
        default:
          pos_ = item_pos;
          fail(fmt::format("unknown format character '{}'", c));
      }
      if (is_padding) {
        if (!shape.empty()) fail("padding cannot have a shape");
        offset = detail::checked_add(offset, repeat, "PEP 3118 format");
        padding = true;
        continue;
      }
      (void)count_pos;
      if (repeat != 1) shape.push_back(repeat);
      for (std::size_t i = shape.size(); i-- > 0;) t = make_fixed_dim(shape[i], t);
      if (native) offset = detail::round_up(offset, t.align(), "PEP 3118 format");
      max_align = std::max(max_align, t.align());
      std::string name;
      if (at(':')) {
        const std::size_t end = s_.find(':', pos_ + 1);
        if (end == std::string_view::npos) fail("unterminated ':name:'");
        name = std::string(s_.substr(pos_ + 1, end - pos_ - 1));
        pos_ = end + 1;
      }
      for (const auto& other : items)
        if (!name.empty() && other.name == name) fail(fmt::format("duplicate name '{}'", name));
      items.push_back({std::move(name), t, offset});
      offset = detail::checked_add(offset, t.size(), "PEP 3118 format");
    }
    // Native mode pads a struct to its alignment, as a C compiler does.
    if (order == '@') offset = detail::round_up(offset, max_align, "PEP 3118 format");
    return {std::move(items), offset, padding};
  }
};

}  // namespace

std::string to_pep3118(const Type& t) {
  if (!t) throw Error(ErrorCode::invalid_argument, "to_pep3118: empty type");
  std::string out;
  pep_item(out, t);
  return out;
}

Type from_pep3118(std::string_view format) { return PepReader(format).read_top(); }

// ===== Arrow =============================================================================

namespace {

const char* arrow_time_unit(std::string_view unit) {
  if (unit == "s") return "s";
  if (unit == "ms") return "m";
  if (unit == "us") return "u";
  if (unit == "ns") return "n";
  return nullptr;
}

ArrowFormat arrow_node(const Type& t, std::string_view name) {
  ArrowFormat out;
  out.name = name;
  Type cur = t;
  if (cur.kind() == Kind::Option) {
    out.nullable = true;
    cur = cur.child();
  }
  if (!cur.is_concrete()) no_mapping("Arrow", t, "it is abstract");
  switch (cur.kind()) {
    case Kind::Void:
      out.format = "n";
      break;
    case Kind::Bool:
      out.format = "b";
      break;
    case Kind::Int8:
      out.format = "c";
      break;
    case Kind::UInt8:
      out.format = "C";
      break;
    case Kind::Int16:
      out.format = "s";
      break;
    case Kind::UInt16:
      out.format = "S";
      break;
    case Kind::Int32:
      out.format = "i";
      break;
    case Kind::UInt32:
      out.format = "I";
      break;
    case Kind::Int64:
      out.format = "l";
      break;
    case Kind::UInt64:
      out.format = "L";
      break;
    case Kind::Float16:
      out.format = "e";
      break;
    case Kind::Float32:
      out.format = "f";
      break;
    case Kind::Float64:
      out.format = "g";
      break;
    case Kind::String:
      out.format = "u";
      break;
    case Kind::Bytes:
      out.format = "z";
      break;
    case Kind::FixedBytes:
      out.format = fmt::format("w:{}", cur.shape());
      break;
    case Kind::Decimal:
      out.format = fmt::format("d:{},{}", cur.precision(), cur.scale());
      break;
    case Kind::Date:
      out.format = "tdD";
      break;
    case Kind::Time:
      if (!cur.timezone().empty()) no_mapping("Arrow", t, "Arrow times have no time zone");
      out.format = "ttn";
      break;
    case Kind::DateTime:
      out.format = "tsn:" + cur.timezone();
      break;
    case Kind::TimeDelta: {
      const char* u = arrow_time_unit(cur.unit());
      if (!u) no_mapping("Arrow", t, "durations are in s, ms, us or ns");
      out.format = fmt::format("tD{}", u);
      break;
    }
    case Kind::VarDim:
      out.format = "+l";
      out.children.push_back(arrow_node(cur.child(), "item"));
      break;
    case Kind::FixedDim:
      out.format = fmt::format("+w:{}", cur.shape());
      out.children.push_back(arrow_node(cur.child(), "item"));
      break;
    case Kind::Record:
    case Kind::Tuple:
      if (cur.variadic()) no_mapping("Arrow", t, "it is variadic");
      out.format = "+s";
      for (const auto& f : cur.fields()) out.children.push_back(arrow_node(f.type, f.name));
      break;
    case Kind::Union: {
      out.format = "+ud:";
      const auto fields = cur.fields();
      for (std::size_t i = 0; i < fields.size(); ++i) {
        out.format += fmt::format("{}{}", i ? "," : "", i);
        out.children.push_back(arrow_node(fields[i].type, fields[i].name));
      }
      break;
    }
    default:
      no_mapping("Arrow", t);
  }
  return out;
}

[[noreturn]] void arrow_unsupported(std::string_view format) {
  throw Error(ErrorCode::not_implemented,
              fmt::format("Arrow format '{}' has no ndt equivalent", format));
}
[[noreturn]] void arrow_malformed(std::string_view format, std::string_view why) {
  throw Error(ErrorCode::parse, fmt::format("Arrow format '{}' is malformed: {}", format, why));
}

// Parses a comma-separated list of non-negative integers (e.g. "7,2" or "0,1,2").
std::vector<int64_t> arrow_ints(std::string_view format, std::string_view list) {
  std::vector<int64_t> out;
  std::size_t pos = 0;
  for (;;) {
    int64_t v = 0;
    auto r = std::from_chars(list.data() + pos, list.data() + list.size(), v);
    if (r.ec != std::errc() || v < 0) arrow_malformed(format, "expected a non-negative integer");
    out.push_back(v);
    pos = r.ptr - list.data();
    if (pos == list.size()) return out;
    if (list[pos] != ',') arrow_malformed(format, "expected ','");
    ++pos;
  }
}

Type arrow_type(const ArrowFormat& s, int depth) {
  if (depth > 256) throw Error(ErrorCode::value, "Arrow schema nests deeper than 256 levels");
  const std::string_view f = s.format;
  auto expect_children = [&](std::size_t n) {
    if (s.children.size() != n)
      throw Error(ErrorCode::value, fmt::format("Arrow format '{}' needs {} child(ren), got {}", f,
                                                n, s.children.size()));
  };
  auto child = [&](std::size_t i) { return arrow_type(s.children[i], depth + 1); };
  Type t;
  if (f.size() == 1) {
    expect_children(0);
    switch (f[0]) {
      case 'n':
        t = void_;
        break;
      case 'b':
        t = bool_;
        break;
      case 'c':
        t = int8;
        break;
      case 'C':
        t = uint8;
        break;
      case 's':
        t = int16;
        break;
      case 'S':
        t = uint16;
        break;
      case 'i':
        t = int32;
        break;
      case 'I':
        t = uint32;
        break;
      case 'l':
        t = int64;
        break;
      case 'L':
        t = uint64;
        break;
      case 'e':
        t = float16;
        break;
      case 'f':
        t = float32;
        break;
      case 'g':
        t = float64;
        break;
      case 'u':
      case 'U':
        t = string;
        break;
      case 'z':
      case 'Z':
        t = bytes;
        break;
      default:
        arrow_unsupported(f);
    }
  } else if (f.starts_with("w:")) {
    expect_children(0);
    auto n = arrow_ints(f, f.substr(2));
    if (n.size() != 1) arrow_malformed(f, "expected one byte width");
    t = make_fixed_bytes(n[0]);
  } else if (f.starts_with("d:")) {
    expect_children(0);
    auto n = arrow_ints(f, f.substr(2));
    if (n.size() < 2 || n.size() > 3) arrow_malformed(f, "expected precision,scale[,bitwidth]");
    if (n.size() == 3 && n[2] != 128) arrow_unsupported(f);
    if (n[0] > 38) arrow_unsupported(f);
    t = make_decimal(n[0], n[1]);
  } else if (f == "tdD") {
    expect_children(0);
    t = make_date();
  } else if (f == "ttn") {
    expect_children(0);
    t = make_time();
  } else if (f.starts_with("tsn:")) {
    expect_children(0);
    t = make_datetime(f.substr(4));
  } else if (f.size() == 3 && f.starts_with("tD")) {
    expect_children(0);
    switch (f[2]) {
      case 's':
        t = make_timedelta("s");
        break;
      case 'm':
        t = make_timedelta("ms");
        break;
      case 'u':
        t = make_timedelta("us");
        break;
      case 'n':
        t = make_timedelta("ns");
        break;
      default:
        arrow_malformed(f, "unknown duration unit");
    }
  } else if (f == "+l" || f == "+L") {
    expect_children(1);
    t = make_var_dim(child(0));
  } else if (f.starts_with("+w:")) {
    expect_children(1);
    auto n = arrow_ints(f, f.substr(3));
    if (n.size() != 1) arrow_malformed(f, "expected one list size");
    t = make_fixed_dim(n[0], child(0));
  } else if (f == "+s") {
    bool unnamed = !s.children.empty();
    for (const auto& c : s.children) unnamed = unnamed && c.name.empty();
    std::vector<FieldSpec> fields;
    for (std::size_t i = 0; i < s.children.size(); ++i)
      fields.push_back({s.children[i].name, child(i)});
    t = unnamed ? ndt::make_tuple(std::move(fields)) : make_record(std::move(fields));
  } else if (f.starts_with("+ud:") || f.starts_with("+us:")) {
    auto ids = arrow_ints(f, f.substr(4));
    expect_children(ids.size());
    std::vector<std::pair<std::string, Type>> members;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      if (ids[i] != static_cast<int64_t>(i)) arrow_unsupported(f);  // our tags are 0..n-1
      members.emplace_back(s.children[i].name, child(i));
    }
    t = make_union(std::move(members));
  } else if (f.empty()) {
    arrow_malformed(f, "empty format");
  } else {
    arrow_unsupported(f);
  }
  if (s.nullable && t.kind() != Kind::Void) t = make_option(t);
  return t;
}

}  // namespace

std::string to_arrow_format(const Type& t) { return to_arrow_schema(t).format; }

ArrowFormat to_arrow_schema(const Type& t, std::string_view name) {
  if (!t) throw Error(ErrorCode::invalid_argument, "to_arrow_schema: empty type");
  return arrow_node(t, name);
}

Type from_arrow_schema(const ArrowFormat& schema) { return arrow_type(schema, 0); }

// ===== DLPack ============================================================================

DLDataType to_dlpack_dtype(const Type& t) {
  if (!t) throw Error(ErrorCode::invalid_argument, "to_dlpack_dtype: empty type");
  auto dl = [](uint8_t code, int64_t bits) {
    return DLDataType{code, static_cast<uint8_t>(bits), 1};
  };
  if (t.kind() == Kind::Bool) return dl(kDLBool, 8);
  if (t.is_signed()) return dl(kDLInt, t.size() * 8);
  if (t.is_unsigned()) return dl(kDLUInt, t.size() * 8);
  if (t.kind() == Kind::BFloat16) return dl(kDLBfloat, 16);
  if (t.is_float()) return dl(kDLFloat, t.size() * 8);
  if (t.is_complex()) return dl(kDLComplex, t.size() * 8);
  no_mapping("DLPack", t);
}

Type from_dlpack_dtype(DLDataType d) {
  if (d.lanes != 1)
    throw Error(ErrorCode::not_implemented,
                fmt::format("DLPack dtype with {} lanes: only lanes == 1 is supported", d.lanes));
  auto pick = [&](std::initializer_list<std::pair<int, Type>> options) -> std::optional<Type> {
    for (const auto& [bits, t] : options)
      if (bits == d.bits) return t;
    return std::nullopt;
  };
  std::optional<Type> t;
  switch (d.code) {
    case kDLInt:
      t = pick({{8, int8}, {16, int16}, {32, int32}, {64, int64}, {128, primitive(Kind::Int128)}});
      break;
    case kDLUInt:
      t = pick(
          {{8, uint8}, {16, uint16}, {32, uint32}, {64, uint64}, {128, primitive(Kind::UInt128)}});
      break;
    case kDLFloat:
      t = pick({{16, float16}, {32, float32}, {64, float64}});
      break;
    case kDLBfloat:
      t = pick({{16, bfloat16}});
      break;
    case kDLComplex:
      t = pick({{64, complex64}, {128, complex128}});
      break;
    case kDLBool:
      t = pick({{8, bool_}});
      break;
    default:
      break;
  }
  if (!t)
    throw Error(ErrorCode::not_implemented,
                fmt::format("DLPack dtype {{code={}, bits={}, lanes=1}} has no ndt equivalent",
                            d.code, d.bits));
  return *t;
}

// ===== NumPy =============================================================================

namespace {

std::optional<std::string> numpy_str(const Type& t) {
  switch (t.kind()) {
    case Kind::Bool:
      return "|b1";
    case Kind::Int8:
      return "|i1";
    case Kind::UInt8:
      return "|u1";
    case Kind::Int16:
      return "<i2";
    case Kind::UInt16:
      return "<u2";
    case Kind::Int32:
      return "<i4";
    case Kind::UInt32:
      return "<u4";
    case Kind::Int64:
      return "<i8";
    case Kind::UInt64:
      return "<u8";
    case Kind::Float16:
      return "<f2";
    case Kind::Float32:
      return "<f4";
    case Kind::Float64:
      return "<f8";
    case Kind::Complex64:
      return "<c8";
    case Kind::Complex128:
      return "<c16";
    case Kind::FixedBytes:
      if (t.align() != 1) return std::nullopt;
      return fmt::format("|S{}", t.shape());
    case Kind::FixedString:
      if (t.encoding() != Encoding::utf32) return std::nullopt;
      return fmt::format("<U{}", t.shape());
    case Kind::TimeDelta:
      return fmt::format("<m8[{}]", t.unit());
    case Kind::DateTime:
      if (!t.timezone().empty()) return std::nullopt;  // datetime64 is naive
      return "<M8[ns]";
    default:
      return std::nullopt;
  }
}

void numpy_descr(std::string& out, const Type& t);

void numpy_field(std::string& out, std::string_view name, const Type& t) {
  for (char c : name)
    if (c == '\\' || c == '\'' || static_cast<unsigned char>(c) < 0x20)
      no_mapping("NumPy descr", t, fmt::format("field name '{}' needs escaping", name));
  fmt::format_to(std::back_inserter(out), "('{}', ", name);
  std::vector<int64_t> shape;
  Type cur = t;
  for (; cur.kind() == Kind::FixedDim; cur = cur.child()) {
    if (cur.stride() != cur.child().size())
      no_mapping("NumPy descr", t, "strides are not C-contiguous");
    shape.push_back(cur.shape());
  }
  if (cur.kind() == Kind::Record) {
    numpy_descr(out, cur);
  } else if (auto s = numpy_str(cur)) {
    fmt::format_to(std::back_inserter(out), "'{}'", *s);
  } else {
    no_mapping("NumPy descr", cur);
  }
  if (!shape.empty()) {
    out += ", (";
    for (std::size_t i = 0; i < shape.size(); ++i)
      fmt::format_to(std::back_inserter(out), "{}{}", i ? ", " : "", shape[i]);
    out += shape.size() == 1 ? ",))" : "))";
  } else {
    out += ')';
  }
}

void numpy_descr(std::string& out, const Type& t) {
  if (t.kind() != Kind::Record || !t.is_concrete() || t.variadic())
    no_mapping("NumPy descr", t, "only concrete records have a descr");
  out += '[';
  int64_t pos = 0;
  bool first = true;
  auto sep = [&] {
    if (!first) out += ", ";
    first = false;
  };
  for (const auto& f : t.fields()) {
    if (f.name.empty()) no_mapping("NumPy descr", t, "NumPy fields need names");
    if (f.offset > pos) {
      sep();
      fmt::format_to(std::back_inserter(out), "('', '|V{}')", f.offset - pos);
    }
    sep();
    numpy_field(out, f.name, f.type);
    pos = f.offset + f.type.size();
  }
  if (t.size() > pos) {
    sep();
    fmt::format_to(std::back_inserter(out), "('', '|V{}')", t.size() - pos);
  }
  out += ']';
}

}  // namespace

std::string to_numpy_dtype_str(const Type& t) {
  if (!t) throw Error(ErrorCode::invalid_argument, "to_numpy_dtype_str: empty type");
  if (auto s = numpy_str(t)) return *s;
  if (t.kind() == Kind::Record) no_mapping("NumPy dtype.str", t, "use to_numpy_descr for records");
  no_mapping("NumPy dtype.str", t);
}

std::string to_numpy_descr(const Type& record) {
  if (!record) throw Error(ErrorCode::invalid_argument, "to_numpy_descr: empty type");
  std::string out;
  numpy_descr(out, record);
  return out;
}

Type from_numpy_dtype_str(std::string_view str) {
  auto malformed = [&](std::string_view why) -> Error {
    return Error(ErrorCode::parse,
                 fmt::format("NumPy dtype string '{}' is malformed: {}", str, why));
  };
  auto unsupported = [&](std::string_view why) -> Error {
    return Error(ErrorCode::not_implemented,
                 fmt::format("NumPy dtype '{}' has no ndt equivalent{}{}", str,
                             why.empty() ? "" : ": ", why));
  };
  if (str.size() < 3) throw malformed("expected <byte order><kind><size>");
  const char order = str[0];
  const char kind = str[1];
  if (std::string_view("<>|=").find(order) == std::string_view::npos)
    throw malformed("the first character is the byte order: <, >, | or =");
  std::string_view rest = str.substr(2);
  std::string_view unit;
  if (auto open = rest.find('['); open != std::string_view::npos) {
    if (!rest.ends_with(']')) throw malformed("unterminated '['");
    unit = rest.substr(open + 1, rest.size() - open - 2);
    rest = rest.substr(0, open);
  }
  int64_t n = 0;
  auto r = std::from_chars(rest.data(), rest.data() + rest.size(), n);
  if (r.ec != std::errc() || r.ptr != rest.data() + rest.size() || n < 0)
    throw malformed("expected an item size");
  if (!unit.empty() && kind != 'm' && kind != 'M') throw malformed("only m8 and M8 take a unit");
  // Multi-byte items must be little-endian; a one-byte item has no byte order.
  const int64_t unit_bytes = kind == 'U' ? 4 : kind == 'S' || kind == 'V' ? 1 : n;
  if (order == '>' && unit_bytes > 1) throw unsupported("big-endian data");
  auto sized = [&](std::initializer_list<std::pair<int64_t, Type>> options) {
    for (const auto& [size, t] : options)
      if (size == n) return t;
    throw unsupported("");
  };
  switch (kind) {
    case 'b':
      return sized({{1, bool_}});
    case 'i':
      return sized({{1, int8}, {2, int16}, {4, int32}, {8, int64}});
    case 'u':
      return sized({{1, uint8}, {2, uint16}, {4, uint32}, {8, uint64}});
    case 'f':
      return sized({{2, float16}, {4, float32}, {8, float64}});
    case 'c':
      return sized({{8, complex64}, {16, complex128}});
    case 'S':
    case 'V':
      return make_fixed_bytes(n);
    case 'U':
      return make_fixed_string(n, Encoding::utf32);
    case 'm':
      if (n != 8) throw malformed("timedelta64 has size 8");
      if (unit.empty()) throw unsupported("a generic (unitless) timedelta64");
      try {
        return make_timedelta(unit);
      } catch (const Error&) {
        throw unsupported("the unit is not one of Y, M, W, D, h, m, s, ms, us, ns");
      }
    case 'M':
      if (n != 8) throw malformed("datetime64 has size 8");
      if (unit != "ns") throw unsupported("ndt datetimes count nanoseconds (M8[ns])");
      return make_datetime();
    default:
      throw unsupported("");
  }
}

}  // namespace pluribus::ndt
