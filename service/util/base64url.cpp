#include "util/base64url.hpp"

#include <array>

namespace sa {
namespace {

constexpr std::string_view kStd =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

std::string encode(std::string_view in, std::string_view alphabet, bool pad) {
  // Written in place: a JWT's header, payload and signature go through here for every token.
  const std::size_t full = in.size() / 3;
  const std::size_t rest = in.size() - full * 3;
  std::size_t size = full * 4;
  if (rest != 0) size += pad ? 4 : rest + 1;
  std::string out(size, '=');
  char* o = out.data();
  auto byte = [&](std::size_t k) {
    return static_cast<std::uint32_t>(static_cast<std::uint8_t>(in[k]));
  };
  std::size_t i = 0;
  for (; i + 3 <= in.size(); i += 3) {
    const std::uint32_t n = (byte(i) << 16) | (byte(i + 1) << 8) | byte(i + 2);
    *o++ = alphabet[(n >> 18) & 63];
    *o++ = alphabet[(n >> 12) & 63];
    *o++ = alphabet[(n >> 6) & 63];
    *o++ = alphabet[n & 63];
  }
  if (rest != 0) {
    const std::uint32_t n = (byte(i) << 16) | (rest == 2 ? byte(i + 1) << 8 : 0);
    *o++ = alphabet[(n >> 18) & 63];
    *o++ = alphabet[(n >> 12) & 63];
    if (rest == 2) *o++ = alphabet[(n >> 6) & 63];
  }
  return out;  // any padding is the '=' the string was made of
}

// Each character's 6-bit value in the alphabet, or -1.
constexpr std::array<int, 256> decoding_table(std::string_view alphabet) {
  std::array<int, 256> table{};
  table.fill(-1);
  for (std::size_t k = 0; k < alphabet.size(); ++k) {
    table[static_cast<std::uint8_t>(alphabet[k])] = static_cast<int>(k);
  }
  return table;
}
constexpr std::array<int, 256> kStdTable = decoding_table(kStd);
constexpr std::array<int, 256> kUrlTable = decoding_table(kUrl);

std::optional<std::string> decode(std::string_view in, const std::array<int, 256>& table) {
  if (in.size() % 4 == 1) return std::nullopt;
  std::string out;
  out.reserve(in.size() * 3 / 4);
  std::uint32_t acc = 0;
  int bits = 0;
  for (char c : in) {
    int v = table[static_cast<std::uint8_t>(c)];
    if (v < 0) return std::nullopt;
    acc = (acc << 6) | static_cast<std::uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xFF);
    }
  }
  // Non-canonical encodings (leftover bits set) are rejected so each value has one spelling.
  if (bits > 0 && (acc & ((1u << bits) - 1)) != 0) return std::nullopt;
  return out;
}

std::string_view as_chars(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

std::string base64url_encode(std::span<const std::uint8_t> bytes) {
  return encode(as_chars(bytes), kUrl, false);
}
std::string base64url_encode(std::string_view bytes) { return encode(bytes, kUrl, false); }
std::optional<std::string> base64url_decode(std::string_view text) {
  return decode(text, kUrlTable);
}

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  return encode(as_chars(bytes), kStd, true);
}
std::string base64_encode(std::string_view bytes) { return encode(bytes, kStd, true); }
std::optional<std::string> base64_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  std::size_t pad = 0;
  while (pad < 2 && pad < text.size() && text[text.size() - 1 - pad] == '=') ++pad;
  return decode(text.substr(0, text.size() - pad), kStdTable);
}

}  // namespace sa
