#include "session.h"

#include <chrono>
#include <string>

#include "addon_data.h"
#include "device_tensor.h"
#include "errors.h"
#include "limits.h"
#include "ort_runtime.h"
#include "pinned_memory.h"
#include "promise_worker.h"
#include "run_options.h"
#include "run_pool.h"
#include "stats.h"
#include "values.h"

namespace ortex {
namespace {

enum RunMode { kAuto = 0, kAsync = 1, kInline = 2 };

double NowNs() {
  return static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
          .count());
}

Napi::Value TypeToJs(Napi::Env env, const TypeDesc& d) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("kind", Napi::Number::New(env, d.kind));
  if (d.kind == ONNX_TYPE_TENSOR || d.kind == ONNX_TYPE_SPARSETENSOR) {
    o.Set("elementType", Napi::Number::New(env, d.elementType));
    Napi::Array shape = Napi::Array::New(env, d.shape.size());
    for (size_t i = 0; i < d.shape.size(); ++i) {
      uint32_t k = static_cast<uint32_t>(i);
      if (d.shape[i] >= 0)
        shape.Set(k, Napi::Number::New(env, static_cast<double>(d.shape[i])));
      else if (!d.symbolic[i].empty())
        shape.Set(k, Napi::String::New(env, d.symbolic[i]));
      else
        shape.Set(k, env.Null());
    }
    o.Set("shape", shape);
  }
  if (d.kind == ONNX_TYPE_MAP) o.Set("keyType", Napi::Number::New(env, d.keyType));
  if (!d.inner.empty()) o.Set("element", TypeToJs(env, d.inner[0]));
  return o;
}

}  // namespace

// Everything one run needs, owned by whichever thread executes it.
struct RunJob {
  std::shared_ptr<SessionCore> core;
  std::shared_ptr<RunOptionsCore> runOptions;
  InputContext inputs;
  std::vector<Ort::Value> inputValues;
  std::vector<const char*> inputNames;
  std::vector<const char*> outputNames;
  std::vector<OrtValue*> outputs;  // null = let ORT allocate; otherwise a caller-provided fetch
  std::vector<bool> provided;
  std::vector<Ort::Value> fetchValues;
  uint64_t fetchBytes = 0;
  bool deviceOutputs = false;  // bind outputs to the session's GPU memory (IO binding)
  Failure failure;

  void ExecuteBound() {
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
    OrtStatus* st = Ort::GetApi().RunWithBinding(
        core->session, runOptions ? static_cast<OrtRunOptions*>(runOptions->options) : nullptr, binding);
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

  void Execute() {
    if (deviceOutputs) return ExecuteBound();
    static_assert(sizeof(Ort::Value) == sizeof(OrtValue*), "Ort::Value is a plain handle");
    const OrtValue* const* in = reinterpret_cast<const OrtValue* const*>(inputValues.data());
    double start = NowNs();
    OrtStatus* st = Ort::GetApi().Run(
        core->session, runOptions ? static_cast<OrtRunOptions*>(runOptions->options) : nullptr, inputNames.data(), in,
        inputValues.size(), outputNames.data(), outputNames.size(), outputs.data());
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

  // Builds the flat result array; consumes the ORT-allocated outputs.
  Napi::Array Results(Napi::Env env) {
    Napi::Array out = Napi::Array::New(env, outputs.size() * 3);
    uint32_t at = 0;
    std::shared_ptr<void> owner = core;
    for (size_t i = 0; i < outputs.size(); ++i) {
      if (provided[i]) {
        out.Set(at++, Napi::Number::New(env, 0));  // written in place into the caller's tensor
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

  // A caller-provided output tensor for output slot i: its bytes count as written in place.
  template <typename MakeValue>
  void BindFetch(size_t i, MakeValue make) {
    uint64_t before = inputs.zeroCopyBytes;
    fetchValues.push_back(make());
    fetchBytes += inputs.zeroCopyBytes - before;
    inputs.zeroCopyBytes = before;
    outputs[i] = fetchValues.back();
    provided[i] = true;
  }

  // A device-resident output: [kCodeDevice, [elementType, DeviceTensor], dims].
  void DeviceToJs(Napi::Env env, Ort::Value value, Napi::Array& out, uint32_t* at) {
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

  // Inline fast path: output data in an array, (type, rank, dims...) per output into `header`.
  Napi::Array ResultsToHeader(Napi::Env env, double* header, size_t headerSize) {
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

  ~RunJob() {
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
};

namespace {

// A run on the pool: settles its promise on the JS thread when done.
class RunTask : public PoolTask {
 public:
  RunTask(Napi::Env env, std::unique_ptr<RunJob> job)
      : job_(std::move(job)), deferred_(Napi::Promise::Deferred::New(env)) {}
  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    CatchAll(job_->failure, code::kRuntime, [&] { job_->Execute(); });
  }

  void Settle(Napi::Env env) override {
    job_->core->asyncRuns--;
    SettlePromise(env, deferred_, job_->failure, code::kRuntime, [&]() -> Napi::Value { return job_->Results(env); });
  }

 private:
  std::unique_ptr<RunJob> job_;
  Napi::Promise::Deferred deferred_;
};

class CreateWorker : public PromiseWorker {
 public:
  CreateWorker(Napi::Env env, std::string path, Napi::Value bytes, SessionConfig config, double inlineThresholdNs,
               size_t copyOutputsBelowBytes)
      : PromiseWorker(env, "ortex:createSession", code::kModelLoad),
        path_(std::move(path)),
        config_(std::move(config)),
        inlineThresholdNs_(inlineThresholdNs),
        copyOutputsBelowBytes_(copyOutputsBelowBytes) {
    if (bytes.IsTypedArray()) {
      Napi::TypedArray ta = bytes.As<Napi::TypedArray>();
      Napi::Uint8Array u8 = ta.As<Napi::Uint8Array>();
      data_ = u8.Data();
      size_ = u8.ByteLength();
      bytesRef_ = Napi::Persistent(bytes);  // kept alive until ORT has parsed it
    }
  }

 protected:
  void DoExecute() override {
    {
      std::vector<ProviderRequest> providers = config_.providers;
      for (;;) {
        std::vector<std::string> registered;
        std::vector<ProviderFailure> failures;
        Ort::SessionOptions options = BuildSessionOptions(config_, providers, registered, failures);
        OrtSession* raw = nullptr;
        OrtStatus* st = data_ ? Ort::GetApi().CreateSessionFromArray(ortex::Env(), data_, size_, options, &raw)
                              : Ort::GetApi().CreateSession(ortex::Env(), ToOrtPath(path_).c_str(), options, &raw);
        if (st) {
          // A provider with onFailure 'fallback' may be what failed at session creation
          // (device init happens there): drop those and try once more.
          bool dropped = false;
          std::vector<ProviderRequest> kept;
          Failure f = FromStatus(st, code::kModelLoad);
          for (auto& p : providers) {
            if (p.fallback && p.name != "CPU") {
              dropped = true;
              failures_.push_back({p.name, "session creation failed with it: " + f.message});
            } else {
              kept.push_back(p);
            }
          }
          if (!dropped) {
            if (f.ortCode == ORT_EP_FAIL) f.code = code::kProviderUnavailable;
            throw f;
          }
          providers = std::move(kept);
          continue;
        }
        core_ = std::make_shared<SessionCore>();
        core_->session = Ort::Session(raw);
        for (auto& p : providers) {
          bool ok = false;
          for (auto& r : registered) ok = ok || r == p.name;
          if (!ok || !core_->deviceMemory.empty()) continue;
          if (p.name == "CUDA" || p.name == "TensorRT")
            core_->deviceMemory = "Cuda";
          else if (p.name == "WebGPU")
            core_->deviceMemory = "WebGPU_Buffer";
          else
            continue;
          for (auto& kv : p.options)
            if (kv.first == "device_id" || kv.first == "deviceId") core_->deviceId = std::atoi(kv.second.c_str());
          ProviderRequest copy = p;
          copy.fallback = false;
          core_->deviceProviders.push_back(copy);
        }
        core_->providers = std::move(registered);
        for (auto& f : failures) failures_.push_back(f);
        core_->providerFailures = failures_;
        core_->inlineThresholdNs = inlineThresholdNs_;
        core_->copyOutputsBelowBytes = copyOutputsBelowBytes_;
        core_->model = ReadModelInfo(core_->session);
        for (auto& n : core_->model.inputNames) core_->inputNamePtrs.push_back(n.c_str());
        for (auto& n : core_->model.outputNames) core_->outputNamePtrs.push_back(n.c_str());
        GlobalStats().sessionsCreated++;
        return;
      }
    }
  }
  Napi::Value DoResult(Napi::Env env) override {
    AddonData& data = GetAddonData(env);
    data.pendingCore = core_;
    return data.sessionConstructor.New({});
  }
  void DoFinally(Napi::Env env) override {
    bytesRef_.Reset();
    GetAddonData(env).pendingCore.reset();
  }

 private:
  std::string path_;
  const void* data_ = nullptr;
  size_t size_ = 0;
  Napi::Reference<Napi::Value> bytesRef_;
  SessionConfig config_;
  double inlineThresholdNs_;
  size_t copyOutputsBelowBytes_;
  std::shared_ptr<SessionCore> core_;
  std::vector<ProviderFailure> failures_;
};

class ReleaseWorker : public PromiseWorker {
 public:
  ReleaseWorker(Napi::Env env, std::shared_ptr<SessionCore> core)
      : PromiseWorker(env, "ortex:releaseSession", code::kRuntime), core_(std::move(core)) {}

 protected:
  // Drops this handle's share; the ORT session goes now unless outputs still hold it.
  void DoExecute() override { core_.reset(); }
  Napi::Value DoResult(Napi::Env env) override { return env.Undefined(); }

 private:
  std::shared_ptr<SessionCore> core_;
};

}  // namespace

Napi::Function SessionWrap::Define(Napi::Env env) {
  return DefineClass(env, "NativeSession",
                     {
                         InstanceMethod<&SessionWrap::Metadata>("metadata"),
                         InstanceMethod<&SessionWrap::Run>("run"),
                         InstanceMethod<&SessionWrap::RunTensors>("runTensors"),
                         InstanceMethod<&SessionWrap::Release>("release"),
                         InstanceMethod<&SessionWrap::EndProfiling>("endProfiling"),
                         InstanceMethod<&SessionWrap::Scheduling>("scheduling"),
                         InstanceMethod<&SessionWrap::AllocatePinned>("allocatePinned"),
                     });
}

SessionWrap::SessionWrap(const Napi::CallbackInfo& info) : Napi::ObjectWrap<SessionWrap>(info) {
  AddonData& data = GetAddonData(info.Env());
  if (!data.pendingCore) Throw(info.Env(), code::kInvalidArgument, "use InferenceSession.create()");
  core_ = std::move(data.pendingCore);
}

std::shared_ptr<SessionCore> SessionWrap::Live(const Napi::CallbackInfo& info) {
  if (!core_) Throw(info.Env(), code::kSessionReleased, "the session has been released");
  return core_;
}

Napi::Value SessionWrap::Create(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RuntimeLoaded()) Throw(env, code::kNativeLoad, "ONNX Runtime is not loaded: call init() first");
  std::string path;
  Napi::Value bytes = env.Undefined();
  if (info[0].IsString()) {
    path = info[0].As<Napi::String>().Utf8Value();
  } else if (info[0].IsTypedArray() && info[0].As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
    bytes = info[0];
  } else {
    Throw(env, code::kInvalidArgument, "model must be a path or a Uint8Array");
  }
  SessionConfig config = ReadSessionConfig(env, info[1]);
  double thresholdUs = info[2].IsNumber() ? info[2].As<Napi::Number>().DoubleValue() : kDefaultInlineThresholdUs;
  double copyBelow = info[3].IsNumber() ? info[3].As<Napi::Number>().DoubleValue() : 0;
  auto* worker = new CreateWorker(env, std::move(path), bytes, std::move(config), thresholdUs * 1e3,
                                  static_cast<size_t>(copyBelow));
  return worker->Start();
}

Napi::Value SessionWrap::Metadata(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<SessionCore> held = Live(info);
  SessionCore& core = *held;
  const ModelInfo& m = core.model;
  Napi::Object o = Napi::Object::New(env);
  auto describe = [&](const std::vector<std::string>& names, const std::vector<TypeDesc>& types) {
    Napi::Array arr = Napi::Array::New(env, names.size());
    for (size_t i = 0; i < names.size(); ++i) {
      Napi::Object io = TypeToJs(env, types[i]).As<Napi::Object>();
      io.Set("name", Napi::String::New(env, names[i]));
      arr.Set(static_cast<uint32_t>(i), io);
    }
    return arr;
  };
  o.Set("inputs", describe(m.inputNames, m.inputTypes));
  o.Set("outputs", describe(m.outputNames, m.outputTypes));
  o.Set("producer", Napi::String::New(env, m.producer));
  o.Set("graphName", Napi::String::New(env, m.graphName));
  o.Set("domain", Napi::String::New(env, m.domain));
  o.Set("description", Napi::String::New(env, m.description));
  o.Set("graphDescription", Napi::String::New(env, m.graphDescription));
  o.Set("version", Napi::Number::New(env, static_cast<double>(m.version)));
  Napi::Object custom = Napi::Object::New(env);
  for (auto& kv : m.custom) custom.Set(kv.first, kv.second);
  o.Set("custom", custom);
  Napi::Array providers = Napi::Array::New(env, core.providers.size());
  for (size_t i = 0; i < core.providers.size(); ++i)
    providers.Set(static_cast<uint32_t>(i), Napi::String::New(env, core.providers[i]));
  o.Set("providers", providers);
  Napi::Array failures = Napi::Array::New(env, core.providerFailures.size());
  for (size_t i = 0; i < core.providerFailures.size(); ++i) {
    Napi::Object f = Napi::Object::New(env);
    f.Set("name", core.providerFailures[i].name);
    f.Set("message", core.providerFailures[i].message);
    failures.Set(static_cast<uint32_t>(i), f);
  }
  o.Set("providerFailures", failures);
  return o;
}

bool SessionWrap::DecideInline(Napi::Env env, const SessionCore& core, int mode,
                               const std::shared_ptr<RunOptionsCore>& runOptions) {
  if (mode == kInline) return true;
  if (mode == kAsync) return false;
  double avg = core.averageRunNs.load(std::memory_order_relaxed);
  return core.asyncRuns == 0 && core.runCount.load(std::memory_order_relaxed) > 1 && avg < core.inlineThresholdNs &&
         !(runOptions && runOptions->terminated) && !LoopBusy(GetAddonData(env), kLoopBudgetNs);
}

Napi::Value SessionWrap::Dispatch(Napi::Env env, std::unique_ptr<RunJob> job, bool runInline, double* header,
                                  size_t headerSize) {
  Stats& stats = GlobalStats();
  stats.inputBytesZeroCopy += job->inputs.zeroCopyBytes;
  stats.inputBytesCopied += job->inputs.copiedBytes;
  stats.fetchBytesInPlace += job->fetchBytes;
  if (runInline) {
    stats.runsInline++;
    job->Execute();
    if (job->failure.failed()) throw ToJsError(env, job->failure);
    return header ? job->ResultsToHeader(env, header, headerSize) : job->Results(env);
  }
  AddonData& data = GetAddonData(env);
  if (!data.runPool) Throw(env, code::kRuntime, "the run thread pool could not be started");
  stats.runsAsync++;
  job->core->asyncRuns++;
  auto task = std::make_unique<RunTask>(env, std::move(job));
  Napi::Promise promise = task->Promise();
  data.runPool->Submit(std::move(task));
  return promise;
}

// run(inputIndices, encodedInputs, outputIndices, encodedFetches|undefined, runOptions|null, mode)
// → Array (ran inline) | Promise<Array>. The general path: any value kind.
Napi::Value SessionWrap::Run(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<SessionCore> held = Live(info);
  SessionCore& core = *held;
  if (!info[0].IsArray() || !info[1].IsArray() || !info[2].IsArray()) {
    Throw(env, code::kInvalidArgument, "run(inputIndices, inputs, outputIndices, ...)");
  }
  Napi::Array inIdx = info[0].As<Napi::Array>();
  Napi::Array inputs = info[1].As<Napi::Array>();
  Napi::Array outIdx = info[2].As<Napi::Array>();
  std::shared_ptr<RunOptionsCore> runOptions = RunOptionsWrap::From(env, info[4]);
  int mode = info[5].IsNumber() ? info[5].As<Napi::Number>().Int32Value() : kAuto;
  bool deviceOutputs = info[6].IsNumber() && info[6].As<Napi::Number>().Int32Value() == 1;
  if (deviceOutputs && core.deviceMemory.empty()) {
    Throw(env, code::kInvalidArgument,
          "outputs can stay on a device only in a session with a GPU provider (cuda, tensorrt, webgpu)");
  }
  bool runInline = !deviceOutputs && DecideInline(env, core, mode, runOptions);

  auto job = std::make_unique<RunJob>();
  job->core = held;
  job->runOptions = runOptions;
  job->deviceOutputs = deviceOutputs;
  job->inputs.keepAlive = !runInline;
  uint32_t nIn = inIdx.Length();
  job->inputValues.reserve(nIn);
  for (uint32_t i = 0; i < nIn; ++i) {
    uint32_t idx = inIdx.Get(i).As<Napi::Number>().Uint32Value();
    if (idx >= core.inputNamePtrs.size()) Throw(env, code::kInvalidInput, "input index out of range");
    job->inputNames.push_back(core.inputNamePtrs[idx]);
    job->inputValues.push_back(ValueFromJs(env, inputs, i * 3, job->inputs));
  }
  uint32_t nOut = outIdx.Length();
  Napi::Array fetches = info[3].IsArray() ? info[3].As<Napi::Array>() : Napi::Array();
  job->outputs.assign(nOut, nullptr);
  job->provided.assign(nOut, false);
  for (uint32_t i = 0; i < nOut; ++i) {
    uint32_t idx = outIdx.Get(i).As<Napi::Number>().Uint32Value();
    if (idx >= core.outputNamePtrs.size()) Throw(env, code::kInvalidInput, "output index out of range");
    job->outputNames.push_back(core.outputNamePtrs[idx]);
    if (!fetches.IsEmpty() && fetches.Get(i * 3).IsNumber() &&
        fetches.Get(i * 3).As<Napi::Number>().Int32Value() != 0) {
      job->BindFetch(i, [&] { return ValueFromJs(env, fetches, i * 3, job->inputs); });
    }
  }
  return Dispatch(env, std::move(job), runInline, nullptr, 0);
}

// runTensors(header: Float64Array, payloads: Array, runOptions|null, mode) → Array | Promise<Array>
// The fast path for tensor-only models: shapes travel in one Float64Array instead of JS arrays.
//   in:  [nIn, nOut, (index, type, rank, dims...) x nIn, (index, fetched, [type, rank, dims...]) x nOut]
//   payloads: input data, then the data of each fetched output
//   inline result: array of output data; header rewritten as (type, rank, dims...) x nOut
//   (type 0 for fetched outputs). Async result: the general encoding (see values.h).
Napi::Value SessionWrap::RunTensors(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<SessionCore> held = Live(info);
  SessionCore& core = *held;
  napi_typedarray_type kind;
  size_t headerSize = 0;
  void* headerData = nullptr;
  if (napi_get_typedarray_info(env, info[0], &kind, &headerSize, &headerData, nullptr, nullptr) != napi_ok ||
      kind != napi_float64_array || !info[1].IsArray()) {
    Throw(env, code::kInvalidArgument, "runTensors(header: Float64Array, payloads: Array, ...)");
  }
  double* h = static_cast<double*>(headerData);
  napi_value payloads = info[1];
  std::shared_ptr<RunOptionsCore> runOptions = RunOptionsWrap::From(env, info[2]);
  int mode = info[3].IsNumber() ? info[3].As<Napi::Number>().Int32Value() : kAuto;
  bool runInline = DecideInline(env, core, mode, runOptions);

  size_t pos = 2;
  auto need = [&](size_t n) {
    if (pos + n > headerSize) Throw(env, code::kInvalidArgument, "runTensors header is truncated");
  };
  need(0);
  size_t nIn = static_cast<size_t>(h[0]), nOut = static_cast<size_t>(h[1]);
  auto job = std::make_unique<RunJob>();
  job->core = held;
  job->runOptions = runOptions;
  job->inputs.keepAlive = !runInline;
  job->inputValues.reserve(nIn);
  job->inputNames.reserve(nIn);
  int64_t dims[kMaxRank];
  uint32_t payloadIndex = 0;
  auto readTensor = [&]() -> Ort::Value {
    need(2);
    int32_t type = static_cast<int32_t>(h[pos]);
    size_t rank = static_cast<size_t>(h[pos + 1]);
    pos += 2;
    if (rank > kMaxRank) Throw(env, code::kInvalidInput, "tensor rank exceeds " + std::to_string(kMaxRank));
    need(rank);
    for (size_t d = 0; d < rank; ++d) dims[d] = static_cast<int64_t>(h[pos + d]);
    pos += rank;
    napi_value payload;
    napi_get_element(env, payloads, payloadIndex++, &payload);
    return TensorFromParts(env, type, payload, dims, rank, job->inputs);
  };
  for (size_t i = 0; i < nIn; ++i) {
    need(1);
    size_t idx = static_cast<size_t>(h[pos++]);
    if (idx >= core.inputNamePtrs.size()) Throw(env, code::kInvalidInput, "input index out of range");
    job->inputNames.push_back(core.inputNamePtrs[idx]);
    job->inputValues.push_back(readTensor());
  }
  job->outputs.assign(nOut, nullptr);
  job->provided.assign(nOut, false);
  job->outputNames.reserve(nOut);
  for (size_t i = 0; i < nOut; ++i) {
    need(2);
    size_t idx = static_cast<size_t>(h[pos]);
    bool fetched = h[pos + 1] != 0;
    pos += 2;
    if (idx >= core.outputNamePtrs.size()) Throw(env, code::kInvalidInput, "output index out of range");
    job->outputNames.push_back(core.outputNamePtrs[idx]);
    if (fetched) job->BindFetch(i, readTensor);
  }
  return Dispatch(env, std::move(job), runInline, h, headerSize);
}

Napi::Value SessionWrap::Release(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!core_) {
    auto d = Napi::Promise::Deferred::New(env);
    d.Resolve(env.Undefined());
    return d.Promise();
  }
  auto* worker = new ReleaseWorker(env, std::move(core_));
  core_.reset();
  return worker->Start();
}

Napi::Value SessionWrap::EndProfiling(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<SessionCore> held = Live(info);
  SessionCore& core = *held;
  try {
    Ort::AllocatorWithDefaultOptions alloc;
    auto path = core.session.EndProfilingAllocated(alloc);
    return Napi::String::New(env, path.get());
  } catch (const Ort::Exception& e) {
    throw ToJsError(env, FromException(e, code::kRuntime));
  }
}

// allocatePinned(bytes) → ArrayBuffer of page-locked host memory from this session's CUDA provider.
Napi::Value SessionWrap::AllocatePinned(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<SessionCore> held = Live(info);
  double bytes = info[0].IsNumber() ? info[0].As<Napi::Number>().DoubleValue() : -1;
  if (!(bytes >= 0 && bytes <= kMaxSafeInteger)) Throw(env, code::kInvalidArgument, "allocatePinned(bytes)");
  return ortex::AllocatePinned(env, held, static_cast<size_t>(bytes));
}

Napi::Value SessionWrap::Scheduling(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::shared_ptr<SessionCore> held = Live(info);
  SessionCore& core = *held;
  if (info[0].IsNumber()) core.inlineThresholdNs = info[0].As<Napi::Number>().DoubleValue() * 1e3;
  Napi::Object o = Napi::Object::New(env);
  o.Set("averageRunUs", core.averageRunNs.load() / 1e3);
  o.Set("runs", static_cast<double>(core.runCount.load()));
  o.Set("inlineThresholdUs", core.inlineThresholdNs / 1e3);
  return o;
}

}  // namespace ortex
