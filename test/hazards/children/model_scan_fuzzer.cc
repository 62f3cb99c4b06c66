// libFuzzer target for ModelScan, the addon's own reading of untrusted model bytes (header
// fields and external-data locations). Built and run for a bounded time by
// ../fuzz-model-scan.test.mjs with -fsanitize=fuzzer,address,undefined, seeded with the test
// models. It lives outside native/ so that no addon build picks it up.
#include <cstddef>
#include <cstdint>

#include "../../../native/model_scan.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ortex::ModelScan scan = ortex::ScanModel(data, size);
  // Touch what the scan returned, so the sanitizers see every string it built.
  size_t total = scan.producerVersion.size();
  for (auto& opset : scan.opsets) total += opset.first.size() + static_cast<size_t>(opset.second & 1);
  for (auto& location : scan.externalDataLocations) total += location.size();
  return total == static_cast<size_t>(-1) ? 1 : 0;
}
