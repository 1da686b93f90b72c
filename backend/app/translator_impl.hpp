// Brings the complete Translator type into the files that own one (the Hub's destructor).
#pragma once
#include "translate/apertium.hpp"
