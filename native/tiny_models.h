// Tiny ONNX graphs built in memory for what the C API cannot do directly: empty sequences (a
// SequenceEmpty graph per element type, cached for the life of the process) and device-to-host
// copies (an Identity graph run with IO binding).
#pragma once
#include <string>

#include "ort_api.h"

namespace ortex {

// Returns a new, empty sequence of tensors of ONNX element type `elementType`.
// Throws Ort::Exception on failure.
OrtValue* CreateEmptySequence(int elementType);

// Serialized ModelProto of one Identity node over tensors of `elementType` with any shape
// (used to copy device-resident tensors back to the host through the provider that owns them).
std::string IdentityModel(int elementType);

}  // namespace ortex
