#include "sim/base/check.h"

namespace capsim {

void fail_invariant(const char* expr, const char* file, int line, const std::string& what) {
  throw InvariantError("internal invariant broken: " + what + " (" + expr + " at " + file + ":" +
                       std::to_string(line) + ")");
}

}  // namespace capsim
