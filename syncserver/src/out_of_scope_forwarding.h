#pragma once
// Edits refused as out of scope are passed to the community as conflicts instead of being lost.
#include "accounts.h"
#include "conflict_store.h"
#include "server_state.h"
#include "synccore/changeset.h"

#include <optional>

namespace syncserver {

/// Records a refused out_of_scope change as an open out_of_scope conflict in the record's grid (once per
/// change id), so a supervisor covering that grid can take the edit or leave it. Only when the record was
/// the user's before they made the change (its household, by the change's stamp, in a grid they held
/// then; they may have edited it offline after it left them): a write into a grid never theirs, or to a
/// deleted record, forwards nothing. `record` is the record as
/// the push found or planned it. Call inside the push's transaction.
std::optional<Conflict> forwardOutOfScope(ServerState& state, const Session& session, const std::string& device,
                                          const synccore::Change& change, const synccore::Value& value,
                                          const RecordInfo& record);

/// The refusal entry of a forwarded change: says where the edit went and names its conflict.
void markForwarded(Json& refusal, const Conflict& conflict);

}  // namespace syncserver
