// Per-environment state (the main thread and every worker thread has its own).
#pragma once
#include <napi.h>

#include <cstdint>
#include <memory>

namespace ortex {

struct SessionCore;
struct DeviceValue;
class Lifecycle;
class LoopWatch;
class RunPool;

struct AddonData {
  Napi::FunctionReference sessionConstructor;
  Napi::FunctionReference deviceTensorConstructor;
  std::shared_ptr<DeviceValue> pendingDevice;  // handed to the DeviceTensorWrap constructor
  LoopWatch* loopWatch = nullptr;              // null if the loop could not be watched: never run inline
  // Handed from CreateSessionWorker to the SessionWrap constructor; the constructor refuses
  // to run without it, so JS cannot forge sessions.
  std::shared_ptr<SessionCore> pendingCore;
  // Threads that execute runs off the JS thread (as many as may run at once: more parallel ORT
  // runs than cores add no throughput and starve the JS thread of CPU).
  RunPool* runPool = nullptr;
  // The thread that loads and frees this environment's sessions (lifecycle.h).
  std::shared_ptr<Lifecycle> lifecycle;
};

AddonData& GetAddonData(Napi::Env env);

// True when inline runs have held the current turn of the event loop longer than `budgetNs`:
// work done now delays everything else waiting on the loop, so runs should leave the JS thread.
bool LoopBusy(AddonData& data, uint64_t budgetNs);

}  // namespace ortex
