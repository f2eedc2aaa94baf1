#pragma once
// Status and Result<T>: how the engine reports failure, with a closed set of codes (not HTTP codes;
// searchd maps them in one switch). Value types, thread-compatible.
#include <string>
#include <utility>
#include <variant>

namespace haku {

enum class StatusCode {
  ok,
  invalid_argument,  // a request parameter is wrong; param() names it
  not_found,         // no such id
  unavailable,       // no index is loaded / published
  busy,              // another writer holds the index directory
  overloaded,        // no capacity for the request now (every Searcher busy past the wait); retry later
  corrupt,           // the index on disk is damaged
  io_error,          // the file system failed
  internal,          // a bug or an unexpected library error
};

class Status {
 public:
  Status() = default;
  static Status ok() { return Status(); }
  static Status error(StatusCode code, std::string message, std::string param = {}) {
    Status s;
    s.code_ = code;
    s.message_ = std::move(message);
    s.param_ = std::move(param);
    return s;
  }
  bool is_ok() const { return code_ == StatusCode::ok; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& param() const { return param_; }  // the request parameter at fault, if any

 private:
  StatusCode code_ = StatusCode::ok;
  std::string message_;
  std::string param_;
};

const char* status_code_name(StatusCode code);  // "invalid_argument", ...

template <class T>
class Result {
 public:
  Result(T value) : v_(std::move(value)) {}           // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {}    // NOLINT: must not be ok
  bool is_ok() const { return std::holds_alternative<T>(v_); }
  explicit operator bool() const { return is_ok(); }
  T& value() { return std::get<T>(v_); }
  const T& value() const { return std::get<T>(v_); }
  T* operator->() { return &value(); }
  T& operator*() { return value(); }
  Status status() const { return is_ok() ? Status::ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace haku
