// Conversion between JS values (as encoded by lib/native-values.ts) and OrtValues.
//
// JS side encodes each value as three consecutive array slots: [code, payload, dims].
//   code 1..22  tensor of that ONNX element type; payload a TypedArray (string[] for STRING); dims number[]
//   code 100    sequence; payload a flat array of triples; dims slot: element type (for empty ones)
//   code 101    map; payload [keyCode, keyPayload, keyDims, valueCode, valuePayload, valueDims]
//   code 102    optional without a value (outputs only; an absent optional input is simply not fed)
#pragma once
#include <napi.h>

#include <memory>
#include <vector>

#include "ort_api.h"

namespace ortex {

constexpr int32_t kCodeSequence = 100;
constexpr int32_t kCodeMap = 101;
constexpr int32_t kCodeNone = 102;
constexpr int32_t kCodeDevice = 103;  // payload: [elementType, DeviceTensor]

// Bytes that `count` elements of ONNX element type `type` occupy (packed 4-bit types round up).
// Returns false for unknown types or overflow.
bool TensorByteSize(int32_t type, uint64_t count, uint64_t* bytes);

// The data pointer handed to ORT for empty tensors (it wants a non-null, aligned one).
void* EmptyTensorData();

// Input side. When keepAlive is set (runs that leave the JS thread), every ArrayBuffer handed to
// ORT without a copy is referenced until the run settles.
struct DeviceValue;

struct InputContext {
  bool keepAlive = false;
  // Device tensors fed as inputs: their OrtValues are borrowed, not owned, by the run.
  std::vector<std::shared_ptr<DeviceValue>> devices;
  std::vector<Napi::Reference<Napi::Value>> keep;
  uint64_t zeroCopyBytes = 0;
  uint64_t copiedBytes = 0;
};

// Reads the triple at slots [at, at+3) of `encoded`. Throws Napi::Error (code ERR_INVALID_INPUT)
// when the data cannot back the declared tensor.
Ort::Value ValueFromJs(Napi::Env env, const Napi::Array& encoded, uint32_t at, InputContext& ctx);

// Output side: appends the triple for `value` (ownership taken) to `out` at `*at`.
// Numeric tensors become TypedArrays over ORT's memory; the memory is released when the
// ArrayBuffer is collected or disposed. `owner` is kept alive as long as that memory.
// Tensors smaller than `copyBelowBytes` are copied into V8 memory instead (cheaper when tiny).
void ValueToJs(Napi::Env env, Ort::Value value, const std::shared_ptr<void>& owner, size_t copyBelowBytes,
               Napi::Array& out, uint32_t* at);

// Inputs: one tensor from its parts (fast path: dims come from a header, not a JS array).
Ort::Value TensorFromParts(Napi::Env env, int32_t type, napi_value payload, const int64_t* dims, size_t rank,
                           InputContext& ctx);

// Outputs: one tensor's data (TypedArray or string[]); its element type and dims (rank ≤ kMaxRank) are
// written to the out-parameters. Throws for non-tensor values.
napi_value TensorToJs(Napi::Env env, Ort::Value value, const std::shared_ptr<void>& owner, size_t copyBelowBytes,
                      int32_t* type, int64_t* dims, size_t* rank);

// tensor.dispose(): frees the ORT memory behind an output ArrayBuffer now and detaches it.
// Returns false if the buffer is not (or no longer) an ortex output.
bool DisposeOutputBuffer(Napi::Env env, Napi::ArrayBuffer buffer);

}  // namespace ortex
