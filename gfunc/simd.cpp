// Chooses the SIMD target once: Highway's best supported target, capped by
// PLURIBUS_SIMD_TARGET.
#include "gfunc/simd.hpp"

#include <fmt/format.h>
#include <hwy/targets.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string_view>
#include <utility>

namespace pluribus::gfunc {

namespace {

// The targets a cap may name, best first (Highway's x86 bits grow as targets get older).
constexpr std::array<std::pair<std::string_view, int64_t>, 6> kCaps{{
    {"AVX3_DL", HWY_AVX3_DL},
    {"AVX3", HWY_AVX3},
    {"AVX2", HWY_AVX2},
    {"SSE4", HWY_SSE4},
    {"SSSE3", HWY_SSSE3},
    {"SCALAR", HWY_SCALAR},
}};

bool same_name(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != b[i]) return false;
  }
  return true;
}

// The targets PLURIBUS_SIMD_TARGET rules out (none when it is unset or names no target).
int64_t capped_out() {
  const char* value = std::getenv("PLURIBUS_SIMD_TARGET");
  if (value == nullptr || *value == '\0') return 0;
  for (const auto& [name, bit] : kCaps) {
    if (same_name(value, name)) return bit - 1;  // every better target has a lower bit
  }
  fmt::print(stderr,
             "pluribus: PLURIBUS_SIMD_TARGET={} names none of AVX3_DL, AVX3, AVX2, SSE4, SSSE3, SCALAR; "
             "the best supported target is used\n",
             value);
  return 0;
}

// The targets the kernels may use: Highway's supported targets under the cap, read once.
// The dispatch index comes from a ChosenTarget of our own, not Highway's process-wide
// one, which Highway 1.0.3's SupportedTargets() resets to every detected target.
struct Choice {
  int64_t targets = 0;             // capped supported targets
  std::atomic<int64_t> current{0}; // the target in use: the best of `targets`, or a test's
  hwy::ChosenTarget index;
};

// Points the kernels at `target`, or at the best of c.targets when it is 0.
void point_at(Choice& c, int64_t target) {
  if (target == 0) {
    const int64_t compiled = c.targets & HWY_TARGETS;
    c.current = compiled ? (compiled & -compiled) : HWY_SCALAR;
    c.index.Update(c.targets);
  } else {
    c.current = target;
    c.index.Update(target);
  }
}

Choice& choice() {
  static Choice c;
  static std::once_flag once;
  std::call_once(once, [] {
    // Only this library's kernels are capped; Highway's process-wide choice is left alone.
    c.targets = (hwy::SupportedTargets() & ~capped_out()) | HWY_SCALAR;
    point_at(c, 0);
  });
  return c;
}

}  // namespace

const char* simd_target() noexcept { return hwy::TargetName(choice().current.load()); }

namespace kernels {

std::size_t simd_target_index() noexcept { return choice().index.GetIndex(); }

void use_simd_target(int64_t target) noexcept { point_at(choice(), target); }

}  // namespace kernels

}  // namespace pluribus::gfunc
