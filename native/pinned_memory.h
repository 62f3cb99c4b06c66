// Page-locked ("pinned") host buffers from a CUDA session's allocator: uploads from them to the
// GPU are faster than from pageable memory. They appear in JS as ordinary TypedArrays over
// native memory (native_buffers.h); inputs backed by them reach ORT with the pinned memory info
// so it can use a fast copy.
#pragma once
#include <napi.h>

#include <memory>

namespace ortex {

struct SessionCore;

// Allocates `bytes` of pinned memory from `core`'s CUDA provider and returns an ArrayBuffer over
// it, freed when collected. Throws Napi::Error when the session has no CUDA provider.
Napi::ArrayBuffer AllocatePinned(Napi::Env env, const std::shared_ptr<SessionCore>& core, size_t bytes);

}  // namespace ortex
