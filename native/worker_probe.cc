#include "worker_probe.h"

#include <stdexcept>
#include <string>

#include "promise_worker.h"

namespace ortex {
namespace {

class ProbeWorker : public PromiseWorker {
 public:
  ProbeWorker(Napi::Env env, std::string mode)
      : PromiseWorker(env, "ortex:probePromiseWorker", code::kRuntime), mode_(std::move(mode)) {}

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
  return (new ProbeWorker(env, mode))->Start();
}

}  // namespace ortex
