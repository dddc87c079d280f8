// Reading PEM files and writing secrets to disk: writes go to a 0600 temporary file in the same
// directory, are fsync'd, then renamed over the target, so readers see the old or the new
// content, never a torn or world-readable file. No locking between concurrent writers.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace sa::crypto {

enum class FileStatus { Ok, NotFound, TooLarge, ReadFailed, OpenFailed, WriteFailed, RenameFailed };
std::string_view to_string(FileStatus s);

inline constexpr std::size_t kMaxPemFileBytes = 1024 * 1024;

Expected<std::string, FileStatus> load_pem_file(const std::string& path);
FileStatus write_file_private(const std::string& path, std::string_view content);

}  // namespace sa::crypto
