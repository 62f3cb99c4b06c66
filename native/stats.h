// Process-wide counters that prove the zero-copy claims (bytes handed over vs copied) and show
// how runs were scheduled (inline on the JS thread vs on a worker).
#pragma once
#include <atomic>
#include <cstdint>

namespace ortex {

struct Stats {
  std::atomic<uint64_t> inputBytesZeroCopy{0};
  std::atomic<uint64_t> inputBytesCopied{0};
  // Of those, copied by a run's pool worker while the JS thread waited in the run call (input_copy.h).
  std::atomic<uint64_t> inputBytesCopiedByWorker{0};
  std::atomic<uint64_t> outputBytesZeroCopy{0};
  std::atomic<uint64_t> outputBytesCopied{0};
  std::atomic<uint64_t> fetchBytesInPlace{0};
  std::atomic<uint64_t> fetchBytesCopied{0};  // fetch targets in V8 memory of runs off the JS thread
  std::atomic<uint64_t> runsInline{0};
  std::atomic<uint64_t> runsAsync{0};
  std::atomic<uint64_t> sessionsCreated{0};
  std::atomic<uint64_t> sessionsReleased{0};
  std::atomic<int64_t> outputBuffersLive{0};
  std::atomic<uint64_t> heapTrims{0};  // times the lifecycle thread handed freed heap back (heap_trim.h)
};

Stats& GlobalStats();

}  // namespace ortex
