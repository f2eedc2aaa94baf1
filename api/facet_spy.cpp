// FacetSpy: facet value counting over a whole match.
#include "api/facet_spy.h"

#include "api/schema.h"

namespace haku {

void FacetSpy::operator()(const Xapian::Document& doc, double) {
  for (size_t i = 0; i < slots_.size(); ++i) {
    const std::string v = doc.get_value(slots_[i]);
    if (v.empty()) continue;
    size_t start = 0;
    while (true) {
      size_t sep = v.find(schema::kFacetSeparator, start);
      ++counts_[i][v.substr(start, sep == std::string::npos ? std::string::npos : sep - start)];
      if (sep == std::string::npos) break;
      start = sep + 1;
    }
  }
}

}  // namespace haku
