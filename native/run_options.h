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
  bool logSeverityChosen = false;  // the caller set logSeverityLevel
};

class RunOptionsWrap : public Napi::ObjectWrap<RunOptionsWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit RunOptionsWrap(const Napi::CallbackInfo& info);
  // The core behind `value`; nullptr for null/undefined. Throws ERR_INVALID_ARGUMENT for anything
  // else that is not run options made by this copy of the addon.
  static std::shared_ptr<RunOptionsCore> From(Napi::Env env, const Napi::Value& value);

 private:
  Napi::Value Terminate(const Napi::CallbackInfo& info);
  std::shared_ptr<RunOptionsCore> core_;
};

}  // namespace ortex
