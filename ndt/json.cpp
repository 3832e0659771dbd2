// JSON form of ndt::Type (schema in json.hpp): writer and validating reader.
#include "ndt/json.hpp"

#include <fmt/format.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "ndt/checked.hpp"
#include "ndt/node.hpp"

namespace pluribus::ndt {
namespace {

using nlohmann::json;

// Bounds the reader's recursion (deep nesting is an error, never a stack overflow).
// Every type that can be built can be read back: the same bound as construction.
constexpr int kMaxDepth = detail::kMaxTypeDepth;

// ----- writer ----------------------------------------------------------------------------

json write(const Type& t);

json write_categorical_value(const Type::CategoricalValue& c) {
  if (std::holds_alternative<Type::CategoricalValue::NA>(c.value)) return nullptr;
  if (auto* i = std::get_if<int64_t>(&c.value)) return *i;
  if (auto* d = std::get_if<double>(&c.value)) {
    // JSON has no NaN or infinity; nlohmann would silently write null (= NA).
    if (std::isnan(*d)) return json{{"double", "nan"}};
    if (std::isinf(*d)) return json{{"double", *d > 0 ? "inf" : "-inf"}};
    return *d;
  }
  return std::get<std::string>(c.value);
}

json write_fields(const Type& t, bool named) {
  const bool is_concrete = t.is_concrete();
  json fields = json::array();
  for (const auto& f : t.fields()) {
    json j = json::object();
    if (named) j["name"] = f.name;
    j["type"] = write(f.type);
    if (is_concrete) {
      j["align"] = f.align;
      j["offset"] = f.offset;
    } else if (f.align > 0) {
      j["align"] = f.align;  // abstract: the requested |align=N|
    } else if (f.align < 0) {
      j["pack"] = -f.align;  // abstract: the requested |pack=N| (stored negated)
    }
    fields.push_back(std::move(j));
  }
  json out = {
      {"kind", kind_name(t.kind())}, {"fields", std::move(fields)}, {"variadic", t.variadic()}};
  if (is_concrete) {
    out["align"] = t.align();
    out["size"] = t.size();
  } else {
    // Abstract records keep their requested align=/pack= options (no public accessor).
    const auto& n = *t.node();
    if (n.a) out["align"] = n.a;
    if (n.b) out["pack"] = n.b;
  }
  return out;
}

json write(const Type& t) {
  const std::string_view kind = kind_name(t.kind());
  switch (t.kind()) {
    case Kind::Char:
      return {{"kind", kind}, {"encoding", encoding_name(t.encoding())}};
    case Kind::FixedString:
      return {{"kind", kind}, {"length", t.shape()}, {"encoding", encoding_name(t.encoding())}};
    case Kind::FixedBytes:
      return {{"kind", kind}, {"size", t.shape()}, {"align", t.align()}};
    case Kind::Bytes:
      return {{"kind", kind}, {"target_align", t.target_align()}};
    case Kind::Categorical: {
      json values = json::array();
      for (const auto& c : t.categories()) values.push_back(write_categorical_value(c));
      return {{"kind", kind}, {"values", std::move(values)}};
    }
    case Kind::Decimal:
      return {{"kind", kind}, {"precision", t.precision()}, {"scale", t.scale()}};
    case Kind::Time:
    case Kind::DateTime:
      return {{"kind", kind}, {"tz", t.timezone()}};
    case Kind::TimeDelta:
      return {{"kind", kind}, {"unit", t.unit()}};
    case Kind::Option:
    case Kind::Pointer:
    case Kind::VarDim:
    case Kind::AnyFixedDim:
      return {{"kind", kind}, {"type", write(t.child())}};
    case Kind::Nominal:
      return {{"kind", kind}, {"name", t.name()}, {"definition", write(t.child())}};
    case Kind::Constructor:
    case Kind::SymbolicDim:
    case Kind::EllipsisDim:
      return {{"kind", kind}, {"name", t.name()}, {"type", write(t.child())}};
    case Kind::Typevar:
      return {{"kind", kind}, {"name", t.name()}};
    case Kind::FixedDim: {
      json out = {{"kind", kind}, {"shape", t.shape()}};
      if (t.is_concrete()) out["stride"] = t.stride();
      out["type"] = write(t.child());
      return out;
    }
    case Kind::DimPower:
      // The repeated dim has no public accessor; it lives in the node's second child.
      return {{"kind", kind},
              {"base", write(t.node()->child2)},
              {"exponent", t.name()},
              {"type", write(t.child())}};
    case Kind::Tuple:
      return write_fields(t, false);
    case Kind::Record:
      return write_fields(t, true);
    case Kind::Union: {
      json members = json::array();
      for (const auto& f : t.fields())
        members.push_back({{"name", f.name}, {"type", write(f.type)}});
      return {{"kind", kind}, {"members", std::move(members)}};
    }
    case Kind::Function: {
      json positional = json::array(), keywords = json::array(), outputs = json::array();
      const auto fields = t.fields();
      const auto npos = static_cast<std::size_t>(t.npositional());
      for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i < npos)
          positional.push_back(write(fields[i].type));
        else
          keywords.push_back({{"name", fields[i].name}, {"type", write(fields[i].type)}});
      }
      for (const auto& o : t.outputs()) outputs.push_back(write(o));
      return {{"kind", kind},
              {"positional", std::move(positional)},
              {"keywords", std::move(keywords)},
              {"outputs", std::move(outputs)},
              {"variadic", t.variadic()},
              {"kw_variadic", t.kw_variadic()}};
    }
    default:
      return {{"kind", kind}};  // attribute-free primitives and kinds
  }
}

// ----- reader ----------------------------------------------------------------------------

// An error that already names its position; it passes unchanged through the outer levels.
struct PositionedError : Error {
  using Error::Error;
};

std::string positioned(const std::string& pointer, std::string_view message) {
  return fmt::format("JSON type at '{}': {}", pointer, message);
}

// Positions are JSON pointers (RFC 6901; '' is the document), built while descending.
class Reader {
 public:
  Type read(const json& j, const std::string& path, int depth);

 private:
  [[noreturn]] static void fail(const std::string& path, const std::string& message,
                                ErrorCode code = ErrorCode::value) {
    throw PositionedError(code, positioned(path, message));
  }
  static std::string child_path(const std::string& path, std::string_view key) {
    std::string out = path + '/';
    for (char c : key) {
      if (c == '~')
        out += "~0";
      else if (c == '/')
        out += "~1";
      else
        out += c;
    }
    return out;
  }
  static std::string child_path(const std::string& path, std::size_t index) {
    return fmt::format("{}/{}", path, index);
  }

  static const json* find(const json& obj, std::string_view key) {
    auto it = obj.find(key);
    return it == obj.end() ? nullptr : &*it;
  }
  static const json& require(const json& obj, std::string_view key, const std::string& path) {
    const json* v = find(obj, key);
    if (!v) fail(path, fmt::format("missing key '{}'", key));
    return *v;
  }
  static int64_t as_int(const json& v, const std::string& path) {
    if (v.is_number_unsigned()) {
      if (v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
        fail(path, "integer out of the int64 range");
      return static_cast<int64_t>(v.get<uint64_t>());
    }
    if (v.is_number_integer()) return v.get<int64_t>();
    fail(path, fmt::format("expected an integer, got {}", v.type_name()));
  }
  static std::string as_string(const json& v, const std::string& path) {
    if (!v.is_string()) fail(path, fmt::format("expected a string, got {}", v.type_name()));
    return v.get<std::string>();
  }
  static bool as_bool(const json& v, const std::string& path) {
    if (!v.is_boolean()) fail(path, fmt::format("expected a boolean, got {}", v.type_name()));
    return v.get<bool>();
  }
  static const json& as_array(const json& v, const std::string& path) {
    if (!v.is_array()) fail(path, fmt::format("expected an array, got {}", v.type_name()));
    return v;
  }
  static int64_t int_or(const json& obj, std::string_view key, int64_t fallback,
                        const std::string& path) {
    const json* v = find(obj, key);
    return v ? as_int(*v, child_path(path, key)) : fallback;
  }
  static std::string string_or(const json& obj, std::string_view key, std::string fallback,
                               const std::string& path) {
    const json* v = find(obj, key);
    return v ? as_string(*v, child_path(path, key)) : fallback;
  }
  static bool bool_or(const json& obj, std::string_view key, const std::string& path) {
    const json* v = find(obj, key);
    return v ? as_bool(*v, child_path(path, key)) : false;
  }
  static int64_t require_int(const json& obj, std::string_view key, const std::string& path) {
    return as_int(require(obj, key, path), child_path(path, key));
  }
  static std::string require_string(const json& obj, std::string_view key,
                                    const std::string& path) {
    return as_string(require(obj, key, path), child_path(path, key));
  }

  // Rejects members the schema does not define for this kind (typos must not be ignored).
  static void allow_only(const json& obj, std::initializer_list<std::string_view> keys,
                         const std::string& path) {
    for (const auto& item : obj.items()) {
      bool known = item.key() == "kind";
      for (auto k : keys) known = known || item.key() == k;
      if (!known) fail(child_path(path, item.key()), "unexpected key");
    }
  }

  Type read_child(const json& obj, std::string_view key, const std::string& path, int depth) {
    return read(require(obj, key, path), child_path(path, key), depth + 1);
  }
  static Encoding read_encoding(const json& obj, Encoding fallback, const std::string& path);
  static Type::CategoricalValue read_categorical_value(const json& v, const std::string& path);
  Type read_fields(const json& obj, Kind kind, const std::string& path, int depth);
  Type read_function(const json& obj, const std::string& path, int depth);
  Type build(const json& obj, Kind kind, const std::string& path, int depth);
};

Kind kind_from_name(std::string_view name, bool* found) {
  for (int k = 0; k <= static_cast<int>(Kind::Typevar); ++k) {
    if (kind_name(static_cast<Kind>(k)) == name) {
      *found = true;
      return static_cast<Kind>(k);
    }
  }
  *found = false;
  return Kind::Void;
}

Encoding Reader::read_encoding(const json& obj, Encoding fallback, const std::string& path) {
  const json* v = find(obj, "encoding");
  if (!v) return fallback;
  const std::string p = child_path(path, "encoding");
  const std::string name = as_string(*v, p);
  for (auto e : {Encoding::ascii, Encoding::utf8, Encoding::utf16, Encoding::utf32, Encoding::ucs2})
    if (encoding_name(e) == name) return e;
  fail(p, fmt::format("unknown encoding '{}' (ascii, utf8, utf16, utf32, ucs2)", name));
}

Type::CategoricalValue Reader::read_categorical_value(const json& v, const std::string& path) {
  using CV = Type::CategoricalValue;
  if (v.is_null()) return CV{CV::NA{}};
  if (v.is_number_integer()) return CV{as_int(v, path)};
  if (v.is_number_float()) return CV{v.get<double>()};
  if (v.is_string()) return CV{v.get<std::string>()};
  if (v.is_object() && v.size() == 1 && v.contains("double")) {
    const std::string s = as_string(v["double"], child_path(path, "double"));
    if (s == "nan") return CV{std::numeric_limits<double>::quiet_NaN()};
    if (s == "inf") return CV{std::numeric_limits<double>::infinity()};
    if (s == "-inf") return CV{-std::numeric_limits<double>::infinity()};
    fail(child_path(path, "double"), fmt::format("expected nan, inf or -inf, got '{}'", s));
  }
  fail(path, fmt::format("a categorical value is null, a number, a string or "
                         "{{\"double\": \"nan\"}}, not {}",
                         v.type_name()));
}

Type Reader::read_fields(const json& obj, Kind kind, const std::string& path, int depth) {
  const bool named = kind == Kind::Record;
  allow_only(obj, {"fields", "variadic", "align", "pack", "size"}, path);
  const std::string fields_path = child_path(path, "fields");
  const json& fields = as_array(require(obj, "fields", path), fields_path);

  std::vector<FieldSpec> specs;
  std::vector<std::pair<int64_t, std::string>> offsets;  // expected offsets, checked below
  std::vector<Type> member_types;
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string fp = child_path(fields_path, i);
    if (!fields[i].is_object()) fail(fp, fmt::format("expected an object, got {}", fields[i].type_name()));
    member_types.push_back(read_child(fields[i], "type", fp, depth));
  }
  bool laid_out = !bool_or(obj, "variadic", path);
  for (const auto& mt : member_types) laid_out = laid_out && mt.is_concrete();
  for (std::size_t i = 0; i < fields.size(); ++i) {
    const std::string fp = child_path(fields_path, i);
    const json& f = fields[i];
    if (!f.is_object()) fail(fp, fmt::format("expected an object, got {}", f.type_name()));
    if (named)
      allow_only(f, {"name", "type", "align", "pack", "offset"}, fp);
    else
      allow_only(f, {"type", "align", "pack", "offset"}, fp);
    FieldSpec spec;
    if (named) spec.name = require_string(f, "name", fp);
    spec.type = member_types[i];
    const int64_t align = int_or(f, "align", 0, fp);
    const int64_t pack = int_or(f, "pack", 0, fp);
    if (align && pack) fail(fp, "'align' and 'pack' are mutually exclusive");
    if (align && !detail::is_power_of_two(align))
      fail(child_path(fp, "align"), fmt::format("{} is not a power of two", align));
    if (pack && !detail::is_power_of_two(pack))
      fail(child_path(fp, "pack"), fmt::format("{} is not a power of two", pack));
    // In a record that will be laid out (all members concrete, not variadic) "align" is the
    // field's effective alignment; otherwise "align"/"pack" are the requests |align=N|/|pack=N|.
    if (align && laid_out) {
      // The effective alignment: above the natural one raises, below it packs.
      const int64_t natural = spec.type.align();
      if (align > natural)
        spec.align = align;
      else if (align < natural)
        spec.pack = align;
    } else {
      spec.align = align;
    }
    spec.pack = pack ? pack : spec.pack;
    if (const json* o = find(f, "offset"))
      offsets.emplace_back(as_int(*o, child_path(fp, "offset")), fp);
    else
      offsets.emplace_back(-1, fp);
    specs.push_back(std::move(spec));
  }

  RecordOptions options;
  options.variadic = bool_or(obj, "variadic", path);
  options.pack = int_or(obj, "pack", 0, path);
  const int64_t align = int_or(obj, "align", 0, path);
  auto make = [&] { return named ? make_record(specs, options) : ndt::make_tuple(specs, options); };
  Type t = make();
  if (t.is_concrete() && align) {
    // A concrete record's "align" is its alignment: raise it with align= when needed.
    if (align < t.align())
      fail(child_path(path, "align"),
           fmt::format("{} is below the alignment {} its fields require", align, t.align()));
    if (align > t.align()) {
      options.align = align;
      t = make();
    }
  } else {
    options.align = align;
    t = make();
  }
  if (t.is_concrete()) {
    const auto laid = t.fields();
    for (std::size_t i = 0; i < laid.size(); ++i)
      if (offsets[i].first >= 0 && offsets[i].first != laid[i].offset)
        fail(child_path(offsets[i].second, "offset"),
             fmt::format("is {} but the layout puts the field at {}", offsets[i].first,
                         laid[i].offset));
    if (const json* s = find(obj, "size")) {
      const int64_t size = as_int(*s, child_path(path, "size"));
      if (size != t.size())
        fail(child_path(path, "size"),
             fmt::format("is {} but the layout gives {}", size, t.size()));
    }
  } else {
    for (const auto& [offset, fp] : offsets)
      if (offset >= 0) fail(child_path(fp, "offset"), "an abstract record has no offsets");
    if (find(obj, "size")) fail(child_path(path, "size"), "an abstract record has no size");
  }
  return t;
}

Type Reader::read_function(const json& obj, const std::string& path, int depth) {
  allow_only(obj, {"positional", "keywords", "outputs", "variadic", "kw_variadic"}, path);
  std::vector<Type> positional, outputs;
  std::vector<std::pair<std::string, Type>> keywords;
  if (const json* p = find(obj, "positional")) {
    const std::string pp = child_path(path, "positional");
    for (std::size_t i = 0; i < as_array(*p, pp).size(); ++i)
      positional.push_back(read((*p)[i], child_path(pp, i), depth + 1));
  }
  if (const json* k = find(obj, "keywords")) {
    const std::string kp = child_path(path, "keywords");
    for (std::size_t i = 0; i < as_array(*k, kp).size(); ++i) {
      const std::string ip = child_path(kp, i);
      const json& item = (*k)[i];
      if (!item.is_object()) fail(ip, fmt::format("expected an object, got {}", item.type_name()));
      allow_only(item, {"name", "type"}, ip);
      keywords.emplace_back(require_string(item, "name", ip), read_child(item, "type", ip, depth));
    }
  }
  if (const json* o = find(obj, "outputs")) {
    const std::string op = child_path(path, "outputs");
    for (std::size_t i = 0; i < as_array(*o, op).size(); ++i)
      outputs.push_back(read((*o)[i], child_path(op, i), depth + 1));
  }
  return make_function(std::move(positional), std::move(keywords), std::move(outputs),
                       bool_or(obj, "variadic", path), bool_or(obj, "kw_variadic", path));
}

Type Reader::build(const json& obj, Kind kind, const std::string& path, int depth) {
  switch (kind) {
    case Kind::Char:
      allow_only(obj, {"encoding"}, path);
      return make_char(read_encoding(obj, Encoding::utf32, path));
    case Kind::FixedString:
      allow_only(obj, {"length", "encoding"}, path);
      return make_fixed_string(require_int(obj, "length", path),
                               read_encoding(obj, Encoding::utf8, path));
    case Kind::FixedBytes:
      allow_only(obj, {"size", "align"}, path);
      return make_fixed_bytes(require_int(obj, "size", path), int_or(obj, "align", 1, path));
    case Kind::Bytes:
      allow_only(obj, {"target_align"}, path);
      return make_bytes(int_or(obj, "target_align", 1, path));
    case Kind::Categorical: {
      allow_only(obj, {"values"}, path);
      const std::string vp = child_path(path, "values");
      const json& values = as_array(require(obj, "values", path), vp);
      std::vector<Type::CategoricalValue> out;
      for (std::size_t i = 0; i < values.size(); ++i)
        out.push_back(read_categorical_value(values[i], child_path(vp, i)));
      return make_categorical(std::move(out));
    }
    case Kind::Decimal:
      allow_only(obj, {"precision", "scale"}, path);
      return make_decimal(require_int(obj, "precision", path), int_or(obj, "scale", 0, path));
    case Kind::Time:
      allow_only(obj, {"tz"}, path);
      return make_time(string_or(obj, "tz", "", path));
    case Kind::DateTime:
      allow_only(obj, {"tz"}, path);
      return make_datetime(string_or(obj, "tz", "", path));
    case Kind::TimeDelta:
      allow_only(obj, {"unit"}, path);
      return make_timedelta(string_or(obj, "unit", "us", path));
    case Kind::Option:
      allow_only(obj, {"type"}, path);
      return make_option(read_child(obj, "type", path, depth));
    case Kind::Pointer:
      allow_only(obj, {"type"}, path);
      return make_pointer(read_child(obj, "type", path, depth));
    case Kind::VarDim:
      allow_only(obj, {"type"}, path);
      return make_var_dim(read_child(obj, "type", path, depth));
    case Kind::AnyFixedDim:
      allow_only(obj, {"type"}, path);
      return make_any_fixed_dim(read_child(obj, "type", path, depth));
    case Kind::Nominal: {
      allow_only(obj, {"name", "definition"}, path);
      Type t = make_nominal(require_string(obj, "name", path));
      if (find(obj, "definition") && read_child(obj, "definition", path, depth) != t.child())
        fail(child_path(path, "definition"),
             fmt::format("differs from the registered definition '{}'", t.child().str()));
      return t;
    }
    case Kind::Constructor:
      allow_only(obj, {"name", "type"}, path);
      return make_constructor(require_string(obj, "name", path),
                              read_child(obj, "type", path, depth));
    case Kind::SymbolicDim:
      allow_only(obj, {"name", "type"}, path);
      return make_symbolic_dim(require_string(obj, "name", path),
                               read_child(obj, "type", path, depth));
    case Kind::EllipsisDim:
      allow_only(obj, {"name", "type"}, path);
      return make_ellipsis_dim(string_or(obj, "name", "", path),
                               read_child(obj, "type", path, depth));
    case Kind::Typevar:
      allow_only(obj, {"name"}, path);
      return make_typevar(require_string(obj, "name", path));
    case Kind::FixedDim: {
      allow_only(obj, {"shape", "stride", "type"}, path);
      const int64_t shape = require_int(obj, "shape", path);
      Type element = read_child(obj, "type", path, depth);
      const json* stride = find(obj, "stride");
      if (!stride) return make_fixed_dim(shape, element);
      if (!element.is_concrete())
        fail(child_path(path, "stride"), "a dim over an abstract type has no stride");
      return make_fixed_dim(shape, element, as_int(*stride, child_path(path, "stride")));
    }
    case Kind::DimPower:
      allow_only(obj, {"base", "exponent", "type"}, path);
      return make_dim_power(read_child(obj, "base", path, depth),
                            require_string(obj, "exponent", path),
                            read_child(obj, "type", path, depth));
    case Kind::Tuple:
    case Kind::Record:
      return read_fields(obj, kind, path, depth);
    case Kind::Union: {
      allow_only(obj, {"members"}, path);
      const std::string mp = child_path(path, "members");
      const json& members = as_array(require(obj, "members", path), mp);
      std::vector<std::pair<std::string, Type>> out;
      for (std::size_t i = 0; i < members.size(); ++i) {
        const std::string ip = child_path(mp, i);
        const json& m = members[i];
        if (!m.is_object()) fail(ip, fmt::format("expected an object, got {}", m.type_name()));
        allow_only(m, {"name", "type"}, ip);
        out.emplace_back(require_string(m, "name", ip), read_child(m, "type", ip, depth));
      }
      return make_union(std::move(out));
    }
    case Kind::Function:
      return read_function(obj, path, depth);
    default:
      allow_only(obj, {}, path);
      return primitive(kind);
  }
}

Type Reader::read(const json& j, const std::string& path, int depth) {
  if (depth > kMaxDepth) fail(path, fmt::format("types nest deeper than {} levels", kMaxDepth));
  if (!j.is_object()) fail(path, fmt::format("expected a type object, got {}", j.type_name()));
  const std::string name = require_string(j, "kind", path);
  bool found = false;
  const Kind kind = kind_from_name(name, &found);
  if (!found) fail(child_path(path, "kind"), fmt::format("unknown kind '{}'", name));
  try {
    return build(j, kind, path, depth);
  } catch (const PositionedError&) {
    throw;
  } catch (const Error& e) {
    // Constructor errors (bad shape, duplicate names, unknown typedef) gain the pointer of
    // the innermost object; a rejected argument is a wrong value in the document.
    fail(path, e.what(), e.code() == ErrorCode::invalid_argument ? ErrorCode::value : e.code());
  }
}

}  // namespace

std::string to_json(const Type& t) {
  if (!t) throw Error(ErrorCode::invalid_argument, "to_json: empty type");
  return write(t).dump();
}

Type from_json(std::string_view text) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::parse_error& e) {
    throw Error(ErrorCode::parse, fmt::format("invalid JSON at byte {}: {}", e.byte, e.what()));
  }
  try {
    return Reader().read(j, "", 0);
  } catch (const PositionedError& e) {
    throw Error(e.code(), e.what());  // callers see the one public exception type
  }
}

}  // namespace pluribus::ndt
