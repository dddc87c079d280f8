// Which allocator serves malloc and operator new in this process. Release builds link mimalloc
// (Debian's libmimalloc2.0) ahead of the C library, so it replaces glibc's malloc for the
// service, OpenSSL and SQLite alike: a token request makes some 300 allocations, and glibc's
// free path was 9 % of its instructions (README "Benchmarks"). Sanitizer builds keep glibc's,
// which ASan must intercept. The serve command logs the answer at startup.
#pragma once

#include <string>

namespace sa::app {

// "mimalloc 2.0.9", "glibc malloc", or "mimalloc 2.0.9 (linked but not serving malloc)" when the
// dynamic linker bound malloc elsewhere (a preloaded allocator, say).
std::string allocator_in_use();

}  // namespace sa::app
