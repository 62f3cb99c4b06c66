// Process-wide ONNX Runtime: the dlopen'ed library, its API table and the one Ort::Env.
// Loaded once per process (shared by every Node environment, worker threads included) and never
// unloaded: releasing the Env or unloading ORT while other threads use it crashes the process.
#pragma once
#include <string>
#include <vector>

#include "ort_api.h"

namespace ortex {

struct RuntimeInfo {
  std::string libraryPath;
  std::string version;
  uint32_t apiVersion = 0;
  std::vector<std::string> availableProviders;
};

// Loads ORT from `libraryPath` (first call wins; later calls with another path throw).
// Throws std::runtime_error with every cause on failure; the process stays usable.
const RuntimeInfo& LoadRuntime(const std::string& libraryPath);

// Sets the environment's default log level (an OrtLoggingLevel: 0 verbose .. 4 fatal): the
// severity below which ORT's default logger drops messages. Throws before LoadRuntime.
void SetLogLevel(int level);

// True once LoadRuntime succeeded.
bool RuntimeLoaded();
const RuntimeInfo& Runtime();

OrtEnv* Env();
const OrtMemoryInfo* CpuMemoryInfo();
OrtAllocator* DefaultAllocator();

}  // namespace ortex
