#include "loop_watch.h"

#if !defined(_WIN32)
#include <poll.h>
#endif

extern "C" {
// Exported by Node's libuv; declared by hand because node-api-headers ship no uv.h.
// Every uv_handle_t begins with `void* data`.
struct uv_loop_s;
int uv_check_init(struct uv_loop_s* loop, void* check);
int uv_check_start(void* check, void (*cb)(void*));
int uv_check_stop(void* check);
void uv_ref(void* handle);
void uv_unref(void* handle);
void uv_close(void* handle, void (*close_cb)(void*));
int uv_backend_fd(const struct uv_loop_s* loop);
int uv_backend_timeout(const struct uv_loop_s* loop);
uint64_t uv_now(const struct uv_loop_s* loop);
uint64_t uv_hrtime(void);
}

namespace ortex {

LoopWatch* LoopWatch::Start(Napi::Env env) {
  uv_loop_s* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || !loop) return nullptr;
  auto* watch = new LoopWatch();
  if (uv_check_init(loop, watch->handle_) != 0) {
    delete watch;
    return nullptr;
  }
  *reinterpret_cast<void**>(watch->handle_) = watch;
  watch->loop_ = loop;
  uv_check_start(watch->handle_, OnCheck);
  uv_unref(watch->handle_);  // never keeps the process alive
  napi_add_async_cleanup_hook(env, OnCleanup, watch, &watch->hook_);
  return watch;
}

bool LoopWatch::Busy(uint64_t nowNs, uint64_t budgetNs) {
  if (turnStartNs_ == 0) {
    turnStartNs_ = nowNs;
    return false;
  }
  return nowNs - turnStartNs_ > budgetNs;
}

bool LoopWatch::Quiet(uint64_t forNs) {
#if defined(_WIN32)
  return false;  // IOCP: no pollable backend to ask
#else
  // libuv answers 0, without looking at timers, when no referenced handle keeps the loop alive:
  // unreferenced timers (monitorEventLoopDelay's, unref()'d ones) still fire. Referencing the
  // watch's own (active) check handle for the question makes it look at them.
  uv_ref(handle_);
  int timeoutMs = uv_backend_timeout(loop_);
  uv_unref(handle_);
  // 0: idle handles (setImmediate), pending callbacks or closing handles want the loop now.
  if (timeoutMs == 0) return false;
  if (timeoutMs > 0) {
    // The timeout counts from the loop's cached time, which inline work in this turn has left behind.
    uint64_t dueMs = uv_now(loop_) + static_cast<uint64_t>(timeoutMs);
    if (dueMs * 1000000 <= uv_hrtime() + forNs) return false;
  }
  int fd = uv_backend_fd(loop_);
  if (fd < 0) return false;
  // The epoll/kqueue descriptor is readable while any watched descriptor is ready; polling it
  // reads no event.
  struct pollfd p = {fd, POLLIN, 0};
  return poll(&p, 1, 0) == 0;
#endif
}

void LoopWatch::OnCheck(void* handle) { static_cast<LoopWatch*>(*reinterpret_cast<void**>(handle))->turnStartNs_ = 0; }

void LoopWatch::OnCleanup(napi_async_cleanup_hook_handle hook, void* arg) {
  auto* watch = static_cast<LoopWatch*>(arg);
  uv_check_stop(watch->handle_);
  uv_close(watch->handle_, OnClosed);
}

void LoopWatch::OnClosed(void* handle) {
  auto* watch = static_cast<LoopWatch*>(*reinterpret_cast<void**>(handle));
  napi_remove_async_cleanup_hook(watch->hook_);
  delete watch;
}

}  // namespace ortex
