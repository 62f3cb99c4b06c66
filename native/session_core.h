// The state one InferenceSession shares with its in-flight runs and its live output buffers.
// Held by std::shared_ptr (NewSessionCore, lifecycle.h): the ORT session is released when the
// last holder lets go, whatever the order of release(), GC, worker teardown and outstanding
// outputs, and freed on the lifecycle thread.
#pragma once
#include <atomic>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "limits.h"
#include "model_scan.h"
#include "ort_api.h"
#include "session_config.h"

namespace ortex {

// Type of a model input or output, recursive for sequences, maps and optionals.
struct TypeDesc {
  int kind = 0;  // ONNXType
  int elementType = 0;
  std::vector<int64_t> shape;
  std::vector<std::string> symbolic;  // per dim; empty string when none
  int keyType = 0;                    // maps
  std::vector<TypeDesc> inner;        // sequence/optional element, map value
};

struct ModelInfo {
  std::vector<std::string> inputNames, outputNames;
  std::vector<TypeDesc> inputTypes, outputTypes;
  std::string producer, graphName, domain, description, graphDescription;
  int64_t version = 0;
  std::vector<std::pair<std::string, std::string>> custom;
};

struct SessionCore {
  Ort::Session session{nullptr};
  ModelInfo model;
  // Read by ortex from the very bytes ORT loaded (IR version, producer version, opsets).
  ModelScan header;
  // Run options for runs that bring none, when the session's log level was not chosen: a
  // failed run already reaches the caller as an error, so ORT does not print it as well.
  Ort::RunOptions quietRunOptions{nullptr};
  // The session's CPU allocator (its arena, or the environment's shared one): where runs that
  // leave the JS thread copy their inputs. Released before the session (declared after it).
  OrtAllocator* cpuAllocator = nullptr;
  std::vector<const char*> inputNamePtrs, outputNamePtrs;
  std::vector<std::string> providers;
  std::vector<ProviderFailure> providerFailures;
  // Scheduling: moving average of measured run time, used to decide inline vs worker.
  std::atomic<double> averageRunNs{0};
  std::atomic<uint64_t> runCount{0};
  // Runs of this session queued for or executing on the thread pool (JS thread only). While
  // any exist, new runs queue behind them instead of overtaking them inline.
  uint32_t asyncRuns = 0;
  // GPU provider that registered (outputs can stay on its device): ORT memory-info name
  // ("Cuda", "WebGPU_Buffer") and device id; empty when the session runs on the CPU only.
  std::string deviceMemory;
  int deviceId = 0;
  std::vector<ProviderRequest> deviceProviders;  // to build copy sessions on the same device
  std::mutex copyMutex;
  std::map<int, OrtSession*> copySessions;  // Identity graphs per element type, for download()
  double inlineThresholdNs = kDefaultInlineThresholdUs * 1e3;
  // intraOpNumThreads is 1: a run computes on its calling thread alone (ORT's default, 0, and
  // any larger count give ORT an intra-op pool of its own, whose threads spin after each run).
  bool singleThreadRuns = false;
  size_t copyOutputsBelowBytes = 0;  // outputs smaller than this are copied, larger ones zero-copy

  void RecordRun(double ns);
  ~SessionCore();
};

ModelInfo ReadModelInfo(Ort::Session& session);

}  // namespace ortex
