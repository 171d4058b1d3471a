// surveyctl: thin entry point; the commands live in surveyctl_lib.
#include "commands.h"

#include "synccore/sqlite.h"

#include <iostream>

int main(int argc, char** argv) {
  synccore::configureSqliteProcess();
  return surveyctl::run(argc, argv, std::cout, std::cerr);
}
