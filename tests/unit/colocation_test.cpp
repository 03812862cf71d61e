// Tiers and the preemption rule by hand (the node-level formulas have hand-worked scenarios in
// tests/scenarios/colocation_*.json).
#include <catch2/catch.hpp>

#include "policies/priority_preemption.h"
#include "sim/base/check.h"
#include "sim/model/tiers.h"

using namespace capsim;

TEST_CASE("tiers: Koordinator's bands, QoS defaults and the combinations allowed", "[colocation]") {
  const TierClass prod = parse_tier("prod", 0, "", "f");
  CHECK(prod.tier == Tier::kProd);
  CHECK(prod.priority == 9000);
  CHECK(prod.qos == QosLevel::kLS);
  CHECK(parse_tier("koord-batch", 250, "", "f").priority == 5250);
  CHECK(parse_tier("Batch", 0, "", "f").qos == QosLevel::kBE);
  CHECK(parse_tier("mid", 999, "be", "f").priority == 7999);
  CHECK(parse_tier("prod", 0, "LSE", "f").qos == QosLevel::kLSE);
  CHECK_THROWS_WITH(parse_tier("prod", 0, "BE", "w[0].tier"), Catch::Contains("w[0].tier.qos") && Catch::Contains("BE never runs as Prod"));
  CHECK_THROWS_WITH(parse_tier("mid", 0, "LSR", "f"), Catch::Contains("LSE and LSR run only as Prod"));
  CHECK_THROWS_WITH(parse_tier("batch", 0, "LS", "f"), Catch::Contains("Batch and Free pods are BE"));
  CHECK_THROWS_WITH(parse_tier("gold", 0, "", "f"), Catch::Contains("f.priority_class"));
  CHECK_THROWS_WITH(parse_tier("prod", 1000, "", "f"), Catch::Contains("f.sub_priority"));
  CHECK_THROWS_WITH(parse_tier("prod", 0, "XL", "f"), Catch::Contains("f.qos"));
}

TEST_CASE("preemption rule: higher priority only, Prod never over Mid, untiered pods never", "[colocation]") {
  const TierClass prod_hi = parse_tier("prod", 500, "", "f"), prod = parse_tier("prod", 0, "", "f");
  const TierClass mid = parse_tier("mid", 999, "", "f"), batch = parse_tier("batch", 999, "", "f");
  const TierClass batch_low = parse_tier("batch", 0, "", "f"), none{};
  CHECK(tier_may_preempt(prod_hi, prod));
  CHECK_FALSE(tier_may_preempt(prod, prod));        // equal priority
  CHECK_FALSE(tier_may_preempt(prod, prod_hi));     // lower
  CHECK_FALSE(tier_may_preempt(prod_hi, mid));      // high may not preempt mid
  CHECK(tier_may_preempt(mid, batch));              // mid may preempt low
  CHECK(tier_may_preempt(prod, batch));             // high may preempt low
  CHECK(tier_may_preempt(batch, batch_low));
  CHECK_FALSE(tier_may_preempt(prod, none));
  CHECK_FALSE(tier_may_preempt(none, batch));
}
