// The data fabric: raw binary files (mmap) and POSIX shared memory (shm_open) seen as
// nd::Arrays, so that processes share arrays without copying.
//
//   auto t = ndt::parse("1000 * {x: float64, y: int32}");
//   auto a = nd::create_shared("/points", t);         // this process: zeroed, writable
//   auto b = nd::open_shared("/points", t, {.writable = true});   // another process
//   ...
//   nd::unlink_shared("/points");                     // the name goes; mappings stay
//
// The bytes are exactly the type's layout (C-contiguous for the leading fixed dims, records
// with their C offsets), so a C program's fwrite of a struct array reads back as it is.
// The type must be concrete and hold no pointers: string, bytes, json, var dims, pointer
// and type values are addresses, meaningless in a file or in another process.
//
// Every array and view of a mapping shares it; the mapping is unmapped exactly once, when
// the last of them goes. A read-only mapping gives a read-only array. The file descriptor
// is closed as soon as the mapping exists.
//
// Errors: a type that cannot be mapped is Error(type); a file or shared object smaller than
// offset + type.size(), a negative offset or a malformed shared-memory name is
// Error(value); the OS's errors carry strerror and the path or name: ENOENT is
// Error(lookup), ENOMEM Error(memory), the others Error(invalid_argument).
#pragma once

#include <cstdint>
#include <string>

#include "container/array.hpp"
#include "ndt/api.hpp"
#include "ndt/type.hpp"

namespace pluribus::nd {

struct MapOptions {
  bool writable = false;  // map read-write (MAP_SHARED: writes reach the file / object)
  int64_t offset = 0;     // where the array starts in the file, in bytes (any value >= 0)
};

// Maps the file at `path` as an array of `type`, starting `options.offset` bytes in. The
// file may be longer than offset + type.size(); the rest is not mapped.
PLURIBUS_API Array open_file(const std::string& path, const ndt::Type& type,
                             const MapOptions& options = {});

// Creates (or truncates) `path` to type.size() zero bytes and maps it writable.
PLURIBUS_API Array create_file(const std::string& path, const ndt::Type& type);

// Creates the shared memory object `name` ("/name": one leading slash, no other slash, at
// most 255 bytes) of type.size() zero bytes and maps it writable. Fails when it exists.
PLURIBUS_API Array create_shared(const std::string& name, const ndt::Type& type);

// Maps an existing shared memory object as an array of `type`.
PLURIBUS_API Array open_shared(const std::string& name, const ndt::Type& type,
                               const MapOptions& options = {});

// Removes the name of a shared memory object; existing mappings stay valid.
PLURIBUS_API void unlink_shared(const std::string& name);

}  // namespace pluribus::nd
