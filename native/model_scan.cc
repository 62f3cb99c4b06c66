#include "model_scan.h"

namespace ortex {
namespace {

// Subgraphs nest through node attributes; deeper than this is treated as malformed.
constexpr int kMaxDepth = 64;
constexpr int kWireVarint = 0, kWireFixed64 = 1, kWireBytes = 2, kWireFixed32 = 5;
constexpr uint64_t kDataLocationExternal = 1;

// A bounded view of protobuf wire data. Any read past the end marks it failed.
struct Reader {
  const uint8_t* p;
  const uint8_t* end;
  bool ok = true;

  bool more() const { return ok && p < end; }
  uint64_t Varint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (p >= end) break;
      uint8_t b = *p++;
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    ok = false;
    return 0;
  }
  Reader Bytes() {
    uint64_t n = Varint();
    if (!ok || n > static_cast<uint64_t>(end - p)) {
      ok = false;
      return Reader{end, end, false};
    }
    Reader r{p, p + n};
    p += n;
    return r;
  }
  void Skip(int wire) {
    if (wire == kWireVarint) {
      Varint();
    } else if (wire == kWireBytes) {
      Bytes();
    } else if (wire == kWireFixed64 || wire == kWireFixed32) {
      size_t n = wire == kWireFixed64 ? 8 : 4;
      if (static_cast<size_t>(end - p) < n)
        ok = false;
      else
        p += n;
    } else {
      ok = false;  // groups (3, 4) and invalid wire types: not in ONNX
    }
  }
  std::string String() {
    Reader r = Bytes();
    return ok ? std::string(reinterpret_cast<const char*>(r.p), r.end - r.p) : std::string();
  }
};

// Walks `r` field by field: `onField(field, wire, r)` consumes the fields it knows and returns
// true; everything else is skipped. Returns false when the message is malformed.
template <typename OnField>
bool Fields(Reader& r, OnField onField) {
  while (r.more()) {
    uint64_t key = r.Varint();
    int field = static_cast<int>(key >> 3), wire = static_cast<int>(key & 7);
    if (!r.ok || field == 0) return false;
    if (!onField(field, wire, r)) r.Skip(wire);
  }
  return r.ok;
}

class Scanner {
 public:
  explicit Scanner(ModelScan& out) : out_(out) {}

  bool Model(Reader r) {
    return Fields(r, [&](int field, int wire, Reader& in) {
      if (field == 1 && wire == kWireVarint) return out_.irVersion = static_cast<int64_t>(in.Varint()), true;
      if (wire != kWireBytes) return false;
      switch (field) {
        case 3: return out_.producerVersion = in.String(), true;
        case 7: return Nested(in, &Scanner::Graph);
        case 8: return Opset(in.Bytes());
        case 20: return Nested(in, &Scanner::TrainingInfo);
        case 25: return Nested(in, &Scanner::Function);
        default: return false;
      }
    });
  }

 private:
  // Parses the length-delimited field at `in` with `parse`, one level deeper.
  bool Nested(Reader& in, bool (Scanner::*parse)(Reader)) {
    Reader sub = in.Bytes();
    if (!in.ok || ++depth_ > kMaxDepth || !(this->*parse)(sub)) failed_ = true;
    --depth_;
    return true;
  }

  bool Opset(Reader r) {
    std::pair<std::string, int64_t> opset{"", 0};
    bool ok = Fields(r, [&](int field, int wire, Reader& in) {
      if (field == 1 && wire == kWireBytes) return opset.first = in.String(), true;
      if (field == 2 && wire == kWireVarint) return opset.second = static_cast<int64_t>(in.Varint()), true;
      return false;
    });
    if (!ok) failed_ = true;
    out_.opsets.push_back(std::move(opset));
    return true;
  }

  bool Graph(Reader r) {
    return Fields(r, [&](int field, int wire, Reader& in) {
      if (wire != kWireBytes) return false;
      if (field == 1) return Nested(in, &Scanner::Node);
      if (field == 5) return Nested(in, &Scanner::Tensor);
      if (field == 15) return Nested(in, &Scanner::SparseTensor);
      return false;
    });
  }

  bool Node(Reader r) {
    return Fields(r, [&](int field, int wire, Reader& in) {
      return field == 5 && wire == kWireBytes && Nested(in, &Scanner::Attribute);
    });
  }

  bool Attribute(Reader r) {
    return Fields(r, [&](int field, int wire, Reader& in) {
      if (wire != kWireBytes) return false;
      switch (field) {
        case 5:
        case 10: return Nested(in, &Scanner::Tensor);
        case 6:
        case 11: return Nested(in, &Scanner::Graph);
        case 22:
        case 23: return Nested(in, &Scanner::SparseTensor);
        default: return false;
      }
    });
  }

  bool Function(Reader r) {
    return Fields(r, [&](int field, int wire, Reader& in) {
      if (wire != kWireBytes) return false;
      if (field == 7) return Nested(in, &Scanner::Node);
      if (field == 11) return Nested(in, &Scanner::Attribute);
      return false;
    });
  }

  bool TrainingInfo(Reader r) {
    return Fields(r, [&](int field, int wire, Reader& in) {
      return (field == 1 || field == 2) && wire == kWireBytes && Nested(in, &Scanner::Graph);
    });
  }

  bool SparseTensor(Reader r) {
    return Fields(r, [&](int field, int wire, Reader& in) {
      return (field == 1 || field == 2) && wire == kWireBytes && Nested(in, &Scanner::Tensor);
    });
  }

  bool Tensor(Reader r) {
    bool external = false;
    std::string location;
    bool ok = Fields(r, [&](int field, int wire, Reader& in) {
      if (field == 14 && wire == kWireVarint) return external = in.Varint() == kDataLocationExternal, true;
      if (field == 13 && wire == kWireBytes) {
        std::string key, value;
        Reader entry = in.Bytes();
        bool entryOk = Fields(entry, [&](int f, int w, Reader& e) {
          if (f == 1 && w == kWireBytes) return key = e.String(), true;
          if (f == 2 && w == kWireBytes) return value = e.String(), true;
          return false;
        });
        if (!entryOk) failed_ = true;
        if (key == "location") location = value;
        return true;
      }
      return false;
    });
    if (external) out_.externalDataLocations.push_back(location);
    return ok;
  }

 public:
  bool failed_ = false;

 private:
  ModelScan& out_;
  int depth_ = 0;
};

}  // namespace

ModelScan ScanModel(const uint8_t* data, size_t size) {
  ModelScan scan;
  Scanner scanner(scan);
  bool ok = scanner.Model(Reader{data, data + size});
  scan.parsed = ok && !scanner.failed_;
  return scan;
}

}  // namespace ortex
