#include "values.h"

#include <cstring>
#include <mutex>
#include <string>
#include <unordered_map>

#include "device_tensor.h"
#include "errors.h"
#include "limits.h"
#include "ort_runtime.h"
#include "pinned_memory.h"
#include "stats.h"
#include "tiny_models.h"

namespace ortex {
namespace {

// Element size in bytes; 0 for unknown, STRING or the packed 4-bit types.
size_t ElementSize(int32_t type) {
  switch (type) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: return 4;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8: return 1;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: return 1;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16: return 2;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16: return 2;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: return 4;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: return 8;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: return 1;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: return 2;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: return 8;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32: return 4;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64: return 8;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16: return 2;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FN:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FNUZ:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2FNUZ: return 1;
    default: return 0;
  }
}

bool IsPacked4Bit(int32_t type) {
  return type == ONNX_TENSOR_ELEMENT_DATA_TYPE_INT4 || type == ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT4;
}

// The TypedArray kind that stores an element type on the JS side.
bool TypedArrayKindFor(int32_t type, napi_typedarray_type* kind) {
  switch (type) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: *kind = napi_float32_array; return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: *kind = napi_float64_array; return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: *kind = napi_int8_array; return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16: *kind = napi_int16_array; return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: *kind = napi_int32_array; return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: *kind = napi_bigint64_array; return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16: *kind = napi_uint16_array; return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32: *kind = napi_uint32_array; return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64: *kind = napi_biguint64_array; return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT4:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT4:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FN:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E4M3FNUZ:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2:
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT8E5M2FNUZ: *kind = napi_uint8_array; return true;
    default: return false;
  }
}

size_t TypedArrayElementSize(napi_typedarray_type kind) {
  switch (kind) {
    case napi_int8_array:
    case napi_uint8_array:
    case napi_uint8_clamped_array: return 1;
    case napi_int16_array:
    case napi_uint16_array: return 2;
    case napi_int32_array:
    case napi_uint32_array:
    case napi_float32_array: return 4;
    case napi_float64_array:
    case napi_bigint64_array:
    case napi_biguint64_array: return 8;
    default: return 0;
  }
}

void Check(Napi::Env env, OrtStatus* status, ErrorCode code) {
  if (status) throw ToJsError(env, FromStatus(status, code));
}

// Ownership record behind each external output ArrayBuffer.
struct OutputHold {
  OrtValue* value;
  std::shared_ptr<void> owner;
  size_t bytes;
  void* data;
};

std::mutex g_holdsMutex;
std::unordered_map<void*, OutputHold*> g_holds;

void ReleaseHoldLocked(OutputHold* hold) {
  g_holds.erase(hold->data);
  Ort::GetApi().ReleaseValue(hold->value);
  hold->value = nullptr;
  hold->owner.reset();
  GlobalStats().outputBuffersLive--;
}

void FinalizeOutput(napi_env env, void* /*data*/, void* hint) {
  auto* hold = static_cast<OutputHold*>(hint);
  bool wasLive = false;
  {
    std::lock_guard<std::mutex> lock(g_holdsMutex);
    if (hold->value) {
      ReleaseHoldLocked(hold);
      wasLive = true;
    }
  }
  if (wasLive) {
    int64_t ignored;
    napi_adjust_external_memory(env, -static_cast<int64_t>(hold->bytes), &ignored);
  }
  delete hold;
}

// Reads a JS dims array; the element count and its overflow are checked by TensorFromParts.
void ReadDims(Napi::Env env, const Napi::Value& dimsValue, std::vector<int64_t>& dims) {
  if (!dimsValue.IsArray()) Throw(env, code::kInvalidInput, "tensor dims must be an array");
  Napi::Array arr = dimsValue.As<Napi::Array>();
  uint32_t rank = arr.Length();
  if (rank > kMaxRank) Throw(env, code::kInvalidInput, "tensor rank exceeds " + std::to_string(kMaxRank));
  dims.resize(rank);
  for (uint32_t i = 0; i < rank; ++i) {
    Napi::Value v = arr.Get(i);
    double d = v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : -1;
    if (!(d >= 0) || d != static_cast<double>(static_cast<int64_t>(d)) || d > kMaxSafeInteger) {
      Throw(env, code::kInvalidInput, "tensor dims must be non-negative integers");
    }
    dims[i] = static_cast<int64_t>(d);
  }
}

Ort::Value StringTensorFromJs(Napi::Env env, const Napi::Value& payload, const int64_t* dims, size_t rank,
                              uint64_t count, InputContext& ctx) {
  if (!payload.IsArray()) Throw(env, code::kInvalidInput, "string tensor data must be an array of strings");
  Napi::Array arr = payload.As<Napi::Array>();
  if (arr.Length() != count) Throw(env, code::kInvalidInput, "string tensor data length does not match dims");
  const OrtApi& api = Ort::GetApi();
  OrtValue* raw = nullptr;
  Check(env, api.CreateTensorAsOrtValue(DefaultAllocator(), dims, rank, ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING, &raw),
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
    ctx.copiedBytes += s.size();
  }
  return value;
}

}  // namespace

Ort::Value TensorFromParts(Napi::Env env, int32_t type, napi_value payload, const int64_t* dims, size_t rank,
                           InputContext& ctx) {
  uint64_t count = 1;
  for (size_t i = 0; i < rank; ++i) {
    if (dims[i] < 0) Throw(env, code::kInvalidInput, "tensor dims must be non-negative integers");
    if (__builtin_mul_overflow(count, static_cast<uint64_t>(dims[i]), &count)) {
      Throw(env, code::kInvalidInput, "tensor element count overflows");
    }
  }
  if (type == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING) {
    return StringTensorFromJs(env, Napi::Value(env, payload), dims, rank, count, ctx);
  }
  uint64_t needed = 0;
  if (!TensorByteSize(type, count, &needed)) {
    Throw(env, code::kInvalidInput, "unsupported tensor element type " + std::to_string(type));
  }
  napi_typedarray_type kind;
  size_t length = 0;
  void* data = nullptr;
  napi_value arrayBuffer;
  size_t byteOffset = 0;
  if (napi_get_typedarray_info(env, payload, &kind, &length, &data, &arrayBuffer, &byteOffset) != napi_ok) {
    Throw(env, code::kInvalidInput, "tensor data must be a TypedArray");
  }
  napi_typedarray_type expectedKind;
  TypedArrayKindFor(type, &expectedKind);
  bool kindOk = kind == expectedKind || (expectedKind == napi_uint8_array && kind == napi_uint8_clamped_array);
  if (!kindOk) Throw(env, code::kInvalidInput, "tensor data TypedArray does not match the element type");
  uint64_t bytes = static_cast<uint64_t>(length) * TypedArrayElementSize(kind);
  if (bytes != needed) Throw(env, code::kInvalidInput, "tensor data length does not match dims");
  if (bytes == 0 || data == nullptr) data = EmptyTensorData();
  const OrtMemoryInfo* pinned = PinnedMemoryInfoFor(data);
  OrtValue* raw = nullptr;
  Check(env,
        Ort::GetApi().CreateTensorWithDataAsOrtValue(pinned ? pinned : CpuMemoryInfo(), data, bytes, dims, rank,
                                                     static_cast<ONNXTensorElementDataType>(type), &raw),
        code::kInvalidInput);
  if (ctx.keepAlive) ctx.keep.emplace_back(Napi::Persistent(Napi::Value(env, arrayBuffer)));
  ctx.zeroCopyBytes += bytes;
  return Ort::Value(raw);
}

namespace {

Ort::Value TensorFromJs(Napi::Env env, int32_t type, const Napi::Value& payload, const Napi::Value& dimsValue,
                        InputContext& ctx) {
  std::vector<int64_t> dims;
  ReadDims(env, dimsValue, dims);
  return TensorFromParts(env, type, payload, dims.data(), dims.size(), ctx);
}

Ort::Value AggregateFromJs(Napi::Env env, ONNXType kind, const Napi::Value& payload, const Napi::Value& third,
                           InputContext& ctx) {
  if (!payload.IsArray()) Throw(env, code::kInvalidInput, "sequence/map payload must be an array");
  Napi::Array items = payload.As<Napi::Array>();
  uint32_t n = items.Length() / 3;
  if (n == 0 && kind == ONNX_TYPE_SEQUENCE) {
    // The third slot carries the element type of an empty sequence.
    int32_t elementType = third.IsNumber() ? third.As<Napi::Number>().Int32Value() : 0;
    if (elementType <= 0) Throw(env, code::kInvalidInput, "an empty sequence needs a tensor element type");
    try {
      return Ort::Value(CreateEmptySequence(elementType));
    } catch (const Ort::Exception& e) {
      throw ToJsError(env, FromException(e, code::kInvalidInput));
    }
  }
  std::vector<Ort::Value> parts;
  parts.reserve(n);
  for (uint32_t i = 0; i < n; ++i) parts.push_back(ValueFromJs(env, items, i * 3, ctx));
  std::vector<const OrtValue*> ptrs;
  for (auto& p : parts) {
    ptrs.push_back(p);
    // ORT copies elements into sequences and maps.
    size_t sz = 0;
    if (Ort::GetApi().GetTensorSizeInBytes(p, &sz) == nullptr) ctx.copiedBytes += sz;
  }
  OrtValue* raw = nullptr;
  Check(env, Ort::GetApi().CreateValue(ptrs.data(), ptrs.size(), kind, &raw), code::kInvalidInput);
  return Ort::Value(raw);
}

Napi::Value StringTensorToJs(Napi::Env env, OrtValue* value, uint64_t count) {
  const OrtApi& api = Ort::GetApi();
  Napi::Array arr = Napi::Array::New(env, count);
  if (count == 0) return arr;
  size_t total = 0;
  Check(env, api.GetStringTensorDataLength(value, &total), code::kRuntime);
  std::vector<char> buffer(total + 1);
  std::vector<size_t> offsets(count);
  Check(env, api.GetStringTensorContent(value, buffer.data(), total, offsets.data(), count), code::kRuntime);
  for (uint64_t i = 0; i < count; ++i) {
    size_t begin = offsets[i];
    size_t end = i + 1 < count ? offsets[i + 1] : total;
    arr.Set(static_cast<uint32_t>(i), Napi::String::New(env, buffer.data() + begin, end - begin));
  }
  GlobalStats().outputBytesCopied += total;
  return arr;
}

Napi::Value NumericTensorToJs(Napi::Env env, Ort::Value& value, int32_t type, uint64_t count,
                              const std::shared_ptr<void>& owner, size_t copyBelowBytes) {
  napi_typedarray_type kind;
  uint64_t bytes = 0;
  if (!TypedArrayKindFor(type, &kind) || !TensorByteSize(type, count, &bytes)) {
    Throw(env, code::kRuntime, "the model produced an output of unsupported element type " + std::to_string(type));
  }
  size_t length = static_cast<size_t>(bytes / TypedArrayElementSize(kind));
  void* data = nullptr;
  Check(env, Ort::GetApi().GetTensorMutableData(value, &data), code::kRuntime);
  napi_value arrayBuffer = nullptr;
  if (bytes == 0) {
    arrayBuffer = Napi::ArrayBuffer::New(env, 0);
  } else if (bytes < copyBelowBytes) {
    // Small outputs: a memcpy into V8's own memory costs less than tracking an external
    // buffer (finalizer, weak reference, external-memory accounting) through GC.
    Napi::ArrayBuffer copy = Napi::ArrayBuffer::New(env, bytes);
    std::memcpy(copy.Data(), data, bytes);
    arrayBuffer = copy;
    GlobalStats().outputBytesCopied += bytes;
  } else {
    auto* hold = new OutputHold{value, owner, static_cast<size_t>(bytes), data};
    napi_status st = napi_create_external_arraybuffer(env, data, bytes, FinalizeOutput, hold, &arrayBuffer);
    if (st == napi_ok) {
      value.release();  // now owned by the hold
      {
        std::lock_guard<std::mutex> lock(g_holdsMutex);
        g_holds[data] = hold;
      }
      GlobalStats().outputBuffersLive++;
      GlobalStats().outputBytesZeroCopy += bytes;
      int64_t ignored;
      napi_adjust_external_memory(env, static_cast<int64_t>(bytes), &ignored);
    } else {
      // Runtimes that refuse external buffers (Electron's sandbox): copy.
      delete hold;
      bool pending = false;
      napi_is_exception_pending(env, &pending);
      if (pending) {
        napi_value ignored;
        napi_get_and_clear_last_exception(env, &ignored);
      }
      Napi::ArrayBuffer copy = Napi::ArrayBuffer::New(env, bytes);
      std::memcpy(copy.Data(), data, bytes);
      arrayBuffer = copy;
      GlobalStats().outputBytesCopied += bytes;
    }
  }
  napi_value typedArray;
  if (napi_create_typedarray(env, kind, length, arrayBuffer, 0, &typedArray) != napi_ok) {
    Throw(env, code::kRuntime, "cannot create the output TypedArray");
  }
  return Napi::Value(env, typedArray);
}

}  // namespace

void* EmptyTensorData() {
  alignas(kEmptyDataAlignment) static char empty[kEmptyDataAlignment];
  return empty;
}

bool TensorByteSize(int32_t type, uint64_t count, uint64_t* bytes) {
  if (IsPacked4Bit(type)) {
    *bytes = count / 2 + (count & 1);
    return true;
  }
  size_t size = ElementSize(type);
  if (size == 0) return false;
  return !__builtin_mul_overflow(count, static_cast<uint64_t>(size), bytes);
}

Ort::Value ValueFromJs(Napi::Env env, const Napi::Array& encoded, uint32_t at, InputContext& ctx) {
  Napi::Value codeValue = encoded.Get(at);
  int32_t code = codeValue.IsNumber() ? codeValue.As<Napi::Number>().Int32Value() : -1;
  Napi::Value payload = encoded.Get(at + 1);
  if (code == kCodeDevice) {
    Napi::Value handle = payload.IsArray() ? payload.As<Napi::Array>().Get(1u) : payload;
    std::shared_ptr<DeviceValue> device = DeviceTensorWrap::From(env, handle);
    if (!device) Throw(env, code::kInvalidInput, "the device tensor has been disposed");
    ctx.devices.push_back(device);
    return Ort::Value(static_cast<OrtValue*>(device->value));  // borrowed: released by the run, not freed
  }
  if (code == kCodeSequence) return AggregateFromJs(env, ONNX_TYPE_SEQUENCE, payload, encoded.Get(at + 2), ctx);
  if (code == kCodeMap) return AggregateFromJs(env, ONNX_TYPE_MAP, payload, encoded.Get(at + 2), ctx);
  if (code <= 0 || code > ONNX_TENSOR_ELEMENT_DATA_TYPE_INT4) {
    Throw(env, code::kInvalidInput, "unsupported value kind " + std::to_string(code));
  }
  return TensorFromJs(env, code, payload, encoded.Get(at + 2), ctx);
}

void ValueToJs(Napi::Env env, Ort::Value value, const std::shared_ptr<void>& owner, size_t copyBelowBytes,
               Napi::Array& out, uint32_t* at) {
  const OrtApi& api = Ort::GetApi();
  int hasValue = 1;
  if (OrtStatus* st = api.HasValue(value, &hasValue)) api.ReleaseStatus(st);
  if (!hasValue) {
    out.Set((*at)++, Napi::Number::New(env, kCodeNone));
    out.Set((*at)++, env.Null());
    out.Set((*at)++, env.Null());
    return;
  }
  ONNXType kind = ONNX_TYPE_UNKNOWN;
  Check(env, api.GetValueType(value, &kind), code::kRuntime);
  if (kind == ONNX_TYPE_SEQUENCE || kind == ONNX_TYPE_MAP) {
    size_t n = 0;
    Check(env, api.GetValueCount(value, &n), code::kRuntime);
    Napi::Array items = Napi::Array::New(env, n * 3);
    uint32_t j = 0;
    for (size_t i = 0; i < n; ++i) {
      OrtValue* elem = nullptr;
      Check(env, api.GetValue(value, static_cast<int>(i), DefaultAllocator(), &elem), code::kRuntime);
      // Elements are fresh copies made by ORT; they need no owner.
      ValueToJs(env, Ort::Value(elem), nullptr, copyBelowBytes, items, &j);
    }
    out.Set((*at)++, Napi::Number::New(env, kind == ONNX_TYPE_SEQUENCE ? kCodeSequence : kCodeMap));
    out.Set((*at)++, items);
    out.Set((*at)++, env.Null());
    return;
  }
  if (kind != ONNX_TYPE_TENSOR && kind != ONNX_TYPE_SPARSETENSOR) {
    Throw(env, code::kRuntime, "the model produced a value of unsupported ONNX type " + std::to_string(kind));
  }
  int32_t type = 0;
  int64_t dims[kMaxRank];
  size_t rank = 0;
  Napi::Value data(env, TensorToJs(env, std::move(value), owner, copyBelowBytes, &type, dims, &rank));
  Napi::Array jsDims = Napi::Array::New(env, rank);
  for (size_t i = 0; i < rank; ++i)
    jsDims.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(dims[i])));
  out.Set((*at)++, Napi::Number::New(env, type));
  out.Set((*at)++, data);
  out.Set((*at)++, jsDims);
}

napi_value TensorToJs(Napi::Env env, Ort::Value value, const std::shared_ptr<void>& owner, size_t copyBelowBytes,
                      int32_t* typeOut, int64_t* dims, size_t* rankOut) {
  const OrtApi& api = Ort::GetApi();
  OrtTensorTypeAndShapeInfo* info = nullptr;
  Check(env, api.GetTensorTypeAndShape(value, &info), code::kRuntime);
  ONNXTensorElementDataType type = ONNX_TENSOR_ELEMENT_DATA_TYPE_UNDEFINED;
  size_t rank = 0;
  size_t count = 0;
  OrtStatus* st = api.GetTensorElementType(info, &type);
  if (!st) st = api.GetDimensionsCount(info, &rank);
  if (!st && rank > kMaxRank) {
    api.ReleaseTensorTypeAndShapeInfo(info);
    Throw(env, code::kRuntime, "the model produced an output of rank above " + std::to_string(kMaxRank));
  }
  if (!st) st = api.GetDimensions(info, dims, rank);
  if (!st) st = api.GetTensorShapeElementCount(info, &count);
  api.ReleaseTensorTypeAndShapeInfo(info);
  Check(env, st, code::kRuntime);
  *typeOut = type;
  *rankOut = rank;
  Napi::Value data = type == ONNX_TENSOR_ELEMENT_DATA_TYPE_STRING
                         ? StringTensorToJs(env, value, count)
                         : NumericTensorToJs(env, value, type, count, owner, copyBelowBytes);
  return data;
}

bool DisposeOutputBuffer(Napi::Env env, Napi::ArrayBuffer buffer) {
  void* data = buffer.Data();
  if (!data) return false;
  size_t bytes = 0;
  {
    std::lock_guard<std::mutex> lock(g_holdsMutex);
    auto it = g_holds.find(data);
    if (it == g_holds.end()) return false;
    // Detach first so JS can never read the freed memory.
    if (napi_detach_arraybuffer(env, buffer) != napi_ok) return false;
    bytes = it->second->bytes;
    ReleaseHoldLocked(it->second);
  }
  int64_t ignored;
  napi_adjust_external_memory(env, -static_cast<int64_t>(bytes), &ignored);
  return true;
}

}  // namespace ortex
