// Hands memory that the C allocator holds free back to the OS. glibc gives every thread that
// allocates its own malloc arena, raises its mmap threshold after large frees (so later large
// blocks come from those arenas too), and returns freed arena memory to the OS only from the top
// of a heap: a session loaded on one thread, run on others and freed on a third leaves its pages
// resident in several arenas, and RSS climbs with every create/release cycle (docs/memory.md).
// malloc_trim() releases the free pages of every arena. Looked up at run time, so builds for other
// C libraries (musl, macOS, Windows) load and simply skip it.
#pragma once

namespace ortex {

// Trims every arena (a no-op where glibc's malloc_trim does not exist). Takes each arena's lock in turn
// (a few ms for a few hundred MB of heap): call it off the JS thread, after freeing a lot at once.
void TrimHeap();

}  // namespace ortex
