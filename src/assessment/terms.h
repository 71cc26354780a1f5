#pragma once
// The closed sets of the assessment module (core/vocabulary.h) by the names
// GET /api/v1/vocabularies gives them: survey_kind (surveys.h), exit_step and
// exit_batch_step (exits.h), criterion_result (criteria.h), and the parameters' param_key,
// param_value, param_indicator and village_facility (params.h).
#include <vector>

#include "core/vocabulary.h"

namespace fupin::assessment {

std::vector<Vocabulary> Vocabularies();

}  // namespace fupin::assessment
