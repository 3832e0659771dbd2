/* The Arrow C Data Interface ABI (ArrowSchema, ArrowArray), declared here from the public
 * specification so no arrow package is needed.
 *
 * The guard is the specification's own (ARROW_C_DATA_INTERFACE): whichever of this file and
 * Arrow's abi.h comes first declares the structs, the other is skipped. Plain C, <stdint.h>. */
#ifndef ARROW_C_DATA_INTERFACE
#define ARROW_C_DATA_INTERFACE

#include <stdint.h>

/* ArrowSchema.flags bits. */
#define ARROW_FLAG_DICTIONARY_ORDERED 1
#define ARROW_FLAG_NULLABLE 2
#define ARROW_FLAG_MAP_KEYS_SORTED 4

#ifdef __cplusplus
extern "C" {
#endif

/* A type: a format string ("i", "+l", "w:16", ...), an optional field name and metadata,
 * and child types for nested formats. A struct is released when release == NULL; release
 * frees the children too, and a consumer may move a child out (copy the struct, set the
 * original's release to NULL) before releasing the parent. */
struct ArrowSchema {
  const char* format;
  const char* name;
  const char* metadata;
  int64_t flags;
  int64_t n_children;
  struct ArrowSchema** children;
  struct ArrowSchema* dictionary;
  void (*release)(struct ArrowSchema*);
  void* private_data;
};

/* The data of one column: length logical elements starting at `offset` in the buffers
 * (buffers[0] is the validity bitmap for most layouts, NULL when no value is null). The same
 * release and move rules as ArrowSchema. */
struct ArrowArray {
  int64_t length;
  int64_t null_count; /* -1: not computed */
  int64_t offset;
  int64_t n_buffers;
  int64_t n_children;
  const void** buffers;
  struct ArrowArray** children;
  struct ArrowArray* dictionary;
  void (*release)(struct ArrowArray*);
  void* private_data;
};

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* ARROW_C_DATA_INTERFACE */
