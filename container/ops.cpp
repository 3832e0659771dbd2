// Operators and methods of nd::Array, through gfunc's registered functions.
#include <fmt/format.h>

#include "container/array.hpp"
#include "container/element.hpp"
#include "gfunc/call.hpp"
#include "gfunc/kernel.hpp"

namespace pluribus::nd {

namespace {

gfunc::CallOptions call_options(const std::shared_ptr<Memory>& memory, int max_threads, std::optional<int> axis,
                                bool skip_missing = true) {
  gfunc::CallOptions options;
  options.skip_missing = skip_missing;
  options.allocate = [memory](int64_t size, int64_t align) -> void* {
    return memory->allocate_extra(size, std::max<int64_t>(align, 1));
  };
  options.max_threads = max_threads;
  options.axis = axis;
  return options;
}

// gfunc's string results are std::malloc blocks: the result's memory takes them over.
void adopt_strings(const Array& a) {
  const ndt::Type& dtype = a.dtype();
  const bool option = dtype.kind() == ndt::Kind::Option;
  const ndt::Type& value = option ? dtype.child() : dtype;
  if (value.kind() != ndt::Kind::String) return;
  Memory& memory = *a.memory();
  element::for_each(a.data(), a.shape(), a.strides(), [&](char* p) {
    if (!option || p[value.size()] != 0) memory.adopt_malloc(element::var_slot(p).data);
  });
}

Array wrap(const gfunc::Buffer& buffer, const std::shared_ptr<Memory>& memory) {
  Array a = Array::from_buffer(buffer, memory);
  adopt_strings(a);
  return a;
}

}  // namespace

std::vector<Array> call(std::string_view function, std::span<const Array> args, const CallOptions& options) {
  const gfunc::Function& f = gfunc::builtins().get(function);
  std::vector<gfunc::BufferView> inputs;
  inputs.reserve(args.size());
  for (const Array& a : args) {
    if (!a) throw Error(ErrorCode::invalid_argument, fmt::format("{}: an empty array handle as argument", function));
    inputs.push_back(a.view());
  }
  if (!options.out.empty()) {
    std::vector<gfunc::BufferView> outputs;
    for (const Array& o : options.out) outputs.push_back(o.writable_view());
    // Ragged elements a call creates in out= arrays belong to the first one's memory.
    const auto& memory = options.out.front().memory();
    gfunc::call_into(f, inputs, outputs,
                     call_options(memory, options.max_threads, options.axis, options.skip_missing));
    // Strings the call wrote into out= arrays belong to those arrays from now on.
    for (const Array& o : options.out) adopt_strings(o);
    return options.out;
  }
  auto memory = Memory::arena();
  std::vector<gfunc::Buffer> buffers =
      gfunc::call(f, inputs, call_options(memory, options.max_threads, options.axis, options.skip_missing));
  std::vector<Array> results;
  results.reserve(buffers.size());
  for (const auto& b : buffers) results.push_back(wrap(b, memory));
  return results;
}

Array call1(std::string_view function, std::span<const Array> args, const CallOptions& options) {
  std::vector<Array> results = call(function, args, options);
  if (results.size() != 1)
    throw Error(ErrorCode::value, fmt::format("{} has {} outputs, not one", function, results.size()));
  return std::move(results.front());
}

Array reduce(std::string_view function, const Array& a, const ReduceOptions& options) {
  if (!a) throw Error(ErrorCode::invalid_argument, fmt::format("{}: an empty array handle", function));
  const gfunc::Function& f = gfunc::builtins().get(function);
  gfunc::ReduceOptions ro;
  ro.axes = options.axes;
  ro.keepdims = options.keepdims;
  ro.initial = options.initial;
  ro.skip_missing = options.skip_missing;
  auto memory = Memory::arena();
  if (options.out) {
    gfunc::reduce_into(f, a.view(), options.out->writable_view(), ro, call_options(memory, 0, std::nullopt));
    return *options.out;
  }
  return wrap(gfunc::reduce(f, a.view(), ro, call_options(memory, 0, std::nullopt)), memory);
}

Array where(const Array& condition, const Array& x, const Array& y) { return call1("where", {condition, x, y}); }

Array operator+(const Array& a, const Array& b) { return call1("add", {a, b}); }
Array operator-(const Array& a, const Array& b) { return call1("subtract", {a, b}); }
Array operator*(const Array& a, const Array& b) { return call1("multiply", {a, b}); }
Array operator/(const Array& a, const Array& b) { return call1("divide", {a, b}); }
Array operator%(const Array& a, const Array& b) { return call1("remainder", {a, b}); }
Array operator&(const Array& a, const Array& b) { return call1("bitwise_and", {a, b}); }
Array operator|(const Array& a, const Array& b) { return call1("bitwise_or", {a, b}); }
Array operator^(const Array& a, const Array& b) { return call1("bitwise_xor", {a, b}); }
Array operator<(const Array& a, const Array& b) { return call1("less", {a, b}); }
Array operator<=(const Array& a, const Array& b) { return call1("less_equal", {a, b}); }
Array operator>(const Array& a, const Array& b) { return call1("greater", {a, b}); }
Array operator>=(const Array& a, const Array& b) { return call1("greater_equal", {a, b}); }
Array operator==(const Array& a, const Array& b) { return call1("equal", {a, b}); }
Array operator!=(const Array& a, const Array& b) { return call1("not_equal", {a, b}); }
Array operator-(const Array& a) { return call1("negative", {a}); }
Array operator~(const Array& a) { return call1("invert", {a}); }
Array logical_not(const Array& a) { return call1("logical_not", {a}); }
Array logical_and(const Array& a, const Array& b) { return call1("logical_and", {a, b}); }
Array logical_or(const Array& a, const Array& b) { return call1("logical_or", {a, b}); }
Array logical_xor(const Array& a, const Array& b) { return call1("logical_xor", {a, b}); }

#define PLURIBUS_REDUCTION_METHOD(name)                                               \
  Array Array::name(std::optional<std::vector<int>> axes, bool keepdims) const {      \
    return reduce(#name, *this, ReduceOptions{std::move(axes), keepdims, std::nullopt, std::nullopt}); \
  }
PLURIBUS_REDUCTION_METHOD(sum)
PLURIBUS_REDUCTION_METHOD(prod)
PLURIBUS_REDUCTION_METHOD(min)
PLURIBUS_REDUCTION_METHOD(max)
PLURIBUS_REDUCTION_METHOD(mean)
PLURIBUS_REDUCTION_METHOD(any)
PLURIBUS_REDUCTION_METHOD(all)
#undef PLURIBUS_REDUCTION_METHOD

}  // namespace pluribus::nd
