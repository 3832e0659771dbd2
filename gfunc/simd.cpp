// Chooses the SIMD target once: Highway's best supported target, capped by
// PLURIBUS_SIMD_TARGET.
#include "gfunc/simd.hpp"

#include <fmt/format.h>
#include <hwy/targets.h>

#include <array>
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

void apply_cap() {
  const char* value = std::getenv("PLURIBUS_SIMD_TARGET");
  if (value == nullptr || *value == '\0') return;
  for (const auto& [name, bit] : kCaps) {
    if (same_name(value, name)) {
      // Every target better than the named one has a lower bit.
      hwy::DisableTargets(bit - 1);
      return;
    }
  }
  fmt::print(stderr,
             "pluribus: PLURIBUS_SIMD_TARGET={} names none of AVX3_DL, AVX3, AVX2, SSE4, SSSE3, SCALAR; "
             "the best supported target is used\n",
             value);
}

hwy::ChosenTarget& chosen() {
  static std::once_flag once;
  std::call_once(once, [] {
    apply_cap();
    hwy::GetChosenTarget().Update(hwy::SupportedTargets());
  });
  return hwy::GetChosenTarget();
}

}  // namespace

const char* simd_target() noexcept {
  chosen();
  const int64_t targets = hwy::SupportedTargets() & HWY_TARGETS;
  return targets ? hwy::TargetName(targets & -targets) : "SCALAR";
}

namespace kernels {
std::size_t simd_target_index() noexcept { return chosen().GetIndex(); }
}  // namespace kernels

}  // namespace pluribus::gfunc
