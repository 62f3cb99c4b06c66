// The threads that execute runs off the JS thread: one pool per environment, as many threads as
// runs may execute at once (default: the core count). Workers take the next queued run as soon
// as they finish one, without waiting for the JS thread (a libuv work item would sit idle until
// the loop turned to queue it); completions reach the JS thread through one thread-safe function.
// When the OS refuses a thread (a thread or pid limit, address space), the pool keeps working with
// the threads it has and reports it; only with no thread at all does a run fail (coded error).
#pragma once
#include <napi.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "limits.h"

namespace ortex {

// A unit of work: Execute() on a pool thread (never touches N-API), Settle() on the JS thread.
class PoolTask {
 public:
  virtual ~PoolTask() = default;
  virtual void Execute() = 0;
  virtual void Settle(Napi::Env env) = 0;
  // Whether the worker may wait awake for the next run once this one leaves the pool idle: not
  // after a run whose own intra-op threads took every core (ORT's pool spins after it already,
  // and a spinning worker besides would take the core the JS thread needs for the next batch).
  virtual bool MayWaitAwakeAfter() const { return true; }
};

class RunPool {
 public:
  static RunPool* Start(Napi::Env env, unsigned threads);
  // JS thread. Takes `task` and returns true, or returns false (leaving `task` to the caller)
  // when no thread exists and none can be started.
  bool Submit(std::unique_ptr<PoolTask>& task);
  // JS thread. Changes how many runs may execute at once (and retries refused threads).
  void SetThreads(unsigned threads);
  unsigned threads() const { return limit_; }
  // JS thread. True when nothing is outstanding on the pool and its recent runs came one at a
  // time: each of the last kSequentialRuns submitted found no other run outstanding. Runs kept on
  // the JS thread never overlap, so concurrency shows only among runs that left it.
  bool Sequential() const { return outstanding_ == 0 && sequentialStreak_ >= kSequentialRuns; }
  unsigned executing();
  size_t queued();
  // Threads running now; threads the OS refused so far, and why the last one was refused.
  size_t started();
  uint64_t startFailures();
  std::string startError();
  // Any thread: a worker waits awake for the next run right now (it may stop any moment; a run
  // submitted then wakes it or another as usual).
  bool WorkerAwake() const { return spinningHint_.load(std::memory_order_relaxed) != 0; }
  // Times a worker that had just finished a run found the next one while it waited awake for it
  // (spin hits), and spin windows that ended without one (spin misses).
  uint64_t spinHits() const { return spinHits_.load(std::memory_order_relaxed); }
  uint64_t spinMisses() const { return spinMisses_.load(std::memory_order_relaxed); }

 private:
  RunPool(Napi::Env env, unsigned threads);
  void WorkerLoop(unsigned index);
  // Starts threads (lock held) until `wanted` exist or the OS refuses one.
  void StartThreadsLocked(size_t wanted);
  // Worker, lock not held: waits awake up to `ns` for a run to be queued; true when one was.
  bool SpinForWork(uint64_t ns);
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
  bool refused_ = false;  // the OS refused a thread: no more attempts until SetThreads()
  uint64_t startFailures_ = 0;
  std::string startError_;
  size_t outstanding_ = 0;  // JS thread: submitted and not yet settled (keeps the loop alive)
  // Workers waiting awake for the next run (changed under the lock); queue_.size(), readable
  // without it (what they watch).
  unsigned spinning_ = 0;
  uint64_t spinMaxNs_ = kSpinAfterRunMaxNs;
  std::atomic<size_t> queuedHint_{0};
  std::atomic<unsigned> spinningHint_{0};
  std::atomic<uint64_t> spinHits_{0};
  std::atomic<uint64_t> spinMisses_{0};
  static constexpr unsigned kSequentialRuns = 8;
  unsigned sequentialStreak_ = 0;  // JS thread: submits in a row that found nothing outstanding
};

}  // namespace ortex
