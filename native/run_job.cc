#include "run_job.h"

#include "device_tensor.h"
#include "limits.h"
#include "output_values.h"
#include "promise_worker.h"
#include "run_options.h"
#include "session_core.h"
#include "stats.h"
#include "steady_now.h"

namespace ortex {
namespace {

double NowNs() { return static_cast<double>(SteadyNowNs()); }

}  // namespace

OrtRunOptions* RunJob::EffectiveRunOptions() const {
  if (runOptions) return runOptions->options;
  return core->quietRunOptions ? static_cast<OrtRunOptions*>(core->quietRunOptions) : nullptr;
}

void RunJob::BindFetch(Napi::Env env, size_t i, PendingValue& target) {
  bool copied = false;
  fetchValues.push_back(MaterializeFetch(env, target, inputs, &copied));
  outputs[i] = fetchValues.back();
  provided[i] = true;
  if (copied) {
    copyBack.resize(outputs.size());
    copyBack[i] = Napi::Persistent(Napi::Value(env, target.data));
    fetchBytesCopied += target.bytes;
  } else {
    fetchBytesInPlace += target.bytes;
  }
}

void RunJob::ExecuteBound() {
  Ort::IoBinding binding(core->session);
  for (size_t i = 0; i < inputValues.size(); ++i) binding.BindInput(inputNames[i], inputValues[i]);
  Ort::MemoryInfo device(core->deviceMemory.c_str(), OrtDeviceAllocator, core->deviceId, OrtMemTypeDefault);
  for (size_t i = 0; i < outputNames.size(); ++i) {
    if (provided[i]) {
      Ort::ThrowOnError(Ort::GetApi().BindOutput(binding, outputNames[i], outputs[i]));
    } else {
      binding.BindOutput(outputNames[i], device);
    }
  }
  double start = NowNs();
  OrtStatus* st = Ort::GetApi().RunWithBinding(core->session, EffectiveRunOptions(), binding);
  if (st) {
    failure = FromStatus(st, runOptions && runOptions->terminated ? code::kAborted : code::kRuntime);
    return;
  }
  binding.SynchronizeOutputs();
  std::vector<Ort::Value> values = binding.GetOutputValues();
  for (size_t i = 0; i < values.size() && i < outputs.size(); ++i) {
    if (!provided[i]) outputs[i] = values[i].release();
  }
  core->RecordRun(NowNs() - start);
}

void RunJob::Execute() {
  if (deviceOutputs) return ExecuteBound();
  static_assert(sizeof(Ort::Value) == sizeof(OrtValue*), "Ort::Value is a plain handle");
  const OrtValue* const* in = reinterpret_cast<const OrtValue* const*>(inputValues.data());
  double start = NowNs();
  OrtStatus* st = Ort::GetApi().Run(core->session, EffectiveRunOptions(), inputNames.data(), in, inputValues.size(),
                                    outputNames.data(), outputNames.size(), outputs.data());
  if (st) {
    failure = FromStatus(st, runOptions && runOptions->terminated ? code::kAborted : code::kRuntime);
    // ORT leaves outputs it allocated before failing to us.
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (!provided[i] && outputs[i]) Ort::GetApi().ReleaseValue(outputs[i]);
      if (!provided[i]) outputs[i] = nullptr;
    }
    return;
  }
  core->RecordRun(NowNs() - start);
}

Napi::Array RunJob::Results(Napi::Env env) {
  Napi::Array out = Napi::Array::New(env, outputs.size() * 3);
  uint32_t at = 0;
  std::shared_ptr<void> owner = core;
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (provided[i]) {
      if (i < copyBack.size() && !copyBack[i].IsEmpty()) {
        CopyBackFetch(env, copyBack[i].Value(), outputs[i], outputNames[i]);
      }
      out.Set(at++, Napi::Number::New(env, 0));  // written into the caller's tensor
      out.Set(at++, env.Undefined());
      out.Set(at++, env.Undefined());
      continue;
    }
    OrtValue* v = outputs[i];
    outputs[i] = nullptr;
    if (deviceOutputs) {
      DeviceToJs(env, Ort::Value(v), out, &at);
      continue;
    }
    ValueToJs(env, Ort::Value(v), owner, core->copyOutputsBelowBytes, out, &at);
  }
  return out;
}

// A device-resident output: [kCodeDevice, [elementType, DeviceTensor], dims].
void RunJob::DeviceToJs(Napi::Env env, Ort::Value value, Napi::Array& out, uint32_t* at) {
  auto device = std::make_shared<DeviceValue>();
  auto info = value.GetTensorTypeAndShapeInfo();
  device->elementType = info.GetElementType();
  device->dims = info.GetShape();
  uint64_t count = info.GetElementCount();
  TensorByteSize(device->elementType, count, &device->bytes);
  device->owner = core;
  device->value = std::move(value);
  Napi::Array payload = Napi::Array::New(env, 2);
  payload.Set(0u, Napi::Number::New(env, device->elementType));
  Napi::Array dims = Napi::Array::New(env, device->dims.size());
  for (size_t d = 0; d < device->dims.size(); ++d)
    dims.Set(static_cast<uint32_t>(d), Napi::Number::New(env, static_cast<double>(device->dims[d])));
  payload.Set(1u, DeviceTensorWrap::Wrap(env, std::move(device)));
  out.Set((*at)++, Napi::Number::New(env, kCodeDevice));
  out.Set((*at)++, payload);
  out.Set((*at)++, dims);
}

Napi::Array RunJob::ResultsToHeader(Napi::Env env, double* header, size_t headerSize) {
  Napi::Array out = Napi::Array::New(env, outputs.size());
  std::shared_ptr<void> owner = core;
  size_t pos = 0;
  int64_t dims[kMaxRank];
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (provided[i]) {
      header[pos++] = 0;
      header[pos++] = 0;
      continue;
    }
    OrtValue* v = outputs[i];
    outputs[i] = nullptr;
    int32_t type = 0;
    size_t rank = 0;
    napi_value data = TensorToJs(env, Ort::Value(v), owner, core->copyOutputsBelowBytes, &type, dims, &rank);
    if (pos + 2 + rank > headerSize) Throw(env, code::kRuntime, "runTensors header too small for the outputs");
    header[pos++] = type;
    header[pos++] = static_cast<double>(rank);
    for (size_t d = 0; d < rank; ++d) header[pos++] = static_cast<double>(dims[d]);
    out.Set(static_cast<uint32_t>(i), Napi::Value(env, data));
  }
  return out;
}

RunJob::~RunJob() {
  // Device tensors fed as inputs are borrowed: let go without freeing.
  for (auto& v : inputValues) {
    for (auto& d : inputs.devices) {
      if (static_cast<OrtValue*>(v) == static_cast<const OrtValue*>(d->value)) {
        v.release();
        break;
      }
    }
  }
  for (size_t i = 0; i < outputs.size(); ++i)
    if (!provided[i] && outputs[i]) Ort::GetApi().ReleaseValue(outputs[i]);
}

RunTask::RunTask(Napi::Env env, std::unique_ptr<RunJob> job)
    : job_(std::move(job)), deferred_(Napi::Promise::Deferred::New(env)) {}

void RunTask::Execute() {
  if (job_->sharedCopy) {
    // The inputs are complete only then.
    GlobalStats().inputBytesCopiedByWorker += job_->sharedCopy->Help();
  }
  CatchAll(job_->failure, code::kRuntime, [&] { job_->Execute(); });
}

bool RunTask::MayWaitAwakeAfter() const { return job_->core->singleThreadRuns; }

void RunTask::Settle(Napi::Env env) {
  job_->core->asyncRuns--;
  SettlePromise(env, deferred_, job_->failure, code::kRuntime, [&]() -> Napi::Value { return job_->Results(env); });
}

}  // namespace ortex
