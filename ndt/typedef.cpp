// The process-wide typedef registry: named (nominal) types.
#include <mutex>
#include <shared_mutex>
#include <unordered_map>

#include <fmt/format.h>

#include "ndt/node.hpp"

namespace pluribus::ndt {
namespace {

struct Registry {
  std::shared_mutex mutex;
  std::unordered_map<std::string, Type> named;  // name -> nominal type
};

Registry& registry() {
  static auto* r = new Registry();  // never destroyed: handles may outlive statics
  return *r;
}

bool valid_typedef_name(std::string_view name) {
  if (name.empty() || !(std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_'))
    return false;
  for (char c : name)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '_')) return false;
  return true;
}

}  // namespace

Type define_typedef(std::string_view name, const Type& definition) {
  if (!definition) throw Error(ErrorCode::invalid_argument, "typedef: empty definition");
  if (!valid_typedef_name(name))
    throw Error(ErrorCode::invalid_argument,
                fmt::format("typedef: '{}' is not a lower-case identifier", name));
  if (!definition.is_concrete())
    throw Error(ErrorCode::type,
                fmt::format("typedef: '{}' must name a concrete type, not '{}'", name,
                            definition.str()));
  auto& r = registry();
  std::unique_lock lock(r.mutex);
  if (auto it = r.named.find(std::string(name)); it != r.named.end()) {
    if (it->second.child() == definition) return it->second;
    throw Error(ErrorCode::value,
                fmt::format("typedef: '{}' is already defined as '{}'", name,
                            it->second.child().str()));
  }
  detail::Node n(Kind::Nominal);
  n.name = name;
  n.child = definition;
  n.size = definition.size();
  n.align = definition.align();
  n.flags = detail::kConcrete | (definition.node()->flags & detail::kHasVar);
  Type t = detail::intern(std::move(n));
  r.named.emplace(std::string(name), t);
  return t;
}

Type make_nominal(std::string_view name) {
  auto& r = registry();
  std::shared_lock lock(r.mutex);
  if (auto it = r.named.find(std::string(name)); it != r.named.end()) return it->second;
  throw Error(ErrorCode::lookup, fmt::format("unknown type name '{}'", name));
}

bool is_typedef(std::string_view name) {
  auto& r = registry();
  std::shared_lock lock(r.mutex);
  return r.named.count(std::string(name)) != 0;
}

}  // namespace pluribus::ndt
