// Checks record/tuple layouts against the C++ compiler's structs (layout_cases.inc) and size overflow errors.
#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include <doctest/doctest.h>

#include "ndt/type.hpp"

using namespace pluribus;
using ndt::Kind;
using ndt::Type;

namespace {

// Layout of one type node inside a case, as the compiler computes it. `path` walks from
// the top-level type: a field index, `dim` (fixed-dim element), `var` (var-dim element)
// or `opt` (option value), joined by '/'. Offsets and field alignments are empty unless
// the node is a record or tuple.
struct LayoutNode {
  const char* path;
  std::size_t size;
  std::size_t align;
  std::vector<std::size_t> offsets;
  std::vector<std::size_t> field_aligns;
};

struct LayoutCase {
  const char* datashape;
  std::size_t size;
  std::size_t align;
  std::vector<std::size_t> offsets;
  std::vector<std::size_t> field_aligns;
  std::vector<LayoutNode> nested;
};

#include "layout_cases.inc"

// The node at `path` below `t`, or an empty Type when the path does not fit.
Type at_path(Type t, std::string_view path) {
  while (!path.empty()) {
    const std::size_t slash = path.find('/');
    const std::string_view step = path.substr(0, slash);
    path = slash == std::string_view::npos ? std::string_view{} : path.substr(slash + 1);
    if (step == "dim") {
      if (t.kind() != Kind::FixedDim) return {};
      t = t.child();
    } else if (step == "var") {
      if (t.kind() != Kind::VarDim) return {};
      t = t.child();
    } else if (step == "opt") {
      if (t.kind() != Kind::Option) return {};
      t = t.child();
    } else {
      if (t.kind() != Kind::Record && t.kind() != Kind::Tuple) return {};
      const std::size_t i = std::stoul(std::string(step));
      if (i >= t.fields().size()) return {};
      t = t.fields()[i].type;
    }
  }
  return t;
}

void check_node(const Type& t, std::size_t size, std::size_t align,
                const std::vector<std::size_t>& offsets, const std::vector<std::size_t>& aligns) {
  CHECK(t.size() == static_cast<int64_t>(size));
  CHECK(t.align() == static_cast<int64_t>(align));
  if (t.kind() != Kind::Record && t.kind() != Kind::Tuple) {
    CHECK(offsets.empty());
    return;
  }
  REQUIRE(t.fields().size() == offsets.size());
  for (std::size_t i = 0; i < offsets.size(); ++i) {
    CAPTURE(i);
    CHECK(t.fields()[i].offset == static_cast<int64_t>(offsets[i]));
    CHECK(t.fields()[i].align == static_cast<int64_t>(aligns[i]));
  }
}

// Parsing `ds` fails with a positioned ParseError whose message names the overflow.
void check_parse_overflow(const std::string& ds) {
  CAPTURE(ds);
  try {
    (void)ndt::parse(ds);
    FAIL("no error");
  } catch (const ParseError& e) {
    CHECK(e.code() == ErrorCode::parse);
    CHECK(e.message().find("overflows int64") != std::string::npos);
    CHECK(std::string(e.what()).find("overflow") != std::string::npos);
  }
}

}  // namespace

TEST_CASE("layout: records and tuples match the C compiler's structs") {
  CHECK(std::size(kLayoutCases) >= 250);
  for (const LayoutCase& c : kLayoutCases) {
    const std::string datashape = c.datashape;
    CAPTURE(datashape);
    const Type t = ndt::parse(datashape);
    REQUIRE(t.is_concrete());
    check_node(t, c.size, c.align, c.offsets, c.field_aligns);
    for (const LayoutNode& n : c.nested) {
      const std::string path = n.path;
      CAPTURE(path);
      const Type sub = at_path(t, path);
      REQUIRE(sub);
      check_node(sub, n.size, n.align, n.offsets, n.field_aligns);
    }
  }
}

TEST_CASE("layout: sizes that overflow int64") {
  // Through the parser: the constructor's Error(overflow) comes back as a ParseError.
  check_parse_overflow("2 * 4611686018427387904 * uint8");
  check_parse_overflow("9223372036854775807 * 2 * int8");
  check_parse_overflow("4611686018427387904 * int16");
  check_parse_overflow("{a: int8, b: 4611686018427387904 * int16}");
  check_parse_overflow("fixed_string[4611686018427387904, 'utf32']");
  check_parse_overflow("fixed_string[2305843009213693952, 'utf32']");
  check_parse_overflow("2 * fixed_bytes[size=4611686018427387904, align=1]");
  check_parse_overflow("?fixed_bytes[size=9223372036854775807, align=1]");
  check_parse_overflow("(fixed_bytes[size=9223372036854775807, align=1], int8)");
  check_parse_overflow("{a: int8, b: fixed_bytes[size=9223372036854775800, align=8]}");
  check_parse_overflow("{a: fixed_bytes[size=9223372036854775807, align=1], align=2}");

  // The largest sizes that still fit are accepted.
  CHECK(ndt::parse("4611686018427387903 * 2 * int8").size() == INT64_MAX - 1);
  CHECK(ndt::parse("fixed_string[2305843009213693951, 'utf32']").size() == INT64_MAX - 3);
  CHECK(ndt::parse("fixed_bytes[size=9223372036854775807, align=1]").size() == INT64_MAX);

  // The constructors themselves throw Error(overflow).
  const auto check_overflow = [](auto&& make) {
    try {
      (void)make();
      FAIL("no error");
    } catch (const ParseError&) {
      FAIL("a constructor threw a ParseError");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::overflow);
      CHECK(std::string(e.what()).find("overflows int64") != std::string::npos);
    }
  };
  check_overflow([] {
    return ndt::make_fixed_dim(2, ndt::make_fixed_dim(INT64_C(4611686018427387904), ndt::uint8));
  });
  check_overflow([] { return ndt::make_fixed_dim(INT64_MAX, ndt::make_fixed_dim(2, ndt::int8)); });
  check_overflow([] { return ndt::make_fixed_string(INT64_C(4611686018427387904), ndt::Encoding::utf32); });
  check_overflow([] { return ndt::make_option(ndt::make_fixed_bytes(INT64_MAX)); });
  check_overflow([] {
    return ndt::make_record({{"a", ndt::int8}, {"b", ndt::make_fixed_bytes(INT64_MAX - 7, 8)}});
  });
}
