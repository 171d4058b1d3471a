#pragma once
// The syncserver command line: init, user add/revoke/list, serve, audit verify/export, demo.
#include <istream>
#include <ostream>

namespace syncserver {

/// Exit codes: 0 done, 1 refused or verification failed, 2 usage error, 3 failure.
int runCli(int argc, char** argv, std::istream& in, std::ostream& out, std::ostream& err);

}  // namespace syncserver
