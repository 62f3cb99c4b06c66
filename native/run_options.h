// Per-call run options (tag, log level, config entries) and cancellation (ORT's terminate flag).
#pragma once
#include <napi.h>

#include <atomic>
#include <memory>

#include "ort_api.h"

namespace ortex {

struct RunOptionsCore {
  Ort::RunOptions options;
  std::atomic<bool> terminated{false};
};

class RunOptionsWrap : public Napi::ObjectWrap<RunOptionsWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit RunOptionsWrap(const Napi::CallbackInfo& info);
  // Returns the core if `value` is a RunOptionsWrap made by this addon, else nullptr.
  static std::shared_ptr<RunOptionsCore> From(Napi::Env env, const Napi::Value& value);

 private:
  Napi::Value Terminate(const Napi::CallbackInfo& info);
  std::shared_ptr<RunOptionsCore> core_;
};

}  // namespace ortex
