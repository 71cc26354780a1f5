#pragma once
// The closed sets of the assessment module (core/vocabulary.h) by the names
// GET /api/v1/vocabularies gives them: survey_kind (surveys.h), exit_step
// (exits.h) and criterion_result (criteria.h).
#include <vector>

#include "core/vocabulary.h"

namespace fupin::assessment {

std::vector<Vocabulary> Vocabularies();

}  // namespace fupin::assessment
