// syncserver: thin entry point; the commands live in syncserver_core.
#include "admin_cli.h"

#include "synccore/sqlite.h"

#include <iostream>

int main(int argc, char** argv) {
  synccore::configureSqliteProcess();
  return syncserver::runCli(argc, argv, std::cin, std::cout, std::cerr);
}
