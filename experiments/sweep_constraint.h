#pragma once
// Sweep constraints: linear comparisons over a point's numeric axis values,
// "reserved + 2 * spot <= 64", that keep or drop grid points.
#include <string>
#include <vector>

namespace capsim {

class SweepConstraint {
 public:
  // InputError naming `field` for a malformed text or a name that is not an axis.
  SweepConstraint(const std::string& text, const std::vector<std::string>& axis_names, const std::string& field);
  // `numbers[a]` is axis a's value (NaN for a non-number: an InputError naming the axis, from holds).
  bool holds(const std::vector<double>& numbers, const std::string& field) const;
  const std::string& text() const { return text_; }

 private:
  struct Term {
    double coefficient = 1;
    int axis = -1;  // -1: a constant
  };
  std::string text_;
  std::vector<std::string> names_;
  std::vector<Term> left_, right_;
  std::string op_;
};

}  // namespace capsim
