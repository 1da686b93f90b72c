#include "protocol/errors.hpp"

#include <algorithm>

namespace plenary::protocol {
bool is_error_code(std::string_view code) {
  return std::find(kErrorCodes.begin(), kErrorCodes.end(), code) != kErrorCodes.end();
}
}  // namespace plenary::protocol
