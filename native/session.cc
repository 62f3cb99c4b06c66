#include "session.h"

#include <cstdlib>
#include <string>

#include "addon_data.h"
#include "errors.h"
#include "input_values.h"
#include "lifecycle.h"
#include "limits.h"
#include "loop_watch.h"
#include "pinned_memory.h"
#include "promise_worker.h"
#include "run_job.h"
#include "run_options.h"
#include "run_pool.h"
#include "stats.h"

namespace ortex {
namespace {

enum RunMode { kAuto = 0, kAsync = 1, kInline = 2 };

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

class ReleaseOperation : public PromiseOperation {
 public:
  ReleaseOperation(Napi::Env env, std::shared_ptr<SessionCore> core)
      : PromiseOperation(env, code::kRuntime), core_(std::move(core)) {}

 protected:
  // Drops this handle's share on the lifecycle thread: the ORT session goes now, there, unless
  // outputs still hold it.
  void DoExecute() override { core_.reset(); }
  Napi::Value DoResult(Napi::Env env) override { return env.Undefined(); }

 private:
  std::shared_ptr<SessionCore> core_;
};

// A failed run already reaches the caller as an error: unless the caller chose a log level (for
// the run or the session), ORT does not also print it.
void QuietUnlessChosen(const SessionCore& core, const std::shared_ptr<RunOptionsCore>& runOptions) {
  if (runOptions && !runOptions->logSeverityChosen && core.quietRunOptions) {
    runOptions->options.SetRunLogSeverityLevel(ORT_LOGGING_LEVEL_FATAL);
    runOptions->logSeverityChosen = true;
  }
}

// A pool worker is awake, waiting for the next run: it can take half of this run's input copies
// (input_copy.h). Asleep, it would wake only after the JS thread copied everything alone.
bool WorkerAwake(Napi::Env env) {
  AddonData& data = GetAddonData(env);
  return data.runPool && data.runPool->WorkerAwake();
}

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
  if (core.header.irVersion >= 0)
    o.Set("irVersion", Napi::Number::New(env, static_cast<double>(core.header.irVersion)));
  o.Set("producerVersion", Napi::String::New(env, core.header.producerVersion));
  Napi::Array opsets = Napi::Array::New(env, core.header.opsets.size());
  for (size_t i = 0; i < core.header.opsets.size(); ++i) {
    Napi::Object opset = Napi::Object::New(env);
    opset.Set("domain", core.header.opsets[i].first);
    opset.Set("version", Napi::Number::New(env, static_cast<double>(core.header.opsets[i].second)));
    opsets.Set(static_cast<uint32_t>(i), opset);
  }
  o.Set("opsets", opsets);
  return o;
}

bool SessionWrap::DecideInline(Napi::Env env, const SessionCore& core, int mode,
                               const std::shared_ptr<RunOptionsCore>& runOptions) {
  if (mode == kInline) return true;
  if (mode == kAsync) return false;
  if (core.asyncRuns != 0 || core.runCount.load(std::memory_order_relaxed) <= 1 ||
      (runOptions && runOptions->terminated)) {
    return false;
  }
  AddonData& data = GetAddonData(env);
  double avg = core.averageRunNs.load(std::memory_order_relaxed);
  if (avg < core.inlineThresholdNs) {
    if (!LoopBusy(data, kLoopBudgetNs)) return true;
    // The turn's budget is spent: a sequential caller awaiting inline results never lets the turn
    // end, so every ~2 ms one of its runs would pay a hop. Runs long enough for that hop to show
    // take the quiet check below instead; shorter ones go to the pool.
    if (avg < kQuietInlineMinNs) return false;
  }
  // Up to kIdleInlineFactor x the threshold (and past the budget, above), a run stays inline while
  // nothing would wait for it: a lone caller (no earlier result still unconsumed in this stretch
  // of JS, the pool idle and its recent runs one at a time) and a loop with nothing ready or due
  // before the run would end (the turn's budget then guards nothing). A hop would cost the caller
  // time and give the loop nothing (issue 11: single callers at parity with onnxruntime-node).
  if (avg >= core.inlineThresholdNs * kIdleInlineFactor || *data.loneCallerState != 0 || !data.runPool ||
      !data.runPool->Sequential() || !data.loopWatch || !data.loopWatch->Quiet(static_cast<uint64_t>(avg))) {
    return false;
  }
  LoopBusy(data, kLoopBudgetNs);  // counts this turn as held from now, for the short runs after it
  *data.loneCallerState = 1;      // lib/native/lone-caller.ts sets it back once a microtask has run
  return true;
}

void SessionWrap::Materialize(Napi::Env env, RunJob& job, std::vector<PendingValue>& inputs,
                              std::vector<std::pair<size_t, PendingValue>>& fetches) {
  job.inputValues.reserve(inputs.size());
  for (auto& v : inputs) job.inputValues.push_back(MaterializeInput(env, v, job.inputs));
  for (auto& [slot, v] : fetches) job.BindFetch(env, slot, v);
}

Napi::Value SessionWrap::Dispatch(Napi::Env env, std::unique_ptr<RunJob> job, bool runInline, napi_value header) {
  Stats& stats = GlobalStats();
  stats.inputBytesZeroCopy += job->inputs.zeroCopyBytes;
  stats.inputBytesCopied += job->inputs.copiedBytes;
  stats.fetchBytesInPlace += job->fetchBytesInPlace;
  stats.fetchBytesCopied += job->fetchBytesCopied;
  QuietUnlessChosen(*job->core, job->runOptions);
  if (runInline) {
    stats.runsInline++;
    CatchAll(job->failure, code::kRuntime, [&] { job->Execute(); });
    if (job->failure.failed()) {
      *GetAddonData(env).loneCallerState = 0;  // no result for JS to consume
      throw ToJsError(env, job->failure);
    }
    if (!header) return job->Results(env);
    size_t headerSize = 0;
    void* headerData = nullptr;
    napi_get_typedarray_info(env, header, nullptr, &headerSize, &headerData, nullptr, nullptr);
    return job->ResultsToHeader(env, static_cast<double*>(headerData), headerSize);
  }
  AddonData& data = GetAddonData(env);
  if (!data.runPool) Throw(env, code::kRuntime, "the run thread pool could not be started");
  stats.runsAsync++;
  job->core->asyncRuns++;
  if (!job->inputs.copies.empty()) job->sharedCopy = std::make_unique<SharedCopy>(job->inputs.copies);
  SharedCopy* copy = job->sharedCopy.get();
  auto* run = new RunTask(env, std::move(job));
  std::unique_ptr<PoolTask> task(run);
  Napi::Promise promise = run->Promise();
  if (!data.runPool->Submit(task)) {
    // Not one run thread exists and the OS refuses to start one: fail this run, not the process.
    run->Fail(Failure{code::kRuntime, "no run thread could be started: " + data.runPool->startError(), -1});
    run->Settle(env);
    return promise;
  }
  // The task cannot settle before this returns (it settles on this thread), and its worker runs
  // ORT only once every chunk is copied: V8 memory is read only while no JS can run.
  if (copy) {
    // ORTEX_TEST_WORKER_COPIES (tests only): the JS thread leaves every chunk to the worker.
    static const bool workerOnly = std::getenv("ORTEX_TEST_WORKER_COPIES") != nullptr;
    if (workerOnly) {
      copy->Wait();
    } else {
      copy->Help();
    }
  }
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
  Napi::Array encoded = info[1].As<Napi::Array>();
  Napi::Array outIdx = info[2].As<Napi::Array>();
  std::shared_ptr<RunOptionsCore> runOptions = RunOptionsWrap::From(env, info[4]);
  int mode = info[5].IsNumber() ? info[5].As<Napi::Number>().Int32Value() : kAuto;
  bool deviceOutputs = info[6].IsNumber() && info[6].As<Napi::Number>().Int32Value() == 1;
  if (deviceOutputs && core.deviceMemory.empty()) {
    Throw(env, code::kInvalidArgument,
          "outputs can stay on a device only in a session with a GPU provider (cuda, tensorrt, webgpu)");
  }
  auto job = std::make_unique<RunJob>();
  job->core = held;
  job->runOptions = runOptions;
  job->deviceOutputs = deviceOutputs;
  // Phase 1: read everything from JS (getters may run here).
  uint32_t nIn = inIdx.Length();
  std::vector<PendingValue> inputs(nIn);
  for (uint32_t i = 0; i < nIn; ++i) {
    uint32_t idx = inIdx.Get(i).As<Napi::Number>().Uint32Value();
    if (idx >= core.inputNamePtrs.size()) Throw(env, code::kInvalidInput, "input index out of range");
    job->inputNames.push_back(core.inputNamePtrs[idx]);
    DecodeValue(env, encoded, i * 3, inputs[i]);
  }
  uint32_t nOut = outIdx.Length();
  Napi::Array fetchArray = info[3].IsArray() ? info[3].As<Napi::Array>() : Napi::Array();
  job->outputs.assign(nOut, nullptr);
  job->provided.assign(nOut, false);
  std::vector<std::pair<size_t, PendingValue>> fetches;
  for (uint32_t i = 0; i < nOut; ++i) {
    uint32_t idx = outIdx.Get(i).As<Napi::Number>().Uint32Value();
    if (idx >= core.outputNamePtrs.size()) Throw(env, code::kInvalidInput, "output index out of range");
    job->outputNames.push_back(core.outputNamePtrs[idx]);
    if (fetchArray.IsEmpty()) continue;
    Napi::Value fetchCode = fetchArray.Get(i * 3);
    if (fetchCode.IsNumber() && fetchCode.As<Napi::Number>().Int32Value() != 0) {
      fetches.emplace_back(i, PendingValue());
      DecodeValue(env, fetchArray, i * 3, fetches.back().second);
    }
  }
  // Phase 2: no JS runs from here until ORT has the data (inline) or it has been copied.
  bool runInline = !deviceOutputs && DecideInline(env, core, mode, runOptions);
  job->inputs.offThread = !runInline;
  job->inputs.deferCopies = !runInline && WorkerAwake(env);
  job->inputs.allocator = core.cpuAllocator;
  Materialize(env, *job, inputs, fetches);
  return Dispatch(env, std::move(job), runInline, nullptr);
}

// runTensors(header: Float64Array, payloads: Array, runOptions|null, mode) → Array | Promise<Array>
// The fast path for tensor-only models: shapes travel in one Float64Array instead of JS arrays.
//   in:  [nIn, nOut, (index, type, rank, dims...) x nIn, (index, fetched, [type, rank, dims...]) x nOut]
//   payloads: input data, then the data of each fetched output
//   inline result: array of output data; header rewritten as (type, rank, dims...) x nOut
//   (type 0 for fetched outputs). Async result: the general encoding (see value_encoding.h).
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
  const double* h = static_cast<const double*>(headerData);
  napi_value payloads = info[1];
  std::shared_ptr<RunOptionsCore> runOptions = RunOptionsWrap::From(env, info[2]);
  int mode = info[3].IsNumber() ? info[3].As<Napi::Number>().Int32Value() : kAuto;

  // Phase 1a: the whole header into C++ before any payload is touched (a string getter could
  // start another run, which rewrites the header).
  size_t pos = 2;
  auto need = [&](size_t n) {
    if (pos + n > headerSize) Throw(env, code::kInvalidArgument, "runTensors header is truncated");
  };
  need(0);
  size_t nIn = static_cast<size_t>(h[0]), nOut = static_cast<size_t>(h[1]);
  if (nIn > core.inputNamePtrs.size() || nOut > core.outputNamePtrs.size()) {
    Throw(env, code::kInvalidInput, "more inputs or outputs than the model has");
  }
  auto readShape = [&](PendingValue& v) {
    need(2);
    v.code = static_cast<int32_t>(h[pos]);
    v.rank = static_cast<size_t>(h[pos + 1]);
    pos += 2;
    if (v.rank > kMaxRank) Throw(env, code::kInvalidInput, "tensor rank exceeds " + std::to_string(kMaxRank));
    need(v.rank);
    for (size_t d = 0; d < v.rank; ++d) v.dims[d] = static_cast<int64_t>(h[pos + d]);
    pos += v.rank;
  };
  auto job = std::make_unique<RunJob>();
  job->core = held;
  job->runOptions = runOptions;
  std::vector<PendingValue> inputs(nIn);
  job->inputNames.reserve(nIn);
  for (size_t i = 0; i < nIn; ++i) {
    need(1);
    size_t idx = static_cast<size_t>(h[pos++]);
    if (idx >= core.inputNamePtrs.size()) Throw(env, code::kInvalidInput, "input index out of range");
    job->inputNames.push_back(core.inputNamePtrs[idx]);
    readShape(inputs[i]);
  }
  job->outputs.assign(nOut, nullptr);
  job->provided.assign(nOut, false);
  job->outputNames.reserve(nOut);
  std::vector<std::pair<size_t, PendingValue>> fetches;
  for (size_t i = 0; i < nOut; ++i) {
    need(2);
    size_t idx = static_cast<size_t>(h[pos]);
    bool fetched = h[pos + 1] != 0;
    pos += 2;
    if (idx >= core.outputNamePtrs.size()) Throw(env, code::kInvalidInput, "output index out of range");
    job->outputNames.push_back(core.outputNamePtrs[idx]);
    if (fetched) {
      fetches.emplace_back(i, PendingValue());
      readShape(fetches.back().second);
    }
  }
  // Phase 1b: the payloads (string getters may run here).
  uint32_t payloadIndex = 0;
  auto payload = [&](PendingValue& v) {
    napi_value p;
    if (napi_get_element(env, payloads, payloadIndex++, &p) != napi_ok) {
      Throw(env, code::kInvalidArgument, "runTensors payloads are missing");
    }
    DecodeTensor(env, p, v);
  };
  for (auto& v : inputs) payload(v);
  for (auto& f : fetches) payload(f.second);
  // Phase 2: no JS runs from here until ORT has the data (inline) or it has been copied.
  bool runInline = DecideInline(env, core, mode, runOptions);
  job->inputs.offThread = !runInline;
  job->inputs.deferCopies = !runInline && WorkerAwake(env);
  job->inputs.allocator = core.cpuAllocator;
  Materialize(env, *job, inputs, fetches);
  return Dispatch(env, std::move(job), runInline, info[0]);
}

Napi::Value SessionWrap::Release(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!core_) {
    auto d = Napi::Promise::Deferred::New(env);
    d.Resolve(env.Undefined());
    return d.Promise();
  }
  auto operation = std::make_unique<ReleaseOperation>(env, std::move(core_));
  core_.reset();
  return StartOnLifecycleThread(env, "ortex:releaseSession", std::move(operation));
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
