#include "lifecycle.h"

#if defined(__linux__)
#include <pthread.h>
#endif

#include "addon_data.h"
#include "heap_trim.h"
#include "session_core.h"
#include "stats.h"

namespace ortex {
namespace {

// One operation on its way: the thread-safe function that brings it back to its JS thread holds
// the loop open until it has settled.
struct LifecycleCall {
  std::unique_ptr<PromiseOperation> operation;
  napi_threadsafe_function tsfn = nullptr;
};

void Deliver(napi_env env, napi_value, void*, void* data) {
  std::unique_ptr<LifecycleCall> call(static_cast<LifecycleCall*>(data));
  if (env == nullptr) return;  // the environment is going away: nothing awaits the promise
  try {
    call->operation->Settle(Napi::Env(env));
  } catch (...) {
    // Settle settles on every path; only a shutting-down environment throws here.
  }
}

// Lifecycle thread, after the operation: hands it to its JS thread, or frees it when the
// environment is going away (a terminated worker) and nothing awaits it any more.
void SendBack(LifecycleCall* call) {
  napi_threadsafe_function tsfn = call->tsfn;  // `call` may be gone once it is queued
  napi_status status = napi_call_threadsafe_function(tsfn, call, napi_tsfn_blocking);
  if (status == napi_ok) {
    napi_release_threadsafe_function(tsfn, napi_tsfn_release);
    return;
  }
  delete call;
  // napi_closing already counted this thread out of the thread-safe function.
  if (status != napi_closing) napi_release_threadsafe_function(tsfn, napi_tsfn_release);
}

class IdleOperation : public PromiseOperation {
 public:
  IdleOperation(Napi::Env env, std::shared_ptr<Lifecycle> lifecycle)
      : PromiseOperation(env, code::kRuntime), lifecycle_(std::move(lifecycle)) {}

 protected:
  void DoExecute() override { lifecycle_->TrimIfFreed(); }
  Napi::Value DoResult(Napi::Env env) override { return env.Undefined(); }

 private:
  std::shared_ptr<Lifecycle> lifecycle_;
};

}  // namespace

std::shared_ptr<Lifecycle> Lifecycle::Start(Napi::Env env) {
  std::shared_ptr<Lifecycle> lifecycle(new Lifecycle());
  // AddonData holds the shared_ptr until after cleanup hooks have run.
  napi_add_env_cleanup_hook(env, OnCleanup, lifecycle.get());
  return lifecycle;
}

bool Lifecycle::Post(Job job, std::string* error) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
      if (error) *error = "the environment is shutting down";
      return false;
    }
    if (!started_) {
      try {
        thread_ = std::thread([this] { Loop(); });
        started_ = true;
      } catch (const std::exception& e) {  // std::system_error: EAGAIN from a thread or pid limit
        if (error) *error = e.what();
        return false;
      }
    }
    queue_.push_back(std::move(job));
  }
  wake_.notify_one();
  return true;
}

void Lifecycle::Loop() {
#if defined(__linux__)
  pthread_setname_np(pthread_self(), "ortex-lifecycle");
#endif
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, and everything done
    Job job = std::move(queue_.front());
    queue_.pop_front();
    bool dropped = stopping_;
    lock.unlock();
    job(dropped);
    job = nullptr;  // what the job held goes now, before the trim
    lock.lock();
    // Once per burst rather than after every session freed.
    if (queue_.empty() && !stopping_) {
      lock.unlock();
      TrimIfFreed();
      lock.lock();
    }
  }
}

void Lifecycle::TrimIfFreed() {
  if (!freed_) return;
  freed_ = false;
  TrimHeap();
}

void Lifecycle::OnCleanup(void* arg) {
  auto* lifecycle = static_cast<Lifecycle*>(arg);
  {
    std::lock_guard<std::mutex> lock(lifecycle->mutex_);
    lifecycle->stopping_ = true;
  }
  lifecycle->wake_.notify_all();
  // A load in progress finishes first (ORT offers no way to abandon it); the rest is dropped.
  if (lifecycle->thread_.joinable()) lifecycle->thread_.join();
}

Napi::Promise Lifecycle::Run(Napi::Env env, const char* resourceName, std::unique_ptr<PromiseOperation> operation) {
  Napi::Promise promise = operation->Promise();
  auto call = std::make_unique<LifecycleCall>();
  call->operation = std::move(operation);
  napi_value name = Napi::String::New(env, resourceName);
  if (napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, nullptr, Deliver,
                                      &call->tsfn) != napi_ok) {
    call->operation->Fail(Failure{code::kRuntime, "cannot reach the lifecycle thread (thread-safe function)", -1});
    call->operation->Settle(env);
    return promise;
  }
  LifecycleCall* raw = call.get();
  std::string error;
  bool posted = Post(
      [raw](bool dropped) {
        if (dropped)
          raw->operation->Fail(Failure{code::kRuntime, "the environment is shutting down", -1});
        else
          raw->operation->Execute();
        SendBack(raw);
      },
      &error);
  if (!posted) {
    napi_release_threadsafe_function(call->tsfn, napi_tsfn_release);
    call->operation->Fail(Failure{code::kRuntime, "the lifecycle thread could not be started: " + error, -1});
    call->operation->Settle(env);
    return promise;
  }
  call.release();  // the job owns it now
  return promise;
}

void Lifecycle::Retire(SessionCore* core) {
  if (core->session) GlobalStats().sessionsReleased++;
  bool here;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    here = started_ && std::this_thread::get_id() == thread_.get_id();
  }
  if (here) {
    delete core;
    freed_ = true;
    return;
  }
  // The job keeps this object alive until it has run: the core may have been its last holder.
  std::shared_ptr<Lifecycle> self = shared_from_this();
  bool posted = Post(
      [self, core](bool) {
        delete core;
        self->freed_ = true;
      },
      nullptr);
  if (!posted) delete core;  // no lifecycle thread (refused, or the environment is going away): freed here
}

std::shared_ptr<SessionCore> Lifecycle::NewSessionCore() {
  std::shared_ptr<Lifecycle> self = shared_from_this();
  return std::shared_ptr<SessionCore>(new SessionCore(), [self](SessionCore* core) { self->Retire(core); });
}

Napi::Promise StartOnLifecycleThread(Napi::Env env, const char* resourceName,
                                     std::unique_ptr<PromiseOperation> operation) {
  return GetAddonData(env).lifecycle->Run(env, resourceName, std::move(operation));
}

Napi::Value LifecycleIdle(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<Lifecycle>& lifecycle = GetAddonData(env).lifecycle;
  return lifecycle->Run(env, "ortex:lifecycleIdle", std::make_unique<IdleOperation>(env, lifecycle));
}

}  // namespace ortex
