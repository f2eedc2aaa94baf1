// Hits: stored record, score and snippet (see hits.h).
#include "api/hits.h"

#include <algorithm>

#include "api/document_builder.h"

namespace haku {

namespace {

// The best snippet of a record: its description, else a translation's, else (with no description) the
// title, whichever has a marked word first.
std::string snippet_for(Analyzer& analyzer, const Project& p, const SnippetTerms& terms, size_t bytes) {
  std::string best;
  auto consider = [&](const std::string& text, std::vector<Lang> langs) {
    if (text.empty()) return;
    std::string s = make_snippet(analyzer, text, langs, terms, bytes);
    if (best.empty() || (best.find("<mark>") == std::string::npos && s.find("<mark>") != std::string::npos))
      best = std::move(s);
  };
  consider(p.description, record_langs(p));
  for (const auto& [code, tr] : p.translations) {
    if (best.find("<mark>") != std::string::npos) break;
    auto l = parse_lang(code);
    consider(tr.description, l ? std::vector<Lang>{*l} : record_langs(p));
  }
  if (best.find("<mark>") == std::string::npos) {
    std::string t = make_snippet(analyzer, p.title, record_langs(p), terms, bytes);
    if (t.find("<mark>") != std::string::npos && p.description.empty()) best = t;
  }
  return best;
}

// The document whose terms tell which of the query's terms the record matched. A record on a remote
// shard is analysed again here, by the indexer's own DocumentBuilder, from its stored data: its
// termlist would be a round trip in which xapian-tcpsrv looks up and sends every term's frequency
// (about 3.5 ms a hit at ~1,300 terms), and the analysis gives the terms the indexer wrote.
Xapian::Document terms_source(SearchContext& ctx, const Xapian::Document& doc, Xapian::docid docid,
                              const Project& stored) {
  const std::vector<ShardSpec>& shards = ctx.gen().shards().shards;
  if (ctx.gen().all_local() || shards.empty() || docid == 0 || !shards[(docid - 1) % shards.size()].remote())
    return doc;
  const std::vector<std::string>& f = ctx.gen().features();
  const bool full = std::find(f.begin(), f.end(), "finnish_morphology") != f.end() ||
                    std::find(f.begin(), f.end(), "swedish_compounds") != f.end();
  Project p = stored;
  return DocumentBuilder(ctx.analyzer, full).build(p, nullptr);
}

}  // namespace

Project load_project(const Xapian::Document& doc) {
  Project p;
  std::string err;
  project_from_json(doc.get_data(), &p, &err);
  return p;
}

std::vector<Lang> record_langs(const Project& p) {
  if (auto l = parse_lang(p.lang)) return {*l};
  return {Lang::fi, Lang::sv, Lang::en};
}

Hit make_hit(SearchContext& ctx, const Xapian::Document& doc, Xapian::docid docid, double score,
             const Xapian::Query& marks, size_t snippet_bytes) {
  Hit h;
  h.project = load_project(doc);
  h.id = h.project.id;
  h.score = score;
  h.matched_lang = h.project.lang;
  // Past the deadline: the opening of the description, without looking for the query's words.
  const bool marked = !marks.empty() && ctx.may_run("snippets");
  h.snippet = marked ? snippet_for(ctx.analyzer, h.project, SnippetTerms(matched_terms(marks, terms_source(ctx, doc, docid, h.project))), snippet_bytes)
                     : std::string();
  if (h.snippet.empty() && !h.project.description.empty())
    h.snippet = make_snippet(ctx.analyzer, h.project.description, record_langs(h.project), SnippetTerms({}),
                             snippet_bytes);
  return h;
}

}  // namespace haku
