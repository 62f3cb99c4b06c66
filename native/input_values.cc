#include "input_values.h"

#include <cstring>
#include <string>

#include "device_tensor.h"
#include "errors.h"
#include "native_buffers.h"
#include "ort_runtime.h"
#include "tiny_models.h"

namespace ortex {
namespace {

// Phase 1 helpers --------------------------------------------------------------------------

// Reads a JS dims array (its elements may be getters: phase 1 only).
void ReadDims(Napi::Env env, const Napi::Value& dimsValue, PendingValue& out) {
  if (!dimsValue.IsArray()) Throw(env, code::kInvalidInput, "tensor dims must be an array");
  Napi::Array arr = dimsValue.As<Napi::Array>();
  uint32_t rank = arr.Length();
  if (rank > kMaxRank) Throw(env, code::kInvalidInput, "tensor rank exceeds " + std::to_string(kMaxRank));
  out.rank = rank;
  for (uint32_t i = 0; i < rank; ++i) {
    Napi::Value v = arr.Get(i);
    double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
    if (!(d >= 0) || d != static_cast<double>(static_cast<int64_t>(d)) || d > kMaxSafeInteger) {
      Throw(env, code::kInvalidInput, "tensor dims must be non-negative integers");
    }
    out.dims[i] = static_cast<int64_t>(d);
  }
}

// Copies a string[] into an ORT string tensor (its elements may be getters: phase 1 only).
Ort::Value StringTensorFromJs(Napi::Env env, const Napi::Value& payload, const PendingValue& shape, uint64_t count) {
  if (!payload.IsArray()) Throw(env, code::kInvalidInput, "string tensor data must be an array of strings");
  Napi::Array arr = payload.As<Napi::Array>();
  if (arr.Length() != count) Throw(env, code::kInvalidInput, "string tensor data length does not match dims");
  const OrtApi& api = Ort::GetApi();
  OrtValue* raw = nullptr;
  Check(env,
        api.CreateTensorAsOrtValue(DefaultAllocator(), shape.dims, shape.rank, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING,
                                   &raw),
        code::kRuntime);
  Ort::Value value(raw);
  std::string s;
  for (uint32_t i = 0; i < count; ++i) {
    Napi::Value el = arr.Get(i);
    if (!el.IsString()) Throw(env, code::kInvalidInput, "string tensor data must contain only strings");
    s = el.As<Napi::String>().Utf8Value();
    char* buffer = nullptr;
    // Sized copy: keeps embedded NUL characters intact.
    Check(env, api.GetResizedStringTensorElementBuffer(raw, i, s.size(), &buffer), code::kRuntime);
    if (!s.empty()) std::memcpy(buffer, s.data(), s.size());
  }
  return value;
}

void DecodeAggregate(Napi::Env env, const Napi::Value& payload, const Napi::Value& third, PendingValue& out) {
  if (!payload.IsArray()) Throw(env, code::kInvalidInput, "sequence/map payload must be an array");
  Napi::Array items = payload.As<Napi::Array>();
  uint32_t n = items.Length() / 3;
  if (n == 0 && out.code == kCodeSequence) {
    // The third slot carries the element type of an empty sequence.
    int32_t elementType = third.IsNumber() ? third.As<Napi::Number>().Int32Value() : 0;
    if (elementType <= 0) Throw(env, code::kInvalidInput, "an empty sequence needs a tensor element type");
    try {
      out.ready = Ort::Value(CreateEmptySequence(elementType));
    } catch (const Ort::Exception& e) {
      throw ToJsError(env, FromException(e, code::kInvalidInput));
    }
    return;
  }
  out.items.resize(n);
  for (uint32_t i = 0; i < n; ++i) {
    DecodeValue(env, items, i * 3, out.items[i]);
    if (out.items[i].device) {
      Throw(env, code::kInvalidInput, "a device tensor cannot be an element of a sequence or map");
    }
  }
}

// Phase 2 helpers --------------------------------------------------------------------------

// The memory of a numeric tensor's TypedArray, checked against what phase 1 read. `*shared`:
// it is a SharedArrayBuffer's (another thread may write it while ORT reads).
void* TypedArrayData(Napi::Env env, const PendingValue& v, bool* shared) {
  napi_typedarray_type kind;
  size_t length = 0;
  void* data = nullptr;
  napi_value arrayBuffer;
  if (napi_get_typedarray_info(env, v.data, &kind, &length, &data, &arrayBuffer, nullptr) != napi_ok) {
    Throw(env, code::kInvalidInput, "tensor data must be a TypedArray");
  }
  napi_typedarray_type expectedKind;
  TypedArrayKindFor(v.code, &expectedKind);
  bool kindOk = kind == expectedKind || (expectedKind == napi_uint8_array && kind == napi_uint8_clamped_array);
  if (!kindOk) Throw(env, code::kInvalidInput, "tensor data TypedArray does not match the element type");
  uint64_t bytes = static_cast<uint64_t>(length) * TypedArrayElementSize(kind);
  if (bytes != v.bytes) {
    bool detached = false;
    napi_is_detached_arraybuffer(env, arrayBuffer, &detached);
    if (detached) {
      Throw(env, code::kInvalidInput, "tensor data was detached (transferred or disposed) before the run read it");
    }
    Throw(env, code::kInvalidInput, "tensor data length does not match dims");
  }
  bool plain = false;  // false for a SharedArrayBuffer
  napi_is_arraybuffer(env, arrayBuffer, &plain);
  *shared = !plain;
  return bytes == 0 || data == nullptr ? EmptyTensorData() : data;
}

Ort::Value OverMemory(Napi::Env env, const PendingValue& v, void* data, const OrtMemoryInfo* info) {
  OrtValue* raw = nullptr;
  Check(env,
        Ort::GetApi().CreateTensorWithDataAsOrtValue(info ? info : CpuMemoryInfo(), data, v.bytes, v.dims, v.rank,
                                                     static_cast<ONNXTensorElementDataType>(v.code), &raw),
        code::kInvalidInput);
  return Ort::Value(raw);
}

// A tensor in ORT-allocated memory of the run's own, of v's type and shape.
Ort::Value Allocated(Napi::Env env, const PendingValue& v, const InputContext& ctx, void** data) {
  const OrtApi& api = Ort::GetApi();
  OrtValue* raw = nullptr;
  Check(env,
        api.CreateTensorAsOrtValue(ctx.allocator ? ctx.allocator : DefaultAllocator(), v.dims, v.rank,
                                   static_cast<ONNXTensorElementDataType>(v.code), &raw),
        code::kRuntime);
  Ort::Value value(raw);
  size_t size = 0;
  Check(env, api.GetTensorSizeInBytes(raw, &size), code::kRuntime);
  if (size != v.bytes) Throw(env, code::kRuntime, "ORT sized a tensor differently than its dims call for");
  Check(env, api.GetTensorMutableData(raw, data), code::kRuntime);
  return value;
}

// The native buffer that holds a tensor's data, when the run must know (off the JS thread: to
// hold it and read it in place; on it: only pinned memory needs its memory info).
std::shared_ptr<NativeBuffer> Owner(const InputContext& ctx, const void* data, uint64_t bytes) {
  if (bytes == 0 || !(ctx.offThread || AnyPinnedBuffers())) return nullptr;
  return FindBuffer(data, bytes);
}

Ort::Value MaterializeAggregate(Napi::Env env, PendingValue& v, InputContext& ctx) {
  if (v.ready) return std::move(v.ready);
  // ORT copies the parts into the sequence or map right away: they may point into V8 memory.
  InputContext parts;
  std::vector<Ort::Value> values;
  std::vector<const OrtValue*> ptrs;
  values.reserve(v.items.size());
  for (auto& item : v.items) {
    values.push_back(MaterializeInput(env, item, parts));
    ptrs.push_back(values.back());
  }
  OrtValue* raw = nullptr;
  Check(env,
        Ort::GetApi().CreateValue(ptrs.data(), ptrs.size(), v.code == kCodeMap ? ONNX_TYPE_MAP : ONNX_TYPE_SEQUENCE,
                                  &raw),
        code::kInvalidInput);
  ctx.copiedBytes += parts.zeroCopyBytes + parts.copiedBytes;
  return Ort::Value(raw);
}

}  // namespace

void DecodeTensor(Napi::Env env, napi_value payload, PendingValue& out) {
  uint64_t count = 1;
  for (size_t i = 0; i < out.rank; ++i) {
    if (out.dims[i] < 0) Throw(env, code::kInvalidInput, "tensor dims must be non-negative integers");
    if (__builtin_mul_overflow(count, static_cast<uint64_t>(out.dims[i]), &count)) {
      Throw(env, code::kInvalidInput, "tensor element count overflows");
    }
  }
  if (out.code == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) {
    out.ready = StringTensorFromJs(env, Napi::Value(env, payload), out, count);
    return;
  }
  if (!TensorByteSize(out.code, count, &out.bytes)) {
    Throw(env, code::kInvalidInput, "unsupported tensor element type " + std::to_string(out.code));
  }
  out.data = payload;
}

void DecodeValue(Napi::Env env, const Napi::Array& encoded, uint32_t at, PendingValue& out) {
  Napi::Value codeValue = encoded.Get(at);
  out.code = codeValue.IsNumber() ? codeValue.As<Napi::Number>().Int32Value() : -1;
  Napi::Value payload = encoded.Get(at + 1);
  if (out.code == kCodeDevice) {
    Napi::Value handle = payload.IsArray() ? payload.As<Napi::Array>().Get(1u) : payload;
    out.device = DeviceTensorWrap::From(env, handle);
    if (!out.device) Throw(env, code::kInvalidInput, "the device tensor has been disposed");
    return;
  }
  if (out.code == kCodeSequence || out.code == kCodeMap) return DecodeAggregate(env, payload, encoded.Get(at + 2), out);
  if (out.code <= 0 || out.code > ONNX_TENSOR_ELEMENT_DATA_TYPE_INT4) {
    Throw(env, code::kInvalidInput, "unsupported value kind " + std::to_string(out.code));
  }
  ReadDims(env, encoded.Get(at + 2), out);
  DecodeTensor(env, payload, out);
}

Ort::Value MaterializeInput(Napi::Env env, PendingValue& v, InputContext& ctx) {
  if (v.device) {
    ctx.devices.push_back(v.device);
    return Ort::Value(static_cast<OrtValue*>(v.device->value));  // borrowed: released by the run, not freed
  }
  if (v.code == kCodeSequence || v.code == kCodeMap) return MaterializeAggregate(env, v, ctx);
  if (v.ready) {
    size_t size = 0;
    if (OrtStatus* st = Ort::GetApi().GetStringTensorDataLength(v.ready, &size)) Ort::GetApi().ReleaseStatus(st);
    ctx.copiedBytes += size;
    return std::move(v.ready);
  }
  bool shared = false;
  void* data = TypedArrayData(env, v, &shared);
  std::shared_ptr<NativeBuffer> owner = Owner(ctx, data, v.bytes);
  if ((shared || (ctx.offThread && !owner)) && v.bytes > 0) {
    // V8 memory the run would read after this call returns, or memory another thread may
    // write while ORT reads it: copy it now.
    void* copy = nullptr;
    Ort::Value value = Allocated(env, v, ctx, &copy);
    if (ctx.deferCopies && !shared) {
      ctx.copies.push_back({copy, data, v.bytes});
    } else {
      std::memcpy(copy, data, v.bytes);
    }
    ctx.copiedBytes += v.bytes;
    return value;
  }
  Ort::Value value = OverMemory(env, v, data, owner ? owner->memoryInfo : nullptr);
  if (owner && ctx.offThread) ctx.held.push_back(std::move(owner));
  ctx.zeroCopyBytes += v.bytes;
  return value;
}

Ort::Value MaterializeFetch(Napi::Env env, PendingValue& v, InputContext& ctx, bool* copyBack) {
  *copyBack = false;
  if (v.device || v.code == kCodeSequence || v.code == kCodeMap || v.ready) {
    Throw(env, code::kInvalidInput, "only a numeric CPU tensor can receive an output in place");
  }
  bool shared = false;
  void* data = TypedArrayData(env, v, &shared);
  if (shared) Throw(env, code::kInvalidInput, "a tensor over a SharedArrayBuffer cannot receive an output in place");
  std::shared_ptr<NativeBuffer> owner = Owner(ctx, data, v.bytes);
  if (ctx.offThread && !owner && v.bytes > 0) {
    // ORT writes after this call returns, when the target may be gone: into memory of the run's
    // own, copied into the target when the run settles.
    void* ignored = nullptr;
    *copyBack = true;
    return Allocated(env, v, ctx, &ignored);
  }
  Ort::Value value = OverMemory(env, v, data, owner ? owner->memoryInfo : nullptr);
  if (owner && ctx.offThread) ctx.held.push_back(std::move(owner));
  return value;
}

void CopyBackFetch(Napi::Env env, napi_value target, const OrtValue* result, const char* outputName) {
  const OrtApi& api = Ort::GetApi();
  size_t size = 0;
  void* from = nullptr;
  Check(env, api.GetTensorSizeInBytes(result, &size), code::kRuntime);
  Check(env, api.GetTensorMutableData(const_cast<OrtValue*>(result), &from), code::kRuntime);
  napi_typedarray_type kind;
  size_t length = 0;
  void* to = nullptr;
  if (napi_get_typedarray_info(env, target, &kind, &length, &to, nullptr, nullptr) != napi_ok ||
      length * TypedArrayElementSize(kind) != size || (size > 0 && to == nullptr)) {
    Throw(env, code::kInvalidInput,
          std::string("the fetches tensor for output '") + outputName +
              "' was detached (transferred or disposed) while the run was in flight; its result is lost");
  }
  if (size > 0) std::memcpy(to, from, size);
}

}  // namespace ortex
