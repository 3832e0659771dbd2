// PEP 3118, Arrow, NumPy and DLPack conversions of types over the C ABI.
#include "boundary.hpp"
#include "ndt/interop.hpp"

namespace {

using namespace pluribus;

static_assert(sizeof(plb_dlpack_dtype) == sizeof(ndt::DLDataType));
static_assert(offsetof(plb_dlpack_dtype, lanes) == offsetof(ndt::DLDataType, lanes));

// A type -> string conversion: borrows the type, returns a plb_string_free string.
template <class Convert>
plb_status type_to_text(const plb_type* type, char** out_text, plb_error* err, Convert convert) {
  if (out_text) *out_text = nullptr;
  return capi::guard(err, [&] {
    const ndt::Type t = capi::borrow(type);
    capi::require(out_text, "out_format");
    *out_text = capi::give_string(convert(t));
  });
}

// A string -> type conversion: returns a new reference.
template <class Convert>
plb_status text_to_type(const char* text, size_t length, plb_type** out_type, plb_error* err,
                        Convert convert) {
  if (out_type) *out_type = nullptr;
  return capi::guard(err, [&] {
    const auto view = capi::text_argument(text, length, "format");
    capi::require(out_type, "out_type");
    *out_type = capi::give(convert(view));
  });
}

}  // namespace

extern "C" {

plb_status plb_type_to_pep3118(const plb_type* type, char** out_format, plb_error* err) {
  return type_to_text(type, out_format, err, [](const ndt::Type& t) { return ndt::to_pep3118(t); });
}

plb_status plb_type_from_pep3118(const char* format, size_t length, plb_type** out_type,
                                 plb_error* err) {
  return text_to_type(format, length, out_type, err,
                      [](std::string_view s) { return ndt::from_pep3118(s); });
}

plb_status plb_type_to_arrow(const plb_type* type, char** out_format, plb_error* err) {
  return type_to_text(type, out_format, err,
                      [](const ndt::Type& t) { return ndt::to_arrow_format(t); });
}

plb_status plb_type_from_arrow(const char* format, size_t length, plb_type** out_type,
                               plb_error* err) {
  return text_to_type(format, length, out_type, err, [](std::string_view s) {
    ndt::ArrowFormat schema;
    schema.format = std::string(s);
    return ndt::from_arrow_schema(schema);
  });
}

plb_status plb_type_to_numpy(const plb_type* type, char** out_dtype, plb_error* err) {
  return type_to_text(type, out_dtype, err,
                      [](const ndt::Type& t) { return ndt::to_numpy_dtype_str(t); });
}

plb_status plb_type_from_numpy(const char* dtype, size_t length, plb_type** out_type,
                               plb_error* err) {
  return text_to_type(dtype, length, out_type, err,
                      [](std::string_view s) { return ndt::from_numpy_dtype_str(s); });
}

plb_status plb_type_to_numpy_descr(const plb_type* type, char** out_descr, plb_error* err) {
  return type_to_text(type, out_descr, err,
                      [](const ndt::Type& t) { return ndt::to_numpy_descr(t); });
}

plb_status plb_type_to_dlpack(const plb_type* type, plb_dlpack_dtype* out_dtype, plb_error* err) {
  return capi::guard(err, [&] {
    const ndt::Type t = capi::borrow(type);
    capi::require(out_dtype, "out_dtype");
    const ndt::DLDataType dtype = ndt::to_dlpack_dtype(t);
    *out_dtype = plb_dlpack_dtype{dtype.code, dtype.bits, dtype.lanes};
  });
}

plb_status plb_type_from_dlpack(plb_dlpack_dtype dtype, plb_type** out_type, plb_error* err) {
  if (out_type) *out_type = nullptr;
  return capi::guard(err, [&] {
    capi::require(out_type, "out_type");
    *out_type = capi::give(ndt::from_dlpack_dtype(ndt::DLDataType{dtype.code, dtype.bits,
                                                                  dtype.lanes}));
  });
}

}  // extern "C"
