#pragma once
// The supervisor's review loop per household (returned -> resubmitted -> approved) and its history.
#include "synccore/sqlite.h"
#include "synccore/survey_definition.h"

#include <optional>
#include <string>
#include <vector>

namespace syncserver {

using synccore::Json;

/// A household's current review state. Comments: [{record, field, comment}].
struct HouseholdReview {
  std::string household;
  std::string grid;   // the household's current grid
  std::string state;  // returned, resubmitted, approved
  Json comments = Json::array();
  std::string worker;  // the worker it was returned to
  std::string updatedBy, updatedAt, note;
  int64_t seq = 0;  // increases with every change of any review (devices pull after it)
  Json toJson() const;
};

/// Tables reviews and review_history; calls run inside the caller's transaction.
class ReviewStore {
 public:
  explicit ReviewStore(synccore::Database& db);
  std::optional<HouseholdReview> get(const std::string& household) const;
  /// Stores the new state under the next seq and appends the step to the history.
  HouseholdReview set(HouseholdReview review, const std::string& action, int64_t auditSeq);
  /// Every step of the household's loop, oldest first.
  Json history(const std::string& household) const;
  /// Reviews changed after a seq, in the given grids (all when allGrids), optionally in one state.
  std::vector<HouseholdReview> changedAfter(int64_t after, size_t limit, bool allGrids,
                                            const std::vector<std::string>& grids, const std::string& state) const;
  /// The user (not the server) whose change to the household, its members or visits is the newest still
  /// standing, by receipt time.
  std::string lastWorker(const std::string& household) const;
  /// Gives a household's review a new seq, so devices of the grid it moved into receive it.
  void reannounce(const std::string& household);

 private:
  synccore::Database& m_db;
};

}  // namespace syncserver
