// Deep copies and deep comparisons of single elements, whatever their dtype.
#include "container/element.hpp"

#include <fmt/format.h>

#include <cmath>
#include <complex>

#include "ndt/checked.hpp"
#include "ndt/error.hpp"

namespace pluribus::nd::element {

using ndt::Kind;

bool has_references(const ndt::Type& t) {
  switch (t.kind()) {
    case Kind::String:
    case Kind::Bytes:
    case Kind::Json:
    case Kind::VarDim:
    case Kind::Pointer:
    case Kind::TypeType:
      return true;
    case Kind::FixedDim:
    case Kind::Option:
    case Kind::Nominal:
    case Kind::Constructor:
      return has_references(t.child());
    case Kind::Record:
    case Kind::Tuple:
    case Kind::Union:
      for (const auto& f : t.fields())
        if (has_references(f.type)) return true;
      return false;
    default:
      return false;
  }
}

bool has_option(const ndt::Type& t) {
  switch (t.kind()) {
    case Kind::Option:
      return true;
    case Kind::FixedDim:
    case Kind::VarDim:
    case Kind::Nominal:
    case Kind::Constructor:
      return has_option(t.child());
    case Kind::Record:
    case Kind::Tuple:
    case Kind::Union:
      for (const auto& f : t.fields())
        if (has_option(f.type)) return true;
      return false;
    default:
      return false;
  }
}

void deep_copy(const ndt::Type& t, char* dst, const char* src, Memory& memory) {
  if (!has_references(t)) {
    if (dst != src) std::memmove(dst, src, static_cast<std::size_t>(t.size()));
    return;
  }
  switch (t.kind()) {
    case Kind::String:
    case Kind::Json:
    case Kind::Bytes: {
      Slot s = var_slot(src);
      if (s.data == nullptr) {
        set_slot(dst, nullptr, 0);
        return;
      }
      int64_t align = t.kind() == Kind::Bytes ? t.target_align() : 1;
      char* p = memory.allocate_extra(ndt::detail::checked_add(s.size, 1, "string size"), align);
      std::memcpy(p, s.data, static_cast<std::size_t>(s.size));
      p[s.size] = '\0';
      set_slot(dst, p, s.size);
      return;
    }
    case Kind::VarDim: {
      Slot s = var_slot(src);
      const ndt::Type& e = t.child();
      if (s.data == nullptr || s.size == 0) {
        set_slot(dst, nullptr, 0);
        return;
      }
      int64_t bytes = ndt::detail::checked_mul(s.size, e.size(), "ragged element size");
      char* p = memory.allocate_extra(bytes, e.align());
      if (!has_references(e)) {
        std::memcpy(p, s.data, static_cast<std::size_t>(bytes));
      } else {
        std::memset(p, 0, static_cast<std::size_t>(bytes));
        for (int64_t i = 0; i < s.size; ++i) deep_copy(e, p + i * e.size(), s.data + i * e.size(), memory);
      }
      set_slot(dst, p, s.size);
      return;
    }
    case Kind::FixedDim:
      for (int64_t i = 0; i < t.shape(); ++i) deep_copy(t.child(), dst + i * t.stride(), src + i * t.stride(), memory);
      return;
    case Kind::Nominal:
    case Kind::Constructor:
      deep_copy(t.child(), dst, src, memory);
      return;
    case Kind::Option: {
      const int64_t n = t.child().size();
      const bool valid = src[n] != 0;
      if (valid) {
        deep_copy(t.child(), dst, src, memory);
      } else {
        std::memset(dst, 0, static_cast<std::size_t>(n));
      }
      dst[n] = valid ? 1 : 0;
      return;
    }
    case Kind::Record:
    case Kind::Tuple:
      for (const auto& f : t.fields()) deep_copy(f.type, dst + f.offset, src + f.offset, memory);
      return;
    case Kind::Union: {
      const auto tag = static_cast<uint8_t>(*src);
      auto fields = t.fields();
      if (tag >= fields.size()) throw Error(ErrorCode::value, fmt::format("union tag {} is out of range", tag));
      std::memset(dst, 0, static_cast<std::size_t>(t.size()));
      *dst = static_cast<char>(tag);
      deep_copy(fields[tag].type, dst + fields[tag].offset, src + fields[tag].offset, memory);
      return;
    }
    default:
      throw Error(ErrorCode::not_implemented, fmt::format("cannot copy elements of type {}", t.str()));
  }
}

namespace {
template <class T>
bool float_equal(const char* x, const char* y, bool nan_equal) {
  T a, b;
  std::memcpy(&a, x, sizeof(T));
  std::memcpy(&b, y, sizeof(T));
  if (nan_equal && std::isnan(a) && std::isnan(b)) return true;
  return a == b;
}
}  // namespace

bool deep_equal(const ndt::Type& t, const char* x, const char* y, bool nan_equal) {
  switch (t.kind()) {
    case Kind::Float32:
      return float_equal<float>(x, y, nan_equal);
    case Kind::Float64:
      return float_equal<double>(x, y, nan_equal);
    case Kind::Complex64:
      return float_equal<float>(x, y, nan_equal) && float_equal<float>(x + 4, y + 4, nan_equal);
    case Kind::Complex128:
      return float_equal<double>(x, y, nan_equal) && float_equal<double>(x + 8, y + 8, nan_equal);
    case Kind::String:
    case Kind::Json:
    case Kind::Bytes:
      return string_at(x) == string_at(y);
    case Kind::VarDim: {
      Slot a = var_slot(x), b = var_slot(y);
      if (a.size != b.size) return false;
      const ndt::Type& e = t.child();
      for (int64_t i = 0; i < a.size; ++i)
        if (!deep_equal(e, a.data + i * e.size(), b.data + i * e.size(), nan_equal)) return false;
      return true;
    }
    case Kind::FixedDim:
      for (int64_t i = 0; i < t.shape(); ++i)
        if (!deep_equal(t.child(), x + i * t.stride(), y + i * t.stride(), nan_equal)) return false;
      return true;
    case Kind::Nominal:
    case Kind::Constructor:
      return deep_equal(t.child(), x, y, nan_equal);
    case Kind::Option: {
      const int64_t n = t.child().size();
      const bool vx = x[n] != 0, vy = y[n] != 0;
      if (vx != vy) return false;
      return !vx || deep_equal(t.child(), x, y, nan_equal);
    }
    case Kind::Record:
    case Kind::Tuple:
      for (const auto& f : t.fields())
        if (!deep_equal(f.type, x + f.offset, y + f.offset, nan_equal)) return false;
      return true;
    case Kind::Union: {
      if (*x != *y) return false;
      const auto tag = static_cast<uint8_t>(*x);
      auto fields = t.fields();
      if (tag >= fields.size()) return false;
      return deep_equal(fields[tag].type, x + fields[tag].offset, y + fields[tag].offset, nan_equal);
    }
    default:
      return std::memcmp(x, y, static_cast<std::size_t>(t.size())) == 0;
  }
}

}  // namespace pluribus::nd::element
