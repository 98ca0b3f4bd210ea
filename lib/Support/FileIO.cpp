//===- FileIO.cpp - Whole-file reads and atomic writes --------------------===//

#include "qforge/Support/FileIO.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

bool qforge::readFileBytes(const std::string &path, std::string &bytes,
                           std::string &error) {
  FILE *f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = path + ": cannot open: " + std::strerror(errno);
    return false;
  }
  bytes.clear();
  char buffer[1 << 16];
  size_t n;
  while ((n = std::fread(buffer, 1, sizeof(buffer), f)) > 0)
    bytes.append(buffer, n);
  bool failed = std::ferror(f);
  int savedErrno = errno;
  std::fclose(f);
  if (failed) {
    error = path + ": cannot read: " + std::strerror(savedErrno);
    return false;
  }
  return true;
}

bool qforge::writeFileAtomically(const std::string &path,
                                 std::string_view bytes, std::string &error) {
  std::string tmp = path + ".tmp-XXXXXX";
  int fd = ::mkstemp(tmp.data());
  if (fd < 0) {
    error = path + ": cannot create a temporary file next to it: " +
            std::strerror(errno);
    return false;
  }
  auto failAndClean = [&](const char *what) {
    error = path + ": cannot " + what + ": " + std::strerror(errno);
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  };
  // mkstemp creates the file 0600; give it the permissions a plain create
  // would have.
  mode_t mask = ::umask(0);
  ::umask(mask);
  if (::fchmod(fd, 0666 & ~mask) != 0)
    return failAndClean("set permissions");
  const char *p = bytes.data();
  size_t left = bytes.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return failAndClean("write");
    p += n;
    left -= static_cast<size_t>(n);
  }
  if (::close(fd) != 0) {
    error = path + ": cannot write: " + std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    error = path + ": cannot rename the temporary file into place: " +
            std::strerror(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}
