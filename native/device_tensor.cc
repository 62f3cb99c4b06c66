#include "device_tensor.h"

#include <cstring>

#include "addon_data.h"
#include "errors.h"
#include "ort_runtime.h"
#include "promise_worker.h"
#include "session_config.h"
#include "session_core.h"
#include "stats.h"
#include "tiny_models.h"
#include "type_tags.h"
#include "value_encoding.h"

namespace ortex {
namespace {

// download(): copies a device tensor to the host off the JS thread.
class DownloadOperation : public PromiseOperation {
 public:
  DownloadOperation(Napi::Env env, std::shared_ptr<DeviceValue> value)
      : PromiseOperation(env, code::kRuntime), value_(std::move(value)) {
    // Host buffer in V8 memory, unreachable from JS until the promise resolves: ORT writes the
    // copy straight into it.
    Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, value_->bytes);
    buffer_ = Napi::Persistent(buffer);
    OrtValue* raw = nullptr;
    void* data = value_->bytes ? buffer.Data() : EmptyTensorData();
    Ort::ThrowOnError(Ort::GetApi().CreateTensorWithDataAsOrtValue(
        CpuMemoryInfo(), data, value_->bytes, value_->dims.data(), value_->dims.size(),
        static_cast<ONNXTensorElementDataType>(value_->elementType), &raw));
    host_ = Ort::Value(raw);
  }

 protected:
  void DoExecute() override {
    if (value_->bytes) CopyDeviceToHost(*value_, host_);
  }
  Napi::Value DoResult(Napi::Env env) override {
    GlobalStats().outputBytesCopied += value_->bytes;
    Napi::Array out = Napi::Array::New(env, 3);
    out.Set(0u, Napi::Number::New(env, value_->elementType));
    out.Set(1u, buffer_.Value());
    Napi::Array dims = Napi::Array::New(env, value_->dims.size());
    for (size_t i = 0; i < value_->dims.size(); ++i)
      dims.Set(static_cast<uint32_t>(i), Napi::Number::New(env, static_cast<double>(value_->dims[i])));
    out.Set(2u, dims);
    return out;
  }
  void DoFinally(Napi::Env env) override { buffer_.Reset(); }

 private:
  std::shared_ptr<DeviceValue> value_;
  Napi::Reference<Napi::ArrayBuffer> buffer_;
  Ort::Value host_{nullptr};
};

}  // namespace

DeviceValue::~DeviceValue() = default;

void CopyDeviceToHost(DeviceValue& value, OrtValue* host) {
  SessionCore& core = *value.owner;
  OrtSession* copier = nullptr;
  {
    std::lock_guard<std::mutex> lock(core.copyMutex);
    auto it = core.copySessions.find(value.elementType);
    if (it != core.copySessions.end()) {
      copier = it->second;
    } else {
      std::string model = IdentityModel(value.elementType);
      std::vector<std::string> registered;
      std::vector<ProviderFailure> failures;
      SessionConfig config;
      config.logSeverityLevel = 3;
      Ort::SessionOptions options = BuildSessionOptions(config, core.deviceProviders, registered, failures);
      Ort::ThrowOnError(Ort::GetApi().CreateSessionFromArray(Env(), model.data(), model.size(), options, &copier));
      core.copySessions[value.elementType] = copier;
    }
  }
  const OrtApi& api = Ort::GetApi();
  OrtIoBinding* binding = nullptr;
  Ort::ThrowOnError(api.CreateIoBinding(copier, &binding));
  OrtStatus* st = api.BindInput(binding, "x", value.value);
  if (!st) st = api.BindOutput(binding, "y", host);
  if (!st) st = api.RunWithBinding(copier, nullptr, binding);
  if (!st) st = api.SynchronizeBoundOutputs(binding);
  api.ReleaseIoBinding(binding);
  Ort::ThrowOnError(st);
}

Napi::Function DeviceTensorWrap::Define(Napi::Env env) {
  return DefineClass(
      env, "DeviceTensor",
      {InstanceMethod<&DeviceTensorWrap::Download>("download"), InstanceMethod<&DeviceTensorWrap::Dispose>("dispose")});
}

DeviceTensorWrap::DeviceTensorWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<DeviceTensorWrap>(info) {
  AddonData& data = GetAddonData(info.Env());
  if (!data.pendingDevice) Throw(info.Env(), code::kInvalidArgument, "device tensors come from session.run()");
  value_ = std::move(data.pendingDevice);
  TagObject(info.Env(), info.This().As<Napi::Object>(), TagKind::kDeviceTensor);
  GlobalStats().outputBuffersLive++;
}

DeviceTensorWrap::~DeviceTensorWrap() {
  if (value_) GlobalStats().outputBuffersLive--;
}

Napi::Object DeviceTensorWrap::Wrap(Napi::Env env, std::shared_ptr<DeviceValue> value) {
  AddonData& data = GetAddonData(env);
  data.pendingDevice = std::move(value);
  return data.deviceTensorConstructor.New({});
}

std::shared_ptr<DeviceValue> DeviceTensorWrap::From(Napi::Env env, const Napi::Value& value) {
  DeviceTensorWrap* wrap = UnwrapTagged<DeviceTensorWrap>(env, value, TagKind::kDeviceTensor);
  if (!wrap) Throw(env, code::kInvalidInput, "expected a device tensor of this copy of ortex");
  return wrap->value_;
}

Napi::Value DeviceTensorWrap::Download(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!value_) Throw(env, code::kInvalidArgument, "the device tensor has been disposed");
  std::unique_ptr<PromiseOperation> operation;
  try {
    operation = std::make_unique<DownloadOperation>(env, value_);
  } catch (const Ort::Exception& e) {
    throw ToJsError(env, FromException(e, code::kRuntime));
  }
  return StartOnLibuvPool(env, "ortex:downloadDeviceTensor", std::move(operation));
}

Napi::Value DeviceTensorWrap::Dispose(const Napi::CallbackInfo& info) {
  if (value_) {
    value_.reset();  // runs still using it keep their own reference
    GlobalStats().outputBuffersLive--;
  }
  return info.Env().Undefined();
}

}  // namespace ortex
