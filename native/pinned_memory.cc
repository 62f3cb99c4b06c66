#include "pinned_memory.h"

#include <atomic>
#include <map>
#include <mutex>

#include "errors.h"
#include "session_core.h"

namespace ortex {
namespace {

struct PinnedBlock {
  std::shared_ptr<SessionCore> owner;  // its allocator belongs to the session
  OrtAllocator* allocator = nullptr;
  OrtMemoryInfo* info = nullptr;
  char* data = nullptr;
  size_t bytes = 0;
};

std::mutex g_mutex;
std::map<const char*, PinnedBlock*> g_blocks;  // by start address
std::atomic<size_t> g_count{0};

void Finalize(napi_env env, void*, void* hint) {
  auto* block = static_cast<PinnedBlock*>(hint);
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_blocks.erase(block->data);
    g_count--;
  }
  const OrtApi& api = Ort::GetApi();
  block->allocator->Free(block->allocator, block->data);
  api.ReleaseAllocator(block->allocator);
  api.ReleaseMemoryInfo(block->info);
  int64_t ignored;
  napi_adjust_external_memory(env, -static_cast<int64_t>(block->bytes), &ignored);
  delete block;
}

}  // namespace

Napi::ArrayBuffer AllocatePinned(Napi::Env env, const std::shared_ptr<SessionCore>& core, size_t bytes) {
  if (core->deviceMemory != "Cuda") {
    Throw(env, code::kInvalidArgument, "pinned host buffers need a session with the cuda or tensorrt provider");
  }
  const OrtApi& api = Ort::GetApi();
  auto* block = new PinnedBlock();
  block->owner = core;
  block->bytes = bytes ? bytes : 1;
  OrtStatus* st =
      api.CreateMemoryInfo("CudaPinned", OrtDeviceAllocator, core->deviceId, OrtMemTypeCPUOutput, &block->info);
  if (!st) st = api.CreateAllocator(core->session, block->info, &block->allocator);
  if (!st) block->data = static_cast<char*>(block->allocator->Alloc(block->allocator, block->bytes));
  if (st || !block->data) {
    Failure f = st ? FromStatus(st, code::kRuntime) : Failure{code::kRuntime, "pinned allocation failed", -1};
    if (block->allocator) api.ReleaseAllocator(block->allocator);
    if (block->info) api.ReleaseMemoryInfo(block->info);
    delete block;
    throw ToJsError(env, f);
  }
  napi_value buffer;
  if (napi_create_external_arraybuffer(env, block->data, bytes, Finalize, block, &buffer) != napi_ok) {
    block->allocator->Free(block->allocator, block->data);
    api.ReleaseAllocator(block->allocator);
    api.ReleaseMemoryInfo(block->info);
    delete block;
    Throw(env, code::kRuntime, "this runtime refuses external buffers: pinned memory is unavailable");
  }
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    g_blocks[block->data] = block;
    g_count++;
  }
  int64_t ignored;
  napi_adjust_external_memory(env, static_cast<int64_t>(bytes), &ignored);
  return Napi::ArrayBuffer(env, buffer);
}

const OrtMemoryInfo* PinnedMemoryInfoFor(const void* data) {
  if (g_count.load(std::memory_order_relaxed) == 0) return nullptr;
  const char* p = static_cast<const char*>(data);
  std::lock_guard<std::mutex> lock(g_mutex);
  auto it = g_blocks.upper_bound(p);
  if (it == g_blocks.begin()) return nullptr;
  --it;
  PinnedBlock* block = it->second;
  return p < block->data + block->bytes ? block->info : nullptr;
}

}  // namespace ortex
