#include "keys/key_store.hpp"

namespace sa::keys {

KeyStore::~KeyStore() = default;

}  // namespace sa::keys
