// Applying adopted amendments to the text (see Hub::apply_adopted_amendment).
#include "app/hub.hpp"

namespace plenary::app {

void Hub::apply_adopted_amendment(std::int64_t /*amendment*/) {
  // Replaced by the amendments work: rebase, submit, new declaration version or conflict flag.
}

}  // namespace plenary::app
