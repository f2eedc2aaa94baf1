// libFuzzer target: the dictionary side of the translation layer (stemmers/translation.h): dictd
// numbers, dictd entries as FreeDict writes them, whole dictd files (index + dictionary), and the
// compiled translation table read back (what haku-dict-compile writes and every Searcher loads).
// The first byte picks the parser.
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "stemmers/translation.h"

namespace {

std::string g_index, g_dict;

void remove_files() {
  std::remove(g_index.c_str());
  std::remove(g_dict.c_str());
}

void write(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  const std::filesystem::path dir = std::filesystem::exists("/dev/shm") ? "/dev/shm" : std::filesystem::temp_directory_path();
  const std::string base = (dir / ("haku-fuzz-dict-" + std::to_string(::getpid()))).string();
  g_index = base + ".index";
  g_dict = base + ".dict";
  std::atexit(remove_files);
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view input(reinterpret_cast<const char*>(data + 1), size - 1);
  switch (data[0] % 4) {
    case 0: {
      const int64_t n = haku::decode_dictd_number(input);
      if (n < -1) std::abort();
      break;
    }
    case 1:
      for (const std::string& t : haku::parse_dictd_translations(input, (data[0] & 4) != 0))
        if (t.empty()) std::abort();
      break;
    case 2: {
      // The index file, a blank line, the dictionary text.
      const size_t split = input.find("\n\n");
      write(g_index, input.substr(0, split));
      write(g_dict, split == std::string_view::npos ? std::string_view() : input.substr(split + 2));
      std::vector<haku::DictdEntry> entries;
      std::string error;
      haku::read_dictd(g_index, g_dict, &entries, &error);
      break;
    }
    case 3: {
      std::string error;
      auto table = haku::TranslationTable::from_bytes(std::string(input), &error);
      if (!table) {
        if (error.empty()) std::abort();
        break;
      }
      for (const haku::Lang from : {haku::Lang::fi, haku::Lang::sv, haku::Lang::en}) {
        for (const char* word : {"koulu", "skola", "school", "turku", "", "a"}) {
          const auto terms = table->lookup(from, word);
          if (!terms.empty() && !table->contains(from, word)) std::abort();
        }
      }
      break;
    }
  }
  return 0;
}
