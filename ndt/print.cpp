// The canonical datashape printer (square-bracket dialect; see spec/datashape.md).
#include <ostream>

#include <fmt/format.h>

#include "ndt/node.hpp"

namespace pluribus::ndt {
namespace {

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  if (!(std::isalpha(static_cast<unsigned char>(s[0])) || s[0] == '_')) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

void quote(std::string& out, std::string_view s) {
  out += '\'';
  for (unsigned char c : s) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '\'': out += "\\'"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\v': out += "\\v"; break;
      default:
        if (c < 0x20 || c == 0x7f) fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
        else out += static_cast<char>(c);
    }
  }
  out += '\'';
}

void name_or_quote(std::string& out, std::string_view s) {
  if (is_identifier(s)) out += s;
  else quote(out, s);
}

void print_double(std::string& out, double d) {
  std::string s = fmt::format("{}", d);
  // Keep a double recognisable as one when it re-parses.
  if (s.find_first_of(".eEn") == std::string::npos) s += ".0";
  out += s;
}

// union_brackets: t is (the tail of) a union member's type, where a union needs [..].
void print(std::string& out, const Type& t, bool union_brackets = false);

void print_fields(std::string& out, const detail::Node& n, bool named) {
  bool first = true;
  for (const auto& f : n.fields) {
    if (!first) out += ", ";
    first = false;
    if (named) {
      name_or_quote(out, f.name);
      out += ": ";
    }
    print(out, f.type);
    if (n.size >= 0) {
      const int64_t natural = f.type.align();
      if (f.align > natural) fmt::format_to(std::back_inserter(out), " |align={}|", f.align);
      if (f.align < natural) fmt::format_to(std::back_inserter(out), " |pack={}|", f.align);
    } else if (f.align > 0) {
      fmt::format_to(std::back_inserter(out), " |align={}|", f.align);
    } else if (f.align < 0) {
      fmt::format_to(std::back_inserter(out), " |pack={}|", -f.align);
    }
  }
  if (n.variadic) out += first ? "..." : ", ...";
  int64_t max_align = 1;
  for (const auto& f : n.fields) max_align = std::max(max_align, f.align);
  if (n.size >= 0 && n.align > max_align) {
    fmt::format_to(std::back_inserter(out), "{}align={}", first ? "" : ", ", n.align);
  } else if (n.size < 0) {
    if (n.a) fmt::format_to(std::back_inserter(out), "{}align={}", first ? "" : ", ", n.a);
    if (n.b) fmt::format_to(std::back_inserter(out), "{}pack={}", first ? "" : ", ", n.b);
  }
}

void print_dim_prefix(std::string& out, const Type& dim) {
  const auto& n = *dim.node();
  switch (n.kind) {
    case Kind::FixedDim:
      if (dim.is_concrete() && n.b != dim.child().size())
        fmt::format_to(std::back_inserter(out), "fixed[{}, stride={}]", n.a, n.b);
      else
        fmt::format_to(std::back_inserter(out), "{}", n.a);
      break;
    case Kind::VarDim: out += "var"; break;
    case Kind::SymbolicDim: out += n.name; break;
    case Kind::AnyFixedDim: out += "Fixed"; break;
    case Kind::EllipsisDim: out += n.name; out += "..."; break;
    case Kind::DimPower:
      print_dim_prefix(out, n.child2);
      out += "**";
      out += n.name;
      break;
    default: break;
  }
}

void print_function(std::string& out, const detail::Node& n) {
  out += '(';
  bool first = true;
  for (int64_t i = 0; i < n.a; ++i) {
    if (!first) out += ", ";
    first = false;
    print(out, n.fields[i].type);
  }
  if (n.variadic) {
    out += first ? "..." : ", ...";
    first = false;
  }
  for (std::size_t i = n.a; i < n.fields.size(); ++i) {
    if (!first) out += ", ";
    first = false;
    name_or_quote(out, n.fields[i].name);
    out += ": ";
    print(out, n.fields[i].type);
  }
  if (n.kw_variadic) out += first ? "..." : ", ...";
  out += ") -> ";
  for (std::size_t i = 0; i < n.outputs.size(); ++i) {
    if (i) out += ", ";
    print(out, n.outputs[i]);
  }
}

void print(std::string& out, const Type& t, bool union_brackets) {
  const auto& n = *t.node();
  switch (n.kind) {
    case Kind::FixedDim: {
      // A run of fixed dims in exact column-major order prints as `!d0 * d1 * ...`.
      if (t.is_concrete() && n.b != t.child().size() && t.child().kind() == Kind::FixedDim &&
          make_fortran(t) == t) {
        out += '!';
        Type cur = t;
        while (cur.kind() == Kind::FixedDim) {
          fmt::format_to(std::back_inserter(out), "{} * ", cur.node()->a);
          cur = cur.child();
        }
        print(out, cur, union_brackets);
        return;
      }
      [[fallthrough]];
    }
    case Kind::VarDim:
    case Kind::SymbolicDim:
    case Kind::AnyFixedDim:
    case Kind::EllipsisDim:
    case Kind::DimPower:
      print_dim_prefix(out, t);
      out += " * ";
      print(out, n.child, union_brackets);
      return;
    case Kind::Option:
      out += '?';
      print(out, n.child, union_brackets);
      return;
    case Kind::Pointer:
      out += "pointer[";
      print(out, n.child);
      out += ']';
      return;
    case Kind::Constructor:
      out += n.name;
      out += '[';
      print(out, n.child);
      out += ']';
      return;
    case Kind::Nominal:
    case Kind::Typevar:
      out += n.name;
      return;
    case Kind::Char:
      if (n.encoding == Encoding::utf32) out += "char";
      else fmt::format_to(std::back_inserter(out), "char['{}']", encoding_name(n.encoding));
      return;
    case Kind::FixedString:
      if (n.encoding == Encoding::utf8) fmt::format_to(std::back_inserter(out), "fixed_string[{}]", n.a);
      else
        fmt::format_to(std::back_inserter(out), "fixed_string[{}, '{}']", n.a,
                       encoding_name(n.encoding));
      return;
    case Kind::FixedBytes:
      if (n.b == 1) fmt::format_to(std::back_inserter(out), "fixed_bytes[{}]", n.a);
      else fmt::format_to(std::back_inserter(out), "fixed_bytes[{}, align={}]", n.a, n.b);
      return;
    case Kind::Bytes:
      if (n.a == 1) out += "bytes";
      else fmt::format_to(std::back_inserter(out), "bytes[align={}]", n.a);
      return;
    case Kind::Decimal:
      if (n.b == 0) fmt::format_to(std::back_inserter(out), "decimal[{}]", n.a);
      else fmt::format_to(std::back_inserter(out), "decimal[{}, {}]", n.a, n.b);
      return;
    case Kind::Time:
    case Kind::DateTime:
      out += n.kind == Kind::Time ? "time" : "datetime";
      if (!n.name.empty()) {
        out += "[tz=";
        quote(out, n.name);
        out += ']';
      }
      return;
    case Kind::TimeDelta:
      if (n.name == "us") {
        out += "timedelta";
      } else {
        out += "timedelta[unit=";
        quote(out, n.name);
        out += ']';
      }
      return;
    case Kind::Categorical: {
      out += "categorical[";
      bool first = true;
      for (const auto& c : n.categories) {
        if (!first) out += ", ";
        first = false;
        if (std::holds_alternative<Type::CategoricalValue::NA>(c.value)) out += "NA";
        else if (auto* i = std::get_if<int64_t>(&c.value)) fmt::format_to(std::back_inserter(out), "{}", *i);
        else if (auto* d = std::get_if<double>(&c.value)) print_double(out, *d);
        else quote(out, std::get<std::string>(c.value));
      }
      out += ']';
      return;
    }
    case Kind::Tuple:
      out += '(';
      print_fields(out, n, false);
      out += ')';
      return;
    case Kind::Record:
      out += '{';
      print_fields(out, n, true);
      out += '}';
      return;
    case Kind::Union:
      if (union_brackets) out += '[';
      for (std::size_t i = 0; i < n.fields.size(); ++i) {
        if (i) out += " | ";
        out += n.fields[i].name;
        out += " of ";
        print(out, n.fields[i].type, true);
      }
      if (union_brackets) out += ']';
      return;
    case Kind::Function:
      print_function(out, n);
      return;
    default:
      out += kind_name(n.kind);
      return;
  }
}

}  // namespace

std::string Type::str() const {
  if (!node_) return "<empty type>";
  std::string out;
  print(out, *this);
  return out;
}

std::ostream& operator<<(std::ostream& os, const Type& t) { return os << t.str(); }

std::string_view kind_name(Kind kind) noexcept {
  switch (kind) {
    case Kind::Any: return "Any";
    case Kind::Scalar: return "Scalar";
    case Kind::Integer: return "Int";
    case Kind::Signed: return "Signed";
    case Kind::Unsigned: return "Unsigned";
    case Kind::Float: return "Float";
    case Kind::Complex: return "Complex";
    case Kind::FixedStringKind: return "FixedString";
    case Kind::FixedBytesKind: return "FixedBytes";
    case Kind::Void: return "void";
    case Kind::Bool: return "bool";
    case Kind::Int8: return "int8";
    case Kind::Int16: return "int16";
    case Kind::Int32: return "int32";
    case Kind::Int64: return "int64";
    case Kind::Int128: return "int128";
    case Kind::UInt8: return "uint8";
    case Kind::UInt16: return "uint16";
    case Kind::UInt32: return "uint32";
    case Kind::UInt64: return "uint64";
    case Kind::UInt128: return "uint128";
    case Kind::Float16: return "float16";
    case Kind::BFloat16: return "bfloat16";
    case Kind::Float32: return "float32";
    case Kind::Float64: return "float64";
    case Kind::Complex64: return "complex64";
    case Kind::Complex128: return "complex128";
    case Kind::Char: return "char";
    case Kind::String: return "string";
    case Kind::Bytes: return "bytes";
    case Kind::FixedString: return "fixed_string";
    case Kind::FixedBytes: return "fixed_bytes";
    case Kind::Categorical: return "categorical";
    case Kind::Decimal: return "decimal";
    case Kind::Date: return "date";
    case Kind::Time: return "time";
    case Kind::DateTime: return "datetime";
    case Kind::TimeDelta: return "timedelta";
    case Kind::Json: return "json";
    case Kind::TypeType: return "type";
    case Kind::Option: return "option";
    case Kind::Pointer: return "pointer";
    case Kind::Nominal: return "nominal";
    case Kind::Constructor: return "constructor";
    case Kind::FixedDim: return "fixed_dim";
    case Kind::VarDim: return "var_dim";
    case Kind::SymbolicDim: return "symbolic_dim";
    case Kind::AnyFixedDim: return "any_fixed_dim";
    case Kind::EllipsisDim: return "ellipsis_dim";
    case Kind::DimPower: return "dim_power";
    case Kind::Tuple: return "tuple";
    case Kind::Record: return "record";
    case Kind::Union: return "union";
    case Kind::Function: return "function";
    case Kind::Typevar: return "typevar";
  }
  return "unknown";
}

std::string_view encoding_name(Encoding enc) noexcept {
  switch (enc) {
    case Encoding::ascii: return "ascii";
    case Encoding::utf8: return "utf8";
    case Encoding::utf16: return "utf16";
    case Encoding::utf32: return "utf32";
    case Encoding::ucs2: return "ucs2";
  }
  return "utf8";
}

}  // namespace pluribus::ndt
