// The JS-facing session object: metadata, runs (tiny ones execute inline, cheaper than any thread
// hop, unless the event loop has not turned for a while; everything else on the run pool) and
// release (off the JS thread). Sessions are made by createSession (session_create.h).
#pragma once
#include <napi.h>

#include <memory>
#include <utility>
#include <vector>

#include "session_core.h"

namespace ortex {

struct PendingValue;
struct RunJob;
struct RunOptionsCore;

class SessionWrap : public Napi::ObjectWrap<SessionWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit SessionWrap(const Napi::CallbackInfo& info);

 private:
  Napi::Value Metadata(const Napi::CallbackInfo& info);
  Napi::Value Run(const Napi::CallbackInfo& info);
  Napi::Value RunTensors(const Napi::CallbackInfo& info);
  bool DecideInline(Napi::Env env, const SessionCore& core, int mode,
                    const std::shared_ptr<RunOptionsCore>& runOptions);
  // Phase 2 of a run's inputs and fetch targets (input_values.h).
  static void Materialize(Napi::Env env, RunJob& job, std::vector<PendingValue>& inputs,
                          std::vector<std::pair<size_t, PendingValue>>& fetches);
  // Runs inline (results into `header` on the fast path) or submits to the run pool.
  Napi::Value Dispatch(Napi::Env env, std::unique_ptr<RunJob> job, bool runInline, napi_value header);
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
