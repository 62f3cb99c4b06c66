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

}  // namespace ortex
