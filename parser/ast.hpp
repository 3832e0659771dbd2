// The parse tree of a datashape, between the Spirit X3 grammar (datashape.cpp) and the
// builder that turns it into types (build.cpp). Plain data; positions are byte offsets.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "ndt/type.hpp"

namespace pluribus::ndt::parser {

// A constructor argument: `10`, `1.5`, `'utf8'`, `[0, 2]`, a datashape, or `key=value`.
struct ArgValue {
  ArgValue() noexcept {}  // members as initialised below, without zeroing the whole struct first
  enum Kind { Int, Double, String, List, Datashape } kind = Int;
  int64_t i = 0;
  double d = 0;
  std::string s;
  std::vector<ArgValue> list;
  Type type;
  std::size_t pos = 0;
};

struct Arg {
  Arg() noexcept {}  // (as ArgValue)
  std::string key;  // empty for a positional argument
  ArgValue value;
  std::size_t pos = 0;
};

struct Args {
  bool present = false;
  bool brackets = false;  // [..] rather than (..)
  std::vector<Arg> list;
  std::size_t pos = 0;
};

// One dimension before a `*`.
struct Dim {
  Dim() noexcept {}  // members as initialised below, without zeroing the whole struct first
  enum Kind { Fixed, Named, Ellipsis } kind = Fixed;
  int64_t shape = 0;   // Fixed
  std::string_view name;  // Named: `var`, `fixed`, `Fixed`, `array`, `N`; Ellipsis: maybe ""
  Args args;           // Named: fixed(shape=.., step=..), var(offsets=[..]), fixed[3]
  bool fortran = false;                 // a `!` before this dim
  std::optional<int64_t> power_int;     // D**3
  std::string_view power_name;          // D**N
  std::size_t pos = 0;
};

// A record field, tuple member, function parameter, or a layout attribute.
struct Item {
  Item() noexcept {}  // (as Dim)
  enum Kind { Member, Variadic, Attribute } kind = Member;
  std::string name;       // field/keyword name, or the attribute (`align`, `pack`)
  bool named = false;
  Type type;
  int64_t value = 0;      // Attribute
  std::vector<std::pair<std::string, int64_t>> field_attrs;  // |align=16|
  std::size_t pos = 0;
};

struct Group {
  std::vector<Item> items;
  bool trailing_comma = false;
  bool arrow = false;
  Type output;
  std::size_t pos = 0;
};

// Builders: each validates its input and throws a positioned ParseError.
struct Source {
  std::string_view input;
  bool require_concrete = false;
  // Skip the predictive parser: the grammar alone parses (the differential test compares).
  bool grammar_only = false;
};

// Parses a whole datashape: the predictive one-pass parser first, the X3 grammar for errors
// (and for inputs the predictive parser declines).
Type parse_top(const Source& src);

Type build_datashape(const Source& src, std::span<const Dim> dims, const Type& dtype);
Type build_named(const Source& src, std::string_view name, const Args& args, std::size_t pos);
// (These two take the items' types.)
Type build_group(const Source& src, Group& group);
Type build_record(const Source& src, std::vector<Item>& items, bool trailing_comma,
                  std::size_t pos);
Type build_native_endian(const Source& src, const Type& t, std::size_t pos);
Type build_union(const Source& src,
                 const std::vector<std::pair<std::string, Type>>& members, std::size_t pos);
Type build_top(const Source& src, const std::vector<Type>& list, bool arrow,
               const std::vector<Type>& outputs, std::size_t pos);

[[noreturn]] void fail(const Source& src, std::size_t pos, const std::string& message);

}  // namespace pluribus::ndt::parser
