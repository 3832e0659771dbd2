// libFuzzer target: the datashape parser and the laws every parsed type must satisfy.
//
// The input bytes are one datashape string. ParseError / pluribus::Error are the expected
// failures; any other exception, and any broken law, aborts so libFuzzer reports it:
//   parse(t.str()) == t, parse(t.str()).str() == t.str(), equal hashes,
//   concrete types have a size >= 0 and a power-of-two alignment,
//   from_json(to_json(t)) == t,
//   parse(s, {.require_concrete = true}) succeeds exactly when parse(s) gives a concrete
//   type, and then gives the same type.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <optional>
#include <string>
#include <string_view>

#include "ndt/error.hpp"
#include "ndt/json.hpp"
#include "ndt/type.hpp"

using namespace pluribus;

namespace {

std::string escaped(std::string_view s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '\\') out += "\\\\";
    else if (c >= 0x20 && c < 0x7f) out += static_cast<char>(c);
    else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    }
  }
  return out;
}

[[noreturn]] void violation(const char* law, std::string_view input, std::string_view detail = {}) {
  std::fprintf(stderr, "\n*** LAW VIOLATED: %s\n    input:  \"%s\"\n", law, escaped(input).c_str());
  if (!detail.empty()) std::fprintf(stderr, "    detail: %s\n", escaped(detail).c_str());
  std::fflush(stderr);
  __builtin_trap();
}

// Parses `s`; nullopt for the expected failures (ParseError, pluribus::Error), abort on others.
std::optional<ndt::Type> try_parse(std::string_view s, const ndt::ParseOptions& options,
                                   std::string* error = nullptr) {
  try {
    return ndt::parse(s, options);
  } catch (const Error& e) {  // ParseError derives from Error
    if (error) *error = e.what();
    return std::nullopt;
  } catch (const std::exception& e) {
    violation("parse threw a non-pluribus exception", s, e.what());
  } catch (...) {
    violation("parse threw a non-std exception", s);
  }
}

void check_laws(std::string_view input, const ndt::Type& t) {
  // Printing and reparsing.
  const std::string printed = t.str();
  std::string error;
  std::optional<ndt::Type> again = try_parse(printed, {}, &error);
  if (!again) violation("parse(t.str()) throws", input, "printed: " + printed + "  error: " + error);
  if (!(*again == t)) violation("parse(t.str()) != t", input, "printed: " + printed + "  reparsed prints: " + again->str());
  if (again->str() != printed) violation("parse(t.str()).str() != t.str()", input, printed + "  vs  " + again->str());
  if (again->hash() != t.hash()) violation("hash(parse(t.str())) != hash(t)", input, printed);

  // Layout.
  if (t.is_concrete()) {
    try {
      const int64_t size = t.size();
      const int64_t align = t.align();
      if (size < 0) violation("concrete type with negative size", input, printed);
      if (align <= 0 || (align & (align - 1)) != 0) violation("concrete type with a non-power-of-two alignment", input, printed);
    } catch (const std::exception& e) {
      violation("size()/align() of a concrete type throws", input, printed + "  " + e.what());
    }
  }

  // JSON round trip.
  std::string json;
  try {
    json = ndt::to_json(t);
  } catch (const std::exception& e) {
    violation("to_json(t) throws", input, printed + "  " + e.what());
  }
  try {
    ndt::Type back = ndt::from_json(json);
    if (!(back == t)) violation("from_json(to_json(t)) != t", input, printed + "  json: " + json + "  back: " + back.str());
    if (back.hash() != t.hash()) violation("hash(from_json(to_json(t))) != hash(t)", input, printed);
  } catch (const std::exception& e) {
    violation("from_json(to_json(t)) throws", input, printed + "  json: " + json + "  " + e.what());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  try {
    std::optional<ndt::Type> t = try_parse(input, {});
    if (t) check_laws(input, *t);

    std::string error;
    std::optional<ndt::Type> c = try_parse(input, {.require_concrete = true}, &error);
    if (c) {
      if (!t) violation("parses with require_concrete but not without", input, c->str());
      if (!(*c == *t)) violation("require_concrete gives a different type", input, c->str() + "  vs  " + t->str());
      if (!c->is_concrete()) violation("require_concrete accepted an abstract type", input, c->str());
    } else if (t && t->is_concrete()) {
      violation("require_concrete rejects a concrete type", input, t->str() + "  error: " + error);
    }
  } catch (const std::exception& e) {
    violation("unexpected exception", input, e.what());
  }
  return 0;
}
