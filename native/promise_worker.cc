#include "promise_worker.h"

namespace ortex {
namespace {

// Rejecting can itself fail only while the environment shuts down: nothing awaits then.
void RejectQuietly(Napi::Promise::Deferred& deferred, const std::function<Napi::Value()>& reason) {
  try {
    deferred.Reject(reason());
  } catch (...) {
  }
}

}  // namespace

void SettlePromise(Napi::Env env, Napi::Promise::Deferred& deferred, const Failure& failure, ErrorCode fallback,
                   const std::function<Napi::Value()>& result) {
  if (failure.failed()) {
    RejectQuietly(deferred, [&] { return ToJsError(env, failure).Value(); });
    return;
  }
  try {
    Napi::Value value = result();
    deferred.Resolve(value);
  } catch (const Napi::Error& e) {
    Napi::Value reason = e.Value();
    RejectQuietly(deferred, [&] { return reason; });
  } catch (const std::exception& e) {
    Failure f = FromException(e, fallback);
    RejectQuietly(deferred, [&] { return ToJsError(env, f).Value(); });
  } catch (...) {
    RejectQuietly(deferred, [&] { return ToJsError(env, Failure{fallback, "unknown native error", -1}).Value(); });
  }
}

PromiseWorker::PromiseWorker(Napi::Env env, const char* resourceName, ErrorCode fallback)
    : Napi::AsyncWorker(env, resourceName), fallback_(fallback), deferred_(Napi::Promise::Deferred::New(env)) {}

Napi::Promise PromiseWorker::Start() {
  Napi::Promise promise = deferred_.Promise();
  Queue();
  return promise;
}

void PromiseWorker::Execute() {
  CatchAll(failure_, fallback_, [&] { DoExecute(); });
}

void PromiseWorker::OnOK() {
  Napi::Env env = Env();
  SettlePromise(env, deferred_, failure_, fallback_, [&] { return DoResult(env); });
  try {
    DoFinally(env);
  } catch (...) {
  }
}

// Reached only if something called SetError(); settle all the same.
void PromiseWorker::OnError(const Napi::Error& error) {
  Napi::Env env = Env();
  Napi::Value reason = error.Value();
  Failure none;
  SettlePromise(env, deferred_, none, fallback_, [&]() -> Napi::Value { throw Napi::Error(env, reason); });
  try {
    DoFinally(env);
  } catch (...) {
  }
}

}  // namespace ortex
