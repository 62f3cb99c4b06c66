#include "worker_probe.h"

#include <stdexcept>
#include <string>

#include "lifecycle.h"
#include "promise_worker.h"

namespace ortex {
namespace {

class ProbeOperation : public PromiseOperation {
 public:
  ProbeOperation(Napi::Env env, std::string mode) : PromiseOperation(env, code::kRuntime), mode_(std::move(mode)) {}

 protected:
  void DoExecute() override {
    if (mode_ == "execute-std") throw std::runtime_error("probe: std::exception in execute");
    if (mode_ == "execute-failure") throw Failure{code::kModelLoad, "probe: Failure in execute", -1};
    if (mode_ == "execute-other") throw 42;  // not an exception class at all
  }
  Napi::Value DoResult(Napi::Env env) override {
    if (mode_ == "result-napi") Throw(env, code::kInvalidArgument, "probe: Napi::Error while building the result");
    if (mode_ == "result-std") throw std::length_error("probe: std::exception while building the result");
    return Napi::String::New(env, "ok");
  }

 private:
  std::string mode_;
};

}  // namespace

Napi::Value ProbePromiseWorker(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::string mode = info[0].IsString() ? info[0].As<Napi::String>().Utf8Value() : "";
  bool lifecycle = info[1].IsString() && info[1].As<Napi::String>().Utf8Value() == "lifecycle";
  auto operation = std::make_unique<ProbeOperation>(env, mode);
  if (lifecycle) return StartOnLifecycleThread(env, "ortex:probePromiseWorker", std::move(operation));
  return StartOnLibuvPool(env, "ortex:probePromiseWorker", std::move(operation));
}

}  // namespace ortex
