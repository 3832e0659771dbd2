// The fast path of from_json for fixed dims of float64/int64 numbers: a hand scanner over the
// JSON grammar with std::from_chars, giving exactly the values the SAX path gives, or giving up.
#include <charconv>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

#include "ndt/type.hpp"

namespace pluribus::nd {

bool json_scan_numbers(std::string_view text, char* data, std::span<const int64_t> shape,
                       std::span<const int64_t> strides, ndt::Kind kind) noexcept;

namespace {

class Scanner {
 public:
  Scanner(std::string_view text, ndt::Kind kind)
      : p_(text.data()), end_(text.data() + text.size()), float_(kind == ndt::Kind::Float64) {}

  bool document(char* data, std::span<const int64_t> shape, std::span<const int64_t> strides) {
    if (!dims(data, shape, strides)) return false;
    skip();
    return p_ == end_;
  }

 private:
  void skip() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) ++p_;
  }
  bool expect(char c) {
    skip();
    if (p_ == end_ || *p_ != c) return false;
    ++p_;
    return true;
  }

  bool dims(char* data, std::span<const int64_t> shape, std::span<const int64_t> strides) {
    if (!expect('[')) return false;
    const int64_t n = shape[0];
    if (n == 0) return expect(']');
    const int64_t stride = strides[0];
    const bool inner = shape.size() == 1;
    for (int64_t i = 0; i < n; ++i) {
      char* element = data + i * stride;
      if (inner) {
        skip();
        if (!number(element)) return false;
      } else if (!dims(element, shape.subspan(1), strides.subspan(1))) {
        return false;
      }
      if (!expect(i + 1 < n ? ',' : ']')) return false;
    }
    return true;
  }

  static bool digit(char c) { return c >= '0' && c <= '9'; }

  // One number by JSON's grammar: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
  bool number(char* dest) {
    const char* start = p_;
    bool negative = false;
    if (p_ < end_ && *p_ == '-') {
      negative = true;
      ++p_;
    }
    if (p_ == end_) return false;
    if (*p_ == '0') {
      ++p_;
    } else if (digit(*p_)) {
      while (p_ < end_ && digit(*p_)) ++p_;
    } else {
      return false;
    }
    bool integral = true;
    if (p_ < end_ && *p_ == '.') {
      ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ < end_ && digit(*p_)) ++p_;
      integral = false;
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
      ++p_;
      if (p_ < end_ && (*p_ == '+' || *p_ == '-')) ++p_;
      if (p_ == end_ || !digit(*p_)) return false;
      while (p_ < end_ && digit(*p_)) ++p_;
      integral = false;
    }
    if (!float_) {
      if (!integral) return false;  // an error for int64: the SAX path words it
      int64_t value = 0;
      auto [ptr, ec] = std::from_chars(start, p_, value);
      if (ec != std::errc() || ptr != p_) return false;
      std::memcpy(dest, &value, sizeof value);
      return true;
    }
    double value = 0;
    if (integral) {
      // nlohmann reads an integer token as int64 (negative) or uint64, as a double only when
      // it overflows those; the reader then converts. "-0" is therefore 0.0, not -0.0.
      if (negative) {
        int64_t i = 0;
        auto [ptr, ec] = std::from_chars(start, p_, i);
        if (ec == std::errc() && ptr == p_) {
          value = static_cast<double>(i);
          std::memcpy(dest, &value, sizeof value);
          return true;
        }
        if (ec != std::errc::result_out_of_range) return false;
      } else {
        uint64_t u = 0;
        auto [ptr, ec] = std::from_chars(start, p_, u);
        if (ec == std::errc() && ptr == p_) {
          value = static_cast<double>(u);
          std::memcpy(dest, &value, sizeof value);
          return true;
        }
        if (ec != std::errc::result_out_of_range) return false;
      }
    }
    // Correctly rounded like strtod; out of range (overflow, underflow) goes to the SAX path.
    auto [ptr, ec] = std::from_chars(start, p_, value);
    if (ec != std::errc() || ptr != p_) return false;
    std::memcpy(dest, &value, sizeof value);
    return true;
  }

  const char* p_;
  const char* end_;
  bool float_;
};

}  // namespace

bool json_scan_numbers(std::string_view text, char* data, std::span<const int64_t> shape,
                       std::span<const int64_t> strides, ndt::Kind kind) noexcept {
  if (shape.empty() || (kind != ndt::Kind::Float64 && kind != ndt::Kind::Int64)) return false;
  return Scanner(text, kind).document(data, shape, strides);
}

}  // namespace pluribus::nd
