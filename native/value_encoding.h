// How JS values travel to and from the addon (lib/tensor/value-codec.ts encodes them), and what
// each ONNX element type occupies in memory and in JS.
//
// JS encodes each value as three consecutive array slots: [code, payload, dims].
//   code 1..22  tensor of that ONNX element type; payload a TypedArray (string[] for STRING); dims number[]
//   code 100    sequence; payload a flat array of triples; dims slot: element type (for empty ones)
//   code 101    map; payload [keyCode, keyPayload, keyDims, valueCode, valuePayload, valueDims]
//   code 102    optional without a value (outputs only; an absent optional input is simply not fed)
//   code 103    device tensor; payload [elementType, DeviceTensor]
#pragma once
#include <napi.h>

#include <cstdint>

#include "error_codes.h"
#include "ort_api.h"

namespace ortex {

// The codes past the ONNX element types (1..22).
enum ValueCode : int32_t { kCodeSequence = 100, kCodeMap = 101, kCodeNone = 102, kCodeDevice = 103 };

// Element size in bytes; 0 for unknown, STRING or the packed 4-bit types.
size_t ElementSize(int32_t type);

bool IsPacked4Bit(int32_t type);

// The TypedArray kind that stores an element type on the JS side; false for STRING and unknown.
bool TypedArrayKindFor(int32_t type, napi_typedarray_type* kind);

size_t TypedArrayElementSize(napi_typedarray_type kind);

// Bytes that `count` elements of ONNX element type `type` occupy (packed 4-bit types round up).
// Returns false for unknown types or overflow.
bool TensorByteSize(int32_t type, uint64_t count, uint64_t* bytes);

// The data pointer handed to ORT for empty tensors (it wants a non-null, aligned one).
void* EmptyTensorData();

// Throws a JS error with `code` (and ORT's code) when `status` is set; takes ownership of it.
void Check(Napi::Env env, OrtStatus* status, ErrorCode code);

}  // namespace ortex
