#include "loop_watch.h"

extern "C" {
// Exported by Node's libuv; declared by hand because node-api-headers ship no uv.h.
// Every uv_handle_t begins with `void* data`.
struct uv_loop_s;
int uv_check_init(struct uv_loop_s* loop, void* check);
int uv_check_start(void* check, void (*cb)(void*));
int uv_check_stop(void* check);
void uv_unref(void* handle);
void uv_close(void* handle, void (*close_cb)(void*));
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
