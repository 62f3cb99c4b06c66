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
  // Shared with lib/native/lone-caller.ts (binding.loneCaller, an Int32Array): [0] is 0 when no
  // result of a run kept inline past the threshold awaits the microtask queue; 1 right after
  // such a run, 2 once JS has queued the microtask that sets it back to 0. A run asked for while
  // it is not 0 comes from another caller in the same stretch of JS: runs are concurrent.
  Napi::Reference<Napi::Int32Array> loneCaller;
  int32_t* loneCallerState = nullptr;
  // The thread that loads and frees this environment's sessions (lifecycle.h).
  std::shared_ptr<Lifecycle> lifecycle;
};

AddonData& GetAddonData(Napi::Env env);

// True when inline runs have held the current turn of the event loop longer than `budgetNs`:
// work done now delays everything else waiting on the loop, so runs should leave the JS thread.
bool LoopBusy(AddonData& data, uint64_t budgetNs);

}  // namespace ortex
