#include "value_encoding.h"

#include "errors.h"
#include "limits.h"

namespace ortex {

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

bool TensorByteSize(int32_t type, uint64_t count, uint64_t* bytes) {
  if (IsPacked4Bit(type)) {
    *bytes = count / 2 + (count & 1);
    return true;
  }
  size_t size = ElementSize(type);
  if (size == 0) return false;
  return !__builtin_mul_overflow(count, static_cast<uint64_t>(size), bytes);
}

void* EmptyTensorData() {
  alignas(kEmptyDataAlignment) static char empty[kEmptyDataAlignment];
  return empty;
}

void Check(Napi::Env env, OrtStatus* status, ErrorCode code) {
  if (status) throw ToJsError(env, FromStatus(status, code));
}

}  // namespace ortex
