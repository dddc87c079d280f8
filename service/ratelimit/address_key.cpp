#include "ratelimit/address_key.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <array>

namespace sa::ratelimit {

std::string address_key(std::string_view ip) {
  const std::string text(ip);
  std::array<unsigned char, 16> bytes{};
  if (inet_pton(AF_INET6, text.c_str(), bytes.data()) != 1) return text;
  // IPv4-mapped (::ffff:a.b.c.d, RFC 4291 §2.5.5.2): the IPv4 address is the key.
  constexpr std::array<unsigned char, 12> kMapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::equal(kMapped.begin(), kMapped.end(), bytes.begin())) {
    char v4[INET_ADDRSTRLEN] = {};
    inet_ntop(AF_INET, bytes.data() + 12, v4, sizeof v4);
    return v4;
  }
  std::fill(bytes.begin() + 8, bytes.end(), 0);  // keep the /64 prefix
  char v6[INET6_ADDRSTRLEN] = {};
  inet_ntop(AF_INET6, bytes.data(), v6, sizeof v6);
  return std::string(v6) + "/64";
}

}  // namespace sa::ratelimit
