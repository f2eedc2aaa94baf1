#pragma once
// A std::istream over a gzip-compressed file (zlib), so the readers stream *.gz exports (the Statute
// Book's JSON Lines) without unpacking them first. Not thread-safe: one stream per reader.
#include <istream>
#include <memory>
#include <streambuf>
#include <string>

namespace haku {

// Whether the file starts with the gzip magic bytes 1f 8b.
bool is_gzip_file(const std::string& path);

class GzipInputStream : public std::istream {
 public:
  explicit GzipInputStream(const std::string& path);
  ~GzipInputStream() override;
  // Empty while the data decompresses cleanly; otherwise what went wrong (truncated, corrupt).
  const std::string& error() const;

 private:
  class Buffer;
  std::unique_ptr<Buffer> buffer_;
};

}  // namespace haku
