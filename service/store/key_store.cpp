#include "store/key_store.hpp"

namespace sa::store {

KeyStore::~KeyStore() = default;

}  // namespace sa::store
