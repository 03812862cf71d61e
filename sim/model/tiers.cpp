#include "sim/model/tiers.h"

#include <algorithm>
#include <cctype>

#include "sim/base/check.h"

namespace capsim {

std::int32_t band_base(Tier t) {
  switch (t) {
    case Tier::kProd: return 9000;
    case Tier::kMid: return 7000;
    case Tier::kBatch: return 5000;
    case Tier::kFree: return 3000;
    case Tier::kNone: break;
  }
  return 0;
}

const char* tier_name(Tier t) {
  switch (t) {
    case Tier::kProd: return "prod";
    case Tier::kMid: return "mid";
    case Tier::kBatch: return "batch";
    case Tier::kFree: return "free";
    case Tier::kNone: break;
  }
  return "";
}

const char* qos_name(QosLevel q) {
  switch (q) {
    case QosLevel::kLSE: return "LSE";
    case QosLevel::kLSR: return "LSR";
    case QosLevel::kLS: return "LS";
    case QosLevel::kBE: return "BE";
    case QosLevel::kNone: break;
  }
  return "";
}

TierClass parse_tier(const std::string& priority_class, std::uint32_t sub_priority, const std::string& qos,
                     const std::string& field) {
  std::string c = priority_class;
  std::transform(c.begin(), c.end(), c.begin(), [](unsigned char ch) { return std::tolower(ch); });
  if (c.rfind("koord-", 0) == 0) c = c.substr(6);
  TierClass t;
  if (c == "prod") t.tier = Tier::kProd;
  else if (c == "mid") t.tier = Tier::kMid;
  else if (c == "batch") t.tier = Tier::kBatch;
  else if (c == "free") t.tier = Tier::kFree;
  else throw InputError(field + ".priority_class: \"" + priority_class + "\" is not prod, mid, batch or free");
  if (sub_priority > 999) throw InputError(field + ".sub_priority: " + std::to_string(sub_priority) + " is outside 0..999");
  t.priority = band_base(t.tier) + static_cast<std::int32_t>(sub_priority);
  std::string q = qos;
  std::transform(q.begin(), q.end(), q.begin(), [](unsigned char ch) { return std::toupper(ch); });
  if (q.empty()) t.qos = t.tier == Tier::kProd || t.tier == Tier::kMid ? QosLevel::kLS : QosLevel::kBE;
  else if (q == "LSE") t.qos = QosLevel::kLSE;
  else if (q == "LSR") t.qos = QosLevel::kLSR;
  else if (q == "LS") t.qos = QosLevel::kLS;
  else if (q == "BE") t.qos = QosLevel::kBE;
  else throw InputError(field + ".qos: \"" + qos + "\" is not LSE, LSR, LS or BE");
  const std::string combo = std::string(tier_name(t.tier)) + " with " + qos_name(t.qos);
  if (t.qos == QosLevel::kBE && t.tier == Tier::kProd)
    throw InputError(field + ".qos: " + combo + " is not allowed (BE never runs as Prod)");
  if ((t.qos == QosLevel::kLSE || t.qos == QosLevel::kLSR) && t.tier != Tier::kProd)
    throw InputError(field + ".qos: " + combo + " is not allowed (LSE and LSR run only as Prod)");
  if (t.qos == QosLevel::kLS && (t.tier == Tier::kBatch || t.tier == Tier::kFree))
    throw InputError(field + ".qos: " + combo + " is not allowed (Batch and Free pods are BE)");
  return t;
}

}  // namespace capsim
