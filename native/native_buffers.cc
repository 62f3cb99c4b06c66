#include "native_buffers.h"

#include <atomic>
#include <map>
#include <mutex>

#include "stats.h"

namespace ortex {
namespace {

// JS's share of one buffer: the finalize hint of its ArrayBuffer. `buffer` is reset when JS
// lets go (dispose() or collection); the hold itself lives until the finalizer.
struct JsShare {
  std::shared_ptr<NativeBuffer> buffer;
  BufferKind kind;
};

std::mutex g_mutex;
std::map<const char*, JsShare*> g_shares;  // live shares by start address
std::atomic<size_t> g_pinned{0};

// Drops JS's share (lock held). Returns the bytes to un-account, 0 if already dropped.
size_t DropShareLocked(JsShare* share) {
  if (!share->buffer) return 0;
  auto it = g_shares.find(static_cast<const char*>(share->buffer->data));
  if (it != g_shares.end() && it->second == share) g_shares.erase(it);
  size_t bytes = share->buffer->bytes;
  if (share->kind == BufferKind::kOutput) GlobalStats().outputBuffersLive--;
  if (share->kind == BufferKind::kPinned) g_pinned--;
  share->buffer.reset();
  return bytes;
}

void Unaccount(napi_env env, size_t bytes) {
  if (bytes == 0) return;
  int64_t ignored;
  napi_adjust_external_memory(env, -static_cast<int64_t>(bytes), &ignored);
}

void Finalize(napi_env env, void* /*data*/, void* hint) {
  auto* share = static_cast<JsShare*>(hint);
  size_t bytes;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    bytes = DropShareLocked(share);
  }
  Unaccount(env, bytes);
  delete share;
}

}  // namespace

napi_value ExposeBuffer(napi_env env, std::shared_ptr<NativeBuffer> buffer, BufferKind kind) {
  void* data = buffer->data;
  size_t bytes = buffer->bytes;
  auto* share = new JsShare{std::move(buffer), kind};
  napi_value arrayBuffer = nullptr;
  if (napi_create_external_arraybuffer(env, data, bytes, Finalize, share, &arrayBuffer) != napi_ok) {
    delete share;
    bool pending = false;
    napi_is_exception_pending(env, &pending);
    if (pending) {
      napi_value ignored;
      napi_get_and_clear_last_exception(env, &ignored);
    }
    return nullptr;
  }
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_shares[static_cast<const char*>(data)] = share;
  }
  if (kind == BufferKind::kOutput) GlobalStats().outputBuffersLive++;
  if (kind == BufferKind::kPinned) g_pinned++;
  int64_t ignored;
  napi_adjust_external_memory(env, static_cast<int64_t>(bytes), &ignored);
  return arrayBuffer;
}

std::shared_ptr<NativeBuffer> FindBuffer(const void* data, size_t bytes) {
  const char* p = static_cast<const char*>(data);
  std::lock_guard<std::mutex> lock(g_mutex);
  auto it = g_shares.upper_bound(p);
  if (it == g_shares.begin()) return nullptr;
  --it;
  const std::shared_ptr<NativeBuffer>& buffer = it->second->buffer;
  const char* start = static_cast<const char*>(buffer->data);
  if (p + bytes > start + buffer->bytes) return nullptr;
  return buffer;
}

bool AnyPinnedBuffers() { return g_pinned.load(std::memory_order_relaxed) > 0; }

bool DisposeOutputBuffer(napi_env env, napi_value arrayBuffer) {
  void* data = nullptr;
  size_t length = 0;
  if (napi_get_arraybuffer_info(env, arrayBuffer, &data, &length) != napi_ok || data == nullptr) return false;
  size_t bytes;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    auto it = g_shares.find(static_cast<const char*>(data));
    if (it == g_shares.end() || it->second->kind != BufferKind::kOutput) return false;
    // Detach first: JS can never reach the memory again, whoever frees it and when.
    if (napi_detach_arraybuffer(env, arrayBuffer) != napi_ok) return false;
    bytes = DropShareLocked(it->second);
  }
  Unaccount(env, bytes);
  return true;
}

}  // namespace ortex
