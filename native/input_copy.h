// A run's copies of V8 memory (input_values.h: runs that leave the JS thread), made by two
// threads when the run's worker is awake already (waiting for the next run, run_pool.h): the JS
// thread and that worker take 64 KiB chunks in turn. Each then waits until every chunk is done:
// the JS thread before it returns to JS, the worker before ORT runs. The worker reads V8 memory
// only while the JS thread is inside the run call and waits for it, so no JS can detach or resize
// the memory meanwhile: as safe as the JS thread copying alone. After a wake-up from an idle
// vCPU the JS thread copies at about half the speed of the worker, whose caches are warm from
// the last run (issue 11: PP-OCR cls batch 8, 884 KB: 80-90 us vs 35-45 us).
#pragma once
#include <atomic>
#include <cstddef>
#include <vector>

#include "input_values.h"

namespace ortex {

class SharedCopy {
 public:
  explicit SharedCopy(const std::vector<PendingCopy>& copies);
  // Any thread: copies chunks until none is left, then waits until every chunk is copied.
  // Returns the bytes this thread copied.
  uint64_t Help();
  // Any thread: waits until every chunk is copied, copying none itself.
  void Wait();

 private:
  struct Chunk {
    void* to;
    const void* from;
    size_t bytes;
  };
  std::vector<Chunk> chunks_;
  std::atomic<size_t> next_{0};
  std::atomic<size_t> done_{0};
};

}  // namespace ortex
