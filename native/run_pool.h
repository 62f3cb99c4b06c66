// The threads that execute runs off the JS thread: one pool per environment, as many threads as
// runs may execute at once (default: the core count). Workers take the next queued run as soon
// as they finish one, without waiting for the JS thread (a libuv work item would sit idle until
// the loop turned to queue it); completions reach the JS thread through one thread-safe function.
#pragma once
#include <napi.h>

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace ortex {

// A unit of work: Execute() on a pool thread (never touches N-API), Settle() on the JS thread.
class PoolTask {
 public:
  virtual ~PoolTask() = default;
  virtual void Execute() = 0;
  virtual void Settle(Napi::Env env) = 0;
};

class RunPool {
 public:
  static RunPool* Start(Napi::Env env, unsigned threads);
  // JS thread. Takes ownership of `task`.
  void Submit(std::unique_ptr<PoolTask> task);
  // JS thread. Changes how many runs may execute at once.
  void SetThreads(unsigned threads);
  unsigned threads() const { return limit_; }
  unsigned executing();
  size_t queued();

 private:
  RunPool(Napi::Env env, unsigned threads);
  void WorkerLoop(unsigned index);
  void Drain(Napi::Env env);
  static void OnDone(napi_env env, napi_value, void* context, void*);
  static void OnCleanup(void* arg);

  napi_env env_;
  napi_threadsafe_function tsfn_ = nullptr;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::unique_ptr<PoolTask>> queue_;
  std::deque<std::unique_ptr<PoolTask>> done_;
  std::vector<std::thread> workers_;
  unsigned limit_;
  unsigned executing_ = 0;
  bool stopping_ = false;
  size_t outstanding_ = 0;  // JS thread: submitted and not yet settled (keeps the loop alive)
};

}  // namespace ortex
