// The key a per-address limit counts under. An IPv4 address is its own key; an IPv6 address
// counts by its /64 prefix, since one host is routinely handed a whole /64 and could otherwise
// step around any per-address limit. Anything unparsable is used as given.
#pragma once

#include <string>
#include <string_view>

namespace sa::ratelimit {

std::string address_key(std::string_view ip);

}  // namespace sa::ratelimit
