// Positioned parse errors: the line of input with a caret under the offending column.
#include <fmt/format.h>

#include "ndt/error.hpp"

namespace pluribus {

void throw_parse_error(std::string_view input, std::size_t pos, const std::string& message) {
  if (pos > input.size()) pos = input.size();
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < pos; ++i) {
    if (input[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  std::size_t line_end = input.find('\n', line_start);
  if (line_end == std::string_view::npos) line_end = input.size();
  const int column = static_cast<int>(pos - line_start) + 1;
  // Tabs stay tabs under the caret so it lines up in a terminal.
  std::string pad;
  for (std::size_t i = line_start; i < pos; ++i) pad += input[i] == '\t' ? '\t' : ' ';
  std::string full = fmt::format("line {}, column {}: {}\n  {}\n  {}^", line, column, message,
                                 input.substr(line_start, line_end - line_start), pad);
  throw ParseError(full, message, line, column);
}

}  // namespace pluribus
