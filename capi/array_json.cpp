// Arrays as JSON text over the C ABI: reading with a given or discovered datashape (errors
// name the JSON path, or the line and column of malformed text), type discovery and writing.
#include <string>
#include <string_view>

#include "array_handle.hpp"
#include "boundary.hpp"
#include "container/json.hpp"

namespace {

using pluribus::capi::array_of;
using pluribus::capi::clear_out;
using pluribus::capi::guard;
using pluribus::capi::require;
namespace nd = pluribus::nd;

}  // namespace

extern "C" {

plb_status plb_array_from_json(const char* json, size_t length, const plb_type* type,
                               plb_array** out_array, plb_error* err) {
  clear_out(out_array);
  return guard(err, [&] {
    const std::string_view text = pluribus::capi::text_argument(json, length, "json");
    require(out_array, "out_array");
    nd::Array a = type ? nd::from_json(text, pluribus::capi::borrow(type)) : nd::from_json(text);
    *out_array = pluribus::capi::give_array(std::move(a));
  });
}

plb_status plb_json_discover(const char* json, size_t length, plb_type** out_type, plb_error* err) {
  clear_out(out_type);
  return guard(err, [&] {
    const std::string_view text = pluribus::capi::text_argument(json, length, "json");
    require(out_type, "out_type");
    *out_type = pluribus::capi::give(nd::discover_json(text));
  });
}

plb_status plb_array_to_json(const plb_array* array, char** out_json, plb_error* err) {
  clear_out(out_json);
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(out_json, "out_json");
    *out_json = pluribus::capi::give_string(nd::to_json(a));
  });
}

}  // extern "C"
