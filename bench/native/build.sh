#!/usr/bin/env bash
# Configure and build the C++ ceiling benchmark into bench/native/build/.
# Extra arguments go to the cmake configure step, e.g.
#   bench/native/build.sh -DORT_LIB=/path/to/libonnxruntime.so.1 -DORT_INCLUDE_DIR=/path/to/headers
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE=Release "$@"
cmake --build "$here/build" --parallel 2
echo "built $here/build/ceiling"
