// The one promise plumbing of every async native operation: session create and release (on the
// lifecycle thread, lifecycle.h), device downloads (on the libuv pool) and runs (RunPool tasks
// use the same two helpers).
//   - the work runs off the JS thread, never touches N-API, and may throw anything: every
//     exception, std:: or not, becomes the operation's Failure (CatchAll);
//   - back on the JS thread the promise settles exactly once on every path: rejected with the
//     failure, resolved with the result, or rejected with whatever building the result threw
//     (a Napi::Error or a std::exception) — never left pending (SettlePromise).
#pragma once
#include <napi.h>

#include <exception>
#include <functional>
#include <memory>
#include <utility>

#include "errors.h"

namespace ortex {

// Runs `work` and records anything it throws in `failure` (`fallback` names the code of errors
// that carry none). For worker threads: touches no N-API.
template <typename Work>
void CatchAll(Failure& failure, ErrorCode fallback, Work&& work) noexcept {
  try {
    work();
  } catch (const Failure& f) {
    failure = f;
  } catch (const std::exception& e) {
    failure = FromException(e, fallback);
  } catch (...) {
    failure = Failure{fallback, "unknown native error", -1};
  }
}

// JS thread. Rejects `deferred` with an error from `failure` when it failed, else resolves it
// with `result()`. Whatever throws on the way rejects instead; settles exactly once.
void SettlePromise(Napi::Env env, Napi::Promise::Deferred& deferred, const Failure& failure, ErrorCode fallback,
                   const std::function<Napi::Value()>& result);

// One async operation and its promise. Whoever runs it calls Execute() off the JS thread, then
// Settle() on it, and may destroy it on either thread (it holds no JS references that outlive
// DoFinally).
class PromiseOperation {
 public:
  virtual ~PromiseOperation() = default;
  Napi::Promise Promise() { return deferred_.Promise(); }
  // Off the JS thread: the operation; whatever it throws becomes its failure.
  void Execute() noexcept;
  // JS thread: settles the promise, then DoFinally, whatever happened.
  void Settle(Napi::Env env);
  // Marks the operation failed (it need not execute then).
  void Fail(Failure failure) { failure_ = std::move(failure); }

 protected:
  // `fallback`: the code of failures that carry none.
  PromiseOperation(Napi::Env env, ErrorCode fallback);

  // Worker thread: the operation. Never touches N-API; may throw.
  virtual void DoExecute() = 0;
  // JS thread, after DoExecute succeeded: the value the promise resolves with. May throw.
  virtual Napi::Value DoResult(Napi::Env env) = 0;
  // JS thread, after the promise settled, whatever happened: let go of JS references.
  virtual void DoFinally(Napi::Env env) {}

 private:
  ErrorCode fallback_;
  Failure failure_;
  Napi::Promise::Deferred deferred_;
};

// JS thread. Queues `operation` on the libuv pool; its promise settles when it is done.
// `resourceName` names the async resource (async_hooks, diagnostics): "ortex:<operation>".
Napi::Promise StartOnLibuvPool(Napi::Env env, const char* resourceName, std::unique_ptr<PromiseOperation> operation);

}  // namespace ortex
