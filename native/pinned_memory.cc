#include "pinned_memory.h"

#include "errors.h"
#include "native_buffers.h"
#include "session_core.h"

namespace ortex {
namespace {

struct PinnedBuffer : NativeBuffer {
  std::shared_ptr<SessionCore> owner;  // its allocator belongs to the session
  OrtAllocator* allocator = nullptr;
  OrtMemoryInfo* info = nullptr;

  ~PinnedBuffer() override {
    const OrtApi& api = Ort::GetApi();
    if (data) allocator->Free(allocator, data);
    if (allocator) api.ReleaseAllocator(allocator);
    if (info) api.ReleaseMemoryInfo(info);
  }
};

}  // namespace

Napi::ArrayBuffer AllocatePinned(Napi::Env env, const std::shared_ptr<SessionCore>& core, size_t bytes) {
  if (core->deviceMemory != "Cuda") {
    Throw(env, code::kInvalidArgument, "pinned host buffers need a session with the cuda or tensorrt provider");
  }
  const OrtApi& api = Ort::GetApi();
  auto block = std::make_shared<PinnedBuffer>();
  block->owner = core;
  OrtStatus* st =
      api.CreateMemoryInfo("CudaPinned", OrtDeviceAllocator, core->deviceId, OrtMemTypeCPUOutput, &block->info);
  if (!st) st = api.CreateAllocator(core->session, block->info, &block->allocator);
  if (!st) block->data = block->allocator->Alloc(block->allocator, bytes ? bytes : 1);
  if (st || !block->data) {
    throw ToJsError(env, st ? FromStatus(st, code::kRuntime) : Failure{code::kRuntime, "pinned allocation failed", -1});
  }
  block->bytes = bytes;
  block->memoryInfo = block->info;
  napi_value buffer = ExposeBuffer(env, block, BufferKind::kPinned);
  if (!buffer) Throw(env, code::kRuntime, "this runtime refuses external buffers: pinned memory is unavailable");
  return Napi::ArrayBuffer(env, buffer);
}

}  // namespace ortex
