// Where the server's TLS certificate comes from: the configured cert/key files, or on the
// embedded default a local CA and a localhost server certificate generated under
// <data_dir>/tls/ on first start and reused afterwards.
#pragma once

#include <string>

#include "config/config.hpp"
#include "http/server.hpp"
#include "util/clock.hpp"
#include "util/expected.hpp"

namespace sa::app {

struct TlsSetup {
  http::TlsMaterial material;
  std::string ca_file;  // the CA clients should trust; empty when cert/key are configured
  bool generated = false;  // true when this start created the CA or the certificate
};

Expected<TlsSetup, std::string> prepare_tls(const config::Config& config, const Clock& clock);

}  // namespace sa::app
