// Session options as plain C++ data: read from JS on the main thread, applied to ORT on a worker.
#pragma once
#include <napi.h>

#include <string>
#include <utility>
#include <vector>

#include "errors.h"
#include "ort_api.h"

namespace ortex {

using KeyValues = std::vector<std::pair<std::string, std::string>>;

struct ProviderRequest {
  std::string name;  // ORT's name: CUDAExecutionProvider-style short names are mapped in lib/
  KeyValues options;
  bool fallback = false;  // onFailure: 'fallback' (skip it) vs 'error' (fail the session)
};

struct ProviderFailure {
  std::string name;
  std::string message;
};

struct SessionConfig {
  int intraOpThreads = -1;
  int interOpThreads = -1;
  int graphOptimizationLevel = -1;  // ORT's GraphOptimizationLevel values
  int executionMode = -1;           // 0 sequential, 1 parallel
  int cpuMemArena = -1;             // -1 default, 0 off, 1 on
  int memPattern = -1;
  int logSeverityLevel = -1;
  int logVerbosityLevel = -1;
  std::string logId;
  bool profiling = false;
  std::string profilePrefix;
  std::string optimizedModelPath;
  // Folder external data files are read from (validated by lib/): for a model given as bytes,
  // the opt-in to read any; for a path, overrides the model's own folder. Empty: not given.
  std::string externalDataDirectory;
  std::vector<std::pair<std::string, int64_t>> freeDimsByName;
  std::vector<std::pair<std::string, int64_t>> freeDimsByDenotation;
  KeyValues configEntries;
  std::vector<ProviderRequest> providers;
};

// Reads the normalized options object built by lib/session-options.ts. Throws ERR_INVALID_ARGUMENT.
SessionConfig ReadSessionConfig(Napi::Env env, const Napi::Value& value);

// Builds ORT session options using `providers` (a subset of config.providers). Provider
// registration failures with fallback are appended to `failures`; others throw Failure.
Ort::SessionOptions BuildSessionOptions(const SessionConfig& config, const std::vector<ProviderRequest>& providers,
                                        std::vector<std::string>& registered, std::vector<ProviderFailure>& failures);

}  // namespace ortex
