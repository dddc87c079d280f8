// LaunchStore over the SQLite Database (table launches, migrations/0006_launches.sql): create,
// consume and delete_expired each run as one write on the group-committing writer, so the check
// and the mark of consume() cannot interleave with another consumer.
#pragma once

#include "launch/launch_store.hpp"
#include "store/database.hpp"

namespace sa::launch {

class SqliteLaunchStore final : public LaunchStore {
 public:
  explicit SqliteLaunchStore(store::Database& db) : db_(db) {}

  void create(std::string id_hash, Launch launch, store::DoneFn done) override;
  void consume(std::string id_hash, std::string client_id, std::int64_t now,
               ConsumeFn done) override;
  void delete_expired(std::int64_t now, std::uint32_t limit, store::PurgedFn done) override;

 private:
  store::Database& db_;
};

}  // namespace sa::launch
