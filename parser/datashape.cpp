// The datashape grammar in Boost.Spirit X3: the only translation unit that includes X3.
// It recognises the syntax and hands each construct to the builders in build.cpp.
#include <array>
#include <charconv>

#include <boost/container/small_vector.hpp>
#include <boost/spirit/home/x3.hpp>

#include "ndt/node.hpp"
#include "parser/ast.hpp"

namespace x3 = boost::spirit::x3;
namespace fusion = boost::fusion;

namespace pluribus::ndt::parser {
namespace grammar {

using It = const char*;

// Nesting bound: deep input gets an error, never a stack overflow.
constexpr int kMaxDepth = 80;

struct State {
  State(const Source* s, It b) : src(s), begin(b) {}
  const Source* src;
  It begin;
  int depth = 0;
  // Start offsets of the enclosing mark[] scopes (bounded: the depth guard limits nesting).
  std::array<uint32_t, 1024> marks;  // not zeroed: only [0, nmarks) is ever read
  std::size_t nmarks = 0;
  struct Memo {
    std::size_t start, end;
    Args args;
  };
  std::vector<Memo> memo;  // constructor arguments already parsed, by start offset
};
struct state_tag;

template <typename Ctx>
State& state(const Ctx& ctx) {
  return x3::get<state_tag>(ctx).get();
}
// The start of the innermost mark[] scope: the position of the construct being built.
template <typename Ctx>
std::size_t where(const Ctx& ctx) {
  const State& st = state(ctx);
  return st.marks[st.nmarks - 1];
}
template <typename Ctx>
const Source& source(const Ctx& ctx) {
  return *state(ctx).src;
}

// ----- lexical pieces (hand-written X3 parsers: fast and with positioned errors) -------

constexpr bool ident_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
constexpr bool ident_char(char c) { return ident_start(c) || (c >= '0' && c <= '9'); }

struct IdentParser : x3::parser<IdentParser> {
  using attribute_type = std::string_view;  // a view into the input: no allocation
  static bool const has_attribute = true;
  template <typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
    x3::skip_over(first, last, ctx);
    if (first == last || !ident_start(*first)) return false;
    It it = first + 1;
    while (it != last && ident_char(*it)) ++it;
    attr = std::string_view(first, static_cast<std::size_t>(it - first));
    first = it;
    return true;
  }
};

// A keyword that must not run into an identifier character (`of`, not `offset`).
struct KeywordParser : x3::parser<KeywordParser> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;
  std::string_view word;
  constexpr explicit KeywordParser(std::string_view w) : word(w) {}
  template <typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr&) const {
    x3::skip_over(first, last, ctx);
    if (static_cast<std::size_t>(last - first) < word.size() ||
        std::string_view(first, word.size()) != word)
      return false;
    It it = first + word.size();
    if (it != last && ident_char(*it)) return false;
    first = it;
    return true;
  }
};

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Length of the well-formed UTF-8 sequence at `it` (1 to 4), or 0 if it is not one.
inline std::size_t utf8_sequence_length(It it, It last) {
  const auto b0 = static_cast<unsigned char>(*it);
  if (b0 < 0x80) return 1;
  std::size_t n;
  uint32_t min;
  if ((b0 & 0xE0) == 0xC0) n = 2, min = 0x80;
  else if ((b0 & 0xF0) == 0xE0) n = 3, min = 0x800;
  else if ((b0 & 0xF8) == 0xF0) n = 4, min = 0x10000;
  else return 0;
  if (static_cast<std::size_t>(last - it) < n) return 0;
  uint32_t cp = b0 & (0x7F >> n);
  for (std::size_t k = 1; k < n; ++k) {
    const auto b = static_cast<unsigned char>(it[k]);
    if ((b & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// 'single' or "double" quoted, with \\ \' \" \n \r \t \v \b \f \0 \xHH \uHHHH \UHHHHHHHH.
// `first` is at the opening quote; returns the position after the closing one. Malformed
// literals are errors (positioned from `begin`, the start of the input).
It read_string(const Source& src, It begin, It first, It last, std::string& out) {
  const std::size_t base = static_cast<std::size_t>(first - begin);
  const char quote = *first;
  It it = first + 1;
  for (;;) {
    if (it == last) fail(src, base, "unterminated string literal");
    char c = *it;
    if (c == quote) break;
    if (c == '\n' || c == '\r')
      fail(src, base, "unterminated string literal (a raw line break inside; write \\n)");
    if (c != '\\') {
      const std::size_t n = utf8_sequence_length(it, last);
      if (n == 0)
        fail(src, static_cast<std::size_t>(it - begin), "invalid UTF-8 in a string literal");
      out.append(it, n);
      it += n;
      continue;
    }
    const std::size_t esc_pos = static_cast<std::size_t>(it - begin);
    if (++it == last) fail(src, base, "unterminated string literal");
    char e = *it++;
    int hex_digits = 0;
    switch (e) {
      case '\\': out += '\\'; break;
      case '\'': out += '\''; break;
      case '"': out += '"'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case 'v': out += '\v'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case '0': out += '\0'; break;
      case 'x': hex_digits = 2; break;
      case 'u': hex_digits = 4; break;
      case 'U': hex_digits = 8; break;
      default: fail(src, esc_pos, std::string("unknown escape sequence '\\") + e + "'");
    }
    if (hex_digits) {
      uint32_t cp = 0;
      for (int k = 0; k < hex_digits; ++k, ++it) {
        if (it == last || !std::isxdigit(static_cast<unsigned char>(*it)))
          fail(src, esc_pos, "escape sequence needs " + std::to_string(hex_digits) + " hex digits");
        char h = *it;
        cp = cp * 16 + static_cast<uint32_t>(h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
      }
      if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        fail(src, esc_pos, "escape sequence is not a Unicode scalar value");
      append_utf8(out, cp);  // \xHH is the code point U+00HH, as in Python
    }
  }
  return it + 1;
}

struct StringParser : x3::parser<StringParser> {
  using attribute_type = std::string;
  static bool const has_attribute = true;
  template <typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
    x3::skip_over(first, last, ctx);
    if (first == last || (*first != '\'' && *first != '"')) return false;
    std::string out;
    first = read_string(source(ctx), state(ctx).begin, first, last, out);
    attr = std::move(out);
    return true;
  }
};

// Limits recursion depth through the rules it wraps; passes the attribute through.
template <typename Subject>
struct GuardParser : x3::unary_parser<Subject, GuardParser<Subject>> {
  using base_type = x3::unary_parser<Subject, GuardParser<Subject>>;
  static bool const is_pass_through_unary = true;
  static bool const handles_container = Subject::handles_container;
  constexpr GuardParser(Subject const& s) : base_type(s) {}
  template <typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx& rctx, Attr& attr) const {
    State& st = state(ctx);
    if (st.depth >= kMaxDepth) {
      It at = first;
      x3::skip_over(at, last, ctx);
      fail(*st.src, static_cast<std::size_t>(at - st.begin),
           "nesting is deeper than " + std::to_string(kMaxDepth) + " levels");
    }
    ++st.depth;
    struct Leave {
      int& depth;
      ~Leave() { --depth; }
    } leave{st.depth};
    return this->subject.parse(first, last, ctx, rctx, attr);
  }
};

// Records where its subject starts (after blanks), for the actions inside it.
template <typename Subject>
struct MarkParser : x3::unary_parser<Subject, MarkParser<Subject>> {
  using base_type = x3::unary_parser<Subject, MarkParser<Subject>>;
  static bool const is_pass_through_unary = true;
  static bool const handles_container = Subject::handles_container;
  constexpr MarkParser(Subject const& s) : base_type(s) {}
  template <typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx& rctx, Attr& attr) const {
    State& st = state(ctx);
    It at = first;
    x3::skip_over(at, last, ctx);
    if (st.nmarks == st.marks.size())
      fail(*st.src, static_cast<std::size_t>(at - st.begin), "the datashape nests too deeply");
    st.marks[st.nmarks++] = static_cast<uint32_t>(at - st.begin);
    struct Pop {
      std::size_t& n;
      ~Pop() { --n; }
    } pop{st.nmarks};
    return this->subject.parse(first, last, ctx, rctx, attr);
  }
};
// `directive[p]` wraps p in one of the pass-through parsers above.
template <template <typename> class Parser>
struct DirectiveGen {
  template <typename Subject>
  constexpr Parser<typename x3::extension::as_parser<Subject>::value_type> operator[](
      Subject const& subject) const {
    return {x3::as_parser(subject)};
  }
};
constexpr DirectiveGen<GuardParser> guard{};
constexpr DirectiveGen<MarkParser> mark{};

// Cheap lookaheads that keep the grammar from starting alternatives bound to fail (each
// failed alternative would build and drop attributes): they consume nothing.
inline It skip_blanks(It it, It last) {
  while (it != last && (*it == ' ' || *it == '\t' || *it == '\n' || *it == '\r' || *it == '\v' ||
                        *it == '\f'))
    ++it;
  return it;
}
inline It skip_ident(It it, It last) {
  if (it == last || !ident_start(*it)) return it;
  while (it != last && ident_char(*it)) ++it;
  return it;
}

enum class Ahead { dim, union_member, keyed_item, named_item };

template <Ahead kind>
struct AheadParser : x3::parser<AheadParser<kind>> {
  using attribute_type = x3::unused_type;
  static bool const has_attribute = false;
  template <typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const&, RCtx&, Attr&) const {
    It it = skip_blanks(first, last);
    if (it == last) return false;
    if constexpr (kind == Ahead::dim) {
      // A dim starts with a digit, '!' or '...', or is a name followed by '*', '...', or
      // constructor arguments.
      if ((*it >= '0' && *it <= '9') || *it == '!' || *it == '.') return true;
      It end = skip_ident(it, last);
      if (end == it) return false;
      end = skip_blanks(end, last);
      return end != last && (*end == '*' || *end == '.' || *end == '(' || *end == '[');
    } else if constexpr (kind == Ahead::union_member) {
      It end = skip_ident(it, last);
      if (end == it) return false;
      end = skip_blanks(end, last);
      return last - end >= 2 && end[0] == 'o' && end[1] == 'f' &&
             (end + 2 == last || !ident_char(end[2]));
    } else {
      // `name =` (an attribute) or `name :` / `'quoted' :` (a named member).
      It end = it;
      if (*it == '\'' || *it == '"') return kind == Ahead::named_item;  // quoted names
      end = skip_ident(it, last);
      if (end == it) return false;
      end = skip_blanks(end, last);
      if (end == last) return false;
      return kind == Ahead::keyed_item ? *end == '=' : *end == ':';
    }
  }
};
constexpr AheadParser<Ahead::dim> dim_ahead{};
constexpr AheadParser<Ahead::union_member> union_ahead{};
constexpr AheadParser<Ahead::keyed_item> keyed_ahead{};
constexpr AheadParser<Ahead::named_item> named_ahead{};

constexpr IdentParser ident{};
constexpr StringParser string_lit{};
constexpr KeywordParser kw_of{"of"};
const auto uint64_ = x3::uint_parser<int64_t>();
const auto int64_ = x3::int_parser<int64_t>();
// A real literal with a '.' or an exponent, converted with correct rounding (from_chars).
// Returns the position after it, or nullptr when `first` does not start one.
It read_double(const Source& src, It begin, It first, It last, double& value) {
  It it = first;
  auto digits = [&] {
    It start = it;
    while (it != last && *it >= '0' && *it <= '9') ++it;
    return it != start;
  };
  if (it != last && (*it == '-' || *it == '+')) ++it;
  bool mantissa = digits();
  bool real = false;
  if (it != last && *it == '.') {
    ++it;
    real = true;
    mantissa = digits() || mantissa;
  }
  if (!mantissa) return nullptr;
  if (it != last && (*it == 'e' || *it == 'E')) {
    It save = it++;
    if (it != last && (*it == '-' || *it == '+')) ++it;
    if (digits()) real = true;
    else it = save;
  }
  if (!real) return nullptr;
  auto [end, ec] = std::from_chars(first + (*first == '+'), it, value);
  if (ec != std::errc() || end != it)
    fail(src, static_cast<std::size_t>(first - begin), "floating-point literal out of range");
  return it;
}

struct DoubleParser : x3::parser<DoubleParser> {
  using attribute_type = double;
  static bool const has_attribute = true;
  template <typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx&, Attr& attr) const {
    x3::skip_over(first, last, ctx);
    double value;
    It end = read_double(source(ctx), state(ctx).begin, first, last, value);
    if (!end) return false;
    attr = value;
    first = end;
    return true;
  }
};
constexpr DoubleParser double_{};

// ----- rules ----------------------------------------------------------------------------

struct TopAcc {
  std::vector<Type> list;
  bool arrow = false;
  std::vector<Type> outputs;
  std::size_t arrow_pos = 0;
};

x3::rule<class top_class, TopAcc> const top = "datashape";
x3::rule<class ds_class, Type> const ds = "datashape";
x3::rule<class dtype_class, Type> const dtype = "data type";
x3::rule<class dim_class, Dim> const dim = "dimension";
using DimList = boost::container::small_vector<Dim, 4>;
x3::rule<class args_class, Args> const args = "arguments";
x3::rule<class args_opt_class, Args> const args_opt = "arguments";

// `Name[...]` is first tried as a dimension (`fixed[3] *`) and, when no '*' follows, parsed
// again as a type: the arguments at one position are parsed once and then reused, so
// nested constructor arguments cost linear, not exponential, time.
struct MemoArgsParser : x3::parser<MemoArgsParser> {
  using attribute_type = Args;
  static bool const has_attribute = true;
  template <typename Ctx, typename RCtx, typename Attr>
  bool parse(It& first, It const& last, Ctx const& ctx, RCtx& rctx, Attr& attr) const;
};
constexpr MemoArgsParser memo_args{};
x3::rule<class arg_class, Arg> const arg = "argument";
x3::rule<class arg_value_class, ArgValue> const arg_value = "argument value";
x3::rule<class group_class, Type> const group = "tuple or function signature";
x3::rule<class record_class, Type> const record = "record";
x3::rule<class named_class, Type> const named = "type name";
x3::rule<class union_class, Type> const union_type = "tagged union";
x3::rule<class union_member_class, std::pair<std::string, Type>> const union_member =
    "union member";
x3::rule<class item_variadic_class, Item> const item_variadic = "'...'";
x3::rule<class item_attribute_class, Item> const item_attribute = "attribute";
x3::rule<class item_named_class, Item> const item_named = "field";
x3::rule<class item_positional_class, Item> const item_positional = "member";
x3::rule<class group_item_class, Item> const group_item = "tuple member or parameter";
x3::rule<class record_item_class, Item> const record_item = "field";
x3::rule<class field_name_class, std::string> const field_name = "field name";
struct FieldAttrs {
  std::vector<std::pair<std::string, int64_t>> list;
};
x3::rule<class field_attrs_class, FieldAttrs> const field_attrs = "field attributes";
x3::rule<class field_attr_class, std::pair<std::string, int64_t>> const field_attr =
    "field attribute (align=N or pack=N)";

// top: `T`, `A, B -> C`, `(A, B) -> C, D`
auto const top_def =
    mark[(x3::expect[ds] % ',')[([](auto& ctx) { x3::_val(ctx).list = std::move(x3::_attr(ctx)); })] >>
    -(x3::lit("->")[([](auto& ctx) {
        x3::_val(ctx).arrow = true;
        x3::_val(ctx).arrow_pos = where(ctx);
      })] >
      (x3::expect[ds] % ',')[([](auto& ctx) { x3::_val(ctx).outputs = std::move(x3::_attr(ctx)); })]) >
    x3::eoi];

auto const build_ds = [](auto& ctx) {
  auto& a = x3::_attr(ctx);
  const auto& d = fusion::at_c<0>(a);
  x3::_val(ctx) = build_datashape(source(ctx), std::span<const Dim>(d.data(), d.size()),
                                  fusion::at_c<1>(a));
};
x3::rule<class dims_class, DimList> const dims = "dimensions";
auto const dims_def = +(dim_ahead >> dim);
auto const ds_def = mark[guard[(dims > dtype)[build_ds] |
                          dtype[([](auto& ctx) { x3::_val(ctx) = std::move(x3::_attr(ctx)); })]]];

auto const set_val = [](auto& ctx) { x3::_val(ctx) = std::move(x3::_attr(ctx)); };

// Names first (the common case; a union starts with a name too), then the punctuation.
auto const dtype_def =
    mark[(union_ahead >> union_type)[set_val] | named[set_val] |
    (x3::lit('?') > ds)[([](auto& ctx) {
      try {
        x3::_val(ctx) = make_option(x3::_attr(ctx));
      } catch (const Error& e) {
        fail(source(ctx), where(ctx), e.what());
      }
    })] |
    (x3::lit('&') > ds)[([](auto& ctx) { x3::_val(ctx) = make_pointer(x3::_attr(ctx)); })] |
    ((x3::lit('<') | x3::lit('=')) > named)[([](auto& ctx) {
      x3::_val(ctx) = build_native_endian(source(ctx), x3::_attr(ctx), where(ctx));
    })] |
    (x3::lit('>') > named)[([](auto& ctx) {
      fail(source(ctx), where(ctx), "big-endian data ('>') is not supported: Pluribus data is "
                                    "little-endian");
    })] |
    (x3::lit('[') >> union_type > x3::lit(']'))[set_val] | group[set_val] | record[set_val]];

// A dimension, including its `*`: `10 *`, `var *`, `N *`, `Dims... *`, `!3 *`, `Fixed**2 *`.
auto const dim_def =
    mark[x3::eps[([](auto& ctx) { x3::_val(ctx).pos = where(ctx); })] >>
    -x3::lit('!')[([](auto& ctx) { x3::_val(ctx).fortran = true; })] >>
    (uint64_[([](auto& ctx) {
       x3::_val(ctx).kind = Dim::Fixed;
       x3::_val(ctx).shape = x3::_attr(ctx);
     })] |
     x3::lit("...")[([](auto& ctx) { x3::_val(ctx).kind = Dim::Ellipsis; })] |
     (ident >> x3::lit("..."))[([](auto& ctx) {
       x3::_val(ctx).kind = Dim::Ellipsis;
       x3::_val(ctx).name = std::move(x3::_attr(ctx));
     })] |
     (ident >> args_opt)[([](auto& ctx) {
       auto& a = x3::_attr(ctx);
       x3::_val(ctx).kind = Dim::Named;
       x3::_val(ctx).name = std::move(fusion::at_c<0>(a));
       x3::_val(ctx).args = std::move(fusion::at_c<1>(a));
     })]) >>
    -(x3::lit("**") > (uint64_[([](auto& ctx) { x3::_val(ctx).power_int = x3::_attr(ctx); })] |
                       ident[([](auto& ctx) { x3::_val(ctx).power_name = x3::_attr(ctx); })])) >>
    x3::lit('*')];

auto const push_arg = [](auto& ctx) { x3::_val(ctx).list.push_back(std::move(x3::_attr(ctx))); };
auto const args_def =
    mark[(x3::lit('[')[([](auto& ctx) {
       x3::_val(ctx).brackets = true;
       x3::_val(ctx).pos = where(ctx);
     })] > -(arg[push_arg] % ',') > x3::lit(']')) |
    (x3::lit('(')[([](auto& ctx) { x3::_val(ctx).pos = where(ctx); })] >
     -(arg[push_arg] % ',') > x3::lit(')'))];
auto const args_opt_def =
    memo_args[([](auto& ctx) {
      x3::_val(ctx) = std::move(x3::_attr(ctx));
      x3::_val(ctx).present = true;
    })] |
    x3::eps;

auto const arg_def = mark[(ident >> x3::lit('=') > arg_value)[([](auto& ctx) {
                       auto& a = x3::_attr(ctx);
                       x3::_val(ctx).key = std::move(fusion::at_c<0>(a));
                       x3::_val(ctx).value = std::move(fusion::at_c<1>(a));
                       x3::_val(ctx).pos = where(ctx);
                     })] |
                     arg_value[([](auto& ctx) {
                       x3::_val(ctx).value = std::move(x3::_attr(ctx));
                       x3::_val(ctx).pos = x3::_val(ctx).value.pos;
                     })]];

// Only lists count a nesting level here: a datashape argument counts one in ds, so that
// `pointer[T]` nests as deep as `&T` (and a printed type parses back).
auto const arg_value_def = mark[x3::eps[([](auto& ctx) { x3::_val(ctx).pos = where(ctx); })] >>
    (double_[([](auto& ctx) {
       x3::_val(ctx).kind = ArgValue::Double;
       x3::_val(ctx).d = x3::_attr(ctx);
     })] |
     (int64_ >> !x3::lit('*'))[([](auto& ctx) {
       x3::_val(ctx).kind = ArgValue::Int;
       x3::_val(ctx).i = x3::_attr(ctx);
     })] |
     string_lit[([](auto& ctx) {
       x3::_val(ctx).kind = ArgValue::String;
       x3::_val(ctx).s = std::move(x3::_attr(ctx));
     })] |
     guard[x3::lit('[')[([](auto& ctx) { x3::_val(ctx).kind = ArgValue::List; })] >
           -(arg_value[push_arg] % ',') > x3::lit(']')] |
     ds[([](auto& ctx) {
       x3::_val(ctx).kind = ArgValue::Datashape;
       x3::_val(ctx).type = std::move(x3::_attr(ctx));
     })])];

// Tuples and function signatures: `(int8, int64 |pack=1|, align=16)`, `(A, x: B, ...) -> C`.
auto const set_trailing = [](auto& ctx) { x3::_val(ctx).trailing_comma = true; };
auto const push_item = [](auto& ctx) {
  x3::_val(ctx).items.push_back(std::move(x3::_attr(ctx)));
};
x3::rule<class group_acc_class, Group> const group_acc = "tuple or function signature";
auto const group_acc_def =
    mark[x3::lit('(')[([](auto& ctx) { x3::_val(ctx).pos = where(ctx); })] >
    -(group_item[push_item] % ',') > -x3::lit(',')[set_trailing] > x3::lit(')') >
    -((x3::lit("->") > ds)[([](auto& ctx) {
        x3::_val(ctx).arrow = true;
        x3::_val(ctx).output = std::move(x3::_attr(ctx));
      })])];
auto const group_def =
    group_acc[([](auto& ctx) { x3::_val(ctx) = build_group(source(ctx), x3::_attr(ctx)); })];

struct RecordAcc {
  std::vector<Item> items;
  bool trailing_comma = false;
  std::size_t pos = 0;
};
x3::rule<class record_acc_class, RecordAcc> const record_acc = "record";
auto const record_acc_def =
    mark[x3::lit('{')[([](auto& ctx) { x3::_val(ctx).pos = where(ctx); })] >
    -(record_item[push_item] % ',') > -x3::lit(',')[set_trailing] > x3::lit('}')];
auto const record_def = record_acc[([](auto& ctx) {
  x3::_val(ctx) = build_record(source(ctx), x3::_attr(ctx).items, x3::_attr(ctx).trailing_comma,
                               x3::_attr(ctx).pos);
})];

auto const item_variadic_def = mark[(x3::lit("...") >> !x3::lit('*'))[([](auto& ctx) {
  x3::_val(ctx).kind = Item::Variadic;
  x3::_val(ctx).pos = where(ctx);
})]];
auto const item_attribute_def = mark[(ident >> x3::lit('=') > int64_)[([](auto& ctx) {
  auto& a = x3::_attr(ctx);
  x3::_val(ctx).kind = Item::Attribute;
  x3::_val(ctx).name = std::move(fusion::at_c<0>(a));
  x3::_val(ctx).value = fusion::at_c<1>(a);
  x3::_val(ctx).pos = where(ctx);
})]];
auto const item_named_def = mark[(field_name >> x3::lit(':') > item_positional)[([](auto& ctx) {
  auto& a = x3::_attr(ctx);
  x3::_val(ctx) = std::move(fusion::at_c<1>(a));
  x3::_val(ctx).named = true;
  x3::_val(ctx).name = std::move(fusion::at_c<0>(a));
  x3::_val(ctx).pos = where(ctx);
})]];
auto const item_positional_def = mark[(ds >> field_attrs)[([](auto& ctx) {
  auto& a = x3::_attr(ctx);
  x3::_val(ctx).kind = Item::Member;
  x3::_val(ctx).type = std::move(fusion::at_c<0>(a));
  x3::_val(ctx).field_attrs = std::move(fusion::at_c<1>(a).list);
  x3::_val(ctx).pos = where(ctx);
})]];
auto const group_item_def = item_variadic | (keyed_ahead >> item_attribute) |
                            (named_ahead >> item_named) | item_positional;
auto const record_item_def =
    item_variadic | (keyed_ahead >> item_attribute) | (named_ahead >> item_named);
auto const field_name_def =
    ident[([](auto& ctx) { x3::_val(ctx) = x3::_attr(ctx); })] | string_lit[set_val];
auto const push_attr = [](auto& ctx) { x3::_val(ctx).list.push_back(std::move(x3::_attr(ctx))); };
auto const field_attrs_def = -(x3::lit('|') > (field_attr[push_attr] % ',') > x3::lit('|'));
auto const field_attr_def = (ident >> x3::lit('=') > int64_)[([](auto& ctx) {
  auto& a = x3::_attr(ctx);
  x3::_val(ctx) = {std::string(fusion::at_c<0>(a)), fusion::at_c<1>(a)};
})];

// Tagged unions: `Int of int64 | Name of string`.
auto const union_member_def = mark[(ident >> kw_of > ds)[([](auto& ctx) {
  auto& a = x3::_attr(ctx);
  x3::_val(ctx) = {std::string(fusion::at_c<0>(a)), std::move(fusion::at_c<1>(a))};
})]];
auto const union_type_def = mark[(union_member % ('|' >> union_ahead))[([](auto& ctx) {
  x3::_val(ctx) = build_union(source(ctx), x3::_attr(ctx), where(ctx));
})]];

// Names with optional constructor arguments: `int64`, `T`, `fixed_string[10, 'ascii']`.
auto const named_def = mark[(ident >> args_opt)[([](auto& ctx) {
  auto& a = x3::_attr(ctx);
  x3::_val(ctx) = build_named(source(ctx), fusion::at_c<0>(a), fusion::at_c<1>(a), where(ctx));
})]];

template <typename Ctx, typename RCtx, typename Attr>
bool MemoArgsParser::parse(It& first, It const& last, Ctx const& ctx, RCtx& rctx,
                           Attr& attr) const {
  State& st = state(ctx);
  It at = first;
  x3::skip_over(at, last, ctx);
  if (at == last || (*at != '[' && *at != '(')) return false;
  const auto start = static_cast<std::size_t>(at - st.begin);
  // The retry comes right after the first attempt: its entry is among the last few.
  const std::size_t n = st.memo.size();
  for (std::size_t k = n; k > 0 && k + 4 > n; --k) {
    const auto& entry = st.memo[k - 1];
    if (entry.start != start) continue;
    first = st.begin + entry.end;
    attr = entry.args;
    return true;
  }
  Args parsed;
  if (!args.parse(first, last, ctx, rctx, parsed)) return false;
  st.memo.push_back({start, static_cast<std::size_t>(first - st.begin), parsed});
  attr = std::move(parsed);
  return true;
}

BOOST_SPIRIT_DEFINE(top, ds, dims, dtype, dim, args, args_opt, arg, arg_value, group, group_acc,
                    record, record_acc, item_variadic, item_attribute, item_named,
                    item_positional, group_item, record_item, field_name, field_attrs, field_attr, union_member,
                    union_type, named);

std::string describe(const std::string& which) {
  if (which == "eoi") return "expected the end of the datashape";
  return "expected " + which;
}

}  // namespace grammar

// ----- the predictive parser --------------------------------------------------------------
//
// Reads a datashape in one left-to-right pass, deciding every choice from the next
// characters, and hands each construct to the same builders as the grammar above, in the
// same parse-tree form. It accepts exactly what the grammar accepts, as the same type; on
// any error (or input nested deeper than it cares to go) it gives up, and the grammar
// parses the input again from the start and reports the error with its position.
namespace direct {

using It = const char*;

inline bool blank(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}
inline bool is_digit(char c) { return c >= '0' && c <= '9'; }

const Args kNoArgs{};

// A spare list of arguments and one of members per thread, empty but with room: the lists
// of most parses reuse them instead of allocating (an inner list, while the spare is in
// use, allocates its own).
thread_local std::vector<Arg> spare_arguments;
thread_local std::vector<Item> spare_items;

template <typename T>
void take_spare(std::vector<T>& list, std::vector<T>& spare, std::size_t room) {
  if (list.capacity() == 0) list.swap(spare);
  if (list.capacity() == 0) list.reserve(room);
}
// Gives a list's room back once its elements are no longer needed (up to a bound, so that
// one long list does not keep its memory for the thread's life).
template <typename T>
void give_back(std::vector<T>& list, std::vector<T>& spare) noexcept {
  constexpr std::size_t kMaxRoom = 64;
  if (list.capacity() <= spare.capacity() || list.capacity() > kMaxRoom) return;
  list.clear();
  list.swap(spare);
}

// Identifier characters, by byte.
constexpr auto kIdentChar = [] {
  std::array<bool, 256> table{};
  for (int c = 0; c < 256; ++c) table[c] = grammar::ident_char(static_cast<char>(c));
  return table;
}();
inline bool ident_char(char c) { return kIdentChar[static_cast<unsigned char>(c)]; }

// Thrown to give up (caught in parse_top; never on a successful parse).
struct Decline {};
[[noreturn]] void decline() { throw Decline{}; }

class Parser {
 public:
  explicit Parser(const Source& src)
      : src_(src), begin_(src.input.data()), p_(begin_), end_(begin_ + src.input.size()) {}

  // top: `T`, `A, B -> C`, `(A, B) -> C, D`
  Type top() {
    skip();
    const std::size_t start = pos(p_);
    Type first = ds();
    skip();
    if (p_ == end_) return first;  // the usual case: one datashape
    std::vector<Type> list, outputs;
    bool arrow = false;
    list.push_back(std::move(first));
    for (; peek() == ','; skip()) {
      ++p_;
      list.push_back(ds());
    }
    if (peek() == '-' && peek(1) == '>') {
      p_ += 2;
      arrow = true;
      outputs.push_back(ds());
      for (skip(); peek() == ','; skip()) {
        ++p_;
        outputs.push_back(ds());
      }
    }
    if (p_ != end_) decline();
    if (!arrow && list.size() == 1) return std::move(list[0]);
    return build_top(src_, list, arrow, outputs, start);
  }

 private:
  const Source& src_;
  It begin_, p_, end_;
  int depth_ = 0;

  [[gnu::always_inline]] void skip() {
    while (p_ != end_ && static_cast<unsigned char>(*p_) <= ' ' && blank(*p_)) ++p_;
  }
  // The character k ahead, or '\0' past the end (a NUL in the input is never accepted).
  [[gnu::always_inline]] char peek(std::size_t k = 0) const {
    return static_cast<std::size_t>(end_ - p_) > k ? p_[k] : '\0';
  }
  std::size_t pos(It at) const { return static_cast<std::size_t>(at - begin_); }
  void expect(char c) {
    skip();
    if (peek() != c) decline();
    ++p_;
  }
  bool at_ellipsis() const { return peek() == '.' && peek(1) == '.' && peek(2) == '.'; }
  bool at_ident() const { return p_ != end_ && grammar::ident_start(*p_); }
  std::string_view ident() {
    if (!at_ident()) decline();
    It start = p_++;
    while (p_ != end_ && ident_char(*p_)) ++p_;
    return {start, static_cast<std::size_t>(p_ - start)};
  }
  // What follows the identifier at p_ (after blanks), without consuming anything.
  char after_ident() const {
    It it = p_;
    while (it != end_ && ident_char(*it)) ++it;
    while (it != end_ && blank(*it)) ++it;
    return it != end_ ? *it : '\0';
  }
  // `Name of` starts a union member.
  bool at_union_member() const {
    if (!at_ident()) return false;
    It it = p_;
    while (it != end_ && ident_char(*it)) ++it;
    while (it != end_ && blank(*it)) ++it;
    return end_ - it >= 2 && it[0] == 'o' && it[1] == 'f' &&
           (it + 2 == end_ || !ident_char(it[2]));
  }
  // An integer as X3's int parsers read it (`signed`: an optional sign), or nullptr.
  static It read_int(It it, It last, bool is_signed, int64_t& value) {
    bool negative = false;
    if (is_signed && it != last && (*it == '-' || *it == '+')) negative = *it++ == '-';
    if (it == last || !is_digit(*it)) return nullptr;
    int64_t v = 0;
    for (; it != last && is_digit(*it); ++it) {
      const int d = *it - '0';
      if (__builtin_mul_overflow(v, 10, &v) ||
          (negative ? __builtin_sub_overflow(v, d, &v) : __builtin_add_overflow(v, d, &v)))
        return nullptr;
    }
    value = v;
    return it;
  }
  int64_t integer(bool is_signed) {
    skip();
    int64_t v;
    It end = read_int(p_, end_, is_signed, v);
    if (!end) decline();
    p_ = end;
    return v;
  }

  struct Nest {
    int& depth;
    explicit Nest(int& d) : depth(d) {
      // The grammar rejects deep input (at kMaxDepth, with its message).
      if (++depth > grammar::kMaxDepth / 2) decline();
    }
    ~Nest() { --depth; }
  };

  // `**N` or `**3` after a dim, then the dim's `*`.
  void dim_end(Dim& d) {
    skip();
    if (peek() == '*' && peek(1) == '*') {
      p_ += 2;
      skip();
      if (is_digit(peek())) {
        d.power_int = integer(false);
      } else {
        d.power_name = ident();
      }
      skip();
    }
    if (peek() != '*') decline();
    ++p_;
  }

  // A datashape: dims, then a data type.
  Type ds() {
    Nest nest(depth_);
    boost::container::small_vector<Dim, 4> dims;
    Type dtype;
    for (;;) {
      skip();
      It at = p_;
      bool fortran = false;
      if (peek() == '!') {
        fortran = true;
        ++p_;
        skip();
      }
      const char c = peek();
      if (is_digit(c)) {
        Dim& d = dims.emplace_back();
        d.kind = Dim::Fixed;
        d.shape = integer(false);
        d.fortran = fortran;
        d.pos = pos(at);
        dim_end(d);
        continue;
      }
      if (c == '.') {
        if (!at_ellipsis()) decline();
        p_ += 3;
        Dim& d = dims.emplace_back();
        d.kind = Dim::Ellipsis;
        d.fortran = fortran;
        d.pos = pos(at);
        dim_end(d);
        continue;
      }
      if (!at_ident()) {
        if (fortran) decline();
        dtype = punctuated();
        break;
      }
      It name_at = p_;
      std::string_view name = ident();
      skip();
      if (at_ellipsis()) {
        p_ += 3;
        Dim& d = dims.emplace_back();
        d.kind = Dim::Ellipsis;
        d.name = name;
        d.fortran = fortran;
        d.pos = pos(at);
        dim_end(d);
        continue;
      }
      if (peek() == '(' || peek() == '[') {
        Args args;
        arguments(args);
        skip();
        if (peek() != '*') {
          if (fortran) decline();
          dtype = build_named(src_, name, args, pos(at));
          give_back(args.list, spare_arguments);
          break;
        }
        Dim& d = dims.emplace_back();
        d.kind = Dim::Named;
        d.name = name;
        d.args = std::move(args);
        d.fortran = fortran;
        d.pos = pos(at);
        dim_end(d);
        continue;
      }
      if (peek() == '*') {
        Dim& d = dims.emplace_back();
        d.kind = Dim::Named;
        d.name = name;
        d.fortran = fortran;
        d.pos = pos(at);
        dim_end(d);
        continue;
      }
      if (fortran) decline();
      if (peek() == 'o' && peek(1) == 'f' && (p_ + 2 == end_ || !ident_char(p_[2]))) {
        p_ = name_at;
        dtype = union_type();
      } else {
        dtype = build_named(src_, name, kNoArgs, pos(at));
      }
      break;
    }
    if (dims.empty()) return dtype;
    Type t = build_datashape(src_, std::span<const Dim>(dims.data(), dims.size()), dtype);
    for (Dim& d : dims)
      if (d.args.present) give_back(d.args.list, spare_arguments);
    return t;
  }

  // A data type that starts with punctuation.
  Type punctuated() {
    It at = p_;
    switch (peek()) {
      case '?': {
        ++p_;
        return make_option(ds());
      }
      case '&': {
        ++p_;
        return make_pointer(ds());
      }
      case '<':
      case '=': {
        ++p_;
        skip();
        It name_at = p_;
        std::string_view name = ident();
        Args args;
        skip();
        if (peek() == '(' || peek() == '[') arguments(args);
        return build_native_endian(src_, build_named(src_, name, args, pos(name_at)), pos(at));
      }
      case '[': {
        ++p_;
        skip();
        if (!at_union_member()) decline();
        Type t = union_type();
        expect(']');
        return t;
      }
      case '(': return group();
      case '{': return record();
      default: decline();
    }
  }

  // `Int of int64 | Name of string`, from a member's name.
  Type union_type() {
    const std::size_t at = pos(p_);
    std::vector<std::pair<std::string, Type>> members;
    for (;;) {
      std::string name(ident());
      skip();
      p_ += 2;  // `of`, checked by the caller or below
      members.emplace_back(std::move(name), ds());
      skip();
      if (peek() != '|') break;
      It save = p_++;
      skip();
      if (!at_union_member()) {
        p_ = save;
        break;
      }
    }
    return build_union(src_, members, at);
  }

  // `(...)` or `[...]` after a name.
  void arguments(Args& args) {
    const char close = peek() == '[' ? ']' : ')';
    args.present = true;
    args.brackets = close == ']';
    args.pos = pos(p_);
    take_spare(args.list, spare_arguments, 4);  // room for the usual few arguments
    ++p_;
    skip();
    if (peek() == close) {
      ++p_;
      return;
    }
    for (;;) {
      Arg& a = args.list.emplace_back();
      skip();
      It at = p_;
      if (at_ident() && after_ident() == '=') {
        a.key = ident();
        expect('=');
        a.pos = pos(at);
        value(a.value);
      } else {
        value(a.value);
        a.pos = a.value.pos;
      }
      skip();
      if (peek() == ',') {
        ++p_;
        continue;
      }
      expect(close);
      return;
    }
  }

  // A constructor argument's value: a real, an integer (not `3 *`), a string, a list, or a
  // datashape.
  void value(ArgValue& v) {
    skip();
    v.pos = pos(p_);
    if (It end = grammar::read_double(src_, begin_, p_, end_, v.d)) {
      v.kind = ArgValue::Double;
      p_ = end;
      return;
    }
    if (It end = read_int(p_, end_, true, v.i)) {
      It next = end;
      while (next != end_ && blank(*next)) ++next;
      if (next == end_ || *next != '*') {
        v.kind = ArgValue::Int;
        p_ = end;
        return;
      }
      v.i = 0;
    }
    const char c = peek();
    if (c == '\'' || c == '"') {
      v.kind = ArgValue::String;
      p_ = grammar::read_string(src_, begin_, p_, end_, v.s);
      return;
    }
    if (c == '[') {
      Nest nest(depth_);
      v.kind = ArgValue::List;
      ++p_;
      skip();
      if (peek() == ']') {
        ++p_;
        return;
      }
      for (;;) {
        value(v.list.emplace_back());
        skip();
        if (peek() == ',') {
          ++p_;
          continue;
        }
        expect(']');
        return;
      }
    }
    v.kind = ArgValue::Datashape;
    v.type = ds();
  }

  // After a member: true at the closing bracket (`trailing` is set when a comma precedes it).
  bool list_end(char close, bool& trailing) {
    skip();
    if (peek() == ',') {
      ++p_;
      skip();
      if (peek() != close) return false;
      ++p_;
      trailing = true;
      return true;
    }
    expect(close);
    return true;
  }

  // Members of a tuple, signature or record, up to `close`; returns the trailing comma.
  bool items(std::vector<Item>& out, char close, bool record) {
    skip();
    if (peek() == ',') {
      ++p_;
      expect(close);
      return true;
    }
    if (peek() == close) {
      ++p_;
      return false;
    }
    return more_items(out, close, record);
  }
  // At a member: it and those after it.
  bool more_items(std::vector<Item>& out, char close, bool record) {
    bool trailing = false;
    take_spare(out, spare_items, 8);
    do {
      item(out.emplace_back(), record);
    } while (!list_end(close, trailing));
    return trailing;
  }

  void item(Item& it, bool record) {
    skip();
    It at = p_;
    it.pos = pos(at);
    if (at_ellipsis()) {
      It next = p_ + 3;
      while (next != end_ && blank(*next)) ++next;
      if (next == end_ || *next != '*') {
        p_ += 3;
        it.kind = Item::Variadic;
        return;
      }
      if (record) decline();
    }
    const char c = peek();
    const char follow = at_ident() ? after_ident() : '\0';
    if (follow == '=') {
      it.kind = Item::Attribute;
      it.name = ident();
      expect('=');
      it.value = integer(true);
      return;
    }
    if (c == '\'' || c == '"' || follow == ':') {
      if (at_ident()) it.name = ident();
      else p_ = grammar::read_string(src_, begin_, p_, end_, it.name);
      expect(':');
      it.named = true;
      skip();
      positional(it);
      it.pos = pos(at);
      return;
    }
    if (record) decline();
    positional(it);
  }

  // A member's type and its `|align=N|`-style attributes.
  void positional(Item& it) {
    it.kind = Item::Member;
    it.pos = pos(p_);
    it.type = ds();
    field_attrs(it);
  }
  void field_attrs(Item& it) {
    skip();
    if (peek() != '|') return;
    ++p_;
    for (;;) {
      skip();
      std::string key(ident());
      expect('=');
      it.field_attrs.emplace_back(std::move(key), integer(true));
      skip();
      if (peek() == ',') {
        ++p_;
        continue;
      }
      expect('|');
      return;
    }
  }

  Type group() {
    Group g;
    g.pos = pos(p_);
    ++p_;
    g.trailing_comma = items(g.items, ')', false);
    skip();
    if (peek() == '-' && peek(1) == '>') {
      p_ += 2;
      g.arrow = true;
      g.output = ds();
    }
    Type t = build_group(src_, g);
    give_back(g.items, spare_items);
    return t;
  }

  // While every field is a plain `name: T`, the fields go straight to make_plain_record
  // (what build_record does with such items, without copying the names); from the first
  // other item on, the parse tree.
  Type record() {
    const std::size_t at = pos(p_);
    ++p_;
    skip();
    Plain plain;
    if (peek() == '}') {
      ++p_;
      return make_record({}, {});
    }
    std::vector<Item> general;
    bool trailing = false;
    if (peek() == ',') {
      trailing = items(general, '}', true);
      return finish_record(general, trailing, at);
    }
    for (;;) {
      skip();
      if (!at_ident() || after_ident() != ':') break;
      It name_at = p_;
      std::string_view name = ident();
      expect(':');
      Type t = ds();
      skip();
      if (peek() == '|') {
        to_items(plain, general);
        Item& it = general.emplace_back();
        it.kind = Item::Member;
        it.named = true;
        it.name = name;
        it.type = std::move(t);
        it.pos = pos(name_at);
        field_attrs(it);
        if (!list_end('}', trailing)) trailing = more_items(general, '}', true);
        return finish_record(general, trailing, at);
      }
      plain.names.push_back(name);
      plain.types.push_back(std::move(t));
      if (list_end('}', trailing))
        return detail::make_plain_record({plain.names.data(), plain.names.size()},
                                         {plain.types.data(), plain.types.size()});
    }
    to_items(plain, general);
    trailing = more_items(general, '}', true);
    return finish_record(general, trailing, at);
  }

  Type finish_record(std::vector<Item>& items, bool trailing, std::size_t at) {
    Type t = build_record(src_, items, trailing, at);
    give_back(items, spare_items);
    return t;
  }

  // The plain fields read so far (names are views into the input).
  struct Plain {
    boost::container::small_vector<std::string_view, 16> names;
    boost::container::small_vector<Type, 16> types;
  };

  static void to_items(Plain& plain, std::vector<Item>& items) {
    take_spare(items, spare_items, plain.names.size() + 8);
    items.reserve(plain.names.size() + 8);
    for (std::size_t i = 0; i < plain.names.size(); ++i) {
      Item& it = items.emplace_back();
      it.kind = Item::Member;
      it.named = true;
      it.name = plain.names[i];
      it.type = std::move(plain.types[i]);
    }
  }
};

}  // namespace direct

Type parse_top(const Source& src) {
  if (!src.grammar_only) {
    try {
      return direct::Parser(src).top();
    } catch (const direct::Decline&) {
      // something the grammar reports (or too deep for the direct parser)
    } catch (const std::exception&) {
      // an error: the grammar reports it with its position
    }
  }
  using grammar::It;
  It first = src.input.data();
  It const last = first + src.input.size();
  grammar::State st(&src, first);
  grammar::TopAcc acc;
  try {
    const auto parser = x3::with<grammar::state_tag>(std::ref(st))[grammar::top];
    bool ok = x3::phrase_parse(first, last, parser, x3::ascii::space, acc);
    if (!ok) fail(src, static_cast<std::size_t>(first - st.begin), "expected a datashape");
  } catch (const x3::expectation_failure<It>& e) {
    It at = e.where();  // point at the next token, not at the blanks before it
    while (at != last && std::isspace(static_cast<unsigned char>(*at))) ++at;
    fail(src, static_cast<std::size_t>(at - st.begin), grammar::describe(e.which()));
  }
  return build_top(src, acc.list, acc.arrow, acc.outputs, acc.arrow_pos);
}

}  // namespace pluribus::ndt::parser
