#pragma once
// Per-client rate limiting: a token bucket per client key (an address), refilled at `rate` tokens a
// second up to `burst`; each request takes one. The table of buckets is bounded: buckets that have
// refilled completely carry no state and are dropped first. Thread-safe (sharded mutexes).
#include <array>
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace haku {

class RateLimiter {
 public:
  using Clock = std::chrono::steady_clock;

  struct Decision {
    bool allowed = true;
    std::chrono::seconds retry_after{0};  // when refused: until one token is back (at least 1 s)
  };

  // rate <= 0 turns the limiter off (every request allowed).
  RateLimiter(double rate, double burst, size_t max_clients = 100000);

  Decision take(const std::string& client, Clock::time_point now = Clock::now());
  bool enabled() const { return rate_ > 0; }
  size_t tracked_clients();

 private:
  struct Bucket {
    double tokens = 0;
    Clock::time_point updated;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<std::string, Bucket> buckets;
  };
  static constexpr size_t kShards = 16;

  void refill(Bucket& b, Clock::time_point now) const;
  void evict(Shard& shard, Clock::time_point now);

  const double rate_;
  const double burst_;
  const size_t max_per_shard_;
  std::array<Shard, kShards> shards_;
};

}  // namespace haku
