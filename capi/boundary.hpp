// The C ABI boundary: the plb_error object and the guard that turns every C++ exception
// into a plb_status (internal to capi/, never installed).
#pragma once

#include <string>

#include "gfunc/call.hpp"
#include "ndt/type.hpp"
#include "pluribus.h"

struct plb_error {
  plb_status code = PLB_OK;
  std::string message;
  std::string description;
  int line = 0;
  int column = 0;
  // Set instead of `message` when storing the message itself ran out of memory.
  const char* static_message = nullptr;
};

namespace pluribus::capi {

// Records a failure in `err` (may be NULL) and returns `code`. Never throws.
plb_status fail(plb_error* err, plb_status code, const char* message) noexcept;
// Records the exception being handled (call only inside a catch block). Never throws.
plb_status fail_current(plb_error* err) noexcept;

// Runs `body` (returning void) with `err` cleared first; every exception becomes a status.
template <class Body>
plb_status guard(plb_error* err, Body&& body) noexcept {
  plb_error_clear(err);
  try {
    body();
    return PLB_OK;
  } catch (...) {
    return fail_current(err);
  }
}

// A NULL argument check that reads as one line at each boundary function.
struct NullArgument {
  const char* name;
};
inline void require(const void* pointer, const char* name) {
  if (!pointer) throw NullArgument{name};
}

// Handles are the interned type nodes themselves: no allocation per handle, and equal
// types give equal handles.
inline ndt::Type borrow(const plb_type* type) {
  require(type, "type");
  const auto* node = reinterpret_cast<const ndt::detail::Node*>(type);
  ndt::detail::retain(node);
  return ndt::Type::adopt(node);
}
inline plb_type* give(ndt::Type type) noexcept {
  const auto* node = type.node();
  ndt::detail::retain(node);
  return reinterpret_cast<plb_type*>(const_cast<ndt::detail::Node*>(node));
}

// Versioned option structs (struct_size first): whether a struct of `struct_size` bytes
// holds the field at `offset`.
constexpr bool holds(std::size_t struct_size, std::size_t offset, std::size_t size) {
  return struct_size >= offset + size;
}
// A struct from a newer library may be larger than ours; its extra bytes must be zero,
// since this library cannot honour fields it does not know. Throws Error(invalid_argument).
void check_struct_size(const void* options, std::size_t struct_size, std::size_t known, const char* what);
// plb_reduce_options (NULL: the defaults) as gfunc's options.
gfunc::ReduceOptions read_reduce_options(const plb_reduce_options* options);

// Copies `text` into a malloc'd NUL-terminated string (freed by plb_string_free).
char* give_string(const std::string& text);

// Reads a (pointer, length) argument where length may be PLB_NUL_TERMINATED.
std::string_view text_argument(const char* text, size_t length, const char* name);

}  // namespace pluribus::capi
