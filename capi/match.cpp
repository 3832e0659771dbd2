// plb_type_match: pattern matching of types over the C ABI.
#include "boundary.hpp"
#include "ndt/match.hpp"

extern "C" {

plb_status plb_type_match(const plb_type* pattern, const plb_type* candidate, bool* out_match,
                          plb_error* err) {
  using namespace pluribus;
  return capi::guard(err, [&] {
    capi::require(pattern, "pattern");
    capi::require(candidate, "candidate");
    capi::require(out_match, "out_match");
    ndt::Bindings bindings;
    *out_match = ndt::match(capi::borrow(pattern), capi::borrow(candidate), bindings);
  });
}

}  // extern "C"
