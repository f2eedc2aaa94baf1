#include "searchd/rate_limiter.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace haku {

RateLimiter::RateLimiter(double rate, double burst, size_t max_clients)
    : rate_(rate), burst_(std::max(1.0, burst)), max_per_shard_(std::max<size_t>(1, max_clients / kShards)) {}

void RateLimiter::refill(Bucket& b, Clock::time_point now) const {
  const double elapsed = std::chrono::duration<double>(now - b.updated).count();
  if (elapsed > 0) {
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.updated = now;
  }
}

// Drops full buckets (a client idle long enough has no state worth keeping); when every bucket is
// still refilling, drops the one refilled longest ago, so a flood of new addresses cannot grow the
// table without bound.
void RateLimiter::evict(Shard& shard, Clock::time_point now) {
  for (auto it = shard.buckets.begin(); it != shard.buckets.end();) {
    refill(it->second, now);
    it = it->second.tokens >= burst_ ? shard.buckets.erase(it) : std::next(it);
  }
  while (shard.buckets.size() >= max_per_shard_) {
    auto oldest = std::max_element(shard.buckets.begin(), shard.buckets.end(),
                                   [](const auto& a, const auto& b) { return a.second.tokens < b.second.tokens; });
    shard.buckets.erase(oldest);
  }
}

RateLimiter::Decision RateLimiter::take(const std::string& client, Clock::time_point now) {
  if (rate_ <= 0) return {};
  Shard& shard = shards_[std::hash<std::string>{}(client) % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  auto it = shard.buckets.find(client);
  if (it == shard.buckets.end()) {
    if (shard.buckets.size() >= max_per_shard_) evict(shard, now);
    it = shard.buckets.emplace(client, Bucket{burst_, now}).first;
  }
  Bucket& b = it->second;
  refill(b, now);
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return {};
  }
  const double wait = (1.0 - b.tokens) / rate_;
  return {false, std::chrono::seconds(std::max<long long>(1, static_cast<long long>(std::ceil(wait))))};
}

size_t RateLimiter::tracked_clients() {
  size_t n = 0;
  for (auto& s : shards_) {
    std::lock_guard<std::mutex> lock(s.mu);
    n += s.buckets.size();
  }
  return n;
}

}  // namespace haku
