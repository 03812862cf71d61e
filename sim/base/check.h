#pragma once
// Two kinds of failure, kept apart (see README "Errors"):
//  - InputError: something the user supplied is wrong. The message names the
//    file, line, column or field. The CLI exits with status 2.
//  - InvariantError (CAPSIM_CHECK): the engine broke one of its own rules
//    (for example a node allocated past capacity). Always checked, also in
//    Release builds: a silent wrong answer is worse than a stop.
#include <stdexcept>
#include <string>

namespace capsim {

class InputError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class InvariantError : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

[[noreturn]] void fail_invariant(const char* expr, const char* file, int line, const std::string& what);

}  // namespace capsim

#define CAPSIM_CHECK(cond, what)                                      \
  do {                                                                \
    if (__builtin_expect(!(cond), 0))                                 \
      ::capsim::fail_invariant(#cond, __FILE__, __LINE__, (what));    \
  } while (0)
