// gzip decompression as a streambuf over zlib's inflate (see gzip_stream.h).
#include "corpus/gzip_stream.h"

#include <zlib.h>

#include <array>
#include <cstdio>
#include <fstream>

namespace haku {

bool is_gzip_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  unsigned char magic[2] = {0, 0};
  in.read(reinterpret_cast<char*>(magic), 2);
  return in.gcount() == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
}

class GzipInputStream::Buffer : public std::streambuf {
 public:
  explicit Buffer(const std::string& path) : file_(path, std::ios::binary) {
    if (!file_) {
      error_ = "cannot open";
      return;
    }
    // 15 + 16: a gzip header and trailer are expected.
    if (inflateInit2(&z_, 15 + 16) != Z_OK) {
      error_ = "cannot start zlib";
      return;
    }
    started_ = true;
  }
  ~Buffer() override {
    if (started_) inflateEnd(&z_);
  }
  const std::string& error() const { return error_; }

 protected:
  int_type underflow() override {
    if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
    if (!started_ || done_) return traits_type::eof();
    while (true) {
      if (z_.avail_in == 0) {
        file_.read(in_.data(), static_cast<std::streamsize>(in_.size()));
        z_.next_in = reinterpret_cast<Bytef*>(in_.data());
        z_.avail_in = static_cast<uInt>(file_.gcount());
        if (z_.avail_in == 0) {
          if (!member_end_) error_ = "truncated gzip data";
          done_ = true;
          return traits_type::eof();
        }
      }
      if (member_end_) {
        // Another gzip member follows (concatenated files are valid gzip).
        if (inflateReset(&z_) != Z_OK) {
          error_ = "cannot restart zlib";
          done_ = true;
          return traits_type::eof();
        }
        member_end_ = false;
      }
      z_.next_out = reinterpret_cast<Bytef*>(out_.data());
      z_.avail_out = static_cast<uInt>(out_.size());
      int rc = inflate(&z_, Z_NO_FLUSH);
      if (rc == Z_STREAM_END) {
        member_end_ = true;
      } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
        error_ = std::string("corrupt gzip data: ") + (z_.msg ? z_.msg : "inflate failed");
        done_ = true;
        return traits_type::eof();
      }
      const size_t produced = out_.size() - z_.avail_out;
      if (produced > 0) {
        setg(out_.data(), out_.data(), out_.data() + produced);
        return traits_type::to_int_type(*gptr());
      }
      if (rc == Z_BUF_ERROR && z_.avail_in != 0) {
        error_ = "corrupt gzip data";
        done_ = true;
        return traits_type::eof();
      }
    }
  }

 private:
  std::ifstream file_;
  z_stream z_{};
  std::array<char, 1 << 16> in_{};
  std::array<char, 1 << 16> out_{};
  std::string error_;
  bool started_ = false;
  bool done_ = false;
  bool member_end_ = false;
};

GzipInputStream::GzipInputStream(const std::string& path)
    : std::istream(nullptr), buffer_(std::make_unique<Buffer>(path)) {
  rdbuf(buffer_.get());
  if (!buffer_->error().empty()) setstate(std::ios::badbit);
}

GzipInputStream::~GzipInputStream() = default;

const std::string& GzipInputStream::error() const { return buffer_->error(); }

}  // namespace haku
