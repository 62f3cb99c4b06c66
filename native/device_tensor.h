// Tensors that live in a GPU provider's memory (CUDA, WebGPU) between runs: outputs bound to the
// device with IO binding, fed to later runs without a host round trip, copied to the host only
// on download(). The memory is released when the last holder (JS handle, run) lets go.
#pragma once
#include <napi.h>

#include <map>
#include <memory>
#include <mutex>
#include <vector>

#include "ort_api.h"

namespace ortex {

struct SessionCore;

struct DeviceValue {
  Ort::Value value{nullptr};
  std::shared_ptr<SessionCore> owner;  // its provider owns the memory
  int32_t elementType = 0;
  std::vector<int64_t> dims;
  uint64_t bytes = 0;
  ~DeviceValue();
};

class DeviceTensorWrap : public Napi::ObjectWrap<DeviceTensorWrap> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit DeviceTensorWrap(const Napi::CallbackInfo& info);
  ~DeviceTensorWrap() override;
  static Napi::Object Wrap(Napi::Env env, std::shared_ptr<DeviceValue> value);
  // The device value behind `value`; nullptr once disposed. Throws ERR_INVALID_INPUT when `value`
  // is not a device tensor of this copy of the addon.
  static std::shared_ptr<DeviceValue> From(Napi::Env env, const Napi::Value& value);

 private:
  Napi::Value Download(const Napi::CallbackInfo& info);
  Napi::Value Dispose(const Napi::CallbackInfo& info);
  std::shared_ptr<DeviceValue> value_;
};

// Runs `value` through an Identity graph on the provider that owns it, with the output bound to
// `host` (a CPU tensor of the same type and shape). Worker thread only. Throws Ort::Exception.
void CopyDeviceToHost(DeviceValue& value, OrtValue* host);

}  // namespace ortex
