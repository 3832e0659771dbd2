// Printing arrays over the C ABI: NumPy's repr (with the datashape) and str.
#include <string>

#include "array_handle.hpp"
#include "boundary.hpp"
#include "container/print.hpp"

namespace {

using pluribus::capi::array_of;
using pluribus::capi::clear_out;
using pluribus::capi::guard;
using pluribus::capi::require;
namespace nd = pluribus::nd;

// An array -> text conversion into a plb_string_free string.
template <class Convert>
plb_status array_to_text(const plb_array* array, char** out_text, plb_error* err, Convert convert) {
  clear_out(out_text);
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(out_text, "out_text");
    *out_text = pluribus::capi::give_string(convert(a));
  });
}

}  // namespace

extern "C" {

plb_status plb_array_repr(const plb_array* array, char** out_text, plb_error* err) {
  return array_to_text(array, out_text, err, [](const nd::Array& a) { return nd::repr(a); });
}

plb_status plb_array_to_string(const plb_array* array, char** out_text, plb_error* err) {
  return array_to_text(array, out_text, err, [](const nd::Array& a) { return nd::to_string(a); });
}

}  // extern "C"
