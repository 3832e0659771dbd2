// inner and matmul loops against a naive triple loop in long double (integers exactly),
// on awkward sizes and layouts: transposed, strided, negative-stride and broadcast
// (zero-stride) operands, batches through the outer loop count. The loops are called
// directly through the gufunc ABI.
#include <doctest/doctest.h>
#include <hwy/targets.h>
#include <tbb/global_control.h>

#include <cmath>
#include <complex>
#include <cstdint>
#include <cstring>
#include <limits>
#include <random>
#include <string>
#include <type_traits>
#include <vector>

#include "gfunc/kernel.hpp"
#include "gfunc/simd.hpp"
#include "gfunc/kernels/families.hpp"

using namespace pluribus;
using namespace pluribus::gfunc;

namespace {

template <typename T>
struct is_complex : std::false_type {};
template <typename F>
struct is_complex<std::complex<F>> : std::true_type {};

template <typename T>
struct real_of {
  using type = T;
};
template <typename F>
struct real_of<std::complex<F>> {
  using type = F;
};

template <typename T>
const char* dtype_name() {
  if constexpr (std::is_same_v<T, int32_t>) return "int32";
  if constexpr (std::is_same_v<T, int64_t>) return "int64";
  if constexpr (std::is_same_v<T, float>) return "float32";
  if constexpr (std::is_same_v<T, double>) return "float64";
  if constexpr (std::is_same_v<T, std::complex<float>>) return "complex64";
  if constexpr (std::is_same_v<T, std::complex<double>>) return "complex128";
}

const Registry& linalg_registry() {
  static Registry* r = [] {
    static Registry reg;
    kernels::register_linalg(reg);
    return &reg;
  }();
  return *r;
}

// The registry the checks below take their kernels from.
const Registry* current_registry = nullptr;

// The kernel of `name` for dtype T (its signature holds " * T,").
template <typename T>
const Kernel& kernel_for(const char* name) {
  const Function& f = (current_registry ? *current_registry : linalg_registry()).get(name);
  const std::string key = std::string(" * ") + dtype_name<T>() + ",";
  for (const Kernel& k : f.kernels())
    if (k.signature.str().find(key) != std::string::npos) return k;
  FAIL("no kernel for " << dtype_name<T>());
  return f.kernels().front();
}

int call(const Kernel& k, std::vector<char*> args, std::vector<int64_t> dims,
         std::vector<int64_t> steps) {
  LoopContext ctx;
  ctx.kernel_data = k.data;
  return k.strided(args.data(), dims.data(), steps.data(), &ctx);
}

// How a matrix (or vector: cols == 1) lies in memory.
enum class Layout { row, col, strided, negative, broadcast };
const char* layout_name(Layout l) {
  switch (l) {
    case Layout::row: return "row";
    case Layout::col: return "col";
    case Layout::strided: return "strided";
    case Layout::negative: return "negative";
    case Layout::broadcast: return "broadcast";
  }
  return "?";
}

// A batch of R x C matrices of T in a byte buffer; element (b, i, j) at
// base + b*bs + i*rs + j*cs. Bytes not covered by any element hold `fill_byte`.
template <typename T>
struct Mat {
  int64_t R, C, batch;
  int64_t rs = 0, cs = 0, bs = 0, base = 0;
  std::vector<char> buf;
  static constexpr int64_t es = sizeof(T);

  Mat(int64_t rows, int64_t cols, int64_t nbatch, Layout l, bool broadcast_batch = false,
      unsigned char fill_byte = 0xA5)
      : R(rows), C(cols), batch(nbatch) {
    int64_t span = 0;  // elements of one matrix
    switch (l) {
      case Layout::row: rs = C * es, cs = es, span = R * C; break;
      case Layout::col: rs = es, cs = R * es, span = R * C; break;
      case Layout::strided: rs = (2 * C + 3) * es, cs = 2 * es, span = R * (2 * C + 3); break;
      case Layout::negative: rs = -C * es, cs = -es, span = R * C, base = (R * C - 1) * es; break;
      case Layout::broadcast: rs = 0, cs = es, span = C; break;
    }
    span = std::max<int64_t>(span, 1);
    bs = broadcast_batch ? 0 : span * es;
    const int64_t nb = broadcast_batch ? 1 : batch;
    buf.assign(static_cast<size_t>(nb * span * es + 64), static_cast<char>(fill_byte));
    // keep elements aligned to their size (the executor's buffers are)
    const auto addr = reinterpret_cast<uintptr_t>(buf.data());
    const int64_t shift = static_cast<int64_t>((alignof(T) - addr % alignof(T)) % alignof(T));
    base += shift;
  }
  char* ptr(int64_t b, int64_t i, int64_t j) { return buf.data() + base + b * bs + i * rs + j * cs; }
  T get(int64_t b, int64_t i, int64_t j) {
    T v;
    std::memcpy(&v, ptr(b, i, j), sizeof(T));
    return v;
  }
  void set(int64_t b, int64_t i, int64_t j, T v) { std::memcpy(ptr(b, i, j), &v, sizeof(T)); }
  char* origin() { return buf.data() + base; }
};

template <typename T>
T random_value(std::mt19937_64& rng) {
  if constexpr (std::is_integral_v<T>) {
    return static_cast<T>(std::uniform_int_distribution<int>(-50, 50)(rng));
  } else if constexpr (is_complex<T>::value) {
    std::uniform_real_distribution<double> u(-1, 1);
    return T(static_cast<typename T::value_type>(u(rng)), static_cast<typename T::value_type>(u(rng)));
  } else {
    return static_cast<T>(std::uniform_real_distribution<double>(-1, 1)(rng));
  }
}

template <typename T>
void fill_random(Mat<T>& m, std::mt19937_64& rng) {
  for (int64_t b = 0; b < (m.bs ? m.batch : 1); ++b)
    for (int64_t i = 0; i < (m.rs ? m.R : 1); ++i)
      for (int64_t j = 0; j < m.C; ++j) m.set(b, i, j, random_value<T>(rng));
}

// Reference value and error bound of sum_k a_k * b_k.
template <typename T>
struct Acc {
  using L = std::conditional_t<is_complex<T>::value, std::complex<long double>, long double>;
  L sum{};
  long double mag = 0;  // sum of |a_k| * |b_k|
  uint64_t wrapped = 0;
  void add(T a, T b) {
    if constexpr (std::is_integral_v<T>) {
      wrapped += static_cast<uint64_t>(static_cast<int64_t>(a)) * static_cast<uint64_t>(static_cast<int64_t>(b));
    } else if constexpr (is_complex<T>::value) {
      const L la(a.real(), a.imag()), lb(b.real(), b.imag());
      sum += la * lb;
      mag += (std::abs(static_cast<long double>(a.real())) + std::abs(static_cast<long double>(a.imag()))) *
             (std::abs(static_cast<long double>(b.real())) + std::abs(static_cast<long double>(b.imag())));
    } else {
      sum += static_cast<long double>(a) * static_cast<long double>(b);
      mag += std::abs(static_cast<long double>(a) * static_cast<long double>(b));
    }
  }
  // Whether `got` is the exact (integers) or a correctly bounded (floats) result of k terms.
  bool check(T got, int64_t k) const {
    if constexpr (std::is_integral_v<T>) {
      return got == static_cast<T>(wrapped);
    } else {
      using F = long double;
      using E = typename real_of<T>::type;
      const long double eps = std::numeric_limits<E>::epsilon();
      const long double tol = static_cast<long double>(k + 4) * eps * mag + std::numeric_limits<E>::min();
      if constexpr (is_complex<T>::value) {
        return std::abs(static_cast<F>(got.real()) - sum.real()) <= tol &&
               std::abs(static_cast<F>(got.imag()) - sum.imag()) <= tol;
      } else {
        return std::abs(static_cast<F>(got) - sum) <= tol;
      }
    }
  }
};

struct Case {
  int64_t M, K, P, batch;
  Layout a, b, c;
  bool broadcast_b_batch = false;
};

template <typename T>
void check_matmul(const Case& cs, uint64_t seed) {
  CAPTURE(dtype_name<T>());
  CAPTURE(cs.M);
  CAPTURE(cs.K);
  CAPTURE(cs.P);
  CAPTURE(cs.batch);
  CAPTURE(layout_name(cs.a));
  CAPTURE(layout_name(cs.b));
  CAPTURE(layout_name(cs.c));
  std::mt19937_64 rng(seed);
  Mat<T> A(cs.M, cs.K, cs.batch, cs.a);
  Mat<T> B(cs.K, cs.P, cs.batch, cs.b, cs.broadcast_b_batch);
  Mat<T> C(cs.M, cs.P, cs.batch, cs.c, false, 0xFF);  // NaN / -1 garbage: must not be read
  fill_random(A, rng);
  fill_random(B, rng);
  const std::vector<char> before = C.buf;

  const Kernel& k = kernel_for<T>("matmul");
  REQUIRE(call(k, {A.origin(), B.origin(), C.origin()}, {cs.batch, cs.M, cs.K, cs.P},
               {A.bs, B.bs, C.bs, A.rs, A.cs, B.rs, B.cs, C.rs, C.cs}) == loop_ok);

  int64_t bad = 0;
  std::vector<char> touched(C.buf.size(), 0);
  for (int64_t b = 0; b < cs.batch; ++b) {
    for (int64_t i = 0; i < cs.M; ++i) {
      for (int64_t j = 0; j < cs.P; ++j) {
        Acc<T> acc;
        for (int64_t q = 0; q < cs.K; ++q) acc.add(A.get(b, i, q), B.get(b, q, j));
        if (!acc.check(C.get(b, i, j), cs.K) && ++bad <= 5) {
          CAPTURE(b);
          CAPTURE(i);
          CAPTURE(j);
          CHECK(acc.check(C.get(b, i, j), cs.K));
        }
        std::memset(touched.data() + (C.ptr(b, i, j) - C.buf.data()), 1, sizeof(T));
      }
    }
  }
  CHECK(bad == 0);
  // Nothing outside the output's elements is written.
  int64_t stray = 0;
  for (size_t x = 0; x < C.buf.size(); ++x) stray += !touched[x] && C.buf[x] != before[x];
  CHECK(stray == 0);
}

template <typename T>
void check_inner(int64_t n, int64_t len, Layout la, Layout lb, uint64_t seed) {
  CAPTURE(dtype_name<T>());
  CAPTURE(n);
  CAPTURE(len);
  CAPTURE(layout_name(la));
  CAPTURE(layout_name(lb));
  std::mt19937_64 rng(seed);
  // n vectors of length len: rows of an n x len matrix
  Mat<T> A(n, len, 1, la);
  Mat<T> B(n, len, 1, lb);
  Mat<T> out(n, 1, 1, Layout::strided, false, 0xFF);
  fill_random(A, rng);
  fill_random(B, rng);
  const Kernel& k = kernel_for<T>("inner");
  REQUIRE(call(k, {A.origin(), B.origin(), out.origin()}, {n, len},
               {A.rs, B.rs, out.rs, A.cs, B.cs}) == loop_ok);
  int64_t bad = 0;
  for (int64_t i = 0; i < n; ++i) {
    Acc<T> acc;
    for (int64_t q = 0; q < len; ++q) acc.add(A.get(0, i, q), B.get(0, i, q));
    bad += !acc.check(out.get(0, i, 0), len);
  }
  CHECK(bad == 0);
}

template <typename T>
void matmul_suite(uint64_t seed) {
  using L = Layout;
  const Case cases[] = {
      {1, 1, 1, 1, L::row, L::row, L::row},
      {1, 17, 1, 1, L::row, L::row, L::row},
      {1, 300, 9, 1, L::row, L::row, L::row},      // 1 x K times K x P
      {9, 300, 1, 1, L::row, L::col, L::row},      // matrix times vector
      {7, 13, 5, 1, L::row, L::row, L::row},       // small: the unpacked loop
      {7, 13, 9, 1, L::row, L::row, L::row},       // packed, edge tiles only
      {3, 0, 4, 2, L::row, L::row, L::row},        // empty sum: zeros
      {0, 5, 4, 2, L::row, L::row, L::row},        // nothing to write
      {64, 64, 64, 1, L::row, L::row, L::row},
      {64, 64, 64, 1, L::col, L::col, L::col},     // all transposed
      {64, 64, 64, 1, L::strided, L::negative, L::strided},
      {33, 70, 41, 1, L::negative, L::strided, L::negative},
      {20, 30, 40, 1, L::broadcast, L::row, L::row},  // every row of A the same
      {20, 30, 40, 1, L::row, L::broadcast, L::col},  // every row of B the same
      {129, 257, 65, 1, L::row, L::row, L::row},   // crosses kc (accumulates), threads
      {129, 257, 65, 1, L::col, L::strided, L::negative},
      {300, 20, 30, 1, L::row, L::col, L::row},    // several row blocks
      {5, 20, 2100, 1, L::row, L::row, L::strided},  // crosses nc
      {6, 16, 16, 4, L::row, L::row, L::row},      // batch
      {13, 9, 11, 3, L::negative, L::col, L::strided},
  };
  uint64_t s = seed;
  for (const Case& c : cases) check_matmul<T>(c, s++);
  check_matmul<T>({10, 40, 12, 3, L::row, L::row, L::row, true}, s++);  // B broadcast over the batch
}

template <typename T>
void inner_suite(uint64_t seed) {
  using L = Layout;
  const int64_t lens[] = {0, 1, 3, 4, 7, 8, 15, 16, 17, 31, 33, 64, 100, 1000};
  uint64_t s = seed;
  for (int64_t len : lens) {
    check_inner<T>(5, len, L::row, L::row, s++);
    check_inner<T>(3, len, L::strided, L::negative, s++);
    check_inner<T>(4, len, L::col, L::row, s++);
    check_inner<T>(4, len, L::broadcast, L::row, s++);
  }
  check_inner<T>(0, 5, L::row, L::row, s++);
}

}  // namespace

TEST_CASE("linalg: kernels registered narrow first, matmul never in place") {
  const Function& inner = linalg_registry().get("inner");
  const Function& matmul = linalg_registry().get("matmul");
  REQUIRE(inner.kernels().size() == 6);
  REQUIRE(matmul.kernels().size() == 6);
  CHECK(inner.kernels()[0].signature.str() == "(... * N * int32, ... * N * int32) -> ... * int32");
  CHECK(inner.kernels()[3].signature.str() ==
        "(... * N * float64, ... * N * float64) -> ... * float64");
  CHECK(matmul.kernels()[3].signature.str() ==
        "(... * M * N * float64, ... * N * P * float64) -> ... * M * P * float64");
  CHECK(matmul.kernels()[5].signature.str() ==
        "(... * M * N * complex128, ... * N * P * complex128) -> ... * M * P * complex128");
  for (const Kernel& k : matmul.kernels()) CHECK((k.flags & kernel_no_inplace) != 0);
}

TEST_CASE("linalg: matmul matches a long double triple loop") {
  SUBCASE("int32") { matmul_suite<int32_t>(100); }
  SUBCASE("int64") { matmul_suite<int64_t>(200); }
  SUBCASE("float32") { matmul_suite<float>(300); }
  SUBCASE("float64") { matmul_suite<double>(400); }
  SUBCASE("complex64") { matmul_suite<std::complex<float>>(500); }
  SUBCASE("complex128") { matmul_suite<std::complex<double>>(600); }
}

TEST_CASE("linalg: inner matches a long double loop") {
  SUBCASE("int32") { inner_suite<int32_t>(1100); }
  SUBCASE("int64") { inner_suite<int64_t>(1200); }
  SUBCASE("float32") { inner_suite<float>(1300); }
  SUBCASE("float64") { inner_suite<double>(1400); }
  SUBCASE("complex64") { inner_suite<std::complex<float>>(1500); }
  SUBCASE("complex128") { inner_suite<std::complex<double>>(1600); }
}

TEST_CASE("linalg: integer matmul and inner wrap around") {
  const int32_t big = 1 << 20;
  std::vector<int32_t> a{big, big, big, big}, b{big, 3, big, 5}, c(4, 0);
  const Kernel& k = kernel_for<int32_t>("matmul");
  // [[big, big], [big, big]] x [[big, 3], [big, 5]]: big*big = 2^40 wraps to 0 in int32
  REQUIRE(call(k, {reinterpret_cast<char*>(a.data()), reinterpret_cast<char*>(b.data()),
                   reinterpret_cast<char*>(c.data())},
               {1, 2, 2, 2}, {0, 0, 0, 8, 4, 8, 4, 8, 4}) == loop_ok);
  CHECK(c == std::vector<int32_t>{0, big * 8, 0, big * 8});
  int32_t out = 1;
  const Kernel& ki = kernel_for<int32_t>("inner");
  int32_t x[2] = {INT32_MAX, INT32_MAX}, y[2] = {2, 2};
  REQUIRE(call(ki, {reinterpret_cast<char*>(x), reinterpret_cast<char*>(y), reinterpret_cast<char*>(&out)},
               {1, 2}, {0, 0, 0, 4, 4}) == loop_ok);
  CHECK(out == -4);  // 2 * (2^32 - 2) wraps to -4
}

TEST_CASE("linalg: float matmul results do not depend on the thread count") {
  const int64_t M = 200, K = 300, P = 150;
  std::mt19937_64 rng(7);
  Mat<double> A(M, K, 1, Layout::row), B(K, P, 1, Layout::col);
  fill_random(A, rng);
  fill_random(B, rng);
  const Kernel& k = kernel_for<double>("matmul");
  auto run = [&] {
    Mat<double> C(M, P, 1, Layout::row);
    REQUIRE(call(k, {A.origin(), B.origin(), C.origin()}, {1, M, K, P},
                 {0, 0, 0, A.rs, A.cs, B.rs, B.cs, C.rs, C.cs}) == loop_ok);
    return C.buf;
  };
  const std::vector<char> many = run();
  std::vector<char> one;
  {
    tbb::global_control single(tbb::global_control::max_allowed_parallelism, 1);
    one = run();
  }
  CHECK(many == one);
}

TEST_CASE("linalg: special values propagate through float matmul and inner") {
  const double inf = std::numeric_limits<double>::infinity();
  const int64_t n = 16;
  std::vector<double> a(n * n, 1.0), b(n * n, 1.0), c(n * n, 0.0);
  a[3 * n + 5] = std::nan("");
  b[2 * n + 7] = inf;
  const Kernel& k = kernel_for<double>("matmul");
  REQUIRE(call(k, {reinterpret_cast<char*>(a.data()), reinterpret_cast<char*>(b.data()),
                   reinterpret_cast<char*>(c.data())},
               {1, n, n, n}, {0, 0, 0, n * 8, 8, n * 8, 8, n * 8, 8}) == loop_ok);
  for (int64_t j = 0; j < n; ++j) CHECK(std::isnan(c[3 * n + j]));
  CHECK(c[0 * n + 7] == inf);
  CHECK(c[0 * n + 6] == static_cast<double>(n));
}

TEST_CASE("linalg: float kernels of every Highway target this CPU runs") {
  for (const int64_t target : hwy::SupportedAndGeneratedTargets()) {
    CAPTURE(hwy::TargetName(target));
    kernels::use_simd_target(target);
    Registry r;
    kernels::register_linalg(r);  // resolves to `target`
    current_registry = &r;
    matmul_suite<float>(700);
    matmul_suite<double>(800);
    inner_suite<float>(900);
    inner_suite<double>(1000);
    current_registry = nullptr;
  }
  kernels::use_simd_target(0);
}
