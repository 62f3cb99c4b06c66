// A pause inside a busy-wait loop: lets the sibling hyperthread run and saves power while a
// thread waits awake for another (run_pool.cc, input_copy.cc).
#pragma once

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace ortex {

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace ortex
