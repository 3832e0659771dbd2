// Zero-copy exchange of plb_array handles over the C ABI: DLPack tensors (both struct
// versions) and the Arrow C Data Interface.
#include "array_handle.hpp"
#include "boundary.hpp"
#include "container/arrow.hpp"
#include "container/dlpack.hpp"

namespace {

using pluribus::capi::array_of;
using pluribus::capi::clear_out;
using pluribus::capi::guard;
using pluribus::capi::require;
namespace nd = pluribus::nd;

// Imports `tensor` into a new handle. The container consumes the tensor only on success,
// and the handle is allocated before, so that nothing can fail once the tensor is taken.
template <class Tensor>
plb_status import_dlpack(Tensor* tensor, plb_array** out_array, plb_error* err) {
  clear_out(out_array);
  return guard(err, [&] {
    require(tensor, "tensor");
    require(out_array, "out_array");
    auto handle = pluribus::capi::new_handle();
    handle->array = nd::from_dlpack(tensor);
    *out_array = handle.release();
  });
}

}  // namespace

extern "C" {

plb_status plb_array_to_dlpack_versioned(const plb_array* array,
                                         struct DLManagedTensorVersioned** out_tensor,
                                         plb_error* err) {
  clear_out(out_tensor);
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(out_tensor, "out_tensor");
    *out_tensor = nd::to_dlpack_versioned(a);
  });
}

plb_status plb_array_to_dlpack(const plb_array* array, struct DLManagedTensor** out_tensor,
                               plb_error* err) {
  clear_out(out_tensor);
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(out_tensor, "out_tensor");
    *out_tensor = nd::to_dlpack(a);
  });
}

plb_status plb_array_from_dlpack_versioned(struct DLManagedTensorVersioned* tensor,
                                           plb_array** out_array, plb_error* err) {
  return import_dlpack(tensor, out_array, err);
}

plb_status plb_array_from_dlpack(struct DLManagedTensor* tensor, plb_array** out_array,
                                 plb_error* err) {
  return import_dlpack(tensor, out_array, err);
}

void plb_dlpack_delete(struct DLManagedTensor* tensor) {
  if (tensor != nullptr && tensor->deleter != nullptr) tensor->deleter(tensor);
}

void plb_dlpack_versioned_delete(struct DLManagedTensorVersioned* tensor) {
  if (tensor != nullptr && tensor->deleter != nullptr) tensor->deleter(tensor);
}

static_assert(PLB_DLPACK_CPU == kDLCPU);

plb_status plb_array_to_arrow(const plb_array* array, struct ArrowSchema* out_schema,
                              struct ArrowArray* out_array, plb_error* err) {
  return guard(err, [&] {
    const nd::Array& a = array_of(array);
    require(out_schema, "out_schema");
    require(out_array, "out_array");
    nd::to_arrow(a, out_schema, out_array);
  });
}

plb_status plb_array_from_arrow(struct ArrowSchema* schema, struct ArrowArray* array,
                                plb_array** out_array, plb_error* err) {
  clear_out(out_array);
  return guard(err, [&] {
    require(schema, "schema");
    require(array, "array");
    require(out_array, "out_array");
    auto handle = pluribus::capi::new_handle();  // before the structs are moved
    handle->array = nd::from_arrow(schema, array);
    *out_array = handle.release();
  });
}

}  // extern "C"
