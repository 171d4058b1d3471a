// DeviceStore's part of the supervisor review loop: review states pulled from the server and
// resubmissions waiting for the next sync (table household_reviews).
#include "synccore/device_store.h"

namespace synccore {

Json ReviewState::toJson() const {
  return Json{{"household", household},   {"grid", grid},
              {"state", state},           {"comments", comments},
              {"worker", worker},         {"updated_by", updatedBy},
              {"updated_at", updatedAt},  {"note", note},
              {"seq", seq},               {"resubmit_pending", resubmitPending},
              {"resubmit_note", resubmitNote}};
}

ReviewState ReviewState::fromJson(const Json& j) {
  ReviewState r;
  r.household = j.at("household").get<std::string>();
  r.grid = j.value("grid", "");
  r.state = j.at("state").get<std::string>();
  r.comments = j.value("comments", Json::array());
  r.worker = j.value("worker", "");
  r.updatedBy = j.value("updated_by", "");
  r.updatedAt = j.value("updated_at", "");
  r.note = j.value("note", "");
  r.seq = j.value("seq", int64_t{0});
  r.resubmitPending = j.value("resubmit_pending", false);
  r.resubmitNote = j.value("resubmit_note", "");
  return r;
}

namespace {

ReviewState readReview(const Statement& st) {
  ReviewState r = ReviewState::fromJson(Json::parse(st.text(0)));
  r.resubmitPending = st.int64(1) != 0;
  r.resubmitNote = st.text(2);
  return r;
}

void storeReview(Database& db, const ReviewState& r, bool keepPending) {
  Json stored = r.toJson();
  stored.erase("resubmit_pending");
  stored.erase("resubmit_note");
  db.cached(
        "INSERT INTO household_reviews(household_uuid, review, state) VALUES(?,?,?)"
        " ON CONFLICT(household_uuid) DO UPDATE SET review=excluded.review, state=excluded.state")
      .bind(1, r.household).bind(2, stored.dump()).bind(3, r.state).run();
  // A resubmission made here stays pending while the server still says "returned".
  if (!keepPending || r.state != "returned")
    db.cached("UPDATE household_reviews SET resubmit_pending=0, resubmit_note='' WHERE household_uuid=?")
        .bind(1, r.household).run();
}

constexpr const char* kSelect = "SELECT review, resubmit_pending, resubmit_note FROM household_reviews";

}  // namespace

std::vector<ReviewState> DeviceStore::reviews() const {
  std::lock_guard lock(m_mutex);
  auto st = m_db->cached(std::string(kSelect) +
                         " ORDER BY state <> 'returned', state <> 'resubmitted', household_uuid");
  std::vector<ReviewState> out;
  while (st.step()) out.push_back(readReview(st));
  return out;
}

std::optional<ReviewState> DeviceStore::review(const std::string& householdUuid) const {
  std::lock_guard lock(m_mutex);
  auto st = m_db->cached(std::string(kSelect) + " WHERE household_uuid=?");
  st.bind(1, householdUuid);
  if (!st.step()) return std::nullopt;
  return readReview(st);
}

size_t DeviceStore::applyReviews(const std::vector<ReviewState>& reviews, int64_t nextCursor) {
  std::lock_guard lock(m_mutex);
  RelaxedSync relaxed(*m_db);  // lost to a power cut, the page and its cursor are pulled again
  Transaction tx(*m_db);
  for (const auto& r : reviews) storeReview(*m_db, r, true);
  metaSet("review_cursor", std::to_string(nextCursor));
  tx.commit();
  return reviews.size();
}

int64_t DeviceStore::reviewCursor() const {
  std::lock_guard lock(m_mutex);
  return std::stoll(metaGet("review_cursor", "0"));
}

bool DeviceStore::requestResubmit(const std::string& householdUuid, const std::string& note) {
  std::lock_guard lock(m_mutex);
  m_db->cached(
        "UPDATE household_reviews SET resubmit_pending=1, resubmit_note=? WHERE household_uuid=? AND state='returned'")
      .bind(1, note).bind(2, householdUuid).run();
  return m_db->changes() > 0;
}

std::vector<ReviewState> DeviceStore::pendingResubmits() const {
  std::lock_guard lock(m_mutex);
  auto st = m_db->cached(std::string(kSelect) + " WHERE resubmit_pending=1 ORDER BY household_uuid");
  std::vector<ReviewState> out;
  while (st.step()) out.push_back(readReview(st));
  return out;
}

void DeviceStore::resubmitSent(const ReviewState& serverState) {
  std::lock_guard lock(m_mutex);
  Transaction tx(*m_db);
  storeReview(*m_db, serverState, false);
  tx.commit();
}

}  // namespace synccore
