#include "output_values.h"

#include <cstring>
#include <string>
#include <vector>

#include "errors.h"
#include "limits.h"
#include "native_buffers.h"
#include "ort_runtime.h"
#include "stats.h"
#include "value_encoding.h"

namespace ortex {
namespace {

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

// The memory of an ORT output, handed to JS without a copy; the OrtValue is released (and its
// session let go) when JS and every run using it have let go (native_buffers.h).
struct OutputBuffer : NativeBuffer {
  std::shared_ptr<void> owner;  // what the memory belongs to: released after the value
  OrtValue* value = nullptr;
  ~OutputBuffer() override { Ort::GetApi().ReleaseValue(value); }
};

Napi::ArrayBuffer CopyToV8(Napi::Env env, const void* data, uint64_t bytes) {
  Napi::ArrayBuffer copy = Napi::ArrayBuffer::New(env, bytes);
  std::memcpy(copy.Data(), data, bytes);
  GlobalStats().outputBytesCopied += bytes;
  return copy;
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
    arrayBuffer = CopyToV8(env, data, bytes);
  } else {
    auto buffer = std::make_shared<OutputBuffer>();
    buffer->data = data;
    buffer->bytes = static_cast<size_t>(bytes);
    buffer->owner = owner;
    buffer->value = value.release();  // owned by the buffer from here on
    arrayBuffer = ExposeBuffer(env, buffer, BufferKind::kOutput);
    if (arrayBuffer) {
      GlobalStats().outputBytesZeroCopy += bytes;
    } else {
      // Runtimes that refuse external buffers (Electron's sandbox): copy (the buffer frees the value).
      arrayBuffer = CopyToV8(env, data, bytes);
    }
  }
  napi_value typedArray;
  if (napi_create_typedarray(env, kind, length, arrayBuffer, 0, &typedArray) != napi_ok) {
    Throw(env, code::kRuntime, "cannot create the output TypedArray");
  }
  return Napi::Value(env, typedArray);
}

}  // namespace

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

}  // namespace ortex
