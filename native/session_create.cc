#include "session_create.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "addon_data.h"
#include "errors.h"
#include "lifecycle.h"
#include "limits.h"
#include "model_scan.h"
#include "ort_runtime.h"
#include "promise_worker.h"
#include "session_config.h"
#include "session_core.h"
#include "stats.h"

namespace ortex {
namespace {

constexpr const char* kExternalDataFolderKey = "session.model_external_initializers_file_folder_path";
constexpr const char* kEpContextFileKey = "ep.context_file_path";
constexpr const char* kEpContextEnableKey = "ep.context_enable";

const std::string* ConfigEntry(const SessionConfig& config, const char* key) {
  for (auto& kv : config.configEntries)
    if (kv.first == key) return &kv.second;
  return nullptr;
}

bool HasConfigEntry(const SessionConfig& config, const char* key) { return ConfigEntry(config, key) != nullptr; }

// ORT learns a model's path from ep.context_file_path when it parses bytes: EP context models
// name their files relative to it. When the session dumps an EP context model instead
// (ep.context_enable=1), that key names the file written: ORT's own default, <model>_ctx.onnx,
// never the model itself.
std::string EpContextPath(const SessionConfig& config, const std::string& path) {
  const std::string* enable = ConfigEntry(config, kEpContextEnableKey);
  if (!enable || *enable != "1") return path;
  std::filesystem::path p = std::filesystem::u8path(path);
  return (p.parent_path() / (p.stem().u8string() + "_ctx.onnx")).u8string();
}

// The whole file, read once. Only regular files: a FIFO or a device would block or never end.
std::vector<uint8_t> ReadModelFile(const std::string& path) {
  std::error_code error;
  std::filesystem::file_status status = std::filesystem::status(std::filesystem::u8path(path), error);
  if (error || !std::filesystem::exists(status)) {
    throw Failure{code::kModelLoad, "cannot open the model file: " + (error ? error.message() : "no such file"),
                  ORT_NO_SUCHFILE};
  }
  if (std::filesystem::is_directory(status)) throw Failure{code::kModelLoad, "the model path is a directory", -1};
  if (!std::filesystem::is_regular_file(status)) {
    throw Failure{code::kModelLoad, "the model path is not a regular file (a FIFO, socket or device)", -1};
  }
#ifdef _WIN32
  std::FILE* file = _wfopen(ToOrtPath(path).c_str(), L"rb");
#else
  std::FILE* file = std::fopen(path.c_str(), "rb");
#endif
  if (!file) {
    int cause = errno;
    throw Failure{code::kModelLoad, std::string("cannot open the model file: ") + std::strerror(cause),
                  cause == ENOENT ? ORT_NO_SUCHFILE : -1};
  }
  std::vector<uint8_t> bytes;
  // The size is a hint only: the file may grow or shrink while it is read.
  uintmax_t hint = std::filesystem::file_size(std::filesystem::u8path(path), error);
  if (!error && hint < (uintmax_t{1} << 40)) bytes.reserve(static_cast<size_t>(hint));
  uint8_t chunk[1 << 16];
  size_t n;
  while ((n = std::fread(chunk, 1, sizeof(chunk), file)) > 0) bytes.insert(bytes.end(), chunk, chunk + n);
  bool failed = std::ferror(file) != 0;
  std::fclose(file);
  if (failed) throw Failure{code::kModelLoad, "cannot read the model file", -1};
  return bytes;
}

// The folder of a model path ("." for a bare file name), for its external data.
std::string FolderOf(const std::string& path) {
  std::filesystem::path folder = std::filesystem::u8path(path).parent_path();
  return folder.empty() ? "." : folder.u8string();
}

// A folder that does not exist, for models from bytes with no externalDataDirectory: should a
// tensor stored outside the model get past ModelScan, ORT finds no file to read.
std::string NoSuchFolder() {
  static const std::string folder = [] {
    std::random_device device;
    std::error_code error;
    std::filesystem::path tmp = std::filesystem::temp_directory_path(error);
    if (error) tmp = std::filesystem::u8path("/nonexistent");
    return (tmp / ("ortex-no-external-data-" + std::to_string(device()) + std::to_string(device()))).u8string();
  }();
  return folder;
}

// "'a.bin', 'b.bin', ..." (each file once, at most three).
std::string ListLocations(const std::vector<std::string>& locations) {
  std::vector<std::string> unique;
  for (auto& l : locations)
    if (std::find(unique.begin(), unique.end(), l) == unique.end()) unique.push_back(l);
  std::string list;
  for (size_t i = 0; i < unique.size() && i < 3; ++i) list += (i ? ", '" : "'") + unique[i] + "'";
  if (unique.size() > 3) list += ", ...";
  return list;
}

class CreateOperation : public PromiseOperation {
 public:
  CreateOperation(Napi::Env env, std::string path, std::vector<uint8_t> bytes, SessionConfig config,
                  double inlineThresholdNs, size_t copyOutputsBelowBytes)
      : PromiseOperation(env, code::kModelLoad),
        lifecycle_(GetAddonData(env).lifecycle),
        path_(std::move(path)),
        bytes_(std::move(bytes)),
        config_(std::move(config)),
        inlineThresholdNs_(inlineThresholdNs),
        copyOutputsBelowBytes_(copyOutputsBelowBytes) {}

 protected:
  void DoExecute() override {
    bool fromBytes = path_.empty();
    if (!fromBytes) bytes_ = ReadModelFile(path_);
    ModelScan header = ScanModel(bytes_.data(), bytes_.size());
    if (fromBytes && config_.externalDataDirectory.empty() && !header.externalDataLocations.empty()) {
      throw Failure{code::kModelLoad,
                    "the model keeps tensors as external data in files (" +
                        ListLocations(header.externalDataLocations) +
                        ") but was given as bytes, and a model given as bytes reads no files: set "
                        "externalDataDirectory to the folder that holds them, or load the model from its path",
                    -1};
    }
    std::string folder = !config_.externalDataDirectory.empty() ? config_.externalDataDirectory
                         : fromBytes                            ? NoSuchFolder()
                                                                : FolderOf(path_);
    std::vector<ProviderRequest> providers = config_.providers;
    for (;;) {
      std::vector<std::string> registered;
      std::vector<ProviderFailure> failures;
      Ort::SessionOptions options = BuildSessionOptions(config_, providers, registered, failures);
      options.AddConfigEntry(kExternalDataFolderKey, folder.c_str());
      // EP context models (cached compiled graphs) name their files relative to the model.
      if (!fromBytes && !HasConfigEntry(config_, kEpContextFileKey)) {
        options.AddConfigEntry(kEpContextFileKey, EpContextPath(config_, path_).c_str());
      }
      OrtSession* raw = nullptr;
      OrtStatus* st = Ort::GetApi().CreateSessionFromArray(ortex::Env(), bytes_.data(), bytes_.size(), options, &raw);
      if (st) {
        // A provider with onFailure 'fallback' may be what failed at session creation
        // (device init happens there): drop those and try once more.
        bool dropped = false;
        std::vector<ProviderRequest> kept;
        Failure f = FromStatus(st, code::kModelLoad);
        for (auto& p : providers) {
          if (p.fallback && p.name != "CPU") {
            dropped = true;
            failures_.push_back({p.name, "session creation failed with it: " + f.message});
          } else {
            kept.push_back(p);
          }
        }
        if (!dropped) {
          if (f.ortCode == ORT_EP_FAIL) f.code = code::kProviderUnavailable;
          throw f;
        }
        providers = std::move(kept);
        continue;
      }
      Finish(raw, providers, registered, failures, std::move(header));
      break;
    }
    // ORT keeps no reference to the bytes: free them now rather than with the worker.
    std::vector<uint8_t>().swap(bytes_);
  }

  Napi::Value DoResult(Napi::Env env) override {
    AddonData& data = GetAddonData(env);
    data.pendingCore = core_;
    return data.sessionConstructor.New({});
  }

  void DoFinally(Napi::Env env) override { GetAddonData(env).pendingCore.reset(); }

 private:
  void Finish(OrtSession* raw, const std::vector<ProviderRequest>& providers, std::vector<std::string>& registered,
              const std::vector<ProviderFailure>& failures, ModelScan header) {
    core_ = lifecycle_->NewSessionCore();
    core_->session = Ort::Session(raw);
    for (auto& p : providers) {
      bool ok = false;
      for (auto& r : registered) ok = ok || r == p.name;
      if (!ok || !core_->deviceMemory.empty()) continue;
      if (p.name == "CUDA" || p.name == "TensorRT") {
        core_->deviceMemory = "Cuda";
      } else if (p.name == "WebGPU") {
        core_->deviceMemory = "WebGPU_Buffer";
      } else {
        continue;
      }
      for (auto& kv : p.options)
        if (kv.first == "device_id" || kv.first == "deviceId") core_->deviceId = std::atoi(kv.second.c_str());
      ProviderRequest copy = p;
      copy.fallback = false;
      core_->deviceProviders.push_back(copy);
    }
    core_->providers = std::move(registered);
    for (auto& f : failures) failures_.push_back(f);
    core_->providerFailures = failures_;
    core_->inlineThresholdNs = inlineThresholdNs_;
    core_->singleThreadRuns = config_.intraOpThreads == 1;
    core_->copyOutputsBelowBytes = copyOutputsBelowBytes_;
    core_->model = ReadModelInfo(core_->session);
    core_->header = std::move(header);
    if (OrtStatus* st = Ort::GetApi().CreateAllocator(core_->session, CpuMemoryInfo(), &core_->cpuAllocator)) {
      Ort::GetApi().ReleaseStatus(st);  // copies then come from ORT's default allocator
      core_->cpuAllocator = nullptr;
    }
    if (config_.logSeverityLevel < 0) {
      core_->quietRunOptions = Ort::RunOptions();
      core_->quietRunOptions.SetRunLogSeverityLevel(ORT_LOGGING_LEVEL_FATAL);
    }
    for (auto& n : core_->model.inputNames) core_->inputNamePtrs.push_back(n.c_str());
    for (auto& n : core_->model.outputNames) core_->outputNamePtrs.push_back(n.c_str());
    GlobalStats().sessionsCreated++;
  }

  std::shared_ptr<Lifecycle> lifecycle_;
  std::string path_;
  std::vector<uint8_t> bytes_;
  SessionConfig config_;
  double inlineThresholdNs_;
  size_t copyOutputsBelowBytes_;
  std::shared_ptr<SessionCore> core_;
  std::vector<ProviderFailure> failures_;
};

}  // namespace

Napi::Value CreateSession(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!RuntimeLoaded()) Throw(env, code::kNativeLoad, "ONNX Runtime is not loaded: call init() first");
  std::string path;
  std::vector<uint8_t> bytes;
  if (info[0].IsString()) {
    path = info[0].As<Napi::String>().Utf8Value();
    if (path.empty()) Throw(env, code::kInvalidArgument, "the model path is empty");
  } else if (info[0].IsTypedArray() && info[0].As<Napi::TypedArray>().TypedArrayType() == napi_uint8_array) {
    // Copied now: JS may detach (transfer) the buffer while ORT parses it on another thread.
    Napi::Uint8Array u8 = info[0].As<Napi::Uint8Array>();
    bytes.assign(u8.Data(), u8.Data() + u8.ByteLength());
    if (bytes.empty()) Throw(env, code::kInvalidArgument, "the model bytes are empty");
  } else {
    Throw(env, code::kInvalidArgument, "model must be a path or a Uint8Array");
  }
  SessionConfig config = ReadSessionConfig(env, info[1]);
  if (HasConfigEntry(config, kExternalDataFolderKey)) {
    Throw(env, code::kInvalidArgument,
          std::string("set externalDataDirectory instead of the config entry ") + kExternalDataFolderKey);
  }
  double thresholdUs = info[2].IsNumber() ? info[2].As<Napi::Number>().DoubleValue() : kDefaultInlineThresholdUs;
  double copyBelow = info[3].IsNumber() ? info[3].As<Napi::Number>().DoubleValue() : 0;
  return StartOnLifecycleThread(
      env, "ortex:createSession",
      std::make_unique<CreateOperation>(env, std::move(path), std::move(bytes), std::move(config), thresholdUs * 1e3,
                                        static_cast<size_t>(copyBelow)));
}

}  // namespace ortex
