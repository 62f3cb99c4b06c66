#include "type_tags.h"

#include <chrono>
#include <cstdint>
#include <random>

namespace ortex {
namespace {

constexpr int kKinds = 2;

// Drawn once per load of this shared object (a static of this copy), shared by its worker
// threads; random_device is mixed with the clock and an address of this copy in case it is
// deterministic on some platform.
const napi_type_tag* Tags() {
  static const auto* tags = [] {
    std::random_device device;
    std::seed_seq seed{device(), device(),
                       static_cast<unsigned>(std::chrono::steady_clock::now().time_since_epoch().count()),
                       static_cast<unsigned>(reinterpret_cast<uintptr_t>(&kKinds))};
    std::mt19937_64 draw(seed);
    auto* t = new napi_type_tag[kKinds];
    for (int i = 0; i < kKinds; ++i) t[i] = {draw(), draw()};
    return t;
  }();
  return tags;
}

}  // namespace

void TagObject(Napi::Env env, const Napi::Object& object, TagKind kind) {
  NAPI_THROW_IF_FAILED_VOID(env, napi_type_tag_object(env, object, &Tags()[static_cast<int>(kind)]));
}

bool HasTag(Napi::Env env, const Napi::Value& value, TagKind kind) {
  if (!value.IsObject()) return false;
  bool tagged = false;
  return napi_check_object_type_tag(env, value, &Tags()[static_cast<int>(kind)], &tagged) == napi_ok && tagged;
}

}  // namespace ortex
