// createSession(pathOrBytes, normalizedOptions, inlineThresholdUs, copyOutputsBelowBytes)
// → Promise<NativeSession>. ORT and ortex read the same bytes: a model given as a path is read
// once, off the JS thread, and those bytes are what ORT parses and what the header metadata
// (IR version, opsets) comes from, whatever happens to the file meanwhile; model bytes given
// by JS are copied first (JS may detach them while ORT parses), which costs less than the parse.
// A model given as bytes reads no files unless the caller names the folder of its external
// data (externalDataDirectory); external data of a path model is read from its own folder.
#pragma once
#include <napi.h>

namespace ortex {

Napi::Value CreateSession(const Napi::CallbackInfo& info);

}  // namespace ortex
