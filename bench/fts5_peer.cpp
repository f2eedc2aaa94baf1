#include "bench/fts5_peer.h"

#include <sqlite3.h>

#include <chrono>
#include <filesystem>
#include <map>

#include "api/schema.h"
#include "corpus/reader.h"

namespace haku::bench {

namespace {

namespace fs = std::filesystem;

// Owns a prepared statement.
struct Statement {
  sqlite3_stmt* stmt = nullptr;
  Statement() = default;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement() { sqlite3_finalize(stmt); }
};

bool exec(sqlite3* db, const std::string& sql, std::string* error) {
  char* message = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
    *error = "sqlite: " + std::string(message ? message : "error") + " in: " + sql;
    sqlite3_free(message);
    return false;
  }
  return true;
}

bool prepare(sqlite3* db, const std::string& sql, Statement* out, std::string* error) {
  if (sqlite3_prepare_v3(db, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &out->stmt, nullptr) != SQLITE_OK) {
    *error = "sqlite: " + std::string(sqlite3_errmsg(db)) + " in: " + sql;
    return false;
  }
  return true;
}

void bind_text(sqlite3_stmt* stmt, int index, const std::string& text) {
  sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

// Single-valued facets live in columns of `attrs` named like the facet; multi-valued ones in rows of
// `attr_multi`.
std::vector<const schema::FacetSpec*> single_facets() {
  std::vector<const schema::FacetSpec*> out;
  for (const auto& spec : schema::facets())
    if (!spec.multi) out.push_back(&spec);
  return out;
}

std::string join_texts(const std::string& own, const Project& p, bool title) {
  std::string text = own;
  for (const auto& [lang, t] : p.translations) text += "\n" + (title ? t.title : t.description);
  return text;
}

std::string join_list(const std::vector<std::string>& items) {
  std::string text;
  for (const auto& item : items) text += (text.empty() ? "" : "\n") + item;
  return text;
}

}  // namespace

std::string fts5_match_expression(const std::string& q) {
  std::string out, word;
  auto flush = [&] {
    if (word.empty()) return;
    std::string quoted = "\"";
    for (char c : word) quoted += (c == '"') ? std::string("\"\"") : std::string(1, c);
    out += (out.empty() ? "" : " ") + quoted + "\"";
    word.clear();
  };
  for (char c : q) {
    if (c == ' ' || c == '\t' || c == '\n') {
      flush();
    } else {
      word += c;
    }
  }
  flush();
  return out;
}

bool fts5_load(const std::string& source, const std::string& db_path, Fts5LoadReport* report, std::string* error) {
  const auto t0 = std::chrono::steady_clock::now();
  std::error_code ec;
  fs::remove(db_path, ec);
  sqlite3* db = nullptr;
  if (sqlite3_open(db_path.c_str(), &db) != SQLITE_OK) {
    *error = "sqlite: cannot open " + db_path;
    sqlite3_close(db);
    return false;
  }
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> owner(db, sqlite3_close);
  std::string columns, placeholders;
  for (const auto* spec : single_facets()) {
    columns += ", " + spec->name + " TEXT";
    placeholders += ", ?";
  }
  const bool ok =
      exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;", error) &&
      exec(db,
           "CREATE VIRTUAL TABLE docs USING fts5(title, description, implementer, places, themes, "
           "tokenize='unicode61 remove_diacritics 0')",
           error) &&
      exec(db, "CREATE TABLE attrs(rowid INTEGER PRIMARY KEY, id TEXT" + columns + ")", error) &&
      exec(db, "CREATE TABLE attr_multi(rowid INTEGER, facet TEXT, value TEXT)", error) &&
      exec(db, "BEGIN", error);
  if (!ok) return false;
  Statement doc, attr, multi;
  if (!prepare(db, "INSERT INTO docs(rowid, title, description, implementer, places, themes) VALUES (?,?,?,?,?,?)",
               &doc, error) ||
      !prepare(db, "INSERT INTO attrs VALUES (?, ?" + placeholders + ")", &attr, error) ||
      !prepare(db, "INSERT INTO attr_multi VALUES (?, ?, ?)", &multi, error))
    return false;

  CorpusReader reader;
  sqlite3_int64 rowid = 0;
  std::string failure;
  auto on_record = [&](Project&& p, const SourceLocation&) {
    if (!failure.empty()) return;
    ++rowid;
    sqlite3_bind_int64(doc.stmt, 1, rowid);
    bind_text(doc.stmt, 2, join_texts(p.title, p, true));
    bind_text(doc.stmt, 3, join_texts(p.description, p, false));
    bind_text(doc.stmt, 4, p.implementer);
    bind_text(doc.stmt, 5, join_list(p.places) + "\n" + p.region_name);
    bind_text(doc.stmt, 6, join_list(p.themes));
    if (sqlite3_step(doc.stmt) != SQLITE_DONE) failure = sqlite3_errmsg(db);
    sqlite3_reset(doc.stmt);
    sqlite3_bind_int64(attr.stmt, 1, rowid);
    bind_text(attr.stmt, 2, p.id);
    int column = 3;
    for (const auto* spec : single_facets()) {
      const auto values = schema::facet_values(*spec, p);
      if (values.empty()) {
        sqlite3_bind_null(attr.stmt, column++);
      } else {
        bind_text(attr.stmt, column++, values.front());
      }
    }
    if (sqlite3_step(attr.stmt) != SQLITE_DONE) failure = sqlite3_errmsg(db);
    sqlite3_reset(attr.stmt);
    for (const auto& spec : schema::facets()) {
      if (!spec.multi) continue;
      for (const auto& value : schema::facet_values(spec, p)) {
        sqlite3_bind_int64(multi.stmt, 1, rowid);
        bind_text(multi.stmt, 2, spec.name);
        bind_text(multi.stmt, 3, value);
        if (sqlite3_step(multi.stmt) != SQLITE_DONE) failure = sqlite3_errmsg(db);
        sqlite3_reset(multi.stmt);
      }
    }
  };
  auto on_diagnostic = [](const Diagnostic&) {};
  if (!reader.read(source, on_record, on_diagnostic)) {
    *error = source + ": cannot be read";
    return false;
  }
  if (!failure.empty()) {
    *error = "sqlite: " + failure;
    return false;
  }
  std::string indexes;
  for (const auto* spec : single_facets())
    indexes += "CREATE INDEX attrs_" + spec->name + " ON attrs(" + spec->name + ");";
  if (!exec(db, "COMMIT", error) || !exec(db, indexes, error) ||
      !exec(db, "CREATE INDEX attr_multi_fv ON attr_multi(facet, value, rowid)", error) ||
      !exec(db, "INSERT INTO docs(docs) VALUES('optimize')", error) || !exec(db, "ANALYZE", error))
    return false;
  owner.reset();
  report->records = static_cast<uint64_t>(rowid);
  report->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  report->size_bytes = fs::file_size(db_path, ec);
  return true;
}

struct Fts5Peer::Impl {
  sqlite3* db = nullptr;
  std::map<std::string, std::unique_ptr<Statement>> statements;  // by SQL text

  ~Impl() {
    statements.clear();
    sqlite3_close(db);
  }

  sqlite3_stmt* statement(const std::string& sql, std::string* error) {
    auto& slot = statements[sql];
    if (!slot) {
      auto fresh = std::make_unique<Statement>();
      if (!prepare(db, sql, fresh.get(), error)) {
        statements.erase(sql);
        return nullptr;
      }
      slot = std::move(fresh);
    }
    sqlite3_reset(slot->stmt);
    sqlite3_clear_bindings(slot->stmt);
    return slot->stmt;
  }
};

Fts5Peer::Fts5Peer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Fts5Peer::~Fts5Peer() = default;

std::unique_ptr<Fts5Peer> Fts5Peer::open(const std::string& db_path, std::string* error) {
  auto impl = std::make_unique<Impl>();
  if (sqlite3_open_v2(db_path.c_str(), &impl->db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    *error = "sqlite: cannot open " + db_path;
    return nullptr;
  }
  return std::unique_ptr<Fts5Peer>(new Fts5Peer(std::move(impl)));
}

int Fts5Peer::search(const MixQuery& query, const Params& params, std::string* error) {
  const std::string match = fts5_match_expression(query.q);
  if (match.empty()) return 0;
  const auto filters = filters_by_facet(params);
  // WHERE clause for the filters, optionally leaving one facet out; values are bound in order.
  auto where = [&](const std::string& except, std::vector<std::string>* binds) -> std::string {
    std::string sql;
    for (const auto& [facet, values] : filters) {
      if (facet == except) continue;
      const schema::FacetSpec* spec = schema::find_facet(facet);
      if (!spec) continue;
      std::string list;
      for (const auto& v : values) {
        list += list.empty() ? "?" : ", ?";
        binds->push_back(v);
      }
      if (spec->multi) {
        binds->insert(binds->end() - static_cast<long>(values.size()), facet);
        sql += " AND a.rowid IN (SELECT rowid FROM attr_multi WHERE facet = ? AND value IN (" + list + "))";
      } else {
        sql += " AND a." + facet + " IN (" + list + ")";
      }
    }
    return sql;
  };
  auto run = [&](const std::string& sql, const std::vector<std::string>& binds, int* rows) -> bool {
    sqlite3_stmt* stmt = impl_->statement(sql, error);
    if (!stmt) return false;
    bind_text(stmt, 1, match);
    for (size_t i = 0; i < binds.size(); ++i) bind_text(stmt, static_cast<int>(i) + 2, binds[i]);
    int rc;
    *rows = 0;
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) ++*rows;
    if (rc != SQLITE_DONE) {
      *error = "sqlite: " + std::string(sqlite3_errmsg(impl_->db));
      return false;
    }
    return true;
  };

  std::vector<std::string> binds;
  const std::string top =
      "SELECT a.id FROM docs JOIN attrs a ON a.rowid = docs.rowid WHERE docs MATCH ?" + where("", &binds) +
      " ORDER BY bm25(docs, 3.0, 1.0, 1.0, 1.0, 1.0) LIMIT 10";
  int hits = 0;
  if (!run(top, binds, &hits)) return -1;
  for (const auto& facet : facet_list(params)) {
    const schema::FacetSpec* spec = schema::find_facet(facet);
    if (!spec) continue;
    std::vector<std::string> facet_binds;
    std::string sql;
    if (spec->multi) {
      sql = "SELECT m.value, count(*) FROM docs JOIN attrs a ON a.rowid = docs.rowid JOIN attr_multi m ON "
            "m.rowid = docs.rowid AND m.facet = '" + facet + "' WHERE docs MATCH ?" + where(facet, &facet_binds) +
            " GROUP BY m.value";
    } else {
      sql = "SELECT a." + facet + ", count(*) FROM docs JOIN attrs a ON a.rowid = docs.rowid WHERE docs MATCH ?" +
            where(facet, &facet_binds) + " GROUP BY a." + facet;
    }
    int groups = 0;
    if (!run(sql, facet_binds, &groups)) return -1;
  }
  return hits;
}

}  // namespace haku::bench
