/* The DLPack 1.0 C ABI (DLTensor, DLManagedTensor, DLManagedTensorVersioned), declared here
 * from the public specification so no dlpack package is needed.
 *
 * The guard is DLPack's own (DLPACK_DLPACK_H_): whichever of this file and a user's dlpack.h
 * comes first declares the structs, the other is skipped, and both describe the same ABI.
 * Plain C, only <stdint.h> and <stddef.h>. */
#ifndef DLPACK_DLPACK_H_
#define DLPACK_DLPACK_H_

#ifdef __cplusplus
#define DLPACK_EXTERN_C extern "C"
#else
#define DLPACK_EXTERN_C
#endif

/* The DLPack version these declarations follow. */
#define DLPACK_MAJOR_VERSION 1
#define DLPACK_MINOR_VERSION 0

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* A major version change means a new layout of DLManagedTensorVersioned (only `version`,
 * `manager_ctx` and `deleter` stay where they are); a minor one only adds enum values. */
typedef struct {
  uint32_t major;
  uint32_t minor;
} DLPackVersion;

/* Where the data lives. Only kDLCPU (and the host-visible kinds) is plain host memory. */
#ifdef __cplusplus
typedef enum : int32_t {
#else
typedef enum {
#endif
  kDLCPU = 1,
  kDLCUDA = 2,
  kDLCUDAHost = 3, /* pinned host memory (cudaMallocHost) */
  kDLOpenCL = 4,
  kDLVulkan = 7,
  kDLMetal = 8,
  kDLVPI = 9,
  kDLROCM = 10,
  kDLROCMHost = 11, /* pinned host memory (hipMallocHost) */
  kDLExtDev = 12,
  kDLCUDAManaged = 13, /* unified memory (cudaMallocManaged) */
  kDLOneAPI = 14,
  kDLWebGPU = 15,
  kDLHexagon = 16,
  kDLMAIA = 17,
} DLDeviceType;

typedef struct {
  DLDeviceType device_type;
  int32_t device_id; /* 0 for host memory */
} DLDevice;

/* The element kind in DLDataType.code. */
typedef enum {
  kDLInt = 0U,
  kDLUInt = 1U,
  kDLFloat = 2U,
  kDLOpaqueHandle = 3U,
  kDLBfloat = 4U,
  kDLComplex = 5U, /* two floats of bits/2 each, real part first */
  kDLBool = 6U,    /* one byte per element */
} DLDataTypeCode;

/* One element: code (a DLDataTypeCode), bits per lane, lanes (1 for scalars). Native byte
 * order. */
typedef struct {
  uint8_t code;
  uint8_t bits;
  uint16_t lanes;
} DLDataType;

/* A strided view of memory; it owns nothing. Element (i0, i1, ...) is at
 * (char*)data + byte_offset + (i0 * strides[0] + i1 * strides[1] + ...) * itemsize.
 * strides count elements, not bytes; strides == NULL means C-contiguous. */
typedef struct {
  void* data;
  DLDevice device;
  int32_t ndim;
  DLDataType dtype;
  int64_t* shape;
  int64_t* strides;
  uint64_t byte_offset;
} DLTensor;

/* The pre-1.0 exchange struct (no version, no flags). The consumer calls deleter(self) once
 * when done; the deleter frees manager_ctx and the struct itself. */
typedef struct DLManagedTensor {
  DLTensor dl_tensor;
  void* manager_ctx;
  void (*deleter)(struct DLManagedTensor* self);
} DLManagedTensor;

/* DLManagedTensorVersioned.flags bits. */
#define DLPACK_FLAG_BITMASK_READ_ONLY (1UL << 0UL) /* the consumer must not write the data */
#define DLPACK_FLAG_BITMASK_IS_COPIED (1UL << 1UL) /* the producer made a copy for the consumer */

/* The DLPack 1.0 exchange struct. The consumer calls deleter(self) once when done. */
typedef struct DLManagedTensorVersioned {
  DLPackVersion version;
  void* manager_ctx;
  void (*deleter)(struct DLManagedTensorVersioned* self);
  uint64_t flags;
  DLTensor dl_tensor;
} DLManagedTensorVersioned;

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* DLPACK_DLPACK_H_ */
