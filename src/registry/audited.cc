#include "registry/audited.h"

#include <nlohmann/json.hpp>

#include "access/audit.h"
#include "access/record_packs.h"
#include "core/error.h"

namespace fupin::registry {

std::span<const access::RecordTable> AuditedTables() {
  static const std::vector<access::RecordTable> kTables = {
      {"households",
       {"id"},
       {"id", "number", "village_code", "identified_year", "attribute", "main_cause", "other_causes", "address",
        "phone_enc", "phone_index", "phone_masked", "version", "created_at", "updated_at"},
       {"phone_enc"}},
      {"persons",
       {"id"},
       {"id", "id_number_enc", "id_number_index", "id_number_masked", "name", "sex", "birth_date", "ethnicity",
        "education", "health", "disability_grade", "labour_ability", "phone_enc", "phone_index", "phone_masked",
        "death_date", "version", "created_at", "updated_at"},
       {"id_number_enc", "phone_enc"}},
      {"memberships",
       {"id"},
       {"id", "person_id", "household_id", "relation", "start_date", "end_date", "end_reason"},
       {}},
      {"household_events",
       {"id"},
       {"id", "household_id", "kind", "year", "date", "reason", "actor", "recorded_at"},
       {}},
      {"household_years",
       {"household_id", "year"},
       {"household_id", "year", "members", "wage_income", "production_income", "property_income", "transfer_income",
        "production_cost", "food_secure", "clothing_secure", "housing_safe", "drinking_water_safe", "updated_at",
        "dibao_class", "house_grade", "relocation", "pepper_area", "camellia_area", "pv_share"},
       {}},
      {"person_years",
       {"person_id", "year"},
       {"person_id", "year", "school_status", "school_stage", "medical_insured", "pension_insured", "employment",
        "updated_at", "major_disease", "chronic_contract"},
       {}},
  };
  return kTables;
}

std::vector<access::RecordDigest> RowDigests(store::Connection& db, std::initializer_list<RowSelection> selections) {
  std::vector<access::RecordDigest> out;
  for (const RowSelection& sel : selections) {
    const access::RecordTable* table = nullptr;
    for (const access::RecordTable& t : AuditedTables()) table = t.name == sel.table ? &t : table;
    if (!table) throw Error::Internal("not a covered table: " + std::string(sel.table));
    auto rows = access::DigestRows(db, *table, sel.where, [&sel](store::Statement& s) {
      int i = 1;
      for (int64_t p : sel.params) s.BindInt(i++, p);
    });
    for (auto& r : rows) out.push_back(std::move(r));
  }
  return out;
}

void RecordBatchChanges(store::Connection& db, const Clock& clock, const Caller& caller, const std::string& action,
                        const std::string& entity, const std::string& area_code, const nlohmann::json& after) {
  access::RecordChange(db, clock, caller, action, entity, area_code, nullptr, after,
                       access::ChangedRecordPacks(db, AuditedTables()));
}

}  // namespace fupin::registry
