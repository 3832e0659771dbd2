// Tests of container/mapped.hpp: files written with plain C stdio and read through
// open_file, write-through mappings, errors, and shared memory between two processes.
#include <doctest/doctest.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "container/array.hpp"
#include "container/mapped.hpp"

namespace nd = pluribus::nd;
namespace ndt = pluribus::ndt;
using pluribus::Error;
using pluribus::ErrorCode;

namespace {

// A C struct whose layout the record datashape below must match (offsets 0, 8, 16).
struct Sample {
  int32_t id;
  double value;
  uint8_t flag;
};
constexpr const char* kSampleRecord = "{id: int32, value: float64, flag: uint8}";

// A temporary file removed at the end of the test.
struct TempFile {
  std::string path;
  explicit TempFile(const char* tag)
      : path("/tmp/pluribus-mapped-" + std::to_string(::getpid()) + "-" + tag + ".bin") {}
  ~TempFile() { std::remove(path.c_str()); }
};

void write_samples(const std::string& path, const std::vector<Sample>& samples) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  REQUIRE(f != nullptr);
  REQUIRE(std::fwrite(samples.data(), sizeof(Sample), samples.size(), f) == samples.size());
  REQUIRE(std::fclose(f) == 0);
}

std::vector<unsigned char> read_bytes(const std::string& path) {
  std::vector<unsigned char> bytes;
  std::FILE* f = std::fopen(path.c_str(), "rb");
  REQUIRE(f != nullptr);
  unsigned char buffer[4096];
  std::size_t n = 0;
  while ((n = std::fread(buffer, 1, sizeof buffer, f)) > 0)
    bytes.insert(bytes.end(), buffer, buffer + n);
  std::fclose(f);
  return bytes;
}

// How many of this process's mappings are of `path` (/proc/self/maps).
int mappings_of(const std::string& path) {
  std::ifstream maps("/proc/self/maps");
  int count = 0;
  for (std::string line; std::getline(maps, line);)
    if (line.find(path) != std::string::npos) ++count;
  return count;
}

ErrorCode code_of(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.code();
  }
  return ErrorCode::ok;
}

std::string message_of(auto&& f) {
  try {
    f();
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

}  // namespace

TEST_CASE("mapped: a C struct array written with fwrite reads back through a record datashape") {
  TempFile file("records");
  const std::vector<Sample> samples{{7, 2.5, 1}, {-3, -1e300, 0}, {42, 0.125, 255}};
  write_samples(file.path, samples);
  const ndt::Type type = ndt::parse("3 * " + std::string(kSampleRecord));
  REQUIRE(type.size() == static_cast<int64_t>(3 * sizeof(Sample)));
  REQUIRE(type.dtype().field("value").offset == static_cast<int64_t>(offsetof(Sample, value)));

  const nd::Array a = nd::open_file(file.path, type);
  CHECK(a.ndim() == 1);
  CHECK(a.shape()[0] == 3);
  CHECK(a.strides()[0] == static_cast<int64_t>(sizeof(Sample)));
  CHECK(a.readonly());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const char* element = a.data() + i * sizeof(Sample);
    int32_t id;
    double value;
    std::memcpy(&id, element + offsetof(Sample, id), sizeof id);
    std::memcpy(&value, element + offsetof(Sample, value), sizeof value);
    CHECK(id == samples[i].id);
    CHECK(value == samples[i].value);
    CHECK(static_cast<uint8_t>(element[offsetof(Sample, flag)]) == samples[i].flag);
  }
  // Through the core's views.
  CHECK(a(1).field("id").as<int32_t>() == -3);
  CHECK(a(2).field("value").as<double>() == 0.125);
  CHECK(a(2).field("flag").as<int64_t>() == 255);

  // From an offset: the last two records.
  nd::MapOptions options;
  options.offset = sizeof(Sample);
  const nd::Array tail =
      nd::open_file(file.path, ndt::parse("2 * " + std::string(kSampleRecord)), options);
  CHECK(tail(0).field("id").as<int32_t>() == -3);
  CHECK(tail(1).field("id").as<int32_t>() == 42);
}

TEST_CASE("mapped: a file shorter than offset + size is an error naming both numbers") {
  TempFile file("short");
  write_samples(file.path, {{1, 1.0, 1}, {2, 2.0, 2}});                     // 48 bytes
  const ndt::Type three = ndt::parse("3 * " + std::string(kSampleRecord));  // 72 bytes
  CHECK(code_of([&] { nd::open_file(file.path, three); }) == ErrorCode::value);
  const std::string message = message_of([&] { nd::open_file(file.path, three); });
  CHECK(message.find("48") != std::string::npos);
  CHECK(message.find("72") != std::string::npos);
  nd::MapOptions options;
  options.offset = 32;  // 32 + 24 > 48
  const std::string at_offset =
      message_of([&] { nd::open_file(file.path, ndt::parse(kSampleRecord), options); });
  CHECK(at_offset.find("48") != std::string::npos);
  CHECK(at_offset.find("56") != std::string::npos);
  options.offset = -1;
  CHECK(code_of([&] { nd::open_file(file.path, ndt::parse(kSampleRecord), options); }) ==
        ErrorCode::value);
  // The OS's errors name the path.
  const std::string missing =
      message_of([&] { nd::open_file("/nonexistent/pluribus.bin", three); });
  CHECK(missing.find("/nonexistent/pluribus.bin") != std::string::npos);
  CHECK(code_of([&] { nd::open_file("/nonexistent/pluribus.bin", three); }) == ErrorCode::lookup);
}

TEST_CASE("mapped: types holding pointers or without a layout are refused") {
  TempFile file("types");
  write_samples(file.path, {{1, 1.0, 1}, {2, 2.0, 2}, {3, 3.0, 3}, {4, 4.0, 4}});
  for (const char* type : {"2 * string", "var * int64", "2 * {a: int64, b: bytes}",
                           "pointer[int64]", "2 * ?json", "(int32, 2 * var * float64)"}) {
    CAPTURE(type);
    CHECK(code_of([&] { nd::open_file(file.path, ndt::parse(type)); }) == ErrorCode::type);
    CHECK(code_of([&] { nd::create_shared("/pluribus-never", ndt::parse(type)); }) ==
          ErrorCode::type);
  }
  CHECK(message_of([&] { nd::open_file(file.path, ndt::parse("2 * string")); }).find("pointer") !=
        std::string::npos);
  CHECK(code_of([&] { nd::open_file(file.path, ndt::parse("N * int64")); }) == ErrorCode::type);
}

TEST_CASE("mapped: a writable mapping writes through to the file") {
  TempFile file("write");
  write_samples(file.path, {{1, 1.0, 1}, {2, 2.0, 2}});
  nd::MapOptions options;
  options.writable = true;
  {
    const nd::Array a =
        nd::open_file(file.path, ndt::parse("2 * " + std::string(kSampleRecord)), options);
    CHECK_FALSE(a.readonly());
    const double value = 6.75;
    std::memcpy(a.data() + sizeof(Sample) + offsetof(Sample, value), &value, sizeof value);
    a(0).field("id").assign(nd::Array::scalar(int64_t{99}));
  }
  const auto bytes = read_bytes(file.path);
  REQUIRE(bytes.size() == 2 * sizeof(Sample));
  Sample back[2];
  std::memcpy(back, bytes.data(), sizeof back);
  CHECK(back[0].id == 99);
  CHECK(back[0].value == 1.0);
  CHECK(back[1].id == 2);
  CHECK(back[1].value == 6.75);

  // create_file: a new zero-filled file of type.size() bytes.
  TempFile created("create");
  {
    const nd::Array c = nd::create_file(created.path, ndt::parse("4 * int32"));
    CHECK_FALSE(c.readonly());
    const int32_t third = -5;
    std::memcpy(c.data() + 8, &third, sizeof third);
  }
  const auto c_bytes = read_bytes(created.path);
  REQUIRE(c_bytes.size() == 16);
  int32_t ints[4];
  std::memcpy(ints, c_bytes.data(), sizeof ints);
  CHECK(ints[0] == 0);
  CHECK(ints[1] == 0);
  CHECK(ints[2] == -5);
  CHECK(ints[3] == 0);
}

TEST_CASE("mapped: a read-only mapping gives a read-only array") {
  TempFile file("readonly");
  write_samples(file.path, {{1, 1.0, 1}});
  const nd::Array a = nd::open_file(file.path, ndt::parse("2 * int64"));
  CHECK(a.readonly());
  CHECK_THROWS_AS(a.assign(nd::Array::scalar(int64_t{1})), Error);
  CHECK_THROWS_AS(a(0).assign(nd::Array::scalar(int64_t{1})), Error);
  CHECK_THROWS_AS(a.writable_view(), Error);
}

TEST_CASE("mapped: a view outliving its base keeps the mapping, which goes with the last view") {
  TempFile file("views");
  write_samples(file.path, {{1, 1.5, 1}, {2, 2.5, 2}, {3, 3.5, 3}});
  REQUIRE(mappings_of(file.path) == 0);
  nd::Array view;
  {
    const nd::Array a = nd::open_file(file.path, ndt::parse("3 * " + std::string(kSampleRecord)));
    CHECK(mappings_of(file.path) == 1);
    view = a(2).field("value");
  }
  CHECK(mappings_of(file.path) == 1);
  CHECK(view.as<double>() == 3.5);
  nd::Array copy = view;
  view = nd::Array();
  CHECK(mappings_of(file.path) == 1);
  copy = nd::Array();
  CHECK(mappings_of(file.path) == 0);
}

TEST_CASE("mapped: shared memory names are checked") {
  const ndt::Type type = ndt::parse("2 * int64");
  for (const char* name : {"noslash", "/", "/a/b", ""}) {
    CAPTURE(name);
    CHECK(code_of([&] { nd::create_shared(name, type); }) == ErrorCode::value);
    CHECK(code_of([&] { nd::open_shared(name, type); }) == ErrorCode::value);
    CHECK(code_of([&] { nd::unlink_shared(name); }) == ErrorCode::value);
  }
  CHECK(code_of([&] { nd::create_shared("/" + std::string(300, 'x'), type); }) == ErrorCode::value);
  const std::string absent = "/pluribus-absent-" + std::to_string(::getpid());
  CHECK(code_of([&] { nd::open_shared(absent, type); }) == ErrorCode::lookup);
  CHECK(code_of([&] { nd::unlink_shared(absent); }) == ErrorCode::lookup);
}

TEST_CASE("mapped: a child process writes shared memory that the parent reads") {
  const std::string name = "/pluribus-test-" + std::to_string(::getpid());
  // Unlinked however the test ends.
  struct Unlink {
    std::string name;
    ~Unlink() { ::shm_unlink(name.c_str()); }
  } unlink_guard{name};
  constexpr int64_t n = 1000;
  const ndt::Type type = ndt::parse(std::to_string(n) + " * int64");
  const nd::Array a = nd::create_shared(name, type);
  CHECK_FALSE(a.readonly());
  // Zero-filled.
  std::vector<int64_t> values(static_cast<std::size_t>(n));
  std::memcpy(values.data(), a.data(), values.size() * sizeof(int64_t));
  CHECK(std::all_of(values.begin(), values.end(), [](int64_t v) { return v == 0; }));
  // A second create of the same name fails.
  CHECK_THROWS_AS(nd::create_shared(name, type), Error);

  const pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // The child: no doctest, no gfunc; plain writes through its own mapping.
    int status = 0;
    try {
      nd::MapOptions options;
      options.writable = true;
      const nd::Array b = nd::open_shared(name, type, options);
      for (int64_t i = 0; i < n; ++i) {
        const int64_t v = i * i - 7;
        std::memcpy(b.data() + i * 8, &v, sizeof v);
      }
    } catch (...) {
      status = 1;
    }
    ::_exit(status);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  std::memcpy(values.data(), a.data(), values.size() * sizeof(int64_t));
  int64_t wrong = 0;
  for (int64_t i = 0; i < n; ++i) wrong += values[static_cast<std::size_t>(i)] != i * i - 7;
  CHECK(wrong == 0);
  CHECK(a(10).as<int64_t>() == 93);

  // A read-only opening in this process sees the same bytes and refuses writes.
  const nd::Array r = nd::open_shared(name, type);
  CHECK(r.readonly());
  CHECK(r(999).as<int64_t>() == 999 * 999 - 7);
  CHECK_THROWS_AS(r.assign(nd::Array::scalar(int64_t{0})), Error);
  // Too short for a bigger type.
  CHECK(code_of([&] { nd::open_shared(name, ndt::parse("1001 * int64")); }) == ErrorCode::value);

  nd::unlink_shared(name);
  CHECK(code_of([&] { nd::open_shared(name, type); }) == ErrorCode::lookup);
  // The mappings outlive the name.
  CHECK(r(3).as<int64_t>() == 2);
}
