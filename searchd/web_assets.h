#pragma once
// The demo search page and widget (searchd/web/), embedded into the binary at build time by
// embed_web.cmake. Immutable data; thread-safe.
#include <span>
#include <string_view>

namespace haku {

struct WebAsset {
  std::string_view path;          // URL path, e.g. "/" or "/widget/v1/haku.js"
  std::string_view content_type;
  std::string_view body;
};

std::span<const WebAsset> web_assets();

}  // namespace haku
