#include "input_copy.h"

#include <cstring>
#include <thread>

#include "cpu_relax.h"

namespace ortex {
namespace {

constexpr size_t kChunkBytes = 64 * 1024;

}  // namespace

SharedCopy::SharedCopy(const std::vector<PendingCopy>& copies) {
  for (const PendingCopy& c : copies) {
    auto* to = static_cast<char*>(c.to);
    auto* from = static_cast<const char*>(c.from);
    for (uint64_t at = 0; at < c.bytes; at += kChunkBytes) {
      size_t n = static_cast<size_t>(c.bytes - at < kChunkBytes ? c.bytes - at : kChunkBytes);
      chunks_.push_back({to + at, from + at, n});
    }
  }
}

uint64_t SharedCopy::Help() {
  const size_t n = chunks_.size();
  uint64_t copied = 0;
  for (;;) {
    size_t i = next_.fetch_add(1, std::memory_order_relaxed);
    if (i >= n) break;
    std::memcpy(chunks_[i].to, chunks_[i].from, chunks_[i].bytes);
    copied += chunks_[i].bytes;
    done_.fetch_add(1, std::memory_order_release);
  }
  Wait();
  return copied;
}

void SharedCopy::Wait() {
  // After Help: the other thread's last chunk, a few microseconds. Yielding now and then lets it
  // finish when both threads share a CPU.
  for (unsigned spins = 1; done_.load(std::memory_order_acquire) < chunks_.size(); ++spins) {
    CpuRelax();
    if (spins % 64 == 0) std::this_thread::yield();
  }
}

}  // namespace ortex
