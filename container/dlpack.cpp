// DLPack export (a tensor that keeps a copy of the Array) and import (an Array whose memory
// release calls the tensor's deleter), both without copying the data.
#include "container/dlpack.hpp"

#include <fmt/format.h>

#include <functional>
#include <memory>
#include <vector>

#include "ndt/error.hpp"
#include "ndt/interop.hpp"

namespace pluribus::nd {

namespace {

// ----- export ---------------------------------------------------------------------------

// What a DLTensor says about an array: its element and arrmeta in elements.
struct TensorLayout {
  ::DLDataType dtype{};
  std::vector<int64_t> shape;
  std::vector<int64_t> strides;  // in elements
};

TensorLayout describe(const Array& a, const char* who) {
  if (!a) throw Error(ErrorCode::invalid_argument, fmt::format("{}: empty array", who));
  ndt::DLDataType d{};
  try {
    d = ndt::to_dlpack_dtype(a.dtype());
  } catch (const Error& e) {
    throw Error(e.code(), fmt::format("{}: {}", who, e.what()));
  }
  TensorLayout out;
  out.dtype = ::DLDataType{d.code, d.bits, d.lanes};
  const int64_t item = a.dtype().size();
  const auto shape = a.shape();
  const auto strides = a.strides();
  for (std::size_t k = 0; k < shape.size(); ++k) {
    if (strides[k] % item != 0)
      throw Error(ErrorCode::not_implemented,
                  fmt::format("{}: dim {} has a byte stride of {}, which is not a multiple of the "
                              "item size {} (DLPack strides count elements)",
                              who, k, strides[k], item));
    out.shape.push_back(shape[k]);
    out.strides.push_back(strides[k] / item);
  }
  return out;
}

// The manager_ctx of an exported tensor: the struct handed out comes first, then what keeps
// its pointers valid.
template <class Managed>
struct Exported {
  Managed managed{};
  Array array;
  TensorLayout layout;
};

template <class Managed>
void delete_exported(Managed* self) {
  std::unique_ptr<Exported<Managed>> owner(static_cast<Exported<Managed>*>(self->manager_ctx));
}

template <class Managed>
Managed* export_tensor(const Array& a, const char* who) {
  auto owner = std::make_unique<Exported<Managed>>();
  owner->layout = describe(a, who);
  owner->array = a;
  DLTensor& t = owner->managed.dl_tensor;
  t.data = a.data();
  t.device = DLDevice{kDLCPU, 0};
  t.ndim = a.ndim();
  t.dtype = owner->layout.dtype;
  t.shape = owner->layout.shape.data();
  t.strides = owner->layout.strides.data();
  t.byte_offset = 0;
  owner->managed.manager_ctx = owner.get();
  owner->managed.deleter = &delete_exported<Managed>;
  return &owner.release()->managed;
}

// ----- import ---------------------------------------------------------------------------

bool host_visible(DLDeviceType device) {
  return device == kDLCPU || device == kDLCUDAHost || device == kDLROCMHost ||
         device == kDLCUDAManaged;
}

int64_t checked_product(int64_t a, int64_t b, const char* who) {
  int64_t out = 0;
  if (__builtin_mul_overflow(a, b, &out))
    throw Error(ErrorCode::overflow, fmt::format("{}: a byte stride overflows int64", who));
  return out;
}

// Validates `t` and wraps its data. `consume` (the deleter call) runs exactly once when the
// last view goes, and never when this function throws.
Array import_tensor(const DLTensor& t, bool readonly, std::function<void()> consume,
                    const char* who) {
  if (!host_visible(t.device.device_type))
    throw Error(ErrorCode::not_implemented,
                fmt::format("{}: the tensor is on device type {} (id {}); only host memory "
                            "(kDLCPU, kDLCUDAHost, kDLROCMHost, kDLCUDAManaged) can be wrapped",
                            who, static_cast<int>(t.device.device_type), t.device.device_id));
  if (t.ndim < 0)
    throw Error(ErrorCode::invalid_argument, fmt::format("{}: negative ndim {}", who, t.ndim));
  if (t.ndim > 0 && t.shape == nullptr)
    throw Error(ErrorCode::invalid_argument,
                fmt::format("{}: NULL shape with ndim {}", who, t.ndim));
  ndt::Type dtype;
  try {
    dtype = ndt::from_dlpack_dtype(ndt::DLDataType{t.dtype.code, t.dtype.bits, t.dtype.lanes});
  } catch (const Error& e) {
    throw Error(e.code(), fmt::format("{}: {}", who, e.what()));
  }
  const int64_t item = dtype.size();
  const auto ndim = static_cast<std::size_t>(t.ndim);
  std::vector<int64_t> shape(t.shape, t.shape + ndim);
  std::vector<int64_t> strides(ndim);
  for (std::size_t k = 0; k < ndim; ++k)
    if (shape[k] < 0)
      throw Error(ErrorCode::invalid_argument,
                  fmt::format("{}: dim {} has a negative extent {}", who, k, shape[k]));
  if (t.strides == nullptr) {
    int64_t step = item;  // C order
    for (std::size_t k = ndim; k-- > 0;) {
      strides[k] = step;
      step = checked_product(step, shape[k] > 0 ? shape[k] : 1, who);
    }
  } else {
    for (std::size_t k = 0; k < ndim; ++k) strides[k] = checked_product(t.strides[k], item, who);
  }
  if (t.byte_offset > static_cast<uint64_t>(INT64_MAX))
    throw Error(ErrorCode::overflow,
                fmt::format("{}: byte_offset {} is too large", who, t.byte_offset));
  char* data = static_cast<char*>(t.data);
  if (data != nullptr) data += t.byte_offset;
  // Memory's release runs even when from_pointer fails after making it; only a finished
  // import may consume the tensor.
  auto armed = std::make_shared<bool>(false);
  Array out = Array::from_pointer(
      data, dtype, shape, strides,
      [armed, consume = std::move(consume)] {
        if (*armed) consume();
      },
      readonly);
  *armed = true;
  return out;
}

}  // namespace

DLManagedTensorVersioned* to_dlpack_versioned(const Array& a) {
  auto* t = export_tensor<DLManagedTensorVersioned>(a, "to_dlpack_versioned");
  t->version = DLPackVersion{1, 0};
  t->flags = a.readonly() ? DLPACK_FLAG_BITMASK_READ_ONLY : 0;
  return t;
}

DLManagedTensor* to_dlpack(const Array& a) {
  if (a && a.readonly())
    throw Error(ErrorCode::value,
                "to_dlpack: the array is read-only and DLManagedTensor cannot say so; use "
                "to_dlpack_versioned (read-only flag) or export a copy()");
  return export_tensor<DLManagedTensor>(a, "to_dlpack");
}

Array from_dlpack(DLManagedTensorVersioned* tensor) {
  constexpr const char* who = "from_dlpack";
  if (tensor == nullptr) throw Error(ErrorCode::invalid_argument, "from_dlpack: NULL tensor");
  // Only version, manager_ctx and deleter are readable under another major version.
  if (tensor->version.major != DLPACK_MAJOR_VERSION)
    throw Error(ErrorCode::not_implemented,
                fmt::format("{}: DLPack version {}.{}; only major version {} is understood", who,
                            tensor->version.major, tensor->version.minor, DLPACK_MAJOR_VERSION));
  const bool readonly = (tensor->flags & DLPACK_FLAG_BITMASK_READ_ONLY) != 0;
  return import_tensor(
      tensor->dl_tensor, readonly,
      [tensor] {
        if (tensor->deleter) tensor->deleter(tensor);
      },
      who);
}

Array from_dlpack(DLManagedTensor* tensor) {
  if (tensor == nullptr) throw Error(ErrorCode::invalid_argument, "from_dlpack: NULL tensor");
  return import_tensor(
      tensor->dl_tensor, false,
      [tensor] {
        if (tensor->deleter) tensor->deleter(tensor);
      },
      "from_dlpack");
}

}  // namespace pluribus::nd
