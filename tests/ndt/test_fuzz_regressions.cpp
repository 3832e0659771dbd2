// Regression inputs found by fuzz/fuzz_datashape (libFuzzer), one file each in
// tests/ndt/fuzz_regressions/. Every file must either fail to parse with a pluribus
// ParseError/Error, or parse to a type that satisfies the laws the fuzzer checks:
// parse(t.str()) == t, parse(t.str()).str() == t.str(), equal hashes, a sane layout for
// concrete types, from_json(to_json(t)) == t, and require_concrete agreeing with
// is_concrete().
#include <doctest/doctest.h>

#include <algorithm>
#include <exception>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>
#include <vector>

#include "ndt/json.hpp"
#include "ndt/type.hpp"

using namespace pluribus;
using namespace pluribus::ndt;

namespace {

const std::filesystem::path kRegressionDir = PLURIBUS_SPEC_DIR "/../tests/ndt/fuzz_regressions";

std::string read_bytes(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

// nullopt when parse throws a pluribus error; a non-pluribus exception fails the test.
std::optional<Type> parse_or_error(const std::string& s, const ParseOptions& options = {}) {
  try {
    return parse(s, options);
  } catch (const Error&) {
    return std::nullopt;
  } catch (const std::exception& e) {
    FAIL_CHECK("parse threw a non-pluribus exception: " << e.what());
  } catch (...) {
    FAIL_CHECK("parse threw a non-std exception");
  }
  return std::nullopt;
}

void check_laws(const Type& t) {
  const std::string printed = t.str();
  CAPTURE(printed);
  std::optional<Type> again;
  CHECK_NOTHROW(again = parse(printed));
  if (!again) return;
  CHECK(*again == t);
  CHECK(again->str() == printed);
  CHECK(again->hash() == t.hash());
  if (t.is_concrete()) {
    int64_t size = -1, align = 0;
    CHECK_NOTHROW(size = t.size());
    CHECK_NOTHROW(align = t.align());
    CHECK(size >= 0);
    CHECK(align > 0);
    CHECK((align & (align - 1)) == 0);
  }
  std::optional<std::string> json;
  CHECK_NOTHROW(json = to_json(t));
  if (!json) return;
  CAPTURE(*json);
  std::optional<Type> back;
  CHECK_NOTHROW(back = from_json(*json));
  if (!back) return;
  CHECK(*back == t);
  CHECK(back->hash() == t.hash());
}

}  // namespace

TEST_CASE("fuzz regressions: each input parses cleanly or throws a pluribus error") {
  REQUIRE(std::filesystem::is_directory(kRegressionDir));
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(kRegressionDir))
    if (entry.is_regular_file()) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  REQUIRE(!files.empty());
  for (const auto& file : files) {
    const std::string input = read_bytes(file);
    const std::string name = file.filename().string();
    CAPTURE(name);
    std::optional<Type> t = parse_or_error(input);
    if (t) check_laws(*t);
    std::optional<Type> c = parse_or_error(input, {.require_concrete = true});
    if (c) {
      CHECK(t.has_value());
      if (t) CHECK(*c == *t);
      CHECK(c->is_concrete());
    } else if (t) {
      CHECK(!t->is_concrete());
    }
  }
}
