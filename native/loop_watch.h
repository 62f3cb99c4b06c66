// Knows whether the event loop of one environment has turned recently. A libuv check handle
// (after each poll phase) marks every turn; inline runs started since then share a ~2 ms
// budget, after which runs go to the thread pool so the loop can turn. Also knows whether
// anything waits on the loop right now (ready I/O, a due timer, an immediate), which decides
// whether a somewhat longer run may stay inline (session.cc).
#pragma once
#include <napi.h>

#include <cstdint>

struct uv_loop_s;

namespace ortex {

class LoopWatch {
 public:
  // Starts watching the loop of `env`; closed by an async env cleanup hook.
  static LoopWatch* Start(Napi::Env env);
  // True when inline work has held this loop turn longer than `budgetNs`.
  bool Busy(uint64_t nowNs, uint64_t budgetNs);
  // True when nothing waits on the loop and no timer falls due within `forNs`: no I/O event is
  // ready on its poll backend (without consuming any), no idle/pending work, no timer before
  // then. False where the backend cannot be asked (Windows) or when in doubt.
  bool Quiet(uint64_t forNs);

 private:
  static void OnCheck(void* handle);
  static void OnCleanup(napi_async_cleanup_hook_handle hook, void* arg);
  static void OnClosed(void* handle);

  alignas(16) unsigned char handle_[512];  // uv_check_t, whose size uv.h would give
  uv_loop_s* loop_ = nullptr;
  napi_async_cleanup_hook_handle hook_ = nullptr;
  uint64_t turnStartNs_ = 0;  // first inline run of this turn; 0 = none yet
};

}  // namespace ortex
