#include "experiments/sweep_constraint.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <sstream>

#include "sim/base/check.h"

namespace capsim {
namespace {

bool parse_number(const std::string& s, double* out) {
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
  return ec == std::errc() && p == s.data() + s.size();
}

bool is_op(const std::string& t) {
  return t == "<" || t == "<=" || t == ">" || t == ">=" || t == "==" || t == "!=";
}

}  // namespace

SweepConstraint::SweepConstraint(const std::string& text, const std::vector<std::string>& axis_names,
                                 const std::string& field)
    : text_(text), names_(axis_names) {
  const std::string usage = field + ": expected 'SUM OP SUM' (OP < <= > >= == !=, terms NUMBER, AXIS or "
                                    "NUMBER * AXIS joined by + or -, separated by spaces), got '" + text + "'";
  std::istringstream in(text);
  std::vector<std::string> tokens;
  for (std::string t; in >> t;) tokens.push_back(t);
  std::vector<Term>* side = &left_;
  double sign = 1;
  bool expect_term = true;
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string& t = tokens[i];
    if (expect_term) {
      Term term;
      double number = 0;
      if (parse_number(t, &number)) {
        term.coefficient = number;
        if (i + 2 < tokens.size() && tokens[i + 1] == "*") {
          i += 2;
          const auto it = std::find(names_.begin(), names_.end(), tokens[i]);
          if (it == names_.end()) throw InputError(field + ": '" + tokens[i] + "' is not an axis (in '" + text + "')");
          term.axis = static_cast<int>(it - names_.begin());
        }
      } else {
        if (is_op(t) || t == "+" || t == "-" || t == "*") throw InputError(usage);
        const auto it = std::find(names_.begin(), names_.end(), t);
        if (it == names_.end()) throw InputError(field + ": '" + t + "' is not an axis (in '" + text + "')");
        term.axis = static_cast<int>(it - names_.begin());
      }
      term.coefficient *= sign;
      side->push_back(term);
      expect_term = false;
    } else if (t == "+" || t == "-") {
      sign = t == "+" ? 1 : -1;
      expect_term = true;
    } else if (is_op(t)) {
      if (!op_.empty()) throw InputError(usage);
      op_ = t;
      side = &right_;
      sign = 1;
      expect_term = true;
    } else {
      throw InputError(usage);
    }
  }
  if (expect_term || op_.empty() || left_.empty() || right_.empty()) throw InputError(usage);
}

bool SweepConstraint::holds(const std::vector<double>& numbers, const std::string& field) const {
  auto sum = [&](const std::vector<Term>& terms) {
    double s = 0;
    for (const Term& t : terms) {
      if (t.axis < 0) {
        s += t.coefficient;
        continue;
      }
      const double v = numbers[static_cast<std::size_t>(t.axis)];
      if (std::isnan(v))
        throw InputError(field + ": axis '" + names_[static_cast<std::size_t>(t.axis)] +
                         "' has a value that is not a number (in '" + text_ + "')");
      s += t.coefficient * v;
    }
    return s;
  };
  const double l = sum(left_), r = sum(right_);
  if (op_ == "<") return l < r;
  if (op_ == "<=") return l <= r;
  if (op_ == ">") return l > r;
  if (op_ == ">=") return l >= r;
  if (op_ == "==") return l == r;
  return l != r;
}

}  // namespace capsim
