// Per-environment state (the main thread and every worker thread has its own).
#pragma once
#include <napi.h>

#include <cstdint>
#include <deque>
#include <memory>

namespace ortex {

struct SessionCore;
struct DeviceValue;
class LoopWatch;

struct AddonData {
  Napi::FunctionReference sessionConstructor;
  Napi::FunctionReference runOptionsConstructor;
  Napi::FunctionReference deviceTensorConstructor;
  std::shared_ptr<DeviceValue> pendingDevice;  // handed to the DeviceTensorWrap constructor
  LoopWatch* loopWatch = nullptr;  // null if the loop could not be watched: never run inline
  // Handed from CreateSessionWorker to the SessionWrap constructor; the constructor refuses
  // to run without it, so JS cannot forge sessions.
  std::shared_ptr<SessionCore> pendingCore;
  // Runs on the thread pool at once from this environment; more wait here. More parallel ORT
  // runs than cores add no throughput and starve the JS thread of CPU.
  uint32_t maxActiveRuns = 1;
  uint32_t activeRuns = 0;
  std::deque<Napi::AsyncWorker*> waitingRuns;
};

// Queues `worker` on the thread pool now, or when a slot frees. JS thread only.
void SubmitRun(AddonData& data, Napi::AsyncWorker* worker);
// Called by each run worker when it completes, on the JS thread.
void RunFinished(AddonData& data);
void StartWaitingRuns(AddonData& data);

AddonData& GetAddonData(Napi::Env env);

// True when inline runs have held the current turn of the event loop longer than `budgetNs`:
// work done now delays everything else waiting on the loop, so runs should leave the JS thread.
bool LoopBusy(AddonData& data, uint64_t budgetNs);

}  // namespace ortex
