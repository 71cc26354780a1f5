#pragma once
// The wire form of the social module's records, shared by the HTTP API and
// the CLI's --json output. A Need read by a donor has no household_id and no
// review fields (the service leaves them unset), so its JSON has none either.
#include <nlohmann/json.hpp>

#include "social/social.h"

namespace fupin::social {

nlohmann::json DonorToJson(const Donor& donor);
nlohmann::json NeedToJson(const Need& need);  // amounts as yuan strings ("1234.50") and fen
nlohmann::json PledgeToJson(const Pledge& pledge);
nlohmann::json DockingToJson(const Docking& docking);
nlohmann::json FeedbackToJson(const Feedback& feedback);
nlohmann::json FiguresToJson(const SocialFigures& figures);

}  // namespace fupin::social
