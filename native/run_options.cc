#include "run_options.h"

#include "errors.h"
#include "ort_runtime.h"
#include "type_tags.h"

namespace ortex {
Napi::Function RunOptionsWrap::Define(Napi::Env env) {
  return DefineClass(env, "RunOptions", {InstanceMethod<&RunOptionsWrap::Terminate>("terminate")});
}

RunOptionsWrap::RunOptionsWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<RunOptionsWrap>(info) {
  Napi::Env env = info.Env();
  if (!RuntimeLoaded()) Throw(env, code::kNativeLoad, "ONNX Runtime is not loaded");
  core_ = std::make_shared<RunOptionsCore>();
  try {
    if (info[0].IsString()) core_->options.SetRunTag(info[0].As<Napi::String>().Utf8Value().c_str());
    if (info[1].IsNumber()) {
      core_->options.SetRunLogSeverityLevel(info[1].As<Napi::Number>().Int32Value());
      core_->logSeverityChosen = true;
    }
    if (info[2].IsNumber()) core_->options.SetRunLogVerbosityLevel(info[2].As<Napi::Number>().Int32Value());
    if (info[3].IsArray()) {
      Napi::Array entries = info[3].As<Napi::Array>();
      for (uint32_t i = 0; i < entries.Length(); ++i) {
        Napi::Array kv = entries.Get(i).As<Napi::Array>();
        core_->options.AddConfigEntry(kv.Get(0u).ToString().Utf8Value().c_str(),
                                      kv.Get(1u).ToString().Utf8Value().c_str());
      }
    }
  } catch (const Ort::Exception& e) {
    throw ToJsError(env, FromException(e, code::kInvalidArgument));
  }
  TagObject(env, info.This().As<Napi::Object>(), TagKind::kRunOptions);
}

std::shared_ptr<RunOptionsCore> RunOptionsWrap::From(Napi::Env env, const Napi::Value& value) {
  if (value.IsNull() || value.IsUndefined()) return nullptr;
  RunOptionsWrap* wrap = UnwrapTagged<RunOptionsWrap>(env, value, TagKind::kRunOptions);
  if (!wrap) Throw(env, code::kInvalidArgument, "run options must come from this copy of ortex");
  return wrap->core_;
}

Napi::Value RunOptionsWrap::Terminate(const Napi::CallbackInfo& info) {
  if (!core_->terminated.exchange(true)) core_->options.SetTerminate();
  return info.Env().Undefined();
}

}  // namespace ortex
