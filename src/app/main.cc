// The fupin executable: parses the command line and runs it; nothing else.
#include <iostream>

#include "cli/context.h"

int main(int argc, char** argv) { return fupin::cli::Run(argc, argv, std::cout, std::cerr); }
