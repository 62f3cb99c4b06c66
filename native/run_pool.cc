#include "run_pool.h"

#include <algorithm>
#include <cstdlib>

#include "cpu_relax.h"
#include "limits.h"
#include "steady_now.h"

namespace ortex {

RunPool* RunPool::Start(Napi::Env env, unsigned threads) {
  auto* pool = new RunPool(env, threads);
  napi_value name;
  napi_create_string_utf8(env, "ortex:run", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, nullptr, nullptr, name, 0, 1, nullptr, nullptr, pool, OnDone,
                                      &pool->tsfn_) != napi_ok) {
    delete pool;
    return nullptr;
  }
  napi_unref_threadsafe_function(env, pool->tsfn_);  // referenced only while runs are outstanding
  napi_add_env_cleanup_hook(env, OnCleanup, pool);
  return pool;
}

RunPool::RunPool(Napi::Env env, unsigned threads) : env_(env), limit_(threads ? threads : 1) {
  // ORTEX_RUN_SPIN_US: the longest wait awake after a run, in µs (0: never; a CPU-quota container
  // may prefer that). Read once, when the environment's pool starts.
  if (const char* us = std::getenv("ORTEX_RUN_SPIN_US")) {
    char* end = nullptr;
    double v = std::strtod(us, &end);
    if (end != us && v >= 0 && v <= 1e6) spinMaxNs_ = static_cast<uint64_t>(v * 1000);
  }
}

void RunPool::StartThreadsLocked(size_t wanted) {
  while (!refused_ && workers_.size() < wanted && workers_.size() < limit_) {
    unsigned index = static_cast<unsigned>(workers_.size());
    try {
      workers_.emplace_back([this, index] { WorkerLoop(index); });
    } catch (const std::exception& e) {  // std::system_error: EAGAIN from a thread or pid limit
      refused_ = true;
      startFailures_++;
      startError_ = e.what();
    }
  }
}

bool RunPool::Submit(std::unique_ptr<PoolTask>& task) {
  bool wake = true;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // Threads start on demand, up to the limit.
    StartThreadsLocked(executing_ + queue_.size() + 1);
    if (workers_.empty()) return false;
    queue_.push_back(std::move(task));
    queuedHint_.store(queue_.size(), std::memory_order_release);
    // A worker waiting awake takes it without a wake-up; wake a sleeping one only for runs
    // beyond what the awake ones take.
    wake = queue_.size() > spinning_;
  }
  if (outstanding_ == 0) {
    if (sequentialStreak_ < kSequentialRuns) sequentialStreak_++;
  } else {
    sequentialStreak_ = 0;
  }
  if (outstanding_++ == 0) napi_ref_threadsafe_function(env_, tsfn_);
  if (wake) wake_.notify_one();
  return true;
}

void RunPool::SetThreads(unsigned threads) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    limit_ = threads ? threads : 1;
    refused_ = false;
    StartThreadsLocked(executing_ + queue_.size());
  }
  wake_.notify_all();
}

size_t RunPool::started() {
  std::lock_guard<std::mutex> lock(mutex_);
  return workers_.size();
}

uint64_t RunPool::startFailures() {
  std::lock_guard<std::mutex> lock(mutex_);
  return startFailures_;
}

std::string RunPool::startError() {
  std::lock_guard<std::mutex> lock(mutex_);
  return startError_;
}

unsigned RunPool::executing() {
  std::lock_guard<std::mutex> lock(mutex_);
  return executing_;
}

size_t RunPool::queued() {
  std::lock_guard<std::mutex> lock(mutex_);
  return queue_.size();
}

bool RunPool::SpinForWork(uint64_t ns) {
  uint64_t deadline = SteadyNowNs() + ns;
  for (;;) {
    for (int i = 0; i < 64; ++i) {
      if (queuedHint_.load(std::memory_order_acquire) != 0) return true;
      CpuRelax();
    }
    if (SteadyNowNs() >= deadline) return false;
    // Gives the CPU to anything else runnable on it (the JS thread, on a busy machine).
    std::this_thread::yield();
  }
}

void RunPool::WorkerLoop(unsigned index) {
  std::unique_lock<std::mutex> lock(mutex_);
  for (;;) {
    // Threads above a lowered limit stay parked.
    wake_.wait(lock, [&] { return stopping_ || (!queue_.empty() && index < limit_); });
    if (stopping_) return;
    std::unique_ptr<PoolTask> task = std::move(queue_.front());
    queue_.pop_front();
    queuedHint_.store(queue_.size(), std::memory_order_release);
    executing_++;
    lock.unlock();
    uint64_t start = SteadyNowNs();
    task->Execute();
    uint64_t ran = SteadyNowNs() - start;
    lock.lock();
    executing_--;
    bool mayWaitAwake = task->MayWaitAwakeAfter();
    done_.push_back(std::move(task));
    // One wake-up of the JS thread settles everything done by then.
    bool signal = done_.size() == 1;
    // The pool is idle now: a lone caller's next run comes as soon as it has this result. Wait
    // for it awake, briefly, rather than asleep (issue 11: single callers at parity).
    uint64_t spin = 0;
    if (mayWaitAwake && queue_.empty() && executing_ == 0 && !stopping_ && index < limit_) {
      spin = std::min(spinMaxNs_, ran / kSpinAfterRunFraction);
      if (spin) spinningHint_.store(++spinning_, std::memory_order_relaxed);
    }
    lock.unlock();
    if (signal) napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking);
    if (spin) (SpinForWork(spin) ? spinHits_ : spinMisses_).fetch_add(1, std::memory_order_relaxed);
    lock.lock();
    if (spin) spinningHint_.store(--spinning_, std::memory_order_relaxed);
  }
}

void RunPool::OnDone(napi_env env, napi_value, void* context, void*) {
  if (env == nullptr) return;  // the environment is going away; OnCleanup deletes what is left
  static_cast<RunPool*>(context)->Drain(Napi::Env(env));
}

void RunPool::Drain(Napi::Env env) {
  // A bounded number per callback: each settlement runs its continuations before the loop moves
  // on, so settling everything at once under heavy concurrency would hold the loop too long.
  constexpr size_t kPerTurn = 8;
  std::deque<std::unique_ptr<PoolTask>> done;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    while (!done_.empty() && done.size() < kPerTurn) {
      done.push_back(std::move(done_.front()));
      done_.pop_front();
    }
    // Workers signal only when the queue turns non-empty: ask for another turn for the rest.
    if (!done_.empty()) napi_call_threadsafe_function(tsfn_, nullptr, napi_tsfn_nonblocking);
  }
  for (auto& task : done) {
    Napi::HandleScope scope(env);
    try {
      task->Settle(env);
    } catch (const Napi::Error&) {
      // Settling failed (the environment is shutting down): nothing is waiting any more.
    }
    task.reset();
    if (--outstanding_ == 0) napi_unref_threadsafe_function(env_, tsfn_);
  }
}

void RunPool::OnCleanup(void* arg) {
  auto* pool = static_cast<RunPool*>(arg);
  {
    std::lock_guard<std::mutex> lock(pool->mutex_);
    pool->stopping_ = true;
  }
  pool->wake_.notify_all();
  // Runs in progress finish first (ORT offers no safe way to abandon them).
  for (auto& t : pool->workers_) t.join();
  napi_release_threadsafe_function(pool->tsfn_, napi_tsfn_abort);
  // Queued and finished tasks are dropped unsettled: nothing can await them any more.
  pool->queue_.clear();
  pool->done_.clear();
  delete pool;
}

}  // namespace ortex
