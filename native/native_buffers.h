// Memory that ortex owns behind the external ArrayBuffers it hands to JS: outputs over ORT's
// memory, and pinned host buffers. JS cannot free or move it: Node copies such buffers instead
// of transferring them (postMessage, structuredClone), and only ortex detaches them. The JS
// ArrayBuffer holds one share; dispose() or its collection drops that share, and the memory is
// freed when the last run holding a share of its own settles. Runs look their inputs and fetch
// targets up here: native memory is read and written in place even off the JS thread, where
// V8 memory is copied (an ArrayBuffer can be detached at any time and its memory freed).
#pragma once
#include <napi.h>

#include <memory>

#include "ort_api.h"

namespace ortex {

struct NativeBuffer {
  void* data = nullptr;
  size_t bytes = 0;
  const OrtMemoryInfo* memoryInfo = nullptr;  // how ORT must see it (pinned); nullptr: plain CPU
  virtual ~NativeBuffer() = default;
};

enum class BufferKind {
  kOutput,  // counted in stats().outputBuffersLive; dispose() frees it early
  kPinned,  // freed when collected
};

// An external ArrayBuffer over `buffer`, registered for lookups; JS holds one share. Returns
// nullptr (and no pending exception) when this runtime refuses external buffers: copy instead.
napi_value ExposeBuffer(napi_env env, std::shared_ptr<NativeBuffer> buffer, BufferKind kind);

// The registered buffer that holds [data, data + bytes), or nullptr.
std::shared_ptr<NativeBuffer> FindBuffer(const void* data, size_t bytes);

// True while any pinned buffer exists: inline runs only look their inputs up then.
bool AnyPinnedBuffers();

// tensor.dispose() of an output: detaches `arrayBuffer` so JS can no longer reach the memory,
// and drops JS's share. False when it is not a live output buffer of this addon.
bool DisposeOutputBuffer(napi_env env, napi_value arrayBuffer);

}  // namespace ortex
