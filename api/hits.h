#pragma once
// Hits: a matched document as the API shows it — the stored record, its score and a snippet with the
// query's words marked. Used by every ranking (keyword, fused, more-like-this). Not thread-safe (uses
// the request's Analyzer).
#include <xapian.h>

#include <string>
#include <vector>

#include "api/search.h"
#include "api/search_context.h"
#include "api/snippet.h"

namespace haku {

// The record stored as a document's data.
Project load_project(const Xapian::Document& doc);

// The languages a record's text is analysed in: its own, else all three.
std::vector<Lang> record_langs(const Project& p);

// A hit for `doc` with `score`; the snippet marks the words through which `marks` matches the record
// (matched_terms; none when `marks` is empty: the opening of the description then).
// `docid`: the document's docid in the database searched (ctx.db), which names its shard.
Hit make_hit(SearchContext& ctx, const Xapian::Document& doc, Xapian::docid docid, double score,
             const Xapian::Query& marks, size_t snippet_bytes);

}  // namespace haku
