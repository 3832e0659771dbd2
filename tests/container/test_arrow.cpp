// Arrow C Data Interface exchange: exported buffers checked bit by bit against layouts
// derived by hand from the spec, hand-built Arrow structs imported, release callbacks counted.
#include <doctest/doctest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "container/array.hpp"
#include "container/arrow.hpp"

using namespace pluribus;
using nd::Array;

namespace {

// A string or var element as an array stores it.
struct Span {
  const char* data;
  int64_t size;
};

std::vector<int64_t> vec(std::span<const int64_t> s) { return {s.begin(), s.end()}; }

template <class T>
std::vector<T> values(const void* buffer, int64_t n) {
  const T* p = static_cast<const T*>(buffer);
  return {p, p + n};
}
std::vector<uint8_t> bytes_of(const void* buffer, int64_t n) { return values<uint8_t>(buffer, n); }

// ----- hand-built producers ----------------------------------------------------------------
// Release callbacks that count their calls in *private_data and release their children, as
// the spec asks of a producer.
void release_schema(ArrowSchema* s) {
  for (int64_t k = 0; k < s->n_children; ++k)
    if (s->children[k]->release) s->children[k]->release(s->children[k]);
  ++*static_cast<int*>(s->private_data);
  s->release = nullptr;
}
void release_array(ArrowArray* a) {
  for (int64_t k = 0; k < a->n_children; ++k)
    if (a->children[k]->release) a->children[k]->release(a->children[k]);
  ++*static_cast<int*>(a->private_data);
  a->release = nullptr;
}

ArrowSchema schema(const char* format, int* released, int64_t flags = 0, const char* name = "",
                   std::vector<ArrowSchema*>* children = nullptr) {
  ArrowSchema s{};
  s.format = format;
  s.name = name;
  s.flags = flags;
  s.n_children = children ? static_cast<int64_t>(children->size()) : 0;
  s.children = children ? children->data() : nullptr;
  s.release = &release_schema;
  s.private_data = released;
  return s;
}

ArrowArray array(int64_t length, std::vector<const void*>& buffers, int* released,
                 int64_t null_count = 0, int64_t offset = 0,
                 std::vector<ArrowArray*>* children = nullptr) {
  ArrowArray a{};
  a.length = length;
  a.null_count = null_count;
  a.offset = offset;
  a.n_buffers = static_cast<int64_t>(buffers.size());
  a.buffers = buffers.data();
  a.n_children = children ? static_cast<int64_t>(children->size()) : 0;
  a.children = children ? children->data() : nullptr;
  a.release = &release_array;
  a.private_data = released;
  return a;
}

// True once a struct's release callback has run (or it was moved from).
bool is_released(const ArrowSchema& s) { return s.release == nullptr; }
bool is_released(const ArrowArray& a) { return a.release == nullptr; }

// Releases an exported pair and checks that each release callback cleared itself.
void release(ArrowSchema& s, ArrowArray& a) {
  s.release(&s);
  a.release(&a);
  CHECK(is_released(s));
  CHECK(is_released(a));
}

Array from_buffer(void* data, const ndt::Type& dtype, std::vector<int64_t> shape,
                  std::vector<int64_t> strides, int* released = nullptr) {
  return Array::from_pointer(data, dtype, shape, strides, [released] {
    if (released) ++*released;
  });
}

}  // namespace

TEST_CASE("arrow: the C structs have the ABI layout of the C Data Interface") {
  CHECK(offsetof(ArrowSchema, flags) == 24);
  CHECK(offsetof(ArrowSchema, children) == 40);
  CHECK(offsetof(ArrowSchema, release) == 56);
  CHECK(sizeof(ArrowSchema) == 72);
  CHECK(offsetof(ArrowArray, buffers) == 40);
  CHECK(offsetof(ArrowArray, release) == 64);
  CHECK(sizeof(ArrowArray) == 80);
  CHECK(ARROW_FLAG_NULLABLE == 2);
}

// ===== export ====================================================================================

TEST_CASE("arrow: export of a contiguous primitive column shares the array's buffer") {
  static int32_t data[4] = {1, 2, 3, 4};
  int released = 0;
  Array a = from_buffer(data, ndt::int32, {4}, {4}, &released);
  ArrowSchema s;
  ArrowArray arr;
  nd::to_arrow(a, &s, &arr);
  CHECK(std::string(s.format) == "i");
  CHECK(std::string(s.name) == "");
  CHECK(s.flags == 0);
  CHECK(s.n_children == 0);
  CHECK(arr.length == 4);
  CHECK(arr.null_count == 0);
  CHECK(arr.offset == 0);
  CHECK(arr.n_buffers == 2);
  CHECK(arr.buffers[0] == nullptr);
  CHECK(arr.buffers[1] == data);  // zero-copy
  a = Array();
  CHECK(released == 0);  // the export keeps the array
  s.release(&s);
  CHECK(released == 0);
  arr.release(&arr);
  CHECK(released == 1);
  CHECK(is_released(arr));
}

TEST_CASE("arrow: export of a strided column gathers one copy") {
  static int64_t data[6] = {10, 11, 12, 13, 14, 15};
  ArrowSchema s;
  ArrowArray arr;
  nd::to_arrow(from_buffer(data + 5, ndt::int64, {3}, {-16}), &s, &arr);
  CHECK(std::string(s.format) == "l");
  CHECK(arr.buffers[1] != static_cast<const void*>(data));
  CHECK(values<int64_t>(arr.buffers[1], 3) == std::vector<int64_t>{15, 13, 11});
  release(s, arr);
}

TEST_CASE("arrow: export of bool packs bits least-significant first") {
  static uint8_t data[10] = {1, 0, 1, 1, 0, 0, 0, 1, 1, 0};
  ArrowSchema s;
  ArrowArray arr;
  nd::to_arrow(from_buffer(data, ndt::bool_, {10}, {1}), &s, &arr);
  CHECK(std::string(s.format) == "b");
  CHECK(arr.length == 10);
  // bits 0..7 = 1,0,1,1,0,0,0,1 -> 0b10001101; bits 8,9 = 1,0 -> 0b01.
  CHECK(bytes_of(arr.buffers[1], 2) == std::vector<uint8_t>{0x8D, 0x01});
  release(s, arr);
}

TEST_CASE("arrow: export of ?int32 writes a validity bitmap and the values") {
  // ?int32: the int32, then the validity byte at offset 4, size 8.
  struct OptionInt32 {
    int32_t value;
    uint8_t valid;
  };
  static_assert(sizeof(OptionInt32) == 8);
  static OptionInt32 data[3] = {{7, 1}, {0, 0}, {9, 1}};
  const ndt::Type t = ndt::parse("?int32");
  REQUIRE(t.size() == 8);
  ArrowSchema s;
  ArrowArray arr;
  nd::to_arrow(from_buffer(data, t, {3}, {8}), &s, &arr);
  CHECK(std::string(s.format) == "i");
  CHECK(s.flags == ARROW_FLAG_NULLABLE);
  CHECK(arr.null_count == 1);
  CHECK(bytes_of(arr.buffers[0], 1) == std::vector<uint8_t>{0x05});  // elements 0 and 2
  const auto v = values<int32_t>(arr.buffers[1], 3);
  CHECK(v[0] == 7);
  CHECK(v[2] == 9);
  release(s, arr);
}

TEST_CASE("arrow: export of inner fixed dims is a fixed-size list") {
  static int16_t data[6] = {1, 2, 3, 4, 5, 6};
  ArrowSchema s;
  ArrowArray arr;
  nd::to_arrow(from_buffer(data, ndt::int16, {2, 3}, {6, 2}), &s, &arr);
  CHECK(std::string(s.format) == "+w:3");
  REQUIRE(s.n_children == 1);
  CHECK(std::string(s.children[0]->format) == "s");
  CHECK(std::string(s.children[0]->name) == "item");
  CHECK(arr.length == 2);
  CHECK(arr.n_buffers == 1);
  REQUIRE(arr.n_children == 1);
  CHECK(arr.children[0]->length == 6);
  CHECK(arr.children[0]->buffers[1] == data);  // rows follow each other: no copy
  release(s, arr);

  // The transpose (3 rows of 2, column-major in memory) is gathered row by row.
  nd::to_arrow(from_buffer(data, ndt::int16, {3, 2}, {2, 6}), &s, &arr);
  CHECK(std::string(s.format) == "+w:2");
  CHECK(values<int16_t>(arr.children[0]->buffers[1], 6) == std::vector<int16_t>{1, 4, 2, 5, 3, 6});
  release(s, arr);
}

TEST_CASE("arrow: export of var dims builds int32 offsets; adjacent items are not copied") {
  static int32_t items[5] = {1, 2, 3, 4, 5};
  static Span rows[3] = {{reinterpret_cast<const char*>(items), 2},
                         {reinterpret_cast<const char*>(items + 2), 0},
                         {reinterpret_cast<const char*>(items + 2), 3}};
  ArrowSchema s;
  ArrowArray arr;
  nd::to_arrow(from_buffer(rows, ndt::parse("var * int32"), {3}, {16}), &s, &arr);
  CHECK(std::string(s.format) == "+l");
  CHECK(std::string(s.children[0]->format) == "i");
  CHECK(arr.n_buffers == 2);
  CHECK(values<int32_t>(arr.buffers[1], 4) == std::vector<int32_t>{0, 2, 2, 5});
  CHECK(arr.children[0]->length == 5);
  CHECK(arr.children[0]->buffers[1] == items);
  release(s, arr);

  // Items in separate places are gathered into one child buffer.
  static int32_t a[2] = {7, 8};
  static int32_t b[1] = {9};
  static Span apart[2] = {{reinterpret_cast<const char*>(b), 1},
                          {reinterpret_cast<const char*>(a), 2}};
  nd::to_arrow(from_buffer(apart, ndt::parse("var * int32"), {2}, {16}), &s, &arr);
  CHECK(values<int32_t>(arr.buffers[1], 3) == std::vector<int32_t>{0, 1, 3});
  CHECK(values<int32_t>(arr.children[0]->buffers[1], 3) == std::vector<int32_t>{9, 7, 8});
  release(s, arr);
}

TEST_CASE("arrow: export of strings concatenates the bytes behind int32 offsets") {
  static Span strs[3] = {{"ab", 2}, {nullptr, 0}, {"xyz", 3}};
  ArrowSchema s;
  ArrowArray arr;
  nd::to_arrow(from_buffer(strs, ndt::string, {3}, {16}), &s, &arr);
  CHECK(std::string(s.format) == "u");
  REQUIRE(arr.n_buffers == 3);
  CHECK(values<int32_t>(arr.buffers[1], 4) == std::vector<int32_t>{0, 2, 2, 5});
  CHECK(std::string_view(static_cast<const char*>(arr.buffers[2]), 5) == "abxyz");
  release(s, arr);
}

TEST_CASE("arrow: export of records is a struct of field columns") {
  struct Row {
    int32_t a;
    double b;
  };
  const ndt::Type t = ndt::parse("{a: int32, b: float64}");
  REQUIRE(t.size() == sizeof(Row));
  REQUIRE(t.fields()[1].offset == offsetof(Row, b));
  static Row rows[2] = {{1, 0.5}, {2, 1.5}};
  int released = 0;
  ArrowSchema s;
  ArrowArray arr;
  nd::to_arrow(from_buffer(rows, t, {2}, {sizeof(Row)}, &released), &s, &arr);
  CHECK(std::string(s.format) == "+s");
  REQUIRE(s.n_children == 2);
  CHECK(std::string(s.children[0]->name) == "a");
  CHECK(std::string(s.children[0]->format) == "i");
  CHECK(std::string(s.children[1]->name) == "b");
  CHECK(std::string(s.children[1]->format) == "g");
  CHECK(arr.n_buffers == 1);
  REQUIRE(arr.n_children == 2);
  CHECK(values<int32_t>(arr.children[0]->buffers[1], 2) == std::vector<int32_t>{1, 2});
  CHECK(values<double>(arr.children[1]->buffers[1], 2) == std::vector<double>{0.5, 1.5});

  // A consumer may move a child out and release the parent: the child stays valid alone.
  ArrowArray moved = *arr.children[1];
  arr.children[1]->release = nullptr;
  ArrowSchema moved_schema = *s.children[1];
  s.children[1]->release = nullptr;
  release(s, arr);
  CHECK(released == 0);  // the moved child still holds the array
  CHECK(values<double>(moved.buffers[1], 2) == std::vector<double>{0.5, 1.5});
  CHECK(std::string(moved_schema.format) == "g");
  moved_schema.release(&moved_schema);
  moved.release(&moved);
  CHECK(is_released(moved));
  CHECK(released == 1);
}

TEST_CASE("arrow: a 0-dim var array exports its elements; other 0-dim arrays are refused") {
  static int64_t items[3] = {4, 5, 6};
  static Span one = {reinterpret_cast<const char*>(items), 3};
  ArrowSchema s;
  ArrowArray arr;
  nd::to_arrow(Array::from_pointer(&one, ndt::parse("var * int64")), &s, &arr);
  CHECK(std::string(s.format) == "l");
  CHECK(arr.length == 3);
  CHECK(arr.buffers[1] == items);
  release(s, arr);

  static double x = 1.0;
  try {
    nd::to_arrow(Array::from_pointer(&x, ndt::float64), &s, &arr);
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::value);
  }
}

TEST_CASE("arrow: export of an empty column still has offsets[0] = 0") {
  static Span none[1] = {};
  ArrowSchema s;
  ArrowArray arr;
  nd::to_arrow(from_buffer(none, ndt::string, {0}, {16}), &s, &arr);
  CHECK(arr.length == 0);
  REQUIRE(arr.buffers[1] != nullptr);
  CHECK(values<int32_t>(arr.buffers[1], 1) == std::vector<int32_t>{0});
  release(s, arr);
}

TEST_CASE("arrow: export errors write nothing") {
  static char data[64] = {};
  ArrowSchema s{};
  ArrowArray arr{};
  for (const char* dtype : {"complex128", "int128", "bfloat16"}) {
    CAPTURE(dtype);
    const ndt::Type t = ndt::parse(dtype);
    try {
      nd::to_arrow(from_buffer(data, t, {2}, {t.size()}), &s, &arr);
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::not_implemented);
    }
    CHECK(is_released(s));
    CHECK(is_released(arr));
  }
  CHECK_THROWS_AS(nd::to_arrow(from_buffer(data, ndt::int8, {2}, {1}), nullptr, &arr), Error);
}

// ===== import ====================================================================================

TEST_CASE("arrow: import of a primitive column borrows the values buffer at its offset") {
  static int32_t data[4] = {10, 20, 30, 40};
  int schema_released = 0;
  int array_released = 0;
  std::vector<const void*> buffers = {nullptr, data};
  ArrowSchema s = schema("i", &schema_released);
  ArrowArray arr = array(3, buffers, &array_released, 0, 1);
  Array view;
  {
    Array a = nd::from_arrow(&s, &arr);
    CHECK(is_released(s));  // moved into the array
    CHECK(is_released(arr));
    CHECK(a.dtype() == ndt::int32);
    CHECK(vec(a.shape()) == std::vector<int64_t>{3});
    CHECK(vec(a.strides()) == std::vector<int64_t>{4});
    CHECK(a.data() == reinterpret_cast<char*>(data + 1));
    CHECK(a.readonly());
    view = a[2];
  }
  CHECK(array_released == 0);  // the view is alive
  CHECK(*reinterpret_cast<const int32_t*>(view.data()) == 40);
  view = Array();
  CHECK(schema_released == 1);
  CHECK(array_released == 1);
}

TEST_CASE("arrow: import of bool unpacks the bits (offset in bits)") {
  static uint8_t bits[2] = {0x8D, 0x01};  // 1,0,1,1,0,0,0,1, 1,0
  int released = 0;
  std::vector<const void*> buffers = {nullptr, bits};
  ArrowSchema s = schema("b", &released);
  ArrowArray arr = array(7, buffers, &released, 0, 3);
  Array a = nd::from_arrow(&s, &arr);
  CHECK(a.dtype() == ndt::bool_);
  CHECK(bytes_of(a.data(), 7) == std::vector<uint8_t>{1, 0, 0, 0, 1, 1, 0});
  a = Array();
  CHECK(released == 2);
}

TEST_CASE("arrow: import of a nullable column gives ?T with zeroed missing values") {
  static int32_t data[3] = {7, 99, 9};
  static uint8_t validity[1] = {0x05};
  int released = 0;
  std::vector<const void*> buffers = {validity, data};
  ArrowSchema s = schema("i", &released, ARROW_FLAG_NULLABLE);
  ArrowArray arr = array(3, buffers, &released, 1);
  Array a = nd::from_arrow(&s, &arr);
  CHECK(a.dtype() == ndt::parse("?int32"));
  // ?int32 rows of 8 bytes: value, validity byte, padding.
  struct OptionInt32 {
    int32_t value;
    uint8_t valid;
  };
  const auto* rows = reinterpret_cast<const OptionInt32*>(a.data());
  CHECK(rows[0].value == 7);
  CHECK(rows[0].valid == 1);
  CHECK(rows[1].value == 0);
  CHECK(rows[1].valid == 0);
  CHECK(rows[2].value == 9);
  CHECK(rows[2].valid == 1);
}

TEST_CASE("arrow: import of strings points into Arrow's data buffer") {
  static int32_t offsets[5] = {0, 2, 2, 5, 6};
  static const char text[] = "abxyzq";
  static uint8_t validity[1] = {0x0D};  // element 1 is null
  int released = 0;
  std::vector<const void*> buffers = {validity, offsets, text};
  ArrowSchema s = schema("u", &released, ARROW_FLAG_NULLABLE);
  ArrowArray arr = array(3, buffers, &released, 1, 1);  // elements 1..3 of 4
  Array a = nd::from_arrow(&s, &arr);
  CHECK(a.dtype() == ndt::parse("?string"));
  const int64_t row = a.dtype().size();
  REQUIRE(row == 24);  // {data, size}, validity byte, padding
  Span e[3];
  for (int i = 0; i < 3; ++i) std::memcpy(&e[i], a.data() + i * row, sizeof(Span));
  CHECK(e[0].data == nullptr);  // missing: zero bytes
  CHECK(e[0].size == 0);
  CHECK(a.data()[16] == 0);
  CHECK(e[1].data == text + 2);  // no copy
  CHECK(e[1].size == 3);
  CHECK(a.data()[row + 16] == 1);
  CHECK(e[2].data == text + 5);
  CHECK(e[2].size == 1);
}

TEST_CASE("arrow: import of large strings (int64 offsets) and an empty column") {
  static int64_t offsets[3] = {0, 3, 7};
  static const char text[] = "onetwo!";
  int released = 0;
  std::vector<const void*> buffers = {nullptr, offsets, text};
  ArrowSchema s = schema("U", &released);
  ArrowArray arr = array(2, buffers, &released);
  Array a = nd::from_arrow(&s, &arr);
  CHECK(a.dtype() == ndt::string);
  Span e[2];
  std::memcpy(e, a.data(), sizeof e);
  CHECK(e[0].data == text);
  CHECK(e[0].size == 3);
  CHECK(e[1].data == text + 3);
  CHECK(e[1].size == 4);

  std::vector<const void*> none = {nullptr, nullptr};
  ArrowSchema empty_schema = schema("g", &released);
  ArrowArray empty = array(0, none, &released);
  Array b = nd::from_arrow(&empty_schema, &empty);
  CHECK(vec(b.shape()) == std::vector<int64_t>{0});
  CHECK(b.dtype() == ndt::float64);
  a = Array();
  b = Array();
  CHECK(released == 4);
}

TEST_CASE("arrow: import of a list of primitives points var elements into the child values") {
  static int32_t offsets[4] = {0, 2, 2, 5};
  static int32_t items[6] = {0, 1, 2, 3, 4, 5};
  int released = 0;
  std::vector<const void*> item_buffers = {nullptr, items};
  std::vector<const void*> list_buffers = {nullptr, offsets};
  ArrowSchema item_schema = schema("i", &released, 0, "item");
  std::vector<ArrowSchema*> schema_children = {&item_schema};
  ArrowSchema s = schema("+l", &released, 0, "", &schema_children);
  ArrowArray item_array = array(5, item_buffers, &released, 0, 1);  // items 1..5
  std::vector<ArrowArray*> array_children = {&item_array};
  ArrowArray arr = array(2, list_buffers, &released, 0, 1, &array_children);  // lists 1, 2
  Array a = nd::from_arrow(&s, &arr);
  CHECK(a.dtype() == ndt::parse("var * int32"));
  Span e[2];
  std::memcpy(e, a.data(), sizeof e);
  CHECK(e[0].size == 0);
  CHECK(e[1].data == reinterpret_cast<const char*>(items + 3));  // child offset 1 + 2
  CHECK(e[1].size == 3);
  CHECK(values<int32_t>(e[1].data, 3) == std::vector<int32_t>{3, 4, 5});
  a = Array();
  CHECK(released == 4);  // two schemas, two arrays, each once
}

TEST_CASE("arrow: import of a struct gives row-major records; fixed-size lists give N * T") {
  static int32_t a_values[3] = {1, 2, 3};
  static double b_values[3] = {0.5, 1.5, 2.5};
  static int16_t pairs[6] = {1, 2, 3, 4, 5, 6};
  int released = 0;
  std::vector<const void*> a_buffers = {nullptr, a_values};
  std::vector<const void*> b_buffers = {nullptr, b_values};
  std::vector<const void*> item_buffers = {nullptr, pairs};
  std::vector<const void*> one_buffer = {nullptr};
  std::vector<const void*> struct_buffers = {nullptr};
  ArrowSchema a_schema = schema("i", &released, 0, "a");
  ArrowSchema b_schema = schema("g", &released, 0, "b");
  ArrowSchema item_schema = schema("s", &released, 0, "item");
  std::vector<ArrowSchema*> pair_kids = {&item_schema};
  ArrowSchema c_schema = schema("+w:2", &released, 0, "c", &pair_kids);
  std::vector<ArrowSchema*> kids = {&a_schema, &b_schema, &c_schema};
  ArrowSchema s = schema("+s", &released, 0, "", &kids);
  ArrowArray a_array = array(3, a_buffers, &released);
  ArrowArray b_array = array(3, b_buffers, &released);
  ArrowArray item_array = array(6, item_buffers, &released);
  std::vector<ArrowArray*> pair_items = {&item_array};
  ArrowArray c_array = array(3, one_buffer, &released, 0, 0, &pair_items);
  std::vector<ArrowArray*> columns = {&a_array, &b_array, &c_array};
  ArrowArray arr = array(2, struct_buffers, &released, 0, 1, &columns);  // rows 1, 2
  Array r = nd::from_arrow(&s, &arr);
  CHECK(r.dtype() == ndt::parse("{a: int32, b: float64, c: 2 * int16}"));
  struct Row {
    int32_t a;
    double b;
    int16_t c[2];
  };
  REQUIRE(r.dtype().size() == sizeof(Row));
  REQUIRE(r.dtype().fields()[2].offset == offsetof(Row, c));
  const auto* rows = reinterpret_cast<const Row*>(r.data());
  CHECK(rows[0].a == 2);
  CHECK(rows[0].b == 1.5);
  CHECK(rows[0].c[0] == 3);
  CHECK(rows[0].c[1] == 4);
  CHECK(rows[1].a == 3);
  CHECK(rows[1].b == 2.5);
  CHECK(rows[1].c[0] == 5);
  CHECK(rows[1].c[1] == 6);
  r = Array();
  CHECK(released == 10);
}

TEST_CASE("arrow: import errors leave both structs to the caller") {
  static int32_t data[2] = {1, 2};
  static uint8_t validity[1] = {0x01};
  int released = 0;
  auto refused = [&](ArrowSchema& s, ArrowArray& arr, ErrorCode code) {
    try {
      nd::from_arrow(&s, &arr);
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.code() == code);
    }
    CHECK(released == 0);
    REQUIRE_FALSE(is_released(s));  // not moved
    REQUIRE_FALSE(is_released(arr));
    s.release(&s);
    arr.release(&arr);
    CHECK(released == 2);
    released = 0;
  };
  {
    // A null in a column whose schema is not nullable.
    std::vector<const void*> buffers = {validity, data};
    ArrowSchema s = schema("i", &released);
    ArrowArray arr = array(2, buffers, &released, 1);
    refused(s, arr, ErrorCode::value);
  }
  {
    // Wrong buffer count.
    std::vector<const void*> buffers = {nullptr};
    ArrowSchema s = schema("i", &released);
    ArrowArray arr = array(2, buffers, &released);
    refused(s, arr, ErrorCode::value);
  }
  {
    // Dictionary-encoded.
    std::vector<const void*> buffers = {nullptr, data};
    ArrowSchema dictionary = schema("u", &released);
    ArrowSchema s = schema("i", &released);
    s.dictionary = &dictionary;
    ArrowArray arr = array(2, buffers, &released);
    refused(s, arr, ErrorCode::not_implemented);
    dictionary.release(&dictionary);
    released = 0;
  }
  {
    // Offsets past the child's end.
    static int32_t offsets[2] = {0, 4};
    std::vector<const void*> list_buffers = {nullptr, offsets};
    std::vector<const void*> item_buffers = {nullptr, data};
    ArrowSchema item_schema = schema("i", &released, 0, "item");
    std::vector<ArrowSchema*> kids = {&item_schema};
    ArrowSchema s = schema("+l", &released, 0, "", &kids);
    ArrowArray items = array(2, item_buffers, &released);
    std::vector<ArrowArray*> columns = {&items};
    ArrowArray arr = array(1, list_buffers, &released, 0, 0, &columns);
    try {
      nd::from_arrow(&s, &arr);
      FAIL("expected an error");
    } catch (const Error& e) {
      CHECK(e.code() == ErrorCode::value);
    }
    s.release(&s);
    arr.release(&arr);
    CHECK(released == 4);
    released = 0;
  }
  {
    std::vector<const void*> buffers = {nullptr, data};
    ArrowSchema s = schema("vu", &released);  // string view: no ndt type
    ArrowArray arr = array(2, buffers, &released);
    refused(s, arr, ErrorCode::not_implemented);
  }
}

// ===== round trips
// ==================================================================================

TEST_CASE("arrow: round trips through the C Data Interface") {
  SUBCASE("strided int64, then back to shared memory") {
    static int64_t data[6] = {10, 11, 12, 13, 14, 15};
    int released = 0;
    ArrowSchema s;
    ArrowArray arr;
    nd::to_arrow(from_buffer(data, ndt::int64, {3}, {16}, &released), &s, &arr);
    Array b = nd::from_arrow(&s, &arr);
    CHECK(values<int64_t>(b.data(), 3) == std::vector<int64_t>{10, 12, 14});
    b = Array();
    CHECK(released == 1);
  }
  SUBCASE("a contiguous column comes back as the same memory") {
    static float data[3] = {1.5f, 2.5f, 3.5f};
    ArrowSchema s;
    ArrowArray arr;
    nd::to_arrow(from_buffer(data, ndt::float32, {3}, {4}), &s, &arr);
    Array b = nd::from_arrow(&s, &arr);
    CHECK(b.data() == reinterpret_cast<char*>(data));
  }
  SUBCASE("?string keeps values and missing elements") {
    struct OptionString {
      Span value;
      uint8_t valid;
    };
    static OptionString data[3] = {{{"hello", 5}, 1}, {{nullptr, 0}, 0}, {{"", 0}, 1}};
    const ndt::Type t = ndt::parse("?string");
    REQUIRE(t.size() == sizeof(OptionString));
    ArrowSchema s;
    ArrowArray arr;
    nd::to_arrow(from_buffer(data, t, {3}, {sizeof(OptionString)}), &s, &arr);
    Array b = nd::from_arrow(&s, &arr);
    CHECK(b.dtype() == t);
    const auto* rows = reinterpret_cast<const OptionString*>(b.data());
    CHECK(std::string_view(rows[0].value.data, rows[0].value.size) == "hello");
    CHECK(rows[0].valid == 1);
    CHECK(rows[1].valid == 0);
    CHECK(rows[2].value.size == 0);
    CHECK(rows[2].valid == 1);
  }
  SUBCASE("2 * var * ?float64 through lists of options") {
    struct OptionDouble {
      double value;
      uint8_t valid;
    };
    static OptionDouble items[3] = {{1.0, 1}, {0.0, 0}, {3.0, 1}};
    static Span rows[2] = {{reinterpret_cast<const char*>(items), 2},
                           {reinterpret_cast<const char*>(items + 2), 1}};
    ArrowSchema s;
    ArrowArray arr;
    nd::to_arrow(from_buffer(rows, ndt::parse("var * ?float64"), {2}, {16}), &s, &arr);
    Array b = nd::from_arrow(&s, &arr);
    CHECK(b.dtype() == ndt::parse("var * ?float64"));
    Span e[2];
    std::memcpy(e, b.data(), sizeof e);
    REQUIRE(e[0].size == 2);
    REQUIRE(e[1].size == 1);
    const auto* first = reinterpret_cast<const OptionDouble*>(e[0].data);
    CHECK(first[0].value == 1.0);
    CHECK(first[0].valid == 1);
    CHECK(first[1].valid == 0);
    CHECK(reinterpret_cast<const OptionDouble*>(e[1].data)->value == 3.0);
  }
}
