#pragma once
// Results are written to a temporary name beside the target and renamed when
// complete, so a crash never leaves a half-written file that looks whole.
#include <functional>
#include <string>

namespace capsim {

// Calls write(tmp_path), then renames tmp_path to path. Removes the temporary
// file and rethrows if write throws. Creates missing parent directories.
void write_atomically(const std::string& path, const std::function<void(const std::string&)>& write);
void write_text_atomically(const std::string& path, const std::string& text);

}  // namespace capsim
