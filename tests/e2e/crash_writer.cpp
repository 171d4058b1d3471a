// Saves households, each with its head in the same transaction, in a loop until killed.
// Usage: crash_writer DB FIRST-N. Prints "DONE n household-uuid person-uuid" after each commit.
#include "crash_workload.h"
#include "synccore/random_id.h"

#include <unistd.h>

#include <cstdlib>
#include <string>

int main(int argc, char** argv) {
  if (argc != 3) return 2;
  synccore::DeviceStore store(argv[1]);
  for (int n = std::atoi(argv[2]);; ++n) {
    const std::string household = synccore::newUuid();
    auto saved = store.save({{"household", household, "", crashtest::householdFor(n), false, true},
                             {"person", "", household, crashtest::headFor(n), false}});
    if (!saved.ok()) return 1;
    const std::string line = "DONE " + std::to_string(n) + " " + saved.uuids[0] + " " + saved.uuids[1] + "\n";
    if (::write(1, line.data(), line.size()) != static_cast<ssize_t>(line.size())) return 3;
  }
}
