// libFuzzer target: the corpus readers (corpus/reader.h) on arbitrary files. Built twice: as
// fuzz_jsonl (the input is a .jsonl file) and fuzz_csv (a .csv file). Every record read must be
// accepted or reported; neither may crash or hang on any bytes.
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "corpus/reader.h"

#ifndef HAKU_FUZZ_EXTENSION
#error "HAKU_FUZZ_EXTENSION (\".jsonl\" or \".csv\") must be defined"
#endif

namespace {

std::string g_file;

void remove_file() { std::remove(g_file.c_str()); }

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  // /dev/shm when there is one: a file is written per input.
  const std::filesystem::path dir = std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
  g_file = (dir / ("haku-fuzz-" + std::to_string(::getpid()) + HAKU_FUZZ_EXTENSION)).string();
  std::atexit(remove_file);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  {
    std::ofstream out(g_file, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  haku::ReaderOptions options;
  options.max_line_bytes = 64 * 1024;
  options.max_field_bytes = 16 * 1024;
  haku::CorpusReader reader(options);
  uint64_t records = 0, diagnostics = 0;
  reader.read(
      g_file, [&](haku::Project&& p, const haku::SourceLocation&) {
        if (p.id.empty()) std::abort();  // an accepted record has an id
        ++records;
      },
      [&](const haku::Diagnostic& d) {
        if (d.to_string().empty()) std::abort();
        ++diagnostics;
      });
  const haku::ReadStats& stats = reader.stats();
  if (stats.accepted != records || stats.accepted + stats.rejected > stats.read) std::abort();
  return 0;
}
