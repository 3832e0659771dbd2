// Zero-copy exchange of nd::Array with DLPack producers and consumers (NumPy, PyTorch, JAX,
// CuPy, ...), through the C structs of container/dlpack.h.
#pragma once

#include "container/array.hpp"
#include "container/dlpack.h"
#include "ndt/api.hpp"

namespace pluribus::nd {

// ----- export ---------------------------------------------------------------------------
// A DLPack tensor sharing `a`'s memory: kDLCPU, the dtype from ndt::to_dlpack_dtype, shape
// and strides in elements, byte_offset 0. The tensor holds a copy of the Array (so the memory
// lives on) until its deleter runs; the consumer must call deleter(tensor) exactly once.
// The versioned struct is DLPack 1.0 with DLPACK_FLAG_BITMASK_READ_ONLY set for a read-only
// array.
// Throws (nothing is allocated then): Error(not_implemented) for a dtype with no DLPack
// element (?T, strings, records, var dims, ...) or a byte stride that is not a multiple of
// the item size (named in the message); Error(invalid_argument) for an empty Array.
PLURIBUS_API DLManagedTensorVersioned* to_dlpack_versioned(const Array& a);
// The pre-1.0 struct, which cannot say "read-only": a read-only array is refused with
// Error(value) (as NumPy does) rather than handed out writable.
PLURIBUS_API DLManagedTensor* to_dlpack(const Array& a);

// ----- import ---------------------------------------------------------------------------
// An array over the tensor's data, without a copy: shape and strides from the tensor
// (strides == NULL: C-contiguous), data + byte_offset, dtype from ndt::from_dlpack_dtype.
// On success the array owns the tensor: its deleter runs exactly once, when the last view of
// the array goes away; the caller must not call it. A read-only flag gives a read-only array.
// Host memory is accepted: kDLCPU and the host-visible kDLCUDAHost, kDLROCMHost,
// kDLCUDAManaged (as NumPy does).
// On error nothing is consumed: the caller still owns the tensor and calls its deleter.
// Errors: Error(invalid_argument) for NULL or a malformed tensor (negative ndim or extent,
// NULL shape), Error(not_implemented) for a major version other than 1, a device memory
// tensor or a dtype without an ndt type (lanes > 1, fp8, ...), Error(overflow) when a byte
// stride or extent overflows.
PLURIBUS_API Array from_dlpack(DLManagedTensorVersioned* tensor);
PLURIBUS_API Array from_dlpack(DLManagedTensor* tensor);

}  // namespace pluribus::nd
