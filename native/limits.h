// Limits and defaults the addon enforces, each named once. The addon exports the limits JS
// needs to know (binding.limits), so lib/ need not repeat them.
#pragma once
#include <cstddef>
#include <cstdint>

namespace ortex {

// Dimensions per tensor: dims travel through fixed arrays of this size.
constexpr size_t kMaxRank = 64;
// runQueue(n) / init({ maxConcurrentRuns }): threads one environment's run pool may start.
constexpr unsigned kMaxConcurrentRuns = 1024;
// 2^53 - 1: the largest integer a JS number holds exactly (dims, byte counts).
constexpr double kMaxSafeInteger = 9007199254740991.0;
// Alignment of the dummy pointer handed to ORT for empty tensors (it wants a non-null one).
constexpr size_t kEmptyDataAlignment = 64;
// Runs measured faster than this (µs) execute inline on the JS thread; session option default.
constexpr double kDefaultInlineThresholdUs = 250;
// Runs measured faster than this many times the inline threshold (2 ms by default, the same as the
// loop budget below) execute inline too while nothing else waits on the event loop (session.cc,
// DecideInline): whatever arrives meanwhile waits no longer than a budget's worth of inline work.
constexpr double kIdleInlineFactor = 8;
// Inline runs started in one event-loop turn may hold the JS thread this long (ns) in total.
constexpr uint64_t kLoopBudgetNs = 2000000;
// Past the budget, a lone caller's runs of at least this long (ns) stay inline while the loop is
// quiet (session.cc, DecideInline). Below it, the per-run quiet check (a poll() of the backend)
// costs more than the one hop per budget it would save (hop ~50 us x run / 2 ms < ~1 us).
constexpr double kQuietInlineMinNs = 50000;
// A run pool worker that finishes a run and leaves the pool idle waits awake this long (ns) at
// most for the next run before it sleeps (run_pool.cc): a lone caller's next run arrives ~100-200
// us after the last one ends, and a sleeping worker takes 10-50 us to wake (a halted vCPU).
// ORTEX_RUN_SPIN_US overrides it (0: never wait awake).
constexpr uint64_t kSpinAfterRunMaxNs = 300000;
// ... and never longer than this fraction of the run it finished (1 / n): at most ~1/8 more CPU.
constexpr uint64_t kSpinAfterRunFraction = 8;

}  // namespace ortex
