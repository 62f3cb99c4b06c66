#include "tiny_models.h"

#include <map>
#include <mutex>
#include <string>

#include "ort_runtime.h"

namespace ortex {
namespace {

// Minimal protobuf writer for the few ONNX messages the graph needs.
void Varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}
void Tag(std::string& out, int field, int wire) { Varint(out, (static_cast<uint64_t>(field) << 3) | wire); }
void IntField(std::string& out, int field, uint64_t v) {
  Tag(out, field, 0);
  Varint(out, v);
}
void BytesField(std::string& out, int field, const std::string& bytes) {
  Tag(out, field, 2);
  Varint(out, bytes.size());
  out += bytes;
}

std::string EmptySequenceModel(int elementType) {
  std::string attribute;  // AttributeProto { name: "dtype", i: elementType, type: INT }
  BytesField(attribute, 1, "dtype");
  IntField(attribute, 3, static_cast<uint64_t>(elementType));
  IntField(attribute, 20, 2);
  std::string node;  // NodeProto { output: "s", op_type: "SequenceEmpty", attribute }
  BytesField(node, 2, "s");
  BytesField(node, 4, "SequenceEmpty");
  BytesField(node, 5, attribute);
  std::string tensorType;  // TypeProto.Tensor { elem_type }
  IntField(tensorType, 1, static_cast<uint64_t>(elementType));
  std::string elemType;  // TypeProto { tensor_type }
  BytesField(elemType, 1, tensorType);
  std::string sequence;  // TypeProto.Sequence { elem_type }
  BytesField(sequence, 1, elemType);
  std::string type;  // TypeProto { sequence_type }
  BytesField(type, 4, sequence);
  std::string output;  // ValueInfoProto { name: "s", type }
  BytesField(output, 1, "s");
  BytesField(output, 2, type);
  std::string graph;  // GraphProto { node, name, output }
  BytesField(graph, 1, node);
  BytesField(graph, 2, "empty_sequence");
  BytesField(graph, 12, output);
  std::string opset;  // OperatorSetIdProto { domain: "", version: 13 }
  BytesField(opset, 1, "");
  IntField(opset, 2, 13);
  std::string model;  // ModelProto { ir_version: 8, graph, opset_import }
  IntField(model, 1, 8);
  BytesField(model, 7, graph);
  BytesField(model, 8, opset);
  return model;
}

}  // namespace

std::string IdentityModel(int elementType) {
  std::string node;  // NodeProto { input: "x", output: "y", op_type: "Identity" }
  BytesField(node, 1, "x");
  BytesField(node, 2, "y");
  BytesField(node, 4, "Identity");
  std::string tensorType;  // TypeProto.Tensor { elem_type } (no shape: any)
  IntField(tensorType, 1, static_cast<uint64_t>(elementType));
  std::string type;  // TypeProto { tensor_type }
  BytesField(type, 1, tensorType);
  std::string input, output;
  BytesField(input, 1, "x");
  BytesField(input, 2, type);
  BytesField(output, 1, "y");
  BytesField(output, 2, type);
  std::string graph;
  BytesField(graph, 1, node);
  BytesField(graph, 2, "identity");
  BytesField(graph, 11, input);
  BytesField(graph, 12, output);
  std::string opset;
  BytesField(opset, 1, "");
  IntField(opset, 2, 19);
  std::string model;
  IntField(model, 1, 9);
  BytesField(model, 7, graph);
  BytesField(model, 8, opset);
  return model;
}

namespace {

std::mutex g_mutex;
std::map<int, OrtSession*> g_sessions;  // process-wide, never released (like the Env)

}  // namespace

OrtValue* CreateEmptySequence(int elementType) {
  const OrtApi& api = Ort::GetApi();
  OrtSession* session = nullptr;
  {
    std::lock_guard<std::mutex> lock(g_mutex);
    auto it = g_sessions.find(elementType);
    if (it != g_sessions.end()) {
      session = it->second;
    } else {
      std::string model = EmptySequenceModel(elementType);
      Ort::SessionOptions options;
      options.SetIntraOpNumThreads(1);
      options.SetLogSeverityLevel(3);
      Ort::ThrowOnError(api.CreateSessionFromArray(Env(), model.data(), model.size(), options, &session));
      g_sessions[elementType] = session;
    }
  }
  const char* outputName = "s";
  OrtValue* out = nullptr;
  Ort::ThrowOnError(api.Run(session, nullptr, nullptr, nullptr, 0, &outputName, 1, &out));
  return out;
}

}  // namespace ortex
