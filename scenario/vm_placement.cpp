#include "scenario/vm_placement.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "sim/base/check.h"

namespace capsim {
namespace {
constexpr double kMibPerGib = 1024.0;
}  // namespace

void place_vm(const config::NodeGroup& g, const std::string& field, std::uint32_t i, NodeSpec& spec, const Fleet& fleet,
              HostSockets& free) {
  const config::VmSpec& vm = g.vm();
  const std::int32_t sockets = vm.sockets() ? static_cast<std::int32_t>(vm.sockets()) : 1;
  const std::int64_t cpu = std::llround(g.cpu_cores() * 1000), memory = std::llround(g.memory_gib() * kMibPerGib);
  const std::string& how = vm.placement();
  std::string given_host;
  std::int32_t given_socket = -1;
  if (how == "given") {
    const std::string f = field + ".vm.host_sockets[" + std::to_string(i) + "]";
    if (static_cast<std::uint32_t>(vm.host_sockets_size()) != g.count())
      throw InputError("scenario field " + field + ".vm.host_sockets: placement \"given\" needs one HOST:SOCKET per VM (" +
                       std::to_string(g.count()) + "), got " + std::to_string(vm.host_sockets_size()));
    const std::string& hs = vm.host_sockets(static_cast<int>(i));
    const auto colon = hs.rfind(':');
    try {
      std::size_t used = 0;
      if (colon == std::string::npos) throw std::invalid_argument("no colon");
      given_socket = std::stoi(hs.substr(colon + 1), &used);
      if (used != hs.size() - colon - 1 || given_socket < 0) throw std::invalid_argument("socket");
    } catch (const std::exception&) {
      throw InputError("scenario field " + f + ": expected HOST:SOCKET (a host name and a socket number), got '" + hs + "'");
    }
    given_host = hs.substr(0, colon);
  } else if (!how.empty() && how != "first-fit" && how != "spread") {
    throw InputError("scenario field " + field + ".vm.placement: expected first-fit, spread or given, got '" + how + "'");
  }
  const bool take_first = how != "spread";  // first-fit and given take the first window with room
  bool any = false;
  std::int32_t best_host = -1, best_first = -1;
  double best_score = -1;
  for (std::size_t h = 0; h < fleet.hosts.size() && !(take_first && best_host >= 0); ++h) {
    const HostSpec& host = fleet.hosts[h];
    if (host.name.rfind(vm.hosts() + "-", 0) != 0) continue;
    any = true;
    const std::int64_t socket_cpu = host.cpu_milli / host.sockets, socket_memory = host.memory_mib / host.sockets;
    if (sockets > host.sockets || (cpu + sockets - 1) / sockets > socket_cpu || (memory + sockets - 1) / sockets > socket_memory)
      throw InputError("scenario field " + field + ".vm: a VM of " + std::to_string(cpu / 1000.0).substr(0, 6) + " cores and " +
                       std::to_string(memory / kMibPerGib) + " GiB over " + std::to_string(sockets) +
                       " socket(s) is larger than its host " + host.name + " (" + std::to_string(host.sockets) + " sockets of " +
                       std::to_string(socket_cpu / 1000) + " cores and " + std::to_string(socket_memory / kMibPerGib) + " GiB)");
    if (how == "given" && host.name != given_host) continue;
    for (std::int32_t first = 0; first + sockets <= host.sockets; ++first) {
      if (how == "given" && first != given_socket) continue;
      const auto base = static_cast<std::size_t>(fleet.host_socket_base[h] + first);
      bool room = true;
      double score = 2;
      for (std::int32_t k = 0; k < sockets; ++k) {
        room = room && free.cpu_milli[base + k] * sockets >= cpu && free.memory_mib[base + k] * sockets >= memory;
        score = std::min(score, static_cast<double>(free.cpu_milli[base + k]) / static_cast<double>(socket_cpu) +
                                    static_cast<double>(free.memory_mib[base + k]) / static_cast<double>(socket_memory));
      }
      if (!room || score <= best_score) continue;
      best_host = static_cast<std::int32_t>(h);
      best_first = first;
      best_score = score;
      if (take_first) break;
    }
  }
  if (!any) throw InputError("scenario field " + field + ".vm.hosts: no fleet.hosts group named '" + vm.hosts() + "'");
  if (best_host < 0) {
    if (how == "given")
      throw InputError("scenario field " + field + ".vm.host_sockets[" + std::to_string(i) + "]: '" +
                       vm.host_sockets(static_cast<int>(i)) + "' is not a socket of a host of '" + vm.hosts() +
                       "' with room for VM " + spec.name + " (" + std::to_string(sockets) + " socket(s) from there)");
    throw InputError("scenario field " + field + ".count: VM " + spec.name + " does not fit on the hosts of '" + vm.hosts() +
                     "': they are full");
  }
  const HostSpec& host = fleet.hosts[static_cast<std::size_t>(best_host)];
  const auto base = static_cast<std::size_t>(fleet.host_socket_base[static_cast<std::size_t>(best_host)] + best_first);
  for (std::int32_t k = 0; k < sockets; ++k) {
    free.cpu_milli[base + k] -= cpu / sockets;
    free.memory_mib[base + k] -= memory / sockets;
  }
  spec.host = best_host;
  spec.socket_base = static_cast<std::int32_t>(base);
  spec.sockets = sockets;
  spec.numa_per_socket = host.numa_per_socket;
}

}  // namespace capsim
