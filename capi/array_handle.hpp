// The plb_array handle (an nd::Array with an atomic reference count) and the helpers the
// capi/array*.cpp files share to read and return handles (internal to capi/).
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "boundary.hpp"
#include "container/array.hpp"

// The array is set once, before the handle is given out, and never changes after that, so
// borrowed pointers into it (shape, strides, the dtype node) stay valid for the handle's life.
struct plb_array {
  explicit plb_array(pluribus::nd::Array a) noexcept : array(std::move(a)) {}
  pluribus::nd::Array array;
  std::atomic<int64_t> references{1};
};

namespace pluribus::capi {

// The array behind a handle argument; NULL throws NullArgument naming `name`.
inline const nd::Array& array_of(const plb_array* handle, const char* name = "array") {
  require(handle, name);
  return handle->array;
}

// A new handle (reference count 1) for `array`. Throws std::bad_alloc; `array` is then
// released as usual with the caller's copy.
inline plb_array* give_array(nd::Array array) {
  return std::make_unique<plb_array>(std::move(array)).release();
}

// An empty handle to fill with a move (which cannot fail): for imports that take ownership
// of the caller's memory on success only, the handle must exist before the import runs.
inline std::unique_ptr<plb_array> new_handle() { return std::make_unique<plb_array>(nd::Array()); }

// Sets *out (when out is not NULL) to NULL: every pointer result starts out NULL so that
// a failure leaves NULL behind.
template <class T>
void clear_out(T** out) noexcept {
  if (out) *out = nullptr;
}

}  // namespace pluribus::capi
