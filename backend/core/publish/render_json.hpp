// The complete structured record of a declaration as JSON ("plenary-export/1"): identity,
// attribution (assembly, signatories), every language asked with each text's status, every
// clause's amendment history with vote results, the record of votes (secret polls: totals
// only), signatories and the participation summary. Keys are sorted (nlohmann's default), so
// equal models give byte-equal output.
#pragma once
#include <string>

#include "core/publish/model.hpp"

namespace plenary::publish {

std::string render_json(const Declaration& d, const Options& o);

}  // namespace plenary::publish
