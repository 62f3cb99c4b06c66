#include "errors.h"

namespace ortex {

const char* OrtCodeName(int ortCode) {
  switch (ortCode) {
    case ORT_OK: return "ORT_OK";
    case ORT_FAIL: return "ORT_FAIL";
    case ORT_INVALID_ARGUMENT: return "ORT_INVALID_ARGUMENT";
    case ORT_NO_SUCHFILE: return "ORT_NO_SUCHFILE";
    case ORT_NO_MODEL: return "ORT_NO_MODEL";
    case ORT_ENGINE_ERROR: return "ORT_ENGINE_ERROR";
    case ORT_RUNTIME_EXCEPTION: return "ORT_RUNTIME_EXCEPTION";
    case ORT_INVALID_PROTOBUF: return "ORT_INVALID_PROTOBUF";
    case ORT_MODEL_LOADED: return "ORT_MODEL_LOADED";
    case ORT_NOT_IMPLEMENTED: return "ORT_NOT_IMPLEMENTED";
    case ORT_INVALID_GRAPH: return "ORT_INVALID_GRAPH";
    case ORT_EP_FAIL: return "ORT_EP_FAIL";
    case ORT_MODEL_LOAD_CANCELED: return "ORT_MODEL_LOAD_CANCELED";
    case ORT_MODEL_REQUIRES_COMPILATION: return "ORT_MODEL_REQUIRES_COMPILATION";
    case ORT_NOT_FOUND: return "ORT_NOT_FOUND";
    default: return "ORT_UNKNOWN";
  }
}

Failure FromStatus(OrtStatus* status, ErrorCode code) {
  const OrtApi& api = Ort::GetApi();
  Failure f;
  f.code = code;
  f.ortCode = static_cast<int>(api.GetErrorCode(status));
  f.message = api.GetErrorMessage(status);
  api.ReleaseStatus(status);
  return f;
}

Failure FromException(const std::exception& e, ErrorCode code) {
  Failure f;
  f.code = code;
  if (auto* ort = dynamic_cast<const Ort::Exception*>(&e)) f.ortCode = static_cast<int>(ort->GetOrtErrorCode());
  f.message = e.what();
  return f;
}

Napi::Error ToJsError(Napi::Env env, const Failure& failure) {
  Napi::Error err = Napi::Error::New(env, failure.message);
  err.Set("code", Napi::String::New(env, failure.code.name()));
  if (failure.ortCode >= 0) {
    err.Set("ortCode", Napi::Number::New(env, failure.ortCode));
    err.Set("ortCodeName", Napi::String::New(env, OrtCodeName(failure.ortCode)));
  }
  return err;
}

void Throw(Napi::Env env, ErrorCode code, const std::string& message) {
  Failure f{code, message, -1};
  throw ToJsError(env, f);
}

}  // namespace ortex
