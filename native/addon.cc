// Module entry: per-environment setup, runtime loading and process-wide queries.
#include <napi.h>

#include "addon_data.h"

#include <thread>

#include "device_tensor.h"
#include "errors.h"
#include "lifecycle.h"
#include "limits.h"
#include "loop_watch.h"
#include "native_buffers.h"
#include "ort_runtime.h"
#include "run_options.h"
#include "run_pool.h"
#include "session.h"
#include "session_create.h"
#include "stats.h"
#include "steady_now.h"
#include "worker_probe.h"

namespace ortex {

Stats& GlobalStats() {
  static Stats* stats = new Stats();  // never destroyed: outlives every environment
  return *stats;
}

AddonData& GetAddonData(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }

bool LoopBusy(AddonData& data, uint64_t budgetNs) {
  if (!data.loopWatch) return true;
  return data.loopWatch->Busy(SteadyNowNs(), budgetNs);
}

namespace {

Napi::Object InfoToJs(Napi::Env env, const RuntimeInfo& info) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("libraryPath", info.libraryPath);
  o.Set("version", info.version);
  o.Set("apiVersion", Napi::Number::New(env, info.apiVersion));
  Napi::Array providers = Napi::Array::New(env, info.availableProviders.size());
  for (size_t i = 0; i < info.availableProviders.size(); ++i)
    providers.Set(static_cast<uint32_t>(i), info.availableProviders[i]);
  o.Set("availableProviders", providers);
  return o;
}

// init(libraryPath) → RuntimeInfo. Idempotent for the same path.
Napi::Value Init(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!info[0].IsString()) Throw(env, code::kInvalidArgument, "init(libraryPath: string)");
  try {
    return InfoToJs(env, LoadRuntime(info[0].As<Napi::String>().Utf8Value()));
  } catch (const std::runtime_error& e) {
    Throw(env, code::kNativeLoad, e.what());
  }
}

Napi::Value RuntimeInfoJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RuntimeLoaded()) return env.Null();
  return InfoToJs(env, Runtime());
}

Napi::Value StatsJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Stats& s = GlobalStats();
  Napi::Object o = Napi::Object::New(env);
  auto set = [&](const char* k, double v) { o.Set(k, Napi::Number::New(env, v)); };
  set("inputBytesZeroCopy", static_cast<double>(s.inputBytesZeroCopy.load()));
  set("inputBytesCopied", static_cast<double>(s.inputBytesCopied.load()));
  set("inputBytesCopiedByWorker", static_cast<double>(s.inputBytesCopiedByWorker.load()));
  set("outputBytesZeroCopy", static_cast<double>(s.outputBytesZeroCopy.load()));
  set("outputBytesCopied", static_cast<double>(s.outputBytesCopied.load()));
  set("fetchBytesInPlace", static_cast<double>(s.fetchBytesInPlace.load()));
  set("fetchBytesCopied", static_cast<double>(s.fetchBytesCopied.load()));
  set("runsInline", static_cast<double>(s.runsInline.load()));
  set("runsAsync", static_cast<double>(s.runsAsync.load()));
  set("sessionsCreated", static_cast<double>(s.sessionsCreated.load()));
  set("sessionsReleased", static_cast<double>(s.sessionsReleased.load()));
  set("outputBuffersLive", static_cast<double>(s.outputBuffersLive.load()));
  set("heapTrims", static_cast<double>(s.heapTrims.load()));
  return o;
}

// runQueue([maxConcurrentRuns]) → the run pool of this environment (thread), after any change.
Napi::Value SetMaxConcurrentRuns(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  AddonData& data = GetAddonData(env);
  if (!data.runPool) Throw(env, code::kRuntime, "the run thread pool could not be started");
  if (info[0].IsNumber()) {
    double n = info[0].As<Napi::Number>().DoubleValue();
    if (!(n >= 1 && n <= kMaxConcurrentRuns)) {
      Throw(env, code::kInvalidArgument, "maxConcurrentRuns must be from 1 to " + std::to_string(kMaxConcurrentRuns));
    }
    data.runPool->SetThreads(static_cast<unsigned>(n));
  }
  Napi::Object o = Napi::Object::New(env);
  o.Set("maxConcurrentRuns", Napi::Number::New(env, data.runPool->threads()));
  o.Set("activeRuns", Napi::Number::New(env, data.runPool->executing()));
  o.Set("waitingRuns", Napi::Number::New(env, static_cast<double>(data.runPool->queued())));
  o.Set("runThreads", Napi::Number::New(env, static_cast<double>(data.runPool->started())));
  o.Set("runThreadStartFailures", Napi::Number::New(env, static_cast<double>(data.runPool->startFailures())));
  o.Set("spinHits", Napi::Number::New(env, static_cast<double>(data.runPool->spinHits())));
  o.Set("spinMisses", Napi::Number::New(env, static_cast<double>(data.runPool->spinMisses())));
  std::string error = data.runPool->startError();
  if (!error.empty()) o.Set("runThreadStartError", Napi::String::New(env, error));
  return o;
}

// setLogLevel(level): the environment's default log level (0 verbose .. 4 fatal); ortex.env.logLevel.
Napi::Value SetLogLevelJs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  double level = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  if (!(level >= 0 && level <= 4) || level != static_cast<int>(level))
    Throw(env, code::kInvalidArgument, "setLogLevel(level: 0..4)");
  try {
    SetLogLevel(static_cast<int>(level));
  } catch (const std::runtime_error& e) {
    Throw(env, code::kRuntime, e.what());
  }
  return env.Undefined();
}

Napi::Value DisposeBuffer(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Value v = info[0];
  if (v.IsTypedArray()) v = v.As<Napi::TypedArray>().ArrayBuffer();
  if (!v.IsArrayBuffer()) return Napi::Boolean::New(env, false);
  return Napi::Boolean::New(env, DisposeOutputBuffer(env, v));
}

Napi::Object InitModule(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  data->loopWatch = LoopWatch::Start(env);
  unsigned cores = std::thread::hardware_concurrency();
  data->runPool = RunPool::Start(env, cores > 0 ? cores : 1);
  data->lifecycle = Lifecycle::Start(env);
  Napi::Int32Array loneCaller = Napi::Int32Array::New(env, 1);
  data->loneCaller = Napi::Persistent(loneCaller);
  data->loneCallerState = loneCaller.Data();
  Napi::Function session = SessionWrap::Define(env);
  Napi::Function runOptions = RunOptionsWrap::Define(env);
  data->sessionConstructor = Napi::Persistent(session);
  data->deviceTensorConstructor = Napi::Persistent(DeviceTensorWrap::Define(env));
  env.SetInstanceData<AddonData>(data);
  exports.Set("init", Napi::Function::New<Init>(env, "init"));
  exports.Set("runtimeInfo", Napi::Function::New<RuntimeInfoJs>(env, "runtimeInfo"));
  exports.Set("stats", Napi::Function::New<StatsJs>(env, "stats"));
  exports.Set("runQueue", Napi::Function::New<SetMaxConcurrentRuns>(env, "runQueue"));
  exports.Set("disposeBuffer", Napi::Function::New<DisposeBuffer>(env, "disposeBuffer"));
  exports.Set("setLogLevel", Napi::Function::New<SetLogLevelJs>(env, "setLogLevel"));
  exports.Set("createSession", Napi::Function::New<CreateSession>(env, "createSession"));
  exports.Set("lifecycleIdle", Napi::Function::New<LifecycleIdle>(env, "lifecycleIdle"));
  exports.Set("RunOptions", runOptions);
  exports.Set("loneCaller", loneCaller);
  exports.Set("_probePromiseWorker", Napi::Function::New<ProbePromiseWorker>(env, "_probePromiseWorker"));
  Napi::Object limits = Napi::Object::New(env);
  limits.Set("maxRank", Napi::Number::New(env, static_cast<double>(kMaxRank)));
  limits.Set("maxConcurrentRuns", Napi::Number::New(env, kMaxConcurrentRuns));
  exports.Set("limits", limits);
  exports.Set("napiVersion", Napi::Number::New(env, NAPI_VERSION));
  exports.Set("abiVersion", Napi::Number::New(env, 1));
  return exports;
}

}  // namespace
}  // namespace ortex

static Napi::Object OrtexModuleInit(Napi::Env env, Napi::Object exports) { return ortex::InitModule(env, exports); }
NODE_API_MODULE(ortex, OrtexModuleInit)
