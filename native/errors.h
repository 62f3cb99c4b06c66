// Failures carried from worker threads to JS as plain data, then turned into JS errors with a
// stable `code` (ortex's) and `ortCode` (ONNX Runtime's OrtErrorCode, when ORT reported it).
#pragma once
#include <napi.h>

#include <string>

#include "error_codes.h"
#include "ort_api.h"

namespace ortex {

struct Failure {
  ErrorCode code;  // empty: no failure
  std::string message;
  int ortCode = -1;  // OrtErrorCode or -1
  bool failed() const { return !code.empty(); }
};

// Converts an OrtStatus (takes ownership) into a Failure with the given ortex code.
Failure FromStatus(OrtStatus* status, ErrorCode code);
Failure FromException(const std::exception& e, ErrorCode code);

Napi::Error ToJsError(Napi::Env env, const Failure& failure);
[[noreturn]] void Throw(Napi::Env env, ErrorCode code, const std::string& message);

const char* OrtCodeName(int ortCode);

}  // namespace ortex
