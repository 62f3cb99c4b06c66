// Single include point for the ONNX Runtime C/C++ API. ORT is loaded at run time
// (dlopen + Ort::InitApi), so the C++ wrapper must not look the API up on its own.
#pragma once
#define ORT_API_MANUAL_INIT
#include <onnxruntime_cxx_api.h>

#include <string>

namespace ortex {
// UTF-8 → ORT's path character type (wchar_t on Windows).
std::basic_string<ORTCHAR_T> ToOrtPath(const std::string& utf8);
}  // namespace ortex
