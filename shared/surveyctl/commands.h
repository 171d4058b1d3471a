#pragma once
// The surveyctl command line: parses arguments and runs one command against a device file.
#include <ostream>

namespace surveyctl {

/// Exit codes: 0 done, 1 the data was invalid (nothing written), 2 usage error, 3 file or I/O error.
enum ExitCode { kOk = 0, kInvalid = 1, kUsage = 2, kFailure = 3 };

int run(int argc, char** argv, std::ostream& out, std::ostream& err);

}  // namespace surveyctl
