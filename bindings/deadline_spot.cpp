// Python bindings of the deadline-aware spot study (experiments/deadline_spot.h): the same experiment
// layer as `capsim deadline-spot`; the runs travel as columns.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include "experiments/deadline_spot.h"
#include "sim/base/check.h"

namespace py = pybind11;
using namespace capsim;

void bind_deadline_spot(py::module_& m) {
  m.def(
      "deadline_spot",
      [](const std::string& capacity_csv, int nodes, double work_h, double deadline_h, double overhead_h,
         double spot_price, double on_demand_price, int starts, const std::vector<double>& offsets_h,
         const std::vector<std::string>& policy_names, int threads) {
        DeadlineJob job;
        for (double h : {work_h, deadline_h, overhead_h})
          if (!(h >= 0) || h > 1e6) throw InputError("deadline_spot: hours must be in [0, 1e6]");
        job.work_us = seconds_to_us(work_h * 3600.0);
        job.deadline_us = seconds_to_us(deadline_h * 3600.0);
        job.overhead_us = seconds_to_us(overhead_h * 3600.0);
        job.spot_per_hour = spot_price;
        job.on_demand_per_hour = on_demand_price;
        check_deadline_job(job);
        std::vector<DeadlinePolicy> policies;
        for (const auto& p : policy_names) policies.push_back(deadline_policy(p));
        const SpotAvailability spot = read_spot_availability(capacity_csv, nodes);
        std::vector<SimTime> offsets;
        for (double h : offsets_h) {
          if (!(h >= 0) || h > 1e6) throw InputError("deadline_spot: offsets_h must be in [0, 1e6]");
          offsets.push_back(seconds_to_us(h * 3600.0));
        }
        if (offsets.empty()) offsets = even_offsets(spot, starts);
        std::vector<DeadlineRun> runs;
        {
          py::gil_scoped_release release;
          runs = run_deadline_study(spot, offsets, job, policies, threads);
        }
        py::dict cols;
        std::vector<double> offset_s, finish_h, cost, spot_h, od_h, first_od_h;
        std::vector<std::string> policy;
        std::vector<bool> finished, met;
        std::vector<int> starts_col, preemptions;
        for (const DeadlineRun& r : runs) {
          offset_s.push_back(us_to_seconds(r.offset_us));
          policy.push_back(deadline_policy_names()[static_cast<std::size_t>(r.policy)]);
          finished.push_back(r.finished);
          finish_h.push_back(r.finished ? us_to_seconds(r.finish_us) / 3600.0 : -1.0);
          met.push_back(r.met);
          cost.push_back(r.cost);
          spot_h.push_back(us_to_seconds(r.spot_us) / 3600.0);
          od_h.push_back(us_to_seconds(r.on_demand_us) / 3600.0);
          starts_col.push_back(r.starts);
          preemptions.push_back(r.preemptions);
          first_od_h.push_back(r.first_on_demand_us < 0 ? -1.0 : us_to_seconds(r.first_on_demand_us) / 3600.0);
        }
        cols["offset_s"] = offset_s;
        cols["policy"] = policy;
        cols["finished"] = finished;
        cols["finish_h"] = finish_h;
        cols["met"] = met;
        cols["cost_usd"] = cost;
        cols["spot_h"] = spot_h;
        cols["on_demand_h"] = od_h;
        cols["starts"] = starts_col;
        cols["preemptions"] = preemptions;
        cols["first_on_demand_h"] = first_od_h;
        py::list summary;
        for (const DeadlineSummary& s : summarize_deadline_study(runs, job, policies)) {
          py::dict d;
          d["policy"] = deadline_policy_names()[static_cast<std::size_t>(s.policy)];
          d["runs"] = s.runs;
          d["mean_cost_usd"] = s.mean_cost;
          d["cost_vs_on_demand"] = s.cost_vs_on_demand;
          d["miss_share"] = s.miss_share;
          d["unfinished_share"] = s.unfinished_share;
          d["mean_finish_h"] = s.mean_finish_h;
          d["spot_share"] = s.spot_share;
          d["mean_preemptions"] = s.mean_preemptions;
          summary.append(d);
        }
        py::dict out;
        out["runs"] = cols;
        out["summary"] = summary;
        return out;
      },
      py::arg("capacity_csv"), py::arg("nodes"), py::arg("work_h"), py::arg("deadline_h"), py::arg("overhead_h"),
      py::arg("spot_price"), py::arg("on_demand_price"), py::arg("starts"), py::arg("offsets_h"),
      py::arg("policies"), py::arg("threads"));
}
