// Akoma Ntoso 3.0 (OASIS LegalDocML) export of a declaration, valid against akomantoso30.xsd.
// Shape: one <statement name="declaration"> per language expression, all sharing one FRBRWork
// (same FRBRthis/FRBRuri); the first language asked is the root document and every further one
// is a <component> of the root's <components>, because the schema allows one document per
// <akomaNtoso> and scopes eId uniqueness to each document, so the clause eIds (clause_N,
// preamble_N, sec_N) are the same in every language. Expressions in a language other than the
// original carry <FRBRtranslation fromLanguage=original>; those with a machine-made or stale
// clause are marked authoritative="false". The author (FRBRauthor, TLCOrganization
// #assembly) is the assembly that adopts the text, never the forum; signatories are
// TLCOrganizations and listed in <conclusions>.
#pragma once
#include <string>

#include "core/publish/model.hpp"

namespace plenary::publish {

std::string render_akn(const Declaration& d, const Options& o);

}  // namespace plenary::publish
