// One run: everything it needs (inputs, fetch targets, the session), owned by whichever thread
// executes it, and the task that runs it on the pool and settles its promise.
#pragma once
#include <napi.h>

#include <memory>
#include <vector>

#include "errors.h"
#include "input_copy.h"
#include "input_values.h"
#include "ort_api.h"
#include "run_pool.h"

namespace ortex {

struct RunOptionsCore;
struct SessionCore;

struct RunJob {
  std::shared_ptr<SessionCore> core;  // held for the whole run, whatever JS does meanwhile
  std::shared_ptr<RunOptionsCore> runOptions;
  InputContext inputs;
  std::vector<Ort::Value> inputValues;
  std::vector<const char*> inputNames;
  std::vector<const char*> outputNames;
  std::vector<OrtValue*> outputs;  // null = let ORT allocate; otherwise a caller-provided fetch
  std::vector<bool> provided;
  std::vector<Ort::Value> fetchValues;
  // Fetch targets in V8 memory of runs off the JS thread: ORT writes into memory of the run's
  // own, copied into the target (this TypedArray) when the run settles. Empty when in place.
  std::vector<Napi::Reference<Napi::Value>> copyBack;
  uint64_t fetchBytesInPlace = 0;
  uint64_t fetchBytesCopied = 0;
  bool deviceOutputs = false;  // bind outputs to the session's GPU memory (IO binding)
  // The inputs' copies of V8 memory, made by the JS thread and the worker together (input_copy.h);
  // null when they were made already.
  std::unique_ptr<SharedCopy> sharedCopy;
  Failure failure;

  // Phase 2 of a fetch target for output slot `i` (see input_values.h).
  void BindFetch(Napi::Env env, size_t i, PendingValue& target);

  // Runs the model (any thread, no N-API). Failures land in `failure`; throws Ort::Exception.
  void Execute();

  // JS thread: the flat result triples; consumes the ORT-allocated outputs, copies fetch
  // targets back.
  Napi::Array Results(Napi::Env env);

  // JS thread, inline fast path: output data in an array, (type, rank, dims...) per output
  // into `header`.
  Napi::Array ResultsToHeader(Napi::Env env, double* header, size_t headerSize);

  ~RunJob();

 private:
  void ExecuteBound();
  void DeviceToJs(Napi::Env env, Ort::Value value, Napi::Array& out, uint32_t* at);
  OrtRunOptions* EffectiveRunOptions() const;
};

// A run on the pool: settles its promise on the JS thread when done.
class RunTask : public PoolTask {
 public:
  RunTask(Napi::Env env, std::unique_ptr<RunJob> job);
  Napi::Promise Promise() { return deferred_.Promise(); }
  void Execute() override;
  void Settle(Napi::Env env) override;
  bool MayWaitAwakeAfter() const override;
  // Marks the run failed without running it.
  void Fail(Failure failure) { job_->failure = std::move(failure); }

 private:
  std::unique_ptr<RunJob> job_;
  Napi::Promise::Deferred deferred_;
};

}  // namespace ortex
