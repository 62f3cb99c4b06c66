#include "ort_api.h"

#ifdef _WIN32
#include <windows.h>
#endif

namespace ortex {

std::basic_string<ORTCHAR_T> ToOrtPath(const std::string& utf8) {
#ifdef _WIN32
  int len = MultiByteToWideChar(CP_UTF8, 0, utf8.c_str(), static_cast<int>(utf8.size()), nullptr, 0);
  std::wstring out(len, L'\0');
  MultiByteToWideChar(CP_UTF8, 0, utf8.c_str(), static_cast<int>(utf8.size()), out.data(), len);
  return out;
#else
  return utf8;
#endif
}

}  // namespace ortex
