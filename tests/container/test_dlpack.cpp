// DLPack exchange: both structs both ways, checked against tensors and buffers written out by
// hand (shapes, element strides, pointers), with deleter and release calls counted.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

#include "container/array.hpp"
#include "container/dlpack.hpp"

using namespace pluribus;
using nd::Array;

namespace {

std::vector<int64_t> vec(const int64_t* p, int n) { return {p, p + n}; }
std::vector<int64_t> vec(std::span<const int64_t> s) { return {s.begin(), s.end()}; }

// A hand-made producer: a tensor over caller buffers whose deleter counts its calls.
template <class Managed>
struct Producer {
  Managed tensor{};
  int deleted = 0;
  static void deleter(Managed* self) {
    // manager_ctx points back at the producer; the struct itself is not heap-allocated here.
    ++static_cast<Producer*>(self->manager_ctx)->deleted;
  }
  Producer(void* data, DLDataType dtype, int32_t ndim, int64_t* shape, int64_t* strides,
           uint64_t byte_offset = 0) {
    if constexpr (std::is_same_v<Managed, DLManagedTensorVersioned>) tensor.version = {1, 0};
    tensor.dl_tensor.data = data;
    tensor.dl_tensor.device = DLDevice{kDLCPU, 0};
    tensor.dl_tensor.ndim = ndim;
    tensor.dl_tensor.dtype = dtype;
    tensor.dl_tensor.shape = shape;
    tensor.dl_tensor.strides = strides;
    tensor.dl_tensor.byte_offset = byte_offset;
    tensor.manager_ctx = this;
    tensor.deleter = &Producer::deleter;
  }
  Producer(const Producer&) = delete;  // manager_ctx points here
  Producer& operator=(const Producer&) = delete;
};
using VersionedProducer = Producer<DLManagedTensorVersioned>;
using LegacyProducer = Producer<DLManagedTensor>;

constexpr DLDataType kFloat64{kDLFloat, 64, 1};
constexpr DLDataType kInt32{kDLInt, 32, 1};

}  // namespace

TEST_CASE("dlpack: the C structs have the ABI layout of dlpack.h 1.0") {
  // Offsets on x86-64 as the C compiler lays out dlpack.h's declarations (written out).
  CHECK(sizeof(DLDevice) == 8);
  CHECK(sizeof(DLDataType) == 4);
  CHECK(offsetof(DLTensor, device) == 8);
  CHECK(offsetof(DLTensor, ndim) == 16);
  CHECK(offsetof(DLTensor, dtype) == 20);
  CHECK(offsetof(DLTensor, shape) == 24);
  CHECK(offsetof(DLTensor, strides) == 32);
  CHECK(offsetof(DLTensor, byte_offset) == 40);
  CHECK(sizeof(DLTensor) == 48);
  CHECK(offsetof(DLManagedTensor, manager_ctx) == 48);
  CHECK(offsetof(DLManagedTensor, deleter) == 56);
  CHECK(offsetof(DLManagedTensorVersioned, manager_ctx) == 8);
  CHECK(offsetof(DLManagedTensorVersioned, deleter) == 16);
  CHECK(offsetof(DLManagedTensorVersioned, flags) == 24);
  CHECK(offsetof(DLManagedTensorVersioned, dl_tensor) == 32);
  CHECK(DLPACK_FLAG_BITMASK_READ_ONLY == 1);
  CHECK(DLPACK_FLAG_BITMASK_IS_COPIED == 2);
}

TEST_CASE("dlpack: export shares the memory and the deleter releases it once") {
  static double data[6] = {0, 1, 2, 3, 4, 5};
  int released = 0;
  const int64_t shape[] = {2, 3};
  const int64_t strides[] = {24, 8};
  Array a = Array::from_pointer(data, ndt::float64, shape, strides, [&] { ++released; });
  DLManagedTensorVersioned* t = nd::to_dlpack_versioned(a);
  CHECK(t->version.major == 1);
  CHECK(t->version.minor == 0);
  CHECK(t->flags == 0);
  CHECK(t->dl_tensor.data == data);
  CHECK(t->dl_tensor.byte_offset == 0);
  CHECK(t->dl_tensor.device.device_type == kDLCPU);
  CHECK(t->dl_tensor.device.device_id == 0);
  CHECK(t->dl_tensor.ndim == 2);
  CHECK(t->dl_tensor.dtype.code == kDLFloat);
  CHECK(t->dl_tensor.dtype.bits == 64);
  CHECK(t->dl_tensor.dtype.lanes == 1);
  CHECK(vec(t->dl_tensor.shape, 2) == std::vector<int64_t>{2, 3});
  CHECK(vec(t->dl_tensor.strides, 2) == std::vector<int64_t>{3, 1});
  a = Array();  // the tensor keeps the memory alive
  CHECK(released == 0);
  t->deleter(t);
  CHECK(released == 1);
}

TEST_CASE("dlpack: export of strided, reversed and broadcast arrays gives element strides") {
  static int32_t data[12] = {};
  {
    // Fortran order: 3 x 4, column-major.
    const int64_t shape[] = {3, 4};
    const int64_t strides[] = {4, 12};
    DLManagedTensor* t = nd::to_dlpack(Array::from_pointer(data, ndt::int32, shape, strides));
    CHECK(vec(t->dl_tensor.strides, 2) == std::vector<int64_t>{1, 3});
    CHECK(t->dl_tensor.dtype.code == kDLInt);
    CHECK(t->dl_tensor.dtype.bits == 32);
    t->deleter(t);
  }
  {
    // Reversed: starts at the last element, stride -1; and a broadcast dim of stride 0.
    const int64_t shape[] = {5, 12};
    const int64_t strides[] = {0, -4};
    DLManagedTensorVersioned* t =
        nd::to_dlpack_versioned(Array::from_pointer(data + 11, ndt::int32, shape, strides));
    CHECK(t->dl_tensor.data == data + 11);
    CHECK(vec(t->dl_tensor.strides, 2) == std::vector<int64_t>{0, -1});
    t->deleter(t);
  }
}

TEST_CASE("dlpack: a read-only array is flagged, and refused by the legacy struct") {
  static uint8_t data[4] = {1, 0, 1, 1};
  int released = 0;
  const int64_t shape[] = {4};
  const int64_t strides[] = {1};
  Array a = Array::from_pointer(
      data, ndt::bool_, shape, strides, [&] { ++released; }, true);
  DLManagedTensorVersioned* t = nd::to_dlpack_versioned(a);
  CHECK(t->flags == DLPACK_FLAG_BITMASK_READ_ONLY);
  CHECK(t->dl_tensor.dtype.code == kDLBool);
  CHECK(t->dl_tensor.dtype.bits == 8);
  t->deleter(t);
  CHECK_THROWS_AS(nd::to_dlpack(a), Error);
  a = Array();
  CHECK(released == 1);
}

TEST_CASE("dlpack: export errors name the reason") {
  static char data[64] = {};
  auto code_of = [](auto&& f) {
    try {
      f();
    } catch (const Error& e) {
      return e.code();
    }
    return ErrorCode::ok;
  };
  const int64_t shape[] = {2};
  {
    // int32 elements 6 bytes apart: no element stride says that.
    const int64_t strides[] = {6};
    Array a = Array::from_pointer(data, ndt::int32, shape, strides);
    try {
      nd::to_dlpack_versioned(a);
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::not_implemented);
      CHECK(std::string(e.what()).find("stride of 6") != std::string::npos);
    }
  }
  for (const char* dtype : {"?int32", "string", "{a: int32, b: int8}", "var * int32", "date"}) {
    CAPTURE(dtype);
    const ndt::Type t = ndt::parse(dtype);
    const int64_t strides[] = {t.size()};
    Array a = Array::from_pointer(data, t, shape, strides);
    CHECK(code_of([&] { nd::to_dlpack_versioned(a); }) == ErrorCode::not_implemented);
    CHECK(code_of([&] { nd::to_dlpack(a); }) == ErrorCode::not_implemented);
  }
  CHECK(code_of([] { nd::to_dlpack(Array()); }) == ErrorCode::invalid_argument);
}

TEST_CASE("dlpack: import borrows the data; the deleter runs once when the last view goes") {
  static double data[6] = {0, 1, 2, 3, 4, 5};
  int64_t shape[] = {2, 3};
  int64_t strides[] = {3, 1};
  VersionedProducer p(data, kFloat64, 2, shape, strides);
  Array view;
  {
    Array a = nd::from_dlpack(&p.tensor);
    CHECK(a.data() == reinterpret_cast<char*>(data));
    CHECK(a.dtype() == ndt::float64);
    CHECK(vec(a.shape()) == std::vector<int64_t>{2, 3});
    CHECK(vec(a.strides()) == std::vector<int64_t>{24, 8});
    CHECK_FALSE(a.readonly());
    view = a[1];
    CHECK(view.data() == reinterpret_cast<char*>(data + 3));
  }
  CHECK(p.deleted == 0);  // the view still uses the data
  CHECK(*reinterpret_cast<const double*>(view.data()) == 3.0);
  view = Array();
  CHECK(p.deleted == 1);
}

TEST_CASE("dlpack: import of NULL strides, byte_offset and the read-only flag") {
  static int32_t data[8] = {0, 1, 2, 3, 4, 5, 6, 7};
  int64_t shape[] = {2, 3};
  {
    VersionedProducer p(data, kInt32, 2, shape, nullptr, 8);  // C order, from element 2
    {
      Array a = nd::from_dlpack(&p.tensor);
      CHECK(vec(a.strides()) == std::vector<int64_t>{12, 4});
      CHECK(a.data() == reinterpret_cast<char*>(data + 2));
    }
    CHECK(p.deleted == 1);
  }
  {
    VersionedProducer p(data, kInt32, 2, shape, nullptr);
    p.tensor.flags = DLPACK_FLAG_BITMASK_READ_ONLY;
    Array a = nd::from_dlpack(&p.tensor);
    CHECK(a.readonly());
  }
  {
    // A 0-dim tensor: shape and strides may be NULL.
    VersionedProducer p(data + 7, kInt32, 0, nullptr, nullptr);
    Array a = nd::from_dlpack(&p.tensor);
    CHECK(a.ndim() == 0);
    CHECK(a.data() == reinterpret_cast<char*>(data + 7));
  }
}

TEST_CASE("dlpack: the legacy struct imports writable, with its deleter called once") {
  static int64_t data[4] = {10, 20, 30, 40};
  int64_t shape[] = {2};
  int64_t strides[] = {-2};  // 30, 10
  LegacyProducer p(data + 2, DLDataType{kDLInt, 64, 1}, 1, shape, strides);
  {
    Array a = nd::from_dlpack(&p.tensor);
    CHECK_FALSE(a.readonly());
    CHECK(vec(a.strides()) == std::vector<int64_t>{-16});
    CHECK(*reinterpret_cast<const int64_t*>(a.data() + a.strides()[0]) == 10);
    Array b = a;
    a = Array();
    CHECK(p.deleted == 0);
  }
  CHECK(p.deleted == 1);
}

TEST_CASE("dlpack: import errors leave the tensor to the caller") {
  static float data[4] = {};
  int64_t shape[] = {4};
  auto expect_refused = [](auto& producer, ErrorCode code) {
    try {
      nd::from_dlpack(&producer.tensor);
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.code() == code);
    }
    CHECK(producer.deleted == 0);  // not consumed: the caller calls the deleter
    producer.tensor.deleter(&producer.tensor);
    CHECK(producer.deleted == 1);
  };
  const DLDataType kFloat32{kDLFloat, 32, 1};
  {
    VersionedProducer p(data, kFloat32, 1, shape, nullptr);
    p.tensor.dl_tensor.device = DLDevice{kDLCUDA, 0};
    expect_refused(p, ErrorCode::not_implemented);
  }
  {
    VersionedProducer p(data, kFloat32, 1, shape, nullptr);
    p.tensor.version = DLPackVersion{2, 0};
    expect_refused(p, ErrorCode::not_implemented);
  }
  {
    VersionedProducer p(data, DLDataType{kDLFloat, 8, 1}, 1, shape, nullptr);
    expect_refused(p, ErrorCode::not_implemented);
  }
  {
    VersionedProducer p(data, DLDataType{kDLFloat, 32, 4}, 1, shape, nullptr);  // lanes
    expect_refused(p, ErrorCode::not_implemented);
  }
  {
    VersionedProducer p(data, kFloat32, -1, shape, nullptr);
    expect_refused(p, ErrorCode::invalid_argument);
  }
  {
    VersionedProducer p(data, kFloat32, 1, nullptr, nullptr);
    expect_refused(p, ErrorCode::invalid_argument);
  }
  {
    int64_t huge[] = {INT64_MAX / 2};
    VersionedProducer p(data, kFloat32, 1, shape, huge);
    expect_refused(p, ErrorCode::overflow);
  }
  {
    LegacyProducer p(data, kFloat32, 1, shape, nullptr);
    p.tensor.dl_tensor.device = DLDevice{kDLROCM, 1};
    expect_refused(p, ErrorCode::not_implemented);
  }
  CHECK_THROWS_AS(nd::from_dlpack(static_cast<DLManagedTensorVersioned*>(nullptr)), Error);
}

TEST_CASE("dlpack: round trips keep one buffer and release it once") {
  static int16_t data[6] = {1, 2, 3, 4, 5, 6};
  int released = 0;
  const int64_t shape[] = {3, 2};
  const int64_t strides[] = {2, 6};  // the transpose of a C-ordered 2 x 3
  Array a = Array::from_pointer(data, ndt::int16, shape, strides, [&] { ++released; });
  Array b = nd::from_dlpack(nd::to_dlpack_versioned(a));
  CHECK(b.data() == a.data());
  CHECK(vec(b.shape()) == std::vector<int64_t>{3, 2});
  CHECK(vec(b.strides()) == std::vector<int64_t>{2, 6});
  CHECK(b.dtype() == ndt::int16);
  Array c = nd::from_dlpack(nd::to_dlpack(b));
  CHECK(c.data() == a.data());
  a = Array();
  b = Array();
  CHECK(released == 0);
  c = Array();
  CHECK(released == 1);
}
