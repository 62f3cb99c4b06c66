// Outputs: OrtValues turned into JS values (triples, see value_encoding.h). Numeric tensors
// become TypedArrays over ORT's memory (native_buffers.h), or copies below a size threshold.
#pragma once
#include <napi.h>

#include <memory>

#include "ort_api.h"

namespace ortex {

// Appends the triple for `value` (ownership taken) to `out` at `*at`. `owner` is kept alive as
// long as the output's memory. Tensors smaller than `copyBelowBytes` are copied into V8 memory.
void ValueToJs(Napi::Env env, Ort::Value value, const std::shared_ptr<void>& owner, size_t copyBelowBytes,
               Napi::Array& out, uint32_t* at);

// One tensor's data (TypedArray or string[]); its element type and dims (rank ≤ kMaxRank) are
// written to the out-parameters. Throws for non-tensor values.
napi_value TensorToJs(Napi::Env env, Ort::Value value, const std::shared_ptr<void>& owner, size_t copyBelowBytes,
                      int32_t* type, int64_t* dims, size_t* rank);

}  // namespace ortex
