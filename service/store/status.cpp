#include "store/status.hpp"

namespace sa::store {

std::string_view to_string(StoreStatus status) {
  switch (status) {
    case StoreStatus::ok:
      return "ok";
    case StoreStatus::not_found:
      return "not_found";
    case StoreStatus::conflict:
      return "conflict";
    case StoreStatus::constraint:
      return "constraint";
    case StoreStatus::busy:
      return "busy";
    case StoreStatus::io_error:
      return "io_error";
    case StoreStatus::closed:
      return "closed";
  }
  return "unknown";  // unreachable: the switch is exhaustive, -Wswitch enforces it
}

}  // namespace sa::store
