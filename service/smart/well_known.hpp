// Handlers for the public, cacheable documents under /.well-known/: the discovery documents
// (fixed at start-up) and the JWKS (a snapshot of the key ring on every request).
#pragma once

#include <string>

#include "http/router.hpp"
#include "keys/key_ring.hpp"

namespace sa::smart {

// SMART App Launch 2.2 Conformance: served as application/json whatever the Accept header.
http::Handler json_document_endpoint(std::string document);
http::Handler jwks_endpoint(const keys::KeyRing& keys);

}  // namespace sa::smart
