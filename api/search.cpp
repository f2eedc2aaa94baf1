// Facet names shared by the engine, the HTTP codec and the CLI.
#include "api/search.h"

#include <algorithm>

#include "api/schema.h"

namespace haku {

const std::vector<std::string>& facet_names() {
  static const std::vector<std::string> kNames = [] {
    std::vector<std::string> names;
    for (const auto& f : schema::facets()) names.push_back(f.name);
    return names;
  }();
  return kNames;
}

bool is_facet(const std::string& name) {
  const auto& n = facet_names();
  return std::find(n.begin(), n.end(), name) != n.end();
}

}  // namespace haku
