// Names of the engine's status codes (stable: they appear in logs and, mapped, in HTTP error bodies).
#include "api/status.h"

namespace haku {

const char* status_code_name(StatusCode code) {
  switch (code) {
    case StatusCode::ok: return "ok";
    case StatusCode::invalid_argument: return "invalid_argument";
    case StatusCode::not_found: return "not_found";
    case StatusCode::unavailable: return "unavailable";
    case StatusCode::busy: return "busy";
    case StatusCode::overloaded: return "overloaded";
    case StatusCode::corrupt: return "corrupt";
    case StatusCode::io_error: return "io_error";
    case StatusCode::internal: return "internal";
  }
  return "internal";
}

}  // namespace haku
