// plb_type_to_json / plb_type_from_json: the JSON form of types over the C ABI.
#include "boundary.hpp"
#include "ndt/json.hpp"

extern "C" {

plb_status plb_type_to_json(const plb_type* type, char** out_json, plb_error* err) {
  using namespace pluribus;
  if (out_json) *out_json = nullptr;
  return capi::guard(err, [&] {
    const ndt::Type t = capi::borrow(type);
    capi::require(out_json, "out_json");
    *out_json = capi::give_string(ndt::to_json(t));
  });
}

plb_status plb_type_from_json(const char* json, size_t length, plb_type** out_type,
                              plb_error* err) {
  using namespace pluribus;
  if (out_type) *out_type = nullptr;
  return capi::guard(err, [&] {
    const auto text = capi::text_argument(json, length, "json");
    capi::require(out_type, "out_type");
    *out_type = capi::give(ndt::from_json(text));
  });
}

}  // extern "C"
