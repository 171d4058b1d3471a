// syncserver: thin entry point; the commands live in syncserver_core.
#include "admin_cli.h"

#include <iostream>

int main(int argc, char** argv) { return syncserver::runCli(argc, argv, std::cin, std::cout, std::cerr); }
