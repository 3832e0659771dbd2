// plb_error, plb_status, strings and the version: the C ABI's error reporting plumbing.
#include <cstdlib>
#include <cstring>
#include <new>

#include <fmt/format.h>

#include "boundary.hpp"

namespace {

using pluribus::ErrorCode;

// plb_status is the C spelling of ErrorCode: the numbers must agree.
static_assert(PLB_OK == static_cast<int>(ErrorCode::ok));
static_assert(PLB_INVALID_ARGUMENT == static_cast<int>(ErrorCode::invalid_argument));
static_assert(PLB_PARSE_ERROR == static_cast<int>(ErrorCode::parse));
static_assert(PLB_TYPE_ERROR == static_cast<int>(ErrorCode::type));
static_assert(PLB_VALUE_ERROR == static_cast<int>(ErrorCode::value));
static_assert(PLB_INDEX_ERROR == static_cast<int>(ErrorCode::index));
static_assert(PLB_OVERFLOW_ERROR == static_cast<int>(ErrorCode::overflow));
static_assert(PLB_MEMORY_ERROR == static_cast<int>(ErrorCode::memory));
static_assert(PLB_NOT_IMPLEMENTED == static_cast<int>(ErrorCode::not_implemented));
static_assert(PLB_LOOKUP_ERROR == static_cast<int>(ErrorCode::lookup));
static_assert(PLB_INTERNAL_ERROR == static_cast<int>(ErrorCode::internal));

// Fills `err` without throwing: if the strings cannot be stored, the status survives
// with a static message.
plb_status record(plb_error* err, plb_status code, const char* message, const char* description,
                  int line, int column) noexcept {
  if (!err) return code;
  err->code = code;
  err->line = line;
  err->column = column;
  try {
    err->message.assign(message);
    err->description.assign(description);
    err->static_message = nullptr;
  } catch (...) {
    err->message.clear();
    err->description.clear();
    err->static_message = code == PLB_MEMORY_ERROR ? "out of memory"
                                                   : "error (out of memory for its message)";
  }
  return code;
}

plb_status to_status(ErrorCode code) noexcept {
  const int n = static_cast<int>(code);
  if (n < PLB_INVALID_ARGUMENT || n > PLB_INTERNAL_ERROR) return PLB_INTERNAL_ERROR;
  return static_cast<plb_status>(n);
}

}  // namespace

namespace pluribus::capi {

plb_status fail(plb_error* err, plb_status code, const char* message) noexcept {
  return record(err, code, message, message, 0, 0);
}

plb_status fail_current(plb_error* err) noexcept {
  try {
    throw;
  } catch (const ParseError& e) {
    return record(err, PLB_PARSE_ERROR, e.what(), e.message().c_str(), e.line(), e.column());
  } catch (const Error& e) {
    return record(err, to_status(e.code()), e.what(), e.what(), 0, 0);
  } catch (const NullArgument& e) {
    try {
      const std::string message = fmt::format("argument '{}' is NULL", e.name);
      return fail(err, PLB_INVALID_ARGUMENT, message.c_str());
    } catch (...) {
      return fail(err, PLB_INVALID_ARGUMENT, "a required argument is NULL");
    }
  } catch (const std::bad_alloc&) {
    return fail(err, PLB_MEMORY_ERROR, "out of memory");
  } catch (const std::length_error& e) {
    return fail(err, PLB_MEMORY_ERROR, e.what());
  } catch (const std::exception& e) {
    return fail(err, PLB_INTERNAL_ERROR, e.what());
  } catch (...) {
    return fail(err, PLB_INTERNAL_ERROR, "unknown C++ exception");
  }
}

char* give_string(const std::string& text) {
  char* out = static_cast<char*>(std::malloc(text.size() + 1));
  if (!out) throw std::bad_alloc();
  std::memcpy(out, text.data(), text.size());
  out[text.size()] = '\0';
  return out;
}

std::string_view text_argument(const char* text, size_t length, const char* name) {
  require(text, name);
  if (length == PLB_NUL_TERMINATED) return std::string_view(text);
  return std::string_view(text, length);
}

}  // namespace pluribus::capi

extern "C" {

const char* plb_version(void) {
#define PLB_STRINGIFY2(x) #x
#define PLB_STRINGIFY(x) PLB_STRINGIFY2(x)
  return PLB_STRINGIFY(PLURIBUS_VERSION_MAJOR) "." PLB_STRINGIFY(
      PLURIBUS_VERSION_MINOR) "." PLB_STRINGIFY(PLURIBUS_VERSION_PATCH);
#undef PLB_STRINGIFY
#undef PLB_STRINGIFY2
}

int plb_version_number(void) { return PLURIBUS_VERSION_NUMBER; }

const char* plb_status_name(plb_status status) {
  switch (status) {
    case PLB_OK: return "ok";
    case PLB_INVALID_ARGUMENT: return "invalid argument";
    case PLB_PARSE_ERROR: return "parse error";
    case PLB_TYPE_ERROR: return "type error";
    case PLB_VALUE_ERROR: return "value error";
    case PLB_INDEX_ERROR: return "index error";
    case PLB_OVERFLOW_ERROR: return "overflow error";
    case PLB_MEMORY_ERROR: return "memory error";
    case PLB_NOT_IMPLEMENTED: return "not implemented";
    case PLB_LOOKUP_ERROR: return "lookup error";
    case PLB_INTERNAL_ERROR: return "internal error";
  }
  return "unknown status";
}

plb_error* plb_error_new(void) { return new (std::nothrow) plb_error(); }

void plb_error_free(plb_error* err) { delete err; }

void plb_error_clear(plb_error* err) {
  if (!err) return;
  err->code = PLB_OK;
  err->message.clear();
  err->description.clear();
  err->line = 0;
  err->column = 0;
  err->static_message = nullptr;
}

plb_status plb_error_code(const plb_error* err) { return err ? err->code : PLB_OK; }

const char* plb_error_message(const plb_error* err) {
  if (!err) return "";
  return err->static_message ? err->static_message : err->message.c_str();
}

const char* plb_error_description(const plb_error* err) {
  if (!err) return "";
  return err->static_message ? err->static_message : err->description.c_str();
}

int plb_error_line(const plb_error* err) { return err ? err->line : 0; }
int plb_error_column(const plb_error* err) { return err ? err->column : 0; }

void plb_string_free(char* string) { std::free(string); }

}  // extern "C"
