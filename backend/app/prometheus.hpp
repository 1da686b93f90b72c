// One sample in the Prometheus text exposition format (version 0.0.4): its HELP and TYPE lines,
// then `name value`. Used by /metrics for the Hub's and the export pool's figures.
#pragma once
#include <ostream>

namespace plenary::app {

template <class Value>
void prometheus_metric(std::ostream& o, const char* name, const char* type, const char* help, const Value& value) {
  o << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n' << name << ' ' << value << '\n';
}

}  // namespace plenary::app
