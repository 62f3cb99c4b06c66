// Type tags of the objects this copy of the addon hands to JS and takes back as arguments (run
// options, device tensors). They are drawn at random when the addon is loaded, so two copies of ortex in one
// process (two packages, a prebuild beside a local build) never accept each other's objects:
// napi_unwrap alone would hand one copy the other's C++ object, of a layout it cannot trust.
// Tags guard objects passed as arguments; a method called on another copy's object as `this` is
// refused by V8 itself (the class's signature check: "Illegal invocation").
#pragma once
#include <napi.h>

namespace ortex {

enum class TagKind { kRunOptions, kDeviceTensor };

// Marks `object` as made by this copy of the addon.
void TagObject(Napi::Env env, const Napi::Object& object, TagKind kind);

// True when `value` is an object this copy of the addon tagged with `kind`.
bool HasTag(Napi::Env env, const Napi::Value& value, TagKind kind);

// The C++ object behind `value`, or nullptr when `value` is not this copy's `kind` of object.
template <typename Wrap>
Wrap* UnwrapTagged(Napi::Env env, const Napi::Value& value, TagKind kind) {
  return HasTag(env, value, kind) ? Wrap::Unwrap(value.As<Napi::Object>()) : nullptr;
}

}  // namespace ortex
