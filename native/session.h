// The JS-facing session object, and the workers that create, run and release sessions off the
// JS thread. Tiny runs execute inline (cheaper than any thread hop) unless the event loop has
// not turned for a while; everything else runs on the libuv pool.
#pragma once
#include <napi.h>

#include <memory>

#include "session_core.h"

namespace ortex {

struct RunJob;
struct RunOptionsCore;

class SessionWrap : public Napi::ObjectWrap<SessionWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit SessionWrap(const Napi::CallbackInfo& info);

  // createSession(pathOrBytes, normalizedOptions, inlineThresholdUs, copyOutputsBelowBytes) → Promise<SessionWrap>
  static Napi::Value Create(const Napi::CallbackInfo& info);

 private:
  Napi::Value Metadata(const Napi::CallbackInfo& info);
  Napi::Value Run(const Napi::CallbackInfo& info);
  Napi::Value RunTensors(const Napi::CallbackInfo& info);
  bool DecideInline(Napi::Env env, int mode, const std::shared_ptr<RunOptionsCore>& runOptions);
  Napi::Value Dispatch(Napi::Env env, std::unique_ptr<RunJob> job, bool runInline, double* header,
                       size_t headerSize);
  Napi::Value Release(const Napi::CallbackInfo& info);
  Napi::Value EndProfiling(const Napi::CallbackInfo& info);
  Napi::Value Scheduling(const Napi::CallbackInfo& info);
  Napi::Value AllocatePinned(const Napi::CallbackInfo& info);

  SessionCore& Live(Napi::Env env);

  std::shared_ptr<SessionCore> core_;
};

}  // namespace ortex
