#include "sim/model/job_table.h"

#include <algorithm>
#include <numeric>

#include "sim/base/check.h"

namespace capsim {

void JobTable::add(const JobRow& r) {
  name.push_back(r.name);
  submit_us.push_back(r.submit_us);
  duration_us.push_back(r.duration_us);
  cpu_milli.push_back(r.request.cpu_milli);
  memory_mib.push_back(r.request.memory_mib);
  num_gpu.push_back(r.request.num_gpu);
  gpu_milli.push_back(r.request.gpu_milli);
  gpu_models.push_back(r.request.gpu_models);
  auto q = std::find(qos_names.begin(), qos_names.end(), r.qos);
  if (q == qos_names.end()) {
    CAPSIM_CHECK(qos_names.size() < kMaxQosClasses, "QoS classes fit the uint8 column (readers check this)");
    qos_names.push_back(r.qos);
    q = qos_names.end() - 1;
  }
  qos.push_back(static_cast<std::uint8_t>(q - qos_names.begin()));
  source.push_back(r.source);
  source_line.push_back(r.source_line);
  team.push_back(team_id(!r.team.empty() ? r.team : !r.qos.empty() ? r.qos : "default"));
  CAPSIM_CHECK(r.resilience < resilience_classes.size(), "a job's resilience record exists");
  resilience.push_back(r.resilience);
  CAPSIM_CHECK(r.workers >= 1, "a job has at least one worker (readers check this)");
  workers.push_back(r.workers);
  CAPSIM_CHECK(r.service >= -1 && r.service < static_cast<std::int32_t>(services.size()),
               "a replica slot names a service of the table");
  service.push_back(r.service);
  CAPSIM_CHECK(r.tier_class < tier_classes.size(), "a job's tier class exists");
  tier_class.push_back(r.tier_class);
}

void JobTable::set_class_label(std::size_t from, std::size_t to, const std::string& label) {
  auto q = std::find(qos_names.begin(), qos_names.end(), label);
  if (q == qos_names.end()) {
    if (qos_names.size() >= kMaxQosClasses) throw InputError("more than 255 class labels");
    qos_names.push_back(label);
    q = qos_names.end() - 1;
  }
  for (std::size_t j = from; j < to; ++j) qos[j] = static_cast<std::uint8_t>(q - qos_names.begin());
}

void JobTable::set_tier(std::size_t from, std::size_t to, const TierClass& t) {
  auto it = std::find(tier_classes.begin(), tier_classes.end(), t);
  if (it == tier_classes.end()) {
    if (tier_classes.size() >= UINT8_MAX) throw InputError("more than 255 distinct tier classes");
    tier_classes.push_back(t);
    it = tier_classes.end() - 1;
  }
  const auto id = static_cast<std::uint8_t>(it - tier_classes.begin());
  for (std::size_t j = from; j < to; ++j) tier_class[j] = id;
}

void JobTable::set_resilience(std::size_t from, std::size_t to, const Resilience& r) {
  if (resilience_classes.size() >= UINT16_MAX) throw InputError("more than 65,535 resilience records");
  resilience_classes.push_back(r);
  const auto id = static_cast<std::uint16_t>(resilience_classes.size() - 1);
  for (std::size_t j = from; j < to; ++j) resilience[j] = id;
}

std::uint16_t JobTable::team_id(const std::string& t) {
  auto it = std::find(team_names.begin(), team_names.end(), t);
  if (it != team_names.end()) return static_cast<std::uint16_t>(it - team_names.begin());
  if (team_names.size() >= UINT16_MAX) throw InputError("more than 65,535 team labels");
  team_names.push_back(t);
  return static_cast<std::uint16_t>(team_names.size() - 1);
}

void JobTable::drop_unused_teams() {
  std::vector<std::int32_t> remap(team_names.size(), -1);
  std::vector<std::string> kept;
  for (auto& t : team) {
    if (remap[t] < 0) {
      remap[t] = static_cast<std::int32_t>(kept.size());
      kept.push_back(team_names[t]);
    }
    t = static_cast<std::uint16_t>(remap[t]);
  }
  team_names = std::move(kept);
}

void JobTable::set_team(std::size_t from, std::size_t to, const std::string& t) {
  const std::uint16_t id = team_id(t);
  for (std::size_t j = from; j < to; ++j) team[j] = id;
}

std::int32_t JobTable::add_source(const std::string& n) {
  source_names.push_back(n);
  return static_cast<std::int32_t>(source_names.size() - 1);
}

std::string JobTable::where(std::size_t j) const {
  const std::string& src = source[j] < static_cast<std::int32_t>(source_names.size())
                               ? source_names[source[j]]
                               : std::string("<jobs>");
  return src + ":" + std::to_string(source_line[j]);
}

namespace {
template <typename T>
void permute(std::vector<T>& v, const std::vector<std::size_t>& order) {
  std::vector<T> out;
  out.reserve(v.size());
  for (std::size_t i : order) out.push_back(std::move(v[i]));
  v = std::move(out);
}
}  // namespace

void JobTable::sort_by_submit() {
  if (std::is_sorted(submit_us.begin(), submit_us.end())) return;
  std::vector<std::size_t> order(size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return submit_us[a] < submit_us[b]; });
  permute(name, order);
  permute(submit_us, order);
  permute(duration_us, order);
  permute(cpu_milli, order);
  permute(memory_mib, order);
  permute(num_gpu, order);
  permute(gpu_milli, order);
  permute(gpu_models, order);
  permute(qos, order);
  permute(source, order);
  permute(source_line, order);
  permute(team, order);
  permute(resilience, order);
  permute(workers, order);
  permute(service, order);
  permute(tier_class, order);
}

void JobTable::append(const JobTable& o) {
  const auto source_base = static_cast<std::int32_t>(source_names.size());
  const auto resilience_base = static_cast<std::uint16_t>(resilience_classes.size());
  resilience_classes.insert(resilience_classes.end(), o.resilience_classes.begin(), o.resilience_classes.end());
  for (const auto& s : o.source_names) source_names.push_back(s);
  for (const auto& s : o.sources_without_times) sources_without_times.push_back(s);
  const auto service_base = static_cast<std::int32_t>(services.size());
  services.insert(services.end(), o.services.begin(), o.services.end());
  std::vector<std::uint8_t> tier_map;
  for (const TierClass& t : o.tier_classes) {
    auto it = std::find(tier_classes.begin(), tier_classes.end(), t);
    if (it == tier_classes.end()) {
      if (tier_classes.size() >= UINT8_MAX) throw InputError("more than 255 distinct tier classes");
      tier_classes.push_back(t);
      it = tier_classes.end() - 1;
    }
    tier_map.push_back(static_cast<std::uint8_t>(it - tier_classes.begin()));
  }
  for (std::size_t j = 0; j < o.size(); ++j) {
    JobRow r{o.name[j], o.submit_us[j], o.duration_us[j], o.request(j), o.qos_names[o.qos[j]],
             o.source[j] + source_base, o.source_line[j], o.team_names[o.team[j]],
             static_cast<std::uint16_t>(o.resilience[j] + resilience_base), o.workers[j],
             o.service[j] < 0 ? -1 : o.service[j] + service_base, tier_map[o.tier_class[j]]};
    add(r);
  }
}

}  // namespace capsim
