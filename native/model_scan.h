// What ortex reads from a model's bytes itself, from the very bytes ORT is given: the header
// fields ORT's metadata API does not expose (IR version, producer version, opset imports), and
// every tensor stored outside the model (external data), which decides whether a model given
// as bytes may load. Pure C++ over untrusted bytes: no N-API, no ORT (fuzzed on its own:
// native/fuzz/model_scan_fuzzer.cc).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace ortex {

struct ModelScan {
  // The bytes parse as an ONNX ModelProto. False for ORT-format models and for anything
  // malformed (then nothing below is known; ORT decides whether the bytes load).
  bool parsed = false;
  int64_t irVersion = -1;  // -1: absent
  std::string producerVersion;
  std::vector<std::pair<std::string, int64_t>> opsets;  // (domain, version)
  // The `location` of every tensor whose data lives in a file (data_location EXTERNAL), in the
  // graph, its subgraphs, functions and training graphs.
  std::vector<std::string> externalDataLocations;
};

ModelScan ScanModel(const uint8_t* data, size_t size);

}  // namespace ortex
