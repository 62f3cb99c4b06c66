// _probePromiseWorker(mode) → Promise: a PromiseWorker that fails on purpose at the step `mode`
// names, so tests can prove every path settles the promise with a coded error. Not public API.
#pragma once
#include <napi.h>

namespace ortex {

Napi::Value ProbePromiseWorker(const Napi::CallbackInfo& info);

}  // namespace ortex
