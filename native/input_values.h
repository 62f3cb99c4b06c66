// Inputs and fetch targets, read from JS in two phases so that no user JS runs between taking
// a data pointer and ORT reading (or ortex copying) the data:
//   1. Decode: everything that may run JS — a getter on a dims array or on a string element —
//      happens here: dims and strings are copied into C++ (strings straight into ORT tensors),
//      TypedArrays are remembered as handles.
//   2. Materialize: data pointers are taken here, and nothing after it runs JS until ORT has
//      read the data (inline runs) or ortex has copied it (runs that leave the JS thread).
// Runs off the JS thread copy V8 memory, since an ArrayBuffer can be detached (transferred) at
// any moment and its memory freed, but read and write ortex's own native memory in place,
// holding a share of it for the run (native_buffers.h). A SharedArrayBuffer is always copied:
// another thread may write it while ORT reads. (A resizable buffer cannot change during an
// inline run: no JS runs then.)
#pragma once
#include <napi.h>

#include <memory>
#include <vector>

#include "limits.h"
#include "ort_api.h"
#include "value_encoding.h"

namespace ortex {

struct DeviceValue;
struct NativeBuffer;

// A copy of V8 memory into memory of the run's own, deferred (InputContext::deferCopies).
struct PendingCopy {
  void* to;
  const void* from;
  uint64_t bytes;
};

// One input (or fetch target) between the phases.
struct PendingValue {
  int32_t code = 0;  // ONNX element type of a tensor, or kCodeSequence / kCodeMap / kCodeDevice
  size_t rank = 0;
  int64_t dims[kMaxRank];
  uint64_t bytes = 0;                   // numeric tensors: the byte length the dims call for
  napi_value data = nullptr;            // numeric tensors: the TypedArray, read in phase 2
  Ort::Value ready{nullptr};            // built in phase 1: string tensors, empty sequences
  std::shared_ptr<DeviceValue> device;  // device tensors (borrowed, never freed by the run)
  std::vector<PendingValue> items;      // sequence and map parts
};

// What one run's inputs and fetch targets hold, and how their bytes travelled.
struct InputContext {
  bool offThread = false;  // the run leaves the JS thread: V8 memory is copied
  // Copies of V8 memory are listed in `copies` instead of made: the caller makes them (with the
  // run's worker, input_copy.h) before the JS thread runs any JS again.
  bool deferCopies = false;
  std::vector<PendingCopy> copies;
  // Where copies go: the session's CPU arena (memory reused warm, run after run), else ORT's
  // default allocator.
  OrtAllocator* allocator = nullptr;
  std::vector<std::shared_ptr<DeviceValue>> devices;
  std::vector<std::shared_ptr<NativeBuffer>> held;  // native memory read or written in place
  uint64_t zeroCopyBytes = 0;
  uint64_t copiedBytes = 0;
};

// Phase 1: the triple at slots [at, at+3) of `encoded` (see value_encoding.h).
void DecodeValue(Napi::Env env, const Napi::Array& encoded, uint32_t at, PendingValue& out);

// Phase 1 for a tensor whose code, rank and dims are already set in `out` (the fast path reads
// them from a header): checks them and takes the payload.
void DecodeTensor(Napi::Env env, napi_value payload, PendingValue& out);

// Phase 2: the OrtValue ORT reads. Throws ERR_INVALID_INPUT when the data cannot back the
// declared tensor, including data detached since phase 1.
Ort::Value MaterializeInput(Napi::Env env, PendingValue& value, InputContext& ctx);

// Phase 2 for a caller-provided output tensor: the OrtValue ORT writes. `*copyBack` is set
// when ORT writes into native memory of the run's own, to be copied into the target at settle.
Ort::Value MaterializeFetch(Napi::Env env, PendingValue& value, InputContext& ctx, bool* copyBack);

// At settle, for a fetch target with copyBack: copies `result` into the TypedArray `target`.
// Throws ERR_INVALID_INPUT when the target was detached (or changed length) meanwhile.
void CopyBackFetch(Napi::Env env, napi_value target, const OrtValue* result, const char* outputName);

}  // namespace ortex
