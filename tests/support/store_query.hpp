// Reading a results store in tests: the rows of a query, as text.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <string>
#include <vector>

namespace harness::test {

// Rows of a query, each as its columns' text ("" for NULL); none when the store cannot be opened.
inline std::vector<std::vector<std::string>> query_rows(const std::filesystem::path& database,
                                                        const std::string& sql) {
  sqlite3* db = nullptr;
  std::vector<std::vector<std::string>> rows;
  if (sqlite3_open_v2(database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
    sqlite3_exec(
        db, sql.c_str(),
        [](void* out, int n, char** values, char**) {
          auto& row = static_cast<std::vector<std::vector<std::string>>*>(out)->emplace_back();
          for (int i = 0; i < n; ++i) row.emplace_back(values[i] ? values[i] : "");
          return 0;
        },
        &rows, nullptr);
  }
  sqlite3_close(db);
  return rows;
}

// The first column of every row of a query.
inline std::vector<std::string> query_column(const std::filesystem::path& database,
                                             const std::string& sql) {
  std::vector<std::string> column;
  for (const auto& row : query_rows(database, sql)) column.push_back(row.at(0));
  return column;
}

}  // namespace harness::test
