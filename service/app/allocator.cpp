#include "app/allocator.hpp"

#include <cstdlib>

#ifdef SMART_AUTH_MIMALLOC
#include <mimalloc.h>
#endif

namespace sa::app {

std::string allocator_in_use() {
#ifdef SMART_AUTH_MIMALLOC
  const int v = mi_version();  // 209 for 2.0.9
  std::string name = "mimalloc " + std::to_string(v / 100) + "." + std::to_string(v / 10 % 10) +
                     "." + std::to_string(v % 10);
  // Linking is not enough: the proof is a plain malloc() landing in mimalloc's heap.
  void* probe = std::malloc(16);
  const bool serving = probe != nullptr && mi_is_in_heap_region(probe);
  std::free(probe);
  return serving ? name : name + " (linked but not serving malloc)";
#else
  return "glibc malloc";
#endif
}

}  // namespace sa::app
