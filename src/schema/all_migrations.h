#pragma once
// Every module's migrations, for opening a database that the whole program uses.
// Id ranges per module (see docs/STORE.md): registry 100-199, assessment 200-299,
// access 300-399, policy 400-499, assistance 500-599, social 600-699,
// monitoring 700-799, import and quality 800-899.
#include <vector>

#include "store/database.h"

namespace fupin {

std::vector<store::Migration> AllMigrations();

}  // namespace fupin
