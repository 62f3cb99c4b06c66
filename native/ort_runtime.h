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

// True once LoadRuntime succeeded.
bool RuntimeLoaded();
const RuntimeInfo& Runtime();

OrtEnv* Env();
const OrtMemoryInfo* CpuMemoryInfo();
OrtAllocator* DefaultAllocator();

}  // namespace ortex
