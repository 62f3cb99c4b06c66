// ceiling — the raw ONNX Runtime C++ API "speed of light" for a workload.
//
// Loads a model with the same libonnxruntime that onnxruntime-node ships, builds
// random inputs from the model's input metadata, and calls Session::Run from C
// std::threads sharing one session, either for S seconds or for N runs. Prints one
// JSON line (see printResult). Inputs are created once per thread and reused;
// outputs are allocated by ORT on every run, as the JS bindings do.
//
// Shape rules (mirrored by bench/lib/shapes.mjs):
//   --shape NAME=D0,D1,...  explicit shape for input NAME ("B" means --batch);
//   otherwise fixed dims are kept, a free dim whose symbolic name was given with
//   --fix-dim NAME=V gets V, the first free dim of each input gets --batch, and
//   any other free dim gets 1.
// Fill: float/double uniform [0,1), everything else zero; --fill NAME=V sets every element of
// input NAME to V instead (e.g. Silero VAD's sample rate, sr=16000).
// Streaming (--carry OUT=IN): after each run, output OUT becomes input IN of the same caller's
// next run (a recurrent state, e.g. Silero VAD's stateN -> state), as a streaming client does.
// Providers: --provider cpu (default) | cuda | tensorrt | webgpu appends that execution provider
// (CPU stays the fallback for unsupported nodes); failure to register it is an error.
// Latency percentiles come from a log-linear histogram (<= 0.1% relative error,
// constant memory, so peak_rss_kb is not inflated by sample storage); pXX is the
// nearest-rank percentile.

#include <onnxruntime_cxx_api.h>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------- options

struct Options {
  std::string model;
  int64_t batch = 1;
  int threads = 1;
  int concurrency = 1;
  double seconds = 0;  // timed mode when > 0
  int64_t runs = 0;    // fixed-count mode when > 0
  int64_t warmup = 5;
  std::map<std::string, int64_t> fixDims;
  std::map<std::string, std::vector<std::string>> shapes;  // tokens: "B" or integer
  std::map<std::string, double> fills;                     // constant fill per input
  std::vector<std::pair<std::string, std::string>> carries;  // output -> input, per caller
  std::string provider = "cpu";
};

[[noreturn]] void usage(const std::string& error) {
  if (!error.empty()) std::fprintf(stderr, "ceiling: %s\n", error.c_str());
  std::fprintf(stderr,
               "usage: ceiling --model PATH [--batch B] [--threads T] [--concurrency C]\n"
               "               (--seconds S | --runs N) [--warmup N]\n"
               "               [--fix-dim NAME=V ...] [--shape INPUT=D0,D1,... ...]\n"
               "               [--fill INPUT=V ...] [--carry OUTPUT=INPUT ...]\n"
               "               [--provider cpu|cuda|tensorrt|webgpu]\n");
  std::exit(2);
}

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (;;) {
    size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos - start));
    if (pos == std::string::npos) return parts;
    start = pos + 1;
  }
}

int64_t parseInt(const std::string& flag, const std::string& v) {
  try {
    size_t used = 0;
    long long x = std::stoll(v, &used);
    if (used != v.size()) throw std::invalid_argument(v);
    return x;
  } catch (const std::exception&) {
    usage(flag + ": expected an integer, got '" + v + "'");
  }
}

double parseDouble(const std::string& flag, const std::string& v) {
  try {
    size_t used = 0;
    double x = std::stod(v, &used);
    if (used != v.size()) throw std::invalid_argument(v);
    return x;
  } catch (const std::exception&) {
    usage(flag + ": expected a number, got '" + v + "'");
  }
}

std::pair<std::string, std::string> parseAssign(const std::string& flag, const std::string& v) {
  size_t eq = v.rfind('=');
  if (eq == std::string::npos || eq == 0) usage(flag + ": expected NAME=VALUE, got '" + v + "'");
  return {v.substr(0, eq), v.substr(eq + 1)};
}

Options parseArgs(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    std::string value;
    size_t eq = flag.find('=');
    if (flag.rfind("--", 0) == 0 && eq != std::string::npos) {  // --flag=value
      value = flag.substr(eq + 1);
      flag = flag.substr(0, eq);
    } else if (flag == "--help" || flag == "-h") {
      usage("");
    } else {
      if (i + 1 >= argc) usage(flag + ": missing value");
      value = argv[++i];
    }
    if (flag == "--model") {
      o.model = value;
    } else if (flag == "--batch") {
      o.batch = parseInt(flag, value);
    } else if (flag == "--threads") {
      o.threads = static_cast<int>(parseInt(flag, value));
    } else if (flag == "--concurrency") {
      o.concurrency = static_cast<int>(parseInt(flag, value));
    } else if (flag == "--seconds") {
      o.seconds = parseDouble(flag, value);
    } else if (flag == "--runs") {
      o.runs = parseInt(flag, value);
    } else if (flag == "--warmup") {
      o.warmup = parseInt(flag, value);
    } else if (flag == "--fix-dim") {
      auto kv = parseAssign(flag, value);
      o.fixDims[kv.first] = parseInt(flag, kv.second);
    } else if (flag == "--shape") {
      auto kv = parseAssign(flag, value);
      auto tokens = split(kv.second, kv.second.find('x') != std::string::npos ? 'x' : ',');
      if (kv.second.empty()) tokens.clear();  // scalar
      for (auto& t : tokens)
        if (t != "B") parseInt(flag, t);  // validate early
      o.shapes[kv.first] = tokens;
    } else if (flag == "--fill") {
      auto kv = parseAssign(flag, value);
      o.fills[kv.first] = parseDouble(flag, kv.second);
    } else if (flag == "--carry") {
      o.carries.push_back(parseAssign(flag, value));
    } else if (flag == "--provider") {
      if (value != "cpu" && value != "cuda" && value != "tensorrt" && value != "webgpu")
        usage("--provider: expected cpu, cuda, tensorrt or webgpu, got '" + value + "'");
      o.provider = value;
    } else {
      usage("unknown flag " + flag);
    }
  }
  if (o.model.empty()) usage("--model is required");
  if (o.batch < 1 || o.threads < 0 || o.concurrency < 1 || o.warmup < 0) usage("bad numeric option");
  if ((o.seconds > 0) == (o.runs > 0)) usage("give exactly one of --seconds S or --runs N");
  return o;
}

// ---------------------------------------------------------------- latency histogram

// Log-linear buckets: exact below 2*kSub ns, then kSub buckets per power of two.
class LatencyHistogram {
 public:
  LatencyHistogram() : counts_(kBuckets, 0) {}

  void record(uint64_t ns) {
    ++counts_[index(ns)];
    ++count_;
    sum_ += static_cast<double>(ns);
    max_ = std::max(max_, ns);
  }

  void merge(const LatencyHistogram& o) {
    for (size_t i = 0; i < kBuckets; ++i) counts_[i] += o.counts_[i];
    count_ += o.count_;
    sum_ += o.sum_;
    max_ = std::max(max_, o.max_);
  }

  uint64_t count() const { return count_; }
  double meanNs() const { return count_ ? sum_ / static_cast<double>(count_) : 0; }

  // Nearest-rank percentile, p in (0, 100].
  double percentileNs(double p) const {
    if (!count_) return 0;
    auto rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
    rank = std::max<uint64_t>(rank, 1);
    uint64_t seen = 0;
    for (size_t i = 0; i < kBuckets; ++i) {
      seen += counts_[i];
      if (seen >= rank) return std::min(static_cast<double>(max_), midpoint(i));
    }
    return static_cast<double>(max_);
  }

 private:
  static constexpr int kSubBits = 10;
  static constexpr uint64_t kSub = uint64_t{1} << kSubBits;
  static constexpr size_t kBuckets = 2 * kSub + (63 - kSubBits) * kSub;

  static int log2Floor(uint64_t v) {
#if defined(__GNUC__) || defined(__clang__)
    return 63 - __builtin_clzll(v);
#else
    int m = 0;
    while (v >>= 1) ++m;
    return m;
#endif
  }

  static size_t index(uint64_t v) {
    if (v < 2 * kSub) return static_cast<size_t>(v);
    int shift = log2Floor(v) - kSubBits;  // >= 1
    uint64_t top = v >> shift;            // in [kSub, 2*kSub)
    return static_cast<size_t>(2 * kSub + (shift - 1) * kSub + (top - kSub));
  }

  static double midpoint(size_t i) {
    if (i < 2 * kSub) return static_cast<double>(i);
    uint64_t k = i - 2 * kSub;
    int shift = static_cast<int>(k / kSub) + 1;
    uint64_t lo = (k % kSub + kSub) << shift;
    return static_cast<double>(lo) + static_cast<double>(uint64_t{1} << shift) / 2.0;
  }

  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  double sum_ = 0;
  uint64_t max_ = 0;
};

// ---------------------------------------------------------------- inputs

size_t elementSize(ONNXTensorElementDataType t) {
  switch (t) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: return 4;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: return 8;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT16: return 2;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BFLOAT16: return 2;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: return 1;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8: return 1;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: return 1;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16: return 2;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16: return 2;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: return 4;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32: return 4;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: return 8;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64: return 8;
    default: return 0;  // string, 4-bit, float8...: unsupported here
  }
}

struct InputSpec {
  std::string name;
  ONNXTensorElementDataType type;
  std::vector<int64_t> shape;
  bool hasFill = false;
  double fill = 0;
};

template <typename T>
void fillConstant(uint8_t* data, size_t n, double v) {
  auto* p = reinterpret_cast<T*>(data);
  for (size_t i = 0; i < n; ++i) p[i] = static_cast<T>(v);
}

// Every element of a buffer of type t set to v; false for types without a plain C representation.
bool fillBuffer(ONNXTensorElementDataType t, uint8_t* data, size_t n, double v) {
  switch (t) {
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT: fillConstant<float>(data, n, v); return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE: fillConstant<double>(data, n, v); return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT8: fillConstant<int8_t>(data, n, v); return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT8: fillConstant<uint8_t>(data, n, v); return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_BOOL: fillConstant<uint8_t>(data, n, v != 0); return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT16: fillConstant<int16_t>(data, n, v); return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT16: fillConstant<uint16_t>(data, n, v); return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT32: fillConstant<int32_t>(data, n, v); return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT32: fillConstant<uint32_t>(data, n, v); return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_INT64: fillConstant<int64_t>(data, n, v); return true;
    case ONNX_TENSOR_ELEMENT_DATA_TYPE_UINT64: fillConstant<uint64_t>(data, n, v); return true;
    default: return false;
  }
}

std::vector<int64_t> resolveShape(const std::string& name, const std::vector<int64_t>& declared,
                                  const std::vector<const char*>& symbolic, const Options& o) {
  std::vector<int64_t> shape;
  auto explicitShape = o.shapes.find(name);
  if (explicitShape != o.shapes.end()) {
    for (const auto& t : explicitShape->second) shape.push_back(t == "B" ? o.batch : std::stoll(t));
    return shape;
  }
  bool batchAssigned = false;
  for (size_t i = 0; i < declared.size(); ++i) {
    if (declared[i] >= 0) {
      shape.push_back(declared[i]);
      continue;
    }
    std::string sym = i < symbolic.size() && symbolic[i] ? symbolic[i] : "";
    auto fixed = sym.empty() ? o.fixDims.end() : o.fixDims.find(sym);
    if (fixed != o.fixDims.end()) {
      shape.push_back(fixed->second);
    } else if (!batchAssigned) {
      shape.push_back(o.batch);
    } else {
      shape.push_back(1);
    }
    batchAssigned = true;  // only the first free dim can be the batch dim
  }
  return shape;
}

std::string shapeString(const std::vector<int64_t>& s) {
  std::string r = "[";
  for (size_t i = 0; i < s.size(); ++i) r += (i ? "," : "") + std::to_string(s[i]);
  return r + "]";
}

// Input buffers + Ort::Values for one worker thread.
struct ThreadInputs {
  std::vector<std::vector<uint8_t>> buffers;
  std::vector<Ort::Value> values;

  ThreadInputs(const std::vector<InputSpec>& specs, uint32_t seed) {
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> uni(0.f, 1.f);
    auto mem = Ort::MemoryInfo::CreateCpu(OrtArenaAllocator, OrtMemTypeDefault);
    buffers.reserve(specs.size());
    for (const auto& s : specs) {
      size_t n = 1;
      for (int64_t d : s.shape) n *= static_cast<size_t>(d);
      size_t bytes = n * elementSize(s.type);
      buffers.emplace_back(std::max<size_t>(bytes, 1), 0);  // zero-filled
      uint8_t* data = buffers.back().data();
      if (s.hasFill) {
        fillBuffer(s.type, data, n, s.fill);  // type checked in describeInputs
      } else if (s.type == ONNX_TENSOR_ELEMENT_DATA_TYPE_FLOAT) {
        auto* f = reinterpret_cast<float*>(data);
        for (size_t i = 0; i < n; ++i) f[i] = uni(rng);
      } else if (s.type == ONNX_TENSOR_ELEMENT_DATA_TYPE_DOUBLE) {
        auto* f = reinterpret_cast<double*>(data);
        for (size_t i = 0; i < n; ++i) f[i] = uni(rng);
      }
      values.push_back(Ort::Value::CreateTensor(mem, data, bytes, s.shape.data(), s.shape.size(), s.type));
    }
  }
};

// ---------------------------------------------------------------- running

struct CpuTimes {
  double user = 0, sys = 0;
};

CpuTimes cpuTimes() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return {ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6, ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6};
}

long peakRssKb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
#ifdef __APPLE__
  return ru.ru_maxrss / 1024;  // bytes on macOS
#else
  return ru.ru_maxrss;  // kilobytes on Linux
#endif
}

struct PhaseResult {
  LatencyHistogram hist;
  uint64_t runs = 0;
  double seconds = 0;
};

class Runner {
 public:
  Runner(Ort::Session& session, const std::vector<InputSpec>& specs, int concurrency,
         const std::vector<std::pair<std::string, std::string>>& carries)
      : session_(session), concurrency_(concurrency) {
    Ort::AllocatorWithDefaultOptions alloc;
    for (size_t i = 0; i < session.GetInputCount(); ++i)
      nameStorage_.push_back(session.GetInputNameAllocated(i, alloc).get());
    for (size_t i = 0; i < session.GetOutputCount(); ++i)
      outNameStorage_.push_back(session.GetOutputNameAllocated(i, alloc).get());
    for (auto& n : nameStorage_) inNames_.push_back(n.c_str());
    for (auto& n : outNameStorage_) outNames_.push_back(n.c_str());
    for (int t = 0; t < concurrency; ++t) inputs_.emplace_back(specs, 1234u + static_cast<uint32_t>(t));
    auto indexOf = [](const std::vector<std::string>& names, const std::string& name, const char* what) {
      auto it = std::find(names.begin(), names.end(), name);
      if (it == names.end()) throw std::runtime_error(std::string("--carry names unknown ") + what + " '" + name + "'");
      return static_cast<size_t>(it - names.begin());
    };
    for (const auto& c : carries)
      carries_.emplace_back(indexOf(outNameStorage_, c.first, "output"), indexOf(nameStorage_, c.second, "input"));
  }

  // Runs until `runs` calls were made (runs > 0) or `seconds` elapsed, on all threads.
  PhaseResult run(int64_t runs, double seconds) {
    std::vector<LatencyHistogram> hists(concurrency_);
    std::vector<uint64_t> counts(concurrency_, 0);
    std::atomic<int64_t> issued{0};
    std::atomic<bool> failed{false};
    std::string error;
    std::mutex errorMutex;

    auto start = Clock::now();
    auto deadline = start + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
    auto worker = [&](int t) {
      Ort::RunOptions runOptions;
      auto& in = inputs_[t].values;
      try {
        while (!failed.load(std::memory_order_relaxed)) {
          if (runs > 0) {
            if (issued.fetch_add(1, std::memory_order_relaxed) >= runs) break;
          } else if (Clock::now() >= deadline) {
            break;
          }
          auto t0 = Clock::now();
          auto out = session_.Run(runOptions, inNames_.data(), in.data(), in.size(), outNames_.data(),
                                  outNames_.size());
          auto t1 = Clock::now();
          for (const auto& c : carries_) in[c.second] = std::move(out[c.first]);  // state -> next call
          hists[t].record(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(t1 - t0).count()));
          ++counts[t];
        }
      } catch (const std::exception& e) {
        std::lock_guard<std::mutex> lock(errorMutex);
        if (!failed.exchange(true)) error = e.what();
      }
    };

    std::vector<std::thread> pool;
    for (int t = 1; t < concurrency_; ++t) pool.emplace_back(worker, t);
    worker(0);
    for (auto& th : pool) th.join();

    PhaseResult r;
    r.seconds = std::chrono::duration<double>(Clock::now() - start).count();
    if (failed) throw std::runtime_error("Run failed: " + error);
    for (int t = 0; t < concurrency_; ++t) {
      r.hist.merge(hists[t]);
      r.runs += counts[t];
    }
    return r;
  }

 private:
  Ort::Session& session_;
  int concurrency_;
  std::vector<std::string> nameStorage_, outNameStorage_;
  std::vector<const char*> inNames_, outNames_;
  std::vector<ThreadInputs> inputs_;
  std::vector<std::pair<size_t, size_t>> carries_;  // output index -> input index
};

std::vector<InputSpec> describeInputs(Ort::Session& session, const Options& o) {
  std::vector<InputSpec> specs;
  Ort::AllocatorWithDefaultOptions alloc;
  for (size_t i = 0; i < session.GetInputCount(); ++i) {
    std::string name = session.GetInputNameAllocated(i, alloc).get();
    auto typeInfo = session.GetInputTypeInfo(i);
    if (typeInfo.GetONNXType() != ONNX_TYPE_TENSOR)
      throw std::runtime_error("input '" + name + "' is not a tensor; only tensor inputs are supported");
    auto info = typeInfo.GetTensorTypeAndShapeInfo();
    auto type = info.GetElementType();
    if (elementSize(type) == 0)
      throw std::runtime_error("input '" + name + "' has unsupported element type " + std::to_string(type));
    auto shape = resolveShape(name, info.GetShape(), info.GetSymbolicDimensions(), o);
    for (int64_t d : shape)
      if (d < 0) throw std::runtime_error("input '" + name + "' resolved to invalid shape " + shapeString(shape));
    InputSpec spec{name, type, shape};
    auto fill = o.fills.find(name);
    if (fill != o.fills.end()) {
      uint8_t probe[8];
      if (!fillBuffer(type, probe, 0, 0)) throw std::runtime_error("--fill: input '" + name + "' has a type that cannot be filled");
      spec.hasFill = true;
      spec.fill = fill->second;
    }
    specs.push_back(spec);
  }
  for (const auto& kv : o.fills) {
    bool known = std::any_of(specs.begin(), specs.end(), [&](const InputSpec& s) { return s.name == kv.first; });
    if (!known) throw std::runtime_error("--fill names unknown input '" + kv.first + "'");
  }
  for (const auto& kv : o.shapes) {
    bool known = std::any_of(specs.begin(), specs.end(), [&](const InputSpec& s) { return s.name == kv.first; });
    if (!known) throw std::runtime_error("--shape names unknown input '" + kv.first + "'");
  }
  return specs;
}

std::string jsonEscape(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == '"' || c == '\\') r += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    r += c;
  }
  return r;
}

void printResult(const Options& o, const PhaseResult& r, const CpuTimes& cpu, double createMs, double firstRunMs) {
  double throughput = r.seconds > 0 ? r.runs / r.seconds : 0;
  std::printf(
      "{\"runs\":%llu,\"seconds\":%.6f,\"throughput_runs_per_s\":%.3f,\"samples_per_s\":%.3f,"
      "\"p50_us\":%.3f,\"p99_us\":%.3f,\"mean_us\":%.3f,\"cpu_user_s\":%.3f,\"cpu_sys_s\":%.3f,"
"\"peak_rss_kb\":%ld,\"ort_version\":\"%s\",\"batch\":%lld,\"threads\":%d,\"concurrency\":%d,"
      "\"provider\":\"%s\",\"create_ms\":%.3f,\"first_run_ms\":%s}\n",
      static_cast<unsigned long long>(r.runs), r.seconds, throughput, throughput * static_cast<double>(o.batch),
      r.hist.percentileNs(50) / 1e3, r.hist.percentileNs(99) / 1e3, r.hist.meanNs() / 1e3, cpu.user, cpu.sys,
      peakRssKb(), jsonEscape(Ort::GetVersionString()).c_str(), static_cast<long long>(o.batch), o.threads,
      o.concurrency, o.provider.c_str(), createMs, firstRunMs >= 0 ? std::to_string(firstRunMs).c_str() : "null");
  std::fflush(stdout);
}

// Appends the requested execution provider; ORT throws (with its reason) when it cannot.
void appendProvider(Ort::SessionOptions& so, const std::string& provider) {
  if (provider == "cpu") return;
  const OrtApi& api = Ort::GetApi();
  if (provider == "cuda") {
    OrtCUDAProviderOptionsV2* cuda = nullptr;
    Ort::ThrowOnError(api.CreateCUDAProviderOptions(&cuda));
    std::unique_ptr<OrtCUDAProviderOptionsV2, decltype(api.ReleaseCUDAProviderOptions)> guard(cuda, api.ReleaseCUDAProviderOptions);
    so.AppendExecutionProvider_CUDA_V2(*cuda);
  } else if (provider == "tensorrt") {
    OrtTensorRTProviderOptionsV2* trt = nullptr;
    Ort::ThrowOnError(api.CreateTensorRTProviderOptions(&trt));
    std::unique_ptr<OrtTensorRTProviderOptionsV2, decltype(api.ReleaseTensorRTProviderOptions)> guard(trt, api.ReleaseTensorRTProviderOptions);
    so.AppendExecutionProvider_TensorRT_V2(*trt);
  } else {
    so.AppendExecutionProvider("WebGPU", {});
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o = parseArgs(argc, argv);
  try {
    Ort::Env env(ORT_LOGGING_LEVEL_ERROR, "ceiling");
    Ort::SessionOptions so;
    so.SetIntraOpNumThreads(o.threads);
    so.SetInterOpNumThreads(1);
    so.SetExecutionMode(ORT_SEQUENTIAL);
    so.SetGraphOptimizationLevel(GraphOptimizationLevel::ORT_ENABLE_ALL);
    appendProvider(so, o.provider);
    auto c0 = Clock::now();
    Ort::Session session(env, o.model.c_str(), so);
    double createMs = std::chrono::duration<double, std::milli>(Clock::now() - c0).count();

    auto specs = describeInputs(session, o);
    for (const auto& s : specs) std::fprintf(stderr, "ceiling: input %s %s\n", s.name.c_str(), shapeString(s.shape).c_str());

    Runner runner(session, specs, o.concurrency, o.carries);
    double firstRunMs = -1;  // cold: the first run after create (part of the warmup)
    if (o.warmup > 0) {
      auto f0 = Clock::now();
      runner.run(1, 0);
      firstRunMs = std::chrono::duration<double, std::milli>(Clock::now() - f0).count();
      if (o.warmup > 1) runner.run(o.warmup - 1, 0);
    }

    CpuTimes before = cpuTimes();
    PhaseResult r = runner.run(o.runs, o.seconds);
    CpuTimes after = cpuTimes();
    printResult(o, r, {after.user - before.user, after.sys - before.sys}, createMs, firstRunMs);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ceiling: %s\n", e.what());
    return 1;
  }
  return 0;
}
