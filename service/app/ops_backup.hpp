// `smart-auth backup PATH` and `smart-auth restore PATH`: a consistent copy of the database
// taken while the server serves (store/backup.hpp, SQLite's online backup API), and putting
// one back with the server stopped (store/database_lock.hpp tells a running server reliably).
#pragma once

#include <span>
#include <string>

namespace sa::app {

int backup_command(std::span<const std::string> args);
int restore_command(std::span<const std::string> args);

}  // namespace sa::app
