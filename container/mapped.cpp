// Memory-mapped files and POSIX shared memory as arrays (mapped.hpp): validate the type,
// open, check the length, mmap, and hand the mapping to Array::from_pointer with a release
// that unmaps it once.
#include "container/mapped.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <memory>
#include <optional>

#include "ndt/error.hpp"

namespace pluribus::nd {
namespace {

// Why `t` cannot live in a file or shared memory, or nothing when it can.
std::optional<std::string> unmappable(const ndt::Type& t) {
  using K = ndt::Kind;
  switch (t.kind()) {
    case K::String:
      return "a string is a pointer to its bytes";
    case K::Bytes:
      return "bytes are a pointer to their data";
    case K::Json:
      return "json is a pointer to its text";
    case K::VarDim:
      return "a var dim is a pointer to its elements";
    case K::Pointer:
      return "a pointer is an address";
    case K::TypeType:
      return "a type value is a pointer to a type";
    case K::Function:
      return "a function signature is not data";
    case K::FixedDim:
      if (t.stride() < 0) return "a fixed dim with a negative stride starts before the data";
      return unmappable(t.child());
    case K::Option:
    case K::Nominal:
    case K::Constructor:
      return unmappable(t.child());
    case K::Record:
    case K::Tuple:
    case K::Union:
      for (const auto& field : t.fields())
        if (auto why = unmappable(field.type)) return why;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

void check_type(const char* function, const ndt::Type& type) {
  if (!type) throw Error(ErrorCode::invalid_argument, fmt::format("{}: no type given", function));
  if (!type.is_concrete())
    throw Error(
        ErrorCode::type,
        fmt::format("{}: type '{}' is abstract; a mapped array needs a concrete type with an "
                    "exact layout",
                    function, type.str()));
  if (auto why = unmappable(type))
    throw Error(ErrorCode::type, fmt::format("{}: type '{}' holds pointers ({}); its values would "
                                             "be addresses meaningless in a file "
                                             "or another process",
                                             function, type.str(), *why));
}

[[noreturn]] void os_error(const char* function, const char* call, const std::string& path,
                           int error) {
  const ErrorCode code = error == ENOENT   ? ErrorCode::lookup
                         : error == ENOMEM ? ErrorCode::memory
                                           : ErrorCode::invalid_argument;
  throw Error(code, fmt::format("{}: {} '{}': {}", function, call, path, std::strerror(error)));
}

// Closes a descriptor on every path out.
class Descriptor {
 public:
  explicit Descriptor(int fd) noexcept : fd_(fd) {}
  Descriptor(const Descriptor&) = delete;
  Descriptor& operator=(const Descriptor&) = delete;
  ~Descriptor() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const noexcept { return fd_; }

 private:
  int fd_;
};

// One mmap'ed region, unmapped when the last owner goes.
class Mapping {
 public:
  Mapping(void* base, std::size_t length) noexcept : base_(base), length_(length) {}
  Mapping(const Mapping&) = delete;
  Mapping& operator=(const Mapping&) = delete;
  ~Mapping() { ::munmap(base_, length_); }

 private:
  void* base_;
  std::size_t length_;
};

// Maps type.size() bytes of `fd` from `offset` (already checked against the length) and
// wraps them in an array.
Array map(const char* function, const std::string& path, int fd, const ndt::Type& type,
          int64_t offset, bool writable) {
  const int64_t size = type.size();
  if (size == 0) {
    // mmap refuses empty lengths; an empty array needs no bytes, only a valid address.
    static char nothing;
    return Array::from_pointer(&nothing, type, {}, !writable);
  }
  const int64_t page = ::sysconf(_SC_PAGESIZE);
  const int64_t start = offset - offset % page;  // mmap's offset must be page aligned
  const auto length = static_cast<std::size_t>(size + (offset - start));
  void* base = ::mmap(nullptr, length, PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd,
                      static_cast<off_t>(start));
  if (base == MAP_FAILED) os_error(function, "mmap", path, errno);
  auto mapping = std::make_shared<Mapping>(base, length);
  char* data = static_cast<char*>(base) + (offset - start);
  // The release drops its share of the mapping: munmap runs once, when the last view has
  // gone (or here, if from_pointer throws before taking it).
  return Array::from_pointer(
      data, type, [mapping]() mutable { mapping.reset(); }, !writable);
}

// Checks `fd`'s length against offset + type.size() and maps it.
Array map_existing(const char* function, const std::string& path, int fd, const ndt::Type& type,
                   const MapOptions& options) {
  struct stat info {};
  if (::fstat(fd, &info) != 0) os_error(function, "fstat", path, errno);
  int64_t end = 0;
  if (__builtin_add_overflow(options.offset, type.size(), &end))
    throw Error(ErrorCode::overflow, fmt::format("{}: offset {} + type size {} overflows", function,
                                                 options.offset, type.size()));
  if (static_cast<int64_t>(info.st_size) < end)
    throw Error(
        ErrorCode::value,
        fmt::format("{}: '{}' holds {} bytes, but offset {} + size {} of type '{}' needs {}",
                    function, path, static_cast<int64_t>(info.st_size), options.offset, type.size(),
                    type.str(), end));
  return map(function, path, fd, type, options.offset, options.writable);
}

void check_offset(const char* function, const MapOptions& options) {
  if (options.offset < 0)
    throw Error(ErrorCode::value,
                fmt::format("{}: offset {} is negative", function, options.offset));
}

// POSIX portable shared memory names: "/name", no further slash, within NAME_MAX.
void check_name(const char* function, const std::string& name) {
  const char* why = nullptr;
  if (name.size() < 2 || name[0] != '/')
    why = "must start with '/' followed by at least one character";
  else if (name.find('/', 1) != std::string::npos)
    why = "may hold no '/' after the first";
  else if (name.size() > NAME_MAX)
    why = "is longer than NAME_MAX (255) bytes";
  else if (name.find('\0') != std::string::npos)
    why = "holds a NUL byte";
  if (why != nullptr)
    throw Error(ErrorCode::value, fmt::format("{}: shared memory name '{}' {} (e.g. \"/my-array\")",
                                              function, name, why));
}

}  // namespace

Array open_file(const std::string& path, const ndt::Type& type, const MapOptions& options) {
  constexpr const char* function = "open_file";
  check_type(function, type);
  check_offset(function, options);
  const Descriptor fd(::open(path.c_str(), (options.writable ? O_RDWR : O_RDONLY) | O_CLOEXEC));
  if (fd.get() < 0) os_error(function, "open", path, errno);
  return map_existing(function, path, fd.get(), type, options);
}

Array create_file(const std::string& path, const ndt::Type& type) {
  constexpr const char* function = "create_file";
  check_type(function, type);
  const Descriptor fd(::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd.get() < 0) os_error(function, "open", path, errno);
  if (::ftruncate(fd.get(), static_cast<off_t>(type.size())) != 0)
    os_error(function, "ftruncate", path, errno);
  return map(function, path, fd.get(), type, 0, true);
}

Array create_shared(const std::string& name, const ndt::Type& type) {
  constexpr const char* function = "create_shared";
  check_type(function, type);
  check_name(function, name);
  const Descriptor fd(::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
  if (fd.get() < 0) os_error(function, "shm_open", name, errno);
  try {
    if (::ftruncate(fd.get(), static_cast<off_t>(type.size())) != 0)
      os_error(function, "ftruncate", name, errno);
    return map(function, name, fd.get(), type, 0, true);
  } catch (...) {
    ::shm_unlink(name.c_str());  // it was ours: leave no half-made object behind
    throw;
  }
}

Array open_shared(const std::string& name, const ndt::Type& type, const MapOptions& options) {
  constexpr const char* function = "open_shared";
  check_type(function, type);
  check_offset(function, options);
  check_name(function, name);
  const Descriptor fd(
      ::shm_open(name.c_str(), (options.writable ? O_RDWR : O_RDONLY) | O_CLOEXEC, 0));
  if (fd.get() < 0) os_error(function, "shm_open", name, errno);
  return map_existing(function, name, fd.get(), type, options);
}

void unlink_shared(const std::string& name) {
  constexpr const char* function = "unlink_shared";
  check_name(function, name);
  if (::shm_unlink(name.c_str()) != 0) os_error(function, "shm_unlink", name, errno);
}

}  // namespace pluribus::nd
