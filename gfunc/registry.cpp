// The registry: functions by name, each with its kernels in registration order.
#include <algorithm>
#include <cmath>
#include <mutex>

#include <fmt/format.h>

#include "gfunc/dispatch.hpp"
#include "gfunc/define.hpp"
#include "gfunc/kernel.hpp"

namespace pluribus::gfunc {

int Kernel::nin() const noexcept { return static_cast<int>(signature.npositional()); }
int Kernel::nout() const noexcept { return static_cast<int>(signature.outputs().size()); }

Function::Function(std::string name)
    : name_(std::move(name)), identity_(std::nan("")), cache_(std::make_unique<Cache>()) {}
Function::~Function() = default;

void Function::add(Kernel kernel) {
  check(kernel);
  kernels_.push_back(std::move(kernel));
  cache_->clear();
}

// push_front keeps references to the other kernels valid, as push_back does: resolutions
// made before still point at live kernels.
void Function::add_first(Kernel kernel) {
  check(kernel);
  kernels_.push_front(std::move(kernel));
  cache_->clear();
}

void Function::check(const Kernel& kernel) {
  if (!kernel.signature || kernel.signature.kind() != ndt::Kind::Function)
    throw Error(ErrorCode::type, fmt::format("function '{}': a kernel signature must be a function type", name_));
  if (!kernel.strided)
    throw Error(ErrorCode::invalid_argument, fmt::format("function '{}': a kernel needs a strided loop", name_));
  if (kernel.signature.variadic() || kernel.signature.kw_variadic() ||
      kernel.signature.fields().size() != static_cast<std::size_t>(kernel.signature.npositional()))
    throw Error(ErrorCode::type,
                fmt::format("function '{}': kernel signature {} must have positional parameters only",
                            name_, kernel.signature.str()));
  int nin = kernel.nin(), nout = kernel.nout();
  if (nout < 1)
    throw Error(ErrorCode::type, fmt::format("function '{}': kernel signature {} has no output", name_,
                                             kernel.signature.str()));
  if (nin_ >= 0 && (nin != nin_ || nout != nout_))
    throw Error(ErrorCode::type,
                fmt::format("function '{}' takes {} inputs and {} outputs; kernel {} does not", name_, nin_,
                            nout_, kernel.signature.str()));
  nin_ = nin;
  nout_ = nout;
}

namespace detail {

void check_lifted_signature(std::string_view name, const ndt::Type& sig, const std::vector<ndt::Kind>& params,
                            ndt::Kind result) {
  if (sig.kind() != ndt::Kind::Function)
    throw Error(ErrorCode::type, fmt::format("define('{}'): {} is not a function signature", name, sig.str()));
  if (sig.npositional() != static_cast<int64_t>(params.size()) || sig.fields().size() != params.size())
    throw Error(ErrorCode::type, fmt::format("define('{}'): the signature {} has {} parameters, the callable takes {}",
                                             name, sig.str(), sig.fields().size(), params.size()));
  if (sig.outputs().size() != 1)
    throw Error(ErrorCode::type, fmt::format("define('{}'): the signature {} must have one output", name, sig.str()));
  auto check = [&](const ndt::Type& param, ndt::Kind want, const std::string& what) {
    ndt::Type t = param.kind() == ndt::Kind::EllipsisDim ? param.child() : param;
    if (t.is_dim())
      throw Error(ErrorCode::type, fmt::format("define('{}'): {} is {}; a lifted callable is elementwise (... * T)",
                                               name, what, param.str()));
    if (t.kind() != want)
      throw Error(ErrorCode::type, fmt::format("define('{}'): {} is {} but the callable's type is {}", name, what,
                                               t.str(), ndt::kind_name(want)));
  };
  for (std::size_t i = 0; i < params.size(); ++i)
    check(sig.fields()[i].type, params[i], fmt::format("parameter {}", i));
  check(sig.outputs()[0], result, "the result");
}

}  // namespace detail

Registry::Registry() = default;
Registry::~Registry() = default;

Function& Registry::add(std::string_view name, Kernel kernel) {
  std::unique_lock lock(mutex_);
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), name,
                             [](const Function* f, std::string_view n) { return f->name() < n; });
  if (it != sorted_.end() && (*it)->name() == name) {
    (*it)->add(std::move(kernel));
    return **it;
  }
  // A new function exists only once its first kernel is accepted.
  Function* f = &functions_.emplace_back(std::string(name));
  try {
    f->add(std::move(kernel));
  } catch (...) {
    functions_.pop_back();
    throw;
  }
  sorted_.insert(it, f);
  return *f;
}

Function& Registry::add(std::string_view name, std::string_view signature, StridedLoop strided,
                        StridedLoop contiguous, const void* data, uint32_t flags) {
  return add(name, Kernel{ndt::parse(signature), strided, contiguous, data, flags, {}});
}

Function& Registry::add_first(std::string_view name, Kernel kernel) {
  std::unique_lock lock(mutex_);
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), name,
                             [](const Function* f, std::string_view n) { return f->name() < n; });
  if (it == sorted_.end() || (*it)->name() != name)
    throw Error(ErrorCode::lookup, fmt::format("no function named '{}'", name));
  (*it)->add_first(std::move(kernel));
  return **it;
}

void Registry::set_identity(std::string_view name, double identity) {
  std::unique_lock lock(mutex_);
  for (Function* f : sorted_)
    if (f->name() == name) {
      f->set_identity(identity);
      return;
    }
  throw Error(ErrorCode::lookup, fmt::format("no function named '{}'", name));
}

void Registry::set_bool_refusal(std::string_view name, std::string message) {
  std::unique_lock lock(mutex_);
  for (Function* f : sorted_)
    if (f->name() == name) {
      f->set_bool_refusal(std::move(message));
      f->cache().clear();
      return;
    }
  throw Error(ErrorCode::lookup, fmt::format("no function named '{}'", name));
}

const Function* Registry::find(std::string_view name) const noexcept {
  std::shared_lock lock(mutex_);
  auto it = std::lower_bound(sorted_.begin(), sorted_.end(), name,
                             [](const Function* f, std::string_view n) { return f->name() < n; });
  return it != sorted_.end() && (*it)->name() == name ? *it : nullptr;
}

const Function& Registry::get(std::string_view name) const {
  if (const Function* f = find(name)) return *f;
  throw Error(ErrorCode::lookup, fmt::format("no function named '{}'", name));
}

std::vector<const Function*> Registry::functions() const {
  std::shared_lock lock(mutex_);
  return {sorted_.begin(), sorted_.end()};
}

}  // namespace pluribus::gfunc
