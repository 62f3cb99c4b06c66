#include "session_config.h"

namespace ortex {
namespace {

int ReadInt(const Napi::Object& o, const char* key, int fallback) {
  Napi::Value v = o.Get(key);
  return v.IsNumber() ? v.As<Napi::Number>().Int32Value() : fallback;
}

int ReadTriState(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return v.IsBoolean() ? (v.As<Napi::Boolean>().Value() ? 1 : 0) : -1;
}

std::string ReadString(const Napi::Object& o, const char* key) {
  Napi::Value v = o.Get(key);
  return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}

KeyValues ReadPairs(Napi::Env env, const Napi::Value& v) {
  KeyValues out;
  if (!v.IsArray()) return out;
  Napi::Array arr = v.As<Napi::Array>();
  for (uint32_t i = 0; i < arr.Length(); ++i) {
    Napi::Value pair = arr.Get(i);
    if (!pair.IsArray()) Throw(env, code::kInvalidArgument, "expected [key, value] pairs");
    Napi::Array p = pair.As<Napi::Array>();
    out.emplace_back(p.Get(0u).ToString().Utf8Value(), p.Get(1u).ToString().Utf8Value());
  }
  return out;
}

std::vector<std::pair<std::string, int64_t>> ReadDimPairs(Napi::Env env, const Napi::Value& v) {
  std::vector<std::pair<std::string, int64_t>> out;
  for (auto& kv : ReadPairs(env, v)) out.emplace_back(kv.first, std::stoll(kv.second));
  return out;
}

void CheckStatus(OrtStatus* status, ErrorCode code) {
  if (status) throw FromStatus(status, code);
}

// CUDA and TensorRT take their options through an options object of their own: create it, fill
// it, append it, release it.
template <typename ProviderOptions, typename Create, typename Update, typename Append, typename Release>
void AppendThroughOptionsObject(Ort::SessionOptions& options, const std::vector<const char*>& keys,
                                const std::vector<const char*>& values, Create create, Update update, Append append,
                                Release release) {
  ProviderOptions* provider = nullptr;
  CheckStatus(create(&provider), code::kProviderUnavailable);
  OrtStatus* st = update(provider, keys.data(), values.data(), keys.size());
  if (!st) st = append(options, provider);
  release(provider);
  CheckStatus(st, code::kProviderUnavailable);
}

void AppendProvider(Ort::SessionOptions& options, const ProviderRequest& p) {
  const OrtApi& api = Ort::GetApi();
  std::vector<const char*> keys, values;
  for (auto& kv : p.options) {
    keys.push_back(kv.first.c_str());
    values.push_back(kv.second.c_str());
  }
  if (p.name == "CPU") {
    int useArena = 1;
    for (auto& kv : p.options)
      if (kv.first == "use_arena") useArena = kv.second == "1" || kv.second == "true";
    if (!useArena) options.DisableCpuMemArena();
    return;
  }
  if (p.name == "CUDA") {
    return AppendThroughOptionsObject<OrtCUDAProviderOptionsV2>(
        options, keys, values, api.CreateCUDAProviderOptions, api.UpdateCUDAProviderOptions,
        api.SessionOptionsAppendExecutionProvider_CUDA_V2, api.ReleaseCUDAProviderOptions);
  }
  if (p.name == "TensorRT") {
    return AppendThroughOptionsObject<OrtTensorRTProviderOptionsV2>(
        options, keys, values, api.CreateTensorRTProviderOptions, api.UpdateTensorRTProviderOptions,
        api.SessionOptionsAppendExecutionProvider_TensorRT_V2, api.ReleaseTensorRTProviderOptions);
  }
  CheckStatus(
      api.SessionOptionsAppendExecutionProvider(options, p.name.c_str(), keys.data(), values.data(), keys.size()),
      code::kProviderUnavailable);
}

}  // namespace

SessionConfig ReadSessionConfig(Napi::Env env, const Napi::Value& value) {
  SessionConfig c;
  if (!value.IsObject()) return c;
  Napi::Object o = value.As<Napi::Object>();
  c.intraOpThreads = ReadInt(o, "intraOpNumThreads", -1);
  c.interOpThreads = ReadInt(o, "interOpNumThreads", -1);
  c.graphOptimizationLevel = ReadInt(o, "graphOptimizationLevel", -1);
  c.executionMode = ReadInt(o, "executionMode", -1);
  c.cpuMemArena = ReadTriState(o, "enableCpuMemArena");
  c.memPattern = ReadTriState(o, "enableMemPattern");
  c.logSeverityLevel = ReadInt(o, "logSeverityLevel", -1);
  c.logVerbosityLevel = ReadInt(o, "logVerbosityLevel", -1);
  c.logId = ReadString(o, "logId");
  c.profiling = ReadTriState(o, "enableProfiling") == 1;
  c.profilePrefix = ReadString(o, "profileFilePrefix");
  c.optimizedModelPath = ReadString(o, "optimizedModelFilePath");
  c.externalDataDirectory = ReadString(o, "externalDataDirectory");
  c.freeDimsByName = ReadDimPairs(env, o.Get("freeDimensionOverrides"));
  c.freeDimsByDenotation = ReadDimPairs(env, o.Get("freeDimensionOverridesByDenotation"));
  c.configEntries = ReadPairs(env, o.Get("configEntries"));
  Napi::Value eps = o.Get("executionProviders");
  if (eps.IsArray()) {
    Napi::Array arr = eps.As<Napi::Array>();
    for (uint32_t i = 0; i < arr.Length(); ++i) {
      Napi::Object ep = arr.Get(i).As<Napi::Object>();
      ProviderRequest p;
      p.name = ReadString(ep, "name");
      p.options = ReadPairs(env, ep.Get("options"));
      p.fallback = ep.Get("fallback").ToBoolean().Value();
      c.providers.push_back(std::move(p));
    }
  }
  return c;
}

Ort::SessionOptions BuildSessionOptions(const SessionConfig& c, const std::vector<ProviderRequest>& providers,
                                        std::vector<std::string>& registered, std::vector<ProviderFailure>& failures) {
  Ort::SessionOptions o;
  if (c.intraOpThreads >= 0) o.SetIntraOpNumThreads(c.intraOpThreads);
  if (c.interOpThreads >= 0) o.SetInterOpNumThreads(c.interOpThreads);
  if (c.graphOptimizationLevel >= 0) {
    o.SetGraphOptimizationLevel(static_cast<GraphOptimizationLevel>(c.graphOptimizationLevel));
  }
  if (c.executionMode >= 0) o.SetExecutionMode(static_cast<ExecutionMode>(c.executionMode));
  if (c.cpuMemArena == 1) o.EnableCpuMemArena();
  if (c.cpuMemArena == 0) o.DisableCpuMemArena();
  if (c.memPattern == 1) o.EnableMemPattern();
  if (c.memPattern == 0) o.DisableMemPattern();
  if (c.logSeverityLevel >= 0) o.SetLogSeverityLevel(c.logSeverityLevel);
  if (c.logVerbosityLevel >= 0) Ort::ThrowOnError(Ort::GetApi().SetSessionLogVerbosityLevel(o, c.logVerbosityLevel));
  if (!c.logId.empty()) o.SetLogId(c.logId.c_str());
  if (c.profiling) o.EnableProfiling(ToOrtPath(c.profilePrefix.empty() ? "ortex_profile" : c.profilePrefix).c_str());
  if (!c.optimizedModelPath.empty()) o.SetOptimizedModelFilePath(ToOrtPath(c.optimizedModelPath).c_str());
  for (auto& d : c.freeDimsByName) o.AddFreeDimensionOverrideByName(d.first.c_str(), d.second);
  // Not Ort::SessionOptions::AddFreeDimensionOverride: in ORT's C++ header it calls the by-name C function.
  for (auto& d : c.freeDimsByDenotation)
    Ort::ThrowOnError(Ort::GetApi().AddFreeDimensionOverride(o, d.first.c_str(), d.second));
  for (auto& kv : c.configEntries) o.AddConfigEntry(kv.first.c_str(), kv.second.c_str());
  for (auto& p : providers) {
    try {
      AppendProvider(o, p);
      registered.push_back(p.name);
    } catch (const Failure& f) {
      if (!p.fallback) {
        Failure named = f;
        named.message = "execution provider '" + p.name + "' is unavailable: " + f.message;
        throw named;
      }
      failures.push_back({p.name, f.message});
    } catch (const Ort::Exception& e) {
      if (!p.fallback) {
        Failure named = FromException(e, code::kProviderUnavailable);
        named.message = "execution provider '" + p.name + "' is unavailable: " + named.message;
        throw named;
      }
      failures.push_back({p.name, e.what()});
    }
  }
  if (registered.empty() || registered.back() != "CPU") registered.push_back("CPU");
  return o;
}

}  // namespace ortex
