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

// The libuv side of StartOnLibuvPool: execute on a pool thread, settle in OnOK (Execute catches
// everything, so AsyncWorker's own error path is never taken).
class LibuvWorker : public Napi::AsyncWorker {
 public:
  LibuvWorker(Napi::Env env, const char* resourceName, std::unique_ptr<PromiseOperation> operation)
      : Napi::AsyncWorker(env, resourceName), operation_(std::move(operation)) {}

 private:
  void Execute() override { operation_->Execute(); }
  void OnOK() override { operation_->Settle(Env()); }

  std::unique_ptr<PromiseOperation> operation_;
};

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

PromiseOperation::PromiseOperation(Napi::Env env, ErrorCode fallback)
    : fallback_(fallback), deferred_(Napi::Promise::Deferred::New(env)) {}

void PromiseOperation::Execute() noexcept {
  CatchAll(failure_, fallback_, [&] { DoExecute(); });
}

void PromiseOperation::Settle(Napi::Env env) {
  SettlePromise(env, deferred_, failure_, fallback_, [&] { return DoResult(env); });
  try {
    DoFinally(env);
  } catch (...) {
  }
}

Napi::Promise StartOnLibuvPool(Napi::Env env, const char* resourceName, std::unique_ptr<PromiseOperation> operation) {
  Napi::Promise promise = operation->Promise();
  (new LibuvWorker(env, resourceName, std::move(operation)))->Queue();
  return promise;
}

}  // namespace ortex
