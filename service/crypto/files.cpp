#include "crypto/files.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <utility>
#include <vector>

namespace sa::crypto {
namespace {

// Closes a POSIX descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }

 private:
  int fd_;
};

bool write_all(int fd, std::string_view content) {
  while (!content.empty()) {
    ssize_t n = ::write(fd, content.data(), content.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    content.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

std::string parent_dir(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

std::string_view to_string(FileStatus s) {
  switch (s) {
    case FileStatus::Ok:
      return "ok";
    case FileStatus::NotFound:
      return "file not found";
    case FileStatus::TooLarge:
      return "file too large";
    case FileStatus::ReadFailed:
      return "read failed";
    case FileStatus::OpenFailed:
      return "could not create file";
    case FileStatus::WriteFailed:
      return "write failed";
    case FileStatus::RenameFailed:
      return "rename failed";
  }
  return "unknown";
}

Expected<std::string, FileStatus> load_pem_file(const std::string& path) {
  Fd fd{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (fd.get() < 0) {
    return unexpected(errno == ENOENT ? FileStatus::NotFound : FileStatus::ReadFailed);
  }
  std::string out;
  std::vector<char> buf(16 * 1024);
  for (;;) {
    ssize_t n = ::read(fd.get(), buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return unexpected(FileStatus::ReadFailed);
    if (n == 0) return out;
    if (out.size() + static_cast<std::size_t>(n) > kMaxPemFileBytes) {
      return unexpected(FileStatus::TooLarge);
    }
    out.append(buf.data(), static_cast<std::size_t>(n));
  }
}

FileStatus write_file_private(const std::string& path, std::string_view content) {
  // Same directory as the target so rename() is atomic (same filesystem).
  std::string tmp = path + ".tmpXXXXXX";
  Fd fd{::mkstemp(tmp.data())};  // creates with mode 0600
  if (fd.get() < 0) return FileStatus::OpenFailed;
  auto abandon = [&tmp](FileStatus s) {
    ::unlink(tmp.c_str());
    return s;
  };
  if (::fchmod(fd.get(), S_IRUSR | S_IWUSR) != 0) return abandon(FileStatus::OpenFailed);
  if (!write_all(fd.get(), content) || ::fsync(fd.get()) != 0) {
    return abandon(FileStatus::WriteFailed);
  }
  if (::close(fd.release()) != 0) return abandon(FileStatus::WriteFailed);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return abandon(FileStatus::RenameFailed);
  // Persist the rename itself; failure here leaves a correct file, so it is not an error.
  Fd dir{::open(parent_dir(path).c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC)};
  if (dir.get() >= 0) (void)::fsync(dir.get());
  return FileStatus::Ok;
}

}  // namespace sa::crypto
