// The data fabric over the C ABI: files and POSIX shared memory mapped as plb_array handles.
#include <string>

#include "array_handle.hpp"
#include "boundary.hpp"
#include "container/mapped.hpp"

namespace {

using pluribus::capi::borrow;
using pluribus::capi::clear_out;
using pluribus::capi::give_array;
using pluribus::capi::guard;
using pluribus::capi::require;
namespace nd = pluribus::nd;

}  // namespace

extern "C" {

plb_status plb_array_open_file(const char* path, const plb_type* type, bool writable,
                               int64_t offset, plb_array** out_array, plb_error* err) {
  clear_out(out_array);
  return guard(err, [&] {
    require(path, "path");
    const pluribus::ndt::Type t = borrow(type);
    require(out_array, "out_array");
    *out_array = give_array(nd::open_file(path, t, nd::MapOptions{writable, offset}));
  });
}

plb_status plb_array_create_shared(const char* name, const plb_type* type, plb_array** out_array,
                                   plb_error* err) {
  clear_out(out_array);
  return guard(err, [&] {
    require(name, "name");
    const pluribus::ndt::Type t = borrow(type);
    require(out_array, "out_array");
    // The handle exists before the object is created, so that a failure after creating it
    // cannot leave a shared memory object behind without an array.
    auto handle = pluribus::capi::new_handle();
    handle->array = nd::create_shared(name, t);
    *out_array = handle.release();
  });
}

plb_status plb_array_open_shared(const char* name, const plb_type* type, bool writable,
                                 plb_array** out_array, plb_error* err) {
  clear_out(out_array);
  return guard(err, [&] {
    require(name, "name");
    const pluribus::ndt::Type t = borrow(type);
    require(out_array, "out_array");
    *out_array = give_array(nd::open_shared(name, t, nd::MapOptions{writable, 0}));
  });
}

plb_status plb_shared_unlink(const char* name, plb_error* err) {
  return guard(err, [&] {
    require(name, "name");
    nd::unlink_shared(name);
  });
}

}  // extern "C"
