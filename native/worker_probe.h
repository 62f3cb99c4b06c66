// _probePromiseWorker(mode, executor?) → Promise: a PromiseOperation that fails on purpose at the
// step `mode` names, run on the libuv pool or (executor 'lifecycle') on the lifecycle thread, so
// tests can prove every path of both settles the promise with a coded error. Not public API.
#pragma once
#include <napi.h>

namespace ortex {

Napi::Value ProbePromiseWorker(const Napi::CallbackInfo& info);

}  // namespace ortex
