// Conversions from the scenario's models to the runtime's options.
#include "scenarios/scenario.h"

namespace scenarios {

sim::NetworkOptions network_options(const NetworkModel& model) {
  sim::NetworkOptions options;
  options.latency_min = model.latency_min;
  options.latency_tail_mean = model.latency_tail_mean;
  options.latency_max = model.latency_max;
  options.drop_p = model.drop_p;
  options.duplicate_p = model.duplicate_p;
  options.long_delay_p = model.long_delay_p;
  options.long_delay_min = model.long_delay_min;
  options.long_delay_max = model.long_delay_max;
  return options;
}

sim::DiskOptions disk_options(const DiskModel& model) {
  sim::DiskOptions options;
  options.write_latency_min = model.write_latency_min;
  options.write_latency_tail_mean = model.write_latency_tail_mean;
  options.write_latency_max = model.write_latency_max;
  options.fsync_latency_min = model.fsync_latency_min;
  options.fsync_latency_tail_mean = model.fsync_latency_tail_mean;
  options.fsync_latency_max = model.fsync_latency_max;
  return options;
}

}  // namespace scenarios
