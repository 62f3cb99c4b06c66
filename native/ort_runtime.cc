#include "ort_runtime.h"

#include <mutex>
#include <stdexcept>

#ifdef _WIN32
#include <windows.h>
#else
#include <dlfcn.h>
#endif

namespace ortex {
namespace {

std::mutex g_mutex;
bool g_loaded = false;
RuntimeInfo g_info;
// Raw handles, deliberately leaked: see the header.
OrtEnv* g_env = nullptr;
OrtMemoryInfo* g_cpuInfo = nullptr;
OrtAllocator* g_allocator = nullptr;

using GetApiBaseFn = const OrtApiBase* (*)();

void* OpenLibrary(const std::string& path, std::string& error) {
#ifdef _WIN32
  int wlen = MultiByteToWideChar(CP_UTF8, 0, path.c_str(), -1, nullptr, 0);
  std::wstring wpath(wlen, L'\0');
  MultiByteToWideChar(CP_UTF8, 0, path.c_str(), -1, wpath.data(), wlen);
  HMODULE h =
      LoadLibraryExW(wpath.c_str(), nullptr, LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_DEFAULT_DIRS);
  if (!h) error = "LoadLibrary failed with Windows error " + std::to_string(GetLastError());
  return reinterpret_cast<void*>(h);
#else
  // RTLD_LOCAL: ORT's symbols stay out of the global namespace, so another copy of ORT
  // in the process (onnxruntime-node's) keeps its own.
  void* h = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!h) {
    const char* e = dlerror();
    error = e ? e : "dlopen failed";
  }
  return h;
#endif
}

void* FindSymbol(void* lib, const char* name) {
#ifdef _WIN32
  return reinterpret_cast<void*>(GetProcAddress(reinterpret_cast<HMODULE>(lib), name));
#else
  return dlsym(lib, name);
#endif
}

std::string StatusMessage(OrtStatus* status, const OrtApi* api) {
  std::string msg = api->GetErrorMessage(status);
  api->ReleaseStatus(status);
  return msg;
}

}  // namespace

const RuntimeInfo& LoadRuntime(const std::string& libraryPath) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_loaded) {
    if (!libraryPath.empty() && libraryPath != g_info.libraryPath) {
      throw std::runtime_error("ONNX Runtime is already loaded from " + g_info.libraryPath +
                               "; it cannot be replaced by " + libraryPath +
                               " in the same process (choose the library before first use)");
    }
    return g_info;
  }
  std::string error;
  void* lib = OpenLibrary(libraryPath, error);
  if (!lib) throw std::runtime_error("cannot open " + libraryPath + ": " + error);
  auto getApiBase = reinterpret_cast<GetApiBaseFn>(FindSymbol(lib, "OrtGetApiBase"));
  if (!getApiBase) {
    throw std::runtime_error(libraryPath + " does not export OrtGetApiBase: not an ONNX Runtime library");
  }
  const OrtApiBase* base = getApiBase();
  const char* version = base->GetVersionString();
  const OrtApi* api = base->GetApi(ORT_API_VERSION);
  if (!api) {
    throw std::runtime_error("ONNX Runtime " + std::string(version ? version : "?") + " at " + libraryPath +
                             " does not provide C API version " + std::to_string(ORT_API_VERSION) +
                             " (ortex needs ONNX Runtime 1." + std::to_string(ORT_API_VERSION) + " or newer)");
  }
  // Everything below uses the raw C API so that a failure leaves no Ort:: object behind.
  OrtEnv* env = nullptr;
  if (OrtStatus* st = api->CreateEnv(ORT_LOGGING_LEVEL_WARNING, "ortex", &env)) {
    throw std::runtime_error("cannot create the ONNX Runtime environment: " + StatusMessage(st, api));
  }
  OrtMemoryInfo* cpuInfo = nullptr;
  if (OrtStatus* st = api->CreateCpuMemoryInfo(OrtArenaAllocator, OrtMemTypeDefault, &cpuInfo)) {
    throw std::runtime_error("cannot create CPU memory info: " + StatusMessage(st, api));
  }
  // A CPU arena in the environment that sessions may share instead of each growing its own
  // (they opt in with the session config entry session.use_env_allocators = 1; SessionPool does).
  if (OrtStatus* st = api->CreateAndRegisterAllocator(env, cpuInfo, nullptr)) api->ReleaseStatus(st);
  OrtAllocator* allocator = nullptr;
  if (OrtStatus* st = api->GetAllocatorWithDefaultOptions(&allocator)) {
    throw std::runtime_error("cannot get the default allocator: " + StatusMessage(st, api));
  }
  char** providers = nullptr;
  int providerCount = 0;
  std::vector<std::string> providerNames;
  if (OrtStatus* st = api->GetAvailableProviders(&providers, &providerCount)) {
    api->ReleaseStatus(st);
  } else {
    for (int i = 0; i < providerCount; ++i) providerNames.emplace_back(providers[i]);
    if (OrtStatus* rs = api->ReleaseAvailableProviders(providers, providerCount)) api->ReleaseStatus(rs);
  }
  Ort::InitApi(api);
  g_env = env;
  g_cpuInfo = cpuInfo;
  g_allocator = allocator;
  g_info.libraryPath = libraryPath;
  g_info.version = version ? version : "";
  g_info.apiVersion = ORT_API_VERSION;
  g_info.availableProviders = std::move(providerNames);
  g_loaded = true;
  return g_info;
}

void SetLogLevel(int level) {
  std::lock_guard<std::mutex> lock(g_mutex);
  if (!g_loaded) throw std::runtime_error("ONNX Runtime is not loaded");
  if (OrtStatus* st = Ort::GetApi().UpdateEnvWithCustomLogLevel(g_env, static_cast<OrtLoggingLevel>(level))) {
    throw std::runtime_error("cannot set the ONNX Runtime log level: " + StatusMessage(st, &Ort::GetApi()));
  }
}

bool RuntimeLoaded() {
  std::lock_guard<std::mutex> lock(g_mutex);
  return g_loaded;
}

const RuntimeInfo& Runtime() { return g_info; }
OrtEnv* Env() { return g_env; }
const OrtMemoryInfo* CpuMemoryInfo() { return g_cpuInfo; }
OrtAllocator* DefaultAllocator() { return g_allocator; }

}  // namespace ortex
