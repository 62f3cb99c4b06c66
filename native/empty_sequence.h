// ORT's C API cannot create an empty sequence (CreateValue needs at least one element), but a
// model can: a one-node SequenceEmpty graph per element type, built here and cached for the
// life of the process, produces one on demand.
#pragma once
#include "ort_api.h"

namespace ortex {

// Returns a new, empty sequence of tensors of ONNX element type `elementType`.
// Throws Ort::Exception on failure.
OrtValue* CreateEmptySequence(int elementType);

}  // namespace ortex
