// Type discovery for JSON text (discover_json) by one SAX pass that unifies the values found at
// each position, and from_json(text) = read with the discovered type. Rules: json.hpp.
#include <fmt/format.h>

#include <limits>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "container/json.hpp"
#include "ndt/error.hpp"

namespace pluribus::nd {

void json_append_quoted(std::string& out, std::string_view s);

namespace {

// What has been seen at one position (a list's elements, an object's member, the root).
struct Position {
  enum class Kind : uint8_t { none, boolean, integer, real, string, list, object };
  Kind kind = Kind::none;  // none: no value but null (or no value at all)
  bool nullable = false;
  bool negative = false;              // integer: some value was negative
  bool above_int64 = false;           // integer: some value exceeded int64
  int64_t length = -2;                // list: the common length, -1 when lengths differ, -2 unset
  int64_t objects = 0;                // object: how many objects were seen here
  std::unique_ptr<Position> element;  // list
  std::vector<std::string> keys;      // object, first-seen order
  std::vector<std::unique_ptr<Position>> members;  // object, parallel to keys
  std::vector<int64_t> present;                    // object: objects that had each key
};

std::string_view kind_name(Position::Kind k) {
  switch (k) {
    case Position::Kind::none:
      return "null";
    case Position::Kind::boolean:
      return "a bool";
    case Position::Kind::integer:
      return "an integer";
    case Position::Kind::real:
      return "a float";
    case Position::Kind::string:
      return "a string";
    case Position::Kind::list:
      return "a list";
    case Position::Kind::object:
      return "an object";
  }
  return "?";
}

bool is_identifier(std::string_view name) {
  if (name.empty() || std::isdigit(static_cast<unsigned char>(name[0]))) return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return false;
  return true;
}

struct Frame {
  explicit Frame(Position* p) : position(p) {}
  Position* position;
  int64_t count = 0;          // list: elements so far; object: keys so far
  std::size_t member = 0;     // object: the member the last key named
  std::vector<uint8_t> seen;  // object: members seen in this object
};

class Discoverer {
 public:
  explicit Discoverer(std::string_view text) : text_(text) {}

  bool null() {
    Position* p = next();
    if (p->kind == Position::Kind::list) null_with_list();
    p->nullable = true;
    return true;
  }
  bool boolean(bool) { return scalar(Position::Kind::boolean); }
  bool number_integer(int64_t value) {
    Position* p = next();
    merge(p, Position::Kind::integer);
    if (value < 0) p->negative = true;
    check_integers(p);
    return true;
  }
  bool number_unsigned(uint64_t value) {
    Position* p = next();
    merge(p, Position::Kind::integer);
    if (value > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) p->above_int64 = true;
    check_integers(p);
    return true;
  }
  bool number_float(double, const std::string&) { return scalar(Position::Kind::real); }
  bool string(std::string&) { return scalar(Position::Kind::string); }
  bool binary(nlohmann::json::binary_t&) {
    throw Error(ErrorCode::internal, "discover_json: binary value in JSON text");
  }

  bool start_array(std::size_t) {
    Position* p = next();
    merge(p, Position::Kind::list);
    if (p->nullable) null_with_list();
    if (!p->element) p->element = std::make_unique<Position>();
    enter(p);
    return true;
  }
  bool end_array() {
    Frame& f = stack_.back();
    Position* p = f.position;
    if (p->length == -2)
      p->length = f.count;
    else if (p->length != f.count)
      p->length = -1;
    stack_.pop_back();
    return true;
  }

  bool start_object(std::size_t) {
    Position* p = next();
    merge(p, Position::Kind::object);
    ++p->objects;
    enter(p);
    stack_.back().seen.assign(p->keys.size(), 0);
    return true;
  }
  bool key(std::string& name) {
    Frame& f = stack_.back();
    Position* p = f.position;
    // Objects usually repeat their key order: try the member after the last one first.
    std::size_t i = f.count == 0 ? 0 : f.member + 1;
    ++f.count;
    if (i >= p->keys.size() || p->keys[i] != name) {
      i = 0;
      while (i < p->keys.size() && p->keys[i] != name) ++i;
    }
    if (i == p->keys.size()) {
      p->keys.push_back(name);
      p->members.push_back(std::make_unique<Position>());
      p->present.push_back(0);
    }
    if (f.seen.size() < p->keys.size()) f.seen.resize(p->keys.size(), 0);
    f.member = i;
    if (f.seen[i]) {
      std::string quoted;
      json_append_quoted(quoted, name);
      fail(path(stack_.size() - 1), fmt::format("repeated key {}", quoted));
    }
    f.seen[i] = 1;
    ++p->present[i];
    return true;
  }
  bool end_object() {
    stack_.pop_back();
    return true;
  }

  bool parse_error(std::size_t position, const std::string&,
                   const nlohmann::detail::exception& ex) {
    std::string message = ex.what();
    if (auto colon = message.find(": ", message.find("column")); colon != std::string::npos)
      message = message.substr(colon + 2);
    throw_parse_error(text_, position > 0 ? position - 1 : 0, "invalid JSON: " + message);
  }

  ndt::Type type() const { return to_type(root_, "$"); }

 private:
  bool scalar(Position::Kind kind) {
    merge(next(), kind);
    return true;
  }

  // Building the type recurses once per level: deeper text is refused rather than risking
  // the stack (nlohmann's parser itself is iterative).
  static constexpr std::size_t kMaxDepth = 10000;
  void enter(Position* p) {
    if (stack_.size() == kMaxDepth)
      fail(path(stack_.size()), fmt::format("nested deeper than {} levels", kMaxDepth));
    stack_.emplace_back(p);
  }

  // The position of the next value; counts it in its list.
  Position* next() {
    if (stack_.empty()) return &root_;
    Frame& f = stack_.back();
    if (f.position->kind == Position::Kind::list) {
      ++f.count;
      return f.position->element.get();
    }
    return f.position->members[f.member].get();
  }

  void merge(Position* p, Position::Kind kind) {
    using K = Position::Kind;
    if (p->kind == kind) return;
    if (p->kind == K::none) {
      p->kind = kind;
      return;
    }
    if ((p->kind == K::integer && kind == K::real) || (p->kind == K::real && kind == K::integer)) {
      p->kind = K::real;
      return;
    }
    fail(path(stack_.size()), fmt::format("ambiguous: {} where {} was seen before (give a type)",
                                          kind_name(kind), kind_name(p->kind)));
  }

  void check_integers(Position* p) {
    if (p->kind == Position::Kind::integer && p->negative && p->above_int64)
      fail(path(stack_.size()),
           "ambiguous: negative integers and integers above int64 (give a type)");
  }

  [[noreturn]] void null_with_list() const {
    fail(path(stack_.size()),
         "ambiguous: null and lists at one position (a dim cannot be missing)");
  }

  // The JSON path of the value the first `levels` frames designate.
  std::string path(std::size_t levels) const {
    std::string out = "$";
    for (std::size_t i = 0; i < levels; ++i) {
      const Frame& f = stack_[i];
      if (f.position->kind == Position::Kind::list) {
        fmt::format_to(std::back_inserter(out), "[{}]", f.count - 1);
      } else {
        out += member_step(f.position->keys[f.member]);
      }
    }
    return out;
  }
  static std::string member_step(const std::string& name) {
    if (is_identifier(name)) return "." + name;
    std::string out = "[";
    json_append_quoted(out, name);
    return out + "]";
  }

  [[noreturn]] static void fail(const std::string& where, const std::string& what) {
    throw Error(ErrorCode::value, fmt::format("discover_json: {}: {}", where, what));
  }

  // Positions are unified already; only integer signs need the full picture.
  // `where` names the position in errors: $[], $[].name.
  static ndt::Type to_type(const Position& p, const std::string& where) {
    using K = Position::Kind;
    ndt::Type t;
    switch (p.kind) {
      case K::none:
        t = ndt::float64;
        break;  // only nulls (?float64) or no value at all
      case K::boolean:
        t = ndt::bool_;
        break;
      case K::integer:
        t = p.above_int64 ? ndt::uint64 : ndt::int64;
        break;
      case K::real:
        t = ndt::float64;
        break;
      case K::string:
        t = ndt::string;
        break;
      case K::list: {
        // The root is one list, so its length is always known.
        ndt::Type element = to_type(*p.element, where + "[]");
        t = p.length >= 0 ? ndt::make_fixed_dim(p.length, element) : ndt::make_var_dim(element);
        break;
      }
      case K::object: {
        std::vector<ndt::FieldSpec> fields;
        for (std::size_t i = 0; i < p.keys.size(); ++i) {
          const std::string at = where + member_step(p.keys[i]);
          ndt::Type member = to_type(*p.members[i], at);
          if (p.present[i] < p.objects && member.kind() != ndt::Kind::Option) {
            if (member.is_dim())
              fail(at,
                   "ambiguous: a key with list values is absent from some objects (a dim "
                   "cannot be missing)");
            member = ndt::make_option(member);
          }
          fields.push_back({p.keys[i], member});
        }
        t = ndt::make_record(std::move(fields));
        break;
      }
    }
    if (p.nullable) t = ndt::make_option(t);
    return t;
  }

  std::string_view text_;
  Position root_;
  std::vector<Frame> stack_;
};

}  // namespace

ndt::Type discover_json(std::string_view text) {
  Discoverer discoverer(text);
  nlohmann::json::sax_parse(text.begin(), text.end(), &discoverer);
  return discoverer.type();
}

Array from_json(std::string_view text) { return from_json(text, discover_json(text)); }

}  // namespace pluribus::nd
