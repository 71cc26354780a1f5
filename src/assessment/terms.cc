#include "assessment/terms.h"

#include "assessment/criteria.h"
#include "assessment/exits.h"
#include "assessment/params.h"
#include "assessment/surveys.h"

namespace fupin::assessment {

std::vector<Vocabulary> Vocabularies() {
  return {{"survey_kind", SurveyKinds()},          {"exit_step", ExitStepKinds()},
          {"criterion_result", OutcomeTerms()},     {"param_key", ParamKeyTerms()},
          {"param_value", ParamValueTerms()},       {"param_indicator", ParamIndicatorTerms()},
          {"village_facility", VillageFacilityTerms()}, {"exit_batch_step", ExitBatchSteps()}};
}

}  // namespace fupin::assessment
