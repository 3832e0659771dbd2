// Reading and writing one scalar at any byte address (operands need not be aligned).
#pragma once

#include <cstring>

namespace pluribus::gfunc::kernels {

template <class T>
T load(const char* p) noexcept {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}
template <class T>
void store(char* p, T v) noexcept {
  std::memcpy(p, &v, sizeof(T));
}

}  // namespace pluribus::gfunc::kernels
