// Nanoseconds on the steady (monotonic) clock: run timings (run_job.cc) and spin deadlines
// (run_pool.cc), the loop watch's clock (addon.cc).
#pragma once
#include <chrono>
#include <cstdint>

namespace ortex {

inline uint64_t SteadyNowNs() {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

}  // namespace ortex
