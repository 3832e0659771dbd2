// The one exception family of Pluribus. Every error carries a code that maps 1:1
// onto the C API's plb_status values (capi/pluribus.h keeps the same numbers).
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "ndt/api.hpp"

namespace pluribus {

// Numbers are part of the C ABI: never renumber, only append.
enum class ErrorCode : int {
  ok = 0,
  invalid_argument = 1,  // a NULL or out-of-domain argument
  parse = 2,             // malformed datashape / JSON / format string
  type = 3,              // a type that does not fit the operation
  value = 4,             // a value that does not fit (bad cast, bad data)
  index = 5,             // an index or field out of range
  overflow = 6,          // a size or index computation overflowed
  memory = 7,            // allocation failure
  not_implemented = 8,   // a valid request with no mapping (e.g. no Arrow format)
  lookup = 9,            // an unknown name (typedef, function)
  internal = 10,         // a bug: please report
};

class PLURIBUS_API Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

// A positioned parse error. what() is the full message with the offending line and a
// caret under the column; message() is the bare description.
class PLURIBUS_API ParseError : public Error {
 public:
  ParseError(const std::string& full, std::string message, int line, int column)
      : Error(ErrorCode::parse, full), message_(std::move(message)), line_(line), column_(column) {}
  const std::string& message() const noexcept { return message_; }
  int line() const noexcept { return line_; }      // 1-based
  int column() const noexcept { return column_; }  // 1-based, in bytes

 private:
  std::string message_;
  int line_;
  int column_;
};

// Builds the caret message for `input` at byte offset `pos` and throws a ParseError.
[[noreturn]] PLURIBUS_API void throw_parse_error(std::string_view input, std::size_t pos,
                                    const std::string& message);

}  // namespace pluribus
