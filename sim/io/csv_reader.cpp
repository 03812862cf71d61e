#include "sim/io/csv_reader.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>

#include "sim/base/check.h"

namespace capsim {

CsvReader CsvReader::open(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path + ": cannot open file");
  std::ostringstream ss;
  ss << in.rdbuf();
  return CsvReader(path, ss.str());
}

CsvReader::CsvReader(std::string path, std::string content)
    : path_(std::move(path)), content_(std::move(content)) {
  if (content_.rfind("\xEF\xBB\xBF", 0) == 0) pos_ = 3;  // spreadsheets write a UTF-8 byte-order mark
  if (!next_row()) throw InputError(path_ + ": empty file, expected a header line");
  header_ = fields_;
  for (std::size_t i = 0; i < header_.size(); ++i)
    for (std::size_t k = 0; k < i; ++k)
      if (header_[i] == header_[k] && !header_[i].empty())
        throw InputError(path_ + ":" + std::to_string(line_) + ": duplicate column '" + header_[i] + "'");
}

int CsvReader::column(std::string_view name, bool required) const {
  for (std::size_t i = 0; i < header_.size(); ++i)
    if (header_[i] == name) return static_cast<int>(i);
  if (!required) return -1;
  std::string have;
  for (const auto& h : header_) have += (have.empty() ? "" : ",") + h;
  throw InputError(path_ + ":1: missing column '" + std::string(name) + "' (header is: " + have + ")");
}

bool CsvReader::next_row() {
  while (pos_ < content_.size()) {
    std::size_t end = content_.find('\n', pos_);
    if (end == std::string::npos) end = content_.size();
    std::string_view line(content_.data() + pos_, end - pos_);
    pos_ = end + 1;
    ++line_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty()) continue;
    if (!split_line(line)) fail_row("unbalanced quotes");
    if (!header_.empty() && fields_.size() != header_.size())
      fail_row("expected " + std::to_string(header_.size()) + " fields, got " + std::to_string(fields_.size()));
    return true;
  }
  return false;
}

bool CsvReader::split_line(std::string_view line) {
  fields_.clear();
  std::size_t i = 0;
  for (;;) {
    std::string value;
    if (i < line.size() && line[i] == '"') {
      ++i;
      for (;;) {
        if (i >= line.size()) return false;
        if (line[i] == '"') {
          if (i + 1 < line.size() && line[i + 1] == '"') {
            value += '"';
            i += 2;
            continue;
          }
          ++i;
          break;
        }
        value += line[i++];
      }
      if (i < line.size() && line[i] != ',') return false;
    } else {
      std::size_t comma = line.find(',', i);
      if (comma == std::string_view::npos) comma = line.size();
      value.assign(line.substr(i, comma - i));
      if (value.find('"') != std::string::npos) return false;
      i = comma;
    }
    fields_.push_back(std::move(value));
    if (i >= line.size()) return true;
    ++i;  // skip the comma; a trailing comma yields one more empty field
    if (i == line.size()) {
      fields_.emplace_back();
      return true;
    }
  }
}

void CsvReader::fail(int col, const std::string& what) const {
  const std::string name = col >= 0 && static_cast<std::size_t>(col) < header_.size()
                               ? header_[static_cast<std::size_t>(col)]
                               : std::string("?");
  throw InputError(path_ + ":" + std::to_string(line_) + ": column '" + name + "': " + what);
}

void CsvReader::fail_row(const std::string& what) const {
  throw InputError(path_ + ":" + std::to_string(line_) + ": " + what);
}

std::int64_t CsvReader::get_int(int col) const {
  std::string_view s = field(col);
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size())
    fail(col, "expected an integer, got '" + std::string(s) + "'");
  return v;
}

double CsvReader::get_double(int col) const {
  std::string_view s = field(col);
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (s.empty() || ec != std::errc() || ptr != s.data() + s.size() || !std::isfinite(v))
    fail(col, "expected a number, got '" + std::string(s) + "'");
  return v;
}

}  // namespace capsim
