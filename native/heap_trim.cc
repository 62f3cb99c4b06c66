#include "heap_trim.h"

#if defined(__linux__)
#include <dlfcn.h>
#endif

#include "stats.h"

namespace ortex {
namespace {

using MallocTrim = int (*)(size_t pad);

MallocTrim FindMallocTrim() {
#if defined(__linux__)
  static const MallocTrim trim = reinterpret_cast<MallocTrim>(dlsym(RTLD_DEFAULT, "malloc_trim"));
  return trim;
#else
  return nullptr;
#endif
}

}  // namespace

void TrimHeap() {
  if (MallocTrim trim = FindMallocTrim()) {
    trim(0);
    GlobalStats().heapTrims++;
  }
}

}  // namespace ortex
