// The lifecycle thread: one thread of ortex's own per environment (the main thread, each worker)
// that loads and frees its ORT sessions, one at a time, in the order asked.
//   - Model loads (parsing, graph optimization: up to seconds) never occupy libuv's thread pool,
//     which fs, dns, zlib and crypto share (4 threads by default).
//   - An ORT session is freed there whatever let go of it last (release(), the GC of a session
//     never released, the last output holding it, a run settled after release()): freeing a big
//     session takes milliseconds and never happens on the JS thread.
//   - After freeing sessions it trims the heap (heap_trim.h), so their memory goes back to the OS
//     instead of staying resident: RSS stays flat across create/release cycles (bench/soak.mjs).
// The environment's cleanup hook stops the thread: loads still queued are dropped (nothing can
// await them), frees are done, and the thread is joined before the addon can be unloaded. Should
// the OS refuse the thread, operations reject with ERR_RUNTIME and sessions are freed where they
// are let go; the next operation tries to start it again.
#pragma once
#include <napi.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "promise_worker.h"

namespace ortex {

struct SessionCore;

class Lifecycle : public std::enable_shared_from_this<Lifecycle> {
 public:
  // JS thread, once per environment; registers the cleanup hook that stops the thread.
  static std::shared_ptr<Lifecycle> Start(Napi::Env env);

  // JS thread. Queues `operation`; its promise settles on this JS thread (rejected with
  // ERR_RUNTIME when no thread can be started). `resourceName`: "ortex:<operation>". The
  // operation must hold no JS references: when the environment goes away first, it is destroyed
  // on the lifecycle thread, unsettled.
  Napi::Promise Run(Napi::Env env, const char* resourceName, std::unique_ptr<PromiseOperation> operation);

  // Any thread: a new SessionCore whose last holder hands it back here to be freed.
  std::shared_ptr<SessionCore> NewSessionCore();

  // Lifecycle thread: hands freed heap back if a session was freed since the last time.
  void TrimIfFreed();

 private:
  Lifecycle() = default;
  // A job; `dropped` is true when the environment is going away and nothing awaits its result.
  using Job = std::function<void(bool dropped)>;
  // Any thread. Queues `job`; false when the thread is stopped, or not running and cannot be
  // started (`error` says why).
  bool Post(Job job, std::string* error);
  // Any thread: counts the session released and frees it on the thread (right away when called
  // there, or when the thread is gone).
  void Retire(SessionCore* core);
  void Loop();
  static void OnCleanup(void* arg);

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Job> queue_;
  std::thread thread_;
  bool started_ = false;
  bool stopping_ = false;
  bool freed_ = false;  // lifecycle thread only: a session was freed since the last trim
};

// JS thread: Run() on this environment's lifecycle thread.
Napi::Promise StartOnLifecycleThread(Napi::Env env, const char* resourceName,
                                     std::unique_ptr<PromiseOperation> operation);

// lifecycleIdle() → Promise<void>: resolves once everything queued on this environment's
// lifecycle thread before it is done (sessions loaded and freed) and the freed heap has been
// handed back. For benchmarks and tests that sample memory: a session let go of on the JS thread
// is freed there a moment later.
Napi::Value LifecycleIdle(const Napi::CallbackInfo& info);

}  // namespace ortex
