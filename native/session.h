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
  bool DecideInline(Napi::Env env, const SessionCore& core, int mode,
                    const std::shared_ptr<RunOptionsCore>& runOptions);
  Napi::Value Dispatch(Napi::Env env, std::unique_ptr<RunJob> job, bool runInline, double* header, size_t headerSize);
  Napi::Value Release(const Napi::CallbackInfo& info);
  Napi::Value EndProfiling(const Napi::CallbackInfo& info);
  Napi::Value Scheduling(const Napi::CallbackInfo& info);
  Napi::Value AllocatePinned(const Napi::CallbackInfo& info);

  // A strong reference to the live core (held for the whole call: JS that runs inside the call,
  // a getter, may release the session), or throws ERR_SESSION_RELEASED.
  std::shared_ptr<SessionCore> Live(const Napi::CallbackInfo& info);

  std::shared_ptr<SessionCore> core_;
};

}  // namespace ortex
