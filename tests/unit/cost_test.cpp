// The cost model against hand-computed ledgers and closed forms: per-second
// and hourly billing, minimums, boot delay, reserved and owned prices,
// OpenCost-style job charges, conservation on random scenarios, internal vs
// net reconciliation, and the owned-versus-cloud break-even month.
#include <catch2/catch.hpp>

#include <cmath>
#include <numeric>

#include "experiments/runner.h"
#include "helpers.h"
#include "price_catalog_fixture.h"
#include "policies/registry.h"
#include "sim/base/random.h"
#include "sim/io/fleet_pricing.h"
#include "sim/io/price_catalog_loader.h"
#include "sim/io/scenario_loader.h"
#include "sim/metrics/tco.h"

using namespace capsim;
using Catch::Matchers::Contains;

namespace {

// OpenCost's default weights: one node of 4 cores, 16 GiB and one GPU splits its price as below.
constexpr double kWcpu = 4 * 0.031611, kWmem = 16 * 0.004237, kWgpu = 0.95, kW = kWcpu + kWmem + kWgpu;

const char* kCatalog = test::kPriceCatalog;

// One node of 4 cores, 16 GiB and one T4 in a pool described by pool_json.
std::string one_node_scenario(const std::string& pool_json, const std::string& extra = "") {
  return R"({"fleet": {"pools": [)" + pool_json + R"(],
    "nodes": [{"group": {"count": 1, "cpu_cores": 4, "memory_gib": 16, "gpus": 1, "gpu_model": "T4"}}]},
    "workloads": [{"synthetic": {"count": 1, "arrivals": {"poisson_rate_per_hour": 1},
                   "duration_s": {"constant": 1}, "shapes": [{"cpu_cores": 1}]}}])" + extra + "}";
}

struct PricedRun {
  RunInputs inputs;
  RunResult result;
};

PricedRun run_priced(const std::string& scenario_json, JobTable jobs, double window_s = 1800,
                     const char* catalog_json = kCatalog) {
  const config::Scenario s = parse_scenario_json(scenario_json, "test scenario");
  validate_scenario(s, "test scenario");
  PricedRun out;
  BadRowPolicy bad;
  out.inputs.fleet = build_fleet(s, "", bad);
  jobs.sort_by_submit();
  jobs.drop_unused_teams();
  out.inputs.jobs = std::move(jobs);
  config::PriceCatalog cat;
  parse_json_into(cat, catalog_json, "test catalog");
  validate_price_catalog(cat, "test catalog");
  out.inputs.pricing = price_fleet(out.inputs.fleet, s.fleet().pools(), cat, "test catalog");
  out.inputs.cost.window_us = seconds_to_us(window_s);
  out.inputs.cost.tco_months = 24;
  if (!s.capacity().name().empty()) out.inputs.capacity_policy = s.capacity().name();
  out.inputs.capacity_params.insert(s.capacity().params().begin(), s.capacity().params().end());
  RunSetup setup{&out.inputs, sim_config_from(s), ""};
  out.result = run_one(setup, RunSpec{"first-fit", {}, 1}).result;
  return out;
}

void add_team_job(JobTable& t, double submit_s, double duration_s, const JobRequest& r, const std::string& team) {
  test::add_job(t, submit_s, duration_s, r);
  t.team.back() = t.team_id(team);
}

double total(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0); }
double key(const RunResult& r, const std::string& k) { return summary_number(r.summary, k); }

}  // namespace

TEST_CASE("per-second on-demand ledger: OpenCost job charges, idle, windows, net and internal", "[cost]") {
  JobTable jobs;
  add_team_job(jobs, 0, 3600, test::req(2000, 8192, 1, 1000), "x");  // half the CPU and memory, the whole GPU
  add_team_job(jobs, 3600, 1800, test::req(4000, 16384), "y");       // all CPU and memory, no GPU
  const auto run = run_priced(one_node_scenario(
      R"({"name": "od", "kind": "on-demand", "provider": "aws", "region": "r", "prices": [{"node_type": "box"}]})"),
      jobs);
  const CostResult& c = run.result.cost;
  REQUIRE(c.present);
  REQUIRE(c.windows == 3);  // 5400 s in 1800 s windows
  REQUIRE(c.centers.size() == 1);
  REQUIRE(c.teams == std::vector<std::string>{"x", "y"});
  const double net = 3.6 * 0.8;  // 20% on-demand discount
  const double a = net * (0.5 * kWcpu + 0.5 * kWmem + kWgpu) / kW * 1.0;
  const double b = net * (kWcpu + kWmem) / kW * 0.5;
  CHECK(total(c.bill) == Approx(net * 1.5).epsilon(1e-12));
  CHECK(c.charge[0 * 2 + 0] == Approx(a / 2).epsilon(1e-12));  // window 0, team x
  CHECK(c.charge[1 * 2 + 0] == Approx(a / 2).epsilon(1e-12));
  CHECK(c.charge[2 * 2 + 1] == Approx(b).epsilon(1e-12));      // window 2, team y
  CHECK(c.charge[2 * 2 + 0] == 0);
  CHECK(total(c.idle) == Approx(net * 1.5 - a - b).epsilon(1e-12));
  CHECK(key(run.result, "cost_total") == Approx(net * 1.5).epsilon(1e-12));
  CHECK(key(run.result, "cost_team_x") == Approx(a).epsilon(1e-12));
  CHECK(key(run.result, "cost_conservation_error") < 1e-12);
  // The team-facing view uses the list price: internal = net / (1 - discount), and the gap is reported.
  CHECK(total(c.bill_internal) == Approx(3.6 * 1.5).epsilon(1e-12));
  CHECK(c.charge_internal[0] == Approx(a / 0.8).epsilon(1e-12));
  CHECK(key(run.result, "cost_internal_gap") == Approx(3.6 * 1.5 * 0.2).epsilon(1e-12));
  // Per-job costs in /jobs agree with the ledger.
  const auto& cost_col = real_column(run.result.jobs, "cost");
  REQUIRE(cost_col.name == "cost");
  CHECK(cost_col.values[0] == Approx(a).epsilon(1e-12));
  CHECK(cost_col.values[1] == Approx(b).epsilon(1e-12));
  CHECK(key(run.result, "cost_per_allocated_gpu_hour") == Approx(net * 1.5 / 1.0).epsilon(1e-12));
}

TEST_CASE("elastic node: boot delay billed, hourly rounding is idle, a node held at the end is billed to the end",
          "[cost][elastic]") {
  const std::string pool = R"({"name": "burst", "kind": "on-demand", "provider": "aws", "region": "r",
      "prices": [{"node_type": "box"}], "billing": "hour", "boot_delay_s": 300, "elastic": {"min_nodes": 0}})";
  JobTable jobs;
  add_team_job(jobs, 0, 1000, test::req(4000, 16384, 1, 1000), "x");  // the whole node
  add_team_job(jobs, 5000, 100, test::req(4000, 16384, 1, 1000), "x");
  const auto run = run_priced(
      one_node_scenario(pool, R"(, "capacity": {"name": "queue-driven", "params": {"idle_grace_s": "0"}})"), jobs, 3600);
  const RunResult& r = run.result;
  // Acquired at 0, usable at 300, job 300-1300, released at 1300 and billed one hour;
  // acquired again at 5000, job 5300-5400, still held when the run ends at 5400.
  const double price = 3.6 * 0.8;  // on-demand, 20% discount
  CHECK(key(r, "nodes_acquired") == 2);
  CHECK(key(r, "nodes_released") == 1);
  CHECK(key(r, "wait_max_s") == Approx(300));
  CHECK(key(r, "cost_total") == Approx(price * (1.0 + 400.0 / 3600)).epsilon(1e-12));
  CHECK(key(r, "cost_rounding") == Approx(price * 2300.0 / 3600).epsilon(1e-12));
  CHECK(key(r, "cost_boot") == Approx(price * 600.0 / 3600).epsilon(1e-12));
  CHECK(key(r, "cost_jobs") == Approx(price * 1100.0 / 3600).epsilon(1e-12));
  CHECK(key(r, "cost_idle") == Approx(price * (1.0 + 400.0 / 3600 - 1100.0 / 3600)).epsilon(1e-12));
  CHECK(key(r, "cost_conservation_error") < 1e-12);

  // Per-second billing with a 600 s minimum: 1300 s held is billed as 1300 s.
  std::string per_second = pool;
  per_second.replace(per_second.find("\"hour\""), 6, "\"second\", \"minimum_billed_s\": 600");
  const auto r2 = run_priced(
      one_node_scenario(per_second, R"(, "capacity": {"name": "queue-driven", "params": {"idle_grace_s": "0"}})"), jobs, 3600);
  CHECK(key(r2.result, "cost_rounding") == 0);
  CHECK(key(r2.result, "cost_total") == Approx(price * 1700.0 / 3600).epsilon(1e-12));
  // ... and with a 3600 s minimum it is billed as an hour again.
  std::string minimum = pool;
  minimum.replace(minimum.find("\"hour\""), 6, "\"second\", \"minimum_billed_s\": 3600");
  const auto r3 = run_priced(
      one_node_scenario(minimum, R"(, "capacity": {"name": "queue-driven", "params": {"idle_grace_s": "0"}})"), jobs, 3600);
  CHECK(key(r3.result, "cost_total") == Approx(key(r, "cost_total")).epsilon(1e-12));
}

TEST_CASE("reserved commitments amortize the upfront part over the term", "[cost]") {
  JobTable jobs;
  add_team_job(jobs, 0, 7200, test::req(1000, 1024), "x");
  const auto run = run_priced(one_node_scenario(
      R"({"name": "ri", "kind": "reserved", "provider": "aws", "region": "r", "commitment": "1y",
          "prices": [{"node_type": "box"}]})"), jobs);
  // 8760 upfront over 12 x 730 hours is 1.0 per hour, plus 0.5 per hour recurring; no discount on reserved.
  CHECK(key(run.result, "cost_total") == Approx(1.5 * 2).epsilon(1e-12));
}

TEST_CASE("owned hardware: depreciation, operations, idle and busy electricity, break-even month", "[cost][tco]") {
  JobTable jobs;
  add_team_job(jobs, 0, 3600, test::req(0, 0, 1, 1000), "x");   // the GPU alone for one hour
  add_team_job(jobs, 3600, 3600, test::req(1000, 0), "x");      // then one core, no GPU
  const auto run = run_priced(one_node_scenario(
      R"({"name": "dc", "kind": "owned", "provider": "onprem", "region": "dc", "prices": [{"node_type": "box"}]})"),
      jobs);
  const RunResult& r = run.result;
  // Held: 73000 / (100 x 730) + 730 / 730 + 1 kW x 1.5 x 0.2 = 2.3 per hour. Busy: 2 kW x 1.5 x 0.2 = 0.6 per
  // hour at full GPU use, paid by the job holding the GPU.
  const double held = 1.0 + 1.0 + 0.3, busy = 0.6;
  CHECK(key(r, "cost_total") == Approx(held * 2 + busy * 1).epsilon(1e-12));
  const double gpu_job = held * kWgpu / kW + busy;
  const double cpu_job = held * (kWcpu / 4) / kW;
  CHECK(real_column(r.jobs, "cost").values[0] == Approx(gpu_job).epsilon(1e-12));
  CHECK(real_column(r.jobs, "cost").values[1] == Approx(cpu_job).epsilon(1e-12));
  CHECK(key(r, "cost_idle") == Approx(held * 2 + busy - gpu_job - cpu_job).epsilon(1e-12));
  // Break-even against the entry's on-demand equivalent (10 per hour): the GPU was busy half the run.
  const double opex = (1.0 + 0.3) * kHoursPerMonth + busy * kHoursPerMonth * 0.5;
  const double expected = breakeven_month_closed_form(73000, opex, 10 * kHoursPerMonth);
  CHECK(expected == 12);
  CHECK(key(r, "tco_breakeven_month") == expected);
  CHECK(r.cost.tco.size() == 3);
  CHECK(r.cost.tco[2].name == "owned");
  CHECK(r.cost.tco[2].cumulative[24] == Approx(73000 + 24 * opex).epsilon(1e-12));
}

TEST_CASE("break-even of owned hardware against the net cloud rent and against each commitment", "[cost][tco]") {
  // The owned box of the test catalog mirrors AWS (rent_provider): its cloud-equivalent rent, 10 per
  // hour list, is 8 net under AWS's 20% on-demand discount; and it carries AWS's terms: 1 year at 6 per
  // hour, or 3 years all upfront (6 x 36 x 730 = 157,680 at month 0).
  std::string catalog = test::kPriceCatalog;
  const std::string owned = R"("memory_gib": 16, "on_demand_per_hour": 10,)";
  catalog.replace(catalog.find(owned), owned.size(),
                  std::string(owned) + R"( "rent_provider": "aws", "commitments": [{"name": "1y", "term_months": 12,
                  "upfront": 0, "per_hour": 6}, {"name": "3y", "term_months": 36, "upfront": 157680, "per_hour": 0}],)");
  JobTable jobs;
  add_team_job(jobs, 0, 3600, test::req(0, 0, 1, 1000), "x");
  add_team_job(jobs, 3600, 3600, test::req(1000, 0), "x");
  const auto run = run_priced(one_node_scenario(
      R"({"name": "dc", "kind": "owned", "provider": "onprem", "region": "dc", "prices": [{"node_type": "box"}]})"),
      jobs, 1800, catalog.c_str());
  const RunResult& r = run.result;
  // Opex as in the test above: 1,168 per month. Net rent 8 x 730 = 5,840: ceil(73000 / 4672) = 16
  // (the list rent, 7,300 a month, gave 12). 1 year: 6 x 730 = 4,380: ceil(73000 / 3212) = 23.
  const double opex = (1.0 + 0.3) * kHoursPerMonth + 0.6 * kHoursPerMonth * 0.5;
  CHECK(opex == Approx(1168));
  CHECK(breakeven_month_closed_form(73000, opex, 8 * kHoursPerMonth) == 16);
  CHECK(key(r, "tco_breakeven_month") == 16);
  CHECK(breakeven_month_closed_form(73000, opex, 6 * kHoursPerMonth) == 23);
  CHECK(key(r, "tco_breakeven_month.reserved_1y") == 23);
  // 3 years all upfront: 157,680 at month 0 is more than the purchase: owning is cheaper from the start.
  CHECK(key(r, "tco_breakeven_month.reserved_3y") == 0);
  const TcoCurve* three = nullptr;
  for (const TcoCurve& c : r.cost.tco)
    if (c.name == "reserved_3y") three = &c;
  REQUIRE(three != nullptr);
  CHECK(three->cumulative[0] == Approx(157680));
  CHECK(three->cumulative[24] == Approx(157680));  // one term covers the 24 months
}

TEST_CASE("break-even month: the projection matches the closed form for constant costs", "[cost][tco]") {
  for (double purchase : {1000.0, 50000.0, 123456.0})
    for (double opex : {0.0, 100.0, 900.0})
      for (double cloud : {1000.0, 2500.0, 7777.0}) {
        CostCenter c;
        c.on_demand_net_per_hour = cloud / kHoursPerMonth;
        c.owned_purchase = purchase;
        c.owned_opex_per_month = opex;
        CostResult out;
        project_tco({c}, TcoInputs{10.0, 120, {1.0}, {0.0}}, out);
        double expected = breakeven_month_closed_form(purchase, opex, cloud);
        if (expected > 120) expected = -1;
        CHECK(out.breakeven_month == expected);
      }
}

TEST_CASE("conservation on random scenarios: bill = idle + charges per window, jobs sum to charges",
          "[cost][property]") {
  const char* kinds[] = {"on-demand", "reserved", "spot", "owned"};
  for (std::uint64_t seed = 1; seed <= 12; ++seed) {
    RandomStream rng(seed, "cost-conservation");
    std::string pools, nodes;
    const int n_pools = 1 + static_cast<int>(rng.next_u64() % 3);
    for (int p = 0; p < n_pools; ++p) {
      const std::string kind = kinds[rng.next_u64() % 4];
      const bool elastic = p > 0 && rng.next_u64() % 2;
      const bool owned = kind == "owned";
      pools += std::string(p ? "," : "") + R"({"name": "p)" + std::to_string(p) + R"(", "kind": ")" + kind +
               R"(", "provider": ")" + (owned ? "onprem" : "aws") + R"(", "region": ")" + (owned ? "dc" : "r") +
               R"(", "commitment": "1y", "prices": [{"node_type": "box", "scale": "gpu"}])" +
               (elastic ? R"(, "billing": "hour", "boot_delay_s": 120, "elastic": {"min_nodes": 1})" : "") + "}";
      nodes += std::string(p ? "," : "") + R"({"group": {"name_prefix": "n)" + std::to_string(p) + R"(", "count": )" +
               std::to_string(2 + rng.next_u64() % 4) + R"(, "cpu_cores": 16, "memory_gib": 64, "gpus": )" +
               std::to_string(1 + rng.next_u64() % 4) + R"(, "gpu_model": "T4", "pool": "p)" + std::to_string(p) + R"("}})";
    }
    const std::string scenario = R"({"fleet": {"pools": [)" + pools + R"(], "nodes": [)" + nodes + R"(]},
      "workloads": [{"synthetic": {"count": 1, "arrivals": {"poisson_rate_per_hour": 1},
                     "duration_s": {"constant": 1}, "shapes": [{"cpu_cores": 1}]}}],
      "capacity": {"name": "queue-driven", "params": {"idle_grace_s": "300"}}})";
    JobTable jobs;
    double t = 0;
    for (int j = 0; j < 300; ++j) {
      t += static_cast<double>(rng.next_u64() % 600);
      const int gpus = static_cast<int>(rng.next_u64() % 3);
      add_team_job(jobs, t, 60 + static_cast<double>(rng.next_u64() % 7200),
                   test::req(static_cast<std::int64_t>(500 + rng.next_u64() % 8000), static_cast<std::int64_t>(rng.next_u64() % 30000),
                             gpus, gpus == 1 ? static_cast<int>(100 + rng.next_u64() % 900) : 1000),
                   "team" + std::to_string(rng.next_u64() % 3));
    }
    INFO("seed " << seed << ": " << scenario);
    const auto run = run_priced(scenario, jobs, 900);
    const CostResult& c = run.result.cost;
    const std::size_t C = c.centers.size(), T = c.teams.size();
    double bill = 0, charges = 0;
    for (std::size_t w = 0; w < c.windows; ++w)
      for (std::size_t k = 0; k < C; ++k) {
        double ch = 0;
        for (std::size_t m = 0; m < T; ++m) ch += c.charge[(w * C + k) * T + m];
        const double b = c.bill[w * C + k];
        CHECK(std::abs(b - c.idle[w * C + k] - ch) <= 1e-9 * std::max(1.0, b));
        CHECK(c.idle[w * C + k] >= -1e-9 * std::max(1.0, b));
        bill += b, charges += ch;
      }
    double job_costs = 0;
    for (double v : real_column(run.result.jobs, "cost").values)
      if (!std::isnan(v)) job_costs += v;
    CHECK(job_costs == Approx(charges).epsilon(1e-9));
    CHECK(key(run.result, "cost_total") == Approx(bill).epsilon(1e-12));
    CHECK(key(run.result, "cost_conservation_error") <= 1e-9 * std::max(1.0, bill));
  }
}

TEST_CASE("price catalog errors name the entry and field", "[cost][errors]") {
  auto bad = [](const std::string& from, const std::string& to) {
    std::string text = kCatalog;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    config::PriceCatalog cat;
    parse_json_into(cat, text, "cat.json");
    validate_price_catalog(cat, "cat.json");
  };
  CHECK_THROWS_WITH(bad("\"on_demand_per_hour\": 3.6", "\"on_demand_per_hour\": -3.6"),
                    Contains("aws/r/box") && Contains("on_demand_per_hour") && Contains("negative"));
  CHECK_THROWS_WITH(bad("\"currency\": \"USD\"", "\"currency\": \"XYZ\""), Contains("unknown currency 'XYZ'"));
  CHECK_THROWS_WITH(bad("\"provider\": \"aws\", \"region\"", "\"provider\": \"awz\", \"region\""),
                    Contains("unknown provider 'awz'"));
  CHECK_THROWS_WITH(bad("\"term_months\": 12", "\"term_months\": 0"), Contains("commitments[0].term_months"));
  CHECK_THROWS_WITH(bad("\"residual\": 0", "\"residual\": 80000"), Contains("owned.residual"));
  CHECK_THROWS_WITH(bad("\"fraction\": 0.2", "\"fraction\": 1.5"), Contains("discounts[0]") && Contains("fraction"));
  CHECK_THROWS_WITH(bad("\"node_type\": \"box\", \"gpu_model\": \"T4\", \"gpus\": 1, \"cpu_cores\": 4,\n     \"memory_gib\": 16, \"on_demand_per_hour\": 10",
                        "\"node_type\": \"box\", \"gpu_model\": \"T4\", \"gpus\": 1, \"cpu_cores\": 4,\n     \"memory_gib\": 16, \"on_demand_per_hour\": 10, \"region\": \"r\", \"provider\": \"aws\""),
                    Contains("priced twice"));
  CHECK_THROWS_WITH(bad("\"gpu_model\": \"T4\"", "\"gpu_model\": \"T5\""), Contains("unknown GPU model 'T5'"));
}

TEST_CASE("pricing a fleet: missing entries, prices and rules are errors, never a zero", "[cost][errors]") {
  JobTable jobs;
  add_team_job(jobs, 0, 10, test::req(1000, 0), "x");
  CHECK_THROWS_WITH(run_priced(one_node_scenario(R"({"name": "p", "kind": "on-demand", "provider": "aws",
                               "region": "r", "prices": [{"node_type": "nope"}]})"), jobs),
                    Contains("pool 'p'") && Contains("no entry aws/r/nope"));
  CHECK_THROWS_WITH(run_priced(one_node_scenario(R"({"name": "p", "kind": "owned", "provider": "aws",
                               "region": "r", "prices": [{"node_type": "box"}]})"), jobs),
                    Contains("is owned, but aws/r/box has no owned block"));
  CHECK_THROWS_WITH(run_priced(one_node_scenario(R"({"name": "p", "kind": "reserved", "provider": "aws",
                               "region": "r", "commitment": "3y", "prices": [{"node_type": "box"}]})"), jobs),
                    Contains("commitment '3y'") && Contains("offers: 1y"));
  CHECK_THROWS_WITH(run_priced(one_node_scenario(R"({"name": "p", "kind": "on-demand", "provider": "aws",
                               "region": "r", "prices": [{"gpu_model": "A100", "node_type": "box"}]})"), jobs),
                    Contains("no price rule of the pool matches GPU model T4"));
  CHECK_THROWS_WITH(run_priced(one_node_scenario(R"({"name": "p", "kind": "spot", "provider": "onprem",
                               "region": "dc", "prices": [{"node_type": "box"}]})"), jobs),
                    Contains("no spot_per_hour"));
  const config::Scenario s = parse_scenario_json(
      one_node_scenario(R"({"name": "p", "kind": "rented", "provider": "aws", "region": "r"})"), "s.json");
  CHECK_THROWS_WITH(validate_scenario(s, "s.json"), Contains("fleet.pools[0].kind"));
}

TEST_CASE("CSV price catalogs: rows become entries, errors carry file and line", "[cost][errors]") {
  const std::string header =
      "currency,provider,region,node_type,gpu_model,gpus,cpu_cores,memory_gib,on_demand_per_hour,spot_per_hour\n";
  const auto cat = parse_price_catalog_csv("p.csv", header + "USD,aws,us-east-1,g4dn.xlarge,T4,1,4,16,0.526,0.1578\n"
                                                             "USD,aws,us-east-1,m5.xlarge,,0,4,16,0.192,\n");
  REQUIRE(cat.nodes_size() == 2);
  CHECK(cat.nodes(0).spot_per_hour() == 0.1578);
  CHECK_FALSE(cat.nodes(1).has_spot_per_hour());
  CHECK_THROWS_WITH(parse_price_catalog_csv("p.csv", header + "USD,aws,us-east-1,x,T4,1,4,16,-1,\n"),
                    Contains("p.csv:2") && Contains("on_demand_per_hour"));
  CHECK_THROWS_WITH(parse_price_catalog_csv("p.csv", header + "USD,aws,r,a,,0,4,16,1,\nEUR,aws,r,b,,0,4,16,1,\n"),
                    Contains("p.csv:3") && Contains("same currency"));
}

TEST_CASE("the bundled example catalog prices the bundled cost scenarios", "[cost][traces]") {
  for (const char* name : {"openb_cost.json", "cost_reserved_plus_burst.json"}) {
    const LoadedScenario l = load_scenario_file(std::string(CAPSIM_SOURCE_DIR) + "/scenarios/" + name);
    const RunInputs in = build_run_inputs(l.scenario, l.base_dir);
    REQUIRE(in.pricing);
    for (const NodeRates& r : in.pricing->node) CHECK(r.net_per_hour > 0);
  }
}

TEST_CASE("queue-driven capacity: acquires for the queue within pool bounds, keeps min_nodes", "[elastic]") {
  const std::string scenario = R"({"fleet": {"pools": [{"name": "e", "kind": "on-demand", "provider": "aws",
      "region": "r", "prices": [{"node_type": "box"}], "boot_delay_s": 60, "elastic": {"min_nodes": 1}}],
    "nodes": [{"group": {"count": 5, "cpu_cores": 4, "memory_gib": 16, "gpus": 1, "gpu_model": "T4"}}]},
    "workloads": [{"synthetic": {"count": 1, "arrivals": {"poisson_rate_per_hour": 1},
                   "duration_s": {"constant": 1}, "shapes": [{"cpu_cores": 1}]}}],
    "capacity": {"name": "queue-driven", "params": {"idle_grace_s": "100"}}})";
  JobTable jobs;
  for (int j = 0; j < 12; ++j) add_team_job(jobs, 0, 1000, test::req(4000, 0), "x");  // one whole node each
  add_team_job(jobs, 10000, 10, test::req(1000, 0), "x");
  const auto run = run_priced(scenario, jobs, 3600);
  const RunResult& r = run.result;
  // One node is held from the start; the queue asks for 11 more but the pool has 4 more.
  CHECK(key(r, "nodes_acquired") == 4);
  CHECK(key(r, "jobs_completed") == 13);
  // All five idle after the last batch; four are released, min_nodes keeps one for the late job.
  CHECK(key(r, "nodes_released") == 4);
  CHECK(key(r, "wait_max_s") == Approx(2060));  // the last batch waits two runs plus one boot
}

TEST_CASE("spot price series: rates change at each point, in the ledger and in job costs", "[cost][spot]") {
  const char* catalog = R"({"currency": "USD", "nodes": [
    {"provider": "aws", "region": "r", "node_type": "box", "gpu_model": "T4", "gpus": 1, "cpu_cores": 4,
     "memory_gib": 16, "spot_series": [{"t_s": 0, "per_hour": 1.2}, {"t_s": 1800, "per_hour": 2.4},
                                       {"t_s": 5000, "per_hour": 0.6}]}]})";
  JobTable jobs;
  add_team_job(jobs, 0, 3600, test::req(4000, 16384, 1, 1000), "x");  // the whole node for an hour
  add_team_job(jobs, 3600, 1800, test::req(2000, 8192, 0, 0), "y");   // then half its CPU and memory
  Resilience tolerant;
  tolerant.spot_tolerant = true;
  jobs.set_resilience(0, 2, tolerant);
  const auto run = run_priced(one_node_scenario(
      R"({"name": "s", "kind": "spot", "provider": "aws", "region": "r", "prices": [{"node_type": "box"}]})"),
      jobs, 1800, catalog);
  const RunResult& r = run.result;
  // Bill: 1.2 x 0.5 h + 2.4 x (5000 - 1800) s + 0.6 x (5400 - 5000) s.
  const double bill = 1.2 * 0.5 + 2.4 * 3200 / 3600 + 0.6 * 400 / 3600;
  CHECK(key(r, "cost_total") == Approx(bill).epsilon(1e-12));
  CHECK(r.cost.bill[0] == Approx(0.6).epsilon(1e-12));
  CHECK(r.cost.bill[1] == Approx(1.2).epsilon(1e-12));
  CHECK(real_column(r.jobs, "cost").values[0] == Approx(0.6 + 1.2).epsilon(1e-12));
  const double half = (0.5 * kWcpu + 0.5 * kWmem) / kW;  // job y's share of the node's price
  CHECK(real_column(r.jobs, "cost").values[1] == Approx(half * (2.4 * 1400 + 0.6 * 400) / 3600).epsilon(1e-12));
  CHECK(key(r, "cost_conservation_error") < 1e-12);
  // A series must start at 0 with a positive price.
  std::string bad = catalog;
  bad.replace(bad.find("\"t_s\": 0, \"per_hour\": 1.2"), 25, "\"t_s\": 0, \"per_hour\": 0.0");
  CHECK_THROWS_WITH(run_priced(one_node_scenario(
                        R"({"name": "s", "kind": "spot", "provider": "aws", "region": "r", "prices": [{"node_type": "box"}]})"),
                        jobs, 1800, bad.c_str()),
                    Contains("spot_series must start at t_s 0 with a positive price"));
}
