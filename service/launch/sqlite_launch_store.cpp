#include "launch/sqlite_launch_store.hpp"

#include <memory>
#include <utility>

#include "crypto/hash.hpp"

namespace sa::launch {

using store::Connection;
using store::StoreStatus;

std::string_view to_string(LaunchError error) {
  switch (error) {
    case LaunchError::unknown:
      return "unknown";
    case LaunchError::expired:
      return "expired";
    case LaunchError::used:
      return "used";
    case LaunchError::other_client:
      return "other_client";
    case LaunchError::store_error:
      return "store_error";
  }
  return "store_error";
}

std::string hash_launch_id(std::string_view launch_id) { return crypto::sha256_b64url(launch_id); }

namespace {

std::optional<std::int64_t> banner_column(const std::optional<bool>& banner) {
  if (!banner) return std::nullopt;
  return *banner ? 1 : 0;
}

std::optional<bool> banner_value(const std::optional<std::int64_t>& column) {
  if (!column) return std::nullopt;
  return *column != 0;
}

}  // namespace

void SqliteLaunchStore::create(std::string id_hash, Launch launch, store::DoneFn done) {
  db_.write(
      [id_hash = std::move(id_hash), l = std::move(launch)](Connection& conn) {
        auto stmt = conn.prepare(
            "INSERT INTO launches(id_hash, user_id, patient, encounter, client_id, fhir_context, "
            "intent, need_patient_banner, smart_style_url, tenant, created_at, expires_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
        stmt.bind(1, id_hash).bind(2, l.user_id);
        stmt.bind_optional(3, l.patient)
            .bind_optional(4, l.encounter)
            .bind_optional(5, l.client_id)
            .bind_optional(6, l.fhir_context)
            .bind_optional(7, l.intent)
            .bind(8, banner_column(l.need_patient_banner))
            .bind_optional(9, l.smart_style_url)
            .bind_optional(10, l.tenant);
        return stmt.bind(11, l.created_at).bind(12, l.expires_at).run();
      },
      std::move(done));
}

void SqliteLaunchStore::consume(std::string id_hash, std::string client_id, std::int64_t now,
                                ConsumeFn done) {
  // The write decides and records the outcome; done reports it once the batch is durable. Only
  // the writer thread touches `outcome` before done runs, and done runs after the write.
  auto outcome = std::make_shared<Expected<Launch, LaunchError>>(unexpected(LaunchError::unknown));
  db_.write(
      [outcome, id_hash = std::move(id_hash), client_id = std::move(client_id),
       now](Connection& conn) {
        std::optional<Launch> found;
        bool used = false;
        {  // the SELECT is reset before the UPDATE below runs on the same connection
          auto stmt = conn.prepare(
              "SELECT user_id, patient, encounter, client_id, fhir_context, intent, "
              "need_patient_banner, smart_style_url, tenant, created_at, expires_at, used_at "
              "FROM launches WHERE id_hash = ?");
          stmt.bind(1, id_hash);
          if (!stmt.step()) {
            if (stmt.status() != StoreStatus::ok) return stmt.status();
            *outcome = unexpected(LaunchError::unknown);
            return StoreStatus::ok;
          }
          found = Launch{.user_id = stmt.column_text(0),
                         .patient = stmt.column_optional_text(1),
                         .encounter = stmt.column_optional_text(2),
                         .client_id = stmt.column_optional_text(3),
                         .fhir_context = stmt.column_optional_text(4),
                         .intent = stmt.column_optional_text(5),
                         .need_patient_banner = banner_value(stmt.column_optional_int64(6)),
                         .smart_style_url = stmt.column_optional_text(7),
                         .tenant = stmt.column_optional_text(8),
                         .created_at = stmt.column_int64(9),
                         .expires_at = stmt.column_int64(10)};
          used = stmt.column_optional_int64(11).has_value();
        }
        Launch& launch = *found;
        // Order matters only for the audit log: a used launch stays "used" after it expires.
        if (used) {
          *outcome = unexpected(LaunchError::used);
        } else if (launch.expires_at <= now) {
          *outcome = unexpected(LaunchError::expired);
        } else if (launch.client_id && *launch.client_id != client_id) {
          // SMART App Launch 2.2, "EHR Launch": a launch bound to one app is useless to another,
          // and the attempt must not burn it for the app it was meant for.
          *outcome = unexpected(LaunchError::other_client);
        } else {
          auto status = conn.prepare("UPDATE launches SET used_at = ? WHERE id_hash = ?")
                            .bind(1, now)
                            .bind(2, id_hash)
                            .run();
          if (status != StoreStatus::ok) return status;
          *outcome = std::move(launch);
        }
        return StoreStatus::ok;
      },
      [outcome, done = std::move(done)](StoreStatus status) {
        // A failed batch undid the mark, but the caller cannot know what the client saw: the
        // interface says "may or may not have been consumed", and the launch is refused.
        if (status != StoreStatus::ok) return done(unexpected(LaunchError::store_error));
        done(std::move(*outcome));
      });
}

void SqliteLaunchStore::delete_expired(std::int64_t now, std::uint32_t limit,
                                       store::PurgedFn done) {
  db_.write_counting(
      [now, limit](Connection& conn) {
        // Bounded so one purge never holds the writer (and every request waiting on it) for long.
        // WITHOUT ROWID: the slice is chosen by the primary key.
        return conn
            .prepare(
                "DELETE FROM launches WHERE id_hash IN (SELECT id_hash FROM launches "
                "WHERE expires_at <= ? LIMIT ?)")
            .bind(1, now)
            .bind(2, std::int64_t{limit})
            .run();
      },
      std::move(done));
}

}  // namespace sa::launch
