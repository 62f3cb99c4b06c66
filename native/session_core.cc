#include "session_core.h"

#include "ort_runtime.h"

namespace ortex {
namespace {

TypeDesc Describe(const Ort::TypeInfo& info) {
  TypeDesc d;
  ONNXType kind = info.GetONNXType();
  d.kind = kind;
  if (kind == ONNX_TYPE_TENSOR || kind == ONNX_TYPE_SPARSETENSOR) {
    auto t = info.GetTensorTypeAndShapeInfo();
    d.elementType = t.GetElementType();
    d.shape = t.GetShape();
    d.symbolic.resize(d.shape.size());
    std::vector<const char*> names(d.shape.size(), nullptr);
    if (!names.empty()) t.GetSymbolicDimensions(names.data(), names.size());
    for (size_t i = 0; i < names.size(); ++i) d.symbolic[i] = names[i] ? names[i] : "";
  } else if (kind == ONNX_TYPE_SEQUENCE) {
    d.inner.push_back(Describe(info.GetSequenceTypeInfo().GetSequenceElementType()));
  } else if (kind == ONNX_TYPE_MAP) {
    auto m = info.GetMapTypeInfo();
    d.keyType = m.GetMapKeyType();
    d.inner.push_back(Describe(m.GetMapValueType()));
  } else if (kind == ONNX_TYPE_OPTIONAL) {
    d.inner.push_back(Describe(info.GetOptionalTypeInfo().GetOptionalElementType()));
  }
  return d;
}

}  // namespace

ModelInfo ReadModelInfo(Ort::Session& session) {
  ModelInfo m;
  Ort::AllocatorWithDefaultOptions alloc;
  for (size_t i = 0; i < session.GetInputCount(); ++i) {
    m.inputNames.emplace_back(session.GetInputNameAllocated(i, alloc).get());
    m.inputTypes.push_back(Describe(session.GetInputTypeInfo(i)));
  }
  for (size_t i = 0; i < session.GetOutputCount(); ++i) {
    m.outputNames.emplace_back(session.GetOutputNameAllocated(i, alloc).get());
    m.outputTypes.push_back(Describe(session.GetOutputTypeInfo(i)));
  }
  Ort::ModelMetadata meta = session.GetModelMetadata();
  m.producer = meta.GetProducerNameAllocated(alloc).get();
  m.graphName = meta.GetGraphNameAllocated(alloc).get();
  m.domain = meta.GetDomainAllocated(alloc).get();
  m.description = meta.GetDescriptionAllocated(alloc).get();
  m.graphDescription = meta.GetGraphDescriptionAllocated(alloc).get();
  m.version = meta.GetVersion();
  for (auto& key : meta.GetCustomMetadataMapKeysAllocated(alloc)) {
    auto value = meta.LookupCustomMetadataMapAllocated(key.get(), alloc);
    m.custom.emplace_back(key.get(), value ? value.get() : "");
  }
  return m;
}

void SessionCore::RecordRun(double ns) {
  // The first run pays one-time costs (allocations, kernel setup): it says little about the next.
  if (runCount.fetch_add(1, std::memory_order_relaxed) == 0) return;
  double avg = averageRunNs.load(std::memory_order_relaxed);
  averageRunNs.store(avg == 0 ? ns : avg * 0.875 + ns * 0.125, std::memory_order_relaxed);
}

SessionCore::~SessionCore() {
  if (cpuAllocator) Ort::GetApi().ReleaseAllocator(cpuAllocator);
  for (auto& kv : copySessions) Ort::GetApi().ReleaseSession(kv.second);
}

}  // namespace ortex
