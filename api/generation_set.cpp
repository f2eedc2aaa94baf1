// GenerationSet: loading, probing, swapping and releasing generations (see generation_set.h).
#include "api/generation_set.h"

#include <xapian.h>

#include <algorithm>
#include <condition_variable>
#include <cstdio>
#include <ctime>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "api/generation.h"
#include "api/generations.h"

namespace haku {

namespace {

using Clock = std::chrono::steady_clock;

// Generations kept loaded besides the served one (the one replaced last, ones a cursor named).
constexpr size_t kMaxHeld = 2;

// key=value with the value quoted when it holds spaces, quotes or control characters.
std::string log_value(const std::string& v) {
  if (!v.empty() && v.find_first_of(" \"=\\\n\r\t") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += ' ';
    } else {
      out += c;
    }
  }
  return out + "\"";
}

void stderr_log(const std::string& fields) {
  char stamp[32];
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  const std::string line = std::string("ts=") + stamp + " " + fields + "\n";
  std::fwrite(line.data(), 1, line.size(), stderr);
}

bool folder_exists(const std::string& index_dir, const std::string& name) {
  std::error_code ec;
  return std::filesystem::exists(generations::database_path(index_dir, name), ec);
}

// Runs loads on one long-lived thread. glibc gives each thread a malloc arena: loaded on whichever
// request thread noticed the switch, every generation's memory landed in another arena, and the freed
// memory of the old one stayed in its arena's free lists while the next one grew a different arena
// (the resident size rose with every publish). Loaded on one thread, a generation reuses the memory
// its predecessors gave back.
class LoaderThread {
 public:
  ~LoaderThread() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  // Runs `job` on the loader thread and waits for it (it must not throw).
  void run(const std::function<void()>& job) {
    std::unique_lock<std::mutex> lock(mu_);
    if (!thread_.joinable()) thread_ = std::thread([this] { loop(); });
    const uint64_t ticket = ++submitted_;
    jobs_.push_back(&job);
    wake_.notify_all();
    done_.wait(lock, [&] { return finished_ >= ticket; });
  }

 private:
  void loop() {
    std::unique_lock<std::mutex> lock(mu_);
    while (true) {
      wake_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
      if (jobs_.empty()) return;
      const std::function<void()>* job = jobs_.front();
      jobs_.pop_front();
      lock.unlock();
      (*job)();
      lock.lock();
      ++finished_;
      done_.notify_all();
    }
  }

  std::mutex mu_;
  std::condition_variable wake_, done_;
  std::deque<const std::function<void()>*> jobs_;
  uint64_t submitted_ = 0, finished_ = 0;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace

struct GenerationSet::Impl {
  explicit Impl(GenerationSetOptions o) : options(std::move(o)) {}

  const GenerationSetOptions options;

  mutable std::mutex mu;  // guards everything below it
  std::shared_ptr<const Generation> current;
  bool current_failed = false;
  std::optional<std::vector<Xapian::Database>> watch;  // `current`'s local shards, to notice an update made in place
  struct Held {
    std::shared_ptr<const Generation> generation;
    Clock::time_point until;
  };
  std::vector<Held> held;  // most recent first, at most kMaxHeld
  std::map<std::string, std::weak_ptr<const Generation>> in_use;  // generations requests may still hold
  std::string refused;     // the newest generation refused
  std::string reason;
  int64_t since_unix = 0;
  std::set<std::string> failed;  // generations found damaged while served
  uint64_t loads = 0, refusals = 0;

  std::mutex load_mu;  // one load at a time (taken before `mu`, never while holding it)
  LoaderThread loader;

  void log(const std::string& fields) const {
    if (options.log)
      options.log(fields);
    else
      stderr_log(fields);
  }

  // Opens and probes a generation on the loader thread.
  Result<std::shared_ptr<const Generation>> load(const std::string& name, double* ms) {
    Result<std::shared_ptr<const Generation>> out = Status::error(StatusCode::internal, "not loaded");
    const auto t0 = Clock::now();
    std::function<void()> job = [&] {
      try {
        out = Generation::open(options.index_dir, name);
      } catch (const std::exception& e) {
        out = Status::error(StatusCode::internal, std::string("loading ") + name + " failed: " + e.what());
      }
    };
    loader.run(job);
    *ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
    return out;
  }

  void expire_held(Clock::time_point now) {
    held.erase(std::remove_if(held.begin(), held.end(), [&](const Held& h) { return h.until <= now; }), held.end());
    for (auto it = in_use.begin(); it != in_use.end();) it = it->second.expired() ? in_use.erase(it) : std::next(it);
  }

  void hold(std::shared_ptr<const Generation> g, Clock::time_point now) {
    if (!g || options.previous_hold.count() <= 0) return;
    held.erase(std::remove_if(held.begin(), held.end(), [&](const Held& h) { return h.generation->name() == g->name(); }),
               held.end());
    held.insert(held.begin(), {std::move(g), now + options.previous_hold});
    if (held.size() > kMaxHeld) held.resize(kMaxHeld);
  }

  // Serves `g` (under `mu`): the one it replaces is held for its cursors.
  void serve(std::shared_ptr<const Generation> g) {
    const auto now = Clock::now();
    if (current && current->name() != g->name() && !current_failed) hold(current, now);
    current = std::move(g);
    current_failed = false;
    in_use[current->name()] = current;
    try {
      watch.emplace(current->open_local_shards());
    } catch (const Xapian::Error&) {
      watch.reset();
    }
    ++loads;
  }

  enum class Need { nothing, load, refused };
  // What DIR/current naming `name` asks for (under `mu`).
  Need need(const std::string& name, bool force) {
    if (current && current->name() == name) {
      if (force && current_failed) return Need::load;
      try {
        // Compared with the served revision, not with what reopen() says changed: a caller that saw
        // the change first may still be loading it (need() runs again under the load lock).
        if (watch) {
          if (Generation::revision_of(*watch) != current->revision()) return Need::load;
        }
      } catch (const Xapian::Error&) {
        // The served generation can no longer be reopened (removed, damaged): the next search says so.
      }
      return Need::nothing;
    }
    if (!force && (name == refused || failed.count(name))) return Need::refused;
    return Need::load;
  }
};

GenerationSet::GenerationSet(GenerationSetOptions options) : impl_(std::make_unique<Impl>(std::move(options))) {}
GenerationSet::~GenerationSet() = default;

const std::string& GenerationSet::index_dir() const { return impl_->options.index_dir; }

Result<bool> GenerationSet::check(bool force) {
  Impl& m = *impl_;
  const std::string name = generations::current(m.options.index_dir);
  std::unique_lock<std::mutex> load_lock(m.load_mu, std::defer_lock);
  {
    std::lock_guard<std::mutex> lock(m.mu);
    m.expire_held(Clock::now());
    if (name.empty()) {
      if (!m.current) return Status::error(StatusCode::unavailable, "no index is published yet");
      return false;
    }
    switch (m.need(name, force)) {
      case Impl::Need::nothing: return false;
      case Impl::Need::refused:
        if (m.current) return false;
        return Status::error(StatusCode::corrupt, m.reason);
      case Impl::Need::load: break;
    }
    // While a generation is served, a caller that finds another one loading keeps the served one.
    if (m.current && !load_lock.try_lock()) return false;
  }
  if (!load_lock.owns_lock()) load_lock.lock();
  {
    std::lock_guard<std::mutex> lock(m.mu);  // another caller may have loaded it meanwhile
    if (m.need(name, force) != Impl::Need::load) return false;
  }
  double ms = 0;
  auto loaded = m.load(name, &ms);
  std::lock_guard<std::mutex> lock(m.mu);
  if (!loaded) {
    m.refused = name;
    m.reason = loaded.status().message();
    m.since_unix = std::time(nullptr);
    ++m.refusals;
    m.log("level=error event=generation_refused generation=" + name +
          " served=" + log_value(m.current ? m.current->name() : "-") + " reason=" + log_value(m.reason));
    if (!m.current) return loaded.status();
    return false;
  }
  const std::shared_ptr<const Generation>& g = loaded.value();
  const bool same = m.current && m.current->name() == g->name();
  m.serve(g);
  m.failed.erase(name);
  if (m.refused == name) m.refused.clear(), m.reason.clear();
  char figures[160];
  std::snprintf(figures, sizeof figures, " revision=%llu documents=%llu semantic=%s ms=%.1f",
                static_cast<unsigned long long>(g->revision()), static_cast<unsigned long long>(g->documents()),
                g->semantic() ? "yes" : "no", ms);
  std::string missing;
  for (const auto& shard : g->missing_at_load()) missing += (missing.empty() ? "" : ",") + shard;
  m.log(std::string(missing.empty() ? "" : "level=warn ") + "event=generation_loaded generation=" + name + figures +
        (same ? " in_place=true" : "") + (missing.empty() ? "" : " missing_shards=" + log_value(missing)));
  if (!g->semantic_note().empty())
    m.log("level=warn event=semantic_layer_unavailable generation=" + name + " reason=" + log_value(g->semantic_note()));
  return true;
}

Result<GenerationState> GenerationSet::reload() {
  auto r = check(true);
  if (!r) return r.status();
  return state();
}

GenerationState GenerationSet::state() const {
  const Impl& m = *impl_;
  GenerationState s;
  s.published = generations::current(m.options.index_dir);
  std::lock_guard<std::mutex> lock(m.mu);
  if (m.current) {
    s.served = m.current->name();
    s.served_revision = m.current->revision();
  }
  s.serving = m.current && !m.current_failed;
  s.loads = m.loads;
  s.refusals = m.refusals;
  // Degraded: the served generation failed, or the published one was refused or failed and an older
  // one is served instead.
  const bool published_bad = !s.published.empty() && s.published != s.served &&
                             (s.published == m.refused || m.failed.count(s.published) > 0);
  s.degraded = m.current_failed || published_bad;
  if (s.degraded) {
    s.refused = m.current_failed ? s.served : s.published;
    s.damaged = m.failed.count(s.refused) > 0;
    s.reason = m.reason;
    s.since_unix = m.since_unix;
  }
  return s;
}

std::shared_ptr<const Generation> GenerationSet::current() const {
  std::lock_guard<std::mutex> lock(impl_->mu);
  return impl_->current;
}

Result<std::shared_ptr<const Generation>> GenerationSet::find(const std::string& name) {
  Impl& m = *impl_;
  const Status gone = Status::error(StatusCode::invalid_argument,
                                    "the cursor's index generation is gone: start again from page 1", "cursor");
  auto lookup = [&]() -> std::shared_ptr<const Generation> {
    if (m.current && m.current->name() == name) return m.current;
    for (const auto& h : m.held)
      if (h.generation->name() == name) return h.generation;
    if (auto it = m.in_use.find(name); it != m.in_use.end()) return it->second.lock();
    return nullptr;
  };
  {
    std::lock_guard<std::mutex> lock(m.mu);
    if (auto g = lookup()) return g;
    if (m.failed.count(name) || m.refused == name) return gone;
  }
  if (!folder_exists(m.options.index_dir, name)) return gone;
  std::lock_guard<std::mutex> load_lock(m.load_mu);
  {
    std::lock_guard<std::mutex> lock(m.mu);
    if (auto g = lookup()) return g;
  }
  double ms = 0;
  auto loaded = m.load(name, &ms);
  if (!loaded) return gone;
  std::lock_guard<std::mutex> lock(m.mu);
  m.hold(loaded.value(), Clock::now());
  m.in_use[name] = loaded.value();
  char figures[64];
  std::snprintf(figures, sizeof figures, " ms=%.1f", ms);
  m.log("event=generation_loaded generation=" + name + " for=cursor" + figures);
  return loaded.value();
}

void GenerationSet::report_failure(const Generation& generation, const std::string& what) {
  Impl& m = *impl_;
  std::string failed_name = generation.name();
  {
    std::lock_guard<std::mutex> lock(m.mu);
    if (!m.current || m.current.get() != &generation) {
      // An older generation a cursor named: not served again.
      if (m.failed.insert(failed_name).second) {
        m.held.erase(std::remove_if(m.held.begin(), m.held.end(),
                                    [&](const Impl::Held& h) { return h.generation.get() == &generation; }),
                     m.held.end());
        m.log("level=error event=generation_failed generation=" + failed_name + " served=false what=" + log_value(what));
      }
      return;
    }
    if (m.current_failed) return;
    m.current_failed = true;
    m.failed.insert(failed_name);
    m.reason = what;  // shown while degraded
    m.since_unix = std::time(nullptr);
    m.log("level=error event=generation_failed generation=" + failed_name + " served=true what=" + log_value(what));
  }
  // Serve the newest other retained good generation that opens and answers the probe.
  std::lock_guard<std::mutex> load_lock(m.load_mu);
  // Only generations that have been served (or predate manifests): never a build still running, an
  // abandoned one or one the publish gate refused.
  std::vector<std::string> names;
  for (const auto& g : generations::describe(m.options.index_dir))
    if (g.good()) names.push_back(g.name);
  for (auto it = names.rbegin(); it != names.rend(); ++it) {
    {
      std::lock_guard<std::mutex> lock(m.mu);
      if (!m.current_failed || m.current->name() != failed_name) return;  // someone else switched already
      if (m.failed.count(*it) || *it == m.refused) continue;
    }
    double ms = 0;
    auto loaded = m.load(*it, &ms);
    std::lock_guard<std::mutex> lock(m.mu);
    if (!loaded) {
      m.failed.insert(*it);
      m.log("level=error event=generation_refused generation=" + *it + " reason=" + log_value(loaded.status().message()));
      continue;
    }
    m.serve(loaded.value());
    m.log("level=warn event=generation_fallback generation=" + *it + " failed=" + failed_name);
    return;
  }
}

}  // namespace haku
