#pragma once
// A strict CSV reader for trace files: the header names the columns, every
// error names the file, line and column, and nothing in the input can crash
// it (fuzzed in tests/fuzz). Quoted fields ("a,b", "say ""hi""") are
// supported; a quote inside an unquoted field is an error.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/base/check.h"

namespace capsim {

class CsvReader {
 public:
  // Reads the whole file. Throws InputError when it cannot be opened or has no header.
  static CsvReader open(const std::string& path);
  CsvReader(std::string path, std::string content);

  const std::string& path() const { return path_; }
  // Index of a header column; -1 when absent and optional. A missing required
  // column is an InputError listing the header.
  int column(std::string_view name, bool required = true) const;
  bool has_column(std::string_view name) const { return column(name, false) >= 0; }
  const std::vector<std::string>& header() const { return header_; }

  // Advances to the next non-empty row. Throws InputError on a row with the
  // wrong number of fields or broken quoting.
  bool next_row();
  int line() const { return line_; }

  std::string_view field(int col) const { return fields_[static_cast<std::size_t>(col)]; }
  // Typed fields; errors name file, line and column.
  std::int64_t get_int(int col) const;
  double get_double(int col) const;  // finite only
  // Field errors: "file:line: column 'name': what".
  [[noreturn]] void fail(int col, const std::string& what) const;
  [[noreturn]] void fail_row(const std::string& what) const;

 private:
  bool split_line(std::string_view line);

  std::string path_;
  std::string content_;
  std::size_t pos_ = 0;
  int line_ = 0;
  std::vector<std::string> header_;
  std::vector<std::string> fields_;
};

// Shared bookkeeping for --skip-bad-rows: counts skipped rows and keeps the
// first error so a summary can say what was wrong.
struct BadRowPolicy {
  bool skip = false;
  std::int64_t skipped = 0;
  std::string first_error;

  // Runs parse_row; an InputError from it is rethrown, or counted when skipping.
  template <typename ParseRow>
  void guard(ParseRow parse_row) {
    try {
      parse_row();
    } catch (const InputError& e) {
      if (!skip) throw;
      if (skipped++ == 0) first_error = e.what();
    }
  }
};

}  // namespace capsim
