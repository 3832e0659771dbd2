// Internal to the Arrow exchange: what export and import agree on about layouts.
#pragma once

#include "ndt/type.hpp"

namespace pluribus::nd {

// Kinds whose values are one fixed-width Arrow values buffer, byte for byte.
inline bool arrow_fixed_width(ndt::Kind kind) {
  using ndt::Kind;
  switch (kind) {
    case Kind::Int8:
    case Kind::Int16:
    case Kind::Int32:
    case Kind::Int64:
    case Kind::UInt8:
    case Kind::UInt16:
    case Kind::UInt32:
    case Kind::UInt64:
    case Kind::Float16:
    case Kind::Float32:
    case Kind::Float64:
    case Kind::Date:
    case Kind::Time:
    case Kind::DateTime:
    case Kind::TimeDelta:
    case Kind::Decimal:
    case Kind::FixedBytes:
      return true;
    default:
      return false;
  }
}

}  // namespace pluribus::nd
