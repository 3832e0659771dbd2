// Property test of the laws on randomly built types: parse(print(t)) == t, printing is
// canonical, equal types hash equal, building the same type twice gives the same node, and
// the JSON form round-trips.
#include <doctest/doctest.h>

#include <random>

#include "ndt/json.hpp"
#include "ndt/type.hpp"

using namespace pluribus;

namespace {

class TypeGenerator {
 public:
  explicit TypeGenerator(uint32_t seed) : rng_(seed) {}

  ndt::Type any(int depth) {
    switch (depth <= 0 ? 0 : pick(8)) {
      case 0:
      case 1: return scalar();
      case 2: return ndt::make_fixed_dim(pick(5), concrete_or_not(depth - 1));
      case 3: return ndt::make_var_dim(concrete_or_not(depth - 1));
      case 4: {
        ndt::Type t = any(depth - 1);
        return t.kind() == ndt::Kind::Option ? t : ndt::make_option(t);
      }
      case 5: return record(depth - 1, true);
      case 6: return record(depth - 1, false);
      default: {
        ndt::Type t = ndt::make_fixed_dim(1 + pick(3), ndt::make_fixed_dim(1 + pick(3), scalar()));
        return pick(2) ? ndt::make_fortran(t) : t;
      }
    }
  }

 private:
  int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }

  ndt::Type concrete_or_not(int depth) {
    if (pick(6) == 0) return pick(2) ? ndt::make_typevar("T") : ndt::make_symbolic_dim("N", scalar());
    return any(depth);
  }

  ndt::Type scalar() {
    static const ndt::Type kScalars[] = {
        ndt::bool_, ndt::int8, ndt::int16, ndt::int32, ndt::int64, ndt::uint8, ndt::uint16,
        ndt::uint32, ndt::uint64, ndt::float16, ndt::bfloat16, ndt::float32, ndt::float64,
        ndt::complex64, ndt::complex128, ndt::string, ndt::bytes,
        ndt::make_fixed_string(3, ndt::Encoding::utf16), ndt::make_fixed_bytes(8, 4),
        ndt::make_char(ndt::Encoding::ascii), ndt::make_decimal(9, 2), ndt::make_datetime("UTC"),
        ndt::make_timedelta("ms"), ndt::make_categorical({{int64_t{1}}, {std::string("a")}}),
        ndt::make_pointer(ndt::int32), ndt::make_bytes(4)};
    return kScalars[pick(static_cast<int>(std::size(kScalars)))];
  }

  ndt::Type record(int depth, bool named) {
    std::vector<ndt::FieldSpec> fields;
    const int n = 1 + pick(4);
    for (int i = 0; i < n; ++i) {
      ndt::FieldSpec f{named ? (pick(4) ? "f" + std::to_string(i) : "odd name " + std::to_string(i))
                             : std::string(),
                       any(depth), 0, 0};
      int attr = pick(6);
      if (attr == 0) f.align = 1 << pick(5);
      if (attr == 1) f.pack = 1 << pick(3);
      fields.push_back(std::move(f));
    }
    ndt::RecordOptions options;
    int attr = pick(5);
    if (attr == 0) options.align = 1 << pick(6);
    if (attr == 1) options.pack = 1 << pick(3);
    return named ? ndt::make_record(fields, options) : ndt::make_tuple(fields, options);
  }

  std::mt19937 rng_;
};

}  // namespace

TEST_CASE("laws hold for randomly built types") {
  TypeGenerator gen(20261125);
  int concrete = 0;
  for (int i = 0; i < 3000; ++i) {
    ndt::Type t = gen.any(4);
    const std::string printed = t.str();
    CAPTURE(printed);
    ndt::Type again = ndt::parse(printed);
    REQUIRE(again == t);
    CHECK(again.str() == printed);
    CHECK(again.hash() == t.hash());
    CHECK(ndt::from_json(ndt::to_json(t)) == t);
    if (t.is_concrete()) {
      ++concrete;
      CHECK(t.size() >= 0);
      CHECK(t.align() >= 1);
      CHECK((t.align() & (t.align() - 1)) == 0);
    }
  }
  CHECK(concrete > 1000);
}

TEST_CASE("the deepest type that can be built survives printing and JSON") {
  ndt::Type t = ndt::int8;
  int depth = 1;
  for (;; ++depth) {
    try {
      t = ndt::make_fixed_dim(1, t);
    } catch (const Error&) {
      break;
    }
  }
  CHECK(depth == 256);
  CHECK(ndt::parse(t.str()) == t);
  CHECK(ndt::from_json(ndt::to_json(t)) == t);
  // `&T` and `pointer[T]` nest equally deep, so a printed pointer chain parses back.
  std::string amps(79, '&');
  ndt::Type p = ndt::parse(amps + "int8");
  CHECK(ndt::parse(p.str()) == p);
}
